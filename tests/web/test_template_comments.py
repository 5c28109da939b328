"""Django's `{# ... #}` comment is one line only: a `{#` without its `#}` on the same line is
rendered as text (a multi-line note shows on the page). Longer notes use {% comment %}."""

from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def test_no_template_has_a_comment_running_over_lines():
    templates = sorted(SRC.glob("**/templates/**/*.html"))
    assert templates, "no templates found under src/"
    open_ended = []
    for path in templates:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            at = line.find("{#")
            while at != -1:
                end = line.find("#}", at + 2)
                if end == -1:
                    open_ended.append(f"{path.relative_to(SRC)}:{number}")
                    break
                at = line.find("{#", end + 2)
    assert not open_ended, "use {% comment %} for a note over lines: " + ", ".join(open_ended)
