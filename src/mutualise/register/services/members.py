"""A membership's life: join, admit, decline, cease, rejoin, change constituency, update details."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from mutualise.audit import services as audit
from mutualise.constitution.postcodes import is_valid_postcode

from .. import lifecycle
from ..eligibility import check_details
from ..errors import (
    DuplicateMember,
    InAnotherConstituency,
    MemberError,
    NotEligible,
    manager_refusal,
    require,
    require_linker,
    require_or_self,
)
from ..models import (
    Member,
    MembershipPeriod,
    Organisation,
    StatusChange,
)
from ..queries import today
from .details import (
    DETAIL_FIELDS,
    _as,
    _history,
    _locked,
    eligibility_reasons,
    find_duplicates,
    normalise_details,
    reserve_numbers,
)


def join(
    organisation: Organisation,
    *,
    actor=None,
    constituency_id: str | None = None,
    class_id: str = "",
    on: date | None = None,
    user=None,
    allow_duplicate: bool = False,
    **details,
) -> Member:
    """Apply for membership; returns the new Member (status 'admitted' or 'applied').

    `details` are any of DETAIL_FIELDS (display_name is required). Without `constituency_id`
    the first constituency the rulebook lets the applicant join is chosen. Raises NotEligible
    (with every reason, in words), DuplicateMember (unless `allow_duplicate`), or MemberError.
    Admission is automatic unless the rulebook says the board admits members. Anyone may
    apply today; only one who keeps the register (`register.manage_members`, as in
    `add_member`) may pass `allow_duplicate` or date the application another day.
    """
    if allow_duplicate or (on is not None and on != today()):
        require(
            "register.manage_members",
            actor,
            organisation,
            f"Only the membership secretary of {organisation.name} can add a member who may be "
            "on the register already, or date a membership from a day other than today.",
        )
    on = on or today()
    details = normalise_details(details)
    if not details.get("display_name"):
        raise MemberError("a name is required")
    constitution = organisation.constitution
    constituency_id, class_id = check_details(constitution, details, constituency_id, class_id, on)
    if not allow_duplicate:
        matches = find_duplicates(
            organisation,
            email=details.get("email", ""),
            display_name=details["display_name"],
            date_of_birth=details.get("date_of_birth"),
            postcode=details.get("postcode", ""),
        )
        _refuse_duplicates(constitution, matches, constituency_id)
    with transaction.atomic():
        member = Member.objects.create(
            organisation=organisation,
            number=reserve_numbers(organisation),
            user=user,
            constituency_id=constituency_id,
            class_id=class_id,
            applied_on=on,
            status=Member.Status.APPLIED,
            **details,
        )
        _history(member, StatusChange.Event.APPLIED, on, actor)
        audit.record(
            organisation,
            "member.applied",
            actor=_as(actor, member),
            subject=member,
            data={"number": member.number, "constituency": constituency_id, "class": class_id},
        )
        if not constitution.membership.admission_by_board:
            _admit(member, actor, on, note="admitted automatically, as the rulebook provides")
    return member


def _refuse_duplicates(constitution, matches: list[Member], constituency_id: str) -> None:
    """Records of the same person already on the register. Where the rules let a person
    belong to one constituency only (`membership.one_constituency_only`, the default), one in
    another constituency is refused as such; where they may belong to several (a building
    society's saver who also borrows), only a record in the same constituency is a duplicate."""
    if not constitution.membership.one_constituency_only:
        matches = [m for m in matches if m.constituency_id == constituency_id]
    elsewhere = [m for m in matches if m.constituency_id != constituency_id]
    if elsewhere and len(elsewhere) == len(matches):
        names = sorted({_constituency_name(constitution, m.constituency_id) for m in elsewhere})
        raise InAnotherConstituency(elsewhere, " and ".join(names))
    if matches:
        raise DuplicateMember(matches)


def _constituency_name(constitution, ident: str) -> str:
    try:
        return constitution.constituency(ident).name
    except KeyError:
        return ident


def _admit(member: Member, actor, on: date, note: str = "") -> None:
    member.status = Member.Status.ADMITTED
    member.admitted_on = on
    member.ceased_on = None
    member.save(update_fields=["status", "admitted_on", "ceased_on"])
    MembershipPeriod.objects.create(
        organisation_id=member.organisation_id,
        member=member,
        constituency_id=member.constituency_id,
        class_id=member.class_id,
        started_on=on,
    )
    _history(member, StatusChange.Event.ADMITTED, on, actor, note=note)
    audit.record(
        member.organisation,
        "member.admitted",
        actor=_as(actor, member),
        subject=member,
        data={"number": member.number, "constituency": member.constituency_id},
    )


def admit(member: Member, *, actor=None, on: date | None = None) -> Member:
    """Admit an applicant (the board's decision). Eligibility is checked again on the day."""
    _require_manager(actor, member)
    on = on or today()
    with transaction.atomic():
        _locked(member)
        _move("admit", member, on)
        reasons = eligibility_reasons(member, on)
        if reasons:
            raise NotEligible(reasons)
        _admit(member, actor, on)
    return member


def decline(member: Member, *, actor=None, on: date | None = None, note: str = "") -> Member:
    """Decline an application (the board's decision). The number is not reused."""
    _require_manager(actor, member)
    on = on or today()
    with transaction.atomic():
        _locked(member)
        _move("decline", member, on)
        member.status = Member.Status.DECLINED
        member.save(update_fields=["status"])
        _history(member, StatusChange.Event.DECLINED, on, actor, note=note)
        audit.record(
            member.organisation,
            "member.declined",
            actor=_as(actor, member),
            subject=member,
            data={"number": member.number},
        )
    return member


def cease(
    member: Member, reason: str, *, actor=None, on: date | None = None, note: str = ""
) -> Member:
    """End a membership for one of StatusChange.Reason (resigned, died, moved_out_of_area,
    no_longer_eligible, expelled). From `on` the person is no longer a member. Who: the
    membership secretary; a member may end only their own membership, by resigning."""
    if reason == StatusChange.Reason.RESIGNED:
        require_or_self(
            "register.manage_members", actor, member, manager_refusal(member.organisation)
        )
    else:
        _require_manager(actor, member)
    on = on or today()
    if reason not in StatusChange.Reason.values:
        raise MemberError(
            f"unknown reason '{reason}'; reasons are {', '.join(StatusChange.Reason.values)}"
        )
    with transaction.atomic():
        _locked(member)
        _move("cease", member, on)
        member.status = Member.Status.CEASED
        member.ceased_on = on
        member.save(update_fields=["status", "ceased_on"])
        MembershipPeriod.objects.filter(member=member, ended_on__isnull=True).update(ended_on=on)
        _history(member, StatusChange.Event.CEASED, on, actor, reason=reason, note=note)
        audit.record(
            member.organisation,
            "member.ceased",
            actor=_as(actor, member),
            subject=member,
            data={"number": member.number, "reason": reason},
        )
    return member


def rejoin(
    member: Member,
    *,
    actor=None,
    on: date | None = None,
    constituency_id: str | None = None,
    class_id: str | None = None,
) -> Member:
    """A former member joins again under the same number, keeping the history. Eligibility is
    checked afresh; the board admits them if the rulebook says so."""
    _require_manager(actor, member)
    on = on or today()
    with transaction.atomic():
        _locked(member)
        _move("rejoin", member, on)
        constitution = member.organisation.constitution
        details = {f: getattr(member, f) for f in DETAIL_FIELDS}
        member.constituency_id, member.class_id = check_details(
            constitution,
            details,
            constituency_id,
            member.class_id if class_id is None else class_id,
            on,
        )
        member.status = Member.Status.APPLIED
        member.applied_on = on
        member.save(update_fields=["status", "applied_on", "constituency_id", "class_id"])
        _history(member, StatusChange.Event.REJOINED, on, actor)
        audit.record(
            member.organisation,
            "member.rejoined",
            actor=_as(actor, member),
            subject=member,
            data={"number": member.number, "constituency": member.constituency_id},
        )
        if not constitution.membership.admission_by_board:
            _admit(member, actor, on, note="re-admitted automatically")
    return member


def change_constituency(
    member: Member, constituency_id: str, *, class_id: str = "", actor=None, on=None
) -> Member:
    """Move a current member to another constituency (or class) they are eligible for."""
    _require_manager(actor, member)
    on = on or today()
    with transaction.atomic():
        _locked(member)
        _move("change_constituency", member, on)
        details = {f: getattr(member, f) for f in DETAIL_FIELDS}
        constituency_id, class_id = check_details(
            member.organisation.constitution, details, constituency_id, class_id, on
        )
        MembershipPeriod.objects.filter(member=member, ended_on__isnull=True).update(ended_on=on)
        MembershipPeriod.objects.create(
            organisation_id=member.organisation_id,
            member=member,
            constituency_id=constituency_id,
            class_id=class_id,
            started_on=on,
        )
        old = member.constituency_id
        member.constituency_id, member.class_id = constituency_id, class_id
        member.save(update_fields=["constituency_id", "class_id"])
        _history(member, StatusChange.Event.MOVED, on, actor, note=f"from {old}")
        audit.record(
            member.organisation,
            "member.moved",
            actor=_as(actor, member),
            subject=member,
            data={"number": member.number, "from": old, "to": constituency_id},
        )
    return member


def update_details(member: Member, *, actor=None, **changes) -> Member:
    """Change a member's contact or personal details. Eligibility is not re-judged here: the
    re-check (`recheck_register`) lists who no longer qualifies, for an officer to confirm.
    Who: the membership secretary, or the member themselves."""
    require_or_self("register.manage_members", actor, member, manager_refusal(member.organisation))
    changes = normalise_details(changes)
    if "display_name" in changes and not changes["display_name"]:
        raise MemberError("a name is required")
    if changes.get("postcode") and not is_valid_postcode(changes["postcode"]):
        raise MemberError(f"'{changes['postcode']}' is not a valid UK postcode")
    with transaction.atomic():
        _locked(member)
        if member.erased_at:
            raise MemberError(f"member {member.number} has been erased")
        changed = sorted(k for k, v in changes.items() if getattr(member, k) != v)
        for name in changed:
            setattr(member, name, changes[name])
        if changed:
            old_email = member.email if "email" in changed else ""
            member.save(update_fields=changed)
            audit.record(
                member.organisation,
                "member.details_changed",
                actor=_as(actor, member),
                subject=member,
                data={"number": member.number, "fields": changed},
            )
            if "email" in changed and member.user_id and changes["email"]:
                _follow_email(member, old_email, actor)
    return member


def _follow_email(member: Member, old: str, actor) -> None:
    """The member's sign-in takes their new address (password resets and invitations go
    there); a sign-in named by its old address is renamed too. Refused if another sign-in
    already has the new address as its name. Inside update_details' transaction."""
    user = get_user_model().objects.select_for_update().get(pk=member.user_id)
    new, fields = member.email, ["email"]
    if user.get_username().lower() in {e.lower() for e in (old, user.email) if e}:
        if get_user_model().objects.filter(username__iexact=new).exclude(pk=user.pk).exists():
            raise MemberError(f"another sign-in uses {new} already", field="email")
        user.username = new
        fields.append("username")
    if user.email == new and fields == ["email"]:
        return
    user.email = new
    user.save(update_fields=fields)
    audit.record(
        member.organisation,
        "account.email_changed",
        actor=_as(actor, member),
        subject=member,
        data={"number": member.number, "user_id": user.pk, "username": "username" in fields},
    )


def link_sign_in(member: Member, user, *, actor=None) -> Member:
    """Make `user` the member's sign-in (an invitation or a claim accepted). A sign-in is
    linked to at most one record per organisation, and a record to one sign-in.

    Who (checked here, on the locked record, whatever the caller checked): the membership
    secretary; or the person themself, signed in as `user`, with the address on the register
    (every invitation and claim link goes there, so a forwarded link's opener is refused); a
    string actor (the CLI, a task) or None is the system. NotPermitted otherwise."""
    with transaction.atomic():
        _locked(member)
        require_linker(actor, member, user)
        if member.erased_at:
            raise MemberError(f"member {member.number} has been erased")
        if member.user_id == user.pk:
            return member
        if member.user_id is not None:
            raise MemberError("This membership has a sign-in already: sign in with it.")
        if Member.objects.filter(organisation_id=member.organisation_id, user=user).exists():
            raise MemberError(
                f"{user.get_username()} is the sign-in of another membership of "
                f"{member.organisation.name} already."
            )
        member.user = user
        member.save(update_fields=["user"])
        audit.record(
            member.organisation,
            "member.sign_in_linked",
            actor=_as(actor, member),
            subject=member,
            data={"number": member.number, "user_id": user.pk},
        )
    return member


def add_member(
    organisation: Organisation,
    *,
    actor,
    joined_on: date | None = None,
    allow_duplicate: bool = False,
    **details,
) -> Member:
    """The membership secretary adds a member directly (a paper form, a member by phone). As
    `join`, but only an officer may, the officer's sign-in is never linked to the new member,
    and `joined_on` may date the membership from the day the person actually joined."""
    require(
        "register.manage_members",
        actor,
        organisation,
        f"Only the membership secretary of {organisation.name} can add members.",
    )
    details.pop("user", None)
    return join(
        organisation,
        actor=actor,
        user=None,
        on=joined_on,
        allow_duplicate=allow_duplicate,
        **details,
    )


def _require_manager(actor, member: Member) -> None:
    """Who may change a membership: the membership secretary (`register.manage_members`); a
    string actor (the CLI, a task) or None (the system) is trusted, as in the other apps."""
    require(
        "register.manage_members", actor, member.organisation, manager_refusal(member.organisation)
    )


def member_facts(member: Member, on: date) -> lifecycle.MemberFacts:
    """The snapshot the membership's moves are judged on (the member as locked)."""
    died = False
    if member.status == Member.Status.CEASED:
        last = member.history.filter(event=StatusChange.Event.CEASED).last()
        died = last is not None and last.reason == StatusChange.Reason.DIED
    return lifecycle.MemberFacts(
        number=member.number,
        status=member.status,
        status_label=member.get_status_display(),
        on=on,
        erased=member.erased_at is not None,
        died=died,
        admitted_on=member.admitted_on,
        ceased_on=member.ceased_on,
    )


def may_end(member: Member, on: date) -> tuple[bool, str]:
    """(allowed, reason): whether the membership may end on `on` (the lifecycle's cease move),
    for a page that asks before a service ends it."""
    return lifecycle.check("cease", member_facts(member, on))


def _move(name: str, member: Member, on: date) -> None:
    allowed, reason = lifecycle.check(name, member_facts(member, on))
    if not allowed:
        raise MemberError(reason)
