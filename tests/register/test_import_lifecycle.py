"""An import job's states in one table (register/import_lifecycle.py, issue 20 item 2):
uploaded -> queued -> running -> done, or failed; the services and the preview page ask it."""

import pytest

from mutualise.register import import_lifecycle as lifecycle
from mutualise.register import services
from mutualise.register.errors import MemberError
from mutualise.register.import_lifecycle import ImportFacts

CSV = b"display_name,date_of_birth,address,postcode,email\nAl Smith,1980-01-02,1 Way,NE1 6EE,al@example.org\n"


def test_the_moves_from_each_state():
    allowed = {
        state: sorted(set(lifecycle.MOVES) - set(lifecycle.blocking(ImportFacts(state))))
        for state in lifecycle.STATES
    }
    assert allowed == {
        "uploaded": ["fail", "queue", "run"],
        "queued": ["fail", "run"],
        "running": ["fail", "finish", "run"],  # a killed worker's job runs again
        "done": [],
        "failed": [],
    }
    assert lifecycle.blocking(ImportFacts("done"))["run"] == (
        "this upload is done, not waiting to be imported"
    )


@pytest.mark.django_db
def test_a_done_import_cannot_be_queued_or_run_again_and_the_preview_moves_on(board_org):
    pending = services.upload_import(board_org, CSV, "m.csv", actor="test")
    assert lifecycle.awaits_decision(pending)
    services.run_pending_import(pending.pk, actor="test")
    pending.refresh_from_db()
    assert pending.state == lifecycle.DONE and not lifecycle.awaits_decision(pending)
    with pytest.raises(MemberError, match="already been accepted"):
        services.queue_import(pending, actor="test")
    with pytest.raises(MemberError, match="this upload is done, not waiting"):
        services.run_pending_import(pending.pk, actor="test")
    assert [c[0] for c in type(pending)._meta.get_field("state").choices] == list(lifecycle.STATES)
