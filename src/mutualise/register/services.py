"""Verbs on organisations, their constitutions and their members.

Each verb that changes state runs in one transaction and writes an audit event (about the
organisation, a constitution version or a member, with ids rather than personal data).

Members, for other apps (elections freeze a roll from `active_members`; meetings count quorum):

- `join(organisation, *, display_name, ..., actor)` applies; the rulebook's eligibility decides
  the constituency and whether the board must admit (`membership.admission_by_board`).
- `admit`, `decline`, `cease(member, reason, actor)`, `rejoin`, `change_constituency`,
  `update_details`, `merge`, `erase`: the rest of a membership's life.
- `active_members(organisation, on=None, constituency_id=None)`: members on a date.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from mutualise.audit import services as audit
from mutualise.constitution import RulebookError, load_text, model_path
from mutualise.constitution.asset_lock import lock_change_refusal

from . import keys
from .eligibility import check_details, facts_for
from .errors import DuplicateMember, MemberError, NotEligible
from .exports import neutralise as neutralise_cell  # noqa: F401 (for other apps' CSV files)
from .models import (
    ConstitutionVersion,
    Member,
    MemberNumberSequence,
    MembershipPeriod,
    Organisation,
    Role,
    StatusChange,
)


class OrganisationError(ValueError):
    """A request the organisation's rules or the register cannot accept."""


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "organisation"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_organisation(
    *,
    name: str,
    constitution_text: str,
    source_name: str,
    actor=None,
    slug: str | None = None,
    model_slug: str = "",
) -> Organisation:
    """Found an organisation on a rulebook. The rulebook is checked in full before anything is
    written: a rulebook with any problem raises RulebookError and nothing is stored."""
    load_text(constitution_text, source_name)  # raises RulebookError listing every problem
    if slug and Organisation.objects.filter(slug=slug).exists():
        raise OrganisationError(f"an organisation with slug '{slug}' already exists")
    with transaction.atomic():
        organisation = Organisation.objects.create(
            slug=slug or _unique_slug(name), name=name, model_slug=model_slug
        )
        version = _add_version(organisation, constitution_text, source_name, actor, "founded")
        audit.record(
            organisation,
            "organisation.created",
            actor=actor,
            subject=organisation,
            data={"name": name, "model": model_slug, "constitution_sha256": version.sha256},
        )
    return organisation


def create_from_model(*, model: str, name: str, actor=None, slug: str | None = None):
    path = model_path(model)
    return create_organisation(
        name=name,
        constitution_text=Path(path).read_text(encoding="utf-8"),
        source_name=Path(path).name,
        actor=actor,
        slug=slug,
        model_slug=model,
    )


