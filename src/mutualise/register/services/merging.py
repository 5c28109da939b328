"""Merging two records of one person."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from mutualise.audit import services as audit

from .. import lifecycle
from ..errors import MemberError, manager_refusal, require
from ..models import (
    Member,
    MembershipPeriod,
    StatusChange,
)
from ..queries import today
from .details import DETAIL_FIELDS, _history, _locked, normalise_details
from .members import _move, member_facts

# ---------------------------------------------------------------------------------------------
# Duplicates


def merge(keep: Member, duplicate: Member, *, actor=None, on: date | None = None) -> Member:
    """Fold a duplicate record into the one kept. Both histories stay (the duplicate's rows
    stay on it, marked merged into `keep`); blanks in `keep` are filled from the duplicate."""
    require("register.manage_members", actor, keep.organisation, manager_refusal(keep.organisation))
    on = on or today()
    if keep.pk == duplicate.pk or keep.organisation_id != duplicate.organisation_id:
        raise MemberError("merge two different records of the same organisation")
    with transaction.atomic():
        _locked(keep)
        _locked(duplicate)
        allowed, reason = lifecycle.may_take_a_merge(
            member_facts(keep, on), member_facts(duplicate, on)
        )
        if not allowed:
            raise MemberError(reason)
        _move("merge", duplicate, on)
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
        duplicate.status = lifecycle.MOVES["merge"].target
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
