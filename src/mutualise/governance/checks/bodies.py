"""Checks on the board, the council of governors and other bodies (BRD-*, NHS-1..5): who holds
the seats and offices, and whether that is what the rulebook says."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from mutualise.constitution.calendar import add_period
from mutualise.constitution.checks import seat_selected
from mutualise.constitution.eligibility import age_on
from mutualise.constitution.schema import (
    Body,
    BodyKind,
    CompositionRule,
    Constitution,
    SeatFill,
    percent,
)

from .model import Facts, Finding, Holder, Severity, day, plural

COUNCIL = BodyKind.COUNCIL_OF_GOVERNORS


def _seats(f: Facts, body: Body) -> list[Holder]:
    return [h for h in f.current_holders() if h.body_id == body.id and h.seat_group_id]


def _composition_id(body: Body, rule: CompositionRule, too_few: bool) -> str:
    if body.kind == COUNCIL:
        return "NHS-1" if rule.seats.constituency_kind == "public" else "NHS-2"
    if rule.seats.filled_by == SeatFill.CO_OPTED:
        return "BRD-2"
    if rule.share is not None or rule.share_at_most is not None:
        return "BRD-4"
    return "BRD-1" if too_few else "BRD-6"


def composition(c: Constitution, f: Facts) -> list[Finding]:
    """The body's composition rules, counted over the people holding its seats today."""
    findings = []
    for body in c.bodies:
        groups = {g.id: g for g in body.seats}
        holders = [h for h in _seats(f, body) if h.seat_group_id in groups]
        total = len(holders)
        for index, rule in enumerate(body.composition):
            count = sum(1 for h in holders if seat_selected(c, rule, groups[h.seat_group_id]))
            problem, too_few = "", False
            if rule.at_least is not None and count < rule.at_least:
                problem, too_few = f"{count} such holders, at least {rule.at_least} needed", True
            elif rule.at_most is not None and count > rule.at_most:
                problem = f"{count} such holders, at most {rule.at_most} allowed"
            elif total and rule.share is not None and not rule.share.met(count, total):
                problem = f"{count} of the {total} holders, not {rule.share}"
            elif (
                total
                and rule.share_at_most is not None
                and count * rule.share_at_most.denominator > total * rule.share_at_most.numerator
            ):
                problem = f"{count} of the {total} holders, more than {percent(rule.share_at_most)}"
            elif rule.one_per_class_of is not None:
                constituency = c.constituency(rule.one_per_class_of)
                held = {groups[h.seat_group_id].electorate for h in holders}
                missing = [k.name for k in constituency.classes if k.id not in held]
                if missing:
                    problem, too_few = "no holder elected by " + ", ".join(missing), True
            if not problem:
                continue
            findings.append(
                Finding(
                    _composition_id(body, rule, too_few),
                    Severity.SERIOUS,
                    f"{body.name}: '{rule.description}' is not met: {problem}.",
                    f"bodies.{body.id}.composition[{index}]"
                    + (" (NHS Act 2006 Sch.7)" if body.kind == COUNCIL else ""),
                    "Fill the vacant seats as the rulebook provides (by election where the "
                    "seats are elected).",
                    body.id,
                )
            )
    return findings


def filled_as_the_rules_say(c: Constitution, f: Facts) -> list[Finding]:
    """BRD-4: a seat or office held by appointment (or co-option) where the rulebook says it is
    elected, more holders of an office than it has, or a seat the rulebook does not have."""
    findings = []
    for body in c.bodies:
        groups = {g.id: g for g in body.seats}
        offices = {o.id: o for o in body.offices}
        current = [h for h in f.current_holders() if h.body_id == body.id]
        for group_id, group in groups.items():
            wrong = [h for h in current if h.seat_group_id == group_id and h.how != group.filled_by]
            if wrong and group.filled_by == SeatFill.ELECTED:
                findings.append(
                    _not_elected(
                        c,
                        body,
                        group.label,
                        wrong,
                        group.seats,
                        f"bodies.{body.id}.seats.{group.id}.filled_by: elected, "
                        f"electorate {group.electorate}",
                    )
                )
        for office_id, office in offices.items():
            holding = [h for h in current if h.office_id == office_id]
            wrong = [h for h in holding if h.how != office.filled_by]
            if wrong and office.filled_by == SeatFill.ELECTED:
                electorate = (
                    "the " + c.body(office.electorate).name.lower()
                    if office.electorate in {b.id for b in c.bodies}
                    else f"the members of {c.chooser_name(office.electorate or '')}"
                )
                findings.append(
                    _not_elected(
                        c,
                        body,
                        office.name,
                        holding,
                        office.holders,
                        f"bodies.{body.id}.offices.{office.id}.filled_by: elected, "
                        f"electorate {office.electorate}",
                        elected_by=electorate,
                    )
                )
            elif len(holding) > office.holders:
                findings.append(
                    Finding(
                        "BRD-4",
                        Severity.SERIOUS,
                        f"{plural(len(holding), 'person', 'people')} hold the office of "
                        f"{office.name}, which has {office.holders}.",
                        f"bodies.{body.id}.offices.{office.id}.holders: {office.holders}",
                        "End the holdings that are not valid.",
                        body.id,
                    )
                )
        for holder in current:
            unknown = (holder.seat_group_id and holder.seat_group_id not in groups) or (
                holder.office_id and holder.office_id not in offices
            )
            if unknown:
                findings.append(
                    Finding(
                        "REG-6",
                        Severity.WARNING,
                        f"{holder.name} holds '{holder.office_id or holder.seat_group_id}' on "
                        f"the {body.name}, which its rulebook does not have.",
                        f"bodies.{body.id}",
                        "End the holding, or correct the seat it is recorded against.",
                        body.id,
                    )
                )
    return findings


