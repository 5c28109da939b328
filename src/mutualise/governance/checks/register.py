"""Checks on the register of members and of officers (REG-*), and how representative the
membership is (NHS-10)."""

from __future__ import annotations

from mutualise.constitution.schema import Constitution, LegalForm, percent

from .model import Facts, Finding, Severity, day, plural

_MINIMUM_STATUTE = {
    LegalForm.CO_OPERATIVE_SOCIETY: "Co-operative and Community Benefit Societies Act 2014 "
    "s.2 and s.5(3)(b)",
    LegalForm.COMMUNITY_BENEFIT_SOCIETY: "Co-operative and Community Benefit Societies Act "
    "2014 s.2 and s.5(3)(b)",
    LegalForm.CREDIT_UNION: "Credit Unions Act 1979 s.6",
}


def unreadable_rulebook(problem: str) -> list[Finding]:
    """REG-0 (beyond part B): the adopted rulebook no longer parses, so no other check can run
    (the service calls this in place of `checks.run`)."""
    first = problem.splitlines()[0] if problem else "it does not parse"
    return [
        Finding(
            "REG-0",
            Severity.SERIOUS,
            f"The adopted rulebook cannot be read, so its rules cannot be checked: {first}",
            "the rulebook last adopted",
            "Correct the rulebook and adopt the corrected version (mutualise constitution check "
            "shows every problem).",
            "register",
        )
    ]


def minimum_members(c: Constitution, f: Facts) -> list[Finding]:
    """REG-1: fewer members than the rulebook's (and the statute's) minimum."""
    minimum = c.membership.minimum_members
    if minimum is None or f.members >= minimum:
        return []
    statute = _MINIMUM_STATUTE.get(c.organisation.legal_form)
    return [
        Finding(
            "REG-1",
            Severity.SERIOUS,
            f"The register has {plural(f.members, 'member')}: the rules need at least {minimum}.",
            f"membership.minimum_members: {minimum}" + (f" ({statute})" if statute else ""),
            "Admit members until there are at least "
            f"{minimum}; a society that stays below the minimum may be cancelled by the "
            "registrar.",
            "register",
        )
    ]


def _gbp(pence: int) -> str:
    pounds, rest = divmod(pence, 100)
    return f"GBP {pounds:,}" + (f".{rest:02d}" if rest else "")


def holding_cap(c: Constitution, f: Facts) -> list[Finding]:
    """REG-8: a member holds more in shares than the rulebook's maximum holding (for
    withdrawable shares the rulebook's cap is at most the statute's, CCBSA 2014 s.24)."""
    cap = c.shares.maximum_holding_pence if c.shares is not None else None
    if cap is None or f.largest_holding_pence <= cap:
        return []
    statute = " (CCBSA 2014 s.24: withdrawable shares)" if c.shares.withdrawable else ""
    return [
        Finding(
            "REG-8",
            Severity.SERIOUS,
            f"A member holds {_gbp(f.largest_holding_pence)} in shares: the rules allow at most "
            f"{_gbp(cap)}.",
            f"shares.maximum_holding_pence: {cap}{statute}",
            "Find the holdings above the maximum in the share ledger and return the excess to "
            "the member (a withdrawal or a transfer), as the rules provide.",
            "register",
        )
    ]


def register_fields(c: Constitution, f: Facts) -> list[Finding]:
    """REG-5: current members whose register entry lacks a postal address."""
    if not f.members_missing_address:
        return []
    return [
        Finding(
            "REG-5",
            Severity.WARNING,
            f"{f.members_missing_address} of {plural(f.members, 'current member')} "
            "have no postal address in the register.",
            "Co-operative and Community Benefit Societies Act 2014 s.30(2): the register "
            "records each member's name and postal address",
            "Ask those members for their address, or record why it cannot be held.",
            "register",
        )
    ]


def officers_register(c: Constitution, f: Facts) -> list[Finding]:
    """REG-6 (and NHS-3 for governors): an officer's entry incomplete, or a term that has ended
    while the holder is still listed."""
    findings = []
    bodies = {b.id: b for b in c.bodies}
    for holder in f.current_holders():
        body = bodies.get(holder.body_id)
        where = body.name if body else holder.body_id
        if not holder.has_address or not holder.name.strip():
            findings.append(
                Finding(
                    "REG-6",
                    Severity.WARNING,
                    f"The officers' register lacks the address of {holder.name or 'a holder'} "
                    f"({where}, since {day(holder.started_on)}).",
                    "Co-operative and Community Benefit Societies Act 2014 s.30(3); "
                    "Industrial and Provident Societies Act 1965 s.44(1)(e): name, address, "
                    "office and start date of each officer",
                    "Record the officer's address.",
                    holder.body_id,
                )
            )
        if holder.ends_on is not None and holder.ends_on <= f.today:
            council = body is not None and body.kind == "council-of-governors"
            findings.append(
                Finding(
                    "NHS-3" if council else "REG-6",
                    Severity.SERIOUS if council else Severity.WARNING,
                    f"{holder.name}'s term on the {where} ended on {day(holder.ends_on)} but "
                    "they are still listed as holding the seat.",
                    f"bodies.{holder.body_id}.term.years: "
                    f"{(body.term.years if body else '?')}"
                    + (
                        " (NHS foundation trust constitution: a governor's term ends; "
                        "re-election is needed)"
                        if council
                        else " (CCBSA 2014 s.30(3): officers who have left)"
                    ),
                    "Record the end of the term, or the election that renewed it.",
                    holder.body_id,
                )
            )
    return findings


def audit_chain(c: Constitution, f: Facts) -> list[Finding]:
    """REG-7: the tamper-evident log does not verify."""
    if f.audit_intact is not False:
        return []
    return [
        Finding(
            "REG-7",
            Severity.SERIOUS,
            f"The audit log does not verify: {f.audit_problem}",
            "Industrial and Provident Societies Act 1965 s.44(2): a register kept "
            "electronically must guard against falsification",
            "Find out who changed the records and restore them from a backup.",
            "audit",
        )
    ]


def representation(c: Constitution, f: Facts) -> list[Finding]:
    """NHS-10: a group whose share of members is well below its share of the population."""
    threshold = c.membership.representation_threshold
    if threshold is None:
        return []
    findings = []
    for line in f.representation:
        if line.population_share <= 0:
            continue
        ratio = line.member_share / line.population_share
        if ratio + 1e-9 >= float(threshold):  # shares are floats: exactly at is not below
            continue
        findings.append(
            Finding(
                "NHS-10",
                Severity.WARNING,
                f"{line.category} ({line.dimension}) are {line.member_share * 100:.1f}% of "
                f"members but {line.population_share * 100:.1f}% of the population: "
                f"{ratio:.2f} of their share, below {float(threshold):.2f}.",
                f"membership.representation_threshold: {percent(threshold)}",
                "Recruit members from this group (the membership strategy).",
                "register",
            )
        )
    return findings


CHECKS = (
    minimum_members,
    holding_cap,
    register_fields,
    officers_register,
    audit_chain,
    representation,
)
