"""Ballot secrecy against the database itself (docs/secrecy.md), attacked as someone holding the
live database or a copy of it would: 60 voters cast through HTTP in a random order, each a
different ranking (so a linked ballot gives its voter away); then every linking attack we know
is run on the live database and on dumps, mid-poll and after the count.

The statistical test: an attack's guesses are a voter -> ballot pairing; the null hypothesis is
that each guess is right with probability at most 1/K (chance among the K ballots of a batch),
so the number right is at most Binomial(60, 1/K). An attack fails the test, and the secrecy
claim with it, if it gets so many right that this would happen by chance less than once in
10,000 (at K = 20: 12 or more of 60, where chance gives 3).
"""

import ast
import random
import re
import sqlite3
import subprocess
import tempfile
import threading
from collections import defaultdict
from datetime import timedelta
from math import comb
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from election_helpers import CLOSE_OF_POLL, Driver, make_members, moment

from mutualise.audit.models import AuditEvent
from mutualise.elections import clock, mixing, services, storage
from mutualise.elections.models import Ballot, Receipt, RollEntry, SealedBallot, VoteRecord

DISQUALIFICATIONS = [
    "an undischarged bankrupt",
    "sentenced to prison for 3 months or more in the last 5 years",
]
VOTERS = 60
ALPHA = 1e-4
SECRET_TABLES = ("elections_ballot", "elections_voterecord", "elections_sealedballot")


def _contested(org, actor, voters=VOTERS):
    election = services.create_election(
        org,
        body_id="council-of-governors",
        seat_group_id="public-gateshead",
        close_of_poll=CLOSE_OF_POLL,
        actor=actor,
        now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )
    drive = Driver(election, actor)
    drive.to_nominations()
    for member in make_members(org, "public-gateshead", 5, prefix="Candidate"):
        services.nominate(
            election, member, declarations=DISQUALIFICATIONS, actor="x", now=drive.nominating
        )
    people = make_members(org, "public-gateshead", voters)
    codes = drive.to_poll()
    return election, drive, people, codes


def _cast_through_http(election, drive, people, codes, monkeypatch) -> dict[int, str]:
    """Every voter casts a different ranking, in a random order; returns roll entry -> marks."""
    monkeypatch.setattr(clock, "now", lambda: drive.polling)
    rankings = [r for k in (3, 4) for r in _permutations(5, k)]
    order = list(people)
    random.SystemRandom().shuffle(order)
    client = Client()
    path = f"/o/{election.organisation.slug}/elections/{election.pk}/api/cast"
    entries = dict(RollEntry.objects.filter(election=election).values_list("member_id", "pk"))
    truth = {}
    for person, ranking in zip(order, rankings, strict=False):
        body = {"code": codes[person.pk], "marks": list(ranking)}
        response = client.post(path, body, content_type="application/json")
        assert response.status_code == 200, response.content
        truth[entries[person.pk]] = " ".join(map(str, ranking))
    return truth


def _permutations(n, k):
    import itertools

    return list(itertools.permutations(range(1, n + 1), k))


# ---------------------------------------------------------------------------------------------
# The statistics


def _tail(right: int, n: int, p: float) -> float:
    return sum(comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(right, n + 1))


def _assert_chance(name: str, guesses: dict[int, str], truth: dict[int, str], k: int) -> int:
    right = sum(guesses.get(entry) == marks for entry, marks in truth.items())
    p_value = _tail(right, len(truth), 1 / k)
    assert p_value >= ALPHA, (
        f"{name}: {right} of {len(truth)} ballots linked to their voters; chance among {k} "
        f"gives {len(truth) / k:.0f} (p = {p_value:.2g})"
    )
    return right


def _pair(records: list[dict], ballots: list[dict], key) -> dict[int, str]:
    """Pair the n-th vote record with the n-th ballot, both sorted by `key`."""
    return {
        r["entry"]: b["marks"]
        for r, b in zip(sorted(records, key=key), sorted(ballots, key=key), strict=False)
    }


def _pair_within(records, ballots, group, key) -> dict[int, str]:
    """Group both by `group` (a shared transaction, say), then pair by `key` inside a group."""
    by_group: dict = defaultdict(lambda: ([], []))
    for r in records:
        by_group[group(r)][0].append(r)
    for b in ballots:
        by_group[group(b)][1].append(b)
    guesses = {}
    for rs, bs in by_group.values():
        guesses |= _pair(rs, bs, key)
    return guesses


