"""Voting codes by email, as the worker's job (tasks.email_codes, queued by
services.email_credentials): a code for every voter on the roll with an email address and no
live code, one message each through the outbox (mutualise.mail).

The voters go in chunks; each chunk's codes are issued and its messages recorded in one
transaction, with the job's progress, so a worker stopped half way leaves whole chunks done
(those voters now hold live codes, so a retry passes them over) and nothing half done. The plain
code travels as the message's secret: the outbox keeps the message without it once it is sent.
"""

from __future__ import annotations

from django.db import models, transaction
from django.utils import timezone

from mutualise.mail import services as mail

from . import services
from .models import Credential, Election

CHUNK = 500


def voters_to_email(election: Election):
    """Voters on the roll with an email address and no live code, oldest entry first."""
    live = Credential.objects.filter(roll_entry=models.OuterRef("pk"), voided_at__isnull=True)
    return (
        election.roll.filter(removed=False)
        .exclude(models.Exists(live))
        .exclude(member__email="")
        .order_by("pk")
    )


def send_codes(election: Election, *, actor, vote_url: str, run) -> dict:
    """Issue and mail the codes (see the module's doc); `run` is the job's (jobs.running)."""
    close = timezone.localtime(services.timetable(election).close_of_poll)
    emailed, unusable = 0, []
    while True:
        with transaction.atomic():
            # The election locked before the chunk is read: poll cards committing meanwhile
            # would otherwise have their fresh codes voided by this chunk's issue.
            Election.objects.select_for_update().get(pk=election.pk)
            chunk = list(
                voters_to_email(election).exclude(pk__in=unusable).select_related("member")[:CHUNK]
            )
            usable = []
            for entry in chunk:
                try:
                    mail.check_address(entry.member.email)
                except mail.MailError:
                    unusable.append(entry.pk)
                else:
                    usable.append(entry)
            if not chunk:
                result = {
                    "election": election.pk,
                    "emailed": emailed,
                    "unusable_addresses": len(unusable),
                }
                run.finish(result)
                return result
            if not usable:
                continue
            issued = services.issue_credentials(
                election, channel=Credential.Channel.EMAIL, entries=usable, actor=actor
            )
            for item in issued:
                member = item.roll_entry.member
                mail.send(
                    organisation=election.organisation,
                    to=member.email,
                    template="elections/voting_code",
                    context={
                        "name": member.display_name,
                        "election": election,
                        "vote_url": vote_url or "the election page",
                        "close": close,
                    },
                    secrets={"code": item.code},
                    reason="voting-code",
                )
            emailed += len(issued)
            run.progress(emailed, force=True)
