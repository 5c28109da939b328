"""A rulebook told in plain English, one paragraph per topic."""

from __future__ import annotations

from collections import defaultdict

from .schema import (
    ALL_MEMBERS,
    AssetLockKind,
    Base,
    Body,
    BodyKind,
    Constituency,
    Constitution,
    DayKind,
    Period,
    Requisition,
    SeatFill,
    percent,
)

_METHOD_NAMES = {
    "scottish-stv": "the single transferable vote (Scottish STV rules)",
    "ers97-stv": "the single transferable vote (ERS97 rules)",
    "nhs-mer-stv": "the single transferable vote (NHS Model Election Rules)",
    "meek-stv": "the single transferable vote (Meek's method)",
    "wigm-stv": "the single transferable vote (weighted inclusive Gregory method)",
    "fptp": "first past the post",
    "approval": "approval voting",
    "irv": "the alternative vote",
    "referendum": "a yes/no referendum",
}

_BASE_WORDS = {
    Base.VOTES_CAST: "of the votes cast",
    Base.MEMBERS_PRESENT: "of the members present",
    Base.ALL_MEMBERS: "of all members",
}


_MEMBER_NOUNS = {
    BodyKind.BOARD: "directors",
    BodyKind.COUNCIL_OF_GOVERNORS: "governors",
    BodyKind.PARTNERSHIP_COUNCIL: "councillors",
    BodyKind.FORUM: "forum members",
    BodyKind.TRUSTEES: "trustees",
    BodyKind.COMMITTEE: "committee members",
    BodyKind.GOVERNING_BODY: "governors",
}


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _money(pence: int) -> str:
    pounds, rest = divmod(pence, 100)
    return f"£{pounds:,}" + (f".{rest:02d}" if rest else "")