def create_from_file(*, path: str | Path, name: str | None = None, actor=None, slug=None):
    path = Path(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise OrganisationError(
            f"{path}, line {line}: a rulebook must be UTF-8 text (save it as UTF-8 and try again)"
        ) from None
    constitution = load_text(text, str(path))
    return create_organisation(
        name=name or constitution.organisation.name,
        constitution_text=text,
        source_name=str(path),
        actor=actor,
        slug=slug,
    )


def adopt_constitution(
    organisation: Organisation, *, text: str, source_name: str, actor=None, reason: str
) -> ConstitutionVersion:
    """Adopt an amended rulebook as a new version, keeping every earlier one.

    The caller (e.g. the meetings app, after a special resolution passes) supplies the reason.
    A change that removes or weakens a statutory or non-removable asset lock is refused.
    """
    amended = load_text(text, source_name)
    refusal = lock_change_refusal(organisation.constitution, amended)
    if refusal:
        raise OrganisationError(f"{source_name}: {refusal}")
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        version = _add_version(organisation, text, source_name, actor, reason)
        audit.record(
            organisation,
            "constitution.adopted",
            actor=actor,
            subject=version,
            data={"number": version.number, "sha256": version.sha256, "reason": reason},
        )
    organisation.__dict__.pop("current_version", None)
    return version


def _add_version(organisation, text, source_name, actor, reason) -> ConstitutionVersion:
    latest = organisation.constitution_versions.order_by("-number").first()
    return ConstitutionVersion.objects.create(
        organisation=organisation,
        number=(latest.number + 1) if latest else 1,
        source_name=Path(source_name).name,
        source_text=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        adopted_at=timezone.now(),
        adopted_by=audit.actor_name(actor),
        reason=reason,
    )


def grant_role(organisation: Organisation, user, kind: str, *, actor=None) -> Role:
    if kind not in Role.Kind.values:
        raise OrganisationError(f"unknown role '{kind}'; roles are {', '.join(Role.Kind.values)}")
    with transaction.atomic():
        role, created = Role.objects.get_or_create(organisation=organisation, user=user, kind=kind)
        if created:
            audit.record(
                organisation,
                "role.granted",
                actor=actor,
                subject=role,
                data={"user": user.get_username(), "role": kind},
            )
    return role


# ---------------------------------------------------------------------------------------------
# Members


# Fields a caller may give when joining or updating; everything else is the register's own.
DETAIL_FIELDS = (
    "display_name",
    "date_of_birth",
    "address",
    "postcode",
    "local_authority_code",
    "email",
    "phone",
    "contact_channel",
    "large_print",
    "easy_read",
    "language",
    "consents",
    "sex",
    "ethnicity",
    "is_staff",
    "contract_fixed_term",
    "contract_months",
    "employment_start",
    "employment_end",
    "last_service_use",
    "attestations",
)


def today() -> date:
    return timezone.localdate()


def normalise_details(details: dict) -> dict:
    """Tidy what people type (postcode and email case, spaces) and fill the search keys."""
    from mutualise.constitution.postcodes import normalise_postcode

    unknown = sorted(set(details) - set(DETAIL_FIELDS))
    if unknown:
        raise MemberError(f"unknown member detail(s): {', '.join(unknown)}")
    clean = dict(details)
    for name in ("display_name", "address", "phone", "language", "sex", "ethnicity"):
        if name in clean:
            clean[name] = (clean[name] or "").strip()
    if "postcode" in clean:
        clean["postcode"] = normalise_postcode(clean["postcode"] or "")
        clean["postcode_key"] = keys.postcode_key(clean["postcode"])
    if "email" in clean:
        clean["email"] = keys.email_key(clean["email"])
    if "local_authority_code" in clean:
        clean["local_authority_code"] = (clean["local_authority_code"] or "").strip().upper()
    if "display_name" in clean:
        clean["name_key"] = keys.name_key(clean["display_name"])
        clean["surname_key"] = keys.surname_key(clean["display_name"])
    if "attestations" in clean:
        clean["attestations"] = sorted(set(clean["attestations"] or ()))
    return clean


def find_duplicates(
    organisation: Organisation,
    *,
    email: str = "",
    display_name: str = "",
    date_of_birth: date | None = None,
    postcode: str = "",
    exclude: Member | None = None,
) -> list[Member]:
    """Records of the same person: the same email, or the same normalised name, date of birth
    and postcode. Merged, erased and declined records are not counted."""
    match = models.Q(pk__in=[])
    if email:
        match |= models.Q(email=keys.email_key(email))
    name = keys.name_key(display_name)
    if name and date_of_birth and postcode:
        match |= models.Q(
            name_key=name, date_of_birth=date_of_birth, postcode_key=keys.postcode_key(postcode)
        )
    found = (
        Member.objects.filter(organisation=organisation, erased_at__isnull=True)
        .exclude(status__in=[Member.Status.MERGED, Member.Status.DECLINED])
        .filter(match)
    )
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return list(found.order_by("number"))


def reserve_numbers(organisation: Organisation, count: int = 1) -> int:
    """Reserve `count` consecutive membership numbers; returns the first. Call inside a
    transaction: the counter row stays locked until it commits, so numbers are never shared."""
    sequence, _ = MemberNumberSequence.objects.select_for_update().get_or_create(
        organisation=organisation
    )
    first = sequence.last_number + 1
    sequence.last_number += count
    sequence.save(update_fields=["last_number"])
    return first


def _as(actor, member: Member):
    """Who to record as the actor. A member acting on their own record is recorded by
    membership number, not username, so that erasing them leaves no name in the audit chain
    (whose actor field is hashed and cannot be blanked)."""
    own = member.user_id is not None and not isinstance(actor, str)
    if own and actor is not None and getattr(actor, "pk", None) == member.user_id:
        return f"member:{member.number}"
    return actor


def _history(member, event, on, actor, reason="", note=""):
    actor = _as(actor, member)
    return StatusChange.objects.create(
        organisation_id=member.organisation_id,
        member=member,
        event=event,
        reason=reason,
        effective_on=on,
        recorded_at=timezone.now(),
        actor=audit.actor_name(actor),
        note=note[:500],
    )


def _locked(member: Member) -> Member:
    """Re-read the member under a row lock, so two officers cannot both change it."""
    fresh = Member.objects.select_for_update().get(pk=member.pk)
    member.__dict__.update(
        {f.attname: getattr(fresh, f.attname) for f in Member._meta.concrete_fields}
    )
    return member


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
    Admission is automatic unless the rulebook says the board admits members.
    """
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
        if matches:
            raise DuplicateMember(matches)
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
    on = on or today()
    with transaction.atomic():
        _locked(member)
        if member.status != Member.Status.APPLIED:
            raise MemberError(
                f"member {member.number} is '{member.get_status_display()}', not an applicant"
            )
        reasons = eligibility_reasons(member, on)
        if reasons:
            raise NotEligible(reasons)
        _admit(member, actor, on)
    return member


def decline(member: Member, *, actor=None, on: date | None = None, note: str = "") -> Member:
    """Decline an application (the board's decision). The number is not reused."""
    on = on or today()
    with transaction.atomic():
        _locked(member)
        if member.status != Member.Status.APPLIED:
            raise MemberError(f"member {member.number} has no application to decline")
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
    no_longer_eligible, expelled). From `on` the person is no longer a member."""
    on = on or today()
    if reason not in StatusChange.Reason.values:
        raise MemberError(
            f"unknown reason '{reason}'; reasons are {', '.join(StatusChange.Reason.values)}"
        )
    with transaction.atomic():
        _locked(member)
        if member.status != Member.Status.ADMITTED:
            raise MemberError(f"member {member.number} is not a current member")
        if member.admitted_on and on < member.admitted_on:
            raise MemberError(f"a membership cannot end before it began ({member.admitted_on})")
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
    on = on or today()
    with transaction.atomic():
        _locked(member)
        if member.status != Member.Status.CEASED or member.erased_at:
            raise MemberError(f"member {member.number} is not a former member")
        last = member.history.filter(event=StatusChange.Event.CEASED).last()
        if last is not None and last.reason == StatusChange.Reason.DIED:
            raise MemberError(f"member {member.number} is recorded as having died")
        if member.ceased_on and on < member.ceased_on:
            raise MemberError(f"cannot re-join before the membership ended ({member.ceased_on})")
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
    on = on or today()
    with transaction.atomic():
        _locked(member)
        if member.status != Member.Status.ADMITTED:
            raise MemberError(f"member {member.number} is not a current member")
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
    re-check (`recheck_register`) lists who no longer qualifies, for an officer to confirm."""
    changes = normalise_details(changes)
    if "display_name" in changes and not changes["display_name"]:
        raise MemberError("a name is required")
    if changes.get("postcode"):
        from mutualise.constitution.postcodes import is_valid_postcode

        if not is_valid_postcode(changes["postcode"]):
            raise MemberError(f"'{changes['postcode']}' is not a valid UK postcode")
    with transaction.atomic():
        _locked(member)
        if member.erased_at:
            raise MemberError(f"member {member.number} has been erased")
        changed = sorted(k for k, v in changes.items() if getattr(member, k) != v)
        for name in changed:
            setattr(member, name, changes[name])
        if changed:
            member.save(update_fields=changed)
            audit.record(
                member.organisation,
                "member.details_changed",
                actor=_as(actor, member),
                subject=member,
                data={"number": member.number, "fields": changed},
            )
    return member


def eligibility_reasons(member: Member, on: date | None = None) -> list[str]:
    """Why the member would not qualify for their constituency (and class) today: [] if fine."""
    from mutualise.constitution.eligibility import assess

    on = on or today()
    constitution = member.organisation.constitution
    facts = facts_for({f: getattr(member, f) for f in DETAIL_FIELDS}, on)
    reasons = list(assess(constitution, member.constituency_id, facts, on).reasons)
    if member.class_id:
        reasons += [
            r for r in assess(constitution, member.class_id, facts, on).reasons if r not in reasons
        ]
    return reasons


def active_members(
    organisation: Organisation, on: date | None = None, constituency_id: str | None = None
) -> models.QuerySet:
    """Members admitted and not ceased on `on` (default today), optionally only those in one
    constituency on that date. Exact for past dates: it reads the membership periods."""
    on = on or today()
    periods = MembershipPeriod.objects.filter(
        member=models.OuterRef("pk"), started_on__lte=on
    ).filter(models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=on))
    if constituency_id is not None:
        periods = periods.filter(constituency_id=constituency_id)
    return Member.objects.filter(organisation=organisation).filter(models.Exists(periods))


