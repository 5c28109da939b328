"""How far the membership reflects the population it serves: members by constituency, age
band, sex and ethnicity (where collected), beside an uploaded population table, as a table
and an SVG bar chart (what a foundation trust's membership strategy reports)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import date
from html import escape

from mutualise.constitution.eligibility import age_on

from .queries import active_members, today
from .tabular import TableError, decode, whole_number

DIMENSIONS = {
    "constituency": "Constituency",
    "age_band": "Age",
    "sex": "Sex",
    "ethnicity": "Ethnicity",
}
AGE_BANDS = [(0, 15), (16, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 74), (75, None)]
NOT_KNOWN = "Not known"


def age_band(born: date | None, on: date) -> str:
    if born is None:
        return NOT_KNOWN
    age = age_on(born, on)
    for low, high in AGE_BANDS:
        if high is None or age <= high:
            return f"{low}+" if high is None else f"{low}-{high}"
    return NOT_KNOWN


def parse_population(data: bytes, file_name: str) -> list[list]:
    """CSV with columns dimension, category, people; errors name the line and column."""
    text, _ = decode(data, file_name)
    try:
        table = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise TableError(f"{file_name}: not a readable CSV file ({exc})") from None
    reader = iter(table)
    header = [h.strip().lower() for h in next(reader, [])]
    if header[:3] != ["dimension", "category", "people"]:
        raise TableError(
            f"{file_name}, line 1: the columns must be dimension, category, people "
            f"(found {', '.join(header) or 'nothing'})"
        )
    rows = []
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < 3:
            raise TableError(f"{file_name}, line {line}: needs dimension, category and people")
        dimension, category, people = (c.strip() for c in cells[:3])
        if dimension not in DIMENSIONS:
            raise TableError(
                f"{file_name}, line {line}, column dimension: '{dimension}' is not one of "
                f"{', '.join(DIMENSIONS)}"
            )
        count = whole_number(people.replace(",", ""), max_digits=10)
        if count is None:
            raise TableError(
                f"{file_name}, line {line}, column people: '{people[:40]}' is not a whole number"
                " of people (digits only, at most 10)"
            )
        rows.append([dimension, category, count])
    if not rows:
        raise TableError(f"{file_name}: no rows")
    return rows


def category_words(dimension: str, category: str) -> str:
    """A category as a person reads it: "25 to 34", "Under 16", "75 and over", "Female"."""
    if dimension == "age_band":
        low, _, high = category.partition("-")
        if category.endswith("+") and category[:-1].isdigit():
            return f"{category[:-1]} and over"
        if low == "0" and high.isascii() and high.isdigit():  # '²' passes isdigit() alone
            return f"Under {int(high) + 1}"
        if low.isdigit() and high.isdigit():
            return f"{low} to {high}"
    return category[:1].upper() + category[1:]


def wrapped(text: str, width: int) -> list[str]:
    """Words in lines of at most `width` characters (a longer word on a line of its own)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


@dataclass
class Line:
    category: str
    members: int
    member_share: float
    population: int | None
    population_share: float | None
    label: str = ""  # the category in words (category_words)

    @property
    def member_percent(self) -> str:
        return f"{self.member_share * 100:.1f}%"

    @property
    def population_percent(self) -> str:
        return "–" if self.population_share is None else f"{self.population_share * 100:.1f}%"

    @property
    def gap(self) -> float | None:
        """Percentage points by which members over- (+) or under- (-) represent the group."""
        if self.population_share is None:
            return None
        return (self.member_share - self.population_share) * 100


@dataclass
class Section:
    dimension: str
    title: str
    lines: list[Line]

    def svg(self, width: int = 0) -> str:
        return bar_chart(self, width or CHART_WIDTH)


