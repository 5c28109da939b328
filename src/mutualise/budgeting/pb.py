"""The pabulib `.pb` file format (pabulib.org/format), read and write.

A `.pb` file has three `;`-separated sections with CSV quoting: META (`key;value`), PROJECTS
(`project_id;cost;...`) and VOTES (`voter_id;vote;...`). `vote` is a comma list of project ids,
in order of preference for ordinal ballots; `points` a parallel list for cumulative and scoring
ballots. Amounts are exact: costs and the budget are read as `Fraction`s of their decimal text.
Every error names the file and line.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

SECTIONS = ("META", "PROJECTS", "VOTES")
WHOLE_NUMBER_META = ("min_length", "max_length", "num_projects", "num_votes")  # counts read as int
VOTE_TYPES = ("approval", "ordinal", "cumulative", "scoring", "choose-1")


class PbError(ValueError):
    """A `.pb` file that cannot be read, with where: `file:line: what`."""

    def __init__(self, source: str, line: int | None, message: str):
        self.source, self.line, self.message = source, line, message
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")


@dataclass
class PbProject:
    id: str
    cost: Fraction
    name: str = ""
    fields: dict[str, str] = field(default_factory=dict)  # every column as written


@dataclass
class PbVote:
    voter_id: str
    projects: tuple[str, ...]
    points: tuple[Fraction, ...] | None = None
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class PbInstance:
    meta: dict[str, str]
    projects: list[PbProject]
    votes: list[PbVote]
    project_columns: list[str] = field(default_factory=list)
    vote_columns: list[str] = field(default_factory=list)
    source: str = "<pb>"

    @property
    def budget(self) -> Fraction:
        return parse_amount(self.meta.get("budget", ""), self.source, None, "budget")

    @property
    def vote_type(self) -> str:
        return self.meta.get("vote_type", "approval").strip().lower()

    @property
    def rule(self) -> str:
        return self.meta.get("rule", "").strip()

    def official_selection(self) -> list[str] | None:
        """Project ids with `selected` = 1, or None if the file has no `selected` column."""
        if "selected" not in self.project_columns:
            return None
        return [p.id for p in self.projects if p.fields.get("selected", "").strip() == "1"]


def parse_amount(text: str, source: str, line: int | None, what: str) -> Fraction:
    text = (text or "").strip()
    try:
        value = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise PbError(source, line, f"{what} {text!r} is not a number") from None
    if value < 0:
        raise PbError(source, line, f"{what} {text!r} is negative")
    return value


def read_pb(path: str | Path) -> PbInstance:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PbError(
            str(path), None, f"not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    except OSError as exc:
        raise PbError(str(path), None, exc.strerror or str(exc)) from None
    return parse_pb(text, source=str(path))


def _sections(text: str, source: str) -> dict[str, list[tuple[int, list[str]]]]:
    """Rows of each section with their 1-based line numbers (header first)."""
    reader = csv.reader(io.StringIO(text), delimiter=";", quotechar='"')
    sections: dict[str, list[tuple[int, list[str]]]] = {}
    current: list[tuple[int, list[str]]] | None = None
    try:
        for row in reader:
            line = reader.line_num
            if not row or all(not cell.strip() for cell in row):
                continue
            title = row[0].strip().upper()
            if len(row) == 1 and title in SECTIONS:
                if title in sections:
                    raise PbError(source, line, f"section {title} appears twice")
                current = sections[title] = []
                continue
            if current is None:
                raise PbError(source, line, "expected the section title META, PROJECTS or VOTES")
            current.append((line, row))
    except csv.Error as exc:
        raise PbError(source, reader.line_num, f"bad CSV quoting: {exc}") from None
    for title in SECTIONS:
        if title not in sections:
            raise PbError(source, None, f"no {title} section")
        if not sections[title]:
            raise PbError(source, None, f"section {title} has no header line")
    return sections


def _header(rows: list[tuple[int, list[str]]], first: str, title: str, source: str) -> list[str]:
    line, header = rows[0]
    header = [h.strip() for h in header]
    if header[0] != first:
        raise PbError(source, line, f"{title} header must start with {first!r}, not {header[0]!r}")
    if len(set(header)) != len(header):
        raise PbError(source, line, f"{title} header names a column twice")
    return header


def _records(rows, header, title, source):
    for line, row in rows[1:]:
        if len(row) != len(header):
            raise PbError(
                source, line, f"{title} row has {len(row)} fields, the header has {len(header)}"
            )
        yield line, dict(zip(header, row, strict=True))


def parse_pb(text: str, source: str = "<pb>") -> PbInstance:
    sections = _sections(text, source)
    meta: dict[str, str] = {}
    meta_header = _header(sections["META"], "key", "META", source)
    for _line, rec in _records(sections["META"], meta_header, "META", source):
        meta[rec["key"].strip()] = rec.get("value", "").strip()
    budget_line = next(
        (ln for ln, row in sections["META"][1:] if row and row[0].strip() == "budget"), None
    )
    if "budget" not in meta:
        raise PbError(source, sections["META"][0][0], "META has no budget")
    parse_amount(meta["budget"], source, budget_line, "budget")
    for key in WHOLE_NUMBER_META:
        if meta.get(key, "") != "" and not (meta[key].isascii() and meta[key].isdigit()):
            line = next(ln for ln, row in sections["META"][1:] if row and row[0].strip() == key)
            raise PbError(source, line, f"{key} {meta[key]!r} is not a whole number")
    vote_type = meta.get("vote_type", "approval").strip().lower()
    if vote_type not in VOTE_TYPES:
        raise PbError(
            source, None, f"vote_type {vote_type!r} is not one of {', '.join(VOTE_TYPES)}"
        )

    project_columns = _header(sections["PROJECTS"], "project_id", "PROJECTS", source)
    if "cost" not in project_columns:
        raise PbError(source, sections["PROJECTS"][0][0], "PROJECTS header has no cost column")
    projects: list[PbProject] = []
    seen: dict[str, int] = {}
    for line, rec in _records(sections["PROJECTS"], project_columns, "PROJECTS", source):
        pid = rec["project_id"].strip()
        if not pid:
            raise PbError(source, line, "project_id is empty")
        if pid in seen:
            raise PbError(source, line, f"project {pid} already listed on line {seen[pid]}")
        seen[pid] = line
        cost = parse_amount(rec["cost"], source, line, f"cost of project {pid}")
        projects.append(PbProject(pid, cost, rec.get("name", ""), rec))

    vote_columns = _header(sections["VOTES"], "voter_id", "VOTES", source)
    if "vote" not in vote_columns:
        raise PbError(source, sections["VOTES"][0][0], "VOTES header has no vote column")
    with_points = "points" in vote_columns
    if vote_type in ("cumulative", "scoring") and not with_points:
        raise PbError(source, sections["VOTES"][0][0], f"{vote_type} ballots need a points column")
    votes: list[PbVote] = []
    voters: set[str] = set()
    for line, rec in _records(sections["VOTES"], vote_columns, "VOTES", source):
        vid = rec["voter_id"].strip()
        if vid in voters:
            raise PbError(source, line, f"voter {vid} has a second ballot")
        voters.add(vid)
        chosen = tuple(x.strip() for x in rec["vote"].split(",") if x.strip())
        for pid in chosen:
            if pid not in seen:
                raise PbError(source, line, f"voter {vid} votes for unknown project {pid}")
        if len(set(chosen)) != len(chosen):
            raise PbError(source, line, f"voter {vid} names a project twice")
        points = None
        if with_points and rec["points"].strip():
            raw = [x.strip() for x in rec["points"].split(",")]
            if len(raw) != len(chosen):
                raise PbError(
                    source, line, f"voter {vid}: {len(raw)} points for {len(chosen)} projects"
                )
            points = tuple(parse_amount(x, source, line, f"points of voter {vid}") for x in raw)
        votes.append(PbVote(vid, chosen, points, rec))
    return PbInstance(meta, projects, votes, project_columns, vote_columns, source)


def amount_text(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    text = f"{float(value):.10f}".rstrip("0")
    if Fraction(text) != value:
        raise ValueError(f"{value} has no short decimal form")
    return text


def write_pb(instance: PbInstance) -> str:
    """The instance as `.pb` text; `read_pb(write_pb(x))` gives back the same data."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quotechar='"', lineterminator="\n")
    out.write("META\n")
    writer.writerow(["key", "value"])
    for key, value in instance.meta.items():
        writer.writerow([key, value])
    out.write("PROJECTS\n")
    columns = instance.project_columns or ["project_id", "cost", "name"]
    writer.writerow(columns)
    for p in instance.projects:
        row = dict(p.fields)
        row.update(project_id=p.id, cost=amount_text(p.cost))
        if "name" in columns:
            row["name"] = p.name
        writer.writerow([row.get(c, "") for c in columns])
    out.write("VOTES\n")
    columns = instance.vote_columns or (
        ["voter_id", "vote", "points"]
        if any(v.points for v in instance.votes)
        else ["voter_id", "vote"]
    )
    writer.writerow(columns)
    for v in instance.votes:
        row = dict(v.fields)
        row.update(voter_id=v.voter_id, vote=",".join(v.projects))
        if "points" in columns:
            row["points"] = ",".join(amount_text(x) for x in v.points) if v.points else ""
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue()
