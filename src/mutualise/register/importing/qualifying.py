"""Whether the row's person may join, and in which constituency: the rulebook's verdict on the
row's facts, remembered on what it depends on."""

from __future__ import annotations

import re
from datetime import date

from .reasons import by_column, no_constituency
from .row_values import RowValues
from .verdicts import _details, _Eligibility

# Fields of the rulebook's key other than age and postcode: if the file has none of them (and
# asks for no constituency or class), they are the same on every row and the verdict is
# remembered on age and postcode sector alone.
VARYING_FIELDS = (
    "local_authority_code", "is_staff", "contract_fixed_term", "contract_months",
    "employment_start", "employment_end", "last_service_use", "attestations",
    "constituency_id", "class_id",
)  # fmt: skip
NO_ATTESTATIONS: frozenset = frozenset()
_ATTESTATION_SPLIT = re.compile(r"[;|]")


def _called(name: str) -> str:
    """'Staff constituency' as it is; 'Members' as 'the Members constituency'."""
    return name if name.lower().endswith("constituency") else f"the {name} constituency"


def _plain(text: str) -> str:
    return " ".join(text.lower().split()).rstrip(".")


def attestation_words(constitution) -> dict[str, str]:
    """What a file may write in its Confirmations column for each confirmation the rulebook asks
    (its words, as the member confirmed them, or its id), plainly written, -> its id."""
    asked = [a for c in constitution.constituencies for a in c.eligibility.attestations]
    asked += [a for c in constitution.constituencies for k in c.classes for a in k.attestations]
    words = {}
    for attestation in asked:
        words[_plain(attestation.id)] = attestation.id
        words[_plain(attestation.text)] = attestation.id
    if len({a.id for a in asked}) == 1:  # one confirmation only: "yes" says it was given
        words["yes"] = asked[0].id
    return words


class QualifyingCheck:
    def __init__(self, row: RowValues, constitution, on: date):
        self.position = row.position
        self.attestation_words = attestation_words(constitution)
        self.has_attestations = row.has("attestations")
        self.i_attestations = row.slot_of("attestations")
        self.has_local_authority = row.has("local_authority_code")
        self.i_local_authority = row.slot_of("local_authority_code")
        self.i_staff, self.i_fixed_term = (
            row.slot_of("is_staff"),
            row.slot_of("contract_fixed_term"),
        )
        self.i_start, self.i_end = row.slot_of("employment_start"), row.slot_of("employment_end")
        self.i_last_use = row.slot_of("last_service_use")
        self.varying = any(row.has(t) for t in VARYING_FIELDS)
        self.constituencies = {c.id: c for c in constitution.constituencies}
        self.every_needs_age = all(
            c.eligibility.minimum_age is not None for c in constitution.constituencies
        )
        self.rules = _Eligibility(constitution, on)
        self.ages: dict = {}  # date of birth -> the age part of the rulebook's key
        self.verdicts: dict = {}  # (age, sector, asked) -> (constituency id, problems found)

    def facts(self, values: list, months) -> tuple:
        """(local authority, staff, fixed term, months, employment start, employment end, last
        service use, attestations): the row's facts the rulebook reads, besides age and
        postcode."""
        attestations = NO_ATTESTATIONS
        if self.has_attestations:
            text = values[self.i_attestations]
            if text:
                attestations = frozenset(
                    self.attestation_words.get(_plain(a), a.strip())
                    for a in _ATTESTATION_SPLIT.split(str(text))
                    if a.strip()
                )
        local_authority = (
            str(values[self.i_local_authority] or "").upper() if self.has_local_authority else ""
        )
        return (
            local_authority, values[self.i_staff], values[self.i_fixed_term], months,
            values[self.i_start], values[self.i_end], values[self.i_last_use], attestations,
        )  # fmt: skip

    def check(self, born, postcode, sector, facts, chosen, found: list) -> str:
        """The constituency the person joins (`chosen` is the file's (constituency, class,
        as written)); problems are added to `found`. Asked only of a row with no problem yet."""
        constituency_id, class_id, wanted = chosen
        if born is None:
            self._needs_birth_date(constituency_id, found)
            if found:
                return constituency_id
        if born is None:
            age = None
        else:
            age = self.ages.get(born)
            if age is None:
                age = self.ages[born] = self.rules.age_key(born)
        asked = (*facts, constituency_id, class_id, bool(wanted)) if self.varying else None
        verdict = self.verdicts.get((age, sector, asked))
        if verdict is None:
            start = len(found)
            constituency_id = self._decide(born, postcode, age, sector, facts, chosen, found)
            self.verdicts[(age, sector, asked)] = (constituency_id, tuple(found[start:]))
            return constituency_id
        constituency_id, said = verdict
        found.extend(said)
        return constituency_id

    def _needs_birth_date(self, constituency_id: str, found: list) -> None:
        constituencies = self.constituencies
        if constituency_id:
            minimum = constituencies[constituency_id].eligibility.minimum_age
        elif self.every_needs_age:
            minimum = min(c.eligibility.minimum_age for c in constituencies.values())
        else:
            minimum = None
        if minimum is not None:
            found.append(
                (
                    "date_of_birth",
                    f"the date of birth is missing and the rulebook has a minimum age of {minimum}",
                    "missing_date_of_birth",
                )
            )

    def _decide(self, born, postcode, age, sector, facts, chosen, found: list) -> str:
        """Ask the rulebook: the constituency (the one chosen, or the first that qualifies),
        and why the person may not join it."""
        constituency_id, class_id, _ = chosen
        rules, constituencies = self.rules, self.constituencies
        key = (age, *sector, *facts)
        details = _details(born, postcode, *facts)
        if not constituency_id:
            qualifying = rules.constituencies(key, details)
            if qualifying:
                constituency_id = qualifying[0]
            else:
                found.extend(no_constituency(rules, constituencies, key, details, self.position))
        constituency = constituencies.get(constituency_id)
        if constituency is None:
            return constituency_id
        if constituency.classes and not class_id:
            found.append(
                (
                    "class_id",
                    f"{_called(constituency.name)} needs a class: "
                    f"{', '.join(k.name for k in constituency.classes)}",
                    "class_required",
                )
            )
            return constituency_id
        failing = rules.failing(class_id or constituency_id, key, details)
        if failing:
            others = [
                constituencies[c].name
                for c in rules.constituencies(key, details)
                if c != constituency_id
            ]
            hint = f"They qualify for {', '.join(others)}." if others else ""
            kind = "wrong_constituency" if others else "not_eligible"
            found.extend(by_column(failing, self.position, kind, hint))
        return constituency_id
