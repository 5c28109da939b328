"""axe-core on a page: fail listing every serious or critical violation (the conftest's
`assert_accessible` fixture, and the journey steps of organisation_journey.py)."""

import pytest


def check_accessible(page, context: str = ""):
    """Run axe-core on the page; fail listing every serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    if bad:
        lines = [
            f"- {v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(n["target"]) for n in v["nodes"][:3])
            for v in bad
        ]
        pytest.fail(
            f"axe found {len(bad)} serious/critical problems on {page.url} {context}:\n"
            + "\n".join(lines)
        )
