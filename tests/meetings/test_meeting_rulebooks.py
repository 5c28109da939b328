"""Every shipped rulebook, through the meeting services: the notice date, the quorum, and every
resolution kind at, just under and just over its threshold, with abstentions and (where the
rules allow them) instructed proxies. Expected outcomes are worked out here with plain
fractions from the rulebook's own numbers, not by calling the code under test."""

import math
from datetime import date, timedelta
from fractions import Fraction

import pytest
from meeting_helpers import at, found, make_members, new_meeting, notice_day

from mutualise.constitution import available_models, load_file
from mutualise.constitution.schema import Period
from mutualise.meetings import services
from mutualise.meetings.facts import (
    add_period,
    earliest_meeting_date,
    meeting_kinds,
    notice_days,
    quorum,
)
from mutualise.meetings.services import MeetingError

pytestmark = pytest.mark.django_db

MODELS = sorted(available_models())
KINDS = [
    (model, kind.id)
    for model in MODELS
    for kind in load_file(available_models()[model]).meetings.resolutions
]


def expected_quorum(rules, members: int) -> int:
    values = []
    if rules.absolute is not None:
        values.append(rules.absolute)
    if rules.fraction is not None:
        values.append(math.ceil(rules.fraction * members))
    if len(values) == 2:
        return max(values) if rules.combine == "greater" else min(values)
    return values[0]


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("kind", ["annual", "general"])
def test_notice_date(model, kind):
    org = found(model)
    if kind == "annual":  # an AGM, or an NHS foundation trust's annual members' meeting
        kind = meeting_kinds(org.constitution)[0]
    meeting = new_meeting(org, kind=kind)
    rules = org.constitution.meetings
    days = rules.general.notice_clear_days if kind == "general" else rules.agm.notice_clear_days
    last_day = meeting.date - timedelta(days=days + 1)  # n whole days between, neither counted
    assert notice_days(meeting) == days
    assert earliest_meeting_date(last_day, days) == meeting.date
    with pytest.raises(MeetingError) as refused:
        services.call_meeting(meeting, now=at(last_day + timedelta(days=1), 9))
    earliest = earliest_meeting_date(last_day + timedelta(days=1), days)
    assert f"earliest lawful date is {earliest:%-d %B %Y}" in str(refused.value)
    assert earliest == meeting.date + timedelta(days=1)
    called = services.call_meeting(meeting, now=at(last_day, 23))
    assert called.state == "called" and called.notice_given_on == last_day


@pytest.mark.parametrize("model", MODELS)
def test_quorum_blocks_a_binding_vote_until_reached(model):
    org = found(model)
    rules = org.constitution.meetings.quorum
    total = 60
    members = make_members(org, total)
    needed = expected_quorum(rules, total)
    meeting = new_meeting(org)
    ordinary = org.constitution.meetings.resolutions[0].id
    resolution = services.add_resolution(
        meeting, title="Accounts", text="Receive.", kind_id=ordinary
    )
    services.call_meeting(meeting, now=notice_day(meeting))
    meeting = services.open_meeting(meeting, now=at(meeting.date))
    state = services.check_in_many(meeting, members[: needed - 1])
    assert (state.present, state.required, state.quorate) == (needed - 1, needed, False)
    with pytest.raises(MeetingError, match="inquorate"):
        services.open_vote(resolution)
    services.check_in(meeting, members[needed - 1], mode="online")
    assert quorum(meeting).quorate
    opened = services.open_vote(resolution)
    assert (opened.quorum_present, opened.quorum_required) == (needed, needed)


def _case_figures(kind, members_total: int, proxies: int):
    """(for, against, abstain, label) just under, exactly at and just over the threshold."""
    fraction = kind.threshold.fraction
    if kind.base == "votes-cast":
        whole = (members_total - 2) // fraction.denominator * fraction.denominator
    else:  # members present (everyone is present or represented here) or all members
        whole = members_total
    exact = fraction * whole
    assert exact.denominator == 1
    exact = int(exact)
    cases = []
    for label, for_ in (("under", exact - 1), ("exact", exact), ("over", exact + 1)):
        if for_ > whole:
            continue
        if kind.base == "votes-cast":
            against, abstain = whole - for_, members_total - whole
        else:
            abstain = max(proxies, 1)
            against = whole - for_ - abstain
            if against < 0:
                continue
        cases.append((for_, against, abstain, label))
    return whole, cases


