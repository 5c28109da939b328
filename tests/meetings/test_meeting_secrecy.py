"""Issue 10, part 2, for meeting secret polls: no copy of the database links a ballot to its voter
better than chance among K (docs/secrecy-meeting-polls.md says what each attack is and why).

60 members vote through HTTP in random order. Mid-poll (after 45 votes) and after the
declaration, each attack is run on the live database and on a dump:

- joins (PostgreSQL xmin): every ballot's candidate voters are none, or at least K;
- orders (PostgreSQL ctid and xmin, pg_dump --data-only row order; SQLite rowid, backup and
  .dump row order; ids on both): the attacker pairs the i-th ballot with the i-th voter, in the
  vote records' order by the same attribute and in the order the members really voted (known
  outside the database: logs, whoever watched).
  Under chance each pairing is right with probability at most 1/K, so the count of right
  pairings is at most Poisson(lambda = ballots / K); the test fails when the count reaches the
  smallest t with P(Poisson(lambda) >= t) < 0.001 (6 for lambda = 1). Today's code scored 11/11.

The rulebook here chooses receipts that show contents, so every ballot row carries its receipt
hash: the strongest attacker's view, and an exact ground truth (the test knows each voter's
receipt). The receipt list (`PollReceipt`) is attacked the same way.
"""

from __future__ import annotations

import math
import random
import sqlite3
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.test import Client
from meeting_helpers import at, make_members, new_meeting, notice_day

from mutualise.audit.models import AuditEvent
from mutualise.constitution import model_path
from mutualise.meetings import services
from mutualise.meetings.mixing import SEAL
from mutualise.meetings.models import Ballot, PollReceipt, SealedBallot, VoteRecord
from mutualise.register import services as register
from mutualise.secrecy.sealing import SealBroken

pytestmark = pytest.mark.django_db(transaction=True)
VOTERS, MID, K = 60, 45, 20
TABLES = {
    "records": VoteRecord._meta.db_table,
    "ballots": Ballot._meta.db_table,
    "receipts": PollReceipt._meta.db_table,
}


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _organisation():
    text = model_path("co-operative-society").read_text(encoding="utf-8")
    text = text.replace("\nmeetings:\n", "\nmeetings:\n  receipts: contents\n", 1)
    return register.create_organisation(
        name="Secret Co-op", constitution_text=text, source_name="coop.yaml", slug="secret",
        actor="test",
    )  # fmt: skip


def _threshold(lam: float, alpha: float = 0.001) -> int:
    """The smallest t with P(Poisson(lam) >= t) < alpha."""
    t, below = 0, 0.0
    while 1 - below >= alpha:
        below += math.exp(-lam) * lam**t / math.factorial(t)
        t += 1
    return t


class Poll:
    def __init__(self):
        self.org = _organisation()
        users = [get_user_model().objects.create_user(f"voter{i}") for i in range(VOTERS)]
        self.members = make_members(self.org, VOTERS, users=users)
        self.meeting = new_meeting(self.org)
        self.resolution = services.add_resolution(
            self.meeting, title="Secret", text="...", kind_id="ordinary", method="poll"
        )
        services.call_meeting(self.meeting, now=notice_day(self.meeting))
        self.meeting = services.open_meeting(self.meeting, now=at(self.meeting.date))
        services.check_in_many(self.meeting, self.members, mode="online")
        services.open_vote(self.resolution)
        self.order = random.Random(10).sample(self.members, VOTERS)
        self.truth: dict[int, str] = {}  # member id -> receipt hash

    def vote(self, members):
        url = f"/o/secret/meetings/{self.meeting.pk}/resolutions/1/vote"
        client = Client()
        for member in members:
            client.force_login(member.user)
            choice = random.choice(["for", "against", "abstain"])
            answer = client.post(url, {"r1-choice": choice}, HTTP_ACCEPT="application/json")
            assert answer.status_code == 200, answer.content
            self.truth[member.pk] = services.receipt_hash(answer.json()["receipt"])


