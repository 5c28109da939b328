"""`meetings.agm.open_to_public` decides who may attend the AGM (issue 20 item 5): the notice
and the meeting page say whether the public may attend, and the video call's address is given
to the public only when the rules open the AGM to them. Other meetings are unchanged."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from meeting_helpers import make_members, new_meeting, notice_day

from mutualise.constitution import model_path
from mutualise.meetings import pdf, services
from mutualise.register import services as register

pytestmark = pytest.mark.django_db
CALL = "https://meet.example.org/agm"


def _coop(open_to_public: bool):
    text = model_path("co-operative-society").read_text(encoding="utf-8")
    setting = "true" if open_to_public else "false"
    text = text.replace("  agm:\n", f"  agm:\n    open_to_public: {setting}\n", 1)
    org = register.create_organisation(
        name="Riverside Co-op", constitution_text=text, source_name="coop.yaml",
        slug="riverside", actor="test",
    )  # fmt: skip
    assert org.constitution.meetings.agm.open_to_public is open_to_public
    return org


def _called(org, kind, url):
    meeting = new_meeting(org, kind=kind, remote_url=url)
    services.call_meeting(meeting, now=notice_day(meeting))
    return meeting


def _page(org, meeting, user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(f"/o/{org.slug}/meetings/{meeting.pk}/").content.decode()


@pytest.mark.parametrize("open_to_public", [True, False])
def test_the_rulebook_decides_whether_the_public_may_attend_the_agm(open_to_public):
    org = _coop(open_to_public)
    agm = _called(org, "agm", CALL)
    notice = " ".join(text for _, text in pdf.notice_lines(agm))
    public_page = _page(org, agm)
    if open_to_public:
        assert "Members of the public may attend" in notice
        assert CALL in public_page and services.may_attend(agm, None)[0]
    else:
        assert "the public may not attend" in notice
        assert CALL not in public_page and "do not open the AGM to the public" in public_page
        assert not services.may_attend(agm, None)[0]


def test_a_member_of_a_closed_agm_is_given_the_call():
    org = _coop(False)
    user = get_user_model().objects.create_user("member")
    make_members(org, 1, users=[user])
    agm = _called(org, "agm", CALL)
    assert CALL in _page(org, agm, user)
    general = _called(org, "general", CALL + "/general")
    assert CALL + "/general" in _page(org, general)  # the field speaks of the AGM only
