"""`shares.votes: one-per-share` is refused in words on every rulebook (issue 16): a society,
credit union or building society is one member one vote by law and model rules, and where the
legal form would allow votes by shares (a company limited by shares) nothing counts them, so
the rulebook may not say it. Every model rulebook says one-member-one-vote."""

import re

import pytest

from mutualise.constitution import RulebookError, available_models, load_text, model_path

SHARES = (
    "shares:\n  nominal_value_pence: 100\n  minimum_holding_pence: 100\n"
    "  withdrawable: false\n  transferable: true\n  votes: {votes}\n"
)


def _company(votes: str):
    text = model_path("employee-owned-partnership").read_text()
    text, n = re.subn(r"^shares: null.*$", SHARES.format(votes=votes).rstrip("\n"), text,
                      flags=re.MULTILINE)  # fmt: skip
    assert n == 1
    return load_text(text, "company.yaml")


def test_a_company_limited_by_shares_may_not_give_votes_by_shares():
    assert _company("one-member-one-vote").shares.votes == "one-member-one-vote"
    with pytest.raises(RulebookError) as raised:
        _company("one-per-share")
    (problem,) = raised.value.problems
    assert problem.field == "shares.votes" and problem.file == "company.yaml"
    assert problem.message.startswith("one-per-share is not supported: mutualise counts every")
    assert "write one-member-one-vote" in problem.message


def test_a_society_may_not_give_votes_by_shares_and_the_message_names_the_rule():
    text = model_path("community-energy-coop").read_text()
    bad = text.replace("votes: one-member-one-vote", "votes: one-per-share")
    with pytest.raises(RulebookError) as raised:
        load_text(bad, "energy.yaml")
    (problem,) = raised.value.problems
    assert problem.field == "shares.votes"
    assert "a community-benefit-society is one member one vote" in problem.message
    assert "bona fide co-operative" in problem.message


def test_no_model_rulebook_gives_votes_by_shares():
    said = {}
    for name in available_models():
        c = load_text(model_path(name).read_text(), f"{name}.yaml")
        said[name] = c.shares.votes if c.shares else None
    assert "one-per-share" not in said.values()
    assert said["co-operative-society"] == "one-member-one-vote"