def _not_elected(c, body, seat_name, holders, seats, rule, elected_by="") -> Finding:
    by = sorted({c.chooser_name(h.chosen_by) for h in holders if h.chosen_by})
    hows = sorted({h.how for h in holders})
    names = ", ".join(h.name for h in holders)
    count = len(holders)
    statement = (
        f"{body.name}: {seat_name} is held by {plural(count, 'person', 'people')} ({names}), "
        f"{' and '.join(hows)}"
        + (f" by {' and '.join(by)}" if by else "")
        + ", not elected"
        + (f": the rules say {elected_by} elects" if elected_by else "")
        + (f" {'them' if seats > 1 else 'one'}" if elected_by else "")
        + "."
    )
    if count > seats:
        statement += f" It has {plural(seats, 'holder')}."
    return Finding(
        "BRD-4",
        Severity.SERIOUS,
        statement,
        rule,
        "Hold the election the rulebook provides for and end the appointments.",
        body.id,
    )


def age_and_disqualification(c: Constitution, f: Facts) -> list[Finding]:
    """BRD-1 / NHS-5: a holder under the body's minimum age; BRD-8 / NHS-5: a holder who has
    declared a ground of disqualification and is still listed."""
    findings = []
    bodies = {b.id: b for b in c.bodies}
    for holder in f.current_holders():
        body = bodies.get(holder.body_id)
        if body is None:
            continue
        council = body.kind == COUNCIL
        minimum = body.member_minimum_age
        if minimum is not None and holder.born_on is not None:
            age = age_on(holder.born_on, f.today)
            if age < minimum:
                findings.append(
                    Finding(
                        "NHS-5" if council else "BRD-1",
                        Severity.SERIOUS,
                        f"{holder.name} on the {body.name} is {age}: holders must be at "
                        f"least {minimum}.",
                        f"bodies.{body.id}.member_minimum_age: {minimum}",
                        "End the holding; the seat is vacant.",
                        body.id,
                    )
                )
        for ground in holder.disqualifications:
            findings.append(
                Finding(
                    "NHS-5" if council else "BRD-8",
                    Severity.SERIOUS,
                    f"{holder.name} declared a disqualification ({ground}) and is still listed "
                    f"on the {body.name}.",
                    f"bodies.{body.id}.disqualifications"
                    + (
                        ""
                        if council
                        else " (Company Directors Disqualification Act 1986, applied to "
                        "society directors since 1 April 2014)"
                    ),
                    "End the holding from the date of the disqualification.",
                    body.id,
                )
            )
    return findings


def coopted_until_agm(c: Constitution, f: Facts) -> list[Finding]:
    """BRD-2: a co-opted holder still listed after the AGM their co-option ran until."""
    findings = []
    rule = c.annual_meeting()
    annual = {m.held_on for m in f.meetings if rule is not None and m.kind == rule.id}
    for body in c.bodies:
        lapsing = {g.id for g in body.seats if g.until_next_agm}
        for holder in _seats(f, body):
            if holder.seat_group_id not in lapsing:
                continue
            after = sorted(d for d in annual if holder.started_on < d <= f.today)
            if after:
                findings.append(
                    Finding(
                        "BRD-2",
                        Severity.SERIOUS,
                        f"{holder.name} was co-opted to the {body.name} on "
                        f"{day(holder.started_on)} and is still listed after the AGM on "
                        f"{day(after[0])}.",
                        f"bodies.{body.id}.seats.{holder.seat_group_id}.until_next_agm: true",
                        "End the co-option; the seat may be filled at the next election.",
                        body.id,
                    )
                )
    return findings


