"""Second review of the members' stake app (issue 16), after the cross-offer holding check, the
close that refunds what no longer fits and actual/actual interest. Each test is one attack: a
plain test where the code held, xfail(strict) where it still breaks."""

import random
import re
import threading
from datetime import date, datetime, time
from fractions import Fraction

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from stake_helpers import found, make_members

from mutualise.cli import main
from mutualise.constitution import money
from mutualise.constitution.calendar import LONDON
from mutualise.constitution.load import RulebookError
from mutualise.register import services as register
from mutualise.register.models import Member, Role
from mutualise.stake import exports, services
from mutualise.stake.models import (
    Movement,
    OfferApplication,
    ShareAccount,
    ShareOffer,
    WithdrawalRequest,
)
from mutualise.stake.services import StakeError
from mutualise.stake.services.surplus import read_amounts

ALLOTTED = date(2021, 6, 1)  # past the energy co-op's moratorium
APPLIED = datetime.combine(date(2025, 4, 1), time(12), tzinfo=LONDON)
pg_only = pytest.mark.skipif(
    "postgres" not in __import__("os").environ.get("DATABASE_URL", ""),
    reason="a race needs two connections to a database that lets two writers in: PostgreSQL",
)


@pytest.fixture
def energy(db):
    return found()


def _offer(org, *, policy="first-come-first-served", maximum=400_000_000, kind="open", title="R"):
    return services.open_offer(
        org, title=title, opens_on=date(2025, 3, 1), closes_on=date(2025, 5, 31),
        minimum_pence=100, optimum_pence=100, maximum_pence=maximum, policy=policy, kind=kind,
    )  # fmt: skip


def _race(*jobs):
    """Run each job on its own thread and connection, started together; their errors."""
    errors, refused, lock = [], [], threading.Lock()
    started = threading.Barrier(len(jobs))

    def run(job):
        try:
            started.wait(timeout=60)
            job()
        except StakeError as exc:
            with lock:
                refused.append(str(exc))
        except Exception as exc:  # noqa: BLE001 - reported to the test
            with lock:
                errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(j,)) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors, refused


# --- concurrency (PostgreSQL, two connections) ---------------------------------------------


@pg_only
@pytest.mark.django_db(transaction=True)
def test_two_racing_withdrawal_requests_cannot_ask_for_more_than_is_held():
    org = found()
    (m,) = make_members(org, 1)
    services.record_movement(org, m, "allotment", 50_000, on=ALLOTTED)
    ask = lambda: services.request_withdrawal(org, m, 50_000, on=date(2026, 1, 5))  # noqa: E731
    errors, refused = _race(ask, ask)
    assert errors == [] and len(refused) == 1
    assert WithdrawalRequest.objects.filter(member=m).count() == 1


@pg_only
@pytest.mark.django_db(transaction=True)
def test_two_racing_payment_rounds_pay_each_request_once():
    org = found()
    members = make_members(org, 4)
    for m in members:
        services.record_movement(org, m, "allotment", 50_000, on=ALLOTTED)
        services.request_withdrawal(org, m, 500, on=date(2026, 1, 5))
    pay = lambda: services.pay_withdrawals(org, on=date(2026, 9, 1))  # noqa: E731
    errors, _ = _race(pay, pay)
    assert errors == []
    paid = Movement.objects.filter(organisation=org, kind="withdrawal")
    assert sorted(paid.values_list("amount_pence", flat=True)) == [-500] * 4
    assert services.verify_ledger(org) == []


@pg_only
@pytest.mark.django_db(transaction=True)
def test_an_application_racing_the_close_is_either_refused_or_allotted_never_lost():
    org = found()
    offer = _offer(org)
    members = make_members(org, 2)
    services.apply(offer, members[0], 300, at=APPLIED)
    late = lambda: services.apply(offer, members[1], 300, at=APPLIED)  # noqa: E731
    close = lambda: services.close_offer(offer, on=date(2025, 6, 2))  # noqa: E731
    errors, _ = _race(late, close)
    assert errors == []
    offer.refresh_from_db()
    assert offer.state == ShareOffer.State.ALLOTTED
    for a in OfferApplication.objects.filter(offer=offer):
        assert (
            a.allotted_shares is not None and a.allotted_shares * 100 + a.refunded_pence == 30_000
        )


