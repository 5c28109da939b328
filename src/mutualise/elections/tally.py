"""From stored ballots to the counting library and back: the profile, the count, the published
anonymised ballots (BLT and CSV) and the turnout."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np
from django.db.models import Count

from mutualise.counting import report, stages
from mutualise.counting.ballots import PAD, Profile, group_rankings
from mutualise.counting.blt import write_blt
from mutualise.counting.methods import get_method
from mutualise.register.services import neutralise_cell

from . import mixing, ties
from .models import Ballot, Candidate, Election, Receipt, VoteRecord


def candidate_names(election: Election) -> list[str]:
    standing = election.candidates.filter(status=Candidate.Status.NOMINATED).order_by("position")
    return [c.ballot_name for c in standing]


def profile(election: Election) -> Profile:
    """The election's ballots grouped in the database (one row per distinct set of marks), so
    a million ballots reach Python as a few thousand rows."""
    names = candidate_names(election)
    grouped = (
        Ballot.objects.filter(election=election)
        .values_list("marks")
        .annotate(n=Count("id"))
        .order_by("marks")
    )
    rows, weights = [], []
    for marks, n in grouped:
        rows.append([int(m) - 1 for m in marks.split()])
        weights.append(n)
    width = max((len(r) for r in rows), default=1)
    rankings = np.full((len(rows), width), PAD, dtype=np.int32)
    for i, row in enumerate(rows):
        rankings[i, : len(row)] = row
    rankings, weights_array, _ = group_rankings(rankings, np.asarray(weights, dtype=np.int64))
    return Profile(
        candidates=names,
        rankings=rankings,
        weights=weights_array,
        seats=election.vacancies,
        title=election.title,
    )


@dataclass
class Outcome:
    result_data: dict
    report_text: str
    turnout: dict


def is_approval_vote(election: Election) -> bool:
    """An uncontested election the rulebook still puts to the vote
    (`elections.when_uncontested: hold-approval-vote`): each candidate needs the approval of
    more than half of the valid ballots."""
    rule = election.organisation.constitution.elections.when_uncontested
    standing = election.candidates.filter(status=Candidate.Status.NOMINATED).count()
    return rule == "hold-approval-vote" and 0 < standing <= election.vacancies


def run_count(election: Election, ballots: Profile | None = None, casting_votes=()):
    """Count with the rulebook's method, the election's recorded seed and the rulebook's way of
    breaking ties (`elections.ties`, with the chair's casting votes given so far)."""
    ballots = ballots if ballots is not None else profile(election)
    method = get_method(election.method)
    rule = election.organisation.constitution.elections.ties
    breaker = ties.tie_breaker(rule, election.seed, casting_votes)
    seats = election.vacancies
    if is_approval_vote(election):
        seats = min(seats, len(ballots.candidates))
    result = method(ballots, seats, tie_breaker=breaker, **election.method_options)
    return result, breaker


def turnout(election: Election, ballots: int) -> dict:
    voters = election.roll.filter(removed=False).count()
    labels = dict(VoteRecord.Channel.choices)
    per_channel = (
        VoteRecord.objects.filter(election=election)
        .values_list("channel")
        .annotate(n=Count("id"))
        .order_by("channel")
    )
    by_channel = {labels.get(channel, channel): n for channel, n in per_channel}
    return {
        "voters": voters,
        "ballots": ballots,
        "percent": round(100 * ballots / voters, 1) if voters else 0.0,
        "by_channel": by_channel,
    }


def count_election(election: Election, casting_votes=()) -> Outcome:
    ballots = profile(election)
    result, breaker = run_count(election, ballots, casting_votes)
    data = report.to_dict(result)
    elected = list(result.elected)
    if is_approval_vote(election):
        approvals = result.stages[0].totals
        elected = [c for c in elected if 2 * approvals[c] > result.valid_poll]
        refused = [c for c in result.elected if c not in elected]
        data["approval_vote"] = {
            "rule": "elected if approved on more than half of the valid ballots",
            "not_approved": [result.candidates[c] for c in refused],
        }
        if refused:  # the count's own story says who is elected: only the approved are
            data["elected"] = [c + 1 for c in elected]
            for stage in data["stages"]:
                stage["elected"] = [c for c in stage["elected"] if c - 1 in elected]
            for c in refused:
                data["notes"].append(
                    f"stage 1: {result.candidates[c]} not elected: approved on {approvals[c]} "
                    f"of the {result.valid_poll} valid ballots, not more than half "
                    "(elections.when_uncontested: hold-approval-vote)"
                )
    data["elected_positions"] = [c + 1 for c in elected]
    data["elected_names"] = [result.candidates[c] for c in elected]
    data["casting_votes"] = list(casting_votes)
    pending = getattr(breaker, "pending", None)
    if pending:
        data["casting_pending"] = {
            "stage": pending["stage"],
            "tied_positions": [c + 1 for c in pending["tied"]],
            "tied_names": [result.candidates[c] for c in pending["tied"]],
        }
    data["svg"] = report.svg_chart(result)
    data["stage_labels"] = [report.describe_stage(result, s.number) for s in result.stages]
    return Outcome(data, report.to_text(data), turnout(election, ballots.n_ballots))


def result_page(election: Election, result: dict) -> dict:
    """What the result page shows of a stored count: each stage in words, the sheet of
    transfers and totals (columns adding up to the valid poll) and the chart."""
    if not result:
        return {"method_name": election.method_name}
    return {
        "method_name": result.get("method_name") or election.method_name,
        "stages": stages.explain(result),
        "sheet": stages.sheet(result),
        "chart": report.svg_chart(result, table_id="Votes at each stage"),
    }


def ballots_blt(election: Election) -> str:
    return write_blt(profile(election))


def ballots_csv(election: Election) -> str:
    """One row per ballot, sorted by what it says: the candidates marked (in order of preference
    for ranked methods). The receipt is a column only where the rulebook chose receipts that show
    a ballot's contents; otherwise receipts are published apart (receipts_text)."""
    names = candidate_names(election)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    info = election.method_info
    width = info.max_marks(election.vacancies, len(names)) if info else len(names)
    label = "preference" if election.is_ranked else "mark"
    with_receipt = mixing.contents_receipts(election)
    writer.writerow(
        [*(["receipt"] if with_receipt else []), *[f"{label} {k + 1}" for k in range(width)]]
    )
    rows = (
        Ballot.objects.filter(election=election)
        .order_by("receipt" if with_receipt else "marks", "id")
        .values_list("receipt", "marks")
    )
    for receipt, marks in rows.iterator(chunk_size=5000):
        # A candidate's name could be a formula ("=HYPERLINK(...)"): neutralised for spreadsheets.
        marked = [neutralise_cell(names[int(m) - 1]) for m in marks.split()]
        writer.writerow([receipt, *marked] if with_receipt else marked)
    return out.getvalue()


def receipts_text(election: Election) -> str:
    """The published list of receipts, one a line, sorted: proof a ballot is in the count, in an
    order that says nothing about which ballot it stands for."""
    rows = (
        Receipt.objects.filter(election=election)
        .order_by("receipt")
        .values_list("receipt", flat=True)
    )
    return "".join(f"{receipt}\n" for receipt in rows.iterator(chunk_size=5000))