# ---------------------------------------------------------------------------------------------
# Re-checking eligibility


@dataclass(frozen=True)
class LostEligibility:
    member: Member
    reasons: list[str]
    suggested_reason: str  # a StatusChange.Reason for `confirm_ineligible`


def recheck_register(organisation: Organisation, on: date | None = None) -> list[LostEligibility]:
    """Every current member who no longer meets their constituency's rules on `on` (moved out
    of the area, staff contract ended, ...). Changes nothing: an officer confirms each one with
    `confirm_ineligible` (or corrects the member's details). Answers are memoised as for an
    import, so a large register is re-checked quickly."""
    from .importing import _Eligibility

    on = on or today()
    rules = _Eligibility(organisation.constitution, on)
    found = []
    current = active_members(organisation, on).order_by("number")
    for member in current.iterator(chunk_size=2000):
        member.organisation = organisation
        details = {
            "date_of_birth": member.date_of_birth,
            "postcode": member.postcode,
            "local_authority_code": member.local_authority_code,
            "is_staff": member.is_staff,
            "contract_fixed_term": member.contract_fixed_term,
            "contract_months": member.contract_months,
            "employment_start": member.employment_start,
            "employment_end": member.employment_end,
            "last_service_use": member.last_service_use,
            "attestations": frozenset(member.attestations or ()),
        }
        target = member.class_id or member.constituency_id
        reasons = rules.reasons(target, rules.key(details), details)
        if reasons:
            found.append(LostEligibility(member, list(reasons), _lost_reason(reasons)))
    return found


