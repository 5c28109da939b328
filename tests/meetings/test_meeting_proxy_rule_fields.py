"""Issue 20, item 5: the rulebook's `meetings.proxies` fields decide who may be a proxy, how
many proxies one person may hold and until when a proxy may be lodged: `proxy_must_be_member`,
`max_per_proxy` and `lodge_hours_before`, each changed in a rulebook."""

from datetime import timedelta

import pytest
from django.utils import timezone
from meeting_helpers import make_members

from mutualise.constitution import model_path
from mutualise.meetings import services
from mutualise.meetings.services import MeetingError
from mutualise.register import services as register

pytestmark = pytest.mark.django_db
PROXIES = (
    "  proxies:\n"
    "    allowed: true                       # [R] helps members who cannot attend\n"
    "    proxy_must_be_member: false         # a carer may act [R]\n"
    "    max_per_proxy: 2\n"
)


def _meeting(slug, **proxies):
    """A community mutual whose `meetings.proxies` are these, with 4 members and a general
    meeting called 40 days ahead."""
    text = model_path("community-mutual").read_text(encoding="utf-8")
    assert text.count(PROXIES) == 1
    rules = "".join(f"    {field}: {value}\n" for field, value in proxies.items())
    org = register.create_organisation(
        name=f"Mutual {slug}", constitution_text=text.replace(PROXIES, "  proxies:\n" + rules),
        source_name=f"{slug}.yaml", slug=slug, actor="t",
    )  # fmt: skip
    members = make_members(org, 4)
    meeting = services.create_meeting(
        org, kind="general", title="Spring", starts_at=timezone.now() + timedelta(days=40)
    )
    services.call_meeting(meeting, now=timezone.now())
    return meeting, members


def test_proxy_must_be_member():
    strict, members = _meeting("must", allowed="true", proxy_must_be_member="true")
    with pytest.raises(MeetingError, match="a proxy must be a member under these rules"):
        services.appoint_proxy(strict, members[0], proxy_name="Carol Carer")
    loose, members = _meeting("may", allowed="true", proxy_must_be_member="false")
    appointment = services.appoint_proxy(loose, members[0], proxy_name="Carol Carer")
    assert appointment.proxy_name == "Carol Carer"


@pytest.mark.parametrize("most", [1, 2])
def test_max_per_proxy(most):
    meeting, members = _meeting(f"most-{most}", allowed="true", max_per_proxy=most)
    holder = members[3]
    services.appoint_proxy(meeting, members[0], proxy_member=holder)
    if most == 1:
        with pytest.raises(
            MeetingError, match=r"already holds 1 proxies, the most the rules allow \(1\)"
        ):
            services.appoint_proxy(meeting, members[1], proxy_member=holder)
    else:
        services.appoint_proxy(meeting, members[1], proxy_member=holder)
        assert services.live_proxies(meeting).filter(proxy_member=holder).count() == 2


def test_lodge_hours_before():
    late = lambda meeting: meeting.starts_at - timedelta(hours=24)  # noqa: E731
    strict, members = _meeting("lodge-48", allowed="true", lodge_hours_before=48)
    with pytest.raises(MeetingError, match=r"\(48 hours before the meeting\)"):
        services.appoint_proxy(strict, members[0], proxy_member=members[3], now=late(strict))
    loose, members = _meeting("lodge-12", allowed="true", lodge_hours_before=12)
    assert services.appoint_proxy(loose, members[0], proxy_member=members[3], now=late(loose))