# ---------------------------------------------------------------------------------------------
# What an attacker reads


def _live(election) -> tuple[list[dict], list[dict]]:
    """The vote records and ballots as a live SELECT sees them, with every system column."""
    extra = ", xmin::text, ctid::text" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT roll_entry_id, id{extra} FROM elections_voterecord WHERE election_id = %s",
            [election.pk],
        )
        records = [_row(("entry", "key"), row) for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT marks, id{extra} FROM elections_ballot WHERE election_id = %s", [election.pk]
        )
        ballots = [_row(("marks", "key"), row) for row in cursor.fetchall()]
    for position, item in enumerate(records):
        item["scan"] = position
    for position, item in enumerate(ballots):
        item["scan"] = position
    return records, ballots


def _row(names, row) -> dict:
    item = dict(zip(names, row[:2], strict=True))
    if len(row) > 2:
        page, slot = row[3].strip("()").split(",")
        item |= {"xmin": int(row[2]), "ctid": (int(page), int(slot))}
    return item


def _pg_dump_rows(table: str) -> list[dict]:
    """`pg_dump --data-only` of one table, in the order the dump lists its rows."""
    settings = connection.settings_dict
    command = ["pg_dump", "--data-only", "-t", table, "-h", settings["HOST"] or "127.0.0.1"]
    command += ["-U", settings["USER"] or "postgres", "-p", str(settings["PORT"] or 5432)]
    command.append(settings["NAME"])
    dump = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rows, columns = [], None
    for line in dump.splitlines():
        if line.startswith("COPY "):
            columns = [c.strip() for c in line[line.index("(") + 1 : line.index(")")].split(",")]
        elif line == "\\.":
            columns = None
        elif columns is not None:
            rows.append(dict(zip(columns, line.split("\t"), strict=True)))
    return rows


def _sqlite_dump_rows(table: str) -> list[dict]:
    """The SQLite `.dump` (iterdump) of one table, in the order it lists its rows."""
    with connection.cursor() as cursor:
        names = [c.name for c in connection.introspection.get_table_description(cursor, table)]
    pattern = re.compile(rf'^INSERT INTO "{table}" VALUES\((.*)\);$')
    rows = []
    for line in connection.connection.iterdump():
        match = pattern.match(line)
        if match:
            values = ast.literal_eval("[" + re.sub(r"\bNULL\b", "None", match.group(1)) + "]")
            rows.append(dict(zip(names, values, strict=True)))
    return rows


