"""Checks that span several parts of a rulebook: references, seat arithmetic, composition,
legal-form limits, timetable order, asset lock. Each problem is (field path, message)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from .schema import (
    ALL_MEMBERS,
    LOCK_FORMS,
    LOCK_RECIPIENTS,
    MEMBER_DISTRIBUTIONS,
    SHARE_VOTING_FORMS,
    AssetLockKind,
    Body,
    CompositionRule,
    ConstituencyKind,
    Constitution,
    LegalForm,
    ProposalRoute,
    SeatFill,
    SeatGroup,
    SurplusUse,
    percent,
)

Found = Iterator[tuple[tuple[str | int, ...], str]]


def cross_field_problems(c: Constitution) -> list[tuple[tuple[str | int, ...], str]]:
    return [
        *_unique_ids(c),
        *_constituencies(c),
        *(p for index, body in enumerate(c.bodies) for p in _body(c, index, body)),
        *_timetable(c),
        *_meetings(c),
        *_shares(c),
        *_surplus_and_lock(c),
    ]


def _unique_ids(c: Constitution) -> Found:
    # Apps store these ids as text, so one id must mean one thing across the whole rulebook.
    places: list[tuple[str, tuple[str | int, ...]]] = []
    for i, constituency in enumerate(c.constituencies):
        places.append((constituency.id, ("constituencies", i, "id")))
        for j, klass in enumerate(constituency.classes):
            places.append((klass.id, ("constituencies", i, "classes", j, "id")))
    for i, body in enumerate(c.bodies):
        places.append((body.id, ("bodies", i, "id")))
    for i, appointer in enumerate(c.appointers):
        places.append((appointer.id, ("appointers", i, "id")))
    seen: dict[str, tuple[str | int, ...]] = {}
    for ident, path in places:
        if ident == ALL_MEMBERS:
            yield path, f"'{ALL_MEMBERS}' is reserved for seats elected by every member"
        elif ident in seen:
            yield path, f"id '{ident}' is already used at {field_text(seen[ident])}"
        else:
            seen[ident] = path
    for i, body in enumerate(c.bodies):
        counts = Counter(group.id for group in body.seats)
        for j, group in enumerate(body.seats):
            if counts[group.id] > 1:
                yield ("bodies", i, "seats", j, "id"), f"seat group id '{group.id}' is repeated"
    kinds = Counter(kind.id for kind in c.meetings.resolutions)
    for i, kind in enumerate(c.meetings.resolutions):
        if kinds[kind.id] > 1:
            yield ("meetings", "resolutions", i, "id"), f"resolution id '{kind.id}' is repeated"


def field_text(path: tuple[str | int, ...]) -> str:
    """('meetings', 'resolutions', 2, 'threshold') -> 'meetings.resolutions[2].threshold'."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _constituencies(c: Constitution) -> Found:
    for i, constituency in enumerate(c.constituencies):
        rules = constituency.eligibility
        if constituency.kind is ConstituencyKind.STAFF and rules.staff is None:
            yield (
                ("constituencies", i, "eligibility"),
                "a staff constituency needs an eligibility.staff rule",
            )
        if rules.staff is not None and rules.excludes_staff:
            yield (
                ("constituencies", i, "eligibility", "excludes_staff"),
                "a constituency cannot both require and exclude staff",
            )
        staff = rules.staff
        if staff is not None and not (
            staff.open_ended_contract_qualifies
            or staff.minimum_fixed_term_months
            or staff.minimum_service_months
        ):
            yield (
                ("constituencies", i, "eligibility", "staff"),
                "no member of staff could qualify: allow open-ended contracts, a fixed term "
                "or a length of service",
            )
        if (
            rules.minimum_age is not None
            and c.membership.voting_minimum_age is not None
            and c.membership.voting_minimum_age < rules.minimum_age
        ):
            yield (
                ("membership", "voting_minimum_age"),
                f"is below {constituency.id}'s minimum age to join ({rules.minimum_age})",
            )


def _electorates(c: Constitution) -> dict[str, ConstituencyKind | None]:
    """Ids that may elect seats -> the kind of constituency they belong to (None: a body)."""
    known: dict[str, ConstituencyKind | None] = {ALL_MEMBERS: None}
    for constituency in c.constituencies:
        known[constituency.id] = constituency.kind
        for klass in constituency.classes:
            known[klass.id] = constituency.kind
    for body in c.bodies:
        known[body.id] = None
    return known


