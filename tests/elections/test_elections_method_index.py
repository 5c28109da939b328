"""The elections app asks the counting index what kind of ballot a method takes, instead of
guessing from its slug."""

import pytest

from mutualise.counting.methods import INDEX
from mutualise.elections.models import Election


@pytest.mark.parametrize("slug", sorted(INDEX))
def test_ballot_kind_comes_from_the_index(slug):
    election = Election(method=slug)
    assert election.is_ranked is INDEX[slug].is_ranked
    assert election.method_name == INDEX[slug].name


def test_aliases_and_unknown_methods():
    assert Election(method="av").is_ranked  # an alias of irv
    assert not Election(method="plurality").is_ranked
    assert not Election(method="approval").is_ranked  # ends in neither stv nor irv, nor ranked
    unknown = Election(method="borda-stv")  # looks like STV by its name; not a method here
    assert not unknown.is_ranked and unknown.method_info is None
    assert unknown.method_name == "borda-stv"


@pytest.mark.parametrize("slug", sorted(INDEX))
def test_the_ballot_parser_takes_the_kind_from_the_index(slug):
    from mutualise.elections.ballot_parser import rules_for

    rules = rules_for(slug, seats=2, candidates=5)
    assert rules.ranked is INDEX[slug].is_ranked
    assert rules.most == INDEX[slug].max_marks(2, 5)


def test_a_name_that_only_looks_like_stv_has_no_ballot():
    from mutualise.elections.ballot_parser import BallotInvalid, rules_for

    with pytest.raises(BallotInvalid, match="no ballot is known for the method 'borda-stv'"):
        rules_for("borda-stv", seats=1, candidates=3)