def _lost_reason(reasons: list[str]) -> str:
    moved = any("live in" in r or "postcode" in r for r in reasons)
    return (
        StatusChange.Reason.MOVED_OUT_OF_AREA if moved else StatusChange.Reason.NO_LONGER_ELIGIBLE
    )


def confirm_ineligible(member: Member, *, actor=None, on: date | None = None) -> Member:
    """An officer confirms a re-check finding: the membership ends, with the reason found."""
    on = on or today()
    reasons = eligibility_reasons(member, on)
    if not reasons:
        raise MemberError(f"member {member.number} is still eligible; nothing to confirm")
    return cease(member, _lost_reason(reasons), actor=actor, on=on, note=" ".join(reasons))


# ---------------------------------------------------------------------------------------------
# Duplicates


def merge(keep: Member, duplicate: Member, *, actor=None, on: date | None = None) -> Member:
    """Fold a duplicate record into the one kept. Both histories stay (the duplicate's rows
    stay on it, marked merged into `keep`); blanks in `keep` are filled from the duplicate."""
    on = on or today()
    if keep.pk == duplicate.pk or keep.organisation_id != duplicate.organisation_id:
        raise MemberError("merge two different records of the same organisation")
    with transaction.atomic():
        _locked(keep)
        _locked(duplicate)
        for record in (keep, duplicate):
            if record.status == Member.Status.MERGED or record.erased_at:
                raise MemberError(f"member {record.number} has already been merged or erased")
        if duplicate.status == Member.Status.ADMITTED and keep.status != Member.Status.ADMITTED:
            raise MemberError(
                f"keep the current membership ({duplicate.number}) and merge {keep.number} into it"
            )
        filled = []
        for name in DETAIL_FIELDS + ("external_ref",):
            if getattr(keep, name) in ("", None, [], {}) and getattr(duplicate, name) not in (
                "",
                None,
                [],
                {},
            ):
                setattr(keep, name, getattr(duplicate, name))
                filled.append(name)
        if "external_ref" in filled:
            duplicate.external_ref = ""
        if keep.user_id is None and duplicate.user_id is not None:
            keep.user_id, duplicate.user_id = duplicate.user_id, None
            filled.append("user")
        keep.__dict__.update(normalise_details({f: getattr(keep, f) for f in DETAIL_FIELDS}))
        MembershipPeriod.objects.filter(member=duplicate, ended_on__isnull=True).update(ended_on=on)
        duplicate.status = Member.Status.MERGED
        duplicate.merged_into = keep
        duplicate.save()
        keep.save()
        _history(duplicate, StatusChange.Event.MERGED, on, actor, note=f"into {keep.number}")
        _history(keep, StatusChange.Event.MERGED, on, actor, note=f"from {duplicate.number}")
        audit.record(
            keep.organisation,
            "member.merged",
            actor=actor,
            subject=duplicate,
            data={"kept": keep.number, "merged": duplicate.number, "filled": sorted(filled)},
        )
    return keep


