"""A finding's rule in words for the public page: "Months allowed from the year end to the annual
meeting: 6 (CCBSA 2014 ...)" rather than "meetings.agm.within_months_of_year_end: 6 (...)". The
rulebook field stays beside it, so anyone can still find the rule the check read. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Rulebook field patterns ("*" stands for one id, a body's or a seat group's) and what they mean.
# Most specific first: the first pattern that matches the whole field wins.
_WORDS: tuple[tuple[str, str], ...] = (
    ("meetings.agm.within_months_of_year_end", "Months allowed from the year end to the annual meeting"),
    ("meetings.agm.within_months_of_previous", "Months allowed from one annual meeting to the next"),
    ("meetings.kinds.*.notice_clear_days", "Clear days' notice this kind of meeting needs"),
    ("meetings.kinds.*", "The kinds of general meeting the rulebook provides for"),
    ("meetings.quorum", "How many members make a general meeting quorate"),
    ("meetings.resolutions.*.threshold", "Share of the votes this kind of resolution needs"),
    ("meetings.requisition.board_convenes_within", "Days the board has to call a meeting members requisition"),
    ("meetings.requisition.meeting_within", "Days within which a requisitioned meeting must be held"),
    ("membership.minimum_members", "Fewest members the organisation may have"),
    ("membership.representation_threshold", "Share of its population below which a group counts as under-represented"),
    ("shares.maximum_holding_pence", "Most one member may hold in shares, in pence"),
    ("bodies.*.meets_at_least_per_year", "Fewest meetings the body must hold each year"),
    ("bodies.*.composition[*]", "Who must sit on the body"),
    ("bodies.*.disqualifications", "Who may not serve on the body"),
    ("bodies.*.term.max_years", "Longest anyone may serve on the body, in years"),
    ("bodies.*.term.years", "Years in one term of office"),
    ("bodies.*.member_minimum_age", "Youngest age at which a member may serve on the body"),
    ("bodies.*.seats.*.electorate", "Who elects to these seats"),
    ("bodies.*.seats.*.until_next_agm", "These seats are held only until the next annual meeting"),
    ("bodies.*.seats.*.filled_by", "How these seats are filled"),
    ("bodies.*.seats.*", "The seats on the body"),
    ("bodies.*.offices.*.holders", "How many people hold this office"),
    ("bodies.*.offices.*.filled_by", "How this office is filled"),
    ("bodies.*.offices.*", "The body's offices"),
    ("bodies.*", "The body's rules"),
    ("seats.*.term", "Years in one term of office"),
    ("elections.timetable.nominations_close", "When nominations close before the poll"),
)  # fmt: skip

_FIELD = re.compile(r"^([a-z_]+(?:\.[a-z0-9_\-]+(?:\[\d+\])?)+)(.*)$", re.DOTALL)


def _regex(pattern: str) -> re.Pattern[str]:
    escaped = re.escape(pattern).replace(r"\[\*\]", r"\[\d+\]").replace(r"\*", r"[a-z0-9_\-]+")
    return re.compile(f"^{escaped}$")


_COMPILED = tuple((_regex(pattern), words) for pattern, words in _WORDS)


@dataclass(frozen=True)
class RuleText:
    words: str  # what the rule says, in words, with its value and any statute
    field: str = ""  # the rulebook field it comes from ("" when the rule is a statute's)


def in_words(rule: str) -> RuleText:
    """The rule a finding rests on, in words. A rule that does not start with a rulebook field
    (a statute, say) is already words; a field with no words here is shown as it is."""
    match = _FIELD.match(rule)
    if match is None:
        return RuleText(rule)
    field, rest = match.groups()
    for pattern, words in _COMPILED:
        if pattern.match(field):
            return RuleText(words + ("" if rest == ": true" else rest), field)
    return RuleText(rule, field)