def _body(c: Constitution, index: int, body: Body) -> Found:
    here = ("bodies", index)
    electorates = _electorates(c)
    appointers = {a.id for a in c.appointers} | {b.id for b in c.bodies}
    if body.total_seats is not None and body.total_seats != body.seat_count:
        yield (
            here + ("total_seats",),
            f"says {body.total_seats} seats but the seat groups add up to {body.seat_count}",
        )
    seat_problems = [
        problem
        for j, group in enumerate(body.seats)
        for problem in _seat_group(here + ("seats", j), body, group, electorates, appointers)
    ]
    yield from seat_problems
    if body.rotation is not None and not any(g.filled_by is SeatFill.ELECTED for g in body.seats):
        yield here + ("rotation",), "retirement by rotation needs elected seats"
    if not seat_problems:  # composition counts seats by whom they answer to
        for j, rule in enumerate(body.composition):
            yield from _composition(c, here + ("composition", j), body, rule)
    term = body.term
    if term.max_years is not None and term.max_years < term.years:
        yield here + ("term", "max_years"), f"is shorter than one term of {term.years} years"


def _seat_group(
    path: tuple[str | int, ...],
    body: Body,
    group: SeatGroup,
    electorates: dict[str, ConstituencyKind | None],
    appointers: set[str],
) -> Found:
    fill = group.filled_by
    if fill is SeatFill.ELECTED:
        if group.electorate is None:
            yield path + ("electorate",), "elected seats need the constituency or body electing"
        elif group.electorate not in electorates:
            yield (
                path + ("electorate",),
                f"'{group.electorate}' is not a constituency, class or body; known: "
                + ", ".join(sorted(electorates)),
            )
        elif group.electorate == body.id:
            yield path + ("electorate",), "a body cannot elect its own seats"
    elif group.electorate is not None:
        yield path + ("electorate",), f"only elected seats have an electorate, not {fill} ones"
    if fill is SeatFill.APPOINTED:
        if group.appointer is None:
            yield path + ("appointer",), "appointed seats need an appointer"
        elif group.appointer not in appointers:
            yield (
                path + ("appointer",),
                f"'{group.appointer}' is not an appointer or body; known: "
                + ", ".join(sorted(appointers)),
            )
    elif group.appointer is not None:
        yield path + ("appointer",), f"only appointed seats have an appointer, not {fill} ones"
    if fill is SeatFill.EX_OFFICIO and not group.office:
        yield path + ("office",), "ex-officio seats need the office that holds them"
    if group.until_next_agm and fill is not SeatFill.CO_OPTED:
        yield path + ("until_next_agm",), "only co-opted seats lapse at the next AGM"


def _selected(c: Constitution, rule: CompositionRule, group: SeatGroup) -> bool:
    selector = rule.seats
    electorates = _electorates(c)
    if selector.filled_by is not None and group.filled_by is not selector.filled_by:
        return False
    if selector.electorate is not None and group.electorate != selector.electorate:
        return False
    if selector.appointer is not None and group.appointer != selector.appointer:
        return False
    if selector.constituency_kind is not None:
        if group.filled_by is not SeatFill.ELECTED:
            return False
        if electorates.get(group.electorate or "") is not selector.constituency_kind:
            return False
    if selector.appointer_kind is not None:
        kinds = {a.id: a.kind for a in c.appointers}
        if group.filled_by is not SeatFill.APPOINTED:
            return False
        if kinds.get(group.appointer or "") is not selector.appointer_kind:
            return False
    return True


def seat_selected(c: Constitution, rule: CompositionRule, group: SeatGroup) -> bool:
    """Whether a composition rule counts this seat group (governance counts holders by it)."""
    return _selected(c, rule, group)


