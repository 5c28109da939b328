"""Reminders for the officers: raised by the daily run from the rulebook (checks/reminders.py),
recorded once, mailed to each officer, closed when they no longer apply or an officer has
dealt with them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction

from mutualise import clock
from mutualise.audit import services as audit
from mutualise.elections.models import Election
from mutualise.mail import services as mail
from mutualise.register.models import Organisation, Role

from .. import facts
from ..checks import reminders as due_rules
from ..models import Reminder
from .errors import GovernanceError, require

# Who is told: the organisation's membership secretaries and administrators.
OFFICER_ROLES = (Role.Kind.OFFICER, Role.Kind.ADMINISTRATOR)
NO_LONGER_DUE = "no longer due (done, passed, or the rulebook moved it)"


@dataclass
class Refreshed:
    raised: int = 0
    closed: int = 0
    mailed: int = 0


def ahead_days() -> int:
    return int(getattr(settings, "MUTUALISE_REMINDER_DAYS_AHEAD", 28))


def _officer_addresses(ids) -> dict[int, list[str]]:
    found = defaultdict(set)
    rows = Role.objects.filter(organisation_id__in=ids, kind__in=OFFICER_ROLES).values_list(
        "organisation_id", "user__email"
    )
    for org_id, email in rows:
        if email:
            found[org_id].add(email)
    return {org_id: sorted(emails) for org_id, emails in found.items()}


def _elections(ids) -> dict[int, list[due_rules.ElectionDates]]:
    found = defaultdict(list)
    rows = Election.objects.filter(
        organisation_id__in=ids, state__in=due_rules.BEFORE_POLL_CLOSE
    ).values_list("organisation_id", "pk", "title", "state", "close_of_poll")
    for org_id, pk, title, state, close in rows:
        found[org_id].append(due_rules.ElectionDates(pk, title, state, close))
    return found


def refresh_reminders(
    organisations=None, *, today: date | None = None, actor="scheduler", progress=None
) -> Refreshed:
    """The daily run: for each organisation, raise (and mail) every reminder now due that is
    not yet recorded, and close the open ones that no longer apply. Running it twice on one
    day raises and mails nothing the second time. `progress(done, total)` after each."""
    today = today or clock.localdate()
    organisations = list(organisations if organisations is not None else Organisation.objects.all())
    for organisation in organisations:
        require("governance.run_health", actor, organisation)
    ids = [o.pk for o in organisations]
    rulebooks = facts.constitutions(ids)
    snapshots = facts.build(organisations, today)
    elections = _elections(ids)
    officers = _officer_addresses(ids)
    outcome = Refreshed()
    for done, organisation in enumerate(organisations, start=1):
        if organisation.pk not in rulebooks:  # unreadable: the health check says so (REG-0)
            continue
        found = due_rules.due(
            rulebooks[organisation.pk],
            snapshots[organisation.pk],
            elections.get(organisation.pk, ()),
            ahead_days=ahead_days(),
        )
        _refresh_one(organisation, found, officers.get(organisation.pk, []), today, actor, outcome)
        if progress is not None:
            progress(done, len(organisations))
    return outcome


def _refresh_one(organisation, found, officers, today, actor, outcome: Refreshed) -> None:
    with transaction.atomic():
        existing = {
            (r.kind, r.key, r.due_on): r
            for r in Reminder.objects.select_for_update().filter(organisation=organisation)
        }
        wanted = {(d.kind, d.key, d.due_on): d for d in found}
        for identity, item in wanted.items():
            reminder = existing.get(identity)
            if reminder is not None:
                continue  # raised before (open, or dealt with): nothing new to say
            reminder = Reminder.objects.create(
                organisation=organisation, kind=item.kind, key=item.key, due_on=item.due_on,
                act_by=item.act_by, title=item.title[:300], text=item.text,
                rule=item.rule[:300], raised_on=today, mailed_to=len(officers),
            )  # fmt: skip
            audit.record(
                organisation,
                "governance.reminder_raised",
                actor=actor,
                subject=reminder,
                data={"kind": item.kind, "about": item.key, "due_on": item.due_on.isoformat(),
                      "rule": item.rule, "mailed_to": len(officers)},
            )  # fmt: skip
            for address in officers:
                mail.send(
                    organisation=organisation,
                    to=address,
                    template="governance/reminder",
                    context={"reminder": reminder},
                    reason="reminder",
                )
            outcome.raised += 1
            outcome.mailed += len(officers)
        for identity, reminder in existing.items():
            if reminder.state == Reminder.State.OPEN and identity not in wanted:
                _close(reminder, today, actor, NO_LONGER_DUE)
                outcome.closed += 1


def _close(reminder: Reminder, today: date, actor, why: str) -> None:
    reminder.state, reminder.closed_on = Reminder.State.CLOSED, today
    reminder.save(update_fields=["state", "closed_on"])
    audit.record(
        reminder.organisation,
        "governance.reminder_closed",
        actor=actor,
        subject=reminder,
        data={"kind": reminder.kind, "about": reminder.key, "why": why},
    )


def close_reminder(reminder: Reminder, *, actor) -> Reminder:
    """An officer has dealt with it: it leaves the open list (and is not raised again)."""
    require("governance.handle_reminders", actor, reminder.organisation)
    with transaction.atomic():
        locked = Reminder.objects.select_for_update().get(pk=reminder.pk)
        if locked.state != Reminder.State.OPEN:
            raise GovernanceError("this reminder has already been closed")
        _close(locked, clock.localdate(), actor, "dealt with by an officer")
    return locked


def open_reminders(organisation) -> list[Reminder]:
    return list(Reminder.objects.filter(organisation=organisation, state=Reminder.State.OPEN))
