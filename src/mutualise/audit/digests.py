"""Ballots sealed into the chain at the count, and checked again by `verify`.

The audit app sits below the apps that hold ballots, so it does not read them itself: an app
registers, in its AppConfig.ready(), a *ballot source* for an action (e.g. "election.ballots_sealed"):
a function from the subject's id to its stored ballots, as (ballot id, content) pairs, content
being the ballot as published (an election's marks "3 1 2", a poll's "for"). Sealing and
verifying read the ballots through the same function, so they cannot drift apart.

At the count `seal_ballots` writes one event whose data holds
- `ballots_sha256`: SHA-256 of every ballot's content, one per line, lines sorted (so the order
  the ballots are stored or mixed in does not matter); printed on the result notice, and anyone
  can recompute it from the published anonymised ballots;
- `ballots`: how many; `listing_sha256`: SHA-256 of the sealed listing (below).
and keeps the listing (each ballot's id and content, sorted by id, compressed) beside the event,
so `verify` can name each ballot edited, deleted or added since. The listing is covered by the
event's data digest and so by its seal: editing it shows too.
"""

from __future__ import annotations

import hashlib
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

BallotSource = Callable[[str], Iterable[tuple[str, str]]]
PublishedDigest = Callable[[str], str]

_SOURCES: dict[str, BallotSource] = {}
_PUBLISHED: dict[str, PublishedDigest] = {}
NAMED_AT_MOST = 50  # ballots named per sealed event; beyond that, a count


def register(
    action: str, source: BallotSource, published_digest: PublishedDigest | None = None
) -> None:
    """Say where the ballots sealed by events of `action` are kept (call from AppConfig.ready).
    An app that publishes its ballots as a file and prints that file's SHA-256 as the digest
    gives `published_digest` (subject id -> hex), used instead of the sorted-lines digest."""
    _SOURCES[action] = source
    if published_digest is not None:
        _PUBLISHED[action] = published_digest


def source_for(action: str) -> BallotSource | None:
    return _SOURCES.get(action)


def published_digest_for(action: str) -> PublishedDigest | None:
    return _PUBLISHED.get(action)


def sealed_actions() -> list[str]:
    return sorted(_SOURCES)


def ballots_sha256(contents: Iterable[str]) -> str:
    """The digest printed on a result notice: one line per ballot, sorted, each ending in \\n.
    (Counted first: a million ballots hold a few thousand distinct contents.)"""
    return _digest_of_counted(Counter(contents))


@dataclass(frozen=True)
class Sealed:
    ballots_sha256: str
    count: int
    listing: bytes  # compressed
    listing_sha256: str
    contents: Counter  # each content and how many ballots hold it (not stored)

    def data(self) -> dict:
        return {
            "ballots_sha256": self.ballots_sha256,
            "ballots": self.count,
            "listing_sha256": self.listing_sha256,
        }


def _lines(ballots: Iterable[tuple[str, str]]) -> tuple[list[str], Counter]:
    """Each ballot as "id\\tcontent" (sorting these sorts by id, since a tab sorts first), and
    the contents counted."""
    lines, contents = [], Counter()
    for ballot_id, content in ballots:
        lines.append(f"{ballot_id}\t{content}")
        contents[content] += 1
    text = "".join(lines)
    if text.count("\t") != len(lines) or "\n" in text:
        raise ValueError("a ballot id or content cannot hold a tab or a newline")
    lines.sort()
    return lines, contents


def _digest_of_counted(contents: Counter) -> str:
    digest = hashlib.sha256()
    for content, n in sorted(contents.items()):
        digest.update((content + "\n").encode() * n)
    return digest.hexdigest()


def seal(ballots: Iterable[tuple[str, str]]) -> Sealed:
    lines, contents = _lines(ballots)
    plain = ("\n".join(lines) + "\n").encode() if lines else b""
    return Sealed(
        ballots_sha256=_digest_of_counted(contents),
        count=len(lines),
        listing=zlib.compress(plain, 1),
        listing_sha256=hashlib.sha256(plain).hexdigest(),
        contents=contents,
    )


def read_listing(listing: bytes) -> tuple[bytes, str]:
    """The sealed listing, uncompressed, and its SHA-256."""
    plain = zlib.decompress(listing)
    return plain, hashlib.sha256(plain).hexdigest()


def listing_contents(plain: bytes) -> Counter:
    return Counter(line.split("\t", 1)[1] for line in plain.decode().splitlines())


def listing_rows(plain: bytes) -> dict[str, str]:
    return dict(line.split("\t", 1) for line in plain.decode().splitlines())


def differences(sealed_plain: bytes, ballots: Iterable[tuple[str, str]]) -> tuple[list[str], str]:
    """Each ballot edited, deleted or added since it was sealed, in words, and the digest of the
    ballots as they are now. Equal listings are the common case and cost one comparison; only
    the lines that differ are looked at one by one."""
    lines, contents = _lines(ballots)
    now = _digest_of_counted(contents)
    plain = ("\n".join(lines) + "\n").encode() if lines else b""
    if plain == sealed_plain:
        return [], now
    was_lines = set(sealed_plain.decode().splitlines())
    changed = was_lines.symmetric_difference(lines)
    was = dict(line.split("\t", 1) for line in changed & was_lines)
    is_now = dict(line.split("\t", 1) for line in changed - was_lines)
    found = []
    for ballot_id in sorted(was.keys() | is_now.keys()):
        before, after = was.get(ballot_id), is_now.get(ballot_id)
        if after is None:
            found.append(f"ballot {ballot_id} was deleted (it read {before!r} at the count)")
        elif before is None:
            found.append(f"ballot {ballot_id} was added ({after!r}): it was not there at the count")
        else:
            found.append(f"ballot {ballot_id} was edited: {before!r} at the count, {after!r} now")
    return found, now
