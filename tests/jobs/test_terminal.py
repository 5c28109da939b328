"""Progress in the terminal: rich's bar when installed, else tqdm's, else plain lines."""

import io

import pytest

from mutualise.jobs import terminal


class Tty(io.StringIO):
    def isatty(self):
        return True


def test_plain_progress_redraws_one_line_on_a_terminal(monkeypatch):
    monkeypatch.setenv("MUTUALISE_PROGRESS", "plain")
    out = Tty()
    with terminal.bar(200, unit="rows", label="Importing m.csv", stream=out) as shown:
        shown(50)
        shown.update(200)
    lines = out.getvalue().split("\r")
    assert lines[1].startswith("Importing m.csv: 25.0% 50 of 200 rows (")
    assert lines[-1].startswith("Importing m.csv: 100.0% 200 of 200 rows (")
    assert out.getvalue().endswith("/s)\n")


def test_plain_progress_into_a_log_writes_a_line_now_and_then(monkeypatch):
    monkeypatch.setenv("MUTUALISE_PROGRESS", "plain")
    monkeypatch.setattr(terminal, "PLAIN_EVERY_SECONDS", 0)
    out = io.StringIO()
    with terminal.bar(0, unit="messages", label="Sending", stream=out) as shown:
        shown(3)
    assert out.getvalue().splitlines()[0].startswith("Sending: 3 messages (")
    assert "\r" not in out.getvalue()


def test_rich_is_used_when_installed_and_quiet_shows_nothing(monkeypatch):
    pytest.importorskip("rich", reason="rich is not installed here: the plain bar is used")
    monkeypatch.delenv("MUTUALISE_PROGRESS", raising=False)
    out = io.StringIO()
    with terminal.bar(10, unit="rows", label="Checking", stream=out) as shown:
        assert isinstance(shown.shown, terminal.Rich)
        shown(10)
    assert "Checking" in out.getvalue() and "10/10" in out.getvalue()
    quiet = io.StringIO()
    with terminal.bar(10, label="Checking", stream=quiet, quiet=True) as shown:
        shown(5)
    assert quiet.getvalue() == ""