def _sqlite_backup_rows(table: str, columns: str) -> tuple[list[tuple], bytes]:
    """A file-level copy (the online backup API), read back in its own scan order, and the raw
    bytes of the file (for the page-position attack)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "copy.sqlite3"
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        copy = sqlite3.connect(path)
        rows = copy.execute(f"SELECT {columns} FROM {table}").fetchall()
        copy.close()
        return rows, path.read_bytes()


def _dump_attacks(election, truth, k) -> None:
    mine = str(election.pk)
    if connection.vendor == "postgresql":
        records = [r for r in _pg_dump_rows("elections_voterecord") if r["election_id"] == mine]
        ballots = [b for b in _pg_dump_rows("elections_ballot") if b["election_id"] == mine]
    else:
        records = [
            r for r in _sqlite_dump_rows("elections_voterecord") if str(r["election_id"]) == mine
        ]
        ballots = [
            b for b in _sqlite_dump_rows("elections_ballot") if str(b["election_id"]) == mine
        ]
    records = [{"entry": int(r["roll_entry_id"]), "n": n} for n, r in enumerate(records)]
    ballots = [{"marks": b["marks"], "n": n} for n, b in enumerate(ballots)]
    _assert_chance("dump order", _pair(records, ballots, lambda x: x["n"]), truth, k)
    if connection.vendor == "sqlite":
        rows, raw = _sqlite_backup_rows("elections_voterecord", "roll_entry_id, id")
        back_records = [{"entry": e, "n": n, "at": raw.find(i.encode())} for n, (e, i) in
                        enumerate(rows)]  # fmt: skip
        rows, _ = _sqlite_backup_rows("elections_ballot", "marks, id")
        back_ballots = [{"marks": m, "n": n, "at": raw.find(i.encode())} for n, (m, i) in
                        enumerate(rows)]  # fmt: skip
        _assert_chance(
            "backup scan order", _pair(back_records, back_ballots, lambda x: x["n"]), truth, k
        )
        _assert_chance(
            "backup page position", _pair(back_records, back_ballots, lambda x: x["at"]), truth, k
        )


def _live_attacks(election, truth, k) -> None:
    records, ballots = _live(election)
    _assert_chance("scan order", _pair(records, ballots, lambda x: x["scan"]), truth, k)
    _assert_chance("key order", _pair(records, ballots, lambda x: str(x["key"])), truth, k)
    if connection.vendor == "postgresql":
        _assert_chance("ctid order", _pair(records, ballots, lambda x: x["ctid"]), truth, k)
        _assert_chance("xmin order", _pair(records, ballots, lambda x: x["xmin"]), truth, k)
        xmin_then_ctid = _pair_within(records, ballots, lambda x: x["xmin"], lambda x: x["ctid"])
        _assert_chance("xmin join, then ctid", xmin_then_ctid, truth, k)
        xmin_then_key = _pair_within(records, ballots, lambda x: x["xmin"], lambda x: str(x["key"]))
        _assert_chance("xmin join, then key", xmin_then_key, truth, k)
    else:
        for table in (*SECRET_TABLES, "elections_receipt"):
            assert storage.is_without_rowid(connection, table), f"{table} has a rowid again"
            with pytest.raises(Exception, match="rowid"), connection.cursor() as cursor:
                cursor.execute(f"SELECT rowid FROM {table}")


def _sealed_says_nothing(election, truth) -> None:
    """Mid-poll, a sealed ballot can be tied to its voter (they share a transaction), so what
    matters is that it cannot be read: same length whatever it holds, no marks, no receipt."""
    sealed = list(SealedBallot.objects.filter(election=election).values_list("sealed", flat=True))
    assert len({len(s) for s in sealed}) <= 1
    receipts = set(Receipt.objects.values_list("receipt", flat=True))
    for text in sealed:
        assert not any(marks in text for marks in truth.values())
        assert not any(r in text or r.replace("-", "") in text for r in receipts)


# ---------------------------------------------------------------------------------------------
# The tests


@pytest.mark.django_db(transaction=True)
def test_no_copy_of_the_database_links_ballots_to_voters(nhs_org, returning_officer, monkeypatch):
    election, drive, people, codes = _contested(nhs_org, returning_officer)
    k = mixing.batch_size(election)
    truth = _cast_through_http(election, drive, people, codes, monkeypatch)
    mixing.mix(election)  # as the worker (or a later cast) would: whatever is due is mixed
    mixed = Ballot.objects.filter(election=election).count()
    assert mixed >= k and mixing.waiting(election) >= k  # some mixed, at least K still sealed
    assert mixing.cast_count(election) == VOTERS == VoteRecord.objects.count()

    # Mid-poll, on the live database and on dumps.
    if connection.vendor == "postgresql":
        # The control: the xmin join the issue reports does tie each vote record to its sealed
        # ballot (one transaction) ... which says nothing, as checked next.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM elections_voterecord v JOIN elections_sealedballot s "
                "ON v.xmin::text = s.xmin::text WHERE v.election_id = %s",
                [election.pk],
            )
            assert cursor.fetchone()[0] == mixing.waiting(election)
    _sealed_says_nothing(election, truth)
    _live_attacks(election, truth, k)
    _dump_attacks(election, truth, k)

    monkeypatch.setattr(clock, "now", lambda: drive.at("close_of_poll", 60))
    drive.close_and_count()
    assert mixing.waiting(election) == 0 and Ballot.objects.count() == VOTERS
    assert sorted(Ballot.objects.values_list("marks", flat=True)) == sorted(truth.values())

    # After the count, on the live database and on dumps.
    _live_attacks(election, truth, k)
    _dump_attacks(election, truth, k)
    if connection.vendor == "postgresql":
        # Every batch (one transaction of the mixer) holds at least K ballots and K records.
        for table in ("elections_ballot", "elections_voterecord"):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT count(*) FROM {table} WHERE election_id = %s GROUP BY xmin::text",
                    [election.pk],
                )
                assert min(n for (n,) in cursor.fetchall()) >= k
        # The report: the link survived a VACUUM FREEZE. Nothing to survive here.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM FREEZE elections_ballot")
            cursor.execute("VACUUM FREEZE elections_voterecord")
        _live_attacks(election, truth, k)

    # No time, no serial key, no shared column but the election; no event per ballot.
    for model in (Ballot, VoteRecord, SealedBallot, Receipt):
        for field in model._meta.fields:
            assert field.get_internal_type() not in ("DateTimeField", "DateField", "TimeField")
            assert field.get_internal_type() not in ("AutoField", "BigAutoField")
            assert field.related_model not in (Ballot, VoteRecord, SealedBallot, Receipt)
    assert not AuditEvent.objects.filter(action__icontains="cast").exists()
    assert not AuditEvent.objects.filter(subject_type__in=["Ballot", "VoteRecord"]).exists()


@pytest.mark.django_db(transaction=True)
def test_batches_hold_at_least_k_and_a_small_poll_is_mixed_whole_at_the_count(
    nhs_org, returning_officer, monkeypatch
):
    election, drive, people, codes = _contested(nhs_org, returning_officer, voters=7)
    k = mixing.batch_size(election)
    assert k == 20  # the rulebook's default
    truth = _cast_through_http(election, drive, people, codes, monkeypatch)
    assert mixing.mix(election) == 0  # fewer than 2K waiting: nothing is mixed during the poll
    assert not Ballot.objects.exists() and mixing.waiting(election) == len(truth)
    monkeypatch.setattr(clock, "now", lambda: drive.at("close_of_poll", 60))
    drive.close_and_count()
    assert mixing.waiting(election) == 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(DISTINCT xmin::text) FROM elections_ballot")
            assert cursor.fetchone()[0] == 1  # one batch: all seven
            cursor.execute("SELECT count(DISTINCT xmin::text) FROM elections_voterecord")
            assert cursor.fetchone()[0] == 1


@pytest.mark.django_db(transaction=True)
def test_a_batch_leaves_k_behind_so_the_last_batch_is_never_small(nhs_org, returning_officer):
    election, drive, people, codes = _contested(nhs_org, returning_officer, voters=45)
    for person in people:
        services.cast(election, codes[person.pk], [1, 2], now=drive.polling)
    mixing.mix(election)
    assert mixing.waiting(election) >= mixing.batch_size(election)


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submission_records_one_ballot(nhs_org, returning_officer):
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite serialises every writer, so there is no race to test: run with "
            "DATABASE_URL=postgres://... to test the constraint under real concurrency"
        )
    election, drive, people, codes = _contested(nhs_org, returning_officer, voters=3)
    voter = people[0]
    entry = RollEntry.objects.get(election=election, member=voter)
    replacement = services.replace_credential(entry, channel="email", reason="lost", actor="ro")
    # Twelve threads at once: four with the voter's old code (void, must fail cleanly) and
    # eight with the new one.
    attempts = [codes[voter.pk]] * 4 + [replacement] * 8
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str] = []

    def attempt(code):
        try:
            barrier.wait()
            outcomes.append(services.cast(election, code, [1, 2], now=drive.polling))
        except services.ElectionError as exc:
            outcomes.append(f"refused: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(code,)) for code in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    receipts = [o for o in outcomes if not o.startswith("refused")]
    assert len(receipts) == 1, outcomes
    assert mixing.cast_count(election) == 1
    assert VoteRecord.objects.filter(election=election).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_control_the_attack_links_ballots_when_the_mixer_does_not_shuffle(
    nhs_org, returning_officer, monkeypatch
):
    """The attacks above can fail: with the mixer's shuffles taken out (each batch written in
    the order its sealed ballots were read, which is the order they were cast), pairing within
    a batch's transaction by heap position links far more than chance (docs/secrecy.md)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's WITHOUT ROWID tables sit in random-key order, shuffled or not")
    from mutualise.secrecy import mixer

    monkeypatch.setattr(mixer.RANDOM, "shuffle", lambda items: None)
    election, drive, people, codes = _contested(nhs_org, returning_officer)
    k = mixing.batch_size(election)
    truth = _cast_through_http(election, drive, people, codes, monkeypatch)
    monkeypatch.setattr(clock, "now", lambda: drive.at("close_of_poll", 60))
    drive.close_and_count()
    records, ballots = _live(election)
    guesses = _pair_within(records, ballots, lambda r: r["xmin"], lambda r: r["ctid"])
    right = sum(guesses.get(entry) == marks for entry, marks in truth.items())
    assert _tail(right, len(truth), 1 / k) < ALPHA, f"only {right} of {len(truth)} linked"
