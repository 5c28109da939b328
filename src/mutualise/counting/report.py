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
from .stages import explain, number, sheet, stage_title

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


def _decimal_text(value: Decimal) -> str:
    text = str(value)  # four times faster than format(); exact, but may use an exponent
    return format(value, "f") if "E" in text else text


def _json_values(values: list[Value], places: int) -> list[Any]:
    """`_json_value` over a stage's values: the hot loop of `mutualise count --format jsonl`,
    so Decimals (the statutory rules' values) take a fast path."""
    if values and type(values[0]) is Decimal:
        return [_decimal_text(v) if type(v) is Decimal else _json_value(v, places) for v in values]
    return [_json_value(v, places) for v in values]


def _numbers(candidates: list[int]) -> list[int]:
    return [c + 1 for c in candidates]


def column_totals(result: CountResult) -> list[Value]:
    """Each stage's column added up: every candidate's total, with the non-transferable votes
    and the rounding loss to date. For a transferable vote it is the valid poll every time."""
    out: list[Value] = []
    gone: Value = 0
    for stage in result.stages:
        gone += stage.non_transferable + stage.loss
        out.append(_exact_sum(stage.totals, gone))
    return out


def _exact_sum(values: list[Value], start: Value) -> Value:
    """`sum(values, start=start)`, but Fractions are added per denominator first: adding a
    thousand WIGM totals one by one reduced every partial sum (100 s for a 1,000-candidate file)."""
    if not any(isinstance(v, Fraction) for v in values):
        return sum(values, start=start)
    by_denominator: dict[int, int] = {}
    for v in values:
        f = Fraction(v)
        by_denominator[f.denominator] = by_denominator.get(f.denominator, 0) + f.numerator
    return sum((Fraction(n, d) for d, n in by_denominator.items()), start=Fraction(start))


def to_dict(result: CountResult) -> dict[str, Any]:
    from .methods import (
        display_name,
    )  # why: the method index imports every module, this one included

    places = result.decimals
    columns = column_totals(result)
    keys = [str(k + 1) for k in range(len(result.candidates))]
    data: dict[str, Any] = {
        "method": result.method,
        "method_name": display_name(result.method),
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
                "totals": dict(zip(keys, _json_values(stage.totals, places), strict=True)),
                "transfers": dict(zip(keys, _json_values(stage.transfers, places), strict=True)),
                "non_transferable": _json_value(stage.non_transferable, places),
                "loss": _json_value(stage.loss, places),
                "elected": _numbers(stage.elected),
                "excluded": _numbers(stage.excluded),
                "transfer_value": _json_value(stage.transfer_value, places),
                "note": stage.note,
                "total": _json_value(column, places),
            }
            for stage, column in zip(result.stages, columns, strict=True)
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
    shape = {
        "method": result.method,  # the rule's own words ("Surpluses passed on", "Votes counted")
        "candidates": {str(k + 1): name for k, name in enumerate(result.candidates)},
    }
    return stage_title(
        shape,
        {
            "action": stage.action,
            "subjects": _numbers(stage.subjects),
            "transfers": {str(k + 1): v for k, v in enumerate(stage.transfers)},
            "non_transferable": stage.non_transferable,
        },
    )


STAGES_PER_BLOCK = 4  # so a text sheet fits an A4 page in 7-point Courier


