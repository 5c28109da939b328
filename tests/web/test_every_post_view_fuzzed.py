"""Issue 11.5: every view that takes POST is fuzzed. The URL resolver is walked; a view whose
source reads POST (or is a class-based view with post()) must be named in some fuzz test
module's COVERS (tests/**/test_*fuzz*.py, read without importing it); every other view must be
declared GET_ONLY. So a new view fails here until someone decides: fuzz it, or say why it takes
no form."""

import ast
import inspect
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

TESTS = Path(__file__).resolve().parent.parent
# Views that read no form: pages, downloads and JSON; a POST to them is a GET or refused.
GET_ONLY = {
    "home", "healthz", "accounts:found_choose", "accounts:landing", "accounts:claim_sent",
    "accounts:details_changes", "password_reset_done",
    "password_reset_complete", "outbox", "organisation", "membership", "organisation_outbox",
    "failed_mail", "constitution", "rulebook_file", "elections:list", "elections:detail", "elections:notice_pdf",
    "elections:results", "elections:results_pdf", "elections:ballots_blt",
    "elections:ballots_csv", "elections:receipts_txt", "elections:console",
    "elections:email_codes_status", "elections:replace_find", "register:join_done",
    "register:my_data", "register:members", "register:export", "register:recheck",
    "register:import_template", "register:import_progress", "register:import_status",
    "register:import_rejected", "register:member", "register:member_data", "meetings:list",
    "meetings:detail", "meetings:notice_pdf", "meetings:ballots_csv", "meetings:receipts_csv",
    "meetings:console", "meetings:letters_pdf", "meetings:results_json", "meetings:vote_receipt",
    "participation:budget_pb", "participation:delivery", "participation:delivery_csv",
    "governance:accountability", "governance:reminders", "governance:report",
    "stake:my_account", "stake:offers", "stake:register", "stake:register_member", "stake:statement",
    "stake:certificate", "jobs:job", "jobs:status", "jobs:download",
    "governance_install:all_organisations",
}  # fmt: skip


def _views(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _views(p.url_patterns, inner)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}", p.callback


def _takes_post(callback) -> bool:
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post")
    # Decorators keep __wrapped__ (functools.wraps), so the view's own source is read.
    return "POST" in inspect.getsource(inspect.unwrap(callback))


def _covered() -> dict[str, set[str]]:
    """COVERS of every fuzz test module, by module."""
    found = {}
    for path in sorted(TESTS.rglob("test_*fuzz*.py")):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Assign) and any(
                getattr(t, "id", "") == "COVERS" for t in node.targets
            ):
                found[str(path.relative_to(TESTS))] = set(ast.literal_eval(node.value))
    return found


def test_every_view_taking_post_is_fuzzed():
    views = dict(_views(get_resolver().url_patterns))
    covered = set().union(*_covered().values())
    posting = {name for name, cb in views.items() if _takes_post(cb)}
    missing = sorted(posting - covered)
    assert not missing, f"views taking POST that no fuzz test covers (add to COVERS): {missing}"
    unclassified = sorted(set(views) - posting - GET_ONLY)
    assert not unclassified, f"views neither fuzzed nor declared GET_ONLY: {unclassified}"
    wrongly_get = sorted(GET_ONLY & posting)
    assert not wrongly_get, f"declared GET_ONLY but they read POST: {wrongly_get}"


def test_the_declarations_name_real_views():
    views = set(dict(_views(get_resolver().url_patterns)))
    for module, names in _covered().items():
        assert names <= views, f"{module} COVERS views that do not exist: {names - views}"
    assert not GET_ONLY - views, "declared views that do not exist"
