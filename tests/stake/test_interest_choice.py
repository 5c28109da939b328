"""Interest "paid or credited as the member chose" (issue 16 item 4): the rulebook says whether
members may choose and the default; the member chooses on their account page, an officer for
them; posting pays out the parts chosen paid and credits the rest, the total exact."""

from datetime import date
from fractions import Fraction

import pytest
from django.contrib.auth import get_user_model
from stake_helpers import make_members

from mutualise.audit.models import AuditEvent
from mutualise.constitution import model_path
from mutualise.constitution.explain import explain
from mutualise.constitution.load import load_text
from mutualise.register import services as register
from mutualise.register.models import Member, Role
from mutualise.stake import services
from mutualise.stake.models import InterestPayment, Movement, ShareAccount
from mutualise.stake.services import StakeError

YEAR = (date(2025, 1, 1), date(2025, 12, 31))
RATE = Fraction(3, 100)


def _energy(choice: str, slug: str = "choosing"):
    text = model_path("community-energy-coop").read_text()
    assert text.count("shares:\n") == 1
    text = text.replace("shares:\n", f"shares:\n  interest_choice: {choice}\n")
    return register.create_organisation(name=slug, constitution_text=text,
                                        source_name=f"{slug}.yaml", actor="test", slug=slug)  # fmt: skip


def _holders(org, count=4):
    members = make_members(org, count)
    for i, m in enumerate(members):
        # Joining on different days, so the parts have fractions of a penny to place.
        services.record_movement(org, m, "allotment", 10_000 * (i + 1), on=date(2025, 2 + i, 7))
    return members


def _split(run):
    credited = dict(
        Movement.objects.filter(reference=f"interest-run-{run.pk}").values_list(
            "account__member__number", "amount_pence"
        )
    )
    paid = dict(
        InterestPayment.objects.filter(run=run).values_list("member__number", "amount_pence")
    )
    return credited, paid


@pytest.fixture
def choosing(db):
    return _energy("{members_may_choose: true}")


def test_members_who_chose_paid_are_paid_the_rest_credited_the_total_exact(choosing):
    a, b, c, d = _holders(choosing)
    services.choose_interest(choosing, b, "pay", actor="secretary")
    services.choose_interest(choosing, d, "pay", actor="secretary")
    services.choose_interest(choosing, c, "credit", actor="secretary")
    run, preview = services.post_interest(choosing, RATE, *YEAR)
    credited, paid = _split(run)
    # 3% on 10,000p x 328 days + 20,000p x 300 + 30,000p x 269 + 40,000p x 239, over 365:
    # 2,211.78p, floored to 2,211p and split by largest remainder, as without a choice (the
    # choice only routes the parts).
    assert preview.total_pence == 2211
    assert preview.by_member == {1: 270, 2: 493, 3: 663, 4: 785}
    assert set(credited) == {1, 3} and set(paid) == {2, 4}
    assert {**credited, **paid} == preview.by_member
    assert sum(credited.values()) + sum(paid.values()) == preview.total_pence == run.total_pence
    assert preview.total_pence == sum(preview.by_member.values())
    assert ShareAccount.objects.get(member=b).balance_pence == 20_000  # paid: holding unchanged
    assert ShareAccount.objects.get(member=a).balance_pence == 10_000 + credited[1]
    assert services.verify_ledger(choosing) == []
    assert services.posted_digest(run) == preview.digest()


def test_the_rulebooks_default_decides_for_members_who_have_not_chosen(db):
    paying = _energy("{members_may_choose: true, default: pay}", "paying")
    a, b, *_ = _holders(paying)
    services.choose_interest(paying, a, "credit", actor="secretary")
    credited, paid = _split(services.post_interest(paying, RATE, *YEAR)[0])
    assert set(credited) == {1} and set(paid) == {2, 3, 4}


def test_without_a_choice_in_the_rules_a_stored_choice_is_not_read(db):
    fixed = _energy("{default: pay}", "fixed")
    members = _holders(fixed)
    ShareAccount.objects.filter(member=members[0]).update(interest_choice="credit")
    with pytest.raises(StakeError, match="no choice of interest"):
        services.choose_interest(fixed, members[1], "credit", actor="secretary")
    credited, paid = _split(services.post_interest(fixed, RATE, *YEAR)[0])
    assert credited == {} and set(paid) == {1, 2, 3, 4}


