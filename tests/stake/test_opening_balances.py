"""Opening balances from the register import's "Shares" column: each good row's holding is an
allotment on a new share account; a bad holding is a row-level problem, as every other."""

from datetime import date

import pytest
from stake_helpers import found

from mutualise.audit.models import AuditEvent
from mutualise.register import services as register
from mutualise.stake import services
from mutualise.stake.models import Movement, ShareAccount

ON = date(2025, 4, 1)
FILE = """Member ID,Name,DOB,Address,Postcode,Email,Shares
A1,Ann Abbot,1980-01-01,1 High Street,NE1 1AB,ann@example.org,300
A2,Bob Baker,1981-02-02,2 High Street,NE1 2AB,bob@example.org,
A3,Cat Cole,1982-03-03,3 High Street,NE1 3AB,cat@example.org,ten
A4,Dan Dale,1983-04-04,4 High Street,NE1 4AB,dan@example.org,100
A5,Eve Ede,1984-05-05,5 High Street,NE1 5AB,eve@example.org,100001
A6,Fay Fox,1985-06-06,6 High Street,NE1 6AB,fay@example.org,2500
"""


@pytest.fixture
def energy(db):
    return found()


def test_the_shares_column_opens_each_members_account(energy):
    batch, result = register.accept_import(energy, FILE.encode(), "members.csv", on=ON)
    assert batch.rows_created == 3 and batch.rows_rejected == 3
    problems = {p.row: (p.column, p.reason) for p in result.problems}
    assert problems == {
        4: ("Shares", "'ten' is not a whole number of shares"),
        5: ("Shares", "100 shares (10000p) is below the least a member holds (25000p)"),
        6: ("Shares", "100001 shares (10000100p) is above the most a member may hold (10000000p)"),
    }
    held = dict(ShareAccount.objects.values_list("member__external_ref", "balance_pence"))
    assert held == {"A1": 30_000, "A6": 250_000}  # Bob brought no shares: no account
    allotment = Movement.objects.get(account__member__external_ref="A1")
    assert (allotment.kind, allotment.on, allotment.note) == ("allotment", ON, "opening balance")
    assert services.verify_ledger(energy) == []
    (event,) = AuditEvent.objects.filter(action="shares.opening_balances")
    assert event.data["members"] == 2 and event.data["pence"] == 280_000
    # Importing the same file again adds nobody and no shares.
    again, _ = register.accept_import(energy, FILE.encode(), "members.csv", on=ON)
    assert again.rows_created == 0 and ShareAccount.objects.count() == 2


def test_a_rulebook_without_shares_refuses_the_column(db):
    school = found("cooperative-trust-school", "school")
    _, result = register.accept_import(school, FILE.encode(), "members.csv", on=ON)
    assert {p.reason for p in result.problems if p.column == "Shares"} == {
        "the rulebook issues no shares (shares: null)"
    }
    assert not ShareAccount.objects.exists()
