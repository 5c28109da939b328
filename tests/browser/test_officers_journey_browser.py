"""Issue 13's officers' journey in Chromium, axe on every page: a secretary imports 50 members
from a file made from the import page's template, browses and filters the register, adds one
member directly, calls a meeting with resolutions (seeing its earliest lawful date) and
publishes its notice; a member sees it on a phone (390x844); after the meeting the chair keeps,
approves and publishes the minutes."""

import csv
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from mutualise.jobs.worker import run_queued
from mutualise.mail.models import Message
from mutualise.meetings import services as meetings
from mutualise.meetings.models import Meeting, Minutes
from mutualise.register import services
from mutualise.register.importing import template
from mutualise.register.models import Member, Role

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "officers-journey-2026"


def _user(name):
    return get_user_model().objects.create_user(name, password=PASSWORD)


def _fifty(org, path):
    """50 people in the template's columns, as a secretary would fill it in."""
    headings = [c.heading for c in template.columns(org.constitution)]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=headings)
        writer.writeheader()
        for i in range(50):
            row = dict.fromkeys(headings, "")
            row.update({
                "Name": f"Person {i:02d} Example", "Date of birth": f"{1 + i % 28:02d}/03/1980",
                "Address": f"{i} Mill Lane", "Postcode": "NE1 4ST",
                "Email": f"person{i}@example.org", "Contact by": "email" if i % 2 else "post",
                "Confirmations": "supports-objects", "Joined": f"01/{1 + i % 12:02d}/2024",
            })  # fmt: skip
            writer.writerow(row)
    return path


