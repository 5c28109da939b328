"""What the fuzz tests of issue 11.5 share: the values a careless or hostile sender puts in a
form, a form of them, and the three things every refusal must show: never a 500, a clear error
at the field (GOV.UK: an error summary or message, "Error:" in the page's title), and nothing
half-written (every table the product owns is as it was).

Each fuzz test module names the URLs it posts to in COVERS (a tuple of URL names);
tests/web/test_every_post_view_fuzzed.py fails on any view taking POST that none covers."""

from __future__ import annotations

import hashlib

from django.apps import apps
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Modest counts: these go through the whole stack, and CI runs all of them on two cores.
FUZZ = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "0",
            "1",
            "2",
            "-1",
            "²",
            "١٩٩٠",
            "Ⅻ",
            "9" * 5000,
            "1e3",
            " 12 ",
            "12.345",
            "2027-02-30",
            "25:61",
            "x" * 300,
            "x" * 100_000,
            "\x00",
            "=1+1",
            "on",
            "yes",
            "javascript:alert(1)",
            "\ufeff",
            "<script>",
        ]
    ),  # fmt: skip
    st.integers(-(10**30), 10**30).map(str),
)
# Tables that record attempts rather than state (sign-in throttles, sessions, the code
# throttle): a refusal may rightly write to them.
ATTEMPT_TABLES = {
    "django_session", "axes_accessfailurelog", "axes_accessattempt",
    "axes_accessattemptexpiration", "axes_accesslog", "elections_entrythrottle",
    "auth_user", "stake_registerinspection",
}  # fmt: skip


def form(keys, actions=(), action_key="action"):
    """Any subset of `keys` (missing fields), each any value; with `actions`, one of them."""
    fields = st.dictionaries(st.sampled_from(list(keys)), VALUES, max_size=len(keys))
    if not actions:
        return fields
    return st.tuples(st.sampled_from(list(actions)), fields).map(
        lambda t: {**t[1], action_key: t[0]}
    )


def state(attempts=()) -> str:
    """A digest of every row of every table but the attempt records (and `attempts`: a page's
    own, e.g. the second factor's throttle, which counts each wrong code on its device row)."""
    digest = hashlib.sha256()
    for model in apps.get_models():
        skipped = model._meta.db_table in ATTEMPT_TABLES or model._meta.db_table in attempts
        if skipped or not model._meta.managed:
            continue
        for row in model.objects.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


def check(response, before: str | None = None, attempts=()):
    """Never a 500; a 400 shows its error in the GOV.UK pattern; a refusal (400, 403, 404,
    405) leaves every table as it was (`before`, from state())."""
    assert response.status_code < 500, response.content[:500]
    if response.status_code == 400 and not response["Content-Type"].startswith("application/json"):
        page = response.content.decode()
        assert "govuk-error-summary" in page or "govuk-error-message" in page, page[:2000]
        assert "<title>Error:" in page.replace("\n", "").replace("<title> ", "<title>")
    if before is not None and response.status_code in (400, 403, 404, 405):
        assert state(attempts) == before, (
            f"refused ({response.status_code}) but the database changed"
        )
    return response


def has_nul(data) -> bool:
    """Whether a form holds NUL anywhere: the request-wide guard (web/nul_guard.py) refuses it
    with its 400 page before the view, so before the view's own permission check too."""
    return any("\x00" in str(key) + str(value) for key, value in dict(data).items())


def post(client, url, data, attempts=(), **extra):
    """Post `data` and check() the answer against the state before it."""
    before = state(attempts)
    return check(client.post(url, data, **extra), before, attempts)
