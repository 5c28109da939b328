"""Cast-vote records as CSV, read and written (the BLT format is in `blt.py`).

Limits as for BLT (`ballots.MAX_CANDIDATES`, `ballots.MAX_BALLOTS`); every error names the row's
line; text that is not UTF-8, a NUL byte or a field too large for the CSV reader is refused.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np

from .ballots import (
    MAX_BALLOTS,
    MAX_CANDIDATES,
    MAX_NAME_LENGTH,
    PAD,
    BallotError,
    Profile,
    check_cells,
    group_rankings,
    has_control_character,
    pad_rankings,
)
from .names import look_alike_clause, name_key

_RANK = re.compile(r"(?:rank|preference|mark) ?(\d{1,6})")
_LIKE_RANK = re.compile(r"(?:rank|preference|mark)[\W_]*\d")


def read_cvr_csv(
    path: str | Path, *, candidates: list[str] | None = None, seats: int = 1, title: str = ""
) -> Profile:
    """Cast-vote records as CSV: a header row, then one row per ballot (or group of ballots).

    Columns named `rank 1`, `rank 2`, ... (or `preference 1`, `mark 1`, ... as the elections app
    writes them) hold candidate names in order of preference (blank for no preference); an
    optional `weight` column counts identical ballots. Candidates are given, or taken in order
    of first appearance. Errors name the row's line.
    """
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise BallotError(f"cannot read file: {exc.strerror}", source=source) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BallotError("not UTF-8 text", source=source, line=line) from exc
    return parse_cvr_csv(text, source=source, candidates=candidates, seats=seats, title=title)


def parse_cvr_csv(
    text: str,
    *,
    source: str | None = None,
    candidates: list[str] | None = None,
    seats: int = 1,
    title: str = "",
) -> Profile:
    # strict: a quote left open at the end (a truncated file) is an error, not a name
    # swallowing the rest of the file.
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    line = 1

    def error(message: str, at: int | None = None) -> BallotError:
        return BallotError(message, source=source, line=line if at is None else at)

    try:
        header = next(reader, None)
        if header is None:
            raise BallotError("empty CSV file", source=source)
        keys = [h.strip().lower() for h in header]
        # Preferences in the order of the rank numbers, whatever the order of the columns;
        # `preference N` and `mark N` as the elections app writes its ballots.
        ranks: dict[int, int] = {}
        for k, h in enumerate(keys):
            match = _RANK.fullmatch(h)
            if match:
                ranks[k] = int(match.group(1))
            elif _LIKE_RANK.match(h):  # a column meant as a rank must not be passed over
                raise error(f"column {header[k][:40]!r} is not written `rank N`")
        if not ranks:
            raise error("no `rank 1`, `rank 2`... columns in the header")
        if keys.count("weight") > 1:
            raise error("the header has more than one `weight` column")
        if len(set(ranks.values())) < len(ranks):
            twice = sorted(r for r in set(ranks.values()) if list(ranks.values()).count(r) > 1)
            raise error(f"the header has more than one `rank {twice[0]}` column")
        rank_cols = sorted(ranks, key=ranks.__getitem__)
        if len(rank_cols) > MAX_CANDIDATES:
            raise error(
                f"{len(rank_cols):,} rank columns: at most {MAX_CANDIDATES:,} candidates can stand"
            )
        weight_col = keys.index("weight") if "weight" in keys else None
        index = {name: k for k, name in enumerate(candidates or [])}
        names = list(candidates or [])
        # A name first met in a row: one a voter could take for another's is a second candidate
        # no result could tell apart (as the BLT reader refuses, `names.py`), not a new one.
        first_met: dict[str, tuple[str, int]] = {}
        rows: list[list[int]] = []
        weights: list[int] = []
        invalid = total = 0
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
                raise error(
                    f"{len(row)} fields but the header names {len(header)} columns: a "
                    "preference past the last column would be lost"
                )
            weight = 1
            if weight_col is not None:
                cell = row[weight_col].strip() if weight_col < len(row) else ""
                if not (cell.isascii() and cell.isdigit()) or not cell.strip("0"):
                    raise error(f"weight must be a positive whole number, found {cell[:40]!r}")
                if len(cell.lstrip("0")) > 12 or int(cell) > MAX_BALLOTS:
                    raise error(
                        f"weight {cell[:40]} is more than the {MAX_BALLOTS:,} ballots "
                        "that can be counted"
                    )
                weight = int(cell)
            total += weight
            if total > MAX_BALLOTS:
                raise error(
                    f"the ballots add up to more than the {MAX_BALLOTS:,} that can be counted"
                )
            ranking: list[int] = []
            seen: set[int] = set()
            for col in rank_cols:
                name = row[col].strip() if col < len(row) else ""
                if not name:
                    continue
                if name not in index:
                    if has_control_character(name):
                        raise error(f"candidate name {name[:80]!r} has a control character")
                    if len(name) > MAX_NAME_LENGTH:
                        raise error(
                            f"candidate name {name[:80]!r}... is {len(name):,} characters: "
                            f"at most {MAX_NAME_LENGTH:,}"
                        )
                    if candidates is not None:
                        raise error(f"unknown candidate {name[:80]!r}")
                    if not name_key(name):
                        raise error(f"candidate name {name[:80]!r} has only invisible characters")
                    if len(names) == MAX_CANDIDATES:
                        raise error(f"more than {MAX_CANDIDATES:,} candidates")
                    other, at = first_met.setdefault(name_key(name), (name, line))
                    if other != name:
                        raise error(
                            f"candidate name {name[:80]!r} cannot be told apart from "
                            f"{other[:80]!r} (line {at}){look_alike_clause(name, other)}"
                        )
                    index[name] = len(names)
                    names.append(name)
                if index[name] in seen:
                    raise error(f"{name[:80]!r} is ranked twice")
                seen.add(index[name])
                ranking.append(index[name])
            if not ranking:
                invalid += weight
                continue
            rows.append(ranking)
            weights.append(weight)
    except csv.Error as exc:
        raise error(f"not readable as CSV: {exc}", reader.line_num or 1) from None
    if seats > len(names):
        raise BallotError(f"{seats} seats but only {len(names)} candidates", source=source)
    if rows:
        check_cells(len(rows), max(len(r) for r in rows), source=source)
    rankings, weights_arr, _ = group_rankings(pad_rankings(rows), np.asarray(weights, np.int64))
    return Profile(names, rankings, weights_arr, seats=seats, title=title, invalid=invalid)


def write_cvr_csv(profile: Profile) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    width = profile.rankings.shape[1]
    writer.writerow(["weight", *[f"rank {k + 1}" for k in range(width)]])
    for weight, row in zip(profile.weights, profile.rankings, strict=True):
        names = [profile.candidates[c] if c != PAD else "" for c in row]
        writer.writerow([int(weight), *names])
    return out.getvalue()
