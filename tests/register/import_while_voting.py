"""Child processes for test_import_while_voting.py, on a file SQLite install.

setup ROWS VOTERS OUT.json   an organisation with an open election, and an import file
import OUT.json              the import, through services.accept_import
cast OUT.json                every voting code cast, timing each: prints one JSON line
"""

import json
import sys
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "elections"), str(HERE.parents[1] / "benchmarks")]

from mutualise.cli import setup_django  # noqa: E402

setup_django()


def setup(rows: int, voters: int, out: str) -> None:
    from bench_register import make_file
    from election_helpers import make_user
    from test_elections_secrecy import _contested

    from mutualise.constitution import model_path
    from mutualise.register import services
    from mutualise.register.models import Role

    text = model_path("nhs-foundation-trust").read_text(encoding="utf-8")
    text = text.replace("membership:\n", "membership:\n  admission_by_board: false\n", 1)
    org = services.create_organisation(
        name="Tyneside Hospitals", constitution_text=text, source_name="ft.yaml", slug="tyne"
    )
    officer = make_user(org, "ro", Role.Kind.RETURNING_OFFICER)
    election, drive, people, codes = _contested(org, officer, voters=voters)
    path = Path(out).with_suffix(".csv")
    make_file(path, rows)
    Path(out).write_text(json.dumps({
        "org": org.pk, "election": election.pk, "now": drive.polling.isoformat(),
        "codes": [codes[p.pk] for p in people], "file": str(path),
    }))  # fmt: skip


def run_import(out: str) -> None:
    from mutualise.register import services
    from mutualise.register.models import Organisation

    setup = json.loads(Path(out).read_text())
    org = Organisation.objects.get(pk=setup["org"])
    data = Path(setup["file"]).read_bytes()
    started = time.perf_counter()
    batch, _ = services.accept_import(org, data, "members.csv", actor="test")
    print(json.dumps({"created": batch.rows_created, "seconds": time.perf_counter() - started}))


def cast(out: str) -> None:
    from mutualise.elections import services
    from mutualise.elections.models import Election

    setup = json.loads(Path(out).read_text())
    election = Election.objects.get(pk=setup["election"])
    now = datetime.fromisoformat(setup["now"])
    waits, errors = [], []
    for n, code in enumerate(setup["codes"]):
        started = time.perf_counter()
        try:
            services.cast(election, code, [1 + n % 5, 1 + (n + 1) % 5], now=now)
        except Exception as exc:  # noqa: BLE001 - every failure is reported to the test
            errors.append(f"{type(exc).__name__}: {exc}")
        waits.append(time.perf_counter() - started)
        time.sleep(0.05)
    # The first cast loads the casting code and opens the connection: not a wait.
    print(json.dumps({"cast": len(waits) - len(errors), "errors": errors, "longest": max(waits[1:]),
                      "waits": [round(w, 3) for w in waits]}))  # fmt: skip


if __name__ == "__main__":
    verb, *args = sys.argv[1:]
    if verb == "setup":
        setup(int(args[0]), int(args[1]), args[2])
    elif verb == "import":
        run_import(args[0])
    else:
        cast(args[0])