def _composition(
    c: Constitution, path: tuple[str | int, ...], body: Body, rule: CompositionRule
) -> Found:
    count = sum(g.seats for g in body.seats if _selected(c, rule, g))
    total = body.seat_count
    said = f"'{rule.description}'"
    if rule.at_least is not None and count < rule.at_least:
        yield path, f"{said} fails: {count} such seats, at least {rule.at_least} needed"
    if rule.at_most is not None and count > rule.at_most:
        yield path, f"{said} fails: {count} such seats, at most {rule.at_most} allowed"
    if rule.share is not None and not rule.share.met(count, total):
        yield path, f"{said} fails: {count} of {total} seats is not {rule.share} of the body"
    if rule.share_at_most is not None and count * rule.share_at_most.denominator > (
        total * rule.share_at_most.numerator
    ):
        yield (
            path,
            f"{said} fails: {count} of {total} seats is more than {percent(rule.share_at_most)}",
        )
    if rule.one_per_class_of is not None:
        try:
            constituency = c.constituency(rule.one_per_class_of)
        except KeyError:
            yield path + ("one_per_class_of",), f"no constituency '{rule.one_per_class_of}'"
            return
        if not constituency.classes:
            yield path + ("one_per_class_of",), f"'{constituency.id}' has no classes"
        elected = {g.electorate for g in body.seats if g.filled_by is SeatFill.ELECTED}
        missing = [k.id for k in constituency.classes if k.id not in elected]
        if missing:
            yield path, f"{said} fails: no seat elected by " + ", ".join(missing)
    if not any(
        v is not None
        for v in (
            rule.at_least,
            rule.at_most,
            rule.share,
            rule.share_at_most,
            rule.one_per_class_of,
        )
    ):
        yield (
            path,
            "a composition rule needs at_least, at_most, share, share_at_most or one_per_class_of",
        )


def _timetable(c: Constitution) -> Found:
    timetable = c.elections.timetable
    here = ("elections", "timetable")
    steps = [
        (name, getattr(timetable, name))
        for name in (
            "notice_of_election",
            "nominations_close",
            "statement_of_nominations",
            "withdrawals_close",
            "notice_of_poll",
        )
        if getattr(timetable, name) is not None
    ]
    for (earlier, before), (later, after) in zip(steps, steps[1:], strict=False):
        if after > before:
            yield (
                here + (later,),
                f"{later} ({after} days before the poll) comes before {earlier} ({before})",
            )


def _meetings(c: Constitution) -> Found:
    meetings = c.meetings
    for i, kind in enumerate(meetings.resolutions):
        confirm = kind.confirmation
        if (
            confirm is not None
            and confirm.after_days_at_least is not None
            and confirm.after_days_at_most is not None
            and confirm.after_days_at_least > confirm.after_days_at_most
        ):
            yield (
                ("meetings", "resolutions", i, "confirmation", "after_days_at_least"),
                "is later than after_days_at_most",
            )
    if meetings.proxies.max_per_proxy is not None and not meetings.proxies.allowed:
        yield ("meetings", "proxies", "max_per_proxy"), "set, but proxies are not allowed"
    proxies = meetings.proxies
    if (
        proxies.lodge_hours_before is not None
        and proxies.earliest_required_days_before is not None
        and proxies.lodge_hours_before > proxies.earliest_required_days_before * 24
    ):
        yield (
            ("meetings", "proxies", "lodge_hours_before"),
            f"proxies may not be required more than {proxies.earliest_required_days_before} "
            f"days ({proxies.earliest_required_days_before * 24} hours) before the meeting",
        )
    kind = c.participation.proposals.resolution_kind
    if kind is not None and kind not in {r.id for r in c.meetings.resolutions}:
        yield (
            ("participation", "proposals", "resolution_kind"),
            f"'{kind}' is not a resolution kind of meetings.resolutions",
        )
    if (
        c.participation.proposals.route == ProposalRoute.GENERAL_MEETING
        and not meetings.resolutions
    ):
        yield (
            ("participation", "proposals", "route"),
            "proposals go to a general meeting, but meetings.resolutions names no kind",
        )


