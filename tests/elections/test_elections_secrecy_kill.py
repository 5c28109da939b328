"""Nothing acknowledged is lost: a process casting and mixing is killed with SIGKILL at random
moments (mid-cast, mid-mix), restarted, killed again; at the count every acknowledged receipt is
there exactly once, and ballots == receipts == vote records."""

import os
import random
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from test_elections_secrecy import _contested

from mutualise.elections import mixing
from mutualise.elections.models import Ballot, Receipt, SealedBallot, VoteRecord

VOTERS = 240

# The child: casts each code in the file (and mixes every few casts, so kills land mid-mix),
# printing each receipt as soon as the cast has returned: that is the acknowledgement.
CHILD = """
import sys
from datetime import datetime
from mutualise.cli import setup_django
setup_django()
from mutualise.elections import mixing, services
from mutualise.elections.models import Election
election = Election.objects.get(pk=int(sys.argv[1]))
now = datetime.fromisoformat(sys.argv[2])
for n, code in enumerate(open(sys.argv[3]).read().split()):
    try:
        receipt = services.cast(election, code, [1 + n % 5, 1 + (n + 1) % 5], now=now)
    except services.ElectionError as exc:
        print("refused", exc, flush=True)
        continue
    print("ok", receipt, flush=True)
    if n % 7 == 0:
        mixing.mix(election)
"""


def _run(election, now, codes: list[str], kill_after: int | None) -> list[str]:
    """Run the child over `codes`; SIGKILL it after `kill_after` acknowledgements. Returns the
    receipts it acknowledged."""
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER'] or 'postgres'}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    with tempfile.NamedTemporaryFile("w", suffix=".codes", delete=False) as handle:
        handle.write("\n".join(codes))
    # The same settings (so the same sealing key) as this test process.
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": django_settings.SETTINGS_MODULE,
    }
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(election.pk), now.isoformat(), handle.name],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    acknowledged = []
    for line in child.stdout:
        if line.startswith("ok "):
            acknowledged.append(line.split()[1])
            if kill_after is not None and len(acknowledged) >= kill_after:
                os.kill(child.pid, signal.SIGKILL)
                break
    child.wait()
    Path(handle.name).unlink()
    return acknowledged


@pytest.mark.django_db(transaction=True)
def test_sigkill_mid_cast_or_mid_mix_loses_no_acknowledged_ballot(nhs_org, returning_officer):
    if connection.vendor != "postgresql":
        pytest.skip(
            "the test database is in memory on SQLite, so no second process can share it: run "
            "in make test's PostgreSQL pass (make bench also kills the server mid-load)"
        )
    election, drive, people, codes = _contested(nhs_org, returning_officer, voters=VOTERS)
    order = [codes[p.pk] for p in people]
    acknowledged: list[str] = []
    start = 0
    for _ in range(3):
        kill_after = random.randint(20, 60)
        acknowledged += _run(election, drive.polling, order[start:], kill_after)
        # Restart from the last acknowledged code: the one in flight at the kill is retried
        # (refused as already cast if its transaction had committed).
        start = min(len(order), start + kill_after)
    acknowledged += _run(election, drive.polling, order[start:], None)

    mixing.mix(election, final=True)  # as the count does
    stored = Counter(Receipt.objects.filter(election=election).values_list("receipt", flat=True))
    assert all(stored[r] == 1 for r in acknowledged), "an acknowledged ballot lost or doubled"
    ballots = Ballot.objects.filter(election=election).count()
    records = VoteRecord.objects.filter(election=election).count()
    # Every code was tried until it was cast: the ones cast but not yet acknowledged when the kill
    # landed (a loaded machine runs a few past the kill) are refused as already cast on the retry.
    assert ballots == records == sum(stored.values()) == VOTERS
    assert len(acknowledged) >= VOTERS // 2, "the kills left too little of the run to test"
    assert not SealedBallot.objects.filter(election=election).exists()
