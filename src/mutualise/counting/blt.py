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
other option is kept raw. Two candidates with the same name, or names a voter could take for
one another (`names.py`), are refused, naming both and the line.

Limits (`ballots.MAX_CANDIDATES`, `ballots.MAX_BALLOTS`): a header claiming more candidates, a
weight or a running total of ballots beyond the limit, or a number too long to be one, is refused
with its line before anything is allocated or counted.

Ballot lines become profile rows in file order (BLT files are usually grouped already; call
`Profile.grouped()` to merge identical rankings); how they are read, a chunk at a time (NumPy
for clean lines, line by line where anything is irregular), and what counts as a blank paper or
an error, is in `blt_ballots.py`. The file is read as bytes: lines end at \n, \r\n or \r only,
and only the lines before and after the ballots are decoded one by one, so a file costs a small
multiple of its size in memory (`blt_ballots.py` has the measure).
"""

from __future__ import annotations

import re
from pathlib import Path

from .ballots import (
    MAX_CANDIDATES,
    MAX_NAME_LENGTH,
    BallotError,
    Profile,
    has_control_character,
)
from .blt_ballots import BallotLines, clean_line, is_number, small_number, text_of
from .blt_write import write_blt  # noqa: F401  (reader and writer are used together)
from .cvr import read_cvr_csv, write_cvr_csv  # noqa: F401  (the file formats live together)
from .names import look_alike_clause, name_key

_BOM = "\ufeff".encode()
_ALT_NAME = re.compile(r"#\s*ALTERNATIVE NAME\s+(\d+)\s*:\s*(.*?)\s*$")
_PARTY_FIRST = re.compile(r'^(\S+) "(.+)"$')


def read_blt(path: str | Path, *, source: str | None = None) -> Profile:
    """Read a BLT file; errors name `source` (default: the path as given) and the line."""
    source = str(path) if source is None else source
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise BallotError(f"cannot read file: {exc.strerror}", source=source) from exc
    data = data.removeprefix(_BOM)
    if not data.isascii():
        try:
            data.decode("utf-8")  # checked whole (and let go): the parser decodes line by line
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise BallotError("not UTF-8 text", source=source, line=line) from exc
    parser = _BltParser(data, source)
    del data  # the parser lets the file go once it has read the names
    return parser.parse()


def parse_blt(text: str, *, source: str | None = None) -> Profile:
    return _BltParser(text.removeprefix("\ufeff").encode("utf-8", "surrogatepass"), source).parse()


class _BltParser:
    def __init__(self, data: bytes, source: str | None):
        # Lines end at \n, \r\n or \r only: str.splitlines() would also break at U+2028, U+0085,
        # \v, \f and \x1c-\x1e, which may stand inside a name (shifting every name after it).
        if b"\r" in data:
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        self.data = data
        self.source = source
        self.pos = 0  # byte offset of the next line to read
        self.i = 0  # index of the next line to read

    def error(self, message: str, index: int | None = None) -> BallotError:
        line = (self.i if index is None else index) + 1
        return BallotError(message, source=self.source, line=line)

    def next_content(self) -> str | None:
        """The next line that is not blank or a comment, cleaned; None at end of file."""
        data = self.data
        while self.pos < len(data):
            cut = data.find(b"\n", self.pos)
            raw = data[self.pos : len(data) if cut < 0 else cut]
            self.pos = len(data) if cut < 0 else cut + 1
            self.i += 1
            content = clean_line(text_of(raw))
            if content and not content.startswith("#"):
                return content
        return None

    def line_count(self) -> int:
        data = self.data
        return data.count(b"\n") + (bool(data) and not data.endswith(b"\n"))

    def parse(self) -> Profile:
        header = self.next_content()
        if header is None:
            raise BallotError("empty file: expected a line `candidates seats`", source=self.source)
        header_at = self.i - 1
        parts = header.replace(",", " ").split()
        if len(parts) != 2 or not all(is_number(p) for p in parts):
            raise self.error(f"expected `candidates seats`, found {header!r}", header_at)
        n, seats = small_number(parts[0]), small_number(parts[1])
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
            start, start_pos = self.i, self.pos
            content = self.next_content()
            if content is None:
                raise self.error("file ends before the ballots", self.line_count() - 1)
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
                self.i, self.pos = start, start_pos
                break
        lines = BallotLines(self.data, self.pos, self.i, n, self.candidate, self.error, self.source)
        lines.read()
        self.pos, self.i = lines.pos, lines.i
        names, title, notes = self.names()
        self.data = b""  # the file is let go before the chunks of ballots are joined
        ballots = lines.finish()
        if notes:
            options["notes"] = notes
        profile = Profile(
            candidates=names,
            rankings=ballots.rankings,
            weights=ballots.weights,
            seats=seats,
            title=title,
            withdrawn=frozenset(withdrawn),
            levels=ballots.levels,
            invalid=ballots.invalid,
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
        if not is_number(token):
            raise self.error(f"{token[:40]!r} is not a candidate number", index)
        number = small_number(token)
        if number is None or not 1 <= number <= self.n:
            raise self.error(f"candidate {token[:40]} is out of range 1..{self.n}", index)
        return number - 1

    def names(self) -> tuple[list[str], str, list[str]]:
        found: list[tuple[int, str]] = []
        alternatives: dict[int, str] = {}
        alternative_at: dict[int, int] = {}
        lines = text_of(self.data[self.pos :]).split("\n")
        if lines[-1] == "":
            lines.pop()
        for index, line in enumerate(lines, start=self.i):
            raw = line.strip()
            if raw.startswith("#"):
                match = _ALT_NAME.match(raw)
                if match and len(match.group(1)) <= 6:
                    alternatives[int(match.group(1))] = match.group(2)
                    alternative_at[int(match.group(1))] = index
                continue
            content = clean_line(raw)
            if content:
                found.append((index, _unquote(content)))
        n = self.n
        blank = next((index for index, name in found[:n] if not name), None)
        if blank is not None:
            raise self.error("a candidate's name is empty", blank)
        self.printable(found[: n + 1])
        if len(found) >= n + 1:
            names = [_display_name(name) for _, name in found[:n]]
            self.unique(names, [index for index, _ in found[:n]])
            return names, found[n][1], [text for _, text in found[n + 1 :]]
        if set(alternatives) == set(range(1, n + 1)) and len(found) <= 1:
            title = found[0][1] if found else ""
            names = [alternatives[k] for k in range(1, n + 1)]
            self.printable([(alternative_at[k], alternatives[k]) for k in range(1, n + 1)])
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

    def printable(self, lines: list[tuple[int, str]]) -> None:
        """A name or title with a control character could act on whatever shows the result; one
        longer than `MAX_NAME_LENGTH` is no name (and costs its length in every comparison)."""
        for index, name in lines:
            if len(name) > MAX_NAME_LENGTH:
                raise self.error(
                    f"name {name[:80]!r}... is {len(name):,} characters: at most "
                    f"{MAX_NAME_LENGTH:,}",
                    index,
                )
            if has_control_character(name):
                raise self.error(f"name {name[:80]!r} has a control character", index)

    def unique(self, names: list[str], indexes: list[int]) -> None:
        """Two candidates of one name could not be told apart on a result: refused, and so are
        two whose names a voter could take for one another (`names.name_key`: case, spacing,
        invisible characters and look-alikes of Latin letters set aside); and a name of only
        invisible characters, a blank on the ballot paper."""
        first: dict[str, tuple[str, int]] = {}
        for name, index in zip(names, indexes, strict=True):
            key = name_key(name)
            if not key:  # only invisible characters: a blank on the ballot paper
                raise self.error(
                    f"candidate name {name[:80]!r} has only invisible characters", index
                )
            if key not in first:
                first[key] = (name, index)
                continue
            other, at = first[key]
            if name == other:
                raise self.error(
                    f"candidate name {name[:80]!r} is given twice (first at line {at + 1})", index
                )
            raise self.error(
                f"candidate name {name[:80]!r} cannot be told apart from {other[:80]!r} (line "
                f"{at + 1}){look_alike_clause(name, other)}",
                index,
            )


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return text[1:-1].replace('""', '"').strip()
    return text


def _display_name(name: str) -> str:
    match = _PARTY_FIRST.match(name)
    return f"{match.group(2)} ({match.group(1)})" if match else name
