"""Data protection: a member's history, subject access and erasure."""

from __future__ import annotations

from django.db import transaction

from mutualise import clock
from mutualise.audit import services as audit
from mutualise.audit.services import events_about
from mutualise.mail import privacy as mail

from .. import erasure, import_lifecycle, uploads
from ..errors import require
from ..models import (
    Member,
    MembershipPeriod,
    PendingImport,
    Role,
    StatusChange,
)
from .details import _as, _locked
from .members import _move


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
    Mail to the member's addresses is forgotten (mail.forget_recipient), and the apps above the
    register forget what they hold through their erasure hooks (erasure.py). A current member
    must cease first. Who: the membership secretary or an administrator (`register.erase_member`).
    """
    require(
        "register.erase_member",
        actor,
        member.organisation,
        f"Only the membership secretary or an administrator of {member.organisation.name} can "
        "erase a member's data.",
    )
    with transaction.atomic():
        _locked(member)
        _move("erase", member, clock.localdate())
        username = member.user.get_username() if member.user_id else None
        emails = {m.email for m in [member, *Member.objects.filter(merged_into=member)] if m.email}
        merged_records = list(Member.objects.filter(merged_into=member))
        _forget_in_uploads(member, [member, *merged_records], actor=actor)
        blank = {}
        for name in PERSONAL_FIELDS:
            field = Member._meta.get_field(name)
            blank[name] = None if field.null else field.get_default()
        for name, value in blank.items():
            setattr(member, name, value)
        member.display_name = ""
        member.erased_at = clock.now()
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
        for email in sorted(emails):
            mail.forget_recipient(member.organisation, email)
        erasure.run_hooks(member, emails=sorted(emails))
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

    people = [uploads.Person.of(record) for record in records]
    pending_imports = PendingImport.objects.filter(organisation=member.organisation).exclude(
        state=import_lifecycle.RUNNING
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
