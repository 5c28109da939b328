"""A general meeting from its start to its declared result, as steps a journey puts together for
any model (after organisation_journey.call_meeting has given its notice): the demo clock moves
to the meeting's start; the chair opens it from the console and checks in, by membership number,
as many members in the room as its quorum still needs; a member on a phone joins online and votes
on a poll; the chair declares the result and closes the meeting; the member sees the result.

The browser, as in organisation_journey.py (but for the members checked in past the second,
who go in by the verb the console calls: check_in_to_quorum says why): what the chair needs (how many more make a
quorum) is read from the console, the rulebook having put it there; axe on each page, a member's
page at 390x844 with no sideways scrolling.
"""

from __future__ import annotations

import re

from organisation_journey import looked_at, run_worker
from playwright.sync_api import expect

from mutualise.meetings import services
from mutualise.meetings.models import Meeting
from mutualise.register.models import Member


def move_demo_clock(page, to: str) -> None:
    """On the demo clock page (a demo install's; an officer may use it), move the clock to the
    next deadline whose line contains `to`; every page then shows the clock is set."""
    page.goto("/demo/clock/")
    looked_at(page, "the demo clock")
    page.locator("li").filter(has_text=to).first.get_by_role("button").click()
    expect(page.get_by_text("The demo clock now says")).to_be_visible()
    expect(page.locator("#demo-clock")).to_be_visible()
    looked_at(page, "the demo clock, moved")


def _quorum(page) -> tuple[int, int]:
    """(present, needed) as the console's quorum line gives them."""
    text = page.locator("#quorum").inner_text()
    found = re.search(r"(\d+) present, (\d+) needed", text)
    assert found, text
    return int(found.group(1)), int(found.group(2))


def open_meeting(page, meeting: str) -> None:
    """The chair opens the meeting from the console, its day having come."""
    page.goto(f"{meeting}console/")
    looked_at(page, "the chair's console before the meeting")
    page.get_by_role("button", name="Open the meeting").click()
    expect(page.locator("main")).to_contain_text("In session")
    looked_at(page, "the chair's console, in session")


def join_online(page, meeting: str) -> None:
    """A member (signed in on a phone) joins the meeting online from its page."""
    page.goto(meeting)
    page.get_by_role("button", name="Join the meeting online").click()
    expect(page.get_by_text("You have joined the meeting online.")).to_be_visible()
    looked_at(page, "the meeting, joined online", phone=True)


def check_in_to_quorum(page, numbers: list[str]) -> None:
    """The chair checks in members present in the room (finding each by number, confirming
    their name) until the console says the meeting is quorate. The first two go through the
    console's form; the rest through the verb that form calls (`check_in_many`, as a door list
    would), so a quorum of 50 costs CI two page loads, not a hundred."""
    present, needed = _quorum(page)
    assert needed - present <= len(numbers), f"{needed} needed, {present} present: too few"
    wanted = numbers[: max(needed - present, 0)]
    for k, number in enumerate(wanted[:2]):
        page.get_by_label("Membership number").fill(number)
        page.get_by_role("button", name="Find the member").click()
        confirm = page.locator("#confirm-check-in")
        expect(confirm).to_contain_text(f"Member {number}:")
        if k == 0:
            looked_at(page, "the console, confirming who is checking in")
        confirm.get_by_role("button", name=re.compile("^Check in ")).click()
        expect(page.locator("#attendance")).to_contain_text(number)
    if wanted[2:]:
        _check_in_the_door_list(page.url, wanted[2:])
        page.reload()
    expect(page.locator("#quorum")).to_contain_text("Quorate")
    looked_at(page, "the console, quorate")


def _check_in_the_door_list(console_url: str, numbers: list[str]) -> None:
    pk = int(re.search(r"/meetings/(\d+)/", console_url).group(1))
    meeting = Meeting.objects.get(pk=pk)
    members = Member.objects.filter(
        organisation=meeting.organisation, number__in=[int(n) for n in numbers]
    )
    services.check_in_many(meeting, members, actor="the door list")


def open_vote(page, number: int) -> None:
    page.get_by_role("button", name=f"Open the vote ({number})").click()
    expect(page.get_by_text(f"Voting on resolution {number} is open.")).to_be_visible()
    looked_at(page, f"the console, the vote on resolution {number} open")


def vote(page, meeting: str, number: int, choice: str) -> None:
    """The member votes on the poll from the meeting's page on their phone; a receipt."""
    page.goto(meeting)
    page.get_by_role("group", name=f"Your vote on resolution {number}").get_by_label(
        choice, exact=True
    ).check()
    looked_at(page, "the member's ballot on the resolution", phone=True)
    page.get_by_role("button", name=f"Vote on resolution {number}").click()
    expect(page.get_by_text(f"Your vote on resolution {number} is recorded")).to_be_visible()
    looked_at(page, "the member's receipt", phone=True)
    page.get_by_role("link", name="Back to the meeting").click()
    expect(page.get_by_text("You have voted")).to_be_visible()


def declare_and_close(page, meeting: str, number: int) -> str:
    """The chair declares the poll's result (the worker counts it) and closes the meeting;
    returns the result as the console words it."""
    page.goto(f"{meeting}console/")
    expect(page.locator("main")).to_contain_text("1 member has voted.")
    page.get_by_role("button", name=f"Declare the result ({number})").click()
    assert "/jobs/" in page.url, page.url  # a poll is counted by the worker
    looked_at(page, "the poll's count, waiting for the worker")
    assert run_worker() >= 1
    # The job page reloads itself once the job is done: wait for that before going on, or
    # the reload would cut the next page short.
    expect(page.get_by_role("heading", name="Finished")).to_be_visible(timeout=30_000)
    looked_at(page, "the poll's count, done")
    page.goto(f"{meeting}console/")
    result = page.locator(f"section[aria-labelledby='console-r{number}']")
    expect(result).to_contain_text("for,")
    looked_at(page, "the console, the result declared")
    page.get_by_role("button", name="Close the meeting").click()
    expect(page.get_by_text("Done: close the meeting")).to_be_visible()
    looked_at(page, "the console, the meeting closed")
    return result.inner_text()


def see_result(page, meeting: str, title: str) -> str:
    """The member reads the declared result on the meeting's page, on a phone."""
    page.goto(meeting)
    section = page.locator("section").filter(has_text=title)
    expect(section).to_contain_text(re.compile("(Not carried|Carried): "))
    looked_at(page, "the declared result, on the member's phone", phone=True)
    return section.inner_text()