def member_history(member: Member) -> list[StatusChange]:
    """The member's own history and that of every record merged into it, in date order."""
    ids = [member.pk, *Member.objects.filter(merged_into=member).values_list("pk", flat=True)]
    return list(
        StatusChange.objects.filter(member_id__in=ids)
        .select_related("member")
        .order_by("effective_on", "recorded_at", "pk")
    )


# ---------------------------------------------------------------------------------------------
# Data protection

PERSONAL_FIELDS = (
    "display_name",
    "date_of_birth",
    "address",
    "postcode",
    "local_authority_code",
    "email",
    "phone",
    "language",
    "consents",
    "sex",
    "ethnicity",
    "contract_fixed_term",
    "contract_months",
    "employment_start",
    "employment_end",
    "last_service_use",
    "attestations",
    "name_key",
    "surname_key",
    "postcode_key",
    "external_ref",
    "large_print",
    "easy_read",
    "is_staff",
)


def subject_access(member: Member) -> dict:
    """Everything the register holds about a member, including the audit events about them,
    as plain data (for JSON and for the readable page)."""
    from mutualise.audit.services import events_about

    fields = {
        f.name: getattr(member, f.attname)
        for f in Member._meta.concrete_fields
        if f.name not in ("organisation", "import_batch", "merged_into")
    }
    fields["user"] = member.user.get_username() if member.user_id else None
    ids = [member.pk, *Member.objects.filter(merged_into=member).values_list("pk", flat=True)]
    return {
        "organisation": member.organisation.name,
        "member": _plain(fields),
        "history": [
            _plain(
                {
                    "record": h.member.number,
                    "event": h.event,
                    "reason": h.reason,
                    "effective_on": h.effective_on,
                    "recorded_at": h.recorded_at,
                    "by": h.actor,
                    "note": h.note,
                }
            )
            for h in member_history(member)
        ],
        "membership_periods": [
            _plain(
                {
                    "constituency": p.constituency_id,
                    "class": p.class_id,
                    "from": p.started_on,
                    "until": p.ended_on,
                }
            )
            for p in MembershipPeriod.objects.filter(member_id__in=ids).order_by("started_on")
        ],
        "imported_from": (
            {
                "file": member.import_batch.file_name,
                "accepted_at": str(member.import_batch.accepted_at),
            }
            if member.import_batch_id
            else None
        ),
        "audit_events": [
            _plain(
                {
                    "sequence": e.sequence,
                    "occurred_at": e.occurred_at,
                    "action": e.action,
                    "by": e.actor,
                    "data": e.data,
                }
            )
            for pk in ids
            for e in events_about(member.organisation, "Member", pk).order_by("sequence")
        ],
    }


def _plain(values: dict) -> dict:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()}


