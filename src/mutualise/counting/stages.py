"""The count as a member reads it: each stage's transfers and totals as a sheet whose columns add
up to the valid poll, and each stage said in words, with the paragraph of the rules it follows.

Everything here reads the JSON shape of `report.to_dict` (what the elections app stores), so a
result declared before a field was added still renders: missing fields are worked out or left
out, never guessed. The rule paragraphs come from the method's own `INFO.rules`, and where rules
word a test differently (a bulk exclusion's condition), its words from `INFO.phrases`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any


@dataclass
class Cell:
    transfer: str | None  # "+12.00", "-7.00", "-" (no change); None at the first stage
    total: str


@dataclass
class Row:
    label: str
    cells: list[Cell]
    status: str = ""  # "elected at stage 3"
    kind: str = "candidate"  # "candidate" | "non-transferable" | "loss" | "cut-off" | "total"


@dataclass
class StageView:
    number: int
    title: str  # "Surplus of Aisha Rahman"
    reasons: list[str] = field(default_factory=list)  # sentences, each citing its rule


def number(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return Decimal(0)


def places_of(data: dict[str, Any]) -> int:
    """The decimal places of the first value that has any (a rule in exact fractions writes a
    whole number without them: WIGM's first preferences are "1750", its later totals 9 places)."""
    for stage in data.get("stages", []):
        for value in stage.get("totals", {}).values():
            text = str(value)
            if "." in text:
                return len(text.split(".")[1])
    return 0


def shown(value: Decimal, places: int) -> str:
    return format(value.quantize(Decimal(1).scaleb(-places)) if places else value, "f")


def signed(value: Any, places: int) -> str:
    amount = number(value)
    if amount == 0:
        return "-"
    text = shown(amount, places)
    return text if text.startswith("-") else "+" + text


def _names(data: dict[str, Any], numbers: list[int]) -> str:
    names = [data["candidates"][str(n)] for n in numbers]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _rules(data: dict[str, Any]) -> dict[str, str]:
    from .methods import (
        METHODS,
        describe,
    )  # why: the method index imports every module, this one too

    slug = data.get("method", "")
    return describe(slug).rules if slug in METHODS else {}


def _phrase(data: dict[str, Any], key: str, default: str) -> str:
    # why: the method index imports every module, this one too
    from .methods import METHODS, describe

    slug = data.get("method", "")
    return describe(slug).phrases.get(key, default) if slug in METHODS else default


def _cite(rules: dict[str, str], key: str) -> str:
    return f" ({rules[key]})" if rules.get(key) else ""


def sheet(data: dict[str, Any]) -> list[Row]:
    """A row per candidate, then the non-transferable votes, any rounding loss and the column
    total; per stage the transfer (+/-) and the total after it."""
    places = places_of(data)
    stages = data["stages"]
    status: dict[str, str] = {}
    for stage in stages:
        for c in stage["elected"]:
            status[str(c)] = f"elected at stage {stage['stage']}"
        for c in stage["excluded"]:
            status[str(c)] = f"excluded at stage {stage['stage']}"
    for c in data.get("withdrawn", []):
        status[str(c)] = "withdrawn"
    rows = []
    for key, name in data["candidates"].items():
        # Each transfer is the change in the total as shown, so a row adds up as printed (a rule
        # in exact fractions shows each total cut to `places`; its own transfer, cut the same
        # way, could differ from that change in the last place).
        totals = [number(shown(number(s["totals"][key]), places)) for s in stages]
        cells = [
            Cell(
                None if i == 0 else signed(totals[i] - totals[i - 1], places),
                shown(totals[i], places),
            )
            for i in range(len(stages))
        ]
        rows.append(Row(name, cells, status.get(key, "")))
    sums = {"non_transferable": Decimal(0), "loss": Decimal(0)}
    gone: dict[str, list[Cell]] = {"non_transferable": [], "loss": []}
    for i, stage in enumerate(stages):
        for key in sums:
            amount = number(stage.get(key, 0))
            sums[key] += amount
            gone[key].append(
                Cell(None if i == 0 else signed(amount, places), shown(sums[key], places))
            )
    rows.append(Row("Non-transferable", gone["non_transferable"], kind="non-transferable"))
    if sums["loss"]:
        rows.append(Row("Lost to rounding", gone["loss"], kind="loss"))
    totals = []
    gone_to_date = Decimal(0)
    for stage in stages:
        gone_to_date += number(stage.get("non_transferable", 0)) + number(stage.get("loss", 0))
        total = stage.get("total")
        if total is None:  # a result stored before columns were totalled
            total = sum((number(v) for v in stage["totals"].values()), gone_to_date)
        totals.append(Cell(None, shown(number(total), places)))
    rows += _cut_off(rows, totals, places)
    rows.append(Row("Total", totals, kind="total"))
    return rows


def _cut_off(rows: list[Row], totals: list[Cell], places: int) -> list[Row]:
    """A rule in exact fractions (WIGM) shows each value cut to `places`: what the cut-off
    figures leave out of the column total, so that every column adds up as printed."""
    left = [
        number(total.total) - sum((number(row.cells[k].total) for row in rows), Decimal(0))
        for k, total in enumerate(totals)
    ]
    if not any(left):
        return []
    cells = [
        Cell(None if k == 0 else signed(left[k] - left[k - 1], places), shown(left[k], places))
        for k in range(len(left))
    ]
    return [Row(f"Fractions past {places} decimal places", cells, kind="cut-off")]


def explain(data: dict[str, Any]) -> list[StageView]:
    """What happened at each stage and why, in words, citing the rule."""
    rules = _rules(data)
    places = places_of(data)
    quota = data.get("quota")
    seats = data["seats"]
    continuing = {int(k) for k in data["candidates"]} - set(data.get("withdrawn", []))
    elected_so_far = 0
    views = []
    previous: dict[str, Any] = {}
    for stage in data["stages"]:
        view = StageView(stage["stage"], stage_title(data, stage))
        view.reasons += _moved(data, stage, previous, rules, places)
        prefix = f"stage {stage['stage']}: "  # a rule's own remark on the stage (ERS97 5.6.2)
        view.reasons += [
            n.removeprefix(prefix) for n in data.get("notes", []) if n.startswith(prefix)
        ]
        view.reasons += _excluded_untransferred(data, stage, rules)
        left = seats - elected_so_far
        continuing -= set(stage["excluded"])
        view.reasons += _why_elected(data, stage, rules, quota, left, len(continuing))
        continuing -= set(stage["elected"])
        elected_so_far += len(stage["elected"])
        view.reasons += _residue(stage, places)
        for tie in data.get("tie_breaks", []):
            if tie["stage"] == stage["stage"]:
                view.reasons.append(_tie(data, tie, previous, rules, places))
        views.append(view)
        previous = stage
    return views


def _tie(data: dict[str, Any], tie: dict[str, Any], previous, rules, places) -> str:
    """A tie in words: who was chosen for what, over whom, and how (look-back/forward, lot)."""
    chosen = _names(data, [tie["chosen"]])
    others = _names(data, [c for c in tie["tied"] if c != tie["chosen"]])
    how = tie["how"]
    if tie.get("draw") is not None:
        how += f" (draw {tie['draw']} of seed {data.get('seed')})"
    purpose = tie["purpose"]
    if purpose == "exclusion":
        near = _near_tie(tie, previous, rules, places)
        if near:
            return f"{chosen} excluded rather than {others}: {near}, decided by {how}"
        return f"{chosen} excluded rather than {others}: equal fewest votes, decided by {how}"
    if purpose == "surplus order":
        return (
            f"{chosen}'s surplus transferred before {others}'s: equal surpluses, decided by {how}"
        )
    if purpose in ("order of election", "election"):
        return f"{chosen} elected before {others}: equal votes, decided by {how}"
    return f"{chosen} chosen over {others} ({purpose}) by {how}"


def _near_tie(tie, previous, rules, places) -> str:
    """A rule that ties candidates within the surplus still to distribute (Meek step B.3)
    decides the exclusion on the totals of the stage before: if those differ, it was a near-tie,
    said as one ("" where the totals were equal, or the rule has no such step)."""
    if "near_tie" not in rules or not previous:
        return ""
    values = sorted(number(previous["totals"].get(str(c), 0)) for c in tie["tied"])
    if values[0] == values[-1]:
        return ""
    had = " and ".join(shown(v, places) for v in values)
    gap = "differ by" if len(values) == 2 else "differ by at most"
    return (
        f"treated as tied with the fewest votes, since their votes ({had}) {gap} "
        f"{shown(values[-1] - values[0], places)}, less than the surplus still to distribute"
        f"{_cite(rules, 'near_tie')}"
    )


def stage_title(data: dict[str, Any], stage: dict[str, Any]) -> str:
    names = _names(data, stage["subjects"]) if stage["subjects"] else ""
    return {
        "first": "First preferences",
        "surplus": f"Surplus of {names}",
        "exclusion": f"Exclusion of {names}",
        "count": (
            "Votes counted"
            if "quota" not in _rules(data)
            else "No transfer"
            if _nothing_moved(stage)
            else "Surpluses passed on"
        ),
    }.get(stage["action"], f"{stage['action']} {names}".strip().capitalize())


def _nothing_moved(stage: dict[str, Any]) -> bool:
    return not number(stage.get("non_transferable", 0)) and not any(
        number(v) for v in stage.get("transfers", {}).values()
    )


def _untransferred(stage) -> list[int]:
    """Candidates excluded at the stage whose papers were not transferred: the exclusion would
    have left as many continuing candidates as places (ERS97 5.5.1; NI 52(1)), so the count
    folded it into this stage. At an exclusion stage its `subjects` are the candidates whose
    papers moved; any other excluded candidate went without transfer."""
    moved = stage["subjects"] if stage["action"] == "exclusion" else []
    return [c for c in stage["excluded"] if c not in moved]


def _excluded_untransferred(data, stage, rules) -> list[str]:
    untransferred = _untransferred(stage)
    if untransferred:
        return [
            f"{_names(data, untransferred)} excluded without further transfer: the continuing "
            f"candidates equal the places left{_cite(rules, 'last_vacancies')}"
        ]
    return []


def _moved(data, stage, previous, rules, places) -> list[str]:
    action = stage["action"]
    subjects = stage["subjects"]
    if action == "first":
        text = f"First preferences counted: {data['valid_poll']} valid votes"
        quota = _stage_quota(stage, data.get("quota"))
        if quota is not None:
            text += f"; the quota is {quota}"
        return [text]
    if action == "surplus":
        name = _names(data, subjects)
        surplus = shown(-number(stage["transfers"][str(subjects[0])]), places)
        value = stage.get("transfer_value")
        how = f"at {value} per paper" if value is not None else "at the value it arrived at"
        return [f"{name}'s surplus of {surplus} transferred {how}{_cite(rules, 'surplus')}"]
    if action == "count" and "quota" not in rules:
        return [f"Votes counted: {data['valid_poll']} valid votes"]
    if action == "count":
        note = stage.get("note", "")
        if _nothing_moved(stage):
            # The iteration stopped before changing any keep value (Meek after an exclusion):
            # saying surpluses passed on would contradict a column of "-".
            why = _STOPPED.get(note.rsplit(", ", 1)[-1], "")
            return ["No votes moved: no surplus was passed on" + (f" ({why})" if why else "")]
        return ["The elected candidates' surpluses passed on" + (f" ({note})" if note else "")]
    if action != "exclusion":
        return []
    out = []
    note = stage.get("note", "")
    untransferred = _untransferred(stage)
    excluded = [c for c in stage["excluded"] if c not in untransferred]
    if excluded:
        name = _names(data, excluded)
        if len(excluded) > 1 and "bulk_exclusion" in rules:
            condition = _phrase(data, "bulk_exclusion", BULK_EXCLUSION)
            out.append(f"{name} excluded together: {condition}{_cite(rules, 'bulk_exclusion')}")
        else:
            votes = [shown(number(previous["totals"][str(c)]), places) for c in excluded]
            had = " and ".join(votes)
            out.append(f"{name} excluded with the fewest votes ({had}){_cite(rules, 'exclusion')}")
        if _is_parcel(note):
            out.append(f"Their {note} transferred")
    else:
        out.append(
            f"Exclusion of {_names(data, subjects)} continued: "
            f"{note if _is_parcel(note) else 'further papers'} transferred"
            f"{_cite(rules, 'exclusion')}"
        )
    return out


# Why an iterating rule (Meek) stopped, from the end of its stage note.
_STOPPED = {
    "sure losers": "the candidates with the fewest votes could not reach the next candidate even "
    "with the whole surplus, so they are excluded next",
    "surplus below omega": "the surplus still to distribute was below 0.000001 of a vote",
    "surplus stable": "passing it on no longer made it smaller",
    "elected": "a candidate had reached the quota as the votes stood",
}


# NI 51(12)'s condition for excluding candidates together, the default wording.
BULK_EXCLUSION = (
    "all their votes together with any surplus not yet transferred were fewer than the next "
    "candidate's"
)


def _is_parcel(note: str) -> bool:
    return note.startswith(("papers", "first preference"))


def _stage_quota(stage: dict[str, Any], quota: Any) -> Any:
    """The quota in force at the stage: a rule whose quota moves (Meek) notes it per stage."""
    note = stage.get("note", "")
    if note.startswith("quota "):
        return note.split()[1].rstrip(";")
    return quota


def _why_elected(data, stage, rules, quota, left, continuing) -> list[str]:
    extra = data.get("extra") or {}
    if "outcome" in extra and "threshold" in extra:  # a yes/no vote: the motion, not a winner
        return [
            f"The motion is {extra['outcome']}: Yes had {extra.get('yes_share')} of the valid "
            f"votes, against a threshold of {extra['threshold']} ({extra.get('comparison')})"
        ]
    quota = _stage_quota(stage, quota)
    out = []
    together = []
    # Candidates excluded at the stage without transfer left as many continuing as places:
    # whoever is elected with them fills the last places, whatever their votes.
    last_places = bool(_untransferred(stage))
    for c in stage["elected"]:
        name = _names(data, [c])
        votes = number(stage["totals"][str(c)])
        if last_places:
            together.append(c)
        elif quota is not None and votes >= number(quota):
            out.append(f"{name} elected: reached the quota of {quota}{_cite(rules, 'quota')}")
        elif "majority" in rules:
            out.append(f"{name} elected: more than half of the votes on continuing papers")
        elif "most_votes" in rules or continuing <= left:
            together.append(c)
        elif "last_vacancy" in rules:
            out.append(
                f"{name} elected: at least the votes of all the other continuing candidates "
                f"together with any surplus not transferred{_cite(rules, 'last_vacancy')}"
            )
        elif "active_vote" in rules:
            out.append(
                f"{name} elected: at least the total active vote divided by one more than the places "
                f"left{_cite(rules, 'active_vote')}"
            )
        else:
            out.append(f"{name} elected")
    if together and "most_votes" in rules:
        out.append(f"{_names(data, together)} elected: the most votes")
    elif together:
        out.append(
            f"{_names(data, together)} elected: the continuing candidates equal the vacancies "
            f"left{_cite(rules, 'last_vacancies')}"
        )
    return out


def _residue(stage, places) -> list[str]:
    out = []
    if stage["action"] == "first":
        return out
    nt = number(stage.get("non_transferable", 0))
    if nt:
        extra = " or fractions not passed on" if stage["action"] == "surplus" else ""
        out.append(f"{shown(nt, places)} non-transferable: no further preference{extra}")
    loss = number(stage.get("loss", 0))
    if loss:
        out.append(f"{shown(loss, places)} lost to rounding")
    return out
