"""The meeting pages through Django's test client: who may see and do what, in each state of
the meeting (the Meetings section of docs/roles.md), the JSON vote answer, the notice PDF, the CLI."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from meeting_helpers import found, make_members

from mutualise.cli import main
from mutualise.jobs.worker import run_queued
from mutualise.meetings import services
from mutualise.meetings.models import Requisition
from mutualise.register import services as register

pytestmark = pytest.mark.django_db
ROLES = ["public", "member", "officer", "board", "chair", "returning_officer", "administrator"]
RUNS_MEETINGS = {"officer", "board", "chair", "administrator"}
STATES = ["draft", "called", "in-session", "closed"]


def _setup(state):
    org = found("co-operative-society", slug="coop")
    users = {role: get_user_model().objects.create_user(role) for role in ROLES[1:]}
    members = make_members(org, 6, users=[users["member"]])
    for role in ROLES[2:]:
        register.grant_role(org, users[role], role)
    starts = timezone.now() + timedelta(hours=1)
    meeting = services.create_meeting(
        org, kind="general", title="Autumn meeting", starts_at=starts, online=True
    )
    resolution = services.add_resolution(
        meeting, title="Paint", text="Blue.", kind_id="ordinary", method="poll"
    )
    if state != "draft":
        services.call_meeting(meeting, now=starts - timedelta(days=30))
    if state in ("in-session", "closed"):
        services.open_meeting(meeting, now=starts)
        services.check_in_many(meeting, members[:3])
    if state == "closed":
        services.close_meeting(meeting)
    return org, users, members, meeting, resolution


def _client(users, role):
    client = Client()
    if role != "public":
        client.force_login(users[role])
    return client


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_meeting_page_and_the_console(role, state):
    org, users, members, meeting, resolution = _setup(state)
    client = _client(users, role)
    page = client.get(f"/o/coop/meetings/{meeting.pk}/")
    console = client.get(f"/o/coop/meetings/{meeting.pk}/console/")
    listing = client.get("/o/coop/meetings/").content.decode()
    runs = role in RUNS_MEETINGS
    assert page.status_code == (200 if state != "draft" or runs else 403)
    assert console.status_code == (200 if runs else 403)
    assert ("Autumn meeting" in listing) is (state != "draft" or runs)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_only_members_vote_and_only_while_voting_is_open(role, state):
    org, users, members, meeting, resolution = _setup(state)
    if state == "in-session":  # the member is in already (checked in at the door in _setup)
        services.open_vote(resolution)
    client = _client(users, role)
    response = client.post(
        f"/o/coop/meetings/{meeting.pk}/resolutions/1/vote",
        {"r1-choice": "for"},
        HTTP_ACCEPT="application/json",
    )
    if role != "member" or state == "draft":
        assert response.status_code == 403
    elif state == "in-session":
        assert response.status_code == 200 and len(response.json()["receipt"]) == 14
    else:
        assert response.status_code == 409 and response.json()["error"]


@pytest.mark.parametrize("role", ROLES)
def test_only_those_who_run_meetings_act_on_the_console(role):
    org, users, members, meeting, resolution = _setup("called")
    client = _client(users, role)
    response = client.post(
        f"/o/coop/meetings/{meeting.pk}/console/action", {"action": "check_in", "number": 2}
    )
    meeting.refresh_from_db()
    checked_in = meeting.attendances.filter(member=members[1]).exists()
    assert checked_in is (role in RUNS_MEETINGS)
    assert response.status_code == (302 if role in RUNS_MEETINGS else 403)


def test_notice_pdf_and_results_json():
    org, users, members, meeting, resolution = _setup("in-session")
    client = Client()
    response = client.get(f"/o/coop/meetings/{meeting.pk}/notice.pdf")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    data = client.get(f"/o/coop/meetings/{meeting.pk}/results.json").json()
    assert data["quorum"].startswith("3 present of 6 members; 3 needed")
    assert data["resolutions"][0]["title"] == "Paint"


def test_cli_lists_meetings_prints_quorum_and_writes_notices(tmp_path, capsys):
    org, users, members, meeting, resolution = _setup("in-session")
    assert main(["meetings", "list", "--org", "coop"]) == 0
    assert "Autumn meeting" in capsys.readouterr().out
    assert main(["meetings", "quorum", str(meeting.pk)]) == 0
    assert "3 present of 6 members; 3 needed (quorate)" in capsys.readouterr().out
    out = tmp_path / "letters.pdf"
    assert main(["meetings", "notice", str(meeting.pk), "--out", str(out), "--letters"]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert main(["meetings", "quorum", "999999"]) == 2
    assert "no meeting with id 999999" in capsys.readouterr().err


def test_console_sends_the_notice_and_gives_the_letters(
    mailoutbox, django_capture_on_commit_callbacks
):
    org, users, members, meeting, resolution = _setup("called")
    chair = _client(users, "chair")
    page = chair.get(f"/o/coop/meetings/{meeting.pk}/console/").content.decode()
    assert "14 clear days; given on" in page
    response = chair.post(
        f"/o/coop/meetings/{meeting.pk}/console/action", {"action": "send_notice"}, follow=True
    )
    assert "The notice is being sent to every member." in response.content.decode()
    assert len(mailoutbox) == 0  # the worker sends it
    with django_capture_on_commit_callbacks(execute=True):  # recorded, then sent on commit
        assert run_queued() == 1
    assert len(mailoutbox) == 3
    again = chair.post(
        f"/o/coop/meetings/{meeting.pk}/console/action", {"action": "send_notice"}, follow=True
    )
    assert "has been sent already" in again.content.decode()
    letters = chair.get(f"/o/coop/meetings/{meeting.pk}/letters.pdf")
    assert letters.status_code == 200 and letters.content.startswith(b"%PDF")
    assert (
        _client(users, "member").get(f"/o/coop/meetings/{meeting.pk}/letters.pdf").status_code
        == 403
    )


def test_console_shows_the_agm_deadline_and_a_late_agm():
    org = found("co-operative-society", slug="coop")
    chair = get_user_model().objects.create_user("chair")
    register.grant_role(org, chair, "chair")
    late = timezone.make_aware(timezone.datetime(2026, 7, 15, 19))
    meeting = services.create_meeting(
        org, kind="agm", title="AGM", starts_at=late, financial_year=2025
    )
    client = Client()
    client.force_login(chair)
    page = client.get(f"/o/coop/meetings/{meeting.pk}/console/").content.decode()
    assert "30 June 2026" in page and "Late" in page  # 6 months after 31 December 2025


def test_minutes_are_approved_and_published_from_a_later_meetings_console():
    org, users, members, meeting, resolution = _setup("closed")
    later_start = meeting.starts_at + timedelta(days=40)
    later = services.create_meeting(org, kind="general", title="Winter", starts_at=later_start)
    services.call_meeting(later, now=later_start - timedelta(days=20))
    services.open_meeting(later, now=later_start)
    chair = _client(users, "chair")
    console = f"/o/coop/meetings/{later.pk}/console/"
    action = f"/o/coop/meetings/{later.pk}/console/action"
    minutes = meeting.minutes
    page = chair.post(action, {"action": "approve_minutes", "minutes": minutes.pk}, follow=True)
    assert "inquorate" in page.content.decode()
    services.check_in_many(later, members[:3])
    assert "Approve the minutes of Autumn meeting" in chair.get(console).content.decode()
    chair.post(action, {"action": "approve_minutes", "minutes": minutes.pk})
    chair.post(action, {"action": "publish_minutes", "minutes": minutes.pk})
    minutes.refresh_from_db()
    assert minutes.state == "published" and minutes.approved_at_meeting == later
    shown = Client().get(f"/o/coop/meetings/{meeting.pk}/").content.decode()
    assert "Minutes of the general meeting of" in shown


def test_papers_are_published_with_the_notice():
    org, users, members, meeting, resolution = _setup("called")
    with pytest.raises(services.MeetingError, match="not an https address"):
        services.add_paper(meeting, title="Accounts", url="http://example.org/a.pdf")
    services.add_paper(meeting, title="Annual accounts", url="https://example.org/accounts.pdf")
    page = Client().get(f"/o/coop/meetings/{meeting.pk}/").content.decode()
    assert 'href="https://example.org/accounts.pdf">Annual accounts</a>' in page


def test_ballots_are_published_after_the_declaration_and_receipts_can_be_checked():
    org, users, members, meeting, resolution = _setup("in-session")
    services.open_vote(resolution)
    receipt = services.cast_vote(resolution, members[0], "against").receipt
    services.cast_vote(resolution, members[1], "for")
    client = Client()
    csv_url = f"/o/coop/meetings/{meeting.pk}/resolutions/1/ballots.csv"
    assert client.get(csv_url).status_code == 409  # not before the declaration
    services.declare_result(resolution)
    lines = client.get(csv_url).content.decode().splitlines()
    assert lines == ["choice", "against", "for"]  # no receipts beside the ballots
    receipts = client.get(csv_url.replace("ballots.csv", "receipts.csv")).content.decode()
    assert services.receipt_hash(receipt) in receipts.splitlines()
    results = f"/o/coop/meetings/{meeting.pk}/results/"
    page = client.post(results, {"receipt": receipt}).content.decode()
    assert "your ballot is in the count." in page and "against" not in page.split("lookup")[1]
    assert receipt not in page  # the receipt is not echoed back either
    shown = client.get(f"/o/coop/meetings/{meeting.pk}/").content.decode()
    assert "instructed proxies 0 for, 0 against, 0 abstaining;" in shown
    assert "3 of 6 members present or represented; quorum when the vote opened 3 present" in shown
    figures = client.get(f"/o/coop/meetings/{meeting.pk}/results.json").json()["resolutions"][0]
    assert figures["summary"].startswith("1 for, 1 against, 0 abstaining: NOT CARRIED (3 of 6")
    # Receipts are in the election codes' alphabet, found however the member types them.
    assert re.fullmatch(r"[2-9A-HJKMNP-TW-Z]{4}(-[2-9A-HJKMNP-TW-Z]{4}){2}", receipt)
    typed = receipt.replace("-", " ").lower()
    assert (
        "your ballot is in the count." in client.post(results, {"receipt": typed}).content.decode()
    )
    page = client.post(results, {"receipt": "nonsense"})
    assert "No counted ballot has that receipt" in page.content.decode()
    page = client.get(results, {"receipt": receipt})  # a GET look-up does nothing
    assert "your ballot is in the count" not in page.content.decode()


@pytest.mark.parametrize(
    ("model", "non_members"), [("community-mutual", True), ("community-energy-coop", False)]
)
def test_members_appoint_a_proxy_from_the_meeting_page(model, non_members):
    org = found(model, slug="mutual")
    user = get_user_model().objects.create_user("member")
    members = make_members(org, 4, users=[user])
    starts = timezone.now() + timedelta(days=20)
    meeting = services.create_meeting(org, kind="general", title="Spring", starts_at=starts)
    services.add_resolution(meeting, title="Paint", text="Blue.", kind_id="ordinary")
    services.call_meeting(meeting)
    client = Client()
    client.force_login(user)
    page = client.get(f"/o/mutual/meetings/{meeting.pk}/").content.decode()
    assert ("not a member" in page) is non_members
    url = f"/o/mutual/meetings/{meeting.pk}/proxy"
    data = {"proxy_name": "Jo Bloggs", "r1": "against"}
    answer = client.post(url, data, follow=True).content.decode()
    appointment = meeting.proxies.filter(appointer=members[0], revoked_at__isnull=True).first()
    if non_members:
        assert "Your proxy is Jo Bloggs." in answer
        assert appointment.proxy_name == "Jo Bloggs" and appointment.instructions == {
            "1": "against"
        }
    else:  # the name is not even a field here: the chair is appointed
        assert appointment.is_chair
    both = {"proxy_number": members[1].number, "proxy_name": "Jo Bloggs", "r1": "for"}
    answer = client.post(url, both, follow=True).content.decode()
    if non_members:
        assert "Give a membership number or a name, not both" in answer


def test_members_start_and_sign_a_requisition_and_the_officer_counts_it():
    org = found("co-operative-society", slug="coop")
    users = [get_user_model().objects.create_user(f"m{i}") for i in range(4)]
    officer = get_user_model().objects.create_user("officer")
    register.grant_role(org, officer, "officer")
    make_members(org, 40, users=users)  # 10% of 40: 4 signatures
    url = "/o/coop/meetings/requisitions/"
    first = _client({"m": users[0]}, "m")
    assert (
        "1/10 of the members or 100 members, whichever is lesser" in first.get(url).content.decode()
    )
    first.post(url, {"action": "start", "purpose": "Remove the board"})
    requisition = Requisition.objects.get(organisation=org)
    for user in users[1:3]:
        _client({"m": user}, "m").post(url, {"action": "sign", "requisition": requisition.pk})
    page = first.post(url, {"action": "sign", "requisition": requisition.pk}, follow=True)
    assert "has already signed" in page.content.decode()
    denied = first.post(url, {"action": "submit", "requisition": requisition.pk})
    assert denied.status_code == 403
    counted = _client({"officer": officer}, "officer").post(
        url, {"action": "submit", "requisition": requisition.pk}, follow=True
    )
    assert "3 valid signatures of the 4 needed: not enough valid signatures" in (
        counted.content.decode()
    )
    assert Client().post(url, {"action": "start", "purpose": "x"}).status_code == 403


def test_the_requisition_link_shows_only_where_members_may_requisition(client, db):
    from mutualise.register import services as register_services

    trust = register_services.create_from_model(model="nhs-foundation-trust", name="No Req FT")
    coop = register_services.create_from_model(model="co-operative-society", name="Req Co-op")
    assert "Requisition a general meeting" not in client.get(f"/o/{trust.slug}/meetings/").text
    assert "Requisition a general meeting" in client.get(f"/o/{coop.slug}/meetings/").text
