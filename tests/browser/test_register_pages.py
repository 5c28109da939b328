"""The register's pages in Chromium (phone-sized unless said), each checked with axe."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from mutualise.constitution import model_path
from mutualise.register import services
from mutualise.register.models import Member, Role

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "register-browser-2026"
BAD_ROWS = Path(__file__).resolve().parent.parent / "register" / "data" / "bad_rows.csv"


@pytest.fixture
def org():
    text = model_path("nhs-foundation-trust").read_text(encoding="utf-8")
    text = text.replace("membership:\n", "membership:\n  admission_by_board: false\n", 1)
    return services.create_organisation(
        name="Tyneside Hospitals", constitution_text=text, source_name="ft.yaml", slug="tyne"
    )


@pytest.fixture
def officer(org):
    user = get_user_model().objects.create_user("secretary", password=PASSWORD)
    services.grant_role(org, user, Role.Kind.OFFICER)
    return user


def test_join_form_errors_then_success(page, org, assert_accessible):
    page.goto(f"/o/{org.slug}/join/")
    assert page.get_by_role("heading", name="Join Tyneside Hospitals").is_visible()
    assert_accessible(page, "join form")
    page.get_by_label("Postcode").fill("NE1 XYZ")
    page.get_by_role("button", name="Apply to join").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible() and "There is a problem" in summary.inner_text()
    expect(page).to_have_title(re.compile("^Error:"))  # waits for the new page
    assert_accessible(page, "join form with errors")
    summary.get_by_role("link", name="Enter a real postcode, like NE1 4ST").click()
    assert page.evaluate("document.activeElement.id") == "id_postcode"

    page.get_by_label("Full name").fill("Grace Hopper")
    page.get_by_label("Day").first.fill("9")
    page.get_by_label("Month").first.fill("12")
    page.get_by_label("Year").first.fill("1986")
    page.get_by_label("Address", exact=True).fill("2 Pilgrim Street")
    page.get_by_label("Postcode").fill("ne1 6bf")
    page.get_by_label("Large print").check()
    page.get_by_role("button", name="Apply to join").click()
    assert page.get_by_role("heading", name="Welcome: you are a member").is_visible()
    assert "1" in page.locator(".govuk-panel__body").inner_text()
    assert_accessible(page, "join confirmation")
    member = Member.objects.get()
    assert (member.display_name, member.large_print, member.constituency_id) == (
        "Grace Hopper",
        True,
        "public-newcastle",
    )


def test_my_membership(page, org, sign_in, assert_accessible):
    user = get_user_model().objects.create_user("grace", password=PASSWORD)
    services.join(
        org,
        user=user,
        display_name="Grace Hopper",
        date_of_birth=date(1986, 12, 9),
        postcode="NE1 6BF",
        email="grace@example.org",
    )
    sign_in("grace", PASSWORD)
    page.goto(f"/o/{org.slug}/membership/")
    assert page.get_by_role("heading", name="Your membership").is_visible()
    assert "Grace Hopper" in page.locator("main").inner_text()
    assert_accessible(page, "my membership")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download everything we hold about you (JSON)").click()
    assert download.value.suggested_filename == "my-data-1.json"


def test_officer_search_and_member_record(desktop_page, org, officer, sign_in, assert_accessible):
    page = desktop_page
    for i, (name, postcode) in enumerate([("Ada Lovelace", "NE1 6EE"), ("Alan Turing", "NE2 1AA")]):
        services.join(
            org,
            display_name=name,
            date_of_birth=date(1980, 1, 1),
            postcode=postcode,
            email=f"m{i}@example.org",
        )
    sign_in("secretary", PASSWORD, target=page)
    page.goto(f"/o/{org.slug}/members/")
    assert_accessible(page, "register search")
    page.get_by_label("Search the register").fill("turing")
    page.get_by_role("button", name="Search").click()
    assert "1 found" in page.locator("main").inner_text()
    assert_accessible(page, "search results")
    page.get_by_role(
        "link", name="2", exact=True
    ).first.click()  # the search result (the register below lists them too)
    assert page.get_by_role("heading", name="Alan Turing").is_visible()
    assert_accessible(page, "member record")
    page.get_by_label("Why is the membership ending?").select_option("moved_out_of_area")
    page.get_by_role("button", name="End membership").click()
    assert "Member 2 ended" in page.locator("main").inner_text()
    assert "Ceased to be a member: moved out of the area" in page.locator("table").inner_text()
    assert_accessible(page, "member record after ceasing")
    page.get_by_role("link", name="Everything held about this member").click()
    assert "member.ceased" in page.locator("main").inner_text()
    assert_accessible(page, "subject access page")
    page.goto(f"/o/{org.slug}/members/1/")
    page.get_by_role("link", name="Change details").click()
    assert_accessible(page, "change details form")
    page.get_by_label("Postcode").fill("SW1A 1AA")
    page.get_by_role("button", name="Save").click()
    assert "details saved" in page.locator("main").inner_text()
    page.goto(f"/o/{org.slug}/members/recheck/")
    assert "1 Ada Lovelace" in page.locator("main").inner_text()
    assert_accessible(page, "eligibility re-check")


def test_import_wizard(page, org, officer, sign_in, assert_accessible):
    sign_in("secretary", PASSWORD)
    page.goto(f"/o/{org.slug}/members/import/")
    assert_accessible(page, "import upload")
    page.get_by_role("button", name="Upload and check").click()
    assert page.locator(".govuk-error-summary").is_visible()
    page.get_by_label("Upload a CSV or Excel (XLSX) file").set_input_files(str(BAD_ROWS))
    page.get_by_role("button", name="Upload and check").click()
    assert "5 ready to add" in page.locator("main").inner_text()
    assert page.locator("#problems tbody tr").count() == 22
    assert_accessible(page, "import preview")
    assert Member.objects.count() == 0
    page.get_by_role("button", name="Accept and add 5 members").click()
    assert page.get_by_role("heading", name="Import finished").is_visible()
    assert_accessible(page, "import finished")
    assert page.get_by_role("link", name="Download the rejected rows").is_visible()
    assert Member.objects.count() == 5


def test_representativeness_report(
    desktop_page, org, officer, sign_in, assert_accessible, tmp_path
):
    page = desktop_page
    for i, sex in enumerate(["female", "female", "male"]):
        services.join(
            org,
            display_name=f"Person {i}",
            date_of_birth=date(1950 + 20 * i, 1, 1),
            postcode="NE1 1AA",
            sex=sex,
            email=f"p{i}@example.org",
        )
    population = tmp_path / "population.csv"
    population.write_text("dimension,category,people\nsex,female,510\nsex,male,490\n")
    sign_in("secretary", PASSWORD, target=page)
    page.goto(f"/o/{org.slug}/members/report/")
    page.get_by_label("Upload a population table (CSV)").set_input_files(str(population))
    page.get_by_role("button", name="Upload", exact=True).click()
    assert page.get_by_role("heading", name="By sex").is_visible()
    assert page.locator("svg[role=img]").count() >= 2
    assert "66.7%" in page.locator("main").inner_text()
    assert_accessible(page, "representativeness report")


def test_import_wizard_where_the_board_admits(page, sign_in, assert_accessible):
    """The preview asks whether the people are members already or applicants (phone width)."""
    text = model_path("nhs-foundation-trust").read_text(encoding="utf-8")
    text = text.replace("membership:\n", "membership:\n  admission_by_board: true\n", 1)
    board_org = services.create_organisation(
        name="Wearside Hospitals", constitution_text=text, source_name="ft.yaml", slug="wear"
    )
    user = get_user_model().objects.create_user("wear-secretary", password=PASSWORD)
    services.grant_role(board_org, user, Role.Kind.OFFICER)
    sign_in("wear-secretary", PASSWORD)
    page.goto(f"/o/{board_org.slug}/members/import/")
    page.get_by_label("Upload a CSV or Excel (XLSX) file").set_input_files(str(BAD_ROWS))
    page.get_by_role("button", name="Upload and check").click()
    assert page.get_by_label("Members already (an existing register)").is_checked()
    page.get_by_label("Applying to join: the board will decide").check()
    assert_accessible(page, "import preview, board admits")
    page.get_by_role("button", name="Accept and add 5 people").click()
    assert "5 applicants added for the board to decide on" in page.locator("main").inner_text()
    assert set(Member.objects.values_list("status", flat=True)) == {"applied"}


def test_large_import_shows_a_progress_bar(
    page, org, officer, sign_in, monkeypatch, assert_accessible
):
    from mutualise.register import views

    monkeypatch.setattr(views.imports, "BACKGROUND_ROWS", 1)  # treat the small file as a large one
    sign_in("secretary", PASSWORD)
    page.goto(f"/o/{org.slug}/members/import/")
    page.get_by_label("Upload a CSV or Excel (XLSX) file").set_input_files(str(BAD_ROWS))
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("button", name="Accept and add 5 members").click()
    # The progress page shows the queued job's bar, polls its status (mutualise/progress.js)
    # and reloads itself when the worker has finished it.
    assert "/progress/" in page.url
    assert page.locator("progress").count() == 1
    assert "Waiting for the worker to start it" in page.locator("main").inner_text()
    assert_accessible(page, "import progress")
    from mutualise.jobs.worker import run_queued

    assert run_queued() == 1  # what `mutualise worker` does
    page.get_by_role("heading", name="Import finished").wait_for(timeout=20_000)
    assert Member.objects.count() == 5