def erase(member: Member, *, actor=None) -> Member:
    """Remove a former member's personal data (right to erasure).

    The row stays with its number, constituency, class, status and dates, so counts, rolls and
    past election results do not change; the audit events about the member have their data
    blanked (`audit.redact_subject`), which keeps the chain verifiable. A linked sign-in account
    is unlinked, and deleted only when nothing else holds it (a membership or a role in any
    organisation): one account can sign in to several, and erasure here must not reach there.
    A current member must cease first.
    """
    with transaction.atomic():
        _locked(member)
        if member.status in (Member.Status.ADMITTED, Member.Status.APPLIED):
            raise MemberError(
                f"member {member.number} is a current member or applicant: end the membership"
                " (or decline the application) before erasing"
            )
        if member.erased_at:
            raise MemberError(f"member {member.number} has already been erased")
        username = member.user.get_username() if member.user_id else None
        merged_records = list(Member.objects.filter(merged_into=member))
        _forget_in_uploads(member, [member, *merged_records], actor=actor)
        blank = {}
        for name in PERSONAL_FIELDS:
            field = Member._meta.get_field(name)
            blank[name] = None if field.null else field.get_default()
        for name, value in blank.items():
            setattr(member, name, value)
        member.display_name = ""
        member.erased_at = timezone.now()
        user = member.user
        member.user = None
        member.save()
        ids = [member.pk, *(merged.pk for merged in merged_records)]
        for merged in merged_records:
            for name, value in blank.items():
                setattr(merged, name, value)
            merged.display_name = ""
            merged.erased_at = member.erased_at
            if merged.user_id == getattr(user, "pk", None):
                merged.user = None
            merged.save()
        history = StatusChange.objects.filter(member_id__in=ids)
        history.update(note="")
        if username:
            history.filter(actor=username).update(actor="(erased)")
        account = _release_account(user)
        for pk in ids:
            audit.redact_subject(member.organisation, "Member", pk)
        audit.record(
            member.organisation,
            "member.erased",
            actor=_as(actor, member),
            subject=member,
            data={"number": member.number, **({"sign_in": account} if account else {})},
        )
    return member


def _release_account(user) -> str:
    """An erased member's sign-in, already unlinked: deleted if nothing else holds it, else kept
    for the memberships and roles that do (which are left as they were)."""
    if user is None:
        return ""
    if Member.objects.filter(user=user).exists() or Role.objects.filter(user=user).exists():
        return "unlinked; kept for its memberships or roles elsewhere"
    user.delete()
    return "deleted"


def _forget_in_uploads(member: Member, records: list[Member], *, actor=None) -> None:
    """Erasure reaches the import files still held (see uploads.py): an upload waiting for a
    decision that holds the person is discarded; their rejected rows are taken out."""
    from . import uploads
    from .models import PendingImport

    people = [uploads.Person.of(record) for record in records]
    pending_imports = PendingImport.objects.filter(organisation=member.organisation).exclude(
        state="running"
    )
    for pending in pending_imports:
        content = bytes(pending.content or b"")
        if content and any(uploads.holds(content, pending.file_name, p) for p in people):
            audit.record(
                member.organisation,
                "members.import_discarded",
                actor=actor,
                subject=pending,
                data={"file": pending.file_name, "why": "it held data of a person being erased"},
            )
            pending.delete()
            continue
        if pending.rejected_csv:
            text, removed = pending.rejected_csv, 0
            for person in people:
                text, count = uploads.without(text, person)
                removed += count
            if removed:
                pending.rejected_csv = text
                pending.save(update_fields=["rejected_csv"])


# ---------------------------------------------------------------------------------------------
# Bulk import


