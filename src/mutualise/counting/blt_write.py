"""Writing the BLT format (read by `blt.py`): `parse_blt(write_blt(p))` gives back `p`."""

from __future__ import annotations

import io

from .ballots import PAD, BallotError, Profile


def _quote(text: str) -> str:
    if "\n" in text or "\r" in text:
        raise BallotError(f"a name or title cannot span lines: {text!r}")
    return '"' + text.replace('"', '""') + '"'


def write_blt(profile: Profile) -> str:
    """The profile as BLT text; `parse_blt(write_blt(p))` gives back the same profile."""
    out = io.StringIO()
    out.write(f"{profile.n_candidates} {profile.seats}\n")
    if profile.withdrawn:
        out.write(" ".join(f"-{c + 1}" for c in sorted(profile.withdrawn)) + "\n")
    levels = profile.levels
    for k, (weight, row) in enumerate(zip(profile.weights, profile.rankings, strict=True)):
        prefs = [int(c) for c in row if c != PAD]
        if levels is None:
            body = " ".join(str(c + 1) for c in prefs)
        else:
            groups: list[list[str]] = []
            previous = None
            for c, level in zip(prefs, levels[k], strict=False):
                if level != previous:
                    groups.append([])
                    previous = level
                groups[-1].append(str(c + 1))
            body = " ".join("=".join(g) for g in groups)
        out.write(f"{int(weight)} {body} 0\n")
    if profile.invalid:
        out.write(f"{profile.invalid} 0\n")
    out.write("0\n")
    for name in profile.candidates:
        out.write(_quote(name) + "\n")
    out.write(_quote(profile.title) + "\n")
    return out.getvalue()