@pg_only
@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_request_racing_an_offer_close_keeps_the_ledger_balanced():
    org = found()
    offer = _offer(org)
    (m,) = make_members(org, 1)
    services.record_movement(org, m, "allotment", 50_000, on=ALLOTTED)
    services.apply(offer, m, 1_000, at=APPLIED)
    ask = lambda: services.request_withdrawal(org, m, 50_000, on=date(2025, 6, 2))  # noqa: E731
    close = lambda: services.close_offer(offer, on=date(2025, 6, 2))  # noqa: E731
    errors, _ = _race(ask, close)
    assert errors == [] and services.verify_ledger(org) == []
    assert ShareAccount.objects.get(member=m).balance_pence == 150_000


# --- withdrawals -------------------------------------------------------------------------


def test_a_holding_cancelled_after_its_request_does_not_block_everyone_elses_payment(energy):
    ann, bob = make_members(energy, 2)
    for m in (ann, bob):
        services.record_movement(energy, m, "allotment", 50_000, on=ALLOTTED)
        services.request_withdrawal(energy, m, 50_000, on=date(2026, 1, 5))
    services.record_movement(energy, ann, "cessation", 50_000, on=date(2026, 1, 6))
    services.pay_withdrawals(energy, on=date(2026, 9, 1))
    assert WithdrawalRequest.objects.get(member=bob).paid_pence > 0
    lapsed = WithdrawalRequest.objects.get(member=ann)  # lapsed with the cessation, audited
    assert (lapsed.state, lapsed.lapsed_pence, lapsed.paid_pence) == ("lapsed", 50_000, 0)
    assert "cessation" in lapsed.lapse_reason


# --- interest ----------------------------------------------------------------------------


def test_interest_periods_that_touch_are_both_posted_and_one_day_of_overlap_is_refused(energy):
    (m,) = make_members(energy, 1)
    services.record_movement(energy, m, "allotment", 100_000, on=date(2023, 6, 1))
    rate = Fraction(3, 100)
    services.post_interest(energy, rate, date(2024, 1, 1), date(2024, 12, 31))
    with pytest.raises(StakeError, match="shares days"):
        services.post_interest(energy, rate, date(2024, 12, 31), date(2025, 12, 30))
    services.post_interest(energy, rate, date(2025, 1, 1), date(2025, 12, 31))
    credited = Movement.objects.filter(kind="interest").values_list("amount_pence", flat=True)
    assert list(credited) == [3000, 3090]  # the second year on 1,030.00
    assert services.verify_ledger(energy) == []


@pytest.mark.parametrize(
    ("start", "end"),
    [(date(2025, 1, 1), date(2025, 12, 31)), (date(2023, 7, 1), date(2025, 6, 30))],
)
def test_members_joining_and_leaving_inside_the_period_earn_exactly_their_days(energy, start, end):
    rng = random.Random(16)
    members = make_members(energy, 9)
    moves = {}
    for m in members:
        joined = date.fromordinal(start.toordinal() + rng.randrange(-30, 300))
        held = rng.randrange(250, 2_000) * 100
        services.record_movement(energy, m, "allotment", held, on=joined)
        moves[m.number] = [money.Movement(joined, held)]
        if rng.random() < 0.6:
            left = date.fromordinal(joined.toordinal() + rng.randrange(1, 200))
            services.record_movement(energy, m, "cessation", held, on=left)
            moves[m.number].append(money.Movement(left, -held))
    rate = Fraction(37, 1000)
    preview = services.preview_interest(energy, rate, start, end)
    total, parts = money.interest(moves, rate, start, end)
    assert (preview.total_pence, preview.by_member) == (total, parts)
    assert sum(preview.by_member.values()) == preview.total_pence
    exact = sum(
        rate * money.pence_days(mv, first, last) / days
        for mv in moves.values()
        for first, last, days in money.interest_years(start, end)
    )
    assert 0 <= exact - preview.total_pence < 1  # rounded down once, for the whole run


def test_a_member_who_joins_and_leaves_on_the_same_day_earns_nothing(energy):
    ann, bob = make_members(energy, 2)
    services.record_movement(energy, ann, "allotment", 100_000, on=date(2025, 3, 3))
    services.record_movement(energy, ann, "cessation", 100_000, on=date(2025, 3, 3))
    services.record_movement(energy, bob, "allotment", 100_000, on=date(2024, 3, 3))
    preview = services.preview_interest(energy, Fraction(3, 100), date(2025, 1, 1),
                                        date(2025, 12, 31))  # fmt: skip
    assert preview.by_member == {bob.number: 3000}


# --- offers: scaling with odd numbers ------------------------------------------------------


