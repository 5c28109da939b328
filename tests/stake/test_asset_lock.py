"""The asset lock enforced where it matters: a transfer to a body without a lock is refused and
nothing is recorded; a rule change removing a statutory lock is refused at adoption."""

import re
from datetime import date

import pytest
from stake_helpers import found

from mutualise.audit.models import AuditEvent
from mutualise.register import services as register
from mutualise.stake import services
from mutualise.stake.models import AssetTransfer
from mutualise.stake.services import StakeError

LOCK = re.compile(r"^asset_lock:\n(?:[ #].*\n|\n)*", re.MULTILINE)


@pytest.fixture
def energy(db):
    return found()


def test_an_asset_transfer_to_a_non_locked_body_is_refused(energy):
    with pytest.raises(StakeError, match="not to a co-operative-body"):
        services.transfer_assets(
            energy, recipient_kind="co-operative-body", recipient_name="Acme Co-op Ltd",
            amount_pence=5_000_000, on=date(2025, 5, 1), purpose="sale of the turbine",
        )  # fmt: skip
    assert not AssetTransfer.objects.exists()
    moved = services.transfer_assets(
        energy, recipient_kind="charity", recipient_name="Valley Energy Trust",
        amount_pence=5_000_000, on=date(2025, 5, 1), purpose="gift of the turbine",
    )  # fmt: skip
    event = AuditEvent.objects.get(organisation=energy, action="assets.transferred")
    assert event.subject_id == str(moved.pk)


def test_a_rule_change_removing_the_statutory_lock_is_refused_at_adoption(energy):
    text = LOCK.sub("asset_lock:\n  kind: none\n\n", energy.current_version.source_text)
    with pytest.raises(register.OrganisationError, match="cannot be removed"):
        register.adopt_constitution(
            energy, text=text, source_name="amended.yaml", actor="test", reason="SR 4"
        )
    assert energy.constitution_versions.count() == 1
    assert energy.constitution.asset_lock.kind == "cbs-statutory"
