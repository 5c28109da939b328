"""What a voter writes on the ballot page, as properties: every ranking without gaps or repeats
is read back exactly; a gap, a repeat or too many crosses is refused with a reason."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mutualise.elections import services
from mutualise.elections.models import Election

STV = Election(method="scottish-stv", vacancies=3)
FPTP = Election(method="fptp", vacancies=2)


def _rankings(n=8):
    return st.permutations(range(1, n + 1)).flatmap(
        lambda order: st.integers(1, n).map(lambda k: list(order[:k]))
    )


def _written(ranking):
    return {position: str(rank) for rank, position in enumerate(ranking, start=1)}


@given(_rankings())
def test_a_ranking_is_read_back_exactly(ranking):
    assert services.parse_marks(STV, _written(ranking), standing=8) == ranking


@given(_rankings(), st.data())
def test_a_gap_is_refused_naming_the_missing_number(ranking, data):
    if len(ranking) < 2:
        return
    skip = data.draw(st.integers(1, len(ranking) - 1))
    written = {p: str(r + (r >= skip)) for r, p in enumerate(ranking, start=1)}
    with pytest.raises(services.BallotInvalid, match=f"you skipped {skip}"):
        services.parse_marks(STV, written, standing=8)


@given(_rankings())
def test_a_repeated_number_is_refused(ranking):
    if len(ranking) < 2:
        return
    written = _written(ranking)
    written[ranking[-1]] = "1"
    with pytest.raises(
        services.BallotInvalid, match="you gave 1 to .+ and .+: give each number once"
    ):
        services.parse_marks(STV, written, standing=8)


@given(st.sets(st.integers(1, 6), min_size=1, max_size=6))
def test_crosses_up_to_the_number_of_seats(marked):
    raw = dict.fromkeys(marked, "X")
    if len(marked) <= FPTP.vacancies:
        assert services.parse_marks(FPTP, raw, standing=6) == sorted(marked)
    else:
        with pytest.raises(services.BallotInvalid, match="up to 2"):
            services.parse_marks(FPTP, raw, standing=6)


def test_words_and_blank_ballots_are_refused():
    with pytest.raises(
        services.BallotInvalid, match="enter a number from 1 to 8 \\('one' is not one\\)"
    ):
        services.parse_marks(STV, {1: "one"}, standing=8)
    with pytest.raises(services.BallotInvalid, match="mark at least one"):
        services.parse_marks(STV, {1: " ", 2: ""}, standing=8)


@pytest.mark.django_db
def test_ballot_errors_name_the_candidate(nhs_org):
    """Issue 19: 'You ranked Jane Smith twice', not an id; a superscript digit is no number."""
    from mutualise.elections import ballot_parser

    names = ("Ann Able", "Jane Smith", "Ian Jarvis")
    rules = ballot_parser.rules_for("scottish-stv", seats=1, candidates=3, names=names)
    with pytest.raises(ballot_parser.BallotInvalid) as twice:
        ballot_parser.from_form({1: "1", 2: "1"}, rules)
    assert "you gave 1 to Ann Able and Jane Smith: give each number once" in twice.value.problems
    with pytest.raises(ballot_parser.BallotInvalid) as word:
        ballot_parser.from_form({3: "²"}, rules)
    assert word.value.problems[0].startswith("Ian Jarvis: enter a number from 1 to 3")
    with pytest.raises(ballot_parser.BallotInvalid) as repeated:
        ballot_parser.check_marks([2, 2], rules)
    assert repeated.value.problems == ["marks: you marked Jane Smith more than once"]