def test_pro_rata_and_priority_groups_never_allot_more_than_offered_or_asked():
    rng = random.Random(1616)
    for _ in range(400):
        apps = [
            money.Application(i, rng.randrange(1, 40), rng.randrange(0, 3))
            for i in range(rng.randrange(1, 12))
        ]
        available = rng.randrange(0, 200)
        for policy in ("pro-rata", "priority", "first-come-first-served"):
            out = money.scale_offer(apps, available, policy)
            asked = sum(a.shares for a in apps)
            assert sum(out.values()) == min(available, asked), (policy, apps, available)
            assert all(0 <= out[a.key] <= a.shares for a in apps)
        scaled = money.scale_offer(apps, available, "priority")
        for a in apps:  # a later group gets nothing until every earlier group is met in full
            if scaled[a.key] and a.priority:
                assert all(scaled[b.key] == b.shares for b in apps if b.priority < a.priority)


@pytest.mark.parametrize("policy", ["pro-rata", "priority", "first-come-first-served"])
def test_an_oversubscribed_close_keeps_every_penny(energy, policy):
    offer = _offer(energy, policy=policy, maximum=1_000_000, kind="time-bound")  # 10,000 shares
    members = make_members(energy, 7)
    for i, m in enumerate(members):
        services.apply(offer, m, 1_001 + 333 * i, at=APPLIED, priority=i % 3)
    services.close_offer(offer, on=date(2025, 6, 2))
    apps = list(OfferApplication.objects.filter(offer=offer))
    assert sum(a.allotted_shares for a in apps) == 10_000
    nominal = energy.constitution.shares.nominal_value_pence
    assert all(a.allotted_shares * nominal + a.refunded_pence == a.paid_pence for a in apps)
    held = ShareAccount.objects.filter(organisation=energy).values_list("balance_pence", flat=True)
    assert sum(held) == 1_000_000 and services.verify_ledger(energy) == []


# --- the asset lock ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["co-operative-body", "company", "ltd", ""])
def test_an_asset_transfer_to_a_non_locked_or_unknown_body_is_refused(energy, kind):
    with pytest.raises(StakeError, match="refused"):
        services.transfer_assets(
            energy, recipient_kind=kind, recipient_name="Acme Ltd", amount_pence=100,
            on=date(2025, 5, 1), purpose="sale",
        )  # fmt: skip


def _cic():
    return found("public-service-mutual", "cic")


def test_a_rule_change_raising_a_cics_dividend_cap_is_refused_at_adoption(db):
    cic = _cic()
    text = cic.current_version.source_text.replace("dividend_cap: 35%", "dividend_cap: 90%")
    text = text.replace("at_most: 35%", "at_most: 90%")
    assert "dividend_cap: 90%" in text
    with pytest.raises(register.OrganisationError, match="dividend cap"):
        register.adopt_constitution(cic, text=text, source_name="amended.yaml", actor="test",
                                    reason="SR 7")  # fmt: skip
    assert cic.constitution_versions.count() == 1


def test_a_rule_change_widening_a_cics_recipients_is_refused(db):
    cic = _cic()
    text = cic.current_version.source_text.replace(
        "charity]", "charity, co-operative-body]"
    )  # fmt: skip
    assert "co-operative-body]" in text
    with pytest.raises((register.OrganisationError, RulebookError), match="cannot pass assets"):
        register.adopt_constitution(cic, text=text, source_name="amended.yaml", actor="test",
                                    reason="SR 7")  # fmt: skip


# --- roles and other organisations through HTTP -------------------------------------------


def _user(name):
    return get_user_model().objects.create_user(name, password="x")


def _member_user(org, name="ann", pence=50_000):
    user = _user(name)
    (member,) = make_members(org, 1)
    Member.objects.filter(pk=member.pk).update(user=user)
    member.refresh_from_db()
    services.record_movement(org, member, "allotment", pence, on=ALLOTTED)
    return user, member


def test_an_officer_of_another_organisation_cannot_reach_this_register(client, energy):
    other = found("community-benefit-society", "other-society")
    officer = _user("sec")
    register.grant_role(other, officer, Role.Kind.OFFICER, actor="test")
    client.force_login(officer)
    client.raise_request_exception = False
    for query in ("", "?format=csv", "?duplicate=1&format=csv"):
        assert client.get(f"/o/sunny-energy/shares/register/{query}").status_code == 403
    assert client.get("/o/other-society/shares/register/").status_code == 200


