"""Meeting kinds are rulebook data (issue 20 item 5): `meetings.kinds` names the kinds of
meeting the rules provide for, each with its own notice where it gives one; the app offers those
kinds, refuses others, and gives each kind the notice the rulebook sets."""

from datetime import date

import pytest
from meeting_helpers import at, found, make_members

from mutualise.constitution import load_text, model_path
from mutualise.meetings import facts, services
from mutualise.meetings.services import MeetingError
from mutualise.register import services as register

pytestmark = pytest.mark.django_db


def model_text(slug: str) -> str:
    return model_path(slug).read_text()


KINDS = """  kinds:
    - {id: agm, name: Annual general meeting, annual: true, notice_clear_days: 21}
    - {id: general, name: General meeting}
    - {id: members-forum, name: "Members' forum", notice_clear_days: 7}
"""


def _with_kinds(text: str, kinds: str) -> str:
    start = text.index("  kinds:\n")
    end = text.index("  requisition:", start)
    return text[:start] + kinds + text[end:]


@pytest.fixture
def forum():
    org = found("co-operative-society", slug="forum-coop")
    text = _with_kinds(model_text("co-operative-society"), KINDS)
    register.adopt_constitution(org, text=text, source_name="forum.yaml", actor="test",
                                reason="kinds of meeting")  # fmt: skip
    make_members(org, 4)
    return org


def test_the_app_offers_the_rulebooks_kinds_and_refuses_others(forum):
    assert facts.meeting_kinds(forum.constitution) == ["agm", "general", "members-forum"]
    with pytest.raises(MeetingError, match="provide for no special meeting"):
        services.create_meeting(forum, kind="special", title="EGM", starts_at=at(date(2026, 10, 1)))
    meeting = services.create_meeting(forum, kind="members-forum", title="Forum",
                                      starts_at=at(date(2026, 10, 1)))  # fmt: skip
    assert meeting.get_kind_display() == "Members' forum" and not meeting.is_annual


def test_each_kind_gets_the_notice_the_rulebook_gives_it(forum):
    day = date(2026, 10, 1)
    forum_meeting = services.create_meeting(forum, kind="members-forum", title="Forum",
                                            starts_at=at(day))  # fmt: skip
    general = services.create_meeting(forum, kind="general", title="GM", starts_at=at(day))
    agm = services.create_meeting(forum, kind="agm", title="AGM", starts_at=at(day),
                                  financial_year=2026)  # fmt: skip
    general_days = forum.constitution.meetings.general.notice_clear_days
    assert (facts.notice_days(forum_meeting), facts.notice_days(agm)) == (7, 21)
    assert facts.notice_days(general) == general_days  # no days of its own: a general meeting's
    notice_on = date(2026, 9, 20)  # 10 clear days before
    assert facts.notice_check(forum_meeting, notice_on)[0] is True
    lawful, why = facts.notice_check(agm, notice_on)
    assert not lawful and "21 clear days" in why
    assert services.earliest_lawful_date(forum, "members-forum", notice_on) == date(2026, 9, 28)
    services.call_meeting(forum_meeting, now=at(notice_on, 12))
    with pytest.raises(MeetingError, match="21 clear days"):
        services.call_meeting(agm, now=at(notice_on, 12))


def test_an_annual_kind_needs_its_financial_year(forum):
    with pytest.raises(MeetingError, match="financial_year"):
        services.create_meeting(forum, kind="agm", title="AGM", starts_at=at(date(2026, 10, 1)))


@pytest.mark.pure
def test_the_schema_refuses_a_kind_named_twice():
    text = _with_kinds(model_text("co-operative-society"),
                       "  kinds:\n    - {id: agm, name: A, annual: true}\n"
                       "    - {id: agm, name: B}\n")  # fmt: skip
    with pytest.raises(ValueError, match="named twice: agm"):
        load_text(text, "twice.yaml")


@pytest.mark.pure
def test_a_rulebook_naming_no_kinds_gets_those_its_form_and_bodies_imply():
    """Rulebooks adopted before kinds were data keep the kinds they had."""
    nhs = model_text("nhs-foundation-trust")
    start = nhs.index("  kinds:\n")
    old = nhs[:start] + nhs[nhs.index("  requisition:", start) :]
    old_kinds = [k.id for k in load_text(old, "old.yaml").meeting_kinds()]
    assert old_kinds == [k.id for k in load_text(nhs, "nhs.yaml").meeting_kinds()]
    assert old_kinds == ["annual-members", "general", "special", "council-of-governors"]
