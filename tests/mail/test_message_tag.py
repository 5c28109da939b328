"""The outbox takes a message's tag colour from the message (`tag_class`), as the template
decided from status strings before (issue 20, item 2)."""

from mutualise.mail.models import Message, Status


def test_the_outbox_tag_colour_follows_the_status():
    colours = {
        "sent": "green",
        "failed": "red",
        "bounced": "red",
        "queued": "grey",
        "sending": "grey",
    }
    assert set(colours) == set(Status.values)
    for status, colour in colours.items():
        assert Message(status=status).tag_class == f"govuk-tag--{colour}"
