"""Views and templates ask the lifecycle, never state strings (issue 20, item 2).

Which button a page offers, whether a POST is allowed and which branch a page takes are
decisions of an app's lifecycle: a guard there (`may_vote`, `may_appoint_proxy`) or a property
named for the question (`job.is_finished`, `meeting.being_prepared`). A view or template that
compares `state`/`status` itself re-derives the rule, and drifts from it when the lifecycle
changes. This scans every views module and template for such comparisons and fails on any not
allowed below.

The allowlist may only shrink: each entry is a file, how many comparisons it still holds and
why they stay. A new comparison fails; removing one fails until its count is lowered here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "src" / "mutualise"

# `x.state == ...`, `... != obj.status`, `state in (...)`, `status not in ...`, and the same of
# `state_enum`, `meeting_state` and the like; over line breaks too (as ruff may wrap them).
_NAME = r"(?:\w+_)?(?:state|status)(?:_\w+)?"
COMPARISON = re.compile(
    rf"\b{_NAME}\s*(?:==|!=)"
    rf"|(?:==|!=)\s*[\w.]*\b{_NAME}\b"
    rf"|\b{_NAME}\s+(?:not\s+)?in\b"
)

_FILTER = (
    "a list page's filter: which option of the filter is selected, or whether the value asked "
    "for is one of the choices; no lifecycle decision"
)

ALLOWED: dict[str, tuple[int, str]] = {
    "accounts/views/founding.py": (1, "an HTTP status code (400), not a lifecycle state"),
    "participation/templates/participation/delivery_update.html": (
        1,
        "the form's radio buttons: which status option is checked (the one posted or saved)",
    ),
    "web/failed_mail.py": (1, _FILTER),
    "web/outbox.py": (1, _FILTER),
    "web/templates/web/failed_mail.html": (1, _FILTER),
    "web/templates/web/outbox.html": (1, _FILTER),
}


def is_view_or_template(path: Path) -> bool:
    """Templates, the web app, views packages and modules, and page modules (`*_pages.py`)."""
    rel = path.relative_to(ROOT).as_posix()
    if path.suffix == ".html":
        return "/templates/" in f"/{rel}"
    if path.suffix != ".py":
        return False
    return (
        rel.startswith("web/")
        or "/views/" in rel
        or path.name.startswith("views")
        or path.stem.endswith(("_views", "_pages"))
    )


def comparisons() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(ROOT.rglob("*")):
        if not path.is_file() or not is_view_or_template(path):
            continue
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        rel = path.relative_to(ROOT).as_posix()
        for match in COMPARISON.finditer(text):
            number = text.count("\n", 0, match.start()) + 1
            found.setdefault(rel, []).append(f"{rel}:{number}: {lines[number - 1].strip()[:120]}")
    return found


@pytest.mark.pure
def test_views_and_templates_do_not_compare_state_strings():
    found = comparisons()
    new = []
    for rel, lines in found.items():
        allowed = ALLOWED.get(rel, (0, ""))[0]
        if len(lines) > allowed:
            new.append(
                f"{rel}: {len(lines)} comparisons, {allowed} allowed:\n  " + "\n  ".join(lines)
            )
    assert not new, (
        "A view or template compares a state or status itself; ask the app's lifecycle (a guard "
        "or a property named for the question) instead:\n" + "\n".join(new)
    )


@pytest.mark.pure
def test_the_allowlist_only_shrinks():
    """A comparison moved to the lifecycle lowers its file's count, so none can come back."""
    found = comparisons()
    stale = [
        f"{rel}: {allowed} allowed, {len(found.get(rel, []))} found"
        for rel, (allowed, _why) in ALLOWED.items()
        if len(found.get(rel, [])) < allowed
    ]
    assert not stale, "Lower these counts in ALLOWED (or drop the entry):\n" + "\n".join(stale)


@pytest.mark.pure
def test_the_scan_sees_a_comparison():
    """The pattern catches the shapes it must, and not a property named for the question."""
    assert COMPARISON.search('{% if job.state == "done" %}')
    assert COMPARISON.search("if meeting.state != MeetingState.DRAFT:")
    assert COMPARISON.search("budget.state in (BudgetState.RESULTS,)")
    assert COMPARISON.search("if o.state not in OPEN:")
    assert COMPARISON.search("{% if value == message.state %}")
    assert COMPARISON.search("if election.state_enum not in (State.DRAFT,):")
    assert COMPARISON.search("ok = (\n    the_offer.state\n    == ShareOffer.State.OPEN\n)")
    assert not COMPARISON.search("{% if job.is_finished %}")
    assert not COMPARISON.search("{{ meeting.get_state_display }}")
    assert not COMPARISON.search("{% if row.state_tag %}")
