"""A member's own withdrawal requests and nomination from their share account, and the log of
who inspected the share register (page, CSV, command line)."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from stake_helpers import found, make_members

from mutualise.audit.models import AuditEvent
from mutualise.cli import main
from mutualise.register import services as register
from mutualise.register.models import Member, Role
from mutualise.stake import services
from mutualise.stake.models import Nomination, RegisterInspection, WithdrawalRequest

ALLOTTED = date(2021, 6, 1)  # past the energy co-op's 3-year moratorium


@pytest.fixture
def energy(db):
    return found()


def _member_client(client, org, username="ann", pence=50_000):
    user = get_user_model().objects.create_user(username, password="x")
    (member,) = make_members(org, 1)
    Member.objects.filter(pk=member.pk).update(user=user)
    member.refresh_from_db()
    services.record_movement(org, member, "allotment", pence, on=ALLOTTED)
    client.force_login(user)
    return member


def test_a_member_asks_to_withdraw_sees_it_waiting_and_cancels_it(client, energy):
    member = _member_client(client, energy)
    assert "Withdraw shares" in client.get("/o/sunny-energy/shares/").content.decode()
    answer = client.post("/o/sunny-energy/shares/withdraw/", {"amount": "£100.00"})
    assert answer.status_code == 302
    asked = WithdrawalRequest.objects.get(member=member)
    assert asked.amount_pence == 10_000 and asked.recorded_by == "ann"
    page = client.get("/o/sunny-energy/shares/").content.decode()
    assert "£100.00 asked for on" in page and "Cancel this request" in page
    client.post(f"/o/sunny-energy/shares/withdraw/{asked.pk}/cancel")
    asked.refresh_from_db()
    assert asked.state == WithdrawalRequest.State.CANCELLED
    assert AuditEvent.objects.filter(action="shares.withdrawal_cancelled").count() == 1
    client.post(f"/o/sunny-energy/shares/withdraw/{asked.pk}/cancel")  # twice: no error
    assert AuditEvent.objects.filter(action="shares.withdrawal_cancelled").count() == 1


def test_a_member_sees_which_part_of_a_request_lapsed_and_why(client, energy):
    member = _member_client(client, energy)
    services.request_withdrawal(energy, member, 50_000, on=date(2026, 1, 5))
    services.record_movement(energy, member, "forfeit", 20_000, on=date(2026, 1, 6))
    page = client.get("/o/sunny-energy/shares/").content.decode()
    assert "£300.00 asked for on" in page and "(£200.00 of it lapsed: a forfeit of 20000p" in page
    services.record_movement(energy, member, "cessation", 30_000, on=date(2026, 1, 7))
    page = client.get("/o/sunny-energy/shares/").content.decode()
    assert "Withdrawal requests that lapsed" in page and "Cancel this request" not in page
    assert "£500.00 asked for on 5 Jan 2026: a cessation of 30000p" in page


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Enter the amount to withdraw in pounds"),
        ("ten pounds", "Enter the amount to withdraw in pounds"),
        ("-5", "Enter the amount to withdraw in pounds"),
        ("0", "Enter the amount to withdraw in pounds"),
        (
            "600",
            "You hold £500.00 with £0.00 already asked for; £600.00 is more than the £500.00 left",
        ),
        ("400", "below the least a member holds (£250.00)"),
    ],
)
def test_a_withdrawal_the_rules_refuse_says_why_in_pounds(client, energy, typed, says):
    _member_client(client, energy)
    answer = client.post("/o/sunny-energy/shares/withdraw/", {"amount": typed})
    body = answer.content.decode()
    assert answer.status_code == 400 and says in body and "<title>Error:" in body
    assert not WithdrawalRequest.objects.exists()


def test_nobody_cancels_another_members_request(client, energy):
    ann = _member_client(client, energy)
    asked = services.request_withdrawal(energy, ann, 5_000, on=date(2026, 1, 5), actor=None)
    client.logout()
    _member_client(client, energy, username="bob")
    assert client.post(f"/o/sunny-energy/shares/withdraw/{asked.pk}/cancel").status_code == 404
    asked.refresh_from_db()
    assert asked.state == WithdrawalRequest.State.WAITING


def test_a_member_nominates_and_a_new_nomination_replaces_the_last(client, energy):
    member = _member_client(client, energy)
    url = "/o/sunny-energy/shares/nominate/"
    assert "up to £5,000.00" in client.get(url).content.decode()
    empty = client.post(url, {"name": "", "address": ""})
    assert empty.status_code == 400 and "Enter the full name" in empty.content.decode()
    client.post(url, {"name": "Sam Jones", "address": "1 Mill Lane", "relationship": "Son"})
    client.post(url, {"name": "Ria Jones", "address": "2 Mill Lane", "relationship": "daughter"})
    made = Nomination.objects.filter(member=member).order_by("id")
    assert [n.nominee_name for n in made] == ["Sam Jones", "Ria Jones"]
    assert made[0].revoked_on is not None and made[1].revoked_on is None
    assert "Ria Jones" in client.get(url).content.decode()


def test_a_member_cannot_nominate_for_someone_else_through_the_service(energy):
    ann_user = get_user_model().objects.create_user("ann2")
    ann, bob = make_members(energy, 2)
    Member.objects.filter(pk=ann.pk).update(user=ann_user)
    with pytest.raises(services.StakeError, match="may not record a nomination"):
        services.nominate(energy, bob, nominee_name="X", nominee_address="Y",
                          made_on=date(2026, 1, 5), actor=ann_user)  # fmt: skip


def test_every_look_at_the_register_is_logged_and_shown(client, energy, capsys):
    sec = get_user_model().objects.create_user("sec", password="x")
    register.grant_role(energy, sec, Role.Kind.OFFICER, actor="test")
    client.force_login(sec)
    client.get("/o/sunny-energy/shares/register/")
    client.get("/o/sunny-energy/shares/register/?duplicate=1&format=csv")
    assert main(["shares", "register", "--org", "sunny-energy", "--duplicate"]) == 0
    capsys.readouterr()
    seen = list(RegisterInspection.objects.values_list("inspected_by", "copy", "form"))
    assert seen == [
        ("operator (command line)", "duplicate", "csv"),
        ("sec", "duplicate", "csv"),
        ("sec", "full", "page"),
    ]
    page = client.get("/o/sunny-energy/shares/register/").content.decode()
    assert "Who has inspected the register" in page and "operator (command line)" in page
    assert AuditEvent.objects.filter(action="shares.register_inspected").count() == 4


def test_a_member_who_may_not_see_the_register_leaves_no_inspection(client, energy):
    _member_client(client, energy)
    assert client.get("/o/sunny-energy/shares/register/").status_code == 403
    assert not RegisterInspection.objects.exists()