@pytest.mark.parametrize(("model", "kind_id"), KINDS)
def test_every_resolution_kind_at_and_around_its_threshold(model, kind_id):
    org = found(model)
    constitution = org.constitution
    kind = constitution.resolution(kind_id)
    rules = constitution.meetings
    proxies_allowed = rules.proxies.allowed
    proxies = 2 if proxies_allowed else 0
    denominator = kind.threshold.fraction.denominator
    total = 12 * denominator
    while expected_quorum(rules.quorum, total) > total - proxies - 2:
        total += 12 * denominator
    members = make_members(org, total)
    appointers, room = members[:proxies], members[proxies:]
    meeting = new_meeting(org)
    whole, cases = _case_figures(kind, total, proxies)
    resolutions = [
        services.add_resolution(meeting, title=f"{kind.name} {label}", text="...", kind_id=kind_id)
        for *_, label in cases
    ]
    services.call_meeting(meeting, now=notice_day(meeting))
    if proxies:
        # One instructed for, one to abstain, on every resolution; held by a member present.
        for appointer, choice in zip(appointers, ("for", "abstain"), strict=True):
            services.appoint_proxy(
                meeting,
                appointer,
                proxy_member=room[0],
                instructions={str(r.number): choice for r in resolutions},
                now=notice_day(meeting),
            )
    meeting = services.open_meeting(meeting, now=at(meeting.date))
    services.check_in_many(meeting, room)
    for resolution, (for_, against, abstain, label) in zip(resolutions, cases, strict=True):
        services.open_vote(resolution)
        hands = (for_ - (proxies // 2), against, abstain - (proxies // 2))
        tie = for_ == against and for_ > 0
        casting = "for" if tie and rules.chair_casting_vote else ""
        declared = services.declare_result(resolution, hands=hands, casting_vote=casting)
        counted_for = for_ + (casting == "for")
        counted_whole = whole + (casting == "for" and kind.base == "votes-cast")
        share = Fraction(counted_for, counted_whole)
        expected = (
            share >= kind.threshold.fraction
            if kind.threshold.inclusive
            else (share > kind.threshold.fraction)
        )
        cast = for_ + against + (casting == "for")
        if kind.turnout is not None:
            expected = expected and Fraction(cast, total) >= kind.turnout.fraction
        assert declared.carried is expected, (label, declared.result_reason)
        assert (declared.votes_for, declared.votes_against, declared.abstentions) == (
            counted_for,
            against,
            abstain,
        )
        assert (declared.proxy_for, declared.proxy_abstain) == (proxies // 2, proxies // 2)
        assert declared.members_present == total and declared.members_total == total
        if label == "exact":
            assert declared.carried is (kind.threshold.inclusive or bool(casting))
        if label == "under":
            assert declared.carried is False


@pytest.mark.parametrize("model", MODELS)
def test_only_the_meetings_the_rulebook_provides_for(model):
    org = found(model)
    kinds = meeting_kinds(org.constitution)
    nhs = org.constitution.organisation.legal_form == "nhs-foundation-trust"
    assert ("annual-members" in kinds, "agm" in kinds) == (nhs, not nhs)
    councils = [b for b in org.constitution.bodies if b.kind == "council-of-governors"]
    assert ("council-of-governors" in kinds) is bool(councils)
    for kind in {"agm", "annual-members", "council-of-governors"} - set(kinds):
        with pytest.raises(MeetingError, match=f"provide for no {kind} meeting"):
            new_meeting(org, kind=kind)


def test_a_rulebook_period_in_years_is_years_not_days():
    """A requisition's deadlines (`meetings.requisition.board_convenes_within`, `meeting_within`)
    are rulebook Periods, which may be in years: a year on by the calendar (29 February: 28
    February), never a year read as one day."""
    leap = date(2028, 2, 29)
    assert add_period(leap, Period.model_validate("1 year")) == date(2029, 2, 28)
    assert add_period(leap, Period.model_validate("2 months")) == date(2028, 4, 29)
    assert add_period(leap, Period.model_validate("3 weeks")) == date(2028, 3, 21)
    assert add_period(leap, Period.model_validate("21 days")) == date(2028, 3, 21)