def _shares(c: Constitution) -> Found:
    shares = c.shares
    if shares is None:
        return
    here = ("shares",)
    if shares.votes == "one-per-share" and c.organisation.legal_form not in SHARE_VOTING_FORMS:
        yield (
            here + ("votes",),
            f"a {c.organisation.legal_form} is one member one vote, however many shares a "
            "member holds (the FCA's test of a bona fide co-operative; model rules of "
            "societies, credit unions and building societies); votes cannot follow shares: "
            "write one-member-one-vote",
        )
    elif shares.votes == "one-per-share":
        # The form's law would let votes follow shares, but nothing here would honour it: a poll
        # is counted one anonymous ballot per voter, and a weight on a ballot would single out
        # the large holders. Refused rather than silently counted one member one vote.
        yield (
            here + ("votes",),
            "one-per-share is not supported: mutualise counts every vote at a general meeting "
            "one member one vote (a poll's ballots are anonymous and unweighted); write "
            "one-member-one-vote",
        )
    if (
        shares.maximum_holding_pence is not None
        and shares.maximum_holding_pence < shares.minimum_holding_pence
    ):
        yield here + ("maximum_holding_pence",), "is below minimum_holding_pence"
    if shares.minimum_holding_pence % shares.nominal_value_pence:
        yield (
            here + ("minimum_holding_pence",),
            "is not a whole number of shares at the nominal value",
        )
    if shares.withdrawal_notice is not None and not shares.withdrawable:
        yield here + ("withdrawal_notice",), "set, but shares are not withdrawable"
    if shares.withdrawal_yearly_limit is not None and not shares.withdrawable:
        yield here + ("withdrawal_yearly_limit",), "set, but shares are not withdrawable"


def _surplus_and_lock(c: Constitution) -> Found:
    lock, form = c.asset_lock, c.organisation.legal_form
    uses = [share.use for share in c.surplus.allocation]
    for kind, forms in LOCK_FORMS.items():
        if lock.kind is kind and form not in forms:
            yield (
                ("asset_lock", "kind"),
                f"a {kind} asset lock needs legal form " + " or ".join(sorted(forms)),
            )
    if (
        form is LegalForm.COMMUNITY_BENEFIT_SOCIETY
        and SurplusUse.PATRONAGE_DIVIDEND in uses
        and lock.kind is AssetLockKind.NONE  # (any lock forbids it too: below)
    ):
        yield (
            ("surplus", "allocation", uses.index(SurplusUse.PATRONAGE_DIVIDEND), "use"),
            "a community benefit society may not pay a dividend on members' trade; its "
            "profits go to the community (Community Shares Handbook 6.2-6.3)",
        )
    approver = c.surplus.approved_by
    if approver not in (None, "board") and approver not in {r.id for r in c.meetings.resolutions}:
        yield (
            ("surplus", "approved_by"),
            f"'{approver}' is neither 'board' nor a resolution kind of meetings.resolutions",
        )
    if form is LegalForm.COMMUNITY_INTEREST_COMPANY and lock.kind is not AssetLockKind.CIC:
        yield ("asset_lock", "kind"), "a community interest company always has the CIC lock"
    if lock.kind is AssetLockKind.NONE:
        if lock.permitted_recipients:
            yield ("asset_lock", "permitted_recipients"), "listed, but there is no asset lock"
        return
    if not lock.permitted_recipients:
        yield ("asset_lock", "permitted_recipients"), "an asset lock must name who may receive"
    allowed = LOCK_RECIPIENTS.get(lock.kind)
    for i, recipient in enumerate(lock.permitted_recipients):
        if allowed is not None and recipient not in allowed:
            yield (
                ("asset_lock", "permitted_recipients", i),
                f"a {lock.kind} asset lock cannot pass assets to '{recipient}'; it allows "
                + ", ".join(sorted(allowed)),
            )
    if lock.kind in (AssetLockKind.CBS_STATUTORY, AssetLockKind.CIC) and lock.removable:
        yield ("asset_lock", "removable"), f"a {lock.kind} asset lock cannot be removed"
    for i, use in enumerate(uses):
        if use in MEMBER_DISTRIBUTIONS and not (
            lock.kind is AssetLockKind.CIC and use is SurplusUse.DIVIDEND
        ):
            yield (
                ("surplus", "allocation", i, "use"),
                f"'{use}' hands surplus to members, which a {lock.kind} asset lock forbids",
            )
    if (
        lock.kind is AssetLockKind.CIC
        and SurplusUse.DIVIDEND in uses
        and c.surplus.dividend_cap is None
    ):
        yield ("surplus", "dividend_cap"), "a CIC paying dividends needs a dividend cap"
    if SurplusUse.INTEREST_ON_SHARES in uses and c.shares is None:
        yield ("surplus", "allocation"), "interest on shares, but the rulebook issues no shares"
