"""Votes racing the declaration on PostgreSQL: every acknowledged vote is in the declared count,
every other vote is refused, and no member votes twice."""

import threading

import pytest
from django.db import connection, connections
from meeting_helpers import at, found, make_members, new_meeting, notice_day

from mutualise.meetings import services
from mutualise.meetings.services import MeetingError

pytestmark = pytest.mark.django_db(transaction=True)


def test_votes_racing_the_declaration_are_counted_or_refused():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time, so there is no race to test there")
    org = found("co-operative-society")
    members = make_members(org, 120)
    meeting = new_meeting(org)
    resolution = services.add_resolution(
        meeting, title="Race", text="...", kind_id="ordinary", method="poll"
    )
    services.call_meeting(meeting, now=notice_day(meeting))
    meeting = services.open_meeting(meeting, now=at(meeting.date))
    services.check_in_many(meeting, members, mode="online")
    services.open_vote(resolution)
    acknowledged, refused, lock = [], [], threading.Lock()
    started = threading.Barrier(5)

    def voter(batch):
        started.wait()
        try:
            for member in batch:
                # Each member tries twice: the second is always refused.
                for choice in ("for", "against"):
                    try:
                        receipt = services.cast_vote(resolution, member, choice)
                    except MeetingError as exc:
                        with lock:
                            refused.append(str(exc))
                    else:
                        with lock:
                            acknowledged.append((choice, receipt.receipt))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=voter, args=(members[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    started.wait()
    while len(acknowledged) < 20:
        pass
    declared = services.declare_result(resolution)
    for thread in threads:
        thread.join()
    assert 20 <= len(acknowledged) < 120
    assert len(acknowledged) + len(refused) == 240
    assert all(choice == "for" for choice, _ in acknowledged)
    assert declared.votes_for == len(acknowledged) and declared.votes_against == 0
    assert all(services.check_receipt(resolution, r).counted for _, r in acknowledged)
    assert {m for m in refused} <= {
        "voting on this resolution has closed",
        "voting on this resolution is not open",
        *(f"member {m.number} has already voted on this resolution" for m in members),
    }
