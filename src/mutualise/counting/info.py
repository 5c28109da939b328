"""What a counting method says about itself, for the index in `methods.py`.

Every method module declares `INFO = MethodInfo(...)` beside its `NAME` and `count`: the name a
member reads, one line on what it is, the kind of ballot paper it counts and the options it
takes. Apps ask the index (`methods.describe(slug)`) instead of guessing from the slug.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class BallotKind(StrEnum):
    RANKED = "ranked"  # 1, 2, 3 ... in order of preference, as many as the voter likes
    MARKS = "marks"  # an X against each chosen candidate, up to a limit (`max_marks`)
    SINGLE = "single"  # one X
    YES_NO = "yes-no"  # Yes or No to a motion

    @property
    def label(self) -> str:
        return {
            "ranked": "Rank the candidates in order of preference",
            "marks": "Mark up to the number allowed",
            "single": "Mark one",
            "yes-no": "Yes or No",
        }[self.value]


@dataclass(frozen=True)
class Parameter:
    name: str  # as passed to `count(**options)` and `mutualise count -o name=value`
    description: str
    default: str = ""  # as text, "" for none


@dataclass(frozen=True)
class MethodInfo:
    name: str  # e.g. "NHS Model Election Rules STV"
    summary: str  # one line on what it is
    ballot: BallotKind
    parameters: tuple[Parameter, ...] = ()
    # MARKS only: how many marks a paper may carry, "seats" or "candidates".
    marks_up_to: str = "seats"
    # Which paragraph of the rule text each kind of step follows, for the result a member
    # reads: keys "quota", "surplus", "exclusion", "bulk_exclusion", "last_vacancies" (as many
    # continuing as places left), "last_vacancy" (one left, at least all the others together),
    # "active_vote" (ERS97 5.1.7(b)), "majority", "most_votes", "near_tie" (candidates whose
    # votes differ by less than the surplus still to distribute are tied: Meek step B.3);
    # values such as "rule 52(1)".
    rules: dict[str, str] = field(default_factory=dict, compare=False)
    # The rule text's own words for a test where rules differ, as the stage explanation says it:
    # "bulk_exclusion", the condition for excluding together (default NI 51(12)'s "were fewer
    # than the next candidate's"; ERS97 5.2.5(b) says "does not exceed").
    phrases: dict[str, str] = field(default_factory=dict, compare=False)
    slug: str = field(default="", compare=False)  # filled in by the index
    aliases: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_ranked(self) -> bool:
        return self.ballot is BallotKind.RANKED

    def max_marks(self, seats: int, candidates: int) -> int:
        """How many candidates one paper may mark (or rank)."""
        if self.ballot is BallotKind.RANKED:
            return candidates
        if self.ballot is BallotKind.MARKS:
            return candidates if self.marks_up_to == "candidates" else min(seats, candidates)
        return 1
