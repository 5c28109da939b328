"""Live turnout for the returning officer's console: by constituency, by channel and by day.

Turnout comes from who has voted (the vote records), never from the ballots. The figures are
not counted live from the vote records, though: a figure that moved with every cast would tell
whoever watched the console, refreshing it as a voter they can see (or have telephoned) casts,
that this voter has just voted, and which batch their ballot went into. So the mixer, in the
transaction that mixes a batch, adds the batch's vote records to a tally by day and channel
(`TurnoutTally`); the console reads only the tally. Every figure moves in whole batches of at
least K (the rulebook's `elections.secrecy_batch`), the K of the secrecy claim, and up to 2K - 1
votes cast since the last batch wait out of sight until the next one (all are in the count).

By day the console shows the whole election's figure only, never a day by channel or by
constituency: a day's few postal votes in one constituency could name the voters and so the
day they voted, which the marked register does not show. Each day's figure is a sum of whole
batches, so it is never smaller than K. By channel and by constituency the figures are totals
over the poll, which the marked register (who voted, and how) shows anyway.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils import timezone

from . import clock
from .lifecycle import State
from .mixing_rules import batch_size
from .models import CHANNEL_RULES, Election, RollEntry, TurnoutTally

CHANNEL_WORDS = {
    "internet": "Online",
    "telephone": "Telephone or text",
    "post": "Post (keyed by officers)",
    "paper": "Paper in person (keyed by officers)",
}
SHOWN_IN = (State.POLL_OPEN, State.POLL_CLOSED)


def record_batch(election: Election, channels: Counter) -> None:
    """Add one mixed batch's vote records to the tally (the mixer calls this in its own
    transaction). The day is London's, and no later than the close of poll: the last batch,
    mixed at the count, holds votes cast up to the close."""
    day = min(timezone.localdate(clock.now()), election.close_of_poll)
    for channel, votes in channels.items():
        if not votes:
            continue
        row, created = TurnoutTally.objects.get_or_create(
            election=election,
            day=day,
            channel=channel,
            defaults={"organisation_id": election.organisation_id, "votes": votes},
        )
        if not created:
            TurnoutTally.objects.filter(pk=row.pk).update(votes=models.F("votes") + votes)


@dataclass(frozen=True)
class Line:
    label: str
    votes: int
    of: int  # the electorate, or all votes so far, whichever the line is a share of

    @property
    def percent(self) -> str:
        return f"{100 * self.votes / self.of:.1f}%" if self.of else "-"


@dataclass(frozen=True)
class Turnout:
    batch: int  # K
    electorate: int
    votes: int
    by_constituency: list[Line]
    by_channel: list[Line]
    by_day: list[tuple[date, int]]

    @property
    def percent(self) -> str:
        return Line("", self.votes, self.electorate).percent

    @property
    def not_yet_shown(self) -> int:
        """The most votes that can be cast and not yet show: one short of 2K."""
        return 2 * self.batch - 1


def _electorate(election: Election) -> int:
    return RollEntry.objects.filter(election=election, removed=False).count()


def _constituency_name(election: Election) -> str:
    try:
        constituency = election.organisation.constitution.constituency(election.constituency_id)
    except KeyError:
        return election.constituency_id
    for kind in constituency.classes:
        if election.class_id and kind.id == election.class_id:
            return f"{constituency.name}: {kind.name}"
    return constituency.name


def _allowed_channels(election: Election) -> list[str]:
    """The ways of voting the rulebook provides (`elections.channels`), as vote records name them."""
    allowed = set(election.organisation.constitution.elections.channels)
    return [c for c, names in CHANNEL_RULES.items() if set(names) & allowed]


def live(election: Election, *, also: list[Election] = ()) -> Turnout | None:
    """The console's turnout while the poll is open or closed (before the count), else None.
    `also`: the other elections the same returning officer is running at the same time, one
    row each in the table by constituency."""
    if election.state_enum not in SHOWN_IN:
        return None
    rows = TurnoutTally.objects.filter(election=election)
    by_channel = Counter(dict(rows.values_list("channel").annotate(n=models.Sum("votes"))))
    by_day = list(rows.values_list("day").annotate(n=models.Sum("votes")).order_by("day"))
    votes = by_channel.total()
    channels = _allowed_channels(election)
    channels += [c for c in by_channel if c not in channels]  # a channel since removed
    electorate = _electorate(election)
    constituencies = [Line(_constituency_name(election), votes, electorate)]
    for other in also:
        if other.pk == election.pk or other.state_enum not in SHOWN_IN:
            continue
        theirs = TurnoutTally.objects.filter(election=other).aggregate(n=models.Sum("votes"))
        constituencies.append(
            Line(
                f"{_constituency_name(other)} ({other.title})", theirs["n"] or 0, _electorate(other)
            )
        )
    return Turnout(
        batch=batch_size(election),
        electorate=electorate,
        votes=votes,
        by_constituency=constituencies,
        by_channel=[Line(CHANNEL_WORDS.get(c, c), by_channel.get(c, 0), votes) for c in channels],
        by_day=by_day,
    )
