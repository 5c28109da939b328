"""The server's access log keeps no token from a link: not in the path, the query or the Referer."""

import datetime
import types

from mutualise.web.access_log import RedactingLogger, redact_path

TOKEN = "Zq3_kP9-xR2mW8vT5nY1bC7dF4hJ6lA0"


def test_token_segments_are_masked_and_ordinary_paths_kept():
    assert redact_path(f"/accounts/invitations/{TOKEN}/") == "/accounts/invitations/[secret]/"
    assert redact_path(f"/accounts/reset/MTI/{TOKEN}-abc/") == "/accounts/reset/MTI/[secret]/"
    assert redact_path("/o/northshire-nhs-ft/elections/12/vote/") == (
        "/o/northshire-nhs-ft/elections/12/vote/"
    )
    # An organisation founded in the browser takes its slug from its long name: still logged.
    long_slug = "/o/walk-thirteen-bakery-co-operative-limited/members/"
    assert redact_path(long_slug) == long_slug
    assert redact_path(f"/o/walk-thirteen-bakery-co-operative-limited/claim/{TOKEN}/") == (
        "/o/walk-thirteen-bakery-co-operative-limited/claim/[secret]/"
    )


def test_the_logged_line_has_no_token_anywhere():
    logger = RedactingLogger(types.SimpleNamespace(**_config()))
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/accounts/invitations/{TOKEN}/?next=/x",
        "PATH_INFO": f"/accounts/invitations/{TOKEN}/",
        "QUERY_STRING": f"t={TOKEN}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"http://127.0.0.1:8000/accounts/invitations/{TOKEN}/",
        "REMOTE_ADDR": "127.0.0.1",
    }
    resp = types.SimpleNamespace(status="200 OK", sent=10, headers=[])
    req = types.SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    atoms = logger.atoms(resp, req, environ, datetime.timedelta(seconds=0.01))
    assert not any(TOKEN in str(value) for value in atoms.values()), atoms
    assert atoms["r"] == "GET /accounts/invitations/[secret]/ HTTP/1.1"


def _config():
    from gunicorn.config import Config

    config = Config()
    return {name: setting.get() for name, setting in config.settings.items()}