def test_secretary_and_chair_run_the_register_and_a_meeting(
    desktop_page, browser, live_server, sign_in, assert_accessible, tmp_path
):
    org = services.create_from_model(
        model="co-operative-society", name="Riverside Co-op", slug="riverside", actor="test"
    )
    secretary, chair, member_user = _user("secretary"), _user("chair"), _user("mo")
    services.grant_role(org, secretary, Role.Kind.OFFICER, actor="test")
    services.grant_role(org, chair, Role.Kind.CHAIR, actor="test")
    page = desktop_page
    sign_in("secretary", PASSWORD, target=page)

    # Import 50 members from a file in the template's columns.
    page.goto("/o/riverside/members/import/")
    assert page.get_by_role("heading", name="What the file should hold").is_visible()
    assert page.get_by_role("link", name="CSV template").is_visible()
    assert_accessible(page, "import page with its column guide")
    page.get_by_label("Upload a CSV or Excel (XLSX) file").set_input_files(
        str(_fifty(org, tmp_path / "members.csv"))
    )
    page.get_by_role("button", name="Upload and check").click()
    assert "50 ready to add" in page.locator("main").inner_text()
    assert_accessible(page, "import preview")
    page.get_by_role("button", name="Accept and add 50").click()  # the board admits: people
    assert page.get_by_role("heading", name="Import finished").is_visible()
    assert_accessible(page, "import finished")
    assert Member.objects.filter(organisation=org, status="admitted").count() == 50

    # Browse and filter the register.
    page.goto("/o/riverside/members/")
    assert "50 records" in page.locator("#register-count").inner_text()
    assert_accessible(page, "the register")
    page.get_by_label("Status").select_option(label="Member")
    from_group = page.get_by_role("group", name="Joined on or after")
    from_group.get_by_label("Day").fill("1")
    from_group.get_by_label("Month").fill("3")
    from_group.get_by_label("Year").fill("2024")
    to_group = page.get_by_role("group", name="Joined on or before")
    to_group.get_by_label("Day").fill("30")
    to_group.get_by_label("Month").fill("4")
    to_group.get_by_label("Year").fill("2024")
    page.get_by_role("button", name="Show members").click()
    expected = sum(1 for i in range(50) if 1 + i % 12 in (3, 4))
    assert f"{expected} records match" in page.locator("#register-count").inner_text()
    assert "Members" in page.locator("table").last.inner_text()  # the constituency, by name
    assert_accessible(page, "the register, filtered")

    # Add one member directly.
    page.get_by_role("link", name="Clear the filters").click()
    page.get_by_role("link", name="Add a member").click()
    assert_accessible(page, "add a member")
    page.get_by_label("Full name").fill("Grace Hopper")
    born = page.get_by_role("group", name="Date of birth")
    born.get_by_label("Day").fill("9")
    born.get_by_label("Month").fill("12")
    born.get_by_label("Year").fill("1986")
    page.get_by_label("Address", exact=True).fill("2 Pilgrim Street")
    page.get_by_label("Postcode").fill("NE1 6BF")
    page.get_by_label("I support the objects of the society").check()
    page.get_by_role("button", name="Add to the register").click()
    assert "Grace Hopper added as an applicant" in page.locator("main").inner_text()
    assert_accessible(page, "the new member")
    grace = Member.objects.get(display_name="Grace Hopper")
    assert grace.user is None and grace.status == "applied"  # this rulebook: the board admits
    page.goto("/o/riverside/members/")
    assert "51 records: page 1 of 2" in page.locator("#register-count").inner_text()
    page.get_by_role("link", name="Next page").click()
    assert "Grace Hopper" in page.locator("main").inner_text()

    # Call a meeting with resolutions, see its earliest lawful date, publish its notice.
    page.goto("/o/riverside/meetings/")
    page.get_by_role("link", name="Call a general meeting").click()
    days = org.constitution.meetings.general.notice_clear_days
    earliest = timezone.localdate() + timedelta(days=days + 1)
    assert f"{earliest:%-d %B %Y}" in page.locator("#earliest").inner_text()
    assert_accessible(page, "call a general meeting")
    day = timezone.localdate() + timedelta(days=days + 10)
    page.get_by_label("General meeting", exact=True).check()
    page.get_by_label("Title").fill("Autumn general meeting")
    when = page.get_by_role("group", name="When is the meeting?")
    when.get_by_label("Day").fill(str(day.day))
    when.get_by_label("Month").fill(str(day.month))
    when.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Time it starts").fill("19:00")
    page.get_by_label("Where").fill("Village Hall")
    page.get_by_label("Video call address").fill("https://meet.example.org/riverside")
    page.get_by_role("button", name="Draft the meeting").click()
    assert f"{earliest:%-d %B %Y}" in page.locator("#earliest").inner_text()
    assert_accessible(page, "the draft meeting's agenda")
    for title, kind in (("Solar roof", "Ordinary resolution"),
                        ("New rules", "Extraordinary resolution")):  # fmt: skip
        page.get_by_label("Title").fill(title)
        page.get_by_label("The resolution's text").fill(f"That the society adopts: {title}.")
        page.get_by_label("Kind of resolution").select_option(
            label=next(
                t
                for t in page.locator("#id_kind_id option").all_inner_texts()
                if t.startswith(kind)
            )  # fmt: skip
        )
        page.get_by_role("button", name="Add the resolution").click()
    assert "Extraordinary resolution" in page.locator("main").inner_text()
    assert_accessible(page, "the agenda with two resolutions")
    page.get_by_role("button", name="Publish the notice").click()
    assert "members will be emailed the notice now" in page.locator("#how-many").inner_text()
    assert_accessible(page, "asked before publishing the notice")
    page.get_by_role("button", name="Publish the notice and email members").click()
    assert "Notice given." in page.locator("main").inner_text() and "/jobs/" in page.url
    assert_accessible(page, "the notice's sending job")
    meeting = Meeting.objects.get()
    assert meeting.state == "called"
    assert run_queued() == 1  # the worker sends it
    assert Message.objects.filter(reason="meeting-notice").count() == 25

    # A member sees it on a phone, with the link to attend remotely.
    mo = Member.objects.get(display_name="Person 01 Example")
    mo.user = member_user
    mo.save(update_fields=["user"])
    phone = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="en-GB"
    ).new_page()
    sign_in("mo", PASSWORD, target=phone)
    phone.goto(f"/o/riverside/meetings/{meeting.pk}/")
    assert phone.get_by_role("link", name="join the video call").is_visible()
    assert "Solar roof" in phone.locator("main").inner_text()
    assert_accessible(phone, "the member's meeting page at 390x844")

    # The meeting is held; the chair keeps, approves and publishes the minutes.
    meetings.open_meeting(meeting, now=meeting.starts_at)
    meetings.check_in_many(meeting, list(Member.objects.filter(number__lte=5)))
    meetings.close_meeting(meeting, now=meeting.starts_at + timedelta(hours=2))
    chair_page = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    ).new_page()
    sign_in("chair", PASSWORD, target=chair_page)
    chair_page.goto(f"/o/riverside/meetings/{meeting.pk}/")
    chair_page.get_by_role("link", name="Keep the minutes").click()
    assert "Person 00 Example (in person)" in chair_page.get_by_label("Attendance").input_value()
    assert_accessible(chair_page, "the minutes to keep")
    chair_page.get_by_label("Who chaired the meeting").fill("Jo Bloggs")
    chair_page.get_by_label("Time it began").fill("19:00")
    chair_page.get_by_label("Time it ended").fill("20:40")
    chair_page.get_by_label("Discussion: 1. Solar roof").fill("Members asked about the cost.")
    chair_page.get_by_role("button", name="Save the minutes").click()
    assert "Chair: Jo Bloggs." in chair_page.locator("#minutes-text").inner_text()
    chair_page.get_by_role("button", name="Approve as a true record").click()
    assert chair_page.locator("#minutes-state").inner_text() == "Approved"
    assert_accessible(chair_page, "the approved minutes")
    chair_page.get_by_role("button", name="Publish the minutes").click()
    assert "Members asked about the cost." in chair_page.locator("main").inner_text()
    assert_accessible(chair_page, "the meeting page with its minutes")
    assert Minutes.objects.get(meeting=meeting).state == "published"
    phone.goto(f"/o/riverside/meetings/{meeting.pk}/")
    assert "Members asked about the cost." in phone.locator("main").inner_text()
    assert_accessible(phone, "the published minutes at 390x844")
    assert date.today()  # the register and meeting dates above are relative to today
