"""Suite-wide configuration.

Tests of the pure libraries (tests/constitution, tests/counting) are marked `pure`: they never
touch a database, so the PostgreSQL run (`-m "not pure"`) leaves them out.
"""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
PURE_DIRS = ("constitution", "counting", "budgeting")


def pytest_configure(config):
    # The suite seals the audit log with a throwaway key under var/ (the server refuses to).
    from django.conf import settings

    settings.MUTUALISE_AUDIT_THROWAWAY_KEY = True


def pytest_collection_modifyitems(config, items):
    tests_dir = Path(__file__).resolve().parent
    for item in items:
        rel = Path(item.fspath).resolve().relative_to(tests_dir)
        if rel.parts and rel.parts[0] in PURE_DIRS:
            item.add_marker(pytest.mark.pure)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the checkout: conformance data and scripts."""
    if not SHARED.is_dir():
        pytest.fail(f"{SHARED} is missing: the conformance data lives there")
    return SHARED
