"""A count's report: as JSON-ready data, a plain-text result sheet, and an HTML page with an SVG
chart of each candidate's total by stage.

The JSON shape is an interface other tools rely on: candidates are 1-based BLT numbers (strings
as object keys), values exact decimal strings (integers stay JSON numbers).
"""

from __future__ import annotations

import html
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .result import CountResult, Value

FRACTION_PLACES = 9  # shown for exact rational values; the count itself keeps them exact


def value_text(value: Value, places: int = 0) -> str:
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        scaled = value * 10**FRACTION_PLACES
        whole = scaled.numerator // scaled.denominator  # floor: never overstate a total
        return format(Decimal(whole).scaleb(-FRACTION_PLACES), "f")
    if isinstance(value, Decimal):
        return format(value, "f")  # never exponent notation such as 0E-9
    if places:
        return str(Decimal(int(value)).quantize(Decimal(1).scaleb(-places)))
    return str(int(value))


def _json_value(value: Value | None, places: int) -> Any:
    if value is None:
        return None
    if isinstance(value, int):
        return value
    return value_text(value, places)


def _numbers(candidates: list[int]) -> list[int]:
    return [c + 1 for c in candidates]


def to_dict(result: CountResult) -> dict[str, Any]:
    places = result.decimals
    data: dict[str, Any] = {
        "method": result.method,
        "title": result.title,
        "seats": result.seats,
        "quota": _json_value(result.quota, places),
        "valid_poll": _json_value(result.valid_poll, places),
        "invalid": result.invalid,
        "candidates": {str(k + 1): name for k, name in enumerate(result.candidates)},
        "withdrawn": _numbers(result.withdrawn),
        "elected": _numbers(result.elected),
        "stages": [
            {
                "stage": stage.number,
                "action": stage.action,
                "subjects": _numbers(stage.subjects),
                "totals": {str(k + 1): _json_value(v, places) for k, v in enumerate(stage.totals)},
                "transfers": {
                    str(k + 1): _json_value(v, places) for k, v in enumerate(stage.transfers)
                },
                "non_transferable": _json_value(stage.non_transferable, places),
                "loss": _json_value(stage.loss, places),
                "elected": _numbers(stage.elected),
                "excluded": _numbers(stage.excluded),
            }
            for stage in result.stages
        ],
        "tie_breaks": [
            {
                "stage": tie.stage,
                "purpose": tie.purpose,
                "tied": _numbers(tie.tied),
                "chosen": tie.chosen + 1,
                "how": tie.how,
                "draw": tie.draw,
            }
            for tie in result.tie_breaks
        ],
        "seed": result.seed,
        "notes": list(result.notes),
    }
    if result.outcomes is not None:
        data["outcomes"] = [
            {
                "elected": _numbers(o["elected"]),
                "lots": [
                    {
                        "stage": lot["stage"],
                        "tied": _numbers(lot["tied"]),
                        "chosen": lot["chosen"] + 1,
                    }
                    for lot in o["lots"]
                ],
            }
            for o in result.outcomes
        ]
    if result.extra:
        data["extra"] = result.extra
    return data


def to_json(result: CountResult, *, indent: int | None = 2, **fields: Any) -> str:
    return json.dumps({**fields, **to_dict(result)}, indent=indent, ensure_ascii=False)


def describe_stage(result: CountResult, number: int) -> str:
    stage = result.stages[number - 1]
    names = ", ".join(result.candidates[c] for c in stage.subjects)
    return {
        "first": "First preferences",
        "surplus": f"Surplus of {names}",
        "exclusion": f"Exclusion of {names}",
        "count": "Count",
    }.get(stage.action, f"{stage.action} {names}".strip())


def to_text(result: CountResult) -> str:
    """A result sheet laid out like an official count sheet: a column per stage, showing the
    transfer (+/-) and the total after it."""
    places = result.decimals
    lines = [result.title or "Count", "=" * max(len(result.title), 5)]
    lines.append(f"Method: {result.method}    Seats: {result.seats}")
    poll = f"Valid poll: {value_text(result.valid_poll, 0)}    Invalid: {result.invalid}"
    if result.quota is not None:
        poll += f"    Quota: {value_text(result.quota, 0)}"
    lines.append(poll)
    if result.withdrawn:
        lines.append("Withdrawn: " + ", ".join(result.candidates[c] for c in result.withdrawn))
    for stage in result.stages:
        lines.append(f"Stage {stage.number}: {describe_stage(result, stage.number)}")
    lines.append("")
    name_width = max([len(n) for n in result.candidates] + [16]) + 2
    col = max(12, places + 8)
    header = "Candidate".ljust(name_width)
    for stage in result.stages:
        header += f"Stage {stage.number}".rjust(col * (1 if stage.number == 1 else 2))
    lines.append(header)
    lines.append("-" * len(header))
    status: dict[int, str] = {}
    for stage in result.stages:
        for c in stage.elected:
            status[c] = f"elected at stage {stage.number}"
        for c in stage.excluded:
            status[c] = f"excluded at stage {stage.number}"
    for c, name in enumerate(result.candidates):
        row = name[: name_width - 2].ljust(name_width)
        for stage in result.stages:
            if stage.number > 1:
                row += _signed(stage.transfers[c], places).rjust(col)
            row += value_text(stage.totals[c], places).rjust(col)
        lines.append(row + ("  " + status[c] if c in status else ""))
    for label, attr in (("Non-transferable", "non_transferable"), ("Rounding loss", "loss")):
        row = label.ljust(name_width)
        cumulative: Value = 0
        for stage in result.stages:
            amount = getattr(stage, attr)
            cumulative += amount
            if stage.number > 1:
                row += _signed(amount, places).rjust(col)
            row += value_text(cumulative, places).rjust(col)
        lines.append(row)
    lines.append("")
    lines.append(
        "Elected, in order: " + "; ".join(result.elected_names())
        if result.elected
        else "Elected: none"
    )
    for tie in result.tie_breaks:
        tied = ", ".join(result.candidates[c] for c in tie.tied)
        lines.append(
            f"Tie at stage {tie.stage} ({tie.purpose}) between {tied}: "
            f"{result.candidates[tie.chosen]} chosen by {tie.how}"
            + (f" (draw {tie.draw} of seed {result.seed})" if tie.how == "lot" else "")
        )
    if result.outcomes:
        lines.append(f"Possible outcomes of the lots ({len(result.outcomes)}):")
        for outcome in result.outcomes:
            lines.append("  " + "; ".join(result.candidates[c] for c in outcome["elected"]))
    for key, value in result.extra.items():
        lines.append(f"{key}: {value}")
    lines.extend(result.notes)
    lines.append(f"Seed for any lot: {result.seed}")
    return "\n".join(lines) + "\n"


