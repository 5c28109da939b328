"""House rule (issue 20): no import inside a function except to break a real cost.

A function-level import is allowed only with a short `# why: ...` comment, on its line or on the
line above it (one above a block of imports covers the block): a heavy optional library on
a cold path (openpyxl, fpdf2, numpy, rich), Django's app registry not ready yet (an AppConfig's
ready(), a CLI handler before setup_django), a deliberate lazy plugin, or the one back-reference
the import contracts allow (a verb queues the task that calls it). `if TYPE_CHECKING:` blocks and
migrations do not count. Run as a script, it lists every function-level import.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "mutualise"

ALLOWED: dict[str, str] = {}  # a module let off the rule, with why (none today)
# Calls that import as surely as an import statement: `importlib.import_module(name)`, `__import__`.
DYNAMIC = frozenset({"import_module", "__import__"})
WHY = re.compile(r"# why:\s*\S")  # a reason, not an empty `# why:`


def _is_view_module(rel: str) -> bool:
    parts = rel.split("/")
    name = parts[-1]
    return (
        name == "views.py"
        or (len(parts) > 1 and parts[-2] == "views")
        or name.startswith("views_")
        or name.endswith("_pages.py")
    )


def _type_checking(node: ast.AST) -> bool:
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _has_reason(statement: ast.stmt, block_start: ast.stmt, lines: list[str]) -> bool:
    """A `# why:` comment on the statement's lines, or on the line above its block of imports."""
    for number in range(statement.lineno, (statement.end_lineno or statement.lineno) + 1):
        if WHY.search(lines[number - 1]):
            return True
    above = lines[block_start.lineno - 2].strip() if block_start.lineno > 1 else ""
    return above.startswith("# why:") and bool(WHY.match(above))


def _walk(node: ast.AST, in_function: bool, found: list[tuple[int, bool]], lines: list[str]):
    for field in ("body", "orelse", "finalbody", "handlers"):
        body = getattr(node, field, None)
        if not isinstance(body, list):
            continue
        block_start = None
        for statement in body:
            is_import = isinstance(statement, ast.Import | ast.ImportFrom)
            if not is_import:
                block_start = None
            elif block_start is None:
                block_start = statement
            if is_import and in_function:
                found.append((statement.lineno, _has_reason(statement, block_start, lines)))
            if _type_checking(statement):  # its `else:` runs, so its imports count
                _walk(ast.If(test=statement.test, body=[], orelse=statement.orelse), in_function,
                      found, lines)  # fmt: skip
                continue
            inner = in_function or isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef)
            _walk(statement, inner, found, lines)
    for child in ast.iter_child_nodes(node):  # match cases, with-items' bodies are fields above
        if isinstance(child, ast.match_case):
            _walk(child, in_function, found, lines)


def _dynamic(tree: ast.AST, lines: list[str]) -> list[tuple[int, bool]]:
    """`importlib.import_module(...)` or `__import__(...)` called inside a function: a
    function-level import too, with its `# why:` on its line or on the line above."""
    found: dict[int, bool] = {}
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if not isinstance(node, ast.Call):
                continue
            callee = node.func
            name = callee.attr if isinstance(callee, ast.Attribute) else getattr(callee, "id", "")
            if name in DYNAMIC:
                above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
                found[node.lineno] = bool(WHY.search(lines[node.lineno - 1])) or (
                    above.startswith("# why:") and bool(WHY.match(above))
                )
    return sorted(found.items())


def function_imports() -> list[tuple[str, int, str, bool]]:
    """Every import inside a function under src/mutualise: (path, line, text, has a reason)."""
    found_all = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        text = path.read_text()
        lines = text.splitlines()
        found: list[tuple[int, bool]] = []
        tree = ast.parse(text)
        _walk(tree, False, found, lines)
        found += _dynamic(tree, lines)
        rel = path.relative_to(PACKAGE).as_posix()
        for number, reason in found:
            found_all.append((rel, number, lines[number - 1].strip(), reason))
    return found_all


def test_every_function_level_import_says_why():
    unexplained = [
        f"src/mutualise/{rel}:{number}: {text}"
        for rel, number, text, reason in function_imports()
        if not reason and rel not in ALLOWED
    ]
    assert not unexplained, (
        "imports inside functions with no comment saying why (move them to the module's top, "
        "break the cycle, or say the real cost):\n" + "\n".join(unexplained)
    )


def test_the_walk_finds_a_function_level_import_and_its_reason():
    source = (
        "def f():\n    import os\n"
        "def g():\n    # why: numpy is heavy\n    import numpy\n    import numpy.linalg\n"
        "def h():\n    x = 1\n    import json  # why: optional\n"
        "def j():\n    # a comment that says nothing of why\n    import csv\n"
        "from typing import TYPE_CHECKING\n"
        "def k():\n    if TYPE_CHECKING:\n        import collections\n"
        "class C:\n    def m(self):\n        if True:\n            import csv\n"
    )
    lines = source.splitlines()
    found: list[tuple[int, bool]] = []
    _walk(ast.parse(source), False, found, lines)
    assert found == [(2, False), (5, True), (6, True), (9, True), (12, False), (20, False)]


def test_the_walk_finds_what_the_statements_alone_hide():
    """A dynamic import, an import in the `else:` of `if TYPE_CHECKING:`, an empty `# why:`."""
    source = (
        "import importlib\n"
        "def f(name):\n    return importlib.import_module(name)\n"
        "def g(name):\n    # why: a plugin, found by name\n    return __import__(name)\n"
        "from typing import TYPE_CHECKING\n"
        "def h():\n    if TYPE_CHECKING:\n        import csv\n    else:\n        import json\n"
        "def k():\n    import os  # why:\n"
    )
    lines = source.splitlines()
    tree = ast.parse(source)
    found: list[tuple[int, bool]] = []
    _walk(tree, False, found, lines)
    assert found == [(12, False), (14, False)]
    assert _dynamic(tree, lines) == [(3, False), (6, True)]


def test_only_view_modules_wait_for_issue_20_2():
    assert all(_is_view_module(rel) for rel in ALLOWED)


if __name__ == "__main__":
    only_unexplained = "--unexplained" in sys.argv
    for rel, number, text, reason in function_imports():
        if only_unexplained and (reason or rel in ALLOWED):
            continue
        print(f"src/mutualise/{rel}:{number}: {'ok ' if reason else '   '}{text}")
