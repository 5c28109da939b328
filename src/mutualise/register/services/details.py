"""A member's details: normalising them, finding duplicates, numbers, history rows."""

from __future__ import annotations

from datetime import date

from django.db import models

from mutualise import clock
from mutualise.audit import services as audit
from mutualise.constitution.eligibility import assess
from mutualise.constitution.postcodes import normalise_postcode

from .. import keys
from ..eligibility import facts_for
from ..errors import MemberError
from ..models import (
    Member,
    MemberNumberSequence,
    Organisation,
    StatusChange,
)
from ..queries import today

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


def normalise_details(details: dict) -> dict:
    """Tidy what people type (postcode and email case, spaces) and fill the search keys."""

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
        recorded_at=clock.now(),
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


def eligibility_reasons(member: Member, on: date | None = None) -> list[str]:
    """Why the member would not qualify for their constituency (and class) today: [] if fine."""

    on = on or today()
    constitution = member.organisation.constitution
    facts = facts_for({f: getattr(member, f) for f in DETAIL_FIELDS}, on)
    reasons = list(assess(constitution, member.constituency_id, facts, on).reasons)
    if member.class_id:
        reasons += [
            r for r in assess(constitution, member.class_id, facts, on).reasons if r not in reasons
        ]
    return reasons
