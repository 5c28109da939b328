"""Running the health check: for one organisation on demand, or for every organisation on
the install (the daily run), storing each organisation's latest findings."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from django.db import transaction

from mutualise import clock
from mutualise.audit import services as audit
from mutualise.register.models import Organisation

from .. import checks, facts
from ..models import HealthReport
from .errors import require


def _store(organisation_id: int, findings, today: date, now) -> HealthReport:
    serious = sum(1 for f in findings if f.severity is checks.Severity.SERIOUS)
    report, _ = HealthReport.objects.update_or_create(
        organisation_id=organisation_id,
        defaults={
            "checked_on": today,
            "ran_at": now,
            "serious": serious,
            "warnings": len(findings) - serious,
            "findings": [f.as_dict() for f in findings],
        },
    )
    return report


def check_organisation(
    organisation,
    *,
    today: date | None = None,
    verify_audit: bool = True,
    store: bool = False,
    actor=None,
) -> list[checks.Finding]:
    """Every finding for one organisation today, most serious first. `verify_audit` walks the
    audit chain (REG-7); `store` keeps the result as the organisation's latest report."""
    if store:
        require("governance.run_health", actor, organisation)
    today = today or clock.localdate()
    unreadable: dict[int, str] = {}
    constitution = facts.constitutions([organisation.pk], unreadable).get(organisation.pk)
    if constitution is None:
        findings = checks.register.unreadable_rulebook(unreadable.get(organisation.pk, ""))
        if store:
            _keep(organisation, findings, today, actor)
        return findings
    lines = {}
    if constitution.membership.representation_threshold is not None:
        lines[organisation.pk] = facts.representation_lines(organisation, today)
    snapshot = facts.build([organisation], today, lines)[organisation.pk]
    if verify_audit:
        result = audit.verify(organisation)
        snapshot = _with_audit(snapshot, result)
    findings = checks.run(constitution, snapshot)
    if store:
        _keep(organisation, findings, today, actor)
    return findings


def _keep(organisation, findings, today: date, actor) -> None:
    with transaction.atomic():
        _store(organisation.pk, findings, today, clock.now())
        audit.record(
            organisation, "health.checked", actor=actor, data={"findings": [f.id for f in findings]}
        )


def _with_audit(snapshot, result):
    return replace(snapshot, audit_intact=result.ok, audit_problem=result.reason)


def health_all(organisations=None, *, today: date | None = None) -> dict[int, list[checks.Finding]]:
    """Findings for many organisations at once, set-wise (a constant number of queries, not
    one per organisation). The audit chain is not walked here: that reads every event."""
    today = today or clock.localdate()
    organisations = list(organisations if organisations is not None else Organisation.objects.all())
    unreadable: dict[int, str] = {}
    rulebooks = facts.constitutions([o.pk for o in organisations], unreadable)
    tabled = facts.with_population_table([o.pk for o in organisations])
    lines = {
        o.pk: facts.representation_lines(o, today)
        for o in organisations
        if o.pk in tabled and rulebooks[o.pk].membership.representation_threshold is not None
    }
    snapshots = facts.build(organisations, today, lines)
    return {
        o.pk: checks.run(rulebooks[o.pk], snapshots[o.pk])
        if o.pk in rulebooks
        else checks.register.unreadable_rulebook(unreadable.get(o.pk, ""))
        for o in organisations
    }


def run_daily(today: date | None = None) -> int:
    """The scheduled run: check every organisation and store each one's latest report.
    Returns how many organisations have a serious finding."""
    today = today or clock.localdate()
    results = health_all(today=today)
    now = clock.now()
    with transaction.atomic():
        for organisation_id, findings in results.items():
            _store(organisation_id, findings, today, now)
    return sum(1 for findings in results.values() if checks.serious(findings))
