"""The asset lock's two rules, on the model rulebooks: who assets may pass to, and which rule
changes a statutory lock forbids."""

import re

from mutualise.constitution import load_text, model_path
from mutualise.constitution.asset_lock import lock_change_refusal, transfer_refusal

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
