"""Ballot secrecy by construction, checked on a full database dump taken after an election,
and the race of concurrent double submissions against PostgreSQL."""

import itertools
import re
import subprocess
import threading
from datetime import timedelta

import pytest
from django.db import connection
from election_helpers import CLOSE_OF_POLL, Driver, make_members, moment

from mutualise.audit.models import AuditEvent
from mutualise.elections import services
from mutualise.elections.models import Ballot, RollEntry, VoteRecord

DISQUALIFICATIONS = [
    "an undischarged bankrupt",
    "sentenced to prison for 3 months or more in the last 5 years",
]
VOTERS = 60


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


def _dump() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump())
    command = ["pg_dump", "--inserts", "--no-owner", "-h", settings["HOST"] or "127.0.0.1"]
    command += ["-U", settings["USER"] or "postgres", "-p", str(settings["PORT"] or 5432)]
    command.append(settings["NAME"])
    env = {"PGPASSWORD": settings.get("PASSWORD") or "", "PATH": "/usr/bin:/bin"}
    return subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout


def _rows(dump: str, table: str) -> list[dict[str, str]]:
    """The rows of one table, in the order the dump lists them."""
    names = list(_columns(table))
    pattern = re.compile(
        rf'^INSERT INTO (?:public\.)?"?{table}"?(?: \([^)]*\))? VALUES ?\((.*)\);$'
    )
    rows = []
    for line in dump.splitlines():
        match = pattern.match(line)
        if match:
            values = [v.strip().strip("'") for v in match.group(1).split(",")]
            rows.append(dict(zip(names, values, strict=True)))
    return rows


def _columns(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, table)
    return {col.name: col.type_code for col in description}


def _linked_by_order(dump: str, election, truth: dict[int, str]) -> int:
    """How many voters' ballots an attacker finds by pairing the n-th vote record with the
    n-th ballot of the dump (the attack that works when both keep the order of casting)."""
    mine = str(election.pk)
    ballots = [r["marks"] for r in _rows(dump, "elections_ballot") if r["election_id"] == mine]
    records = [
        r["roll_entry_id"] for r in _rows(dump, "elections_voterecord") if r["election_id"] == mine
    ]
    entry_member = dict(RollEntry.objects.values_list("pk", "member_id"))
    return sum(
        truth[entry_member[int(entry)]] == marks
        for entry, marks in zip(records, ballots, strict=True)
    )


@pytest.mark.django_db(transaction=True)
def test_a_full_dump_after_the_election_links_no_ballot_to_a_member(nhs_org, returning_officer):
    election, drive, people, codes = _contested(nhs_org, returning_officer)
    # Every voter casts a different ranking, so a linked ballot would give its voter away.
    rankings = itertools.chain.from_iterable(itertools.permutations(range(1, 6), k) for k in (3, 4))
    truth = {}
    for person, ranking in zip(people, rankings, strict=False):
        services.cast(election, codes[person.pk], list(ranking), now=drive.polling)
        truth[person.pk] = " ".join(map(str, ranking))

    # The control: while the poll is open, storage order still follows casting order, and the
    # order attack below recovers every voter's ballot. The count's rewrite is what stops it.
    assert _linked_by_order(_dump(), election, truth) == VOTERS

    drive.close_and_count()
    dump = _dump()

    # No key or column in common but the election; no time; no foreign key between the two.
    ballot_cols, record_cols = _columns("elections_ballot"), _columns("elections_voterecord")
    assert set(ballot_cols) & set(record_cols) == {"id", "election_id"}
    for field in Ballot._meta.fields + VoteRecord._meta.fields:
        assert field.get_internal_type() not in ("DateTimeField", "DateField", "TimeField")
        assert field.related_model not in (Ballot, VoteRecord)
        assert field.get_internal_type() != "AutoField"
    assert Ballot._meta.pk.get_internal_type() == "UUIDField"
    assert VoteRecord._meta.pk.get_internal_type() == "UUIDField"

    # No ordering: neither the dump's order nor sorting by key pairs records with ballots.
    assert _linked_by_order(dump, election, truth) <= 6  # 1 expected by chance
    by_key_ballots = [b.marks for b in Ballot.objects.filter(election=election).order_by("id")]
    by_key_records = VoteRecord.objects.filter(election=election).order_by("id")
    members = [r.roll_entry.member_id for r in by_key_records.select_related("roll_entry")]
    assert sum(truth[m] == b for m, b in zip(members, by_key_ballots, strict=True)) <= 6

    # Each receipt and ballot key appears once in the whole dump: nothing else copies them.
    for ballot in Ballot.objects.filter(election=election):
        assert dump.count(ballot.receipt) == 1
        assert dump.count(str(ballot.id)) + dump.count(ballot.id.hex) == 1
    # The audit log holds counts, never an event per ballot.
    assert not AuditEvent.objects.filter(action__icontains="cast").exists()
    assert not AuditEvent.objects.filter(subject_type__in=["Ballot", "VoteRecord"]).exists()


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
    replacement = services.replace_credential(entry, channel="email", actor="ro")
    # Eight threads at once: four with the voter's old code (void, must fail cleanly) and four
    # with the new one, plus the new one from a second voter's thread.
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
    assert Ballot.objects.filter(election=election).count() == 1
    assert VoteRecord.objects.filter(election=election).count() == 1