def test_an_existing_rulebook_credits_as_before(db):
    org = register.create_from_model(model="community-energy-coop", name="Old", slug="old",
                                     actor="test")  # fmt: skip
    assert not org.constitution.shares.interest_choice.members_may_choose
    _holders(org)
    credited, paid = _split(services.post_interest(org, RATE, *YEAR)[0])
    assert set(credited) == {1, 2, 3, 4} and paid == {}


def test_a_choice_of_credit_past_the_maximum_is_still_paid(choosing):
    (m,) = make_members(choosing, 1)
    services.record_movement(choosing, m, "allotment", 10_000_000, on=date(2024, 1, 1))
    services.choose_interest(choosing, m, "credit", actor="secretary")
    credited, paid = _split(services.post_interest(choosing, RATE, *YEAR)[0])
    assert credited == {} and paid == {1: 300_000}


def test_who_may_choose_for_whom(choosing):
    ann_user = get_user_model().objects.create_user("ann")
    officer = get_user_model().objects.create_user("sec")
    register.grant_role(choosing, officer, Role.Kind.OFFICER, actor="test")
    ann, bob = _holders(choosing, 2)
    Member.objects.filter(pk=ann.pk).update(user=ann_user)
    ann.refresh_from_db()
    services.choose_interest(choosing, ann, "pay", actor=ann_user)  # her own
    with pytest.raises(StakeError, match="may not record a member's interest choice"):
        services.choose_interest(choosing, bob, "pay", actor=ann_user)
    services.choose_interest(choosing, bob, "pay", actor=officer)  # for him
    with pytest.raises(StakeError, match="is not 'pay', 'credit'"):
        services.choose_interest(choosing, bob, "cash", actor=officer)
    assert dict(ShareAccount.objects.values_list("member__number", "interest_choice")) == {
        1: "pay",
        2: "pay",
    }
    events = AuditEvent.objects.filter(action="shares.interest_chosen")
    assert [(e.actor, e.data["member"]) for e in events.order_by("id")] == [("ann", 1), ("sec", 2)]


def test_the_member_chooses_on_their_account_page_and_may_not_choose_for_another(client, choosing):
    user = get_user_model().objects.create_user("ann", password="x")
    ann, bob = _holders(choosing, 2)
    Member.objects.filter(pk=ann.pk).update(user=user)
    client.force_login(user)
    page = client.get("/o/choosing/shares/").content.decode()
    assert "credited to your shares" in page and 'name="choice"' in page
    assert client.post("/o/choosing/shares/interest/", {"choice": "pay"}).status_code == 302
    assert "Interest is paid to you" in client.get("/o/choosing/shares/").content.decode()
    refused = client.post("/o/choosing/shares/interest/", {"choice": "pay", "member": "2"})
    assert refused.status_code == 403 and "may not record" in refused.content.decode()
    assert ShareAccount.objects.get(member=bob).interest_choice == ""
    assert ShareAccount.objects.get(member=ann).interest_choice == "pay"


def test_an_officer_chooses_for_a_member_through_the_page(client, choosing):
    officer = get_user_model().objects.create_user("sec", password="x")
    register.grant_role(choosing, officer, Role.Kind.OFFICER, actor="test")
    _, bob = _holders(choosing, 2)
    client.force_login(officer)
    done = client.post("/o/choosing/shares/interest/", {"choice": "pay", "member": "2"})
    assert done.status_code == 302
    assert ShareAccount.objects.get(member=bob).interest_choice == "pay"


def test_no_form_where_the_rules_give_no_choice(client, db):
    org = register.create_from_model(model="community-energy-coop", name="Old", slug="old",
                                     actor="test")  # fmt: skip
    user = get_user_model().objects.create_user("ann", password="x")
    (ann,) = _holders(org, 1)
    Member.objects.filter(pk=ann.pk).update(user=user)
    client.force_login(user)
    assert 'name="choice"' not in client.get("/o/old/shares/").content.decode()
    refused = client.post("/o/old/shares/interest/", {"choice": "pay"})
    assert refused.status_code == 403 and "no choice of interest" in refused.content.decode()


