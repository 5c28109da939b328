"""The gaps the verb walk found (issue 11 item 7), each shown to write its event now."""

import pytest

from mutualise.audit.models import AuditEvent
from mutualise.audit.services import verify
from mutualise.elections import services
from mutualise.elections.models import PaperEntry
from mutualise.register import services as register

pytestmark = pytest.mark.django_db


def test_discarding_a_paper_keying_is_audited_without_the_code(polling, returning_officer):
    drive, codes = polling
    election = drive.election
    marks = services.parse_marks(election, {2: "1"})
    assert services.key_paper_ballot(election, codes[0], marks, actor=returning_officer) is None
    assert PaperEntry.objects.filter(election=election).count() == 1
    assert services.discard_paper_keying(election, codes[0], actor=returning_officer)
    event = AuditEvent.objects.get(action="election.paper_keying_discarded")
    assert (event.actor, event.subject_id) == ("ro", str(election.pk))
    assert codes[0] not in str(event.data) and "2" not in str(event.data)
    # nothing to discard, nothing recorded
    assert not services.discard_paper_keying(election, codes[0], actor=returning_officer)
    assert AuditEvent.objects.filter(action="election.paper_keying_discarded").count() == 1
    assert verify(election.organisation).ok


def test_an_upload_of_personal_data_is_audited(nhs_org):
    pending = register.upload_import(nhs_org, b"name\nAda\n", "members.csv", actor="officer")
    event = AuditEvent.objects.get(action="import.uploaded")
    assert (event.actor, event.subject_id, event.data) == ("officer", str(pending.pk), {"bytes": 9})
