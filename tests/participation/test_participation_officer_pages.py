"""Officers' pages through Django's test client: moderate a proposal (hidden with a rulebook
reason its author then sees) and post a delivery update; errors at the field, roles refused,
each change audited."""

import pytest
from participation_helpers import make_members

from mutualise.audit.models import AuditEvent
from mutualise.participation import services
from mutualise.participation.models import Delivery, Proposal
from mutualise.register import services as register


@pytest.fixture
def people(council, django_user_model):
    officer = django_user_model.objects.create_user("olive")
    register.grant_role(council, officer, "officer", actor="test")
    author, other = (django_user_model.objects.create_user(n) for n in ("ann", "bob"))
    members = make_members(council, 2, users=[author, other])
    return officer, author, other, members


def test_a_moderator_hides_a_proposal_and_its_author_sees_why(client, council, people):
    officer, author, other, members = people
    proposal = services.submit_proposal(council, members[0], title="Rude words", text="...")
    url = f"/o/{council.slug}/participation/proposals/{proposal.pk}/moderate/"
    client.force_login(other)
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "offensive or abusive"}).status_code == 403
    client.force_login(officer)
    assert url in client.get(f"/o/{council.slug}/participation/").content.decode()
    bad = client.post(url, {"reason": "I do not like it"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert 'href="#id_reason"' in text and 'id="id_reason-error"' in text
    assert Proposal.objects.get(pk=proposal.pk).state == "open"
    done = client.post(url, {"reason": "offensive or abusive"})
    assert done.status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).state == "hidden"
    assert AuditEvent.objects.filter(action="proposal.hidden", subject_id=str(proposal.pk))
    client.force_login(author)
    page = client.get(f"/o/{council.slug}/participation/").content.decode()
    assert "A moderator hid your proposal: offensive or abusive." in page
    client.force_login(other)
    assert "Rude words" not in client.get(f"/o/{council.slug}/participation/").content.decode()
    client.logout()
    assert "Rude words" not in client.get(f"/o/{council.slug}/participation/").content.decode()


def test_an_officer_posts_a_delivery_update(client, council, people):
    officer, _, other, _ = people
    delivery = services.record_decision(
        council, source="resolution", source_ref="AGM resolution 4", title="Plant 100 trees"
    )
    url = f"/o/{council.slug}/participation/delivery/{delivery.pk}/update/"
    client.force_login(other)
    assert client.get(url).status_code == 403
    assert client.post(url, {"status": "done", "text": "x"}).status_code == 403
    client.force_login(officer)
    assert url in client.get(f"/o/{council.slug}/participation/delivery/").content.decode()
    cases = [
        ({"status": "dropped", "progress": "0", "text": "stopped"}, "id_dropped_reason"),
        ({"status": "under_way", "progress": "140", "text": "x"}, "id_progress"),
        ({"status": "under_way", "progress": "²", "text": "x"}, "id_progress"),
        ({"status": "under_way", "progress": "10", "text": " "}, "id_text"),
        ({"status": "finished", "progress": "10", "text": "x"}, "id_status"),
    ]
    for form, field in cases:
        bad = client.post(url, form)
        assert bad.status_code == 400, form
        text = bad.content.decode()
        assert f'href="#{field}"' in text and f'id="{field}-error"' in text, form
    assert not delivery.updates.exists()
    done = client.post(
        url,
        {"status": "under_way", "progress": "40", "text": "40 planted", "responsible": "Parks"},
    )
    assert done.status_code == 302
    delivery = Delivery.objects.get(pk=delivery.pk)
    assert (delivery.status, delivery.progress, delivery.responsible) == ("under_way", 40, "Parks")
    assert delivery.updates.get().by == "olive"
    assert AuditEvent.objects.filter(action="delivery.updated", subject_id=str(delivery.pk))
    public = client.get(f"/o/{council.slug}/participation/delivery/").content.decode()
    assert "40 planted" in public


def test_a_moderator_restores_a_hidden_proposal_saying_why(client, council, people):
    officer, author, other, members = people
    proposal = services.submit_proposal(council, members[0], title="Pond benches", text="Six.")
    services.hide_proposal(proposal, "a duplicate of another proposal", actor=officer)
    url = f"/o/{council.slug}/participation/proposals/{proposal.pk}/moderate/"
    client.force_login(other)
    assert client.post(url, {"action": "restore", "restore_reason": "x"}).status_code == 403
    with pytest.raises(services.ParticipationError, match="may not moderate proposals"):
        services.restore_proposal(proposal, "it is not a duplicate", actor=other)
    assert Proposal.objects.get(pk=proposal.pk).state == "hidden"
    client.force_login(officer)
    index = client.get(f"/o/{council.slug}/participation/").content.decode()
    assert "Pond benches" in index and "Restore or review" in index  # moderators see it
    page = client.get(url).content.decode()
    assert "Restore the proposal" in page and "a duplicate of another proposal" in page
    bad = client.post(url, {"action": "restore", "restore_reason": "  "})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert 'href="#id_restore_reason"' in text and 'id="id_restore_reason-error"' in text
    assert Proposal.objects.get(pk=proposal.pk).state == "hidden"
    why = "It is not a duplicate: the other one is about the park."
    done = client.post(url, {"action": "restore", "restore_reason": why})
    assert done.status_code == 302
    restored = Proposal.objects.get(pk=proposal.pk)
    assert (restored.state, restored.hidden_reason) == ("open", "")
    event = AuditEvent.objects.get(action="proposal.restored", subject_id=str(proposal.pk))
    assert event.data["reason"] == why and event.actor == "olive"
    assert event.data["hidden_for"] == "a duplicate of another proposal"
    client.force_login(other)
    assert "Pond benches" in client.get(f"/o/{council.slug}/participation/").content.decode()