def accept_import(
    organisation: Organisation,
    data: bytes,
    file_name: str,
    *,
    mapping: dict[str, str] | None = None,
    actor=None,
    on: date | None = None,
    progress=None,
    as_applicants: bool = False,
    before_commit=None,
):
    """Write the good rows of an import file the officer has previewed and accepted.

    Every row is checked again against the register as it is now, in one transaction: the
    good rows become admitted members (numbered in file order), rows already imported (same
    external reference) are skipped, and bad rows are left out and returned in the result for
    the officer to fix. Returns (ImportBatch, CheckResult). `progress(rows_checked)` is called
    as the file is worked through. With `as_applicants` (where the board admits) the people
    become applicants for the board to decide on, not members. `before_commit(batch, result)`
    runs last inside the import's transaction (what records the import's end commits with it).
    """
    from . import checkproc
    from .bulkwrite import MemberWriter
    from .importing import RegisterKeys, check_rows
    from .models import ImportBatch
    from .tabular import read_table

    on = on or today()
    if as_applicants and not organisation.constitution.membership.admission_by_board:
        raise MemberError(
            "this organisation's rulebook admits applicants automatically: import them as"
            " members, or change the rulebook first"
        )
    table = read_table(data, file_name)
    from .importing import resolve_mapping

    resolved = resolve_mapping(table.header, mapping)
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        batch = ImportBatch.objects.create(
            organisation=organisation,
            file_name=Path(file_name).name[:255],
            file_sha256=hashlib.sha256(data).hexdigest(),
            as_applicants=as_applicants,
            accepted_at=timezone.now(),
            accepted_by=audit.actor_name(actor),
        )
        # Read everything the checker needs first: while the writer runs, the connection is its.
        register_keys = RegisterKeys.load(organisation)
        constitution = organisation.constitution
        expected_rows = 0 if data[:4] == b"PK\x03\x04" else data.count(b"\n")
        checking = (resolved, constitution, register_keys, on)
        status = {"as_applicants": as_applicants}
        if checkproc.usable(expected_rows):  # checks in a second process while this writes
            with (
                checkproc.CheckerProcess(table, *checking, report=progress is not None) as checker,
                MemberWriter(organisation, batch, expected_rows=expected_rows, **status) as writer,
            ):
                result = checker.collect(writer.add_columns, progress)
                batch.rows_created = writer.finish()
        else:
            with MemberWriter(organisation, batch, expected_rows=expected_rows, **status) as writer:
                result = check_rows(
                    table, *checking, on_ready=writer.add, keep_preview=False, progress=progress
                )
                batch.rows_created = writer.finish()
        batch.rows_total = result.rows_total
        batch.rows_already_present = result.rows_already_present
        batch.rows_rejected = result.rows_rejected
        batch.save()
        audit.record(
            organisation,
            "members.imported",
            actor=actor,
            subject=batch,
            data={
                "file_sha256": batch.file_sha256,
                "created": batch.rows_created,
                "already_present": batch.rows_already_present,
                "rejected": batch.rows_rejected,
                "as_applicants": as_applicants,
            },
        )
        if before_commit is not None:
            before_commit(batch, result)
    return batch, result


def upload_import(
    organisation: Organisation, data: bytes, file_name: str, *, mapping=None, actor=None
):
    """Keep an uploaded file for the preview; nothing about members is written yet."""
    from .models import PendingImport

    with transaction.atomic():
        pending = PendingImport.objects.create(
            organisation=organisation,
            file_name=Path(file_name).name[:255],
            content=data,
            mapping=mapping or {},
            uploaded_by=audit.actor_name(actor),
        )
        # Personal data came in: say who brought it and how much (erasure can find it by id).
        audit.record(
            organisation, "import.uploaded", actor=actor, subject=pending, data={"bytes": len(data)}
        )
    return pending


def _expected_rows(pending) -> int:
    return max(bytes(pending.content).count(b"\n") - 1, 1)


def queue_import(pending, *, actor=None, as_applicants: bool = False):
    """Put an accepted upload's import on the worker's queue (`mutualise worker`), with a job
    whose progress any web worker can show. Returns the Job."""
    from mutualise.jobs import services as jobs

    from .models import PendingImport
    from .tasks import import_members

    with transaction.atomic():
        locked = PendingImport.objects.select_for_update().get(pk=pending.pk)
        if locked.state != "uploaded":
            raise MemberError("this upload has already been accepted")
        job = jobs.start(
            import_members,
            kind="register.import",
            label=f"Importing {locked.file_name}",
            organisation=locked.organisation,
            total=_expected_rows(locked),
            unit="rows",
            actor=actor,
            args=(locked.pk, getattr(actor, "pk", None), as_applicants),
        )
        locked.state, locked.job = "queued", job
        locked.save(update_fields=["state", "job"])
        audit.record(
            locked.organisation,
            "members.import_queued",
            actor=actor,
            subject=locked,
            data={"file": locked.file_name, "job": job.pk, "as_applicants": as_applicants},
        )
    return job


