"""Budget ballots' secrecy against the database itself (docs/secrecy.md; the elections tests'
attacks, tests/elections/test_elections_secrecy.py): 60 members vote in a random order, each a
different set of projects (so a linked ballot gives its voter away), then every linking attack
is run on the live database and on a dump, mid-vote and after the count, on either database.

An attack's guesses pair members with ballots; the number right is compared with
Binomial(60, 1/K), the most guessing among a batch of K would get. An attack fails the test if
chance would do as well less than once in 10,000 (at K = 20: 12 or more right)."""

import ast
import base64
import itertools
import random
import re
import subprocess
from collections import defaultdict
from datetime import date, timedelta
from math import comb

import pytest
from django.db import connection
from participation_helpers import at, found, make_members

from mutualise.audit.models import AuditEvent
from mutualise.participation import mixing, services, storage
from mutualise.participation.models import BudgetBallot, BudgetVoteRecord, HeldBudgetBallot

DAY = date(2026, 6, 1)
VOTERS = 60
ALPHA = 1e-4
PROJECTS = 6


def _voting_budget(org):
    budget = services.set_up_budget(org, {"title": "Parks", "pot_pence": 10_000_00}, actor="test")
    services.transition(budget, "open_proposals", actor="test")
    for n in range(PROJECTS):
        services.add_project(budget, title=f"Project {n}", cost_pence=1_000_00, actor="test")
    services.transition(budget, "start_review", actor="test")
    for project in budget.projects.all():
        services.review_project(project, accept=True, actor="test")
    services.set_voting_window(budget, at(DAY), at(DAY + timedelta(days=14)), actor="test")
    return services.transition(budget, "open_voting", actor="test", now=at(DAY))


def _cast(budget, members) -> dict[int, str]:
    """Each member a different set of projects, in a random order; returns member -> ballot."""
    codes = [f"P{n + 1}" for n in range(PROJECTS)]
    sets = [s for size in range(1, 6) for s in itertools.combinations(codes, size)]
    order = list(members)
    random.SystemRandom().shuffle(order)
    truth = {}
    for member, chosen in zip(order, sets, strict=False):
        services.cast_ballot(budget, member, [(c, 1) for c in chosen], now=at(DAY, 13))
        truth[member.pk] = " ".join(chosen)
    return truth


def _tail(right, n, p):
    return sum(comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(right, n + 1))


def _assert_chance(name, guesses, truth, k):
    right = sum(guesses.get(member) == ballot for member, ballot in truth.items())
    p_value = _tail(right, len(truth), 1 / k)
    assert p_value >= ALPHA, (
        f"{name}: {right} of {len(truth)} budget ballots linked to their voters; chance among "
        f"{k} gives {len(truth) / k:.0f} (p = {p_value:.2g})"
    )


def _pair(records, ballots, key):
    return {
        r["member"]: b["ballot"]
        for r, b in zip(sorted(records, key=key), sorted(ballots, key=key), strict=False)
    }


def _pair_within(records, ballots, group, key):
    groups = defaultdict(lambda: ([], []))
    for r in records:
        groups[group(r)][0].append(r)
    for b in ballots:
        groups[group(b)][1].append(b)
    guesses = {}
    for rs, bs in groups.values():
        guesses |= _pair(rs, bs, key)
    return guesses


def _text(choices) -> str:
    if isinstance(choices, str):
        choices = ast.literal_eval(choices) if choices.startswith("[") else choices
    return " ".join(code for code, _ in choices)


def _live(budget):
    pg = connection.vendor == "postgresql"
    extra = ", xmin::text, ctid::text" if pg else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT member_id, id{extra} FROM participation_budgetvoterecord WHERE budget_id = %s",
            [budget.pk],
        )
        records = [_row("member", row) for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT choices, id{extra} FROM participation_budgetballot WHERE budget_id = %s",
            [budget.pk],
        )
        ballots = [_row("ballot", row) for row in cursor.fetchall()]
    for rows in (records, ballots):
        for position, item in enumerate(rows):
            item["scan"] = position
    for item in ballots:
        item["ballot"] = _text(item["ballot"])
    return records, ballots


def _row(name, row):
    item = {name: row[0], "key": str(row[1])}
    if len(row) > 2:
        page, slot = row[3].strip("()").split(",")
        item |= {"xmin": int(row[2]), "ctid": (int(page), int(slot))}
    return item


def _live_attacks(budget, truth, k):
    records, ballots = _live(budget)
    _assert_chance("scan order", _pair(records, ballots, lambda x: x["scan"]), truth, k)
    _assert_chance("key order", _pair(records, ballots, lambda x: x["key"]), truth, k)
    if connection.vendor == "postgresql":
        _assert_chance("ctid order", _pair(records, ballots, lambda x: x["ctid"]), truth, k)
        _assert_chance("xmin order", _pair(records, ballots, lambda x: x["xmin"]), truth, k)
        for inner in ("ctid", "key"):
            guesses = _pair_within(records, ballots, lambda x: x["xmin"], lambda x, i=inner: x[i])
            _assert_chance(f"xmin join, then {inner}", guesses, truth, k)
    else:
        for table in storage.SECRET_TABLES:
            assert storage.is_without_rowid(connection, table), f"{table} has a rowid again"
            with pytest.raises(Exception, match="rowid"), connection.cursor() as cursor:
                cursor.execute(f"SELECT rowid FROM {table}")