def _listing(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _constituency_sentence(constituency: Constituency) -> str:
    rules = constituency.eligibility
    parts = []
    if rules.minimum_age is not None:
        parts.append(f"aged {rules.minimum_age} or over")
    if rules.area is not None:
        parts.append(f"living in {rules.area.description or 'the named area'}")
    if rules.staff is not None:
        routes = []
        if rules.staff.open_ended_contract_qualifies:
            routes.append("on a contract with no fixed term")
        if rules.staff.minimum_fixed_term_months:
            routes.append(f"on a fixed term of {rules.staff.minimum_fixed_term_months}+ months")
        if rules.staff.minimum_service_months:
            routes.append(f"with {rules.staff.minimum_service_months}+ months' service")
        parts.append("employed " + " or ".join(routes))
    if rules.excludes_staff:
        parts.append("not eligible as staff")
    if rules.service_use is not None:
        parts.append(
            f"who {rules.service_use.description} in the last "
            f"{rules.service_use.within_months} months"
        )
    for attestation in rules.attestations:
        parts.append(
            f"who confirm that {attestation.text.rstrip('.')[0].lower()}"
            f"{attestation.text.rstrip('.')[1:]}"
        )
    who = ", ".join(parts) if parts else "open to anyone the board admits"
    text = f"{constituency.name} ({constituency.id}): {who}."
    if constituency.classes:
        text += " Divided into classes: " + _listing([k.name for k in constituency.classes]) + "."
    return text


def _membership(c: Constitution) -> str:
    lines = [_constituency_sentence(k) for k in c.constituencies]
    head = (
        f"{c.organisation.name} is a {c.organisation.legal_form.replace('-', ' ')} "
        f"whose purpose is {c.organisation.purpose.rstrip('.')}. "
        f"Its financial year ends on {c.organisation.financial_year_end}. "
    )
    if c.membership.minimum_members:
        head += f"It needs at least {c.membership.minimum_members} members. "
    if len(c.constituencies) > 1 and c.membership.one_constituency_only:
        head += "A member belongs to one constituency at a time. "
    if c.membership.voting_minimum_age is not None:
        head += f"Members under {c.membership.voting_minimum_age} may not vote. "
    return head + "Membership: " + " ".join(lines)


def _seats_sentence(c: Constitution, body: Body) -> str:
    term = body.term
    by_kind: dict[str, list[str]] = defaultdict(list)
    elected_by_kind: dict[str, int] = defaultdict(int)
    constituencies_by_kind: dict[str, set[str]] = defaultdict(set)
    for group in body.seats:
        if group.filled_by is SeatFill.ELECTED:
            found = c.find_class(group.electorate or "")
            source = None
            if found is not None:
                source = found[0]
            else:
                source = next((k for k in c.constituencies if k.id == group.electorate), None)
            if source is not None:
                elected_by_kind[source.kind] += group.seats
                constituencies_by_kind[source.kind].add(group.electorate or "")
                continue
            electors = (
                "all the members"
                if group.electorate == ALL_MEMBERS
                else "the " + c.body(group.electorate or "").name
            )
            by_kind["elected"].append(f"{_plural(group.seats, 'seat')} elected by {electors}")
        elif group.filled_by is SeatFill.APPOINTED:
            who = next((a.name for a in c.appointers if a.id == group.appointer), None)
            who = who or c.body(group.appointer or "").name
            by_kind["appointed"].append(f"{_plural(group.seats, 'seat')} appointed by {who}")
        elif group.filled_by is SeatFill.EX_OFFICIO:
            by_kind["ex-officio"].append(
                f"{_plural(group.seats, 'seat')} held by the {group.office}"
            )
        else:
            lapse = " until the next AGM" if group.until_next_agm else ""
            by_kind["co-opted"].append(f"up to {_plural(group.seats, 'co-opted seat')}{lapse}")
    sentences = []
    noun = _MEMBER_NOUNS[body.kind]
    for kind, seats in elected_by_kind.items():
        groups = constituencies_by_kind[kind]
        where = "constituency" if len(groups) == 1 else "constituencies"
        sentences.append(
            f"Members in {len(groups)} {kind} {where} elect {seats} {kind} "
            f"{noun if seats > 1 else noun[:-1]} for {term.years}-year terms"
        )
    rest = [s for key in ("elected", "appointed", "ex-officio", "co-opted") for s in by_kind[key]]
    text = f"The {body.name} ({body.id}) has {_plural(body.seat_count, 'seat')}. "
    if sentences:
        text += "; ".join(sentences) + ". "
    if rest:
        text += "There are also " + _listing(rest) + ". "
    limits = []
    if term.max_terms:
        limits.append(f"at most {_plural(term.max_terms, 'term')}")
    if term.max_years:
        limits.append(f"at most {term.max_years} years in all")
    if limits:
        text += "A member may serve " + " and ".join(limits) + ". "
    elif not term.re_election_allowed:
        text += "Members may not stand again. "
    if body.rotation is not None:
        text += (
            (
                f"{percent(body.rotation.fraction)} of the elected members retire at each AGM, "
                "longest-serving first, ties decided by lot. "
            )
            .replace("33%", "one third")
            .replace("1/3 of", "One third of")
        )
    if body.member_minimum_age:
        text += f"Its members must be at least {body.member_minimum_age}. "
    for rule in body.composition:
        text += f"Rule: {rule.description.rstrip('.')}. "
    return text.strip()


def _elections(c: Constitution) -> str:
    e = c.elections
    t = e.timetable
    unit = {DayKind.WORKING: "working days", DayKind.CLEAR: "clear days"}.get(t.day_kind, "days")
    steps = [
        f"notice of election at least {t.notice_of_election} {unit} before the poll closes",
        f"nominations close {t.nominations_close} {unit} before",
    ]
    if t.statement_of_nominations:
        steps.append(f"the statement of candidates {t.statement_of_nominations}")
    if t.withdrawals_close:
        steps.append(f"withdrawals close {t.withdrawals_close}")
    if t.notice_of_poll:
        steps.append(f"notice of poll {t.notice_of_poll}")
    text = (
        f"Elections use {_METHOD_NAMES[e.method]}. Timetable: {', '.join(steps)}; "
        f"the poll closes at {t.poll_closes_at:%H:%M}. "
    )
    overrides = [
        f"the {b.name} uses {_METHOD_NAMES[b.election_method]}"
        for b in c.bodies
        if b.election_method
    ]
    if overrides:
        text += "Except that " + _listing(overrides) + ". "
    if t.day_kind is DayKind.WORKING:
        text += (
            "Not counted as working days: "
            + _listing([d.replace("-", " ") for d in t.non_working_days])
            + ". "
        )
    n = e.nominations
    needs = []
    if n.proposers:
        needs.append(_plural(n.proposers, "proposer"))
    if n.seconders:
        needs.append(_plural(n.seconders, "seconder"))
    if needs:
        text += f"A candidate needs {' and '.join(needs)}. "
    if n.statement_word_limit:
        text += f"Election statements may run to {n.statement_word_limit} words. "
    text += {
        "declare-elected": "Where there are no more candidates than seats, they are declared "
        "elected without a vote. ",
        "hold-approval-vote": "An uncontested election still goes to a yes/no vote. ",
        "reopen-nominations": "An uncontested election reopens nominations. ",
    }[e.when_uncontested]
    if e.independent_returning_officer:
        text += "An independent returning officer runs the election. "
    if e.channels:
        text += "Voting by " + _listing(list(e.channels)) + "."
    return text.strip()


def _period(p: Period | None) -> str:
    return str(p) if p is not None else ""


def _requisition(r: Requisition) -> str:
    text = ""
    parts = []
    if r.members_fraction:
        parts.append(f"{percent(r.members_fraction)} of members")
    if r.members_count:
        parts.append(_plural(r.members_count, "member"))
    joiner = f", whichever is {r.combine}" if r.combine and len(parts) > 1 else ""
    text += f"A general meeting may be requisitioned by {' or '.join(parts)}{joiner}"
    if r.board_convenes_within:
        text += f"; the board must call it within {_period(r.board_convenes_within)}"
    if r.meeting_within:
        text += f" and hold it within {_period(r.meeting_within)}"
    if r.otherwise_convened_by_members:
        text += f", or any {r.otherwise_convened_by_members} members may"
    text += ". "
    return text


def _meetings(c: Constitution) -> str:
    m = c.meetings
    year_end = c.organisation.financial_year_end
    deadline = []
    if m.agm.within_months_of_year_end:
        deadline.append(f"within {_plural(m.agm.within_months_of_year_end, 'month')} of {year_end}")
    if m.agm.within_months_of_previous:
        deadline.append(
            f"within {_plural(m.agm.within_months_of_previous, 'month')} of the previous AGM"
        )
    text = (
        f"The AGM must be held {' and '.join(deadline)}, on {m.agm.notice_clear_days} clear days' "
        f"notice; other general meetings need {m.general.notice_clear_days} clear days' notice"
    )
    if m.general.shorter_notice_consent:
        text += f" (less if {m.general.shorter_notice_consent} of members agree)"
    text += ". "
    q = m.quorum
    parts = []
    if q.absolute:
        parts.append(_plural(q.absolute, "member"))
    if q.fraction:
        parts.append(f"{percent(q.fraction)} of members")
    joiner = f", whichever is {q.combine}" if q.combine and len(parts) > 1 else ""
    text += f"Quorum: {' or '.join(parts)}{joiner}. "
    r = m.requisition
    if r is None:
        text += "Members have no right to requisition a general meeting. "
    else:
        text += _requisition(r)
    for kind in m.resolutions:
        text += f"A{'n' if kind.name[0].lower() in 'aeiou' else ''} {kind.name.lower()} needs "
        text += f"{kind.threshold} {_BASE_WORDS[kind.base]}"
        if kind.turnout:
            text += f", with {kind.turnout} of all members voting"
        if kind.confirmation:
            conf = kind.confirmation
            text += f", confirmed by {conf.threshold} {_BASE_WORDS[conf.base]} at a second meeting"
        if kind.used_for:
            text += f" ({', '.join(kind.used_for)})"
        text += ". "
    p = m.proxies
    if p.allowed:
        text += "Members may vote by proxy"
        text += (
            "; the proxy must be a member" if p.proxy_must_be_member else "; anyone may be a proxy"
        )
        if p.max_per_proxy:
            text += f", holding at most {p.max_per_proxy}"
        text += ". "
    else:
        text += "There is no proxy voting. "
    text += (
        "The chair has a casting vote. "
        if m.chair_casting_vote
        else ("The chair has no casting vote: a tie is lost. ")
    )
    return text.strip()


def _shares(c: Constitution) -> str:
    s = c.shares
    if s is None:
        return "Membership carries no shares. Every member has one vote."
    text = f"Shares are {_money(s.nominal_value_pence)} each; a member holds at least "
    text += _money(s.minimum_holding_pence)
    if s.maximum_holding_pence is not None:
        text += f" and at most {_money(s.maximum_holding_pence)}"
    text += ". Shares are " + ("withdrawable" if s.withdrawable else "not withdrawable")
    text += " and " + ("transferable" if s.transferable else "not transferable") + ". "
    if s.withdrawal_notice:
        text += f"Withdrawal needs {_period(s.withdrawal_notice)}' notice. "
    if s.moratorium:
        text += f"No withdrawals in the first {_period(s.moratorium)}. "
    if s.board_may_suspend_withdrawals:
        text += "The board may suspend withdrawals. "
    if s.interest_cap is not None:
        text += f"Interest on shares is capped at {percent(s.interest_cap)} a year. "
    if s.interest_policy:
        text += s.interest_policy.rstrip(".") + ". "
    text += (
        "Every member has one vote, however many shares they hold."
        if s.votes == "one-member-one-vote"
        else "Votes follow shareholding."
    )
    return text.strip()


def _surplus_and_lock(c: Constitution) -> str:
    uses = []
    for share in c.surplus.allocation:
        words = share.use.replace("-", " ")
        if share.at_most is not None:
            words += f" (at most {percent(share.at_most)})"
        uses.append(words)
    text = "Surplus may go to " + _listing(uses) + ". "
    if c.surplus.dividend_cap is not None:
        text += (
            f"Dividends may not exceed {percent(c.surplus.dividend_cap)} of distributable profits. "
        )
    lock = c.asset_lock
    if lock.kind is AssetLockKind.NONE:
        text += "There is no asset lock."
    else:
        name = {
            AssetLockKind.CBS_STATUTORY: "the statutory asset lock for community benefit societies",
            AssetLockKind.CIC: "the community interest company asset lock",
            AssetLockKind.RULES: "an asset lock in its rules",
        }[lock.kind]
        text += (
            f"Assets are held under {name}; they may pass only to "
            + _listing([r.replace("-", " ") for r in lock.permitted_recipients])
            + ". "
        )
        text += "The lock cannot be removed." if not lock.removable else "Members may remove it."
    return text.strip()


def explain(constitution: Constitution) -> list[str]:
    c = constitution
    return [
        _membership(c),
        *(_seats_sentence(c, body) for body in c.bodies),
        _elections(c),
        _meetings(c),
        _shares(c),
        _surplus_and_lock(c),
    ]
