"""The public accountability page on a phone (390x844), checked with axe: it fits without
sideways scrolling, the chart has its table, and a live finding reads in plain words."""

from datetime import date

import pytest

from mutualise.governance import services
from mutualise.register import services as register
from mutualise.register.models import Organisation

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def org():
    org = register.create_from_model(
        model="co-operative-society", name="Riverside Co-op", slug="riverside", actor="test"
    )
    Organisation.objects.filter(pk=org.pk).update(created_at=org.created_at.replace(year=2023))
    for name in ("Ann Able", "Bea Bold"):
        member = register.join(
            org,
            actor="test",
            on=date(2025, 1, 10),
            display_name=name,
            date_of_birth=date(1980, 1, 1),
            address="1 Mill Lane",
            postcode="NE1 6EE",
            attestations=["supports-objects"],
        )
        register.admit(member, actor="test", on=date(2025, 1, 10))
        services.record_existing_holder(
            org,
            body_id="board",
            seat_group_id="elected-directors",
            how="elected",
            chosen_by="the members",
            started_on=date(2025, 2, 1),
            member=member,
            actor="test",
        )
    services.appoint(
        org,
        body_id="board",
        office_id="chair",
        chosen_by="Pat Leader",
        decided_on=date(2025, 3, 1),
        holder_name="Pat Friend",
        address="2 Row",
        actor="test",
    )
    return org


def test_accountability_page_on_a_phone(page, org, assert_accessible):
    page.goto(f"/o/{org.slug}/")
    page.get_by_role("link", name="Is it run as its rules say?").click()
    assert page.get_by_role("heading", name="Is it run as its rules say?").is_visible()
    assert page.get_by_text("The register has 2 members: the rules need at least 3.").is_visible()
    assert page.get_by_text("appointed by Pat Leader, not elected").is_visible()
    chart = page.locator("figure.mutualise-chart svg").first
    assert chart.bounding_box()["width"] <= 390
    scroll = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391)"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + e.textContent.slice(0, 40))"
    )
    assert scroll <= 390, f"the page scrolls sideways ({scroll} px): {wide}"
    assert_accessible(page, "accountability page")
    page.get_by_text("The figures as a table").click()
    assert page.get_by_role("table", name="Members by constituency at each date").is_visible()
    assert_accessible(page, "with the chart's table open")


def test_officer_records_an_appointment_on_a_phone(page, org, sign_in, assert_accessible):
    from django.contrib.auth import get_user_model

    from mutualise.register.models import Role

    user = get_user_model().objects.create_user("secretary", password="governance-2026")
    register.grant_role(org, user, Role.Kind.OFFICER, actor="test")
    sign_in("secretary", "governance-2026")
    page.goto(f"/o/{org.slug}/accountability/holders/")
    assert_accessible(page, "office holders page")
    page.get_by_label("Seat or office").select_option(
        label="Board of Directors: Co opted directors (co-opted)"
    )
    page.get_by_label("How").select_option("co-opted")
    page.get_by_label("Appointed by").fill("the board")
    page.get_by_label("Date of the decision").fill("2026-02-01")
    page.get_by_label("Name", exact=True).fill("Quinn Quick")
    page.get_by_role("button", name="Record the appointment").click()
    assert page.get_by_text("The appointment is recorded.").is_visible()
    assert page.get_by_role("rowheader", name="Quinn Quick").is_visible() or (
        page.get_by_text("Quinn Quick").first.is_visible()
    )
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= 390, f"the page scrolls sideways ({scroll} px)"
    assert_accessible(page, "after recording")
