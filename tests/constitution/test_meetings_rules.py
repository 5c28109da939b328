"""Quorum, requisition and resolution thresholds, at and around every threshold."""

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mutualise.constitution import available_models, load_file, model_path
from mutualise.constitution.meetings_rules import (
    agm_deadline,
    notice_deadline,
    quorum_required,
    requisition_threshold,
    resolution_passes,
    threshold_votes_needed,
)
from mutualise.constitution.schema import (
    Base,
    Quorum,
    Requisition,
    ResolutionKind,
    Threshold,
    parse_fraction,
)

COOP = load_file(model_path("co-operative-society"))
CREDIT_UNION = load_file(model_path("credit-union"))
BUILDING_SOCIETY = load_file(model_path("building-society"))


@pytest.mark.parametrize(
    ("members", "quorum"),
    [
        (0, 3),
        (3, 3),
        (12, 3),  # 25% of 12 is exactly 3
        (13, 4),  # 25% of 13 is 3.25: 3 people are fewer than 25%, so 4
        (16, 4),
        (17, 5),
        (400, 100),
        (401, 101),
    ],
)
def test_coop_quorum_is_3_or_25_percent_whichever_greater(members, quorum):
    assert quorum_required(COOP.meetings, members) == quorum
    assert quorum_required(COOP.meetings.quorum, members) == quorum


@pytest.mark.parametrize(
    ("members", "quorum"),
    [(100, 5), (300, 15), (301, 15), (299, 15), (280, 14), (281, 15), (0, 0)],
)
def test_credit_union_quorum_is_15_or_5_percent_whichever_lesser(members, quorum):
    assert quorum_required(CREDIT_UNION.meetings, members) == quorum


def test_percentage_only_and_absolute_only_quorums():
    assert quorum_required(Quorum(fraction="10%"), 95) == 10  # 9.5 rounds up
    assert quorum_required(Quorum(fraction="10%"), 90) == 9
    assert quorum_required(Quorum(absolute=20), 5000) == 20
    with pytest.raises(ValueError):
        quorum_required(Quorum(absolute=20), -1)


@pytest.mark.parametrize(
    ("members", "needed"),
    [(10, 1), (990, 99), (991, 100), (1000, 100), (1001, 100), (5000, 100), (11, 2)],
)
def test_coop_requisition_is_a_tenth_or_100_whichever_less(members, needed):
    assert requisition_threshold(COOP.meetings, members) == needed


def test_requisition_by_count_only_and_when_there_is_no_right():
    assert requisition_threshold(Requisition(members_count=100), 20) == 100
    assert requisition_threshold(Requisition(members_fraction="10%"), 31) == 4
    nhs = load_file(model_path("nhs-foundation-trust"))
    with pytest.raises(ValueError, match="no right to requisition"):
        requisition_threshold(nhs.meetings, 1000)


def kind(fraction, inclusive, base="votes-cast", **extra):
    return ResolutionKind(
        id="test",
        name="Test",
        threshold={"fraction": fraction, "inclusive": inclusive},
        base=base,
        **extra,
    )


@pytest.mark.parametrize(
    ("for_", "against", "passes"),
    [(51, 49, True), (50, 50, False), (49, 51, False), (1, 0, True), (0, 0, False)],
)
def test_more_than_half_of_votes_cast(for_, against, passes):
    passed, why = resolution_passes(COOP.resolution("ordinary"), for_, against, 7, 120, 500)
    assert passed is passes
    assert why.startswith("Carried" if passes else "Not carried")


def test_a_tie_is_lost_and_says_so():
    passed, why = resolution_passes(COOP.resolution("ordinary"), 40, 40, 0, 80, 500)
    assert not passed
    assert why == (
        "Not carried: 40 of 80 votes cast were for (50%); needs more than 50% of the votes cast. "
        "A tie is lost."
    )


@pytest.mark.parametrize(
    ("for_", "against", "passes"),
    [
        (75, 25, True),
        (74, 26, False),
        (3, 1, True),
        (2, 1, False),
        (300, 100, True),  # exactly 3/4
        (299, 100, False),  # 3/4 of 399 is 299.25, so 299 falls short
        (300, 99, True),
    ],
)
def test_at_least_three_quarters_of_votes_cast(for_, against, passes):
    passed, _ = resolution_passes(COOP.resolution("extraordinary"), for_, against, 50, 0, 0)
    assert passed is passes


def test_abstentions_are_not_votes_cast():
    # 6 for, 2 against, 10 abstaining: 6 of 8 votes cast is exactly 75%.
    assert resolution_passes(COOP.resolution("extraordinary"), 6, 2, 10, 18, 40)[0]


