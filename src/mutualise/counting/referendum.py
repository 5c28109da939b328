"""A yes/no vote (a resolution or referendum) with a threshold and an optional turnout rule.

The profile has two candidates, "Yes" and "No" (matched by name, else the first is Yes); each
valid ballot's first preference is its vote. The motion is carried when the Yes share of valid
votes passes the threshold and, if an electorate and minimum turnout are given, enough of the
electorate voted (turnout counts every paper returned, valid or not). Exact rationals throughout.

Options (strings are accepted, as from the command line):
- `threshold`: a fraction such as "1/2", "2/3", "0.75" (default 1/2);
- `comparison`: "more-than" or "at-least" (default: "more-than" for 1/2, else "at-least", as
  "a majority" and "at least two thirds / three quarters" are usually worded);
- `electorate`: the number entitled to vote; `min_turnout`: a fraction of it (default none).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from .ballots import PAD, Profile
from .info import BallotKind, MethodInfo, Parameter
from .result import CountError, CountResult, Stage
from .ties import TieBreaker, refuse_tie_order

NAME = "referendum"
ALIASES = ("yes-no",)
INFO = MethodInfo(
    name="Yes/no vote",
    summary="A motion carried when the Yes share passes the threshold (and turnout, if set)",
    ballot=BallotKind.YES_NO,
    parameters=(
        Parameter("threshold", "the share of valid votes needed, e.g. 1/2, 2/3", "1/2"),
        Parameter("comparison", "more-than or at-least", "more-than for 1/2, else at-least"),
        Parameter("electorate", "the number entitled to vote (for a turnout rule)"),
        Parameter("min_turnout", "the share of the electorate that must vote, e.g. 1/4"),
    ),
    rules={},
)


def count(
    profile: Profile,
    seats: int | None = None,
    *,
    seed: int | None = None,
    tie_breaker: TieBreaker | None = None,
    threshold: Any = Fraction(1, 2),
    comparison: str | None = None,
    electorate: Any = None,
    min_turnout: Any = None,
    **options: Any,
) -> CountResult:
    if options:
        raise CountError(f"{NAME} takes no options {sorted(options)}")
    refuse_tie_order(profile, INFO.name)
    if seats not in (None, 1):
        raise CountError("a yes/no vote has no seats")
    if profile.n_candidates != 2:
        raise CountError(f"a yes/no vote needs 2 options, this profile has {profile.n_candidates}")
    threshold = _fraction(threshold, "threshold")
    if not 0 < threshold < 1:
        raise CountError("threshold must be between 0 and 1")
    comparison = comparison or ("more-than" if threshold == Fraction(1, 2) else "at-least")
    if comparison not in ("more-than", "at-least"):
        raise CountError("comparison must be 'more-than' or 'at-least'")
    names = [name.strip().lower() for name in profile.candidates]
    yes = names.index("no") ^ 1 if "no" in names else (names.index("yes") if "yes" in names else 0)
    no = 1 - yes
    first = profile.rankings[:, 0]
    votes = [0, 0]
    for side in (yes, no):
        votes[side] = int(profile.weights[first == side].sum())
    valid = votes[0] + votes[1]
    invalid = profile.invalid + int(profile.weights[first == PAD].sum())
    share = Fraction(votes[yes], valid) if valid else Fraction(0)
    passes = share > threshold if comparison == "more-than" else share >= threshold
    turnout = None
    quorate = True
    if electorate is not None:
        try:
            electorate = int(str(electorate).strip())
        except ValueError:
            raise CountError(f"electorate must be a whole number, not {electorate!r}") from None
        if electorate < valid + invalid:
            raise CountError(f"electorate {electorate} is smaller than the {valid + invalid} votes")
        turnout = Fraction(valid + invalid, electorate) if electorate else Fraction(0)
        if min_turnout is not None:
            quorate = turnout >= _fraction(min_turnout, "min_turnout")
    elif min_turnout is not None:
        raise CountError("min_turnout needs the electorate")
    carried = bool(valid) and passes and quorate
    stage = Stage(1, "count", totals=list(votes), transfers=list(votes))
    breaker = tie_breaker or TieBreaker(seed)
    if carried:
        stage.elected.append(yes)
    return CountResult(
        method=NAME,
        candidates=list(profile.candidates),
        seats=1,
        quota=None,
        valid_poll=valid,
        stages=[stage],
        elected=[yes] if carried else [],
        invalid=invalid,
        title=profile.title,
        seed=breaker.seed,
        extra={
            "outcome": "carried" if carried else "not carried",
            "yes": votes[yes],
            "no": votes[no],
            "yes_share": str(share),
            "threshold": str(threshold),
            "comparison": comparison,
            "turnout": None if turnout is None else str(turnout),
            "turnout_met": quorate,
        },
    )


def _fraction(value: Any, name: str) -> Fraction:
    try:
        return Fraction(str(value)) if not isinstance(value, Fraction) else value
    except (ValueError, ZeroDivisionError):
        raise CountError(f"{name} must be a fraction such as 2/3 or 0.75, not {value!r}") from None
