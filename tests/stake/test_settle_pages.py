"""The officer's pages settling a member's shares on death or bankruptcy (stake/settle_pages.py):
found on the member's entry by who keeps the register while the member holds shares, a check
of what goes to the nominee and to the personal representatives before paying, each refusal
in words at its field, 403 and no form for anyone else (an install's superuser with no role
here too), a form sent twice paying once, the membership ending on death and each payment named
for what it was in the movements."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from stake_helpers import found, make_members

from mutualise.audit.models import AuditEvent
from mutualise.register import services as register
from mutualise.register.models import Member, Role, StatusChange
from mutualise.stake.documents import statement
from mutualise.stake.models import AssetTransfer, Movement, ShareAccount
from mutualise.stake.services import nominate, record_movement

pytestmark = pytest.mark.django_db
ENTRY = "/o/sunny-energy/shares/register/{}/"
DEATH = ENTRY + "death/"
BANKRUPTCY = ENTRY + "bankruptcy/"
DIED, PAID = date(2025, 2, 1), date(2025, 3, 1)


def _day(name, day):
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month),
            f"{name}_year": str(day.year)}  # fmt: skip


def _held(member):
    return ShareAccount.objects.get(member=member).balance_pence


@pytest.fixture
def energy(db):
    """Ann holds £8,000 and nominated Alex; Bob holds £500; Cat holds nothing."""
    org = found()
    users = get_user_model().objects
    officer, board = users.create_user("sec"), users.create_user("director")
    register.grant_role(org, officer, Role.Kind.OFFICER, actor="test")
    register.grant_role(org, board, Role.Kind.BOARD, actor="test")
    ann, bob, cat = make_members(org, 3)
    record_movement(org, ann, "allotment", 800_000, on=date(2022, 1, 3))
    record_movement(org, bob, "allotment", 50_000, on=date(2022, 1, 3))
    nominate(org, ann, nominee_name="Alex", nominee_address="3 Mill Lane",
             made_on=date(2023, 1, 1))  # fmt: skip
    return SimpleNamespace(org=org, officer=officer, board=board, ann=ann, bob=bob, cat=cat)


def test_the_entry_offers_both_pages_to_the_keeper_while_the_member_holds_shares(client, energy):
    client.force_login(energy.officer)
    page = client.get(ENTRY.format(1)).content.decode()
    assert 'id="settle"' in page and DEATH.format(1) in page and BANKRUPTCY.format(1) in page
    assert 'id="settle"' not in client.get(ENTRY.format(3)).content.decode()  # Cat holds none
    nothing = client.get(DEATH.format(3)).content.decode()
    assert 'id="nothing"' in nothing and 'name="died_on_day"' not in nothing
    client.force_login(energy.board)  # sees the register, may not keep it
    assert 'id="settle"' not in client.get(ENTRY.format(1)).content.decode()


def test_a_deceased_members_shares_go_to_the_nominee_and_the_estate_once(client, energy):
    client.force_login(energy.officer)
    dates = {**_day("died_on", DIED), **_day("paid_on", PAID)}
    check = client.post(DEATH.format(1), dates)
    page = check.content.decode()
    assert check.status_code == 200 and "To the nominee, Alex" in page
    assert '"to-nominee">£5,000.00' in page and '"to-estate">£3,000.00' in page
    assert _held(energy.ann) == 800_000  # the check pays nothing
    assert "ends their membership on the date of death" in page
    back = client.post(DEATH.format(1), {**dates, "action": "change", "shown": "800000"})
    back_page = back.content.decode()  # "Change the dates" keeps the dates typed
    assert back.status_code == 200 and 'id="check"' not in back_page
    assert 'name="died_on_year" type="text" inputmode="numeric" value="2025"' in back_page
    assert 'name="paid_on_month" type="text" inputmode="numeric" value="3"' in back_page
    assert _held(energy.ann) == 800_000
    paying = {**dates, "action": "pay", "shown": "800000"}
    done = client.post(DEATH.format(1), paying, follow=True)
    page = done.content.decode()
    assert done.redirect_chain[-1][0] == ENTRY.format(1)
    assert "shares are settled: £5,000.00 to Alex and £3,000.00 to the personal" in page
    assert "Their membership ended on 1 February 2025, the date of death." in page
    assert page.count("Paid out on death") == 2 and 'id="settle"' not in page
    assert "The movements on one share account" not in page  # a comment, not text
    assert 'govuk-table__cell--numeric mutualise-nowrap">-£5,000.00<' in page
    assert _held(energy.ann) == 0
    energy.ann.refresh_from_db()  # membership ends on death, on the date of death
    assert (energy.ann.status, energy.ann.ceased_on) == (Member.Status.CEASED, DIED)
    assert energy.ann.history.last().reason == StatusChange.Reason.DIED
    assert AuditEvent.objects.filter(action="member.ceased").count() == 1
    assert AuditEvent.objects.filter(action="shares.settled_on_death").count() == 1
    again = client.post(DEATH.format(1), paying)  # the same form sent twice
    assert again.status_code == 400
    assert "Member 1 holds no shares to settle" in again.content.decode()
    assert AssetTransfer.objects.filter(member=energy.ann).count() == 2


def test_without_a_nomination_everything_goes_to_the_personal_representatives(client, energy):
    client.force_login(energy.officer)
    dates = {**_day("died_on", DIED), **_day("paid_on", PAID)}
    page = client.post(DEATH.format(2), dates).content.decode()
    assert "No nomination was in force" in page and '"to-estate">£500.00' in page
    assert "To the nominee" not in page
    admin = get_user_model().objects.create_user("admin")  # keeps the shares, not the members
    register.grant_role(energy.org, admin, Role.Kind.ADMINISTRATOR, actor="test")
    client.force_login(admin)
    done = client.post(DEATH.format(2), {**dates, "action": "pay", "shown": "50000"}, follow=True)
    page = done.content.decode()
    assert "£500.00 to the personal representatives" in page and _held(energy.bob) == 0
    assert "Their membership is still current: the membership secretary should end it" in page
    assert "/o/sunny-energy/members/2/" in page
    energy.bob.refresh_from_db()
    assert energy.bob.is_member and not AuditEvent.objects.filter(action="member.ceased").exists()


def test_a_bankrupt_members_shares_are_paid_to_the_trustee_once_after_a_check(client, energy):
    users = get_user_model().objects
    bob = users.create_user("bob")
    Member.objects.filter(pk=energy.bob.pk).update(user=bob)
    client.force_login(energy.officer)
    form = client.get(BANKRUPTCY.format(2)).content.decode()
    assert 'name="shown" value="50000"' in form
    sent = {**_day("adjudged_on", DIED), **_day("paid_on", PAID), "trustee": "Tess Rustee",
            "amount": "200", "shown": "50000"}  # fmt: skip
    check = client.post(BANKRUPTCY.format(2), sent)
    page = check.content.decode()
    assert check.status_code == 200 and "To the trustee in bankruptcy, Tess Rustee" in page
    assert '"to-trustee">£200.00' in page and '"left">£300.00' in page
    assert 'name="trustee" value="Tess Rustee"' in page and 'value="pay"' in page
    assert _held(energy.bob) == 50_000  # the check pays nothing
    back = client.post(BANKRUPTCY.format(2), {**sent, "action": "change"}).content.decode()
    assert 'id="check"' not in back and 'id="id_trustee" name="trustee"' in back
    assert 'value="Tess Rustee"' in back and 'value="200"' in back  # the details kept
    paying = {**sent, "action": "pay"}
    done = client.post(BANKRUPTCY.format(2), paying, follow=True)
    page = done.content.decode()
    assert "£200.00 of Member 2&#x27;s shares paid to Tess Rustee" in page
    assert "-£200.00 of" not in page  # the amount paid, not the ledger's sign
    assert "They now hold £300.00" in page and "Paid to the trustee in bankruptcy" in page
    assert "Withdrawn" not in page
    assert _held(energy.bob) == 30_000
    again = client.post(BANKRUPTCY.format(2), paying)  # the checked payment sent again
    assert again.status_code == 400
    assert "holding changed since the page was shown (£500.00 then, £300.00 now)" in (
        again.content.decode()
    )
    assert _held(energy.bob) == 30_000
    rest = client.post(BANKRUPTCY.format(2), {**paying, "amount": "", "shown": "30000"})
    assert rest.status_code == 302 and _held(energy.bob) == 0
    assert AuditEvent.objects.filter(action="shares.settled_on_bankruptcy").count() == 2
    assert list(AssetTransfer.objects.filter(member=energy.bob).values_list(
        "recipient_name", "amount_pence").order_by("id")) == [("Tess Rustee", 20_000),
                                                             ("Tess Rustee", 30_000)]  # fmt: skip
    assert set(Movement.objects.filter(account__member=energy.bob, amount_pence__lt=0)
               .values_list("kind", flat=True)) == {"bankruptcy"}  # fmt: skip
    client.force_login(bob)  # the member's own page and statement name it too
    own = client.get("/o/sunny-energy/shares/").content.decode()
    assert own.count("Paid to the trustee in bankruptcy") == 2 and "Withdrawn" not in own
    rows = statement(energy.org, energy.bob, date(2024, 4, 1), date(2025, 12, 31)).rows
    assert [r[1] for r in rows] == ["Paid to the trustee in bankruptcy"] * 2


FUTURE = date(2999, 12, 31)  # to come on any clock, the demo's too
DEATH_REFUSALS = [
    ({}, "id_died_on_day", "Enter the date of death"),
    ({"died_on_day": "31", "died_on_month": "2", "died_on_year": "2025"}, "id_died_on_day",
     "The date of death must be a real date"),
    ({"died_on_day": "²"}, "id_died_on_day", "must be a real date in figures"),
    (_day("died_on", date(1066, 10, 14)), "id_died_on_day", "must be in 1900 or later"),
    ({**_day("died_on", DIED), **_day("paid_on", FUTURE)}, "id_paid_on_day",
     "The date the shares are paid must be today or in the past"),
    ({**_day("died_on", PAID), **_day("paid_on", DIED)}, "id_paid_on_day",
     "must be on or after the date of death"),
    ({**_day("died_on", date(1999, 1, 1)), **_day("paid_on", PAID)}, "id_died_on_day",
     "must be on or after the day they became a member"),  # at the check, before paying
    ({**_day("died_on", DIED), **_day("paid_on", PAID), "action": "pay"}, "held",
     "did not say which holding it was shown"),
    ({**_day("died_on", DIED), **_day("paid_on", PAID), "action": "pay", "shown": "1"}, "held",
     "holding changed since the page was shown (£0.01 then, £8,000.00 now)"),
]  # fmt: skip
GOOD = {**_day("adjudged_on", DIED), **_day("paid_on", PAID), "trustee": "Tess", "shown": "800000"}
BANKRUPTCY_REFUSALS = [
    ({**GOOD, "trustee": " "}, "id_trustee", "Enter the name of the trustee in bankruptcy"),
    ({**GOOD, "trustee": "T" * 201}, "id_trustee", "at most 200 characters"),
    ({**GOOD, "amount": "lots"}, "id_amount", "Enter the amount in pounds"),
    ({**GOOD, "amount": "0"}, "id_amount", "more than £0"),
    ({**GOOD, "amount": "9000"}, "id_amount", "The amount must be £8,000.00 or less"),
    ({**GOOD, "shown": "1"}, "held",
     "holding changed since the page was shown (£0.01 then, £8,000.00 now)"),
    ({**GOOD, **_day("adjudged_on", PAID), **_day("paid_on", DIED)}, "id_paid_on_day",
     "must be on or after the date of the bankruptcy order"),
    ({**GOOD, "adjudged_on_year": "99999"}, "id_adjudged_on_day", "must be a real date"),
    ({**GOOD, "shown": ""}, "held", "did not say which holding it was shown"),
]  # fmt: skip


def test_each_refusal_says_what_and_where_and_pays_nothing(client, energy):
    """One organisation for every case (a refusal changes nothing), so the cases are a loop."""
    client.force_login(energy.officer)
    cases = [(DEATH, *c) for c in DEATH_REFUSALS] + [(BANKRUPTCY, *c) for c in BANKRUPTCY_REFUSALS]
    for url, sent, anchor, words in cases:
        answer = client.post(url.format(1), sent)
        page = answer.content.decode().replace("&#x27;", "'")
        title = page.replace("\n", "").replace("<title> ", "<title>")
        assert answer.status_code == 400 and "<title>Error:" in title, (url, sent)
        assert words in page, (words, page[:3000])
        assert f'href="#{anchor}"' in page and f'id="{anchor}' in page, (anchor, sent)
    assert _held(energy.ann) == 800_000 and not AssetTransfer.objects.exists()


def test_a_nul_character_is_refused_in_words(client, energy):
    client.force_login(energy.officer)
    answer = client.post(BANKRUPTCY.format(1), {**GOOD, "trustee": "Tess\x00"})
    assert answer.status_code == 400 and "NUL character" in answer.content.decode()
    assert _held(energy.ann) == 800_000


def test_who_may_not_keep_the_register_gets_403_and_no_form(client, energy):
    users = get_user_model().objects
    member = users.create_user("ann")
    Member.objects.filter(pk=energy.ann.pk).update(user=member)
    elsewhere = users.create_user("other-sec")  # the officer of another organisation
    register.grant_role(found(slug="other-energy"), elsewhere, Role.Kind.OFFICER, actor="test")
    paying = {**GOOD, **_day("died_on", DIED), "action": "pay"}
    root = users.create_superuser("root")  # the install's, with no role here
    for who in (member, energy.board, elsewhere, root):
        client.force_login(who)
        for url in (DEATH, BANKRUPTCY):
            for answer in (client.get(url.format(1)), client.post(url.format(1), paying)):
                page = answer.content.decode()
                assert answer.status_code == 403, (who, url)
                assert 'name="paid_on_day"' not in page and 'name="shown"' not in page
                assert "£8,000.00" not in page and energy.ann.display_name not in page
    assert client.get(ENTRY.format(1)).status_code == 403  # root, as on the entry
    register.grant_role(energy.org, root, Role.Kind.BOARD, actor="test")
    assert 'id="settle"' not in client.get(ENTRY.format(1)).content.decode()  # sees, may not pay
    client.force_login(energy.officer)
    assert client.get(DEATH.format(99)).status_code == 404  # no such member here
    assert client.get("/o/other-energy/shares/register/1/death/").status_code == 403
    client.logout()
    assert client.get(DEATH.format(1)).status_code == 302  # to sign in
    assert _held(energy.ann) == 800_000 and not Movement.objects.filter(kind="death").exists()