def test_inclusive_and_exclusive_thresholds_differ_exactly_at_the_line():
    at_least = kind("3/4", True)
    more_than = kind("3/4", False)
    assert resolution_passes(at_least, 3, 1, 0, 4, 4)[0]
    assert not resolution_passes(more_than, 3, 1, 0, 4, 4)[0]
    assert resolution_passes(more_than, 4, 1, 0, 5, 5)[0]


def test_two_thirds_is_exact_not_float():
    # 2/3 as a float is 0.666...6; 2 of 3 must meet "at least 2/3" exactly.
    two_thirds = kind("2/3", True)
    assert resolution_passes(two_thirds, 2, 1, 0, 3, 3)[0]
    assert resolution_passes(two_thirds, 200, 100, 0, 300, 300)[0]
    assert not resolution_passes(two_thirds, 199, 101, 0, 300, 300)[0]
    assert parse_fraction(0.1) == Fraction(1, 10)
    assert parse_fraction("66.7%") == Fraction(667, 1000)


@pytest.mark.parametrize(
    ("for_", "present", "passes"),
    [(20, 30, True), (19, 30, False), (14, 20, True), (13, 20, False), (2, 3, True)],
)
def test_credit_union_rule_change_by_two_thirds_of_members_present(for_, present, passes):
    rule_change = CREDIT_UNION.resolution("rule-change")
    # Abstainers are still present: 20 for, 0 against, 10 abstaining of 30 present passes.
    passed, why = resolution_passes(rule_change, for_, 0, present - for_, present, 500)
    assert passed is passes
    assert f"{for_} of {present} members present were for" in why


def test_all_members_base():
    dismiss = load_file(model_path("employee-owned-partnership")).resolution("dismiss-chairman")
    assert resolution_passes(dismiss, 43, 0, 0, 50, 85)[0]
    assert not resolution_passes(dismiss, 42, 0, 0, 50, 85)[0]  # 42 of 85 is not > half


def test_turnout_requirement_for_demutualisation():
    demutualise = BUILDING_SOCIETY.resolution("demutualisation")
    # 1000 members: 500 must vote (at least 50%), and 75% of them for.
    assert resolution_passes(demutualise, 375, 125, 0, 0, 1000)[0]
    # 375 of 499 votes is over 75%, but 499 of 1000 members is under half.
    passed, why = resolution_passes(demutualise, 375, 124, 0, 0, 1000)
    assert not passed
    assert why.startswith("Not carried: 499 of 1000 members voted (49.9%)")
    assert "the turnout must be at least 50%" in why
    # votes_cast may include spoilt or blank ballots that count to turnout.
    assert resolution_passes(demutualise, 375, 124, 0, 0, 1000, votes_cast=500)[0]


def test_confirmation_is_mentioned():
    amalgamation = COOP.resolution("amalgamation")
    passed, why = resolution_passes(amalgamation, 2, 1, 0, 3, 10)
    assert passed
    assert why.endswith("It must now be confirmed at a second meeting.")


def test_counts_must_be_sensible():
    with pytest.raises(ValueError, match="for_ must not be negative"):
        resolution_passes(kind("1/2", False), -1, 0, 0, 0, 0)
    with pytest.raises(ValueError, match="votes_cast"):
        resolution_passes(kind("1/2", False), 5, 5, 0, 10, 10, votes_cast=9)


@given(
    st.fractions(min_value=Fraction(1, 100), max_value=1),
    st.booleans(),
    st.integers(min_value=1, max_value=500),
)
def test_votes_needed_is_the_exact_edge(fraction, inclusive, whole):
    threshold = Threshold(fraction=fraction, inclusive=inclusive)
    needed = threshold_votes_needed(threshold, whole)
    if needed <= whole:
        assert threshold.met(needed, whole)
    if needed > 0:
        assert not threshold.met(needed - 1, whole)


@given(st.integers(min_value=0, max_value=100_000))
def test_quorum_never_falls_as_membership_grows(members):
    assert quorum_required(COOP.meetings, members) <= quorum_required(COOP.meetings, members + 1)


def test_notice_and_agm_deadlines():
    assert notice_deadline(date(2027, 6, 30), 14) == date(2027, 6, 15)
    # Year ends 31 December 2026; the AGM is due within 6 months: by 30 June 2027.
    assert agm_deadline(COOP, 2026) == date(2027, 6, 30)
    # The council board also runs 15 months from the previous AGM; the earlier limit wins.
    board = load_file(model_path("cooperative-council-board"))
    assert agm_deadline(board, 2027) == date(2027, 9, 30)
    assert agm_deadline(board, 2027, previous_agm=date(2026, 5, 20)) == date(2027, 8, 20)


