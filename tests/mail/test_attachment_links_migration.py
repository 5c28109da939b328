"""The migration that made a message's attachments a through model carrying `organisation`
(issue 20 item 7) keeps the links written before it, each given its message's organisation
(none, as the message has none, for the install's own mail)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from mutualise.mail import services as mail
from mutualise.mail.models import Message, MessageAttachment
from mutualise.register import services as register

BEFORE = [("mail", "0003_resend_and_address_reports")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _message(org, to):
    return Message.objects.create(
        organisation=org, to=to, from_address="o@example.org", reason="r", template="t",
        subject="s", text="x",
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_links_written_before_the_migration_keep_them_and_get_the_messages_organisation():
    org = register.create_from_model(
        model="supporters-trust", name="Ayrshire Supporters Trust", slug="ayrshire", actor="t"
    )
    notice = mail.attachment(org, "notice.pdf", b"%PDF", "application/pdf")
    made = [(_message(org, "a@example.org"), notice), (_message(None, "b@example.org"), notice)]
    leaf = MigrationExecutor(connection).loader.graph.leaf_nodes("mail")
    try:
        old = _migrate(BEFORE).loader.project_state(BEFORE[0]).apps
        through = old.get_model("mail", "Message").attachments.through
        assert through._meta.auto_created  # Django's own join table
        for message, attachment in made:
            through.objects.create(message_id=message.pk, attachment_id=attachment.pk)
        _migrate(leaf)
    finally:
        _migrate(leaf)
    for message, attachment in made:
        assert list(message.attachments.all()) == [attachment]
        assert list(
            MessageAttachment.objects.filter(message=message).values_list("organisation", flat=True)
        ) == [message.organisation_id]
    assert [m.organisation_id for m, _ in made] == [org.pk, None]