def test_a_member_of_this_organisation_cannot_export_the_register(client, energy):
    user, _ = _member_user(energy)
    client.force_login(user)
    client.raise_request_exception = False
    assert client.get("/o/sunny-energy/shares/register/?format=csv").status_code == 403


@pytest.mark.parametrize(
    "page",
    ["", "withdraw/", "nominate/", "register/", "statements/2025.pdf", "certificates/1.pdf"],
)
def test_every_private_stake_page_sends_a_stranger_to_sign_in(client, energy, page):
    client.raise_request_exception = False
    answer = client.get(f"/o/sunny-energy/shares/{page}")
    assert answer.status_code == 302 and "login" in answer["Location"]


def test_another_members_certificate_and_request_are_not_found(client, energy):
    _, ann = _member_user(energy, "ann")
    bob_user, _ = _member_user(energy, "bob")
    asked = services.request_withdrawal(energy, ann, 50_000, on=date(2026, 1, 5))
    allotment = Movement.objects.get(account__member=ann)
    client.force_login(bob_user)
    client.raise_request_exception = False
    assert client.get(f"/o/sunny-energy/shares/certificates/{allotment.pk}.pdf").status_code == 404
    assert client.post(f"/o/sunny-energy/shares/withdraw/{asked.pk}/cancel").status_code == 404
    asked.refresh_from_db()
    assert asked.state == WithdrawalRequest.State.WAITING


def test_a_member_of_another_organisation_cannot_apply_here(client, energy):
    offer = services.open_offer(
        energy, title="Now", opens_on=date(2020, 1, 1), closes_on=date(2099, 1, 1),
        minimum_pence=100, optimum_pence=100, maximum_pence=100_000, policy="pro-rata",
        kind="open",
    )  # fmt: skip
    other = found("community-benefit-society", "other-society")
    user, _ = _member_user(other)
    client.force_login(user)
    client.raise_request_exception = False
    answer = client.post(f"/o/sunny-energy/shares/offers/{offer.pk}/", {"shares": "10"})
    assert answer.status_code == 302 and not OfferApplication.objects.exists()


# --- bad input on the forms and files ------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["", "abc", "-5", "1e5", "0.001", "9" * 40, "£", "0", "\u00b2", "12.345", "NaN"]
)
def test_the_withdrawal_form_answers_bad_amounts_with_a_form_error(client, energy, typed):
    user, _ = _member_user(energy)
    client.force_login(user)
    client.raise_request_exception = False
    answer = client.post("/o/sunny-energy/shares/withdraw/", {"amount": typed})
    assert answer.status_code == 400
    assert not WithdrawalRequest.objects.exists()


@pytest.mark.parametrize("typed", ["", "-3", "9" * 40, "1.5", "0", " 12 x", "\u0663"])
def test_the_offer_form_answers_bad_share_counts_with_a_form_error(client, energy, typed):
    offer = services.open_offer(
        energy, title="Now", opens_on=date(2020, 1, 1), closes_on=date(2099, 1, 1),
        minimum_pence=100, optimum_pence=100, maximum_pence=100_000, policy="pro-rata",
        kind="open",
    )  # fmt: skip
    user, _ = _member_user(energy)
    client.force_login(user)
    client.raise_request_exception = False
    answer = client.post(f"/o/sunny-energy/shares/offers/{offer.pk}/", {"shares": typed})
    assert answer.status_code in (200, 400)
    assert 'id="id_shares"' in answer.content.decode() or "id_shares" in answer.content.decode()
    assert not OfferApplication.objects.exists()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("Membership number,Gross pay\n1,-100.00\n", "row 2, 'Gross pay'"),
        ("Membership number,Gross pay\n1,100.00\nx,5\n", "row 3, 'Membership number'"),
        ("Membership number,Gross pay\n1,100.00\n1,5.00\n", "row 3: member 1 is listed twice"),
        ("Membership number,Gross pay\n1,1.5\n", "row 2, 'Gross pay'"),
        ("Membership number,Gross pay\n1\n", "row 2, 'Gross pay'"),
        ("Number,Pay\n1,1.00\n", "needs the columns 'Membership number' and 'Gross pay'"),
        ("", "needs the columns"),
    ],
)
def test_a_bad_payroll_file_names_the_row_and_column(text, says):
    with pytest.raises(StakeError, match=re.escape(says)):
        read_amounts(text, "Gross pay", "payroll")