def _score(poll, voters: list[int], receipts: list[str]) -> int:
    """Right pairings when the i-th ballot (by receipt) is paired with the i-th voter."""
    return sum(poll.truth.get(v) == r for v, r in zip(voters, receipts, strict=False))


def _check_order(poll, name, voters, receipts, batch_floor):
    assert receipts, f"{name}: nothing to attack"
    limit = _threshold(len(receipts) / batch_floor)
    right = _score(poll, voters, receipts)
    assert right < limit, f"{name}: {right} of {len(receipts)} ballots linked (chance < {limit})"


def _rows(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def _live_orders(poll):
    """Attack name -> (voters in that order, receipts of ballots in that order, of receipts)."""
    t = TABLES
    orders = {
        "ids": (
            [m for (m,) in _rows(f"SELECT member_id FROM {t['records']} ORDER BY id")],
            [r for (r,) in _rows(f"SELECT receipt FROM {t['ballots']} ORDER BY id")],
            [r for (r,) in _rows(f"SELECT receipt FROM {t['receipts']} ORDER BY id")],
        ),
    }
    if connection.vendor == "postgresql":
        for column in ("ctid", "xmin::text::bigint"):
            orders[column] = tuple(
                [v for (v,) in _rows(f"SELECT {c} FROM {table} ORDER BY {column}, ctid")]
                for table, c in (
                    (t["records"], "member_id"),
                    (t["ballots"], "receipt"),
                    (t["receipts"], "receipt"),
                )
            )
    else:
        orders["rowid"] = tuple(
            [v for (v,) in _rows(f"SELECT {c} FROM {table} ORDER BY rowid")]
            for table, c in (
                (t["records"], "member_id"),
                (t["ballots"], "receipt"),
                (t["receipts"], "receipt"),
            )
        )
    return orders


def _dump_orders(tmp_path):
    """The same three lists, in the order a dump holds the rows."""
    t = TABLES
    if connection.vendor == "postgresql":
        settings = connection.settings_dict
        command = ["pg_dump", "--data-only", "-h", settings["HOST"] or "127.0.0.1"]
        command += ["-p", str(settings["PORT"] or 5432), "-U", settings["USER"]]
        for table in t.values():
            command += ["-t", table]
        text = subprocess.run(
            [*command, settings["NAME"]], capture_output=True, text=True, check=True
        ).stdout
        return {"pg_dump --data-only": _copy_blocks(text)}
    backup = sqlite3.connect(tmp_path / "backup.sqlite3")
    connection.ensure_connection()
    connection.connection.backup(backup)
    read = {
        "sqlite backup": tuple(
            [v for (v,) in backup.execute(f"SELECT {c} FROM {table}")]
            for table, c in (
                (t["records"], "member_id"),
                (t["ballots"], "receipt"),
                (t["receipts"], "receipt"),
            )
        )
    }
    lines = list(backup.iterdump())
    read["sqlite .dump"] = tuple(
        [_dumped_value(line, column) for line in lines if line.startswith(f'INSERT INTO "{table}"')]
        for table, column in ((t["records"], "member_id"), (t["ballots"], "receipt"),
                              (t["receipts"], "receipt"))
    )  # fmt: skip
    backup.close()
    return read


def _dumped_value(line: str, column: str):
    table = line.split('"')[1]
    names = [c[1] for c in _rows(f'PRAGMA table_info("{table}")')]
    values = line[line.index("VALUES(") + 7 : -2].split(",")
    value = values[names.index(column)].strip("'")
    return int(value) if column == "member_id" else value


def _copy_blocks(text: str):
    found = {}
    lines = iter(text.splitlines())
    for line in lines:
        if line.startswith("COPY "):
            table = line.split()[1].split(".")[-1]
            columns = line[line.index("(") + 1 : line.index(")")].split(", ")
            rows = []
            for row in lines:
                if row == "\\.":
                    break
                rows.append(dict(zip(columns, row.split("\t"), strict=True)))
            found[table] = rows
    t = TABLES
    return (
        [int(r["member_id"]) for r in found.get(t["records"], [])],
        [r["receipt"] for r in found.get(t["ballots"], [])],
        [r["receipt"] for r in found.get(t["receipts"], [])],
    )


def _attack(poll, tmp_path, batch_floor):
    orders = {**_live_orders(poll), **_dump_orders(tmp_path)}
    # The order the members voted in is known outside the database too (web logs, whoever
    # watched the cards being keyed): each table's order is attacked against it as well.
    cast = [m.pk for m in poll.order if m.pk in poll.truth]
    for name, (voters, ballots, receipts) in orders.items():
        assert len(voters) == len(poll.truth), name
        for side, known in (("the same order of vote records", voters), ("cast order", cast)):
            _check_order(poll, f"{name}, ballots against {side}", known, ballots, batch_floor)
            _check_order(poll, f"{name}, receipts against {side}", known, receipts, batch_floor)
    if connection.vendor == "postgresql":
        _xmin_join(poll)


def _xmin_join(poll):
    t = TABLES
    for table in (t["ballots"], t["receipts"]):
        pairs = _rows(
            f"SELECT b.receipt, v.member_id FROM {table} b JOIN {t['records']} v "
            "ON v.xmin::text = b.xmin::text"
        )
        candidates: dict[str, set] = {}
        for receipt, member in pairs:
            candidates.setdefault(receipt, set()).add(member)
        assert all(len(c) >= K for c in candidates.values()), (
            f"xmin join on {table}: a ballot's voter is one of only "
            f"{min(len(c) for c in candidates.values())}"
        )


def test_no_copy_of_the_database_links_a_ballot_to_its_voter(tmp_path):
    poll = Poll()
    events = AuditEvent.objects.count()
    poll.vote(poll.order[:MID])
    # No event per vote (so no time per vote): one per mix batch (its keyed sum), of >= K.
    batches = AuditEvent.objects.filter(action="resolution.ballots_mixed")
    assert AuditEvent.objects.count() == events + 1 == events + batches.count()
    assert all(event.data["ballots"] >= K for event in batches)
    # Mid-poll: the pool mix opened a batch once 2K waited, keeping K sealed.
    assert Ballot.objects.count() == MID - K - (MID - 2 * K) and Ballot.objects.count() >= K
    assert SealedBallot.objects.count() == MID - Ballot.objects.count()
    _attack(poll, tmp_path, batch_floor=K)
    _sealed_ballots_say_nothing()
    poll.vote(poll.order[MID:])
    declared = services.declare_result(poll.resolution)
    assert declared.votes_for + declared.votes_against + declared.abstentions == VOTERS
    assert not SealedBallot.objects.exists()
    assert set(Ballot.objects.values_list("receipt", flat=True)) == set(poll.truth.values())
    (tmp_path / "after").mkdir()
    _attack(poll, tmp_path / "after", batch_floor=K)


def _sealed_ballots_say_nothing():
    """A sealed ballot shares its vote's transaction (so neither is kept without the other), but
    says nothing without the server's key: same length, no choice word, no receipt."""
    sealed = list(SealedBallot.objects.values_list("sealed", flat=True))
    assert len({len(s) for s in sealed}) == 1
    receipts = set(Ballot.objects.values_list("receipt", flat=True))
    for text in sealed:
        assert not {"for", "against", "abstain"} & set(text.split('"'))
        assert not any(r in text for r in receipts)
    with pytest.raises(SealBroken):
        tampered = sealed[0][:-4] + ("AAAA" if not sealed[0].endswith("AAAA") else "BBBB")
        SEAL.unseal(tampered)


def test_no_table_of_the_ballot_box_holds_a_time():
    for model in (VoteRecord, SealedBallot, Ballot, PollReceipt):
        kinds = {type(f) for f in model._meta.get_fields() if hasattr(f, "get_internal_type")}
        assert not kinds & {models.DateTimeField, models.DateField, models.TimeField}, model
