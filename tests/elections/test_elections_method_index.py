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
