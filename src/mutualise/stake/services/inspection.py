"""Recording each inspection of the share register (the log in models/inspection.py)."""

from __future__ import annotations

from django.db import transaction

from mutualise import clock
from mutualise.audit import services as audit

from ..models import RegisterInspection
from .errors import StakeError, require


def record_inspection(organisation, *, copy: str, form: str, purpose: str = "", actor=None):
    """Log that `actor` saw or exported the register (`copy` full or duplicate) in `form`.
    Who may see the full register is checked here, so the CLI is covered as the page is."""
    require(actor, "stake.view_register", organisation, "see the share register")
    if copy not in RegisterInspection.Copy.values:
        raise StakeError(
            f"copy: {copy!r} is not one of {', '.join(RegisterInspection.Copy.values)}"
        )
    if form not in RegisterInspection.Form.values:
        raise StakeError(
            f"form: {form!r} is not one of {', '.join(RegisterInspection.Form.values)}"
        )
    with transaction.atomic():
        inspection = RegisterInspection.objects.create(
            organisation=organisation, inspected_at=clock.now(),
            inspected_by=audit.actor_name(actor), copy=copy, form=form, purpose=purpose[:200],
        )  # fmt: skip
        audit.record(organisation, "shares.register_inspected", actor=actor, subject=inspection,
                     data={"copy": copy, "form": form})  # fmt: skip
    return inspection


def inspections(organisation, limit: int = 50):
    return RegisterInspection.objects.filter(organisation=organisation)[:limit]
