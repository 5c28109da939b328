"""The member page offers the moves the register lifecycle allows from the member's status
(`lifecycle.offered`), as it did from status strings before (issue 20, item 2)."""

from mutualise.register import lifecycle
from mutualise.register.models import Member, PendingImport


def test_each_status_offers_the_moves_the_page_showed():
    # merge and erase are offered by their own forms (a duplicate's number; a former member's
    # erasure), so the page reads only the status buttons' names from this set.
    assert lifecycle.offered("applied") == {"admit", "decline", "merge"}
    assert lifecycle.offered("admitted") == {"cease", "change_constituency", "merge"}
    assert lifecycle.offered("ceased") == {"rejoin", "merge", "erase"}
    assert lifecycle.offered("declined") == {"merge", "erase"}
    assert lifecycle.offered("merged") == {"erase"}
    assert set(Member.Status.values) == {"applied", "admitted", "ceased", "declined", "merged"}


def test_an_import_says_whether_it_finished_or_failed():
    for state in ("uploaded", "queued", "running", "done", "failed"):
        pending = PendingImport(state=state)
        assert pending.imported is (state == "done")
        assert pending.has_failed is (state == "failed")
