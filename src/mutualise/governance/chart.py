"""Members over time by constituency as a small SVG line chart (viewBox 360 wide, so it fits a
390 px phone without scrolling); the page gives the same figures as a table."""

from __future__ import annotations

from html import escape

# GOV.UK palette colours that keep 3:1 contrast against white; lines also carry a marker shape.
COLOURS = ["#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#f47738", "#5694ca", "#6f72af"]
WIDTH, HEIGHT = 360, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 56


def members_chart(points: list[str], series: dict[str, list[int]]) -> str:
    """`points` label the x axis (dates); `series` maps a constituency's name to its counts."""
    top = max([1] + [n for counts in series.values() for n in counts])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, len(points) - 1)

    def x(i: int) -> float:
        return LEFT + i * step

    def y(n: int) -> float:
        return TOP + plot_h - plot_h * n / top

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        'role="img" aria-labelledby="members-chart-title">',
        '<title id="members-chart-title">Members over time, by constituency</title>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        'stroke="#0b0c0c"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 4}" font-size="11" text-anchor="end">{top:,}</text>',
        f'<text x="{LEFT - 4}" y="{TOP + plot_h}" font-size="11" text-anchor="end">0</text>',
    ]
    for i, label in enumerate(points):
        if i in (0, len(points) - 1) or len(points) <= 5:
            anchor = "start" if i == 0 else ("end" if i == len(points) - 1 else "middle")
            parts.append(
                f'<text x="{x(i):.1f}" y="{TOP + plot_h + 14}" font-size="11" '
                f'text-anchor="{anchor}">{escape(label)}</text>'
            )
    for index, (name, counts) in enumerate(series.items()):
        colour = COLOURS[index % len(COLOURS)]
        path = " ".join(f"{x(i):.1f},{y(n):.1f}" for i, n in enumerate(counts))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>')
        for i, n in enumerate(counts):
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(n):.1f}" r="2.5" fill="{colour}"/>')
        row, col = divmod(index, 2)
        lx, ly = LEFT + col * 160, HEIGHT - 28 + row * 14
        parts.append(
            f'<rect x="{lx}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{lx + 14}" y="{ly}" font-size="11">{escape(name[:26])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