def _signed(value: Value, places: int) -> str:
    text = value_text(value, places)
    if text.lstrip("-").strip("0.") == "":
        return "-"
    return text if text.startswith("-") else "+" + text


PALETTE = [
    "#1d70b8",
    "#d4351c",
    "#00703c",
    "#f47738",
    "#4c2c92",
    "#b58840",
    "#28a197",
    "#f499be",
    "#6f72af",
    "#912b88",
    "#85994b",
    "#626a6e",
]


def svg_chart(result: CountResult, width: int = 720, height: int = 360) -> str:
    """Each candidate's total by stage as a line; the quota dashed."""
    left, right, top, bottom = 60, 180, 20, 40
    stages = result.stages
    peak = max([float(v) for s in stages for v in s.totals] + [float(result.quota or 0), 1.0])
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(i: int) -> float:
        return left + (plot_w * i / max(len(stages) - 1, 1))

    def y(v: float) -> float:
        return top + plot_h * (1 - v / peak)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-title">',
        f'<title id="chart-title">{html.escape(result.title or "Count")}: totals by stage</title>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#0b0c0c"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#0b0c0c"/>',
    ]
    for i, stage in enumerate(stages):
        parts.append(
            f'<text x="{x(i):.1f}" y="{height - 15}" text-anchor="middle" font-size="12">'
            f"{stage.number}</text>"
        )
    parts.append(f'<text x="{left}" y="{top - 5}" font-size="12">{peak:.0f}</text>')
    if result.quota is not None:
        qy = y(float(result.quota))
        parts.append(
            f'<line x1="{left}" y1="{qy:.1f}" x2="{left + plot_w}" y2="{qy:.1f}" '
            'stroke="#505a5f" stroke-dasharray="6 4"/>'
            f'<text x="{left + 4}" y="{qy - 4:.1f}" font-size="12" fill="#505a5f">quota</text>'
        )
    for c, name in enumerate(result.candidates):
        colour = PALETTE[c % len(PALETTE)]
        points = " ".join(f"{x(i):.1f},{y(float(s.totals[c])):.1f}" for i, s in enumerate(stages))
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}">'
            f"<title>{html.escape(name)}</title></polyline>"
        )
        ly = top + 14 * c + 10
        parts.append(
            f'<rect x="{left + plot_w + 10}" y="{ly - 8}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{left + plot_w + 24}" y="{ly + 1}" font-size="11">{html.escape(name[:22])}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def to_html(result: CountResult) -> str:
    places = result.decimals
    title = html.escape(result.title or "Count")
    head = "".join(
        f"<th scope='col'>Stage {s.number}<br><small>{html.escape(describe_stage(result, s.number))}</small></th>"
        for s in result.stages
    )
    body = []
    for c, name in enumerate(result.candidates):
        cells = "".join(
            f"<td>{value_text(s.totals[c], places)}"
            + (f"<br><small>{_signed(s.transfers[c], places)}</small>" if s.number > 1 else "")
            + "</td>"
            for s in result.stages
        )
        mark = " (elected)" if c in result.elected else ""
        body.append(f"<tr><th scope='row'>{html.escape(name)}{mark}</th>{cells}</tr>")
    nt = "".join(f"<td>{value_text(s.non_transferable, places)}</td>" for s in result.stages)
    body.append(f"<tr><th scope='row'>Non-transferable</th>{nt}</tr>")
    elected = "".join(f"<li>{html.escape(n)}</li>" for n in result.elected_names())
    ties = "".join(
        f"<li>Stage {t.stage}, {html.escape(t.purpose)}: {html.escape(result.candidates[t.chosen])} "
        f"by {html.escape(t.how)}</li>"
        for t in result.tie_breaks
    )
    quota = "" if result.quota is None else f" Quota: {value_text(result.quota, 0)}."
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #b1b4b6;padding:4px 8px;text-align:right}}th[scope=row]{{text-align:left}}</style>
</head><body>
<h1>{title}</h1>
<p>Method: {html.escape(result.method)}. Seats: {result.seats}.
Valid poll: {value_text(result.valid_poll, 0)}. Invalid: {result.invalid}.{quota}</p>
<h2>Elected</h2><ol>{elected}</ol>
{svg_chart(result)}
<h2>Stages</h2>
<table><thead><tr><th scope="col">Candidate</th>{head}</tr></thead>
<tbody>{"".join(body)}</tbody></table>
{f"<h2>Ties</h2><ul>{ties}</ul>" if ties else ""}
<p>Seed for any lot: {result.seed}</p>
</body></html>
"""
