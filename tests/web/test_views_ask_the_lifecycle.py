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

import ast
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


# A query that picks rows by a state the view names itself: `.filter(state="declared")`,
# `.exclude(status=Candidate.Status.REJECTED)`, `state__in=[Minutes.State.DRAFT, ...]`. A named
# set the lifecycle or a questions module keeps (`state__in=VISIBLE_BUDGETS`) is asking it.
_QUERY_KEYWORD = re.compile(r"(?:\w+__)*(?:\w+_)?(?:state|status)(?:__(?:in|exact|iexact))?")

QUERIES_ALLOWED: dict[str, tuple[int, str]] = {
    "accounts/views/member_invitations.py": (1, "the secretary's list of changes waiting"),
    "elections/views/pages.py": (2, "the candidates shown; `can_withdraw` waits for a question"),
    "meetings/views/console.py": (1, "the earlier minutes the chair may take as read"),
    "meetings/views/pages.py": (2, "the meetings a member sees: drafts hidden"),
    "meetings/views/results.py": (1, "the declared resolutions a receipt is checked against"),
    "participation/views.py": (
        4,
        "the proposals and budgets listed: withdrawn and hidden left out",
    ),
    "register/views/browse.py": (1, "the applicants waiting for the board"),
    "stake/views.py": (2, "the member's waiting and lapsed withdrawal requests"),
}


def _names_a_state(value: ast.expr) -> bool:
    if isinstance(value, ast.Constant):
        return isinstance(value.value, str)
    if isinstance(value, ast.List | ast.Tuple | ast.Set):
        return any(_names_a_state(item) for item in value.elts)
    if isinstance(value, ast.Attribute):  # `Minutes.State.DRAFT`, `ProposalState.HIDDEN`
        owner = value.value
        name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
        return name.endswith(("State", "Status"))
    return False


def queries() -> dict[str, list[str]]:
    """Keyword arguments of views' calls that pick rows by a state named in the view."""
    found: dict[str, list[str]] = {}
    for path in sorted(ROOT.rglob("*.py")):
        if not is_view_or_template(path):
            continue
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                named = keyword.arg and _QUERY_KEYWORD.fullmatch(keyword.arg)
                if named and _names_a_state(keyword.value):
                    line = lines[keyword.lineno - 1].strip()[:120]
                    found.setdefault(rel, []).append(f"{rel}:{keyword.lineno}: {line}")
    return found


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
def test_views_do_not_pick_rows_by_a_state_they_name():
    found = queries()
    allowed = {rel: count for rel, (count, _why) in QUERIES_ALLOWED.items()}
    new = [
        f"{rel}: {len(lines)} queries, {allowed.get(rel, 0)} allowed:\n  " + "\n  ".join(lines)
        for rel, lines in found.items()
        if len(lines) > allowed.get(rel, 0)
    ]
    stale = [
        f"{rel}: {count} allowed, {len(found.get(rel, []))} found"
        for rel, (count, _why) in QUERIES_ALLOWED.items()
        if len(found.get(rel, [])) < count
    ]
    assert not new, (
        "A view picks rows by a state it names itself; ask a named set the lifecycle keeps, or a "
        "query of the app, instead:\n" + "\n".join(new)
    )
    assert not stale, "Lower these counts in QUERIES_ALLOWED (or drop the entry):\n" + "\n".join(
        stale
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


@pytest.mark.pure
def test_the_query_scan_sees_a_state_named_in_a_filter():
    def named(source: str) -> bool:
        call = ast.parse(source).body[0].value
        return any(
            _QUERY_KEYWORD.fullmatch(k.arg) and _names_a_state(k.value) for k in call.keywords
        )

    assert named('q.filter(state="declared")')
    assert named("q.exclude(status=Candidate.Status.REJECTED)")
    assert named("q.filter(state__in=[Minutes.State.DRAFT])")
    assert named("q.filter(meeting__state=ProposalState.HIDDEN)")
    assert not named("q.filter(state__in=VISIBLE_BUDGETS)")
    assert not named("render(request, 'x.html', status=400)")
    assert not named("q.filter(status=status)")
