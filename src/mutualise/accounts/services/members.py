"""Members' sign-ins by invitation: the membership secretary invites one member, or everyone on
the register with an email and no sign-in (a job for the worker); accepting the link makes (or
uses) a sign-in and links it to the membership.

Who may invite: the organisation's membership secretary (`register.manage_members`), checked
here, so pages, the CLI and the worker's task are covered. Every invitation is audited
(`member_account.invited`), and so is the link it makes (`member.sign_in_linked`).
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from rules import has_perm

from mutualise import clock
from mutualise.audit import services as audit
from mutualise.jobs import services as jobs
from mutualise.mail import services as mail
from mutualise.register import services as register
from mutualise.register.errors import MemberError
from mutualise.register.errors import NotPermitted as NotTheirs
from mutualise.register.models import Member

from .. import invitations as mechanics
from ..models import Invitation
from .errors import AccountsError, NotPermitted
from .invitations import ACCEPT
from .roles import site_url

INVITE_KIND = "accounts.member_invitations"


def require_secretary(actor, organisation) -> None:
    """Only the membership secretary invites members. A string actor (the CLI, a task) or
    None (the system) is trusted, as elsewhere."""
    if actor is None or isinstance(actor, str):
        return
    if not has_perm("register.manage_members", actor, organisation):
        raise NotPermitted(
            f"Only the membership secretary of {organisation.name} can invite its members."
        )


def member_link(token: str, base: str | None = None) -> str:
    return (
        f"{(base or site_url()).rstrip('/')}{reverse('accounts:member_invitation', args=[token])}"
    )


def uninvited_members(organisation):
    """Current members with an email on the register and no sign-in yet."""
    return Member.objects.filter(
        organisation=organisation,
        status=Member.Status.ADMITTED,
        user__isnull=True,
        erased_at__isnull=True,
    ).exclude(email="")


def _refusal(member: Member) -> str:
    if member.erased_at:
        return f"Member {member.number}'s details have been erased."
    if member.status not in (Member.Status.ADMITTED, Member.Status.APPLIED):
        return f"{member.number} is not a current member or applicant."
    if member.user_id:
        return f"Member {member.number} has a sign-in already."
    if not member.email:
        return f"Member {member.number} has no email address on the register."
    return ""


def _issue(member: Member, *, actor, reason: str, base_url=None) -> Invitation:
    """Inside a transaction: withdraw the member's open links, make a new one, audit it and
    mail it to the address on the register."""
    organisation = member.organisation
    replaced = list(
        mechanics.open_invitations(organisation, Invitation.Purpose.MEMBER_ACCOUNT)
        .filter(member=member)
        .values_list("pk", flat=True)
    )
    Invitation.objects.filter(pk__in=replaced).update(withdrawn_at=clock.now())
    invitation, token = mechanics.make(
        organisation,
        purpose=Invitation.Purpose.MEMBER_ACCOUNT,
        email=member.email,
        actor=actor,
        member=member,
    )
    audit.record(
        organisation,
        "member_account.invited",
        actor=actor,
        subject=invitation,
        data={"number": member.number, "how": reason, "replaces": replaced},
    )
    mail.send(
        organisation=organisation,
        to=member.email,
        template="accounts/member_invitation",
        context={
            "name": member.display_name,
            "number": member.number,
            "claimed": reason == "claim",
            "expires_at": invitation.expires_at,
        },
        secrets={"link": member_link(token, base_url)},  # the outbox keeps no token
        reason="member sign-in",
    )
    return invitation


def invite_member(member: Member, *, actor, base_url: str | None = None) -> Invitation:
    """Send one member a single-use link to make their sign-in (replacing any earlier one)."""
    organisation = member.organisation
    require_secretary(actor, organisation)
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        problem = _refusal(member)
        if problem:
            raise AccountsError(problem)
        return _issue(member, actor=actor, reason="invitation", base_url=base_url)


def invite_all_members(organisation, *, actor):
    """Queue the worker's job that invites every current member with an email and no sign-in
    (members with a link still open are left alone: running it twice sends nothing twice)."""
    # why: the task calls this verb: the one back-reference allowed (pyproject)
    from .. import tasks

    require_secretary(actor, organisation)
    count = uninvited_members(organisation).count()
    if not count:
        raise AccountsError("Every current member with an email address has a sign-in already.")
    actor_id = getattr(actor, "pk", None)
    with transaction.atomic():
        job = jobs.start(
            tasks.invite_members,
            kind=INVITE_KIND,
            label=f"Inviting {count:,} members of {organisation.name} to sign in",
            organisation=organisation,
            total=count,
            unit="members",
            actor=actor,
            args=(organisation.pk, actor_id),
        )
        audit.record(
            organisation,
            "member_account.invitations_queued",
            actor=actor,
            subject=job,
            data={"members": count, "job": job.pk},
        )
    return job


def run_member_invitations(organisation, *, actor, run=None) -> dict:
    """The job's work: one short transaction per member, so a lost worker's retry carries on
    where it stopped (a member invited already has an open link and is passed over). Returns
    how many were invited, skipped (no email address; a link still open; no longer waiting)
    and failed (an address mail cannot use: that member's transaction is undone, the rest go
    on), with a summary in words for the job's page."""
    require_secretary(actor, organisation)
    still_open = mechanics.open_invitations(organisation, Invitation.Purpose.MEMBER_ACCOUNT)
    candidates = uninvited_members(organisation)
    waiting = candidates.exclude(pk__in=still_open.values("member_id"))
    already = candidates.count() - waiting.count()
    no_email = Member.objects.filter(
        organisation=organisation, status=Member.Status.ADMITTED, user__isnull=True,
        erased_at__isnull=True, email="",
    ).count()  # fmt: skip
    sent = passed = 0
    failed: list[int] = []
    for pk in list(waiting.order_by("number").values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                member = Member.objects.select_for_update().get(pk=pk)
                if _refusal(member):
                    passed += 1
                else:
                    _issue(member, actor=actor, reason="invitation to every member")
                    sent += 1
        except mail.MailError:
            failed.append(member.number)
        if run is not None:
            run.progress(sent + passed + len(failed))
    return {
        "invited": sent,
        "skipped_no_email": no_email,
        "skipped_link_open": already,
        "passed_over": passed,
        "failed": len(failed),
        "failed_members": failed[:100],
        "summary": _invitations_summary(sent, no_email, already, passed, failed),
    }


def _invitations_summary(sent, no_email, already, passed, failed) -> str:
    def members(n):
        return f"{n:,} member{'' if n == 1 else 's'}"

    words = [f"{members(sent)} invited", f"{no_email:,} skipped (no email address)"]
    if already:
        words.append(f"{already:,} skipped (sent a link before that is still open)")
    if passed:
        words.append(f"{passed:,} passed over (a sign-in or no longer a member by then)")
    failure = f"{len(failed):,} failed"
    if failed:
        shown = ", ".join(str(n) for n in failed[:20]) + (", ..." if len(failed) > 20 else "")
        failure += f" (numbers {shown}: their email address cannot be used; correct it)"
    words.append(failure)
    return "; ".join(words) + "."


def _link_member(invitation, user) -> Member:
    """What accepting a member-account invitation does: the sign-in becomes the member's. The
    link went to the address on the register, so only a sign-in for that address may take it
    (an officer who opens a member's link while signed in is not linked to the member)."""
    own = {(user.email or "").lower(), user.get_username().lower()}
    if invitation.email not in own:
        raise AccountsError(
            f"This invitation is for {invitation.email}, and you are signed in as "
            f"{user.get_username()}: sign out, then open the link again to make the sign-in "
            "for that address."
        )
    try:
        return register.link_sign_in(invitation.member, user, actor=user)
    except (MemberError, NotTheirs) as exc:  # NotTheirs: the register's address changed since
        raise AccountsError(str(exc)) from None


ACCEPT[Invitation.Purpose.MEMBER_ACCOUNT] = _link_member
