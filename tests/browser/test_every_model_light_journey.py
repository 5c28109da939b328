"""Issue 13's journey, light, over every model rulebook, taken on to a result (issue 15): a
system administrator founds the organisation from its model and invites its membership secretary
and its chair, who accept (enrolling the second factor); the secretary imports members from the
import page's template (as many as the rulebook's quorum needs) and invites them; one member makes
a sign-in on a phone (390x844, axe, no sideways scrolling). The secretary calls a hybrid general
meeting (the rulebook's kind and its notice: the page gives the earliest lawful date) with a
resolution of the rulebook's first kind, decided on a poll, and publishes its notice, which the
member reads on the phone; the demo clock moves to the meeting; the chair opens it and checks in
members in the room until the console says it is quorate; the member joins online and votes on
the phone; the worker counts the poll; the chair declares it and closes the meeting; the member
sees the result on the phone. axe on every page.

The whole single-model journey (claims, password resets, an election set up) is
test_found_and_run_a_cooperative.py; an election from nominations to declared result, and an
AGM to approved minutes, in the demo with its clock: test_demo_journeys.py."""

import pytest
from django.contrib.auth import get_user_model
from meeting_journey import (
    check_in_to_quorum,
    declare_and_close,
    join_online,
    move_demo_clock,
    open_meeting,
    open_vote,
    see_result,
    vote,
)
from organisation_journey import (
    DESKTOP,
    PHONE,
    Authenticator,
    accept_member_invitation,
    accept_officer_invitation,
    call_meeting,
    fill_in_template,
    found_organisation,
    import_members,
    invite_members,
    invite_officer,
    member_number_in_mail,
    open_page,
    people,
    see_meeting_from_its_notice,
    sign_in,
)

from mutualise import clock
from mutualise.constitution import available_models, load_text
from mutualise.constitution.meetings_rules import quorum_required

# In make test this runs in the PostgreSQL pass (scripts/test.sh), to balance the two passes.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql_pass]
ROOT_PASSWORD = "install-root-passphrase"
FEWEST = 3  # members: one votes on a phone, the others are in the room


def rulebook(model: str):
    path = available_models()[model]
    return load_text(path.read_text(encoding="utf-8"), path.name)


def members_for_a_quorum(model: str) -> int:
    """The fewest members (at least FEWEST) who can make the model's general meeting quorate."""
    rules = rulebook(model).meetings
    count = FEWEST
    while quorum_required(rules, count) > count:
        count = quorum_required(rules, count)
    return count


def general_meeting(model: str) -> str:
    """What the rulebook calls its (non-annual) general meeting of the members."""
    kinds = [k for k in rulebook(model).meeting_kinds() if k.members and not k.annual]
    return next((k for k in kinds if k.id == "general"), kinds[0]).name


def a_postcode_in_its_area(model: str) -> str:
    """Where the model's members live: in its first area, if it has areas (as a real
    organisation's register would be)."""
    constitution = rulebook(model)
    areas = [c.eligibility.area for c in constitution.constituencies if c.eligibility.area]
    return f"{areas[0].postcode_districts[0]} 1AA" if areas else "NE1 4ST"


def only_staff_may_join(model: str) -> bool:
    return all(c.eligibility.staff for c in rulebook(model).constituencies)


@pytest.fixture
def demo_clock(browser):
    """The demo clock back at the wall clock before and after (the suite shares its file); the
    journey's people's browsers closed after it (the suite shares one browser)."""
    clock.reset()
    yield
    clock.reset()
    for context in browser.contexts:
        context.close()


@pytest.mark.parametrize("model", sorted(available_models()))
def test_found_staff_join_and_decide_every_model(browser, live_server, demo_clock, model):
    get_user_model().objects.create_superuser("root", "root@example.org", ROOT_PASSWORD)
    app, url = Authenticator(), live_server.url
    admin = open_page(browser, url, DESKTOP)
    sign_in(admin, "root", ROOT_PASSWORD, app)
    slug = found_organisation(admin, model, f"Example {model.replace('-', ' ').title()}")
    invite_officer(admin, slug, "sam@example.org", "Membership secretary")
    invite_officer(admin, slug, "cat@example.org", "Chair")

    secretary = open_page(browser, url, PHONE)  # opened from the mail on a phone
    accept_officer_invitation(secretary, "sam@example.org", "Sam Secretary", "ledger tulip 42", app)
    secretary.set_viewport_size(DESKTOP)  # the register is desk work
    count = members_for_a_quorum(model)
    members = people(count, a_postcode_in_its_area(model), only_staff_may_join(model))
    import_members(secretary, slug, fill_in_template(secretary, slug, members), count)
    invite_members(secretary, slug, count)

    phone = open_page(browser, url, PHONE)
    voter, *in_the_room = members
    accept_member_invitation(phone, voter, "willow harbour lantern")

    title, motion = "Autumn general meeting", "Community fund"
    kind = rulebook(model).meetings.resolutions[0].name  # the rulebook's first kind
    meeting = call_meeting(
        secretary, slug, title, [(motion, kind)],
        kind=general_meeting(model), online=True, method="Poll",
    )  # fmt: skip
    see_meeting_from_its_notice(phone, voter, [motion])

    chair = open_page(browser, url, PHONE)
    accept_officer_invitation(chair, "cat@example.org", "Cat Chair", "gavel orchard 7", None)
    chair.set_viewport_size(DESKTOP)  # the console is run from a laptop at the front
    move_demo_clock(chair, f"{title} starts")
    open_meeting(chair, meeting)
    join_online(phone, meeting)
    chair.reload()
    check_in_to_quorum(chair, [member_number_in_mail(p.email) for p in in_the_room])
    open_vote(chair, 1)
    vote(phone, meeting, 1, "For")
    declared = declare_and_close(chair, meeting, 1)
    assert "1 for, 0 against, 0 abstaining" in declared, declared
    seen = see_result(phone, meeting, motion)
    assert "1 for, 0 against, 0 abstaining" in seen, seen
