"""A member's own changes, signed in: their details, and resigning.

A change takes effect at once unless the rulebook's `membership.secretary_confirms` names its
group (name, address, email): then it waits for the membership secretary, who confirms or
refuses it (with a reason). Changes go through the register's services; only the member
themselves may ask, only the membership secretary may decide, each step audited.
"""

from __future__ import annotations

from django.db import transaction
from rules import has_perm

from mutualise import clock
from mutualise.audit import services as audit
from mutualise.constitution.postcodes import is_valid_postcode
from mutualise.register import services as register
from mutualise.register.errors import MemberError
from mutualise.register.models import Member, StatusChange

from ..member_models import DetailsChange
from .errors import AccountsError, NotPermitted

# What a member may change, by the groups a page asks for at once.
GROUPS = {
    "name": ("display_name",),
    "address": ("address", "postcode"),
    "email": ("email",),
    "phone": ("phone",),
    "contact": ("contact_channel", "large_print", "easy_read", "language"),
}
GROUP_NAMES = {
    "name": "name",
    "address": "address",
    "email": "email address",
    "phone": "phone number",
    "contact": "how we contact you",
}


def require_own(member: Member, actor) -> None:
    if getattr(actor, "pk", None) is None or member.user_id != actor.pk:
        raise NotPermitted("Only the member themselves can do this from their membership page.")
    if member.erased_at or member.status not in (Member.Status.ADMITTED, Member.Status.APPLIED):
        raise NotPermitted(f"Membership {member.number} is not current.")


def needs_confirming(organisation, group: str) -> bool:
    return group in organisation.constitution.membership.secretary_confirms


def waiting_changes(member: Member):
    return DetailsChange.objects.filter(member=member, state=DetailsChange.State.WAITING)


def recent_refusals(member: Member, limit: int = 3):
    """The member's changes the secretary refused lately, newest first, with the reason."""
    return DetailsChange.objects.filter(member=member, state=DetailsChange.State.REFUSED).order_by(
        "-decided_at"
    )[:limit]


def change_my_details(member: Member, group: str, *, actor, **values):
    """Change one group of the member's details, or ask the secretary to confirm it. Returns
    the DetailsChange waiting, or None when the register changed at once."""
    require_own(member, actor)
    fields = GROUPS.get(group)
    if fields is None or set(values) - set(fields):
        raise AccountsError(f"Choose one of: {', '.join(GROUP_NAMES.values())}")
    try:
        clean = register.normalise_details(values)
    except MemberError as exc:
        raise AccountsError(str(exc), field=exc.field) from None
    if group == "name" and not clean.get("display_name"):
        raise AccountsError("Enter your name", field="display_name")
    if group == "address" and not is_valid_postcode(clean.get("postcode", "")):
        raise AccountsError("Enter a UK postcode, like SW1A 1AA", field="postcode")
    organisation = member.organisation
    if not needs_confirming(organisation, group):
        try:
            register.update_details(member, actor=actor, **values)
        except MemberError as exc:
            raise AccountsError(str(exc), field=exc.field) from None
        return None
    wanted = {k: clean[k] for k in fields if k in clean}
    with transaction.atomic():
        waiting_changes(member).filter(group=group).update(
            state=DetailsChange.State.WITHDRAWN, decided_at=clock.now(), decided_by="member"
        )
        change = DetailsChange.objects.create(
            organisation=organisation, member=member, group=group, changes=wanted
        )
        audit.record(
            organisation,
            "member.change_requested",
            actor=f"member:{member.number}",
            subject=member,
            data={"number": member.number, "change": change.pk, "group": group},
        )
    return change


def _require_secretary(actor, organisation) -> None:
    if actor is None or isinstance(actor, str):
        return
    if not has_perm("register.manage_members", actor, organisation):
        raise NotPermitted("Only the membership secretary can confirm or refuse a change.")


def _decide(change: DetailsChange, state: str, *, actor, reason: str = "") -> DetailsChange:
    _require_secretary(actor, change.organisation)
    with transaction.atomic():
        locked = DetailsChange.objects.select_for_update().get(pk=change.pk)
        if locked.state != DetailsChange.State.WAITING:
            raise AccountsError(f"That change was {locked.get_state_display().lower()} already.")
        if state == DetailsChange.State.CONFIRMED:
            try:
                register.update_details(locked.member, actor=actor, **locked.changes)
            except MemberError as exc:
                raise AccountsError(str(exc)) from None
        locked.state, locked.decided_at = state, clock.now()
        locked.decided_by = audit.actor_name(actor)
        locked.reason = reason.strip()[:500]
        locked.save(update_fields=["state", "decided_at", "decided_by", "reason"])
        audit.record(
            locked.organisation,
            f"member.change_{state}",
            actor=actor,
            subject=locked.member,
            data={"number": locked.member.number, "change": locked.pk, "group": locked.group},
        )
    return locked


def confirm_change(change: DetailsChange, *, actor) -> DetailsChange:
    return _decide(change, DetailsChange.State.CONFIRMED, actor=actor)


def refuse_change(change: DetailsChange, *, actor, reason: str) -> DetailsChange:
    if not (reason or "").strip():
        raise AccountsError("Say why the change is refused: the member is told", field="reason")
    return _decide(change, DetailsChange.State.REFUSED, actor=actor, reason=reason)


def resign(member: Member, *, actor, reason: str = "") -> Member:
    """The member ends their own membership (the register records it as resigned)."""
    require_own(member, actor)
    if member.status != Member.Status.ADMITTED:
        raise AccountsError("Only a current member can resign; an applicant can ask the office.")
    try:
        return register.cease(
            member, StatusChange.Reason.RESIGNED, actor=actor, note=(reason or "").strip()[:500]
        )
    except MemberError as exc:
        raise AccountsError(str(exc)) from None