def run_pending_import(pending_id: int, *, actor=None, as_applicants: bool = False, run=None):
    """Accept a previewed upload (in the request for a small file, or as the worker's job
    `run`): write it, keep only the rejected rows for download, and drop the file itself.
    The upload is marked done, and the job finished, in the import's own transaction: a
    worker killed half way leaves nothing written and the job to be retried (jobs/worker.py)."""
    from .models import PendingImport
    from .tabular import TableError

    pending = PendingImport.objects.get(pk=pending_id)
    if pending.state not in ("uploaded", "queued", "running"):
        raise MemberError(f"this upload is {pending.state}, not waiting to be imported")
    pending.state = "running"
    pending.rows_total = _expected_rows(pending)
    pending.save(update_fields=["state", "rows_total"])

    def finished(batch, result) -> None:
        PendingImport.objects.filter(pk=pending_id).update(
            state="done",
            batch=batch,
            content=b"",
            rows_done=result.rows_total,
            rows_total=result.rows_total,
            rejected_csv=result.rejected_csv() if result.rows_rejected else "",
        )
        if run is not None:
            run.job.total = result.rows_total
            run.finish(
                {"created": batch.rows_created, "rejected": batch.rows_rejected,
                 "already_present": batch.rows_already_present}
            )  # fmt: skip

    try:
        batch, _ = accept_import(
            pending.organisation,
            bytes(pending.content),
            pending.file_name,
            mapping=pending.mapping,
            actor=actor,
            progress=run.progress if run is not None else None,
            as_applicants=as_applicants,
            before_commit=finished,
        )
    except Exception as exc:  # shown on the progress page; nothing of the import was kept
        reason = str(exc) if isinstance(exc, TableError | MemberError) else "an internal error"
        PendingImport.objects.filter(pk=pending_id).update(state="failed", error=reason)
        raise
    return batch


def discard_import(pending, *, actor=None) -> None:
    """Delete an uploaded file the officer decided not to import (it holds personal data)."""
    with transaction.atomic():
        audit.record(
            pending.organisation,
            "members.import_discarded",
            actor=actor,
            subject=pending,
            data={"file": pending.file_name},
        )
        pending.delete()


def upload_population(organisation: Organisation, data: bytes, file_name: str, *, actor=None):
    """Store a population table (CSV: dimension, category, people) for the representativeness
    report. A bad file raises TableError naming the line and column; nothing is stored."""
    from .models import PopulationTable
    from .representation import parse_population

    rows = parse_population(data, file_name)
    with transaction.atomic():
        table = PopulationTable.objects.create(
            organisation=organisation,
            name=Path(file_name).name[:200],
            rows=rows,
            uploaded_by=audit.actor_name(actor),
        )
        audit.record(
            organisation,
            "population.uploaded",
            actor=actor,
            subject=table,
            data={"rows": len(rows)},
        )
    return table


__all__ = [
    "DETAIL_FIELDS",
    "DuplicateMember",
    "MemberError",
    "NotEligible",
    "OrganisationError",
    "RulebookError",
    "active_members",
    "accept_import",
    "adopt_constitution",
    "confirm_ineligible",
    "erase",
    "member_history",
    "merge",
    "recheck_register",
    "subject_access",
    "admit",
    "cease",
    "change_constituency",
    "create_from_file",
    "create_from_model",
    "create_organisation",
    "decline",
    "discard_import",
    "eligibility_reasons",
    "find_duplicates",
    "grant_role",
    "join",
    "rejoin",
    "reserve_numbers",
    "queue_import",
    "run_pending_import",
    "update_details",
    "upload_import",
    "upload_population",
]


def link_sign_in(member: Member, user, *, actor=None) -> Member:
    """Make `user` the member's sign-in (an invitation or a claim accepted: the accounts app
    checks who may). A sign-in is linked to at most one record per organisation, and a record
    to one sign-in."""
    with transaction.atomic():
        _locked(member)
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
