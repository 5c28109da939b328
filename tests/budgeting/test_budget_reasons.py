"""The reasons a voter reads: amounts in the file's currency (£ for GBP), 'supporter' in the
singular for one, and after Add1 a project too dear for what is left of the pot says so (its
supporters' raised shares may exceed the pot)."""

import pytest

from mutualise.budgeting.add1 import mes_add1
from mutualise.budgeting.pb import parse_pb

pytestmark = pytest.mark.pure


def _pb(currency="GBP"):
    votes = "\n".join(f"{v};{'1' if v < 19 else '1,2'}" for v in range(20))
    votes += "\n20;3"  # one voter alone backs the costly project 3
    return parse_pb(
        "META\nkey;value\ndescription;t\nnum_projects;3\nnum_votes;21\n"
        f"budget;100000\ncurrency;{currency}\nvote_type;approval\nrule;equalshares\n"
        "PROJECTS\nproject_id;cost\n1;30000\n2;20000\n3;95000\n"
        "VOTES\nvoter_id;vote\n" + votes + "\n",
        "t.pb",
    )


def test_reasons_in_pounds_in_the_singular_and_true_of_the_pot():
    result = mes_add1(_pb())
    assert "3" not in result.selected
    left = 100_000 - (30_000 + (20_000 if "2" in result.selected else 0))
    assert result.reasons["3"] == (
        f"not funded: it costs £95,000.00, more than the £{left:,}.00 left in the pot once the "
        "funded projects are paid"
    )
    assert "£" in result.reasons["1"]


def test_one_supporter_is_a_supporter():
    result = mes_add1(_pb())
    assert result.reasons["2"].startswith("funded in round 2: 1 supporter shared its cost")
    assert "project 2 funded: 1 supporter paid £20,000.00 each" in result.steps[1].text
    assert all("1 supporters" not in s.text for s in result.steps)


def test_other_currencies_print_bare_amounts_as_pabulib_does():
    assert "£" not in mes_add1(_pb("PLN")).reasons["3"]
