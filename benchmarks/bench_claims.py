"""The claim page does the same work whatever was typed: the time of a claim that matches a
member is measured beside one for a number that does not exist and one with a wrong date of
birth, in the same run (the ratios should be about 1: the page cannot be timed to learn whether
a number exists). Each claim is a full POST through Django (throttle, digests, row, queued
task), on a throwaway SQLite database; the worker's check is not part of the page's time.

Environment: MUTUALISE_BENCH_CLAIMS (200 of each kind).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from datetime import date

CLAIMS = int(os.environ.get("MUTUALISE_BENCH_CLAIMS", "200"))


def _setup():
    var = tempfile.mkdtemp(prefix="mutualise-bench-claims-")
    os.environ["MUTUALISE_VAR_DIR"] = var
    os.environ["DATABASE_URL"] = f"sqlite:///{var}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualise.web.settings_dev")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.MUTUALISE_CLAIM_LIMIT = settings.MUTUALISE_CLAIM_CLIENT_LIMIT = 10**9
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)


def _members(count: int):
    from mutualise.register import services as register

    org = register.create_from_model(
        model="co-operative-society", name="Bench Co-op", slug="bench", actor="bench"
    )
    numbers = []
    for i in range(count):
        member = register.join(
            org,
            display_name=f"Member {i}",
            date_of_birth=date(1980, 1, 1),
            email=f"m{i}@example.org",
            postcode="NE1 4ST",
            attestations=["supports-objects"],
            actor="bench",
        )
        numbers.append(register.admit(member, actor="bench").number)
    return org, numbers


def _time(client, org, number: int, year: str) -> float:
    started = time.perf_counter()
    response = client.post(
        f"/o/{org.slug}/sign-in/claim/",
        {"number": str(number), "date_of_birth_day": "1", "date_of_birth_month": "1",
         "date_of_birth_year": year, "postcode": "NE1 4ST"},
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    return elapsed


def main() -> None:
    _setup()
    from django.test import Client

    org, numbers = _members(CLAIMS)
    client = Client()
    _time(client, org, numbers[0], "1980")  # warm up
    kinds = {"matches": [], "no such number": [], "wrong date of birth": []}
    for i, number in enumerate(numbers):  # interleaved, so drift hits each kind alike
        kinds["matches"].append(_time(client, org, number, "1980"))
        kinds["no such number"].append(_time(client, org, 10_000_000 + i, "1980"))
        kinds["wrong date of birth"].append(_time(client, org, number, "1981"))
    peer = statistics.median(kinds["matches"])
    for name, times in kinds.items():
        median = statistics.median(times)
        print(
            f"claim, {name:<20} median {median * 1000:7.2f} ms over {len(times)}"
            f"  ratio to a match {median / peer:5.2f}"
        )