def _years_after(start: date, years: int) -> date:
    return add_period(start, years, "years")  # 29 February: 28 February


def total_service(c: Constitution, f: Facts) -> list[Finding]:
    """BRD-5 / NHS-3: a person's total service on a body beyond the rulebook's limit."""
    findings = []
    for body in c.bodies:
        limit = body.term.max_years
        if limit is None and body.term.max_terms is not None:
            limit = body.term.max_terms * body.term.years
        if limit is None:
            continue
        served: dict[str, int] = defaultdict(int)
        first: dict[str, date] = {}
        names: dict[str, str] = {}
        current = set()
        for h in f.holders:
            if h.body_id != body.id or not h.seat_group_id or h.started_on > f.today:
                continue
            end = min(h.ended_on or f.today, f.today)
            served[h.person] += max(0, (end - h.started_on).days)
            first[h.person] = min(first.get(h.person, h.started_on), h.started_on)
            names[h.person] = h.name
            if h.current(f.today):
                current.add(h.person)
        for person in sorted(current):
            allowed = (_years_after(first[person], limit) - first[person]).days
            if served[person] <= allowed:
                continue
            findings.append(
                Finding(
                    "NHS-3" if body.kind == COUNCIL else "BRD-5",
                    Severity.WARNING,
                    f"{names[person]} has served {served[person] / 365.25:.1f} years on the "
                    f"{body.name} since {day(first[person])}: the limit is {limit} years.",
                    f"bodies.{body.id}.term.max_years: {limit}"
                    + ("" if body.kind == COUNCIL else " (Co-operative Corporate Governance Code)"),
                    "Record the reason for continuing, or plan their succession.",
                    body.id,
                )
            )
    return findings


def governors_are_members(c: Constitution, f: Facts) -> list[Finding]:
    """NHS-4: an elected governor who is no longer a member of the constituency that elected
    them (they cease to hold office)."""
    findings = []
    for body in c.bodies:
        if body.kind != COUNCIL:
            continue
        groups = {g.id: g for g in body.seats if g.filled_by == SeatFill.ELECTED}
        for holder in _seats(f, body):
            group = groups.get(holder.seat_group_id)
            if group is None or holder.member_status is None or not group.electorate:
                continue
            found = c.find_class(group.electorate)
            constituency, klass = (found[0].id, found[1].id) if found else (group.electorate, "")
            still_member = (
                holder.member_status == "admitted"
                and holder.member_constituency == constituency
                and (not klass or holder.member_class == klass)
            )
            if still_member:
                continue
            findings.append(
                Finding(
                    "NHS-4",
                    Severity.SERIOUS,
                    f"{holder.name} holds a seat elected by {group.electorate} but is no "
                    "longer a member of it.",
                    f"bodies.{body.id}.seats.{group.id}.electorate: {group.electorate} "
                    "(the trust's constitution: a governor who ceases to be a member of the "
                    "constituency ceases to hold office)",
                    "End the holding; fill the casual vacancy as the constitution provides.",
                    body.id,
                )
            )
    return findings


def body_meets(c: Constitution, f: Facts) -> list[Finding]:
    """BRD-9 (beyond part B): a body that met fewer times in the last year than its rulebook's
    `meets_at_least_per_year` (the Partnership Council meets at least twice a year)."""
    # "The last year" is the calendar year to today (29 February: from the 1 March before).
    since = add_period(f.today, -1, "years")
    if f.founded_on > since:
        return []
    findings = []
    for body in c.bodies:
        needed = body.meets_at_least_per_year
        if not needed:
            continue
        met = sum(1 for b, on in f.body_meetings if b == body.id and since < on <= f.today)
        if met >= needed:
            continue
        findings.append(
            Finding(
                "BRD-9",
                Severity.WARNING,
                f"The {body.name} met {plural(met, 'time')} in the year to {day(f.today)}: "
                f"the rules say at least {needed}.",
                f"bodies.{body.id}.meets_at_least_per_year: {needed}",
                f"Hold and record the {body.name}'s meetings.",
                body.id,
            )
        )
    return findings


CHECKS = (
    body_meets,
    composition,
    filled_as_the_rules_say,
    age_and_disqualification,
    coopted_until_agm,
    total_service,
    governors_are_members,
)