def test_a_payroll_naming_someone_not_on_the_register_is_a_clear_error(db):
    jlp = found("employee-owned-partnership", "partners")
    make_members(jlp, 2)
    with pytest.raises(StakeError, match="not on the register: 99"):
        services.preview_surplus(
            jlp, year_ending=date(2026, 1, 31), surplus_pence=10_000,
            pots={"equal-percentage-of-pay": 5_000},
            payroll="Membership number,Gross pay\n1,100.00\n99,50.00\n",
        )  # fmt: skip


OPENING = """Member ID,Name,DOB,Address,Postcode,Email,Shares
B1,Ann Abbot,1980-01-01,1 High Street,NE1 1AB,ann@example.org,-300
B2,Bob Baker,1981-02-02,2 High Street,NE1 2AB,bob@example.org,2.5
B3,Cat Cole,1982-03-03,3 High Street,NE1 3AB,cat@example.org,{big}
B4,Dan Dale,1983-04-04,4 High Street,NE1 4AB,dan@example.org,=1+1
B5,Eve Ede,1984-05-05,5 High Street,NE1 5AB,eve@example.org,\u00b3
B6,Fay Fox,1985-06-06,6 High Street,NE1 6AB,fay@example.org,300
""".replace("{big}", "9" * 30)


def test_bad_opening_balances_are_row_errors_on_the_shares_column(energy):
    batch, result = register.accept_import(energy, OPENING.encode(), "members.csv",
                                           on=date(2025, 4, 1))  # fmt: skip
    problems = {p.row: p.column for p in result.problems}
    assert problems == {2: "Shares", 3: "Shares", 4: "Shares", 5: "Shares", 6: "Shares"}
    assert dict(ShareAccount.objects.values_list("member__external_ref", "balance_pence")) == {
        "B6": 30_000
    }


# --- the register exports -----------------------------------------------------------------


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\")", "+44 1", "-2+3", "@SUM(A1)",
                                  "\t=1+1", "\r=1"])  # fmt: skip
def test_formula_cells_in_the_register_exports_are_neutralised(energy, cell):
    (m,) = make_members(energy, 1)
    Member.objects.filter(pk=m.pk).update(display_name=cell, address=cell, postcode=cell[:10])
    services.record_movement(energy, m, "allotment", 25_000, on=ALLOTTED)
    for duplicate in (False, True):
        rows = list(exports.register_rows(energy, duplicate=duplicate))
        assert not any(str(v).startswith(("=", "+", "-", "@", "\t", "\r")) for v in rows[1])
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(exports.register_xlsx(energy)))
    values = [c.value for c in next(book.active.iter_rows(min_row=2, max_row=2))]
    assert all(not str(v).startswith("=") for v in values)


# --- the command line ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["shares", "interest", "--org", "sunny-energy", "--rate", "abc", "--period",
         "2025-01-01:2025-12-31"],
        ["shares", "interest", "--org", "sunny-energy", "--rate", "3%", "--period",
         "2025-02-30:2025-12-31"],
        ["shares", "interest", "--org", "sunny-energy", "--rate", "3%", "--period", "2025"],
        ["shares", "interest", "--org", "sunny-energy", "--rate", "99%", "--period",
         "2025-01-01:2025-12-31"],
        ["shares", "interest", "--org", "nobody", "--rate", "3%", "--period",
         "2025-01-01:2025-12-31"],
        ["shares", "register", "--org", "nobody"],
        ["shares", "offer", "apply", "--org", "sunny-energy", "--offer", "999", "--member", "1",
         "--shares", "5"],
        ["shares", "offer", "close", "--org", "sunny-energy", "--offer", "999", "--on",
         "2025-06-02"],
        ["shares", "withdrawals", "--org", "sunny-energy", "--on", "yesterday"],
        ["shares", "surplus", "--org", "sunny-energy", "--year-ending", "2026-01-31",
         "--surplus", "ten"],
    ],
)  # fmt: skip
def test_the_shares_command_answers_bad_input_with_a_message_not_a_traceback(energy, argv,
                                                                             capsys):  # fmt: skip
    make_members(energy, 1)
    assert main(argv) != 0
    err = capsys.readouterr().err
    assert err.strip() and "Traceback" not in err


def test_the_command_line_refuses_a_negative_application(energy, capsys):
    offer = _offer(energy)
    make_members(energy, 1)
    code = main(["shares", "offer", "apply", "--org", "sunny-energy", "--offer", str(offer.pk),
                 "--member", "1", "--shares", "-5"])  # fmt: skip
    assert code != 0 and capsys.readouterr().err.strip()
    assert not OfferApplication.objects.exists()
