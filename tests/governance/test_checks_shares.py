"""REG-8 on each side of the rulebook's maximum holding (the co-operative society model: GBP
100,000 of withdrawable shares, CCBSA 2014 s.24), pure; and its fact from the stake ledger."""

from datetime import date

import pytest
from governance_helpers import admit, found
from test_checks_thresholds import COOP, facts
from test_checks_thresholds import found as findings_of

from mutualise.governance import services
from mutualise.governance.facts import build
from mutualise.register import services as register
from mutualise.stake import services as stake

CAP = COOP.shares.maximum_holding_pence


@pytest.mark.pure
@pytest.mark.parametrize("largest, fires", [(CAP - 1, False), (CAP, False), (CAP + 1, True)])
def test_reg8_holding_above_the_rulebook_maximum(largest, fires):
    found_ = findings_of(COOP, facts(largest_holding_pence=largest), "REG-8")
    assert bool(found_) is fires
    if fires:
        assert str(found_[0].severity) == "serious"
        assert "GBP 100,000.01" in found_[0].statement and "GBP 100,000." in found_[0].statement
        assert "s.24" in found_[0].rule


@pytest.mark.pure
def test_reg8_not_checked_without_a_maximum():
    shares = COOP.shares.model_copy(update={"maximum_holding_pence": None})
    uncapped = COOP.model_copy(update={"shares": shares})
    assert findings_of(uncapped, facts(largest_holding_pence=CAP * 10), "REG-8") == []


@pytest.mark.django_db
def test_reg8_reads_the_ledger_of_current_members():
    org = found("co-operative-society", "big-holder-coop")
    small, big = admit(org, ["Ann Small", "Bob Big"], on=date(2024, 2, 1))
    for member, pence in ((small, 100), (big, CAP)):
        stake.record_movement(org, member, "allotment", pence, on=date(2024, 2, 1), actor="test")
    today = date(2026, 5, 1)
    assert build([org], today)[org.pk].largest_holding_pence == CAP  # the ledger's largest
    assert "REG-8" not in {f.id for f in services.check_organisation(org, today=today)}  # at
    register.cease(big, "resigned", actor="test", on=today)  # a former member's is not counted
    stake.record_movement(org, small, "allotment", 900, on=today, actor="test")
    assert build([org], today)[org.pk].largest_holding_pence == 1000
