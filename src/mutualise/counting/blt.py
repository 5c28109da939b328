"""The BLT ballot file format (and CSV cast-vote records), read and written.

BLT layout: a line `candidates seats`; optionally a line of negative numbers naming withdrawn
candidates and `[option ...]` lines (`[withdrawn 2 4]`, `[nick a b c]`, `[tie 3 2 1]`); ballot lines
`weight pref pref ... 0` (`2=3` ranks candidates equal); a line `0`; one name line per candidate;
the title. Dialects accepted (see ../shared/conformance/README.md):

- a UTF-8 byte order mark, CRLF line ends, `#` comments, blank lines;
- names quoted with doubled inner quotes (`"Lab ""Ann SMITH"" "`, read as `Ann SMITH (Lab)`) or
  unquoted; every line ending with a comma (Perth & Kinross 2016);
- no name lines, the names given as `# ALTERNATIVE NAME n: ...` comments (Glasgow 2007);
- free text after the title (droop's test files), kept in `options["notes"]`.

Options: `[withdrawn ...]` and `[nick ...]` are applied; `[tie ...]` (OpenSTV's tie-break order)
is checked (each candidate once) and kept in `options` with its line in `options["tie_at"]`; no
counting method can use a given order, so a count refuses it naming that line (`ties.py`); any
other option is kept raw. Two candidates with the same name are refused, naming the line.

Limits (`ballots.MAX_CANDIDATES`, `ballots.MAX_BALLOTS`): a header claiming more candidates, a
weight or a running total of ballots beyond the limit, or a number too long to be one, is refused
with its line before anything is allocated or counted.

Ballot lines become profile rows in file order (BLT files are usually grouped already; call
`Profile.grouped()` to merge identical rankings). Treatments: a ballot with no preference is a blank (invalid) paper, counted in
`Profile.invalid`; a candidate ranked twice, a number out of range, a zero or fractional weight,
a missing end-of-ballot `0` are errors naming the line. Clean files take a NumPy fast path; any
irregularity falls back to the line-by-line reader, which gives the exact line of an error.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from .ballots import (
    MAX_BALLOTS,
    MAX_CANDIDATES,
    PAD,
    BallotError,
    Profile,
    check_cells,
    pad_rankings,
)
from .blt_write import write_blt  # noqa: F401  (reader and writer are used together)
from .cvr import read_cvr_csv, write_cvr_csv  # noqa: F401  (the file formats live together)

_DIGITS_SPACES_NEWLINES = b"0123456789 \n"
_ALT_NAME = re.compile(r"#\s*ALTERNATIVE NAME\s+(\d+)\s*:\s*(.*?)\s*$")
_PARTY_FIRST = re.compile(r'^(\S+) "(.+)"$')


def read_blt(path: str | Path, *, source: str | None = None) -> Profile:
    """Read a BLT file; errors name `source` (default: the path as given) and the line."""
    source = str(path) if source is None else source
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise BallotError(f"cannot read file: {exc.strerror}", source=source) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BallotError("not UTF-8 text", source=source, line=line) from exc
    return parse_blt(text, source=source)


def parse_blt(text: str, *, source: str | None = None) -> Profile:
    return _BltParser(text.removeprefix("\ufeff"), source).parse()


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _small_number(text: str) -> int | None:
    """`text` as a whole number if it is one of at most 12 digits (anything longer is beyond
    every limit, and Python refuses to convert very long digit strings)."""
    return int(text) if _is_number(text) and len(text.lstrip("0")) <= 12 else None


def _clean(line: str) -> str:
    return line.strip().rstrip(",").strip()


class _BltParser:
    def __init__(self, text: str, source: str | None):
        # Lines end at \n, \r\n or \r only: str.splitlines() would also break at U+2028, U+0085,
        # \v, \f and \x1c-\x1e, which may stand inside a name (shifting every name after it).
        self.lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if self.lines[-1] == "":
            self.lines.pop()
        self.source = source
        self.i = 0  # index of the next line to read

    def error(self, message: str, index: int | None = None) -> BallotError:
        line = (self.i if index is None else index) + 1
        return BallotError(message, source=self.source, line=line)

    def next_content(self) -> str | None:
        """The next line that is not blank or a comment, cleaned; None at end of file."""
        while self.i < len(self.lines):
            content = _clean(self.lines[self.i])
            self.i += 1
            if content and not content.startswith("#"):
                return content
        return None

    def parse(self) -> Profile:
        header = self.next_content()
        if header is None:
            raise BallotError("empty file: expected a line `candidates seats`", source=self.source)
        header_at = self.i - 1
        parts = header.replace(",", " ").split()
        if len(parts) != 2 or not all(_is_number(p) for p in parts):
            raise self.error(f"expected `candidates seats`, found {header!r}", header_at)
        n, seats = _small_number(parts[0]), _small_number(parts[1])
        if n is None or n > MAX_CANDIDATES:
            raise self.error(
                f"{parts[0][:20]} candidates: at most {MAX_CANDIDATES:,} can stand", header_at
            )
        if seats is None:
            raise self.error(f"{parts[1][:40]} seats but only {n} candidates", header_at)
        if n < 1:
            raise self.error("an election needs at least one candidate", header_at)
        if seats < 1:
            raise self.error("seats must be at least 1", header_at)
        if seats > n:
            raise self.error(f"{seats} seats but only {n} candidates", header_at)
        self.n = n
        self.nicks: dict[str, int] = {}
        withdrawn: set[int] = set()
        options: dict[str, list[str]] = {}
        while True:
            start = self.i
            content = self.next_content()
            if content is None:
                raise self.error("file ends before the ballots", len(self.lines) - 1)
            if content.startswith("-"):
                withdrawn |= self.withdrawn_line(content, start)
            elif content.startswith("["):
                name, args = self.option(content, start)
                options[name] = args
                if name == "nick":
                    if len(args) != n:
                        raise self.error(f"[nick] names {len(args)} of {n} candidates", start)
                    self.nicks = {nick: k for k, nick in enumerate(args)}
                elif name == "withdrawn":
                    withdrawn |= {self.candidate(tok, start) for tok in args}
                elif name == "tie":
                    self.tie_order(args, start)
                    # Kept with where it was: a count refuses an order it cannot use (ties.py).
                    options["tie_at"] = [str(self.source or "<text>"), str(start + 1)]
            else:
                self.i = start
                break
        rankings, levels, weights, invalid = self.ballots()
        names, title, notes = self.names()
        if notes:
            options["notes"] = notes
        profile = Profile(
            candidates=names,
            rankings=rankings,
            weights=weights,
            seats=seats,
            title=title,
            withdrawn=frozenset(withdrawn),
            levels=levels,
            invalid=invalid,
            options=options,
        )
        if profile.withdrawn and len(profile.withdrawn) >= n:
            raise self.error("every candidate is withdrawn", header_at)
        return profile

    def tie_order(self, args: list[str], index: int) -> None:
        seen: set[int] = set()
        for token in args:
            c = self.candidate(token, index)
            if c in seen:
                raise self.error(f"[tie] names candidate {token[:40]} twice", index)
            seen.add(c)

    def withdrawn_line(self, content: str, index: int) -> set[int]:
        tokens = content.split()
        unsigned = [tok for tok in tokens if not tok.startswith("-")]
        if unsigned:
            raise self.error(
                f"withdrawn candidates are written -N, found {unsigned[0][:40]!r} "
                "(a ballot weight cannot be negative)",
                index,
            )
        return {self.candidate(tok, index, withdrawn=True) for tok in tokens}

    def option(self, content: str, index: int) -> tuple[str, list[str]]:
        if not content.endswith("]"):
            raise self.error(f"option line must end with ']': {content!r}", index)
        words = content[1:-1].split()
        if not words:
            raise self.error("empty option line []", index)
        return words[0], words[1:]

    def candidate(self, token: str, index: int, *, withdrawn: bool = False) -> int:
        if withdrawn:
            token = token.removeprefix("-")
        if token in self.nicks:
            return self.nicks[token]
        if not _is_number(token):
            raise self.error(f"{token[:40]!r} is not a candidate number", index)
        number = _small_number(token)
        if number is None or not 1 <= number <= self.n:
            raise self.error(f"candidate {token[:40]} is out of range 1..{self.n}", index)
        return number - 1

    def ballots(self) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, int]:
        try:
            end = self.lines.index("0", self.i)
        except ValueError:
            end = -1
        if end >= 0:
            block = "\n".join(self.lines[self.i : end]) + "\n"
            if end == self.i:
                block = ""
            if _is_clean_block(block, end - self.i):
                result = self.fast_ballots(block, end - self.i)
                if result is not None:
                    self.i = end + 1
                    return result
        return self.slow_ballots()

    def fast_ballots(self, block: str, n_lines: int):
        tokens = np.fromstring(block, dtype=np.int64, sep=" ") if block else np.zeros(0, np.int64)
        ends = np.flatnonzero(tokens == 0)
        if ends.size != n_lines:
            return None  # a 0 weight or preference: the line reader reports it
        starts = np.empty_like(ends)
        starts[:1] = 0
        starts[1:] = ends[:-1] + 1
        lengths = ends - starts - 1
        weights = tokens[starts]
        if weights.size and (weights.max() > MAX_BALLOTS or weights.sum() > MAX_BALLOTS):
            return None  # beyond the limit (or clamped by the parser): the line reader says where
        if tokens.size and tokens.max() > self.n:  # a weight, or a candidate out of range?
            is_preference = np.ones(tokens.size, dtype=bool)
            is_preference[starts] = False
            if ((tokens > self.n) & is_preference).any():
                return None  # an out-of-range candidate: let the line reader name the line
        width = max(int(lengths.max()) if lengths.size else 1, 1)
        longest = self.i + 1 + int(lengths.argmax()) if lengths.size else None
        check_cells(ends.size, width, source=self.source, line=longest)
        # Column by column: a line's k-th preference is at start + 1 + k; past the line's end
        # its closing 0 is read instead, which tokens - 1 turns into PAD.
        shifted = (tokens - 1).astype(np.int32)
        columns = np.empty((width, ends.size), dtype=np.int32)
        for col in range(width):
            np.take(shifted, np.minimum(starts + 1 + col, ends), out=columns[col])
        rankings = np.ascontiguousarray(columns.T)
        if width > 1:
            ordered = np.sort(rankings, axis=1)
            if ((ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] != PAD)).any():
                return None  # repeated preference: the line reader reports it
        blank = lengths == 0
        invalid = int(weights[blank].sum())
        return rankings[~blank], None, weights[~blank], invalid

    def slow_ballots(self):
        rows: list[list[int]] = []
        level_rows: list[list[int]] = []
        weights: list[int] = []
        invalid = 0
        total = 0
        any_equal = False
        while True:
            if self.i >= len(self.lines):
                raise self.error(
                    "file ends before the `0` line that closes the ballots", self.i - 1
                )
            index = self.i
            content = _clean(self.lines[index].split("#", 1)[0])
            self.i += 1
            if not content:
                continue
            if content == "0":
                break
            tokens = content.split()
            weight_text, prefs = tokens[0], tokens[1:]
            weight = _small_number(weight_text)
            if weight is None and _is_number(weight_text) or weight and weight > MAX_BALLOTS:
                raise self.error(
                    f"ballot weight {weight_text[:40]} is more than the {MAX_BALLOTS:,} ballots "
                    "that can be counted",
                    index,
                )
            if not weight:
                raise self.error(
                    f"ballot weight must be a positive whole number, found {weight_text[:40]!r}",
                    index,
                )
            total += weight
            if total > MAX_BALLOTS:
                raise self.error(
                    f"the ballots add up to more than the {MAX_BALLOTS:,} that can be counted",
                    index,
                )
            if not prefs or prefs[-1] != "0":
                raise self.error("ballot line must end with 0", index)
            ranking: list[int] = []
            seen: set[int] = set()  # a set: a 1,000-candidate line stays linear
            levels: list[int] = []
            for level, token in enumerate(prefs[:-1]):
                group = token.split("=")
                any_equal |= len(group) > 1
                for part in group:
                    if part == "0":
                        raise self.error("0 inside a ballot: 0 ends the ballot", index)
                    cand = self.candidate(part, index)
                    if cand in seen:
                        raise self.error(f"candidate {part[:40]} is ranked twice", index)
                    seen.add(cand)
                    ranking.append(cand)
                    levels.append(level)
            if not ranking:
                invalid += weight
                continue
            rows.append(ranking)
            level_rows.append(levels)
            weights.append(weight)
        if rows:
            check_cells(len(rows), max(len(r) for r in rows), source=self.source)
        rankings = pad_rankings(rows)
        levels_arr = None
        if any_equal:
            levels_arr = np.full(rankings.shape, PAD, dtype=np.int32)
            for k, lv in enumerate(level_rows):
                levels_arr[k, : len(lv)] = lv
        return rankings, levels_arr, np.asarray(weights, dtype=np.int64), invalid

    def names(self) -> tuple[list[str], str, list[str]]:
        found: list[tuple[int, str]] = []
        alternatives: dict[int, str] = {}
        alternative_at: dict[int, int] = {}
        for index in range(self.i, len(self.lines)):
            raw = self.lines[index].strip()
            if raw.startswith("#"):
                match = _ALT_NAME.match(raw)
                if match and len(match.group(1)) <= 6:
                    alternatives[int(match.group(1))] = match.group(2)
                    alternative_at[int(match.group(1))] = index
                continue
            content = _clean(raw)
            if content:
                found.append((index, _unquote(content)))
        n = self.n
        blank = next((index for index, name in found[:n] if not name), None)
        if blank is not None:
            raise self.error("a candidate's name is empty", blank)
        if len(found) >= n + 1:
            names = [_display_name(name) for _, name in found[:n]]
            self.unique(names, [index for index, _ in found[:n]])
            return names, found[n][1], [text for _, text in found[n + 1 :]]
        if set(alternatives) == set(range(1, n + 1)) and len(found) <= 1:
            title = found[0][1] if found else ""
            names = [alternatives[k] for k in range(1, n + 1)]
            self.unique(names, [alternative_at[k] for k in range(1, n + 1)])
            return names, title, []
        if len(found) == n:
            names = [_display_name(name) for _, name in found]
            self.unique(names, [index for index, _ in found])
            return names, "", []
        raise self.error(
            f"expected {n} candidate names and a title after the ballots, found {len(found)} lines",
            self.i - 1,
        )

    def unique(self, names: list[str], indexes: list[int]) -> None:
        """Two candidates of one name could not be told apart on a result: refused."""
        first: dict[str, int] = {}
        for name, index in zip(names, indexes, strict=True):
            if name in first:
                raise self.error(
                    f"candidate name {name[:80]!r} is given twice (first at line {first[name] + 1})",
                    index,
                )
            first[name] = index


def _is_clean_block(block: str, n_lines: int) -> bool:
    """Only digits, single spaces and newlines, and every line ending in its only ` 0`."""
    if not block.isascii() or block.encode().translate(None, _DIGITS_SPACES_NEWLINES):
        return False
    if "  " in block or "\n " in block or (block and block[0] == " "):
        return False
    return block.count(" 0\n") == n_lines  # every line ends in a 0 token


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return text[1:-1].replace('""', '"').strip()
    return text


def _display_name(name: str) -> str:
    match = _PARTY_FIRST.match(name)
    return f"{match.group(2)} ({match.group(1)})" if match else name
