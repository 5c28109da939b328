"""The receipt after the vote is a page of its own (post, redirect, get): refreshing casts
nothing, and the voter may send it to an address they type. The email gives the receipt, never
the marks, and the outbox keeps it only until it is sent; no address or receipt is audited.
Where receipts show contents, email is refused."""

import json

import pytest
from election_helpers import nhs_rulebook
from test_elections_ballot_receipts import _election, _url

from mutualise.audit.models import AuditEvent
from mutualise.elections import services
from mutualise.elections.models import VoteRecord
from mutualise.mail.models import Message
from mutualise.register import services as register

pytestmark = pytest.mark.django_db


def _cast(client, election, code, ranking):
    client.post(_url(election, "vote/"), {"step": "code", "code": code})
    return client.post(_url(election, "vote/"), {"step": "confirm", "code": code, **ranking})


def test_the_receipt_page_refreshes_without_casting_and_sends_the_receipt_by_email(
    client, nhs_org, returning_officer, monkeypatch
):
    election, _, codes = _election(nhs_org, returning_officer, monkeypatch)
    cast = _cast(client, election, codes[0], {"c2": "1", "c1": "2"})
    assert cast.status_code == 302 and "receipt" not in cast["Location"].split("/vote/")[0]
    first = client.get(cast["Location"])
    receipt = first.context["receipt"]
    assert receipt and receipt not in cast["Location"]
    for _ in range(2):  # refreshing shows the same receipt and casts nothing
        again = client.get(cast["Location"])
        assert again.status_code == 200 and again.context["receipt"] == receipt
    assert VoteRecord.objects.filter(election=election).count() == 1

    bad = client.post(cast["Location"], {"email": "not an address"})
    assert bad.status_code == 400 and b'id="email-error"' in bad.content
    assert not Message.objects.exists()
    sent = client.post(cast["Location"], {"email": "voter@example.org"})
    assert sent.status_code == 200 and b"on its way" in sent.content
    message = Message.objects.get()
    assert message.to == "voter@example.org" and message.reason == "receipt"
    assert receipt not in message.text and message.secrets == {"receipt": receipt}
    assert "Ben Birch" not in message.text and "Ann Ash" not in message.text  # no marks
    event = AuditEvent.objects.get(action="election.receipt_emailed")
    assert "voter@example.org" not in json.dumps(event.data) and receipt not in json.dumps(
        event.data
    )

    other = client.__class__()  # another device: no receipt to show or send
    page = other.get(cast["Location"])
    assert page.context["receipt"] is None and receipt.encode() not in page.content
    assert other.post(cast["Location"], {"email": "x@example.org"}).status_code == 200
    assert Message.objects.count() == 1


def test_receipts_that_show_contents_are_not_emailed(client, returning_officer, monkeypatch):
    text = nhs_rulebook().replace("\nelections:\n", "\nelections:\n  receipts: contents\n", 1)
    org = register.create_organisation(
        name="Contents Trust", constitution_text=text, source_name="t.yaml", slug="contents"
    )
    from election_helpers import make_user

    from mutualise.register.models import Role

    officer = make_user(org, "ro2", Role.Kind.RETURNING_OFFICER)
    election, _, codes = _election(org, officer, monkeypatch)
    cast = _cast(client, election, codes[0], {"c1": "1"})
    page = client.get(cast["Location"])
    assert page.context["receipt"] and b'name="email"' not in page.content
    with pytest.raises(services.ElectionError, match="not sent by email"):
        services.email_receipt(election, page.context["receipt"], "voter@example.org")
    assert not Message.objects.exists()
