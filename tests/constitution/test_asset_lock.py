"""The asset lock's two rules, on the model rulebooks: who assets may pass to, and which rule
changes a statutory lock forbids."""

import re

from mutualise.constitution import load_text, model_path
from mutualise.constitution.asset_lock import (
    lock_change_refusal,
    payment_refusal,
    transfer_refusal,
)

LOCK = re.compile(r"^asset_lock:\n(?:[ #].*\n|\n)*", re.MULTILINE)


def rulebook(model: str, lock: str | None = None):
    text = model_path(model).read_text()
    if lock is not None:
        text = LOCK.sub("asset_lock:\n" + lock + "\n", text)
    return load_text(text, f"{model}.yaml")


def test_a_locked_society_may_not_pass_assets_to_a_body_without_a_lock():
    energy = rulebook("community-energy-coop")
    assert "not to a co-operative-body" in transfer_refusal(energy, "co-operative-body")
    assert transfer_refusal(energy, "charity") is None
    assert transfer_refusal(energy, "community-benefit") is None
    assert "unknown kind of recipient 'my-friend'" in transfer_refusal(energy, "my-friend")
    assert transfer_refusal(rulebook("co-operative-society"), "co-operative-body") is None


def test_a_rule_change_that_removes_a_statutory_lock_is_refused():
    energy = rulebook("community-energy-coop")
    unlocked = rulebook("community-energy-coop", "  kind: none")
    assert "cannot be removed" in lock_change_refusal(energy, unlocked)
    wider = rulebook(
        "community-energy-coop",
        "  kind: cbs-statutory\n  permitted_recipients: [community-benefit, charity,"
        " registered-social-landlord]\n  removable: false",
    )
    assert "registered-social-landlord, weakening" in lock_change_refusal(energy, wider)
    narrower = rulebook(
        "community-energy-coop",
        "  kind: cbs-statutory\n  permitted_recipients: [community-benefit]\n  removable: false",
    )
    assert lock_change_refusal(energy, narrower) is None
    assert lock_change_refusal(energy, energy) is None


def test_a_society_without_a_lock_may_adopt_or_drop_one_by_its_rules():
    coop = rulebook("co-operative-society")
    assert lock_change_refusal(coop, coop) is None


def test_a_payment_out_is_permitted_only_for_a_purpose_the_lock_allows():
    energy = rulebook("community-energy-coop")  # a statutory CBS lock

    def refusal(purpose, **given):
        return payment_refusal(energy, purpose, amount_pence=given.pop("pence", 500), **given)

    assert refusal("creditor") is None
    assert refusal("community-benefit") is None
    assert refusal("locked-body", recipient="charity") is None
    assert "not to a co-operative-body" in refusal("locked-body", recipient="co-operative-body")
    assert "must name the kind of body" in refusal("locked-body")
    assert "for value alone; only a CIC" in refusal("full-value")
    assert "unknown purpose 'gift-to-director'" in refusal("gift-to-director")
    assert refusal("share-capital", paid_up_pence=500) is None
    assert "paid-up value: the member holds 499p, not 500p" in refusal(
        "share-capital", paid_up_pence=499
    )
    assert "needs the member's share account" in refusal("share-capital")


def test_on_dissolution_creditors_and_capital_are_paid_and_the_residue_is_locked():
    energy = rulebook("community-energy-coop")
    for purpose in ("creditor", "share-capital"):  # paid first, in winding up
        assert (
            payment_refusal(energy, purpose, amount_pence=1, paid_up_pence=1, dissolution=True)
            is None
        )
    cic = rulebook("public-service-mutual")
    assert "the residue goes only" in payment_refusal(
        cic, "full-value", amount_pence=1, dissolution=True
    )
    assert "not to a co-operative-body" in payment_refusal(
        energy, "locked-body", amount_pence=1, recipient="co-operative-body", dissolution=True
    )
    assert payment_refusal(energy, "community-benefit", amount_pence=1, dissolution=True) is None
    on_to = payment_refusal(
        energy, "locked-body", amount_pence=1, recipient="charity", dissolution=True
    )
    assert on_to is None
    coop = rulebook("co-operative-society")  # no lock: the residue is the members' to share
    assert payment_refusal(coop, "share-capital", amount_pence=1, paid_up_pence=1) is None
    assert payment_refusal(coop, "full-value", amount_pence=1, dissolution=True) is None


def test_a_cics_assets_pass_at_full_value_to_a_locked_body_or_for_community_benefit():
    cic = rulebook("public-service-mutual")
    assert payment_refusal(cic, "full-value", amount_pence=9) is None
    assert payment_refusal(cic, "community-benefit", amount_pence=9) is None
    assert payment_refusal(cic, "locked-body", amount_pence=9, recipient="charity") is None
    # the rulebook's lock decides: a lock without community benefit refuses it
    housing = rulebook("housing-coop")
    assert "not to a community-benefit" in payment_refusal(
        housing, "community-benefit", amount_pence=9
    )


def test_every_lock_lets_a_deceased_or_bankrupt_members_shares_be_paid_at_most_paid_up():
    """SI 2006/264 Sch.1 para 2(c), (d): payments on a member's death (to the nominee or the
    personal representatives) and to the trustee of a bankrupt member's property are permitted
    by the statutory lock, as repaying share capital is, never above the capital paid up."""
    for model in ("community-energy-coop", "public-service-mutual", "co-operative-society"):
        c = rulebook(model)  # a CBS's statutory lock, a CIC's, and none
        for purpose, words in (
            ("on-death", "a payment of a deceased member's shares"),
            ("bankruptcy", "a payment of a bankrupt member's shares to their trustee"),
        ):
            assert payment_refusal(c, purpose, amount_pence=500, paid_up_pence=500) is None
            over = payment_refusal(c, purpose, amount_pence=501, paid_up_pence=500)
            assert over == (
                f"{words} is limited to its paid-up value: the member holds 500p, not 501p"
            )
            assert "needs the member's share account" in payment_refusal(c, purpose, amount_pence=1)