def _dump(table):
    """The table as a dump lists it: `pg_dump --data-only`, or SQLite's `.dump`."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            names = [c.name for c in connection.introspection.get_table_description(cursor, table)]
        pattern = re.compile(rf'^INSERT INTO "{table}" VALUES\((.*)\);$')
        rows = []
        for line in connection.connection.iterdump():
            if match := pattern.match(line):
                values = ast.literal_eval("[" + re.sub(r"\bNULL\b", "None", match.group(1)) + "]")
                rows.append({n: str(v) for n, v in zip(names, values, strict=True)})
        return rows
    s = connection.settings_dict
    command = ["pg_dump", "--data-only", "-t", table, "-h", s["HOST"] or "127.0.0.1"]
    command += ["-U", s["USER"] or "postgres", "-p", str(s["PORT"] or 5432), s["NAME"]]
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


def _dump_attacks(budget, truth, k):
    mine = str(budget.pk)
    records = [r for r in _dump("participation_budgetvoterecord") if r["budget_id"] == mine]
    ballots = [b for b in _dump("participation_budgetballot") if b["budget_id"] == mine]
    records = [{"member": int(r["member_id"]), "n": n} for n, r in enumerate(records)]
    ballots = [{"ballot": _text(b["choices"]), "n": n} for n, b in enumerate(ballots)]
    _assert_chance("dump order", _pair(records, ballots, lambda x: x["n"]), truth, k)


@pytest.mark.django_db(transaction=True)
def test_no_copy_of_the_database_links_budget_ballots_to_voters():
    budget = _voting_budget(found())
    k = mixing.batch_size(budget)
    truth = _cast(budget, make_members(budget.organisation, VOTERS))
    mixing.mix(budget)  # whatever is due, as a later cast would
    held = HeldBudgetBallot.objects.filter(budget=budget)
    assert BudgetBallot.objects.filter(budget=budget).count() >= k and held.count() >= k
    assert mixing.cast_count(budget) == VOTERS == BudgetVoteRecord.objects.count()

    # Mid-vote: the held ballots say nothing (one length, no project codes in them).
    sealed = list(held.values_list("sealed", flat=True))
    assert len({len(s) for s in sealed}) == 1
    raw = [base64.b64decode(s) for s in sealed]
    assert not any(f'["P{n}",1]'.encode() in r for r in raw for n in range(1, 7))
    if connection.vendor == "postgresql":
        # The control: the xmin join ties each waiting record to its held ballot ... sealed.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM participation_budgetvoterecord v JOIN "
                "participation_heldbudgetballot h ON v.xmin::text = h.xmin::text "
                "WHERE v.budget_id = %s",
                [budget.pk],
            )
            assert cursor.fetchone()[0] == held.count()
    _live_attacks(budget, truth, k)
    _dump_attacks(budget, truth, k)

    services.count_budget(budget, actor="test", now=at(DAY + timedelta(days=15)))
    assert not held.exists()
    assert sorted(_text(c) for c in BudgetBallot.objects.values_list("choices", flat=True)) == (
        sorted(truth.values())
    )
    _live_attacks(budget, truth, k)
    _dump_attacks(budget, truth, k)
    if connection.vendor == "postgresql":
        for table in ("participation_budgetballot", "participation_budgetvoterecord"):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT count(*) FROM {table} WHERE budget_id = %s GROUP BY xmin::text",
                    [budget.pk],
                )
                assert min(n for (n,) in cursor.fetchall()) >= k
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM FREEZE {table}")
        _live_attacks(budget, truth, k)
    for model in (BudgetBallot, BudgetVoteRecord, HeldBudgetBallot):
        for field in model._meta.fields:
            assert field.get_internal_type() not in ("DateTimeField", "DateField", "TimeField")
            assert field.get_internal_type() not in ("AutoField", "BigAutoField")
    assert not AuditEvent.objects.filter(action="budget.voted").exists()


@pytest.mark.django_db(transaction=True)
def test_a_small_budget_is_mixed_whole_at_the_count_and_batches_leave_k_behind():
    budget = _voting_budget(found())
    k = mixing.batch_size(budget)
    members = make_members(budget.organisation, 45)
    truth = _cast(budget, members[:7])
    assert mixing.mix(budget) == 0  # fewer than 2K held: nothing mixed during voting
    assert not BudgetBallot.objects.exists()
    for member in members[7:]:
        services.cast_ballot(budget, member, [("P1", 1)], now=at(DAY, 14))
    mixing.mix(budget)
    assert HeldBudgetBallot.objects.filter(budget=budget).count() >= k
    services.count_budget(budget, actor="test", now=at(DAY + timedelta(days=15)))
    assert mixing.cast_count(budget) == 45 == BudgetBallot.objects.count()
    assert len(truth) == 7


@pytest.mark.django_db(transaction=True)
def test_the_attacks_work_when_the_mixer_does_not_shuffle(monkeypatch):
    """The control: with the mixer's shuffles removed, PostgreSQL's heap keeps the cast order in
    both tables and the scan-order attack links the batch far beyond chance."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's WITHOUT ROWID tables keep random-key order even unshuffled")
    monkeypatch.setattr(mixing._RANDOM, "shuffle", lambda items: None)
    budget = _voting_budget(found())
    k = mixing.batch_size(budget)
    monkeypatch.setattr(mixing, "after_cast", lambda budget: None)
    truth = _cast(budget, make_members(budget.organisation, VOTERS))
    services.count_budget(budget, actor="test", now=at(DAY + timedelta(days=15)))
    records, ballots = _live(budget)
    with pytest.raises(AssertionError, match="linked to their voters"):
        _assert_chance("scan order", _pair(records, ballots, lambda x: x["scan"]), truth, k)
