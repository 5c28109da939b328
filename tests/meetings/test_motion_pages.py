"""The members' motions page through Django's test client: a member proposes a motion for a
meeting being prepared, other members support it, and those who run meetings put it on the
agenda once it has the supporters the meeting needs. Errors come back in a GOV.UK error summary."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from meeting_helpers import found, make_members, new_meeting, notice_day

from mutualise.audit.services import events_about
from mutualise.meetings import services
from mutualise.meetings.models import Motion
from mutualise.register import services as register

pytestmark = pytest.mark.django_db


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _setup(model="co-operative-society", slug="coop", supporters=2):
    org = found(model, slug=slug)
    users = [get_user_model().objects.create_user(f"member{i}") for i in range(4)]
    members = make_members(org, 6, users=users)
    officer = get_user_model().objects.create_user("officer")
    register.grant_role(org, officer, "officer")
    meeting = new_meeting(org, motion_supporters_required=supporters)
    return org, users, members, officer, meeting


def _url(meeting):
    return f"/o/{meeting.organisation.slug}/meetings/{meeting.pk}/motions/"


def _propose(client, meeting, **fields):
    data = {
        "action": "submit",
        "title": "Solar roof",
        "text": "To fit panels.",
        "kind_id": "ordinary",
    }
    return client.post(_url(meeting), {**data, **fields})


def test_a_member_proposes_others_support_and_an_officer_accepts():
    org, users, members, officer, meeting = _setup()
    proposer = _client(users[0])
    page = proposer.get(_url(meeting))
    assert page.status_code == 200
    assert "A motion needs 2 other members to support it" in page.content.decode()

    response = _propose(proposer, meeting, statement="Cheaper power for all.")
    assert response.status_code == 302
    motion = Motion.objects.get(meeting=meeting)
    assert (motion.proposer, motion.title, motion.statement) == (
        members[0],
        "Solar roof",
        "Cheaper power for all.",
    )
    page = proposer.get(_url(meeting)).content.decode()
    assert "Your motion ‘Solar roof’ is submitted." in page
    assert "Support ‘Solar roof’" not in page  # not one's own motion

    officer_page = _client(officer).get(_url(meeting)).content.decode()
    assert 'disabled aria-disabled="true" aria-describedby="why-accept' in officer_page
    assert "It has 0 supporters; 2 are needed." in officer_page

    refused = _client(officer).post(_url(meeting), {"action": "accept", "motion": motion.pk})
    assert refused.status_code == 302
    assert motion.resolution is None and not meeting.resolutions.exists()

    for user in users[1:3]:
        client = _client(user)
        assert (
            client.post(_url(meeting), {"action": "support", "motion": motion.pk}).status_code
            == 302
        )
        assert "You support this motion" in client.get(_url(meeting)).content.decode()
    assert motion.supporters.count() == 2

    _client(officer).post(_url(meeting), {"action": "accept", "motion": motion.pk})
    motion.refresh_from_db()
    assert motion.state == "accepted" and motion.resolution.number == 1
    assert motion.resolution.proposed_by == f"member {members[0].number}"
    actions = set(events_about(org, "Motion", motion.pk).values_list("action", flat=True))
    assert actions == {"motion.submitted", "motion.supported", "motion.accepted"}
    page = _client(officer).get(_url(meeting)).content.decode()
    assert "On the agenda" in page and "as resolution 1" in page
    assert "Put ‘Solar roof’ on the agenda" not in page


def test_a_motion_is_accepted_once():
    org, users, members, officer, meeting = _setup(supporters=0)
    motion = services.submit_motion(
        meeting, members[0], title="Paint", text="Blue.", kind_id="ordinary"
    )
    services.accept_motion(motion)
    with pytest.raises(services.MeetingError, match="on the agenda already"):
        services.accept_motion(motion)
    assert meeting.resolutions.count() == 1


def test_empty_fields_are_listed_in_an_error_summary():
    org, users, members, officer, meeting = _setup()
    response = _propose(_client(users[0]), meeting, title="", text="  ")
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and "There is a problem" in page
    assert '<a href="#title">Enter a title for the motion</a>' in page
    assert '<a href="#text">Enter the words of the motion</a>' in page
    assert "govuk-input--error" in page and "<title>Error: " in page
    assert not Motion.objects.exists()


def test_too_many_words_in_the_statement_is_refused_with_the_rulebook_limit():
    org, users, members, officer, meeting = _setup("building-society", "society")
    page = _client(users[0]).get(_url(meeting)).content.decode()
    assert "The rules allow at most 500 words." in page
    words = " ".join(["word"] * 501)
    response = _propose(_client(users[0]), meeting, statement=words)
    page = response.content.decode()
    message = "Your supporting statement is 501 words; the rules allow at most 500"
    assert f'<a href="#statement">{message}</a>' in page
    assert 'id="statement-error"' in page and words in page  # the text is kept to edit
    assert not Motion.objects.exists()
    assert _propose(_client(users[0]), meeting, statement=words[5:]).status_code == 302


def test_an_unknown_kind_of_resolution_is_refused():
    org, users, members, officer, meeting = _setup()
    page = _propose(_client(users[0]), meeting, kind_id="nonsense").content.decode()
    assert '<a href="#kind_id">' in page and "govuk-error-summary" in page


def test_once_notice_is_given_the_page_takes_no_motions():
    org, users, members, officer, meeting = _setup()
    services.call_meeting(meeting, now=notice_day(meeting))
    page = _client(users[0]).get(_url(meeting)).content.decode()
    assert "it takes no more motions" in page and "Submit the motion" not in page
    response = _propose(_client(users[0]), meeting)
    assert "Motions are taken before notice of the meeting is given" in response.content.decode()
    assert not Motion.objects.exists()


def test_support_twice_is_refused_with_a_message():
    org, users, members, officer, meeting = _setup()
    motion = services.submit_motion(
        meeting, members[0], title="Paint", text="Blue.", kind_id="ordinary"
    )
    client = _client(users[1])
    client.post(_url(meeting), {"action": "support", "motion": motion.pk})
    client.post(_url(meeting), {"action": "support", "motion": motion.pk}, follow=False)
    page = client.get(_url(meeting)).content.decode()
    assert f"Member {members[1].number} already supports this motion" in page
    assert motion.supporters.count() == 1


@pytest.mark.parametrize(
    "who, get, submit, accept",
    [
        ("public", 403, 403, 403),
        ("non-member", 403, 403, 403),
        ("member", 200, 302, 403),
        ("officer", 200, 403, 302),
    ],
)
def test_who_may_see_propose_and_accept(who, get, submit, accept):
    org, users, members, officer, meeting = _setup(supporters=0)
    motion = services.submit_motion(
        meeting, members[3], title="Paint", text="Blue.", kind_id="ordinary"
    )
    user = {
        "public": None,
        "non-member": get_user_model().objects.create_user("stranger"),
        "member": users[0],
        "officer": officer,
    }[who]
    client = _client(user)
    assert client.get(_url(meeting)).status_code == get
    assert _propose(client, meeting).status_code == submit
    assert (
        client.post(_url(meeting), {"action": "accept", "motion": motion.pk}).status_code == accept
    )