def report(organisation, population_rows: list[list] | None = None, on: date | None = None):
    """One section per dimension: members (current, on `on`) beside the population table."""

    on = on or today()
    constitution = organisation.constitution
    names = {c.id: c.name for c in constitution.constituencies}
    tallies = {d: Counter() for d in DIMENSIONS}
    members = active_members(organisation, on).values_list(
        "constituency_id", "date_of_birth", "sex", "ethnicity"
    )
    for constituency_id, born, sex, ethnicity in members.iterator(chunk_size=10000):
        tallies["constituency"][names.get(constituency_id, constituency_id)] += 1
        tallies["age_band"][age_band(born, on)] += 1
        tallies["sex"][sex or NOT_KNOWN] += 1
        tallies["ethnicity"][ethnicity or NOT_KNOWN] += 1
    population = {d: Counter() for d in DIMENSIONS}
    for dimension, category, people in population_rows or []:
        population[dimension][names.get(category, category)] += people
    sections = []
    for dimension, title in DIMENSIONS.items():
        counted, pop = tallies[dimension], population[dimension]
        if set(counted) <= {NOT_KNOWN} and not pop:
            continue  # not collected, nothing to compare with
        order = list(pop) + [c for c in sorted(counted) if c not in pop]
        if dimension == "age_band":
            ranked = [f"{lo}+" if hi is None else f"{lo}-{hi}" for lo, hi in AGE_BANDS]
            order = [b for b in ranked if b in counted or b in pop] + [
                c for c in order if c not in ranked
            ]
        known_members = sum(n for c, n in counted.items() if c != NOT_KNOWN) or 1
        pop_total = sum(pop.values())
        lines = []
        for category in order:
            n = counted.get(category, 0)
            share = n / known_members if category != NOT_KNOWN else 0.0
            people = pop.get(category) if pop_total else None
            lines.append(
                Line(
                    category,
                    n,
                    share,
                    people,
                    (people or 0) / pop_total if pop_total else None,
                    category_words(dimension, category),
                )
            )
        sections.append(Section(dimension, title, lines))
    return sections


# The chart is drawn for a phone's width: at 390 px one unit is about one pixel, so the text
# is drawn at the size it is read; on a wide screen the figure's CSS caps its width.
CHART_WIDTH = 360
LABEL_CHARS = 40  # characters of a label per line at 14 units


def bar_chart(section: Section, width: int = CHART_WIDTH) -> str:
    """Paired horizontal bars (members, population) per category, each category's name in full
    above its bars (wrapped, never cut off), with the figures as text, so the chart reads
    without colour; the table beside it carries the same figures."""
    lines = [line for line in section.lines if line.category != NOT_KNOWN]
    bar_h, gap, text_h = 16, 14, 18
    labels = [wrapped(line.label or line.category, LABEL_CHARS) for line in lines]
    height = 32 + sum(len(label) * text_h + 2 * bar_h + gap for label in labels)
    scale = max(
        [line.member_share for line in lines]
        + [line.population_share or 0 for line in lines]
        + [0.01]
    )
    plot_w = width - 56  # room for "100.0%" after the longest bar
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="chart-{section.dimension}-title" '
        'font-family="inherit">',
        f'<title id="chart-{section.dimension}-title">Members compared with the population, '
        f"by {escape(section.title.lower())}</title>",
        '<rect x="0" y="4" width="14" height="14" fill="#1d70b8"/>'
        '<text x="20" y="16" font-size="14">Members</text>'
        '<rect x="110" y="4" width="14" height="14" fill="#b1b4b6"/>'
        '<text x="130" y="16" font-size="14">Population</text>',
    ]
    y = 32
    for line, label in zip(lines, labels, strict=True):
        for text in label:
            y += text_h
            parts.append(
                f'<text x="0" y="{y - 4}" font-size="14" font-weight="bold" '
                f'class="mutualise-chart__label">{escape(text)}</text>'
            )
        for share, colour in ((line.member_share, "#1d70b8"), (line.population_share, "#b1b4b6")):
            if share is not None:
                w = plot_w * share / scale
                parts.append(
                    f'<rect x="0" y="{y}" width="{w:.1f}" height="{bar_h - 2}" '
                    f'fill="{colour}"/><text x="{w + 4:.1f}" y="{y + bar_h - 3}" '
                    f'font-size="13">{share * 100:.1f}%</text>'
                )
            y += bar_h
        y += gap
    parts.append("</svg>")
    return "".join(parts)
