import pytest
from mail_server import Server


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server started for the test; Django's mail goes to it, unpaced."""
    server = Server().start()
    for name, value in server.settings().items():
        setattr(settings, name, value)
    settings.MUTUALISE_EMAIL_RATE = 0
    settings.MUTUALISE_EMAIL_EAGER = False  # through the worker's task, as in production
    yield server
    server.stop()
