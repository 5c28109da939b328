"""The health check: each check a pure function (constitution, facts) -> findings.

Pure: imports no Django and no app, so a check can be read, tested and rerun on its own.
`run` applies every check and orders the findings, most serious first.
"""

from __future__ import annotations

from mutualise.constitution.schema import Constitution

from . import bodies, meetings, register
from .model import (
    Facts,
    Finding,
    Holder,
    MeetingHeld,
    Represented,
    RequisitionFact,
    ResolutionDeclared,
    Severity,
)

CHECKS = register.CHECKS + meetings.CHECKS + bodies.CHECKS

__all__ = [
    "CHECKS",
    "Facts",
    "Finding",
    "Holder",
    "MeetingHeld",
    "Represented",
    "RequisitionFact",
    "ResolutionDeclared",
    "Severity",
    "run",
    "serious",
]


def run(constitution: Constitution, facts: Facts) -> list[Finding]:
    findings = [finding for check in CHECKS for finding in check(constitution, facts)]
    return sorted(findings, key=lambda x: (x.severity.rank, x.id))


def serious(findings: list[Finding]) -> bool:
    return any(f.severity is Severity.SERIOUS for f in findings)