def test_a_bad_choice_in_the_rulebook_names_the_field_and_the_explanation_says_it():
    text = model_path("community-energy-coop").read_text()
    bad = text.replace("shares:\n", "shares:\n  interest_choice: {default: cash}\n")
    with pytest.raises(Exception, match="interest_choice") as raised:
        load_text(bad, "bad.yaml")
    assert "bad.yaml" in str(raised.value)
    good = text.replace("shares:\n", "shares:\n  interest_choice: {members_may_choose: true}\n")
    said = " ".join(explain(load_text(good, "good.yaml")))
    assert "Each member chooses whether interest is paid out or credited" in said
    assert "chooses whether interest" not in " ".join(explain(load_text(text, "model.yaml")))


def test_only_the_register_keeper_records_a_choice_for_a_member(choosing):
    """The board may see the register but not keep it; a user with no role, nothing."""
    board = get_user_model().objects.create_user("director")
    register.grant_role(choosing, board, Role.Kind.BOARD, actor="test")
    nobody = get_user_model().objects.create_user("passer-by")
    (bob,) = _holders(choosing, 1)
    for wrong in (board, nobody):
        with pytest.raises(StakeError, match="may not record a member's interest choice"):
            services.choose_interest(choosing, bob, "pay", actor=wrong)
    assert ShareAccount.objects.get(member=bob).interest_choice == ""
    assert not AuditEvent.objects.filter(action="shares.interest_chosen").exists()


def test_the_officers_entry_for_a_member_records_their_choice(client, choosing):
    officer = get_user_model().objects.create_user("sec", password="x")
    register.grant_role(choosing, officer, Role.Kind.OFFICER, actor="test")
    _, bob = _holders(choosing, 2)
    client.force_login(officer)
    listed = client.get("/o/choosing/shares/register/").content.decode()
    assert 'href="/o/choosing/shares/register/2/"' in listed
    page = client.get("/o/choosing/shares/register/2/").content.decode()
    assert "Record the member's interest choice" in page
    assert 'name="member" value="2"' in page
    assert "Credited to shares (the rulebook's default: the member has not chosen)" in page
    done = client.post("/o/choosing/shares/interest/", {"choice": "pay", "member": "2"})
    assert done.status_code == 302 and done["Location"] == "/o/choosing/shares/register/2/"
    page = client.get(done["Location"]).content.decode()
    assert 'id="interest-in-force">Paid to the member</dd>' in page
    assert ShareAccount.objects.get(member=bob).interest_choice == "pay"
    event = AuditEvent.objects.get(action="shares.interest_chosen")
    assert (event.actor, event.data) == ("sec", {"member": 2, "was": "", "now": "pay"})
    # Seeing a member's entry is an inspection of the full register, logged.
    assert AuditEvent.objects.filter(action="shares.register_inspected").count() == 3


def test_the_board_sees_a_members_entry_without_the_control_and_its_post_is_refused(
    client, choosing
):
    board = get_user_model().objects.create_user("director", password="x")
    register.grant_role(choosing, board, Role.Kind.BOARD, actor="test")
    (bob,) = _holders(choosing, 1)
    client.force_login(board)
    page = client.get("/o/choosing/shares/register/1/").content.decode()
    assert "Member 1" in page and 'name="choice"' not in page
    refused = client.post("/o/choosing/shares/interest/", {"choice": "pay", "member": "1"})
    assert refused.status_code == 403 and "may not record" in refused.content.decode()
    assert "Back to the member" in refused.content.decode()
    assert ShareAccount.objects.get(member=bob).interest_choice == ""


def test_a_member_may_not_open_the_officers_entry(client, choosing):
    user = get_user_model().objects.create_user("ann", password="x")
    (ann,) = _holders(choosing, 1)
    Member.objects.filter(pk=ann.pk).update(user=user)
    client.force_login(user)
    assert client.get("/o/choosing/shares/register/1/").status_code == 403