def to_text(result: CountResult | dict[str, Any]) -> str:
    """A result sheet laid out like an official count sheet: what happened at each stage in
    words, then a column per stage with the transfer (+/-) and the total after it, blocks of
    four stages at a time; every column adds up to the valid poll."""
    from .methods import (
        display_name,
    )  # why: the method index imports every module, this one included

    data = result if isinstance(result, dict) else to_dict(result)
    title = data.get("title") or "Count"
    lines = [title, "=" * max(len(title), 5)]
    # A result stored before the name was (the elections app keeps each count's JSON): by name.
    method = data.get("method_name") or display_name(data["method"])
    lines.append(f"Method: {method}    Seats: {data['seats']}")
    poll = f"Valid poll: {data['valid_poll']}    Invalid: {data['invalid']}"
    if data.get("quota") is not None:
        poll += f"    Quota: {data['quota']}"
    lines.append(poll)
    if data.get("withdrawn"):
        lines.append(
            "Withdrawn: " + ", ".join(data["candidates"][str(c)] for c in data["withdrawn"])
        )
    lines.append("")
    for view in explain(data):
        lines.append(f"Stage {view.number}: {view.title}")
        lines.extend(f"  - {reason}." for reason in view.reasons)
    rows = sheet(data)
    name_width = max([len(r.label) for r in rows] + [16]) + 2
    name_width = min(name_width, 34)
    col = max(12, max(len(c.total) for r in rows for c in r.cells) + 2)
    numbers = [s["stage"] for s in data["stages"]]
    for start in range(0, len(numbers), STAGES_PER_BLOCK):
        block = range(start, min(start + STAGES_PER_BLOCK, len(numbers)))
        lines.append("")
        header = "".ljust(name_width)
        for k in block:
            header += ("" if k == 0 else "Transfer".rjust(col)) + f"Stage {numbers[k]}".rjust(col)
        lines.append(header)
        lines.append("-" * len(header))
        for row in rows:
            text = row.label[: name_width - 2].ljust(name_width)
            for k in block:
                cell = row.cells[k]
                if k:
                    text += (cell.transfer or "").rjust(col)
                text += cell.total.rjust(col)
            last = block[-1] == len(numbers) - 1
            lines.append(text + (f"  {row.status}" if row.status and last else ""))
    lines.append("")
    names = [data["candidates"][str(c)] for c in data["elected"]]
    lines.append("Elected, in order: " + "; ".join(names) if names else "Elected: none")
    for outcome in data.get("outcomes") or []:
        lines.append(
            "  possible outcome of the lots: "
            + "; ".join(data["candidates"][str(c)] for c in outcome["elected"])
        )
    for key, value in (data.get("extra") or {}).items():
        lines.append(f"{key}: {value}")
    lines.extend(data.get("notes", []))
    lines.append(f"Seed for any lot: {data.get('seed')}")
    return "\n".join(lines) + "\n"


PALETTE = [
    "#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#b58840",
    "#28a197", "#912b88", "#6f72af", "#85994b", "#626a6e", "#0b0c0c",
]  # fmt: skip
CHART_WIDTH = 360  # viewBox units; the SVG scales to its container, 1 unit ~ 1 px on a phone


