"""Memoised rulebook verdicts (`_Eligibility`) and what the register already holds (`RegisterKeys`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from mutualise.constitution.eligibility import age_on, constituency_for, failing_facts

from ..eligibility import facts_for
from ..models import Member


class _Eligibility:
    """Eligibility for many rows at once, through the rulebook library's `assess`.

    `assess` reads an applicant's age only against constituencies' minimum ages (an age above
    the highest minimum is as good as any other), and a postcode only through its district and
    sector, so answers are memoised on those and the other facts: a register of a million people
    living in a few hundred sectors asks the rulebook a few thousand questions, not a million."""

    def __init__(self, constitution, on: date):
        self.constitution, self.on = constitution, on
        ages = [c.eligibility.minimum_age or 0 for c in constitution.constituencies]
        self.age_cap = max(ages, default=0)
        self.assessments: dict = {}
        self.qualifying: dict = {}
        self.facts: dict = {}

    def age_key(self, born: date) -> int:
        return min(age_on(born, self.on), self.age_cap)

    def key(self, details: dict) -> tuple:
        born = details["date_of_birth"]
        age = self.age_key(born) if born is not None else None
        postcode = details["postcode"]
        outward, _, inward = postcode.partition(" ")
        return (
            age,
            outward,
            inward[:1],
            details["local_authority_code"],
            details["is_staff"],
            details["contract_fixed_term"],
            details["contract_months"],
            details["employment_start"],
            details["employment_end"],
            details["last_service_use"],
            details["attestations"],
        )

    def _facts(self, key: tuple, details: dict):
        if key not in self.facts:
            self.facts[key] = facts_for(details, self.on)
        return self.facts[key]

    def reasons(self, target: str, key: tuple, details: dict) -> list[str]:
        return [reason for _, reason in self.failing(target, key, details)]

    def failing(self, target: str, key: tuple, details: dict) -> list[tuple[str, str]]:
        """(fact, reason) for each rule of `target` the row fails (`failing_facts`)."""
        found = self.assessments.get((target, key))
        if found is None:
            facts = self._facts(key, details)
            found = failing_facts(self.constitution, target, facts, self.on)
            self.assessments[(target, key)] = found
        return found

    def constituencies(self, key: tuple, details: dict) -> list[str]:
        found = self.qualifying.get(key)
        if found is None:
            found = constituency_for(self.constitution, self._facts(key, details), self.on)
            self.qualifying[key] = found
        return found


@dataclass
class RegisterKeys:
    """What the register already holds, to spot duplicates and rows imported before."""

    refs: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    people: set[tuple] = field(default_factory=set)
    # email -> (name key, date of birth) of the member holding it: the same person again (a
    # register exported and imported back) is already present, not a problem.
    email_people: dict[str, tuple] = field(default_factory=dict)

    @classmethod
    def load(cls, organisation) -> RegisterKeys:

        found = cls()
        rows = (
            Member.objects.filter(organisation=organisation, erased_at__isnull=True)
            .exclude(status__in=[Member.Status.MERGED, Member.Status.DECLINED])
            .values_list("external_ref", "email", "name_key", "date_of_birth", "postcode_key")
        )
        for ref, email, name, born, postcode in rows.iterator(chunk_size=20000):
            if ref:
                found.refs.add(ref)
            if email:
                found.emails.add(email)
                found.email_people[email] = (name, born)
            if name and born and postcode:
                found.people.add((name, born, postcode))
        return found


def _details(
    born,
    postcode,
    local_authority_code,
    is_staff,
    contract_fixed_term,
    contract_months,
    employment_start,
    employment_end,
    last_service_use,
    attestations,
) -> dict:
    """A checked row's facts as `_Eligibility` takes them."""
    return {
        "date_of_birth": born,
        "postcode": postcode,
        "local_authority_code": local_authority_code,
        "is_staff": is_staff,
        "contract_fixed_term": contract_fixed_term,
        "contract_months": contract_months,
        "employment_start": employment_start,
        "employment_end": employment_end,
        "last_service_use": last_service_use,
        "attestations": attestations,
    }


def derived_ref(name_key: str, born, postcode_key: str, email: str) -> str:
    digest = hashlib.sha1(f"{name_key}|{born}|{postcode_key}|{email}".encode()).hexdigest()
    return f"auto:{digest[:24]}"
