"""The constituency and class a row asks for, by name or id, as the rulebook has them."""

from __future__ import annotations

from .. import keys
from .row_values import RowValues


class ConstituencyChoice:
    def __init__(self, row: RowValues, constitution):
        self.has_constituency = row.has("constituency_id")
        self.i_constituency = row.slot_of("constituency_id")
        self.has_class, self.i_class = row.has("class_id"), row.slot_of("class_id")
        self.constituencies = {c.id: c for c in constitution.constituencies}
        by_name = {keys.name_key(c.name): c.id for c in constitution.constituencies}
        by_name.update({keys.name_key(c.id): c.id for c in constitution.constituencies})
        self.by_name = by_name
        # class id -> (its constituency, the class)
        self.classes = {k.id: (c, k) for c in constitution.constituencies for k in c.classes}
        class_by_name = {keys.name_key(k.name): k.id for _, k in self.classes.values()}
        class_by_name.update({keys.name_key(k): k for k in self.classes})
        self.class_by_name = class_by_name

    def check(self, values: list, bad) -> tuple[str, str, str]:
        """(constituency id, class id, the constituency as the file wrote it), "" for none.
        A class given alone chooses its constituency."""
        constituency_id = class_id = wanted = ""
        if self.has_constituency:
            wanted = values[self.i_constituency] or ""
            if wanted:
                constituency_id = self.by_name.get(keys.name_key(wanted), "")
                if not constituency_id:
                    names = "; ".join(c.name for c in self.constituencies.values())
                    bad(
                        (
                            "constituency_id",
                            f"there is no constituency '{wanted}'; they are {names}",
                            "unknown_constituency",
                        )
                    )
        if self.has_class:
            wanted_class = values[self.i_class] or ""
            if wanted_class:
                constituency_id, class_id = self._class(wanted_class, constituency_id, bad)
        return constituency_id, class_id, wanted

    def _class(self, wanted: str, constituency_id: str, bad) -> tuple[str, str]:
        class_id = self.class_by_name.get(keys.name_key(wanted), "")
        if not class_id:
            names = "; ".join(k.name for _, k in self.classes.values()) or "none"
            bad(
                (
                    "class_id",
                    f"there is no class '{wanted}'; classes are {names}",
                    "unknown_class",
                )
            )
            return constituency_id, class_id
        owner, chosen = self.classes[class_id]
        if not constituency_id:
            return owner.id, class_id
        if owner.id != constituency_id:
            bad(
                (
                    "class_id",
                    f"{chosen.name} is not a class of {self.constituencies[constituency_id].name}",
                    "unknown_class",
                )
            )
        return constituency_id, class_id