def svg_chart(result: CountResult | dict[str, Any], *, table_id: str = "") -> str:
    """Each candidate's total by stage as a line, the quota dashed; labelled axes; a legend
    underneath, so it reads on a 390 px phone. Responsive: a viewBox, no fixed size. Its
    description points screen readers to the table of the same figures (`table_id`)."""
    data = result if isinstance(result, dict) else to_dict(result)
    stages = data["stages"]
    names = list(data["candidates"].values())
    left, right, top, plot_h = 48, 12, 12, 190
    plot_w = CHART_WIDTH - left - right
    legend_top = top + plot_h + 44
    height = legend_top + 16 * len(names) + 4
    values = [float(number(v)) for s in stages for v in s["totals"].values()]
    quota = data.get("quota")
    peak = max([*values, float(number(quota or 0)), 1.0])

    def x(i: int) -> float:
        return left + plot_w * i / max(len(stages) - 1, 1)

    def y(v: float) -> float:
        return top + plot_h * (1 - v / peak)

    title = html.escape(data.get("title") or "Count")
    where = f" The same figures are in the table{' ' + table_id if table_id else ''} of votes at each stage."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CHART_WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" role="img" '
        f'aria-labelledby="chart-title chart-desc" class="mutualise-stage-chart" '
        f'font-family="sans-serif" font-size="11">',
        f'<title id="chart-title">{title}: each candidate\'s votes at each stage</title>',
        f'<desc id="chart-desc">A line per candidate across {len(stages)} stages.'
        f"{html.escape(where)}</desc>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#0b0c0c"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#0b0c0c"/>',
    ]
    for fraction in (0, 0.5, 1):
        ty = y(peak * fraction)
        parts.append(
            f'<text x="{left - 4}" y="{ty + 4:.1f}" text-anchor="end">{peak * fraction:,.0f}</text>'
        )
    step = max(1, -(-len(stages) // 12))  # at most about 12 stage numbers on the axis
    for i, stage in enumerate(stages):
        if i % step == 0 or i == len(stages) - 1:
            parts.append(
                f'<text x="{x(i):.1f}" y="{top + plot_h + 14}" text-anchor="middle">'
                f"{stage['stage']}</text>"
            )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h + 30}" text-anchor="middle">Stage</text>'
        f'<text transform="translate(11 {top + plot_h / 2:.1f}) rotate(-90)" text-anchor="middle">Votes</text>'
    )
    if quota is not None:
        qy = y(float(number(quota)))
        parts.append(
            f'<line x1="{left}" y1="{qy:.1f}" x2="{left + plot_w}" y2="{qy:.1f}" '
            'stroke="#505a5f" stroke-dasharray="6 4"/>'
            f'<text x="{left + plot_w - 2}" y="{qy - 4:.1f}" text-anchor="end" fill="#505a5f">quota</text>'
        )
    for c, (key, name) in enumerate(data["candidates"].items()):
        colour = PALETTE[c % len(PALETTE)]
        points = " ".join(
            f"{x(i):.1f},{y(float(number(s['totals'][key]))):.1f}" for i, s in enumerate(stages)
        )
        dash = ' stroke-dasharray="4 2"' if c >= len(PALETTE) else ""
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} points="{points}">'
            f"<title>{html.escape(name)}</title></polyline>"
        )
        ly = legend_top + 16 * c
        parts.append(
            f'<rect x="{left}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{left + 16}" y="{ly}">{html.escape(name[:48])}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def stage_table_html(data: dict[str, Any], *, table_id: str = "stage-table") -> str:
    """The stage table: per stage a transfer and a total column; rows for every candidate, the
    non-transferable votes and the column total (the valid poll)."""
    rows = sheet(data)
    head = ["<th scope='col'>Candidate</th>"]
    for k, stage in enumerate(data["stages"]):
        if k:
            head.append(f"<th scope='col'>Stage {stage['stage']} transfer</th>")
        head.append(f"<th scope='col'>Stage {stage['stage']} total</th>")
    body = []
    for row in rows:
        cells = "".join(
            (f"<td>{html.escape(cell.transfer or '')}</td>" if k else "")
            + f"<td>{html.escape(cell.total)}</td>"
            for k, cell in enumerate(row.cells)
        )
        status = f" ({html.escape(row.status)})" if row.status else ""
        body.append(f"<tr><th scope='row'>{html.escape(row.label)}{status}</th>{cells}</tr>")
    return (
        f'<table id="{table_id}"><caption>Votes at each stage</caption>'
        f"<thead><tr>{''.join(head)}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def to_html(result: CountResult) -> str:
    data = to_dict(result)
    title = html.escape(data.get("title") or "Count")
    elected = "".join(f"<li>{html.escape(n)}</li>" for n in result.elected_names())
    steps = "".join(
        f"<li><strong>{html.escape(v.title)}.</strong> "
        + " ".join(html.escape(r) + "." for r in v.reasons)
        + "</li>"
        for v in explain(data)
    )
    quota = "" if data.get("quota") is None else f" Quota: {data['quota']}."
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font-family:sans-serif;margin:1em;max-width:60em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #b1b4b6;padding:4px 8px;text-align:right}}th[scope=row]{{text-align:left}}
.scroll{{overflow-x:auto}}.mutualise-stage-chart{{max-width:720px;height:auto}}</style>
</head><body>
<h1>{title}</h1>
<p>Method: {html.escape(data["method_name"])}. Seats: {data["seats"]}.
Valid poll: {data["valid_poll"]}. Invalid: {data["invalid"]}.{quota}</p>
<h2>Elected</h2><ol>{elected}</ol>
<h2>What happened at each stage</h2><ol>{steps}</ol>
<figure>{svg_chart(data, table_id="below")}</figure>
<h2>Stages</h2>
<div class="scroll" tabindex="0" role="region" aria-label="Votes at each stage">{stage_table_html(data)}</div>
<p>Seed for any lot: {data.get("seed")}</p>
</body></html>
"""
