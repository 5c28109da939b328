"""A rulebook told in plain English, one paragraph per topic."""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from .schema import (
    ALL_MEMBERS,
    AssetLockKind,
    Body,
    BodyKind,
    Constituency,
    Constitution,
    DayKind,
    Requisition,
    SeatFill,
    percent,
)

_METHODS = {
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
_MEMBER_NOUNS = {
    BodyKind.BOARD: "directors",
    BodyKind.COUNCIL_OF_GOVERNORS: "governors",
    BodyKind.PARTNERSHIP_COUNCIL: "councillors",
    BodyKind.FORUM: "forum members",
    BodyKind.TRUSTEES: "trustees",
    BodyKind.COMMITTEE: "committee members",
    BodyKind.GOVERNING_BODY: "governors",
}
_NON_WORKING = {
    "weekends": "weekends",
    "bank-holidays": "bank holidays",
    "christmas-eve": "Christmas Eve",
    "christmas-day": "Christmas Day",
    "good-friday": "Good Friday",
}
_CHANNELS = {
    "postal": "by post",
    "internet": "online",
    "telephone": "by telephone",
    "text": "by text message",
    "in-person": "in person",
}
_LEGAL_FORMS = {
    "nhs-foundation-trust": "an NHS foundation trust",
    "co-operative-society": "a co-operative society",
    "community-benefit-society": "a community benefit society",
    "community-interest-company": "a community interest company",
    "company-limited-by-guarantee": "a company limited by guarantee",
    "company-limited-by-shares": "a company limited by shares",
    "credit-union": "a credit union",
    "building-society": "a building society",
    "unincorporated-association": "an unincorporated association",
}
_SURPLUS = {
    "reserves": "reserves",
    "interest-on-shares": "interest on shares",
    "patronage-dividend": "a patronage dividend",
    "equal-percentage-of-pay": "a bonus of the same percentage of pay for everyone",
    "community-purposes": "community purposes",
    "dividend": "dividends",
}
_RECIPIENTS = {
    "community-benefit": "uses for community benefit",
    "asset-locked-society": "other asset-locked societies",
    "community-interest-company": "community interest companies",
    "registered-social-landlord": "registered social landlords with an equivalent lock",
    "charity": "charities",
    "co-operative-body": "other co-operatives",
}
_FRACTION_WORDS = {
    Fraction(1, 2): "half",
    Fraction(1, 3): "one third",
    Fraction(2, 3): "two thirds",
    Fraction(1, 4): "one quarter",
    Fraction(3, 4): "three quarters",
}
_TIES = {  # Rotation.ties
    "lot": "those to retire are chosen by lot",
    "agreement-then-lot": "those to retire are agreed among them, or failing agreement chosen by lot",
}


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _money(pence: int) -> str:
    pounds, rest = divmod(pence, 100)
    return f"£{pounds:,}" + (f".{rest:02d}" if rest else "")


def listing(items: list[str]) -> str:
    """Items in words: "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:]


def _constituency(constituency: Constituency) -> str:
    rules = constituency.eligibility
    who = []
    if rules.minimum_age is not None:
        who.append(f"aged {rules.minimum_age} or over")
    if rules.area is not None:
        who.append(f"living in {rules.area.description or 'the named area'}")
    if rules.staff is not None:
        routes = []
        if rules.staff.open_ended_contract_qualifies:
            routes.append("on a contract with no fixed term")
        if rules.staff.minimum_fixed_term_months:
            months = rules.staff.minimum_fixed_term_months
            routes.append(f"on a fixed term of {months} months or more")
        if rules.staff.minimum_service_months:
            routes.append(f"after {rules.staff.minimum_service_months} months' service")
        who.append("employed " + " or ".join(routes))
    if rules.excludes_staff:
        who.append("not on the staff")
    if rules.service_use is not None:
        who.append(
            f"who have {rules.service_use.description} in the last "
            f"{rules.service_use.within_months} months"
        )
    who += [f'confirming "{a.text.rstrip(".")}"' for a in rules.attestations]
    text = f"{constituency.name} ({constituency.id}): " + (", ".join(who) or "open to all") + "."
    if constituency.classes:
        names = [f"{k.name} ({k.id})" for k in constituency.classes]
        text += " It is divided into classes: " + listing(names) + "."
    return text


def _membership_intro(c: Constitution, name: str) -> str:
    org, membership = c.organisation, c.membership
    text = (
        f"{name} is {_LEGAL_FORMS[org.legal_form]} whose purpose is "
        f"{org.purpose.rstrip('.')}. Its financial year ends on {org.financial_year_end}. "
    )
    if membership.minimum_members:
        text += f"It needs at least {membership.minimum_members} members. "
    if membership.voting_minimum_age is not None:
        text += f"Members under {membership.voting_minimum_age} may not vote. "
    if membership.vote_requires_membership_at_year_end:
        text += "To vote, a member must have been one at the end of the last financial year. "
    count = len(c.constituencies)
    text += f"Membership is in {_plural(count, 'constituency', 'constituencies')}"
    if count > 1 and membership.one_constituency_only:
        text += ", and a member belongs to only one"
    return text + "."


def _membership(c: Constitution, name: str) -> str:
    return " ".join([_membership_intro(c, name), *(_constituency(k) for k in c.constituencies)])


def _body_name(c: Constitution, ident: str) -> str:
    for appointer in c.appointers:
        if appointer.id == ident:
            return appointer.name
    return "the " + c.body(ident).name


def _fraction_words(value: Fraction) -> str:
    return _FRACTION_WORDS.get(value, percent(value))


def _body(c: Constitution, body: Body) -> str:
    term, noun = body.term, _MEMBER_NOUNS[body.kind]
    elected: dict[str, int] = defaultdict(int)
    electorates: dict[str, set[str]] = defaultdict(set)
    classes: dict[str, bool] = defaultdict(bool)
    others = []
    for group in body.seats:
        electorate = group.electorate or ""
        found = c.find_class(electorate)
        source = (
            found[0] if found else next((k for k in c.constituencies if k.id == electorate), None)
        )
        if group.filled_by is SeatFill.ELECTED and source is not None:
            elected[source.kind] += group.seats
            electorates[source.kind].add(electorate)
            classes[source.kind] |= found is not None
        elif group.filled_by is SeatFill.ELECTED:
            who = "all the members" if electorate == ALL_MEMBERS else _body_name(c, electorate)
            others.append(f"{group.seats} elected by {who}")
        elif group.filled_by is SeatFill.APPOINTED:
            others.append(f"{group.seats} appointed by {_body_name(c, group.appointer or '')}")
        elif group.filled_by is SeatFill.EX_OFFICIO:
            others.append(f"{group.seats} held ex officio by the {group.office}")
        else:
            lapse = " until the next AGM" if group.until_next_agm else ""
            others.append(f"up to {group.seats} co-opted{lapse}")
    text = (
        f"The {body.name} ({body.id}) has {_plural(body.seat_count, 'seat')}, "
        f"with {term.years}-year terms. "
    )
    single = len(c.constituencies) == 1 and not any(classes.values())
    for kind, seats in elected.items():
        if single:
            text += f"The members elect {seats} {noun} for {term.years}-year terms. "
            continue
        where = len(electorates[kind])
        unit = ("class", "classes") if classes[kind] else ("constituency", "constituencies")
        text += (
            f"Members in {_plural(where, f'{kind} {unit[0]}', f'{kind} {unit[1]}')} elect "
            f"{seats} {kind} {noun if seats > 1 else noun[:-1]} for {term.years}-year terms. "
        )
    if others:
        text += ("Other seats: " if elected else "Seats: ") + listing(others) + ". "
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
        text += _sentence(
            f"{_fraction_words(body.rotation.fraction)} of the elected {noun} retire at each "
            "AGM, longest-serving first; between those who took office on the same day, "
            f"{_TIES[body.rotation.ties]}. "
        )
    if body.member_minimum_age:
        text += f"Its {noun} must be at least {body.member_minimum_age}. "
    if body.meets_at_least_per_year:
        times = body.meets_at_least_per_year
        text += f"It meets at least {'twice' if times == 2 else _plural(times, 'time')} a year. "
    text += " ".join(f"Rule: {rule.description.rstrip('.')}." for rule in body.composition)
    return text.strip()


def _elections(c: Constitution) -> str:
    e, t = c.elections, c.elections.timetable
    unit = {DayKind.WORKING: "working days", DayKind.CLEAR: "clear days"}.get(t.day_kind, "days")
    steps = [
        f"notice of election at least {t.notice_of_election} {unit} before the poll closes",
        f"nominations close {t.nominations_close} {unit} before",
    ]
    for label, value in (
        ("the statement of candidates", t.statement_of_nominations),
        ("withdrawals close", t.withdrawals_close),
        ("notice of poll", t.notice_of_poll),
    ):
        if value:
            steps.append(f"{label} {value}")
    text = (
        f"Elections use {_METHODS[e.method]}. Timetable: {', '.join(steps)}; "
        f"the poll closes at {t.poll_closes_at:%H:%M}. "
    )
    overrides = [
        f"the {b.name} uses {_METHODS[b.election_method]}" for b in c.bodies if b.election_method
    ]
    if overrides:
        text += "Except that " + listing(overrides) + ". "
    if t.day_kind is DayKind.WORKING:
        nation = c.organisation.nation.replace("-", " ").title().replace(" And ", " and ")
        days = [
            f"bank holidays in {nation}" if d == "bank-holidays" else _NON_WORKING[d]
            for d in t.non_working_days
        ]
        text += "These days do not count as working days: " + listing(days) + ". "
    n = e.nominations
    needs = [_plural(n.proposers, "proposer")] if n.proposers else []
    needs += [_plural(n.seconders, "seconder")] if n.seconders else []
    if needs:
        text += f"A candidate needs {' and '.join(needs)}. "
    if n.statement_word_limit:
        text += f"Election statements may run to {n.statement_word_limit} words. "
    text += {
        "declare-elected": "If there are no more candidates than seats, they are elected "
        "without a vote. ",
        "hold-approval-vote": "An uncontested election still goes to a yes/no vote. ",
        "reopen-nominations": "An uncontested election reopens nominations. ",
    }[e.when_uncontested]
    if e.independent_returning_officer:
        text += "An independent returning officer runs each election. "
    text += "Votes may be cast " + listing([_CHANNELS[ch] for ch in e.channels]) + "."
    return text


def _requisition(r: Requisition | None) -> str:
    if r is None:
        return "Members have no right to requisition a general meeting. "
    who = []
    if r.members_fraction:
        who.append(f"{percent(r.members_fraction)} of members")
    if r.members_count:
        who.append(_plural(r.members_count, "member"))
    joiner = f", whichever is {r.combine}" if r.combine and len(who) > 1 else ""
    text = f"Members may requisition a general meeting: {' or '.join(who)}{joiner}"
    if r.board_convenes_within:
        text += f"; the board must call it within {r.board_convenes_within}"
    if r.meeting_within:
        text += f"; it must be held within {r.meeting_within}"
    if r.otherwise_convened_by_members:
        text += f"; otherwise any {r.otherwise_convened_by_members} members may call it"
    return text + ". "


def _meetings(c: Constitution) -> str:
    m, year_end = c.meetings, c.organisation.financial_year_end
    deadline = []
    if m.agm.within_months_of_year_end:
        deadline.append(f"within {_plural(m.agm.within_months_of_year_end, 'month')} of {year_end}")
    if m.agm.within_months_of_previous:
        months = _plural(m.agm.within_months_of_previous, "month")
        deadline.append(f"within {months} of the previous AGM")
    text = (
        f"The AGM must be held {' and '.join(deadline)}, on {m.agm.notice_clear_days} clear days' "
        f"notice; other general meetings need {m.general.notice_clear_days} clear days' notice"
    )
    if m.general.shorter_notice_consent:
        text += f" (less if {m.general.shorter_notice_consent} of members agree)"
    text += ". "
    if m.agm.open_to_public:
        text += "The AGM is open to the public. "
    q = m.quorum
    parts = [_plural(q.absolute, "member")] if q.absolute else []
    parts += [f"{percent(q.fraction)} of members"] if q.fraction else []
    joiner = f", whichever is {q.combine}" if q.combine and len(parts) > 1 else ""
    text += f"Quorum: {' or '.join(parts)}{joiner}. " + _requisition(m.requisition)
    for kind in m.resolutions:
        text += f"{kind.name}: {kind.threshold} {kind.base.words}"
        if kind.turnout:
            text += f", with {kind.turnout} of all members voting"
        if kind.confirmation:
            confirm = kind.confirmation
            text += f", confirmed by {confirm.threshold} {confirm.base.words} at a second meeting"
        if kind.used_for:
            text += f" (for {', '.join(kind.used_for)})"
        text += ". "
    p = m.proxies
    if p.allowed:
        text += "Members may vote by proxy; " + (
            "the proxy must be a member" if p.proxy_must_be_member else "anyone may be a proxy"
        )
        if p.max_per_proxy:
            text += f", holding at most {p.max_per_proxy}"
        text += ". "
    else:
        text += "There is no proxy voting. "
    if m.chair_casting_vote:
        text += "The chair has a casting vote."
    else:
        text += "The chair has no casting vote: a tie is lost."
    return text


def _shares(c: Constitution) -> str:
    s = c.shares
    if s is None:
        return "Membership carries no shares. Every member has one vote."
    text = f"Shares are {_money(s.nominal_value_pence)} each; "
    if s.maximum_holding_pence == s.minimum_holding_pence:
        text += f"each member holds exactly {_money(s.minimum_holding_pence)}. "
    else:
        text += f"a member holds at least {_money(s.minimum_holding_pence)}"
        if s.maximum_holding_pence is not None:
            text += f" and at most {_money(s.maximum_holding_pence)}"
        text += ". "
    text += "Shares are " + ("withdrawable" if s.withdrawable else "not withdrawable")
    text += " and " + ("transferable" if s.transferable else "not transferable") + ". "
    if s.withdrawal_notice is not None:
        if s.withdrawal_notice.amount:
            notice = s.withdrawal_notice
            owner = f"1 {notice.unit[:-1]}'s" if notice.amount == 1 else f"{notice}'"
            text += f"Withdrawal needs {owner} notice. "
        else:
            text += "Withdrawal needs no notice. "
    if s.moratorium:
        text += f"Nothing may be withdrawn in the first {s.moratorium}. "
    if s.board_may_suspend_withdrawals:
        text += "The board may suspend withdrawals. "
    if s.withdrawal_yearly_limit is not None:
        text += (
            f"At most {percent(s.withdrawal_yearly_limit)} of the share capital may be withdrawn "
            "in a year; requests beyond it wait, scaled back equally, for the next year. "
        )
    if s.nomination_limit_pence is not None:
        text += (
            f"A member may nominate who receives up to {_money(s.nomination_limit_pence)} "
            "of their shares on death. "
        )
    if s.certificates:
        text += "Each allotment is issued with a share certificate. "
    if s.interest_cap is not None:
        text += f"Interest on shares is capped at {percent(s.interest_cap)} a year. "
    if s.interest_policy:
        text += s.interest_policy.strip().rstrip(".") + ". "
    how = "paid out" if s.interest_choice.default == "pay" else "credited to the member's shares"
    if s.interest_choice.members_may_choose:
        text += (
            "Each member chooses whether interest is paid out or credited; "
            f"unless they do, it is {how}. "
        )
    elif s.interest_choice.default == "pay":
        text += "Interest is paid out, not credited to shares. "
    if s.votes == "one-member-one-vote":
        text += "Every member has one vote, however many shares they hold."
    else:
        text += "Votes follow shareholding."
    return text


def _surplus_and_lock(c: Constitution) -> str:
    uses = []
    for share in c.surplus.allocation:
        words = _SURPLUS[share.use]
        asides = [f"at most {percent(share.at_most)}"] if share.at_most is not None else []
        if share.note.strip():
            asides.append(share.note.strip().rstrip("."))
        if asides:
            words += f" ({'; '.join(asides)})"
        uses.append(words)
    text = "Surplus may go to " + listing(uses) + ". "
    if c.surplus.dividend_cap is not None:
        text += (
            f"Dividends may not exceed {percent(c.surplus.dividend_cap)} of distributable profits. "
        )
    lock = c.asset_lock
    note = f" {_full_stop(lock.note)}" if lock.note.strip() else ""
    if lock.kind is AssetLockKind.NONE:
        return text + "There is no asset lock." + note
    name = {
        AssetLockKind.CBS_STATUTORY: "the statutory asset lock for community benefit societies",
        AssetLockKind.CIC: "the community interest company asset lock",
        AssetLockKind.RULES: "an asset lock in its own rules",
    }[lock.kind]
    recipients = listing([_RECIPIENTS[r] for r in lock.permitted_recipients])
    text += f"Assets are held under {name}: they may pass only to {recipients}. "
    return (
        text
        + ("The lock cannot be removed." if not lock.removable else "Members may remove it.")
        + note
    )


def _full_stop(note: str) -> str:
    """A rulebook's free-text note as a sentence: stripped, ending in a full stop."""
    note = note.strip()
    return note if note.endswith((".", "!", "?")) else note + "."


def legal_form_label(legal_form: str) -> str:
    """'nhs-foundation-trust' -> 'NHS foundation trust'."""
    text = _LEGAL_FORMS[legal_form].split(" ", 1)[1]
    return text[0].upper() + text[1:]


def explain(constitution: Constitution, *, name: str | None = None) -> list[str]:
    """Plain-English paragraphs: membership, each body, elections, meetings, shares, surplus
    and asset lock. `name` is the organisation's own name where it differs from the model's."""
    c = constitution
    name = name or c.organisation.name
    return [
        _membership(c, name),
        *(_body(c, body) for body in c.bodies),
        _elections(c),
        _meetings(c),
        _shares(c),
        _surplus_and_lock(c),
    ]


def explain_sections(
    constitution: Constitution, *, name: str | None = None
) -> list[tuple[str, list[str]]]:
    """The same explanation under headings, one paragraph per constituency, for a web page."""
    c = constitution
    name = name or c.organisation.name
    return [
        ("Membership", [_membership_intro(c, name), *(_constituency(k) for k in c.constituencies)]),
        *((body.name, [_body(c, body)]) for body in c.bodies),
        ("Elections", [_elections(c)]),
        ("Meetings", [_meetings(c)]),
        ("Shares and votes", [_shares(c)]),
        ("Surplus and assets", [_surplus_and_lock(c)]),
    ]