@pytest.mark.parametrize(
    ("rounding", "members", "retiring"),
    [
        ("nearest", 9, 3),
        ("nearest", 7, 2),  # 2.33 -> 2
        ("nearest", 8, 3),  # 2.67 -> 3
        ("nearest", 1, 0),  # 0.33 -> 0
        ("nearest", 2, 1),  # 0.67 -> 1
        ("up", 7, 3),
        ("down", 8, 2),
        ("nearest", 0, 0),
    ],
)
def test_retirement_by_rotation_counts(rounding, members, retiring):
    rotation = COOP.body("board").rotation.model_copy(update={"rounding": rounding})
    assert rotation.fraction == Fraction(1, 3)
    assert rotation.retiring(members) == retiring


def test_half_retiring_rounds_halves_up_when_nearest():
    board = load_file(model_path("cooperative-council-board")).body("board")
    assert board.rotation.retiring(10) == 5
    assert board.rotation.retiring(7) == 4  # rulebook says rounding: up
    assert board.rotation.model_copy(update={"rounding": "nearest"}).retiring(7) == 4


ALL_MODELS = {slug: load_file(path) for slug, path in available_models().items()}


def _meets(count: int, absolute, fraction, combine, members: int) -> bool:
    tests = []
    if absolute is not None:
        tests.append(count >= absolute)
    if fraction is not None:
        tests.append(Fraction(count) >= fraction * members)
    return all(tests) if combine == "greater" or len(tests) == 1 else any(tests)


@pytest.mark.parametrize("slug", sorted(ALL_MODELS))
def test_every_rulebooks_quorum_is_the_fewest_members_that_satisfy_it(slug):
    q = ALL_MODELS[slug].meetings.quorum
    for members in [*range(0, 120), 399, 400, 401, 999, 1000, 1001, 10_000]:
        need = quorum_required(q, members)
        assert _meets(need, q.absolute, q.fraction, q.combine, members), (members, need)
        if need > 0:
            assert not _meets(need - 1, q.absolute, q.fraction, q.combine, members)


@pytest.mark.parametrize(
    "slug", sorted(s for s, c in ALL_MODELS.items() if c.meetings.requisition is not None)
)
def test_every_rulebooks_requisition_is_the_fewest_signatures_that_satisfy_it(slug):
    r = ALL_MODELS[slug].meetings.requisition
    for members in [*range(0, 120), 499, 500, 501, 990, 999, 1000, 1001, 2000, 10_000]:
        need = requisition_threshold(r, members)
        assert _meets(need, r.members_count, r.members_fraction, r.combine, members)
        if need > 0:
            assert not _meets(need - 1, r.members_count, r.members_fraction, r.combine, members)


@pytest.mark.parametrize(
    ("slug", "kind_id"),
    sorted((s, k.id) for s, c in ALL_MODELS.items() for k in c.meetings.resolutions),
)
def test_every_resolution_kind_passes_at_its_edge_and_fails_one_vote_below(slug, kind_id):
    kind = ALL_MODELS[slug].resolution(kind_id)
    for whole in range(1, 61):
        needed = threshold_votes_needed(kind.threshold, whole)
        assert needed <= whole
        # Everyone present votes and everyone is present, so every base (and any turnout
        # rule) measures against the same `whole`.
        args = (needed, whole - needed, 0, whole, whole)
        assert resolution_passes(kind, *args)[0], (whole, needed)
        below = (needed - 1, whole - needed + 1, *args[2:])
        assert not resolution_passes(kind, *below)[0], (whole, needed)


def test_every_majority_base_has_words_for_people():
    for base in Base:
        assert base.words.startswith("of ") and str(base) not in base.words
    assert Base.ALL_MEMBERS.words == "of all members"
    _, reason = resolution_passes(COOP.resolution("ordinary"), 3, 1, 0, 5, 9)
    assert "of the votes cast" in reason and "votes-cast" not in reason


def test_within_months_of_previous_moves_the_agm_deadline():
    # Issue 20, item 5: the council board's 15 months from the previous AGM, changed in the rules.
    board = load_file(model_path("cooperative-council-board"))
    previous = date(2026, 5, 20)

    def with_months(months):
        agm = board.meetings.agm.model_copy(update={"within_months_of_previous": months})
        return board.model_copy(update={"meetings": board.meetings.model_copy(update={"agm": agm})})

    assert agm_deadline(with_months(15), 2027, previous_agm=previous) == date(2027, 8, 20)
    assert agm_deadline(with_months(12), 2027, previous_agm=previous) == date(2027, 5, 20)
    assert agm_deadline(with_months(None), 2027, previous_agm=previous) == date(2027, 9, 30)
