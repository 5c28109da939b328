"""Greedy, MES and MES with Add1 on instances small enough to check by hand."""

from fractions import Fraction

import pytest

from mutualise.budgeting.add1 import mes, mes_add1
from mutualise.budgeting.greedy import greedy
from mutualise.budgeting.mes import approval_profile, run
from mutualise.budgeting.pb import parse_pb
from mutualise.budgeting.result import BudgetError, money


def instance(budget, projects, ballots, vote_type="approval", points=None, extra_meta=""):
    lines = ["META", "key;value", f"budget;{budget}", f"vote_type;{vote_type}", extra_meta]
    lines += ["PROJECTS", "project_id;cost"] + [f"{p};{c}" for p, c in projects]
    lines += ["VOTES", "voter_id;vote" + (";points" if points else "")]
    for i, ballot in enumerate(ballots):
        lines.append(f"v{i};{','.join(ballot)}" + (f";{points[i]}" if points else ""))
    return parse_pb("\n".join(line for line in lines if line) + "\n")


# Three voters with 10 each. C (15, everyone) costs each 5; then A (20) has only 10 behind it
# and B (10) only 5: equal shares funds C alone, greedy by votes C then B.
THREE = instance(30, [("A", 20), ("B", 10), ("C", 15)], [["A", "C"], ["A", "C"], ["B", "C"]])


def test_greedy_skips_what_no_longer_fits_and_goes_on():
    result = greedy(THREE)
    assert result.selected == ["C", "B"]
    assert result.spent == 25
    assert "project A skipped" in result.steps[1].text
    assert "only 15.00 was left" in result.steps[1].text


def test_mes_by_hand():
    result = mes(THREE)
    assert result.selected == ["C"]
    assert result.steps[0].price == 5
    assert result.steps[0].text.startswith("project C funded: 3 supporters paid 5.00 each")
    assert "had only 10.00 left" in result.reasons["A"]


def test_add1_keeps_the_last_outcome_within_the_budget():
    # At 15 each, C and then A would be funded (35 > 30): the run at 14 each is kept.
    result = mes_add1(THREE)
    assert result.selected == ["C"]
    assert result.per_voter == 14
    assert mes_add1(THREE, complete=True).selected == ["C", "B"]


def test_add1_changes_the_outcome_where_shares_are_too_small():
    # Two voters with 5 each; A (8) is approved by both, B (2) by v1. Plain MES funds A (4 each,
    # 0.5 per unit) and then v1 has 1 left, too little for B. With 6 each, v1 has 2 left: A and B
    # are funded for exactly the budget, and nothing is left to add.
    inst = instance(10, [("A", 8), ("B", 2)], [["A", "B"], ["A"]])
    assert mes(inst).selected == ["A"]
    result = mes_add1(inst)
    assert result.selected == ["A", "B"]
    assert result.spent == 10


def test_partial_payers_are_reported():
    # v1 has 2 left after D; E (6) is shared by v1 (pays all its 2) and v2, v3 (2 each).
    inst = instance(15, [("D", 3), ("E", 6)], [["D", "E"], ["E"], ["E"], ["D"], ["D"]])
    profile = approval_profile(inst)
    purchases = run(profile, Fraction(3)).purchases
    assert [profile.ids[p.project] for p in purchases] == ["D", "E"]
    assert purchases[0].price == 1
    assert purchases[1].price == 2 and purchases[1].full_payers == 3


def test_tie_rule_cheaper_then_more_supporters_then_file_order():
    # P and Q: same effective votes (2 supporters, each pays all): cheaper Q wins.
    tied = instance(4, [("P", 4), ("Q", 2)], [["P", "Q"], ["P", "Q"]])
    assert mes(tied).selected[0] == "Q"
    # Same cost and supporters: file order decides, in either order of the file.
    same = instance(2, [("X", 2), ("Y", 2)], [["X", "Y"], ["X", "Y"]])
    assert mes(same).selected == ["X"]
    same = instance(2, [("Y", 2), ("X", 2)], [["X", "Y"], ["X", "Y"]])
    assert mes(same).selected == ["Y"]


def test_exact_arithmetic_with_thirds():
    # 100 among 3 voters: 33 1/3 each, exactly; project costs exactly 100.
    inst = instance(100, [("A", 100)], [["A"], ["A"], ["A"]])
    result = mes(inst)
    assert result.selected == ["A"]
    assert result.steps[0].price == Fraction(100, 3)
    assert money(Fraction(100, 3)) == "33.33"


def test_greedy_scores_each_ballot_kind():
    ordinal = instance(
        10,
        [("A", 5), ("B", 5), ("C", 5)],
        [["A", "B", "C"], ["C", "B", "A"], ["B", "A", "C"]],
        vote_type="ordinal",
        extra_meta="max_length;3",
    )
    # A: 3+1+2 = 6, B: 2+2+3 = 7, C: 1+3+1 = 5.
    assert greedy(ordinal).selected == ["B", "A"]
    cumulative = instance(
        5,
        [("A", 5), ("B", 5)],
        [["A", "B"], ["B"]],
        vote_type="cumulative",
        points=["4,1", "2"],
    )
    assert greedy(cumulative).selected == ["A"]


def test_equal_shares_refuses_ranked_ballots():
    ordinal = instance(10, [("A", 5)], [["A"]], vote_type="ordinal")
    with pytest.raises(BudgetError, match="approval ballots, not ordinal"):
        mes(ordinal)
