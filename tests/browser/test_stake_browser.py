"""A member's share account on a phone (390x844) with axe."""

import re
import sys
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from mutualise.register.models import Member
from mutualise.stake import services

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "stake"))
from stake_helpers import found, make_members  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery staple"


def test_member_reads_their_share_account(page, sign_in, assert_accessible):
    org = found()
    user = get_user_model().objects.create_user("ann", password=PASSWORD)
    (member,) = make_members(org, 1)
    Member.objects.filter(pk=member.pk).update(user=user)
    services.record_movement(org, member, "allotment", 50_000, on=date(2025, 2, 1))
    services.record_movement(org, member, "interest", 1_234, on=date(2025, 12, 31))
    sign_in("ann", PASSWORD)
    page.goto(f"/o/{org.slug}/shares/")
    assert page.inner_text("#held") == "£512.34"
    assert "Interest credited" in page.inner_text("table")
    assert_accessible(page, "share account")


def test_member_applies_to_an_offer_and_the_secretary_reads_the_register(
    page, sign_in, assert_accessible
):
    from datetime import timedelta

    from django.utils import timezone

    from mutualise.register import services as register
    from mutualise.register.models import Role

    org = found()
    today = timezone.localdate()
    offer = services.open_offer(
        org, title="Community wind turbine", opens_on=today - timedelta(days=3),
        closes_on=today + timedelta(days=60), minimum_pence=1_000_000,
        optimum_pence=2_000_000, maximum_pence=3_000_000, policy="pro-rata",
    )  # fmt: skip
    user = get_user_model().objects.create_user("ann", password=PASSWORD)
    (member,) = make_members(org, 1)
    Member.objects.filter(pk=member.pk).update(user=user)
    sign_in("ann", PASSWORD)
    page.goto(f"/o/{org.slug}/shares/offers/{offer.pk}/")
    assert_accessible(page, "offer")
    page.fill("#id_shares", "12")
    page.click("button:has-text('Apply')")
    assert "the least one may hold" in page.inner_text(".govuk-error-summary")
    assert_accessible(page, "offer with an error")
    page.fill("#id_shares", "2500")
    page.click("button:has-text('Apply')")
    assert page.inner_text("#raised").startswith("£2,500.00 applied for by 1 member")
    assert_accessible(page, "offer after applying")
    sec = get_user_model().objects.create_user("sec", password=PASSWORD)
    register.grant_role(org, sec, Role.Kind.OFFICER, actor="test")
    services.record_movement(org, member, "allotment", 30_000, on=date(2025, 1, 1))
    page.context.clear_cookies()
    sign_in("sec", PASSWORD)
    page.goto(f"/o/{org.slug}/shares/register/")
    assert "300.00" in page.inner_text("table")
    assert_accessible(page, "share register")


def test_member_withdraws_and_nominates_on_a_phone(page, sign_in, assert_accessible):
    org = found()
    user = get_user_model().objects.create_user("ann", password=PASSWORD)
    (member,) = make_members(org, 1)
    Member.objects.filter(pk=member.pk).update(user=user)
    services.record_movement(org, member, "allotment", 50_000, on=date(2021, 6, 1))
    sign_in("ann", PASSWORD)
    page.goto(f"/o/{org.slug}/shares/")
    page.click("text=Withdraw shares")
    assert_accessible(page, "withdrawal form")
    page.fill("#id_amount", "600")
    page.click("button:has-text('Ask to withdraw')")
    assert "more than the £500.00 left" in page.inner_text(".govuk-error-summary")
    expect(page).to_have_title(re.compile("^Error:"))  # waits for the new page
    assert_accessible(page, "withdrawal form with an error")
    page.fill("#id_amount", "250")
    page.click("button:has-text('Ask to withdraw')")
    assert "£250.00 asked for on" in page.inner_text("#waiting")
    assert_accessible(page, "share account with a request waiting")
    page.click("text=Nominate who receives your shares")
    page.fill("#id_name", "Sam Jones")
    page.fill("#id_address", "1 Mill Lane, Hexham")
    page.click("button:has-text('Make this nomination')")
    page.click("text=Nominate who receives your shares")
    assert "Sam Jones" in page.inner_text("#current")
    assert_accessible(page, "nomination form with one in force")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_secretary_records_a_members_interest_choice_on_a_phone(page, sign_in, assert_accessible):
    """A member gives their choice on paper or by phone: the membership secretary opens the
    member's entry from the share register and records it (issue 16)."""
    from mutualise.audit.models import AuditEvent
    from mutualise.constitution import model_path
    from mutualise.register import services as register
    from mutualise.register.models import Role
    from mutualise.stake.models import ShareAccount

    text = model_path("community-energy-coop").read_text()
    text = text.replace("shares:\n", "shares:\n  interest_choice: {members_may_choose: true}\n")
    org = register.create_organisation(name="Choosing Energy", constitution_text=text,
                                       source_name="choosing.yaml", actor="test", slug="choosing")  # fmt: skip
    _, bob = make_members(org, 2)
    services.record_movement(org, bob, "allotment", 25_000, on=date(2025, 3, 1))
    sec = get_user_model().objects.create_user("sec", password=PASSWORD)
    register.grant_role(org, sec, Role.Kind.OFFICER, actor="test")
    sign_in("sec", PASSWORD)
    page.goto(f"/o/{org.slug}/shares/register/")
    page.get_by_role("link", name=re.compile(r"the entry for Member 2$")).click()
    expect(page).to_have_title(re.compile("Share register: Member 2"))
    assert page.inner_text("#held") == "£250.00"
    assert "the member has not chosen" in page.inner_text("#interest-in-force")
    assert_accessible(page, "a member's entry in the share register")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label("Paid to the member").check()
    page.get_by_role("button", name="Record this choice").click()
    expect(page.locator("#interest-in-force")).to_have_text("Paid to the member")
    assert_accessible(page, "a member's entry after recording their choice")
    assert ShareAccount.objects.get(member=bob).interest_choice == "pay"
    assert AuditEvent.objects.get(action="shares.interest_chosen").data["member"] == 2
