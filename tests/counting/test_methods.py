"""The method index: every method describes itself, is found without being listed, and its
declared parameters are the options its count takes."""

import inspect
import sys
import textwrap

import pytest

from mutualise.counting import methods
from mutualise.counting.ballots import from_lists
from mutualise.counting.info import BallotKind, MethodInfo
from mutualise.counting.result import CountError

pytestmark = pytest.mark.pure

SHARED = {"profile", "seats", "seed", "tie_breaker", "options"}


def test_every_method_describes_itself():
    assert set(methods.INDEX) == {
        "scottish-stv", "ers97-stv", "nhs-mer-stv", "meek-stv", "wigm-stv",
        "fptp", "approval", "irv", "referendum",
    }  # fmt: skip
    for slug, info in methods.INDEX.items():
        assert info.slug == slug
        assert info.name and info.name != slug and "-" not in info.name.split()[0]
        assert 10 < len(info.summary) <= 100 and "\n" not in info.summary
        assert isinstance(info.ballot, BallotKind)
        assert methods.get_method(slug) is methods.METHODS[slug]
        for alias in info.aliases:
            assert methods.describe(alias) is info
            assert methods.get_method(alias) is methods.METHODS[slug]


def test_names_are_the_ones_a_member_reads():
    assert methods.describe("nhs-mer-stv").name == "NHS Model Election Rules STV"
    assert methods.display_name("nhs-mer") == "NHS Model Election Rules STV"
    assert methods.display_name("no-such-method") == "no-such-method"


@pytest.mark.parametrize("slug", sorted(methods.INDEX))
def test_declared_parameters_are_the_options_the_count_takes(slug):
    info = methods.INDEX[slug]
    signature = inspect.signature(methods.METHODS[slug])
    taken = {name for name in signature.parameters if name not in SHARED}
    assert {p.name for p in info.parameters} == taken
    profile = from_lists(["Yes", "No"], [(3, [0]), (1, [1])])
    with pytest.raises(CountError, match="option"):
        methods.METHODS[slug](profile, seed=1, no_such_option=1)


def test_ballot_kinds_and_how_many_marks_a_paper_may_carry():
    assert methods.describe("scottish-stv").is_ranked
    assert methods.describe("irv").max_marks(1, 5) == 5
    assert methods.describe("fptp").ballot is BallotKind.MARKS
    assert methods.describe("fptp").max_marks(3, 5) == 3
    assert methods.describe("approval").max_marks(3, 5) == 5
    assert methods.describe("referendum").ballot is BallotKind.YES_NO
    assert methods.describe("referendum").max_marks(1, 2) == 1
    assert not methods.describe("approval").is_ranked


def test_unknown_method_names_the_known_ones():
    with pytest.raises(CountError, match="unknown counting method 'stv'; known: .*scottish-stv"):
        methods.describe("stv")


def test_a_new_module_is_discovered_without_being_listed(tmp_path, monkeypatch):
    package = tmp_path / "extra_methods"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "borda.py").write_text(
        textwrap.dedent(
            """
            from mutualise.counting.info import BallotKind, MethodInfo
            NAME = "borda"
            INFO = MethodInfo("Borda count", "Points by place on each ranked paper", BallotKind.RANKED)
            def count(profile, seats=None, *, seed=None, tie_breaker=None, **options):
                raise NotImplementedError
            """
        )
    )
    (package / "helpers.py").write_text("NAME = 'not-a-method'\n")  # no INFO, no count
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(methods, "PACKAGES", (*methods.PACKAGES, "extra_methods"))
    found, index = methods._discover()
    assert index["borda"].name == "Borda count" and "borda" in found
    assert "not-a-method" not in found
    assert set(methods.INDEX) < set(index)
    sys.modules.pop("extra_methods.borda", None)


def test_info_is_plain_data():
    info = MethodInfo("X", "a method", BallotKind.SINGLE)
    assert info.max_marks(3, 9) == 1


def test_the_rulebook_names_exactly_the_indexed_methods():
    # The rulebook schema cannot import the counter (the two pure libraries are independent),
    # so its list of method slugs is a copy: this keeps the copy true to the index.
    from mutualise.constitution.explain import _METHODS
    from mutualise.constitution.schema import ElectionMethod

    assert {m.value for m in ElectionMethod} == set(methods.INDEX)
    assert set(_METHODS) == set(methods.INDEX)
