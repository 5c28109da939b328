"""The same person twice: against earlier rows of the file, then against the register.

Within the file, rows are remembered by hash (64 bits) to keep a million-row import well under
1 GiB; a false match is about as likely as a meteor strike. A row already on the register
(imported before, or exported and imported back) is counted, not added again and not a
problem."""

from __future__ import annotations

from .. import keys
from .row_values import RowValues
from .verdicts import RegisterKeys, derived_ref


class DuplicateCheck:
    def __init__(self, row: RowValues, register: RegisterKeys):
        self.i_ref = row.slot_of("external_ref")
        self.register = register
        self.seen_refs: dict[int, int] = {}  # hashed reference -> the row it was first on
        self.seen_emails: dict[int, int] = {}
        self.seen_people: dict[int, int] = {}
        self.already_present = 0

    def check(self, line: int, values: list, name: str, born, postcode: str, email: str,
              found: list) -> tuple[str, str, str] | None:  # fmt: skip
        """(the row's reference, name key, surname key); None for a row already on the
        register. `postcode` is in normal form already (keys.postcode_key's)."""
        key_name, key_surname = keys.name_and_surname_keys(name)
        given_ref = values[self.i_ref]
        ref = given_ref or derived_ref(key_name, born, postcode, email)
        ref = ref if ref.__class__ is str else str(ref)
        person = (key_name, born, postcode) if key_name and born and postcode else None
        seen_person = hash(person) if person else None
        seen_email = hash(email) if email else None
        seen_ref = hash(ref)
        seen_refs, seen_emails, seen_people = self.seen_refs, self.seen_emails, self.seen_people
        if seen_ref in seen_refs:
            found.append(self._repeated_ref(given_ref, ref, seen_refs[seen_ref]))
        elif self._on_register(ref, person, email, key_name, born):
            if not found:
                self.already_present += 1
                seen_refs[seen_ref] = line
                return None
        elif email and seen_email in seen_emails:
            found.append(
                ("email", f"the same email as row {seen_emails[seen_email]}", "duplicate_in_file")
            )
        elif person and seen_person in seen_people:
            found.append(
                (
                    "display_name",
                    f"the same person as row {seen_people[seen_person]} (same name, date of "
                    "birth and postcode)",
                    "duplicate_in_file",
                )
            )
        elif email and email in self.register.emails:
            found.append(
                (
                    "email",
                    "someone already on the register has this email, with another name or "
                    "date of birth",
                    "duplicate_in_register",
                )
            )
        seen_refs.setdefault(seen_ref, line)
        if email:
            seen_emails.setdefault(seen_email, line)
        if person:
            seen_people.setdefault(seen_person, line)
        return ref, key_name, key_surname

    @staticmethod
    def _repeated_ref(given_ref, ref: str, first: int) -> tuple[str, str, str]:
        if given_ref:
            return (
                "external_ref",
                f"reference '{ref}' is also on row {first}",
                "duplicate_ref_in_file",
            )
        # A reference made from the row: say what matched, not the reference.
        return (
            "display_name",
            f"the same person as row {first} (same name, date of birth, postcode and email)",
            "duplicate_in_file",
        )

    def _on_register(self, ref: str, person, email: str, key_name: str, born) -> bool:
        register = self.register
        if ref in register.refs or (person and person in register.people):
            return True
        if not email or email not in register.emails:
            return False
        holder = register.email_people.get(email, (None, None))
        return holder[0] == key_name and holder[1] in (None, born)
