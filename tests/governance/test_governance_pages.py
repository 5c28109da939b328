"""The public accountability page, the annual reports, and the system administrator's page of
every organisation by its findings."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from governance_helpers import admit, found, hold_meeting

from mutualise.governance import services


@pytest.fixture
def coop(db):
    org = found("co-operative-society", "page-coop", founded=date(2024, 1, 1))
    members = admit(org, ["Ann Able", "Bea Bold", "Cal Calm", "Dot Dare"], on=date(2025, 1, 10))
    hold_meeting(org, kind="agm", on=date(2025, 5, 20), attendees=members, financial_year=2024)
    for m in members[:3]:
        services.record_existing_holder(
            org,
            body_id="board",
            seat_group_id="elected-directors",
            how="elected",
            chosen_by="the members at the AGM",
            started_on=date(2025, 5, 20),
            member=m,
            actor="test",
        )
    directors = list(services.current_holders(org, date(2025, 7, 1)))
    services.record_body_meeting(
        org,
        body_id="board",
        held_on=date(2025, 6, 10),
        present=directors[:2],
        absent=directors[2:],
        actor="test",
    )
    services.declare(
        directors[0],
        kind="interest",
        text="Director of Mill Lane Bakery Ltd",
        on=date(2025, 5, 20),
        actor="test",
    )
    services.appoint(
        org,
        body_id="board",
        seat_group_id="co-opted-directors",
        how="co-opted",
        chosen_by="the board",
        decided_on=date(2025, 6, 1),
        member=members[3],
        actor="test",
    )
    return org


def test_the_accountability_page_is_public_and_linked_from_the_home_page(client, coop):
    home = client.get(reverse("organisation", args=[coop.slug]))
    url = reverse("governance:accountability", args=[coop.slug])
    assert url in home.content.decode()
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'viewBox="0 0 360 240"' in text  # the members chart fits a phone
    assert "Ann Able" in text and "Co-opted by the board on 1 June 2025" in text
    assert "<strong>75%</strong> of the seats held today were filled by election (3 of 4)" in text
    assert "Yes (4 present, 3 needed)" in text  # the AGM: quorate
    assert text.count("attended 1 of 1 meetings") == 2 and "attended 0 of 1 meetings" in text
    assert "Interest: Director of Mill Lane Bakery Ltd" in text
    assert "What the health check finds" in text


def test_a_live_finding_is_on_the_page(client, db):
    org = found("co-operative-society", "empty-coop", founded=date(2020, 1, 1))
    text = client.get(reverse("governance:accountability", args=[org.slug])).content.decode()
    assert "Serious: the rules or the law are broken now" in text
    assert "Fewest members the organisation may have: 3" in text  # the rule in words
    assert "Rulebook field: <code>membership.minimum_members</code>" in text
    assert "REG-1" not in text  # issue 19: the check's id is not a heading people read


def test_membership_report_csv_counts_the_year(client, coop):
    url = reverse("governance:report", args=[coop.slug, "membership", "csv"])
    response = client.get(url, {"year": "2025"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert "Constituency,At year start,Joined,Left,At year end" in lines
    assert "Members,0,4,0,4" in lines  # year to 31 December 2025: 4 joined in January 2025


def test_annual_return_pdf_and_csv(client, coop):
    pdf = client.get(
        reverse("governance:report", args=[coop.slug, "annual-return", "pdf"]), {"year": "2025"}
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = client.get(
        reverse("governance:report", args=[coop.slug, "annual-return", "csv"]), {"year": "2025"}
    ).content.decode()
    assert "Members at the year end,4" in text
    assert "Share capital,not recorded" in text
    assert "Ann Able,board: elected-directors,Elected,2025-05-20," in text
    assert client.get(f"/o/{coop.slug}/accountability/reports/bogus.csv").status_code == 404
    bad_year = client.get(
        reverse("governance:report", args=[coop.slug, "membership", "csv"]), {"year": "soon"}
    )
    assert bad_year.status_code == 404


def test_every_organisation_page_is_for_system_administrators_worst_first(client, coop):
    found("co-operative-society", "worst-coop", founded=date(2020, 1, 1))
    url = reverse("governance_install:all_organisations")
    user = get_user_model().objects.create_user("member")
    client.force_login(user)
    assert client.get(url).status_code == 403
    admin = get_user_model().objects.create_superuser("root", password="x")
    client.force_login(admin)
    text = client.get(url).content.decode()
    assert text.index("Test worst-coop") < text.index("Test page-coop")
