"""A file's row as the mapped fields' values: which cells are read, stripped, and in what order.

A row's values are a list, the mapped fields' in mapping order and then None: a field's slot is
its place in the list, and `unmapped` (the trailing None) for a field the file does not have,
so every check reads any field the same way. (A list is quickest to index with a
non-negative number.)"""

from __future__ import annotations

from operator import itemgetter

from ..tabular import Table
from .fields import DATE_FIELDS


class RowValues:
    """What the mapping decides once for every row of a table."""

    def __init__(self, table: Table, mapping: dict[str, str]):
        header = table.header
        self.position = {target: header.index(column) for target, column in mapping.items()}
        mapped = list(self.position.items())
        self.width = len(header)
        self.slot = {target: n for n, (target, _) in enumerate(mapped)}
        self.unmapped = len(mapped)
        indices = self.indices = [i for _, i in mapped]
        self.pick = (
            itemgetter(*indices) if len(indices) > 1 else lambda c: tuple(c[i] for i in indices)
        )
        self.xlsx = table.encoding == "xlsx"
        # A date typed into a text column of a spreadsheet stays text.
        self.text_slots = [self.slot[t] for t in self.position if t not in DATE_FIELDS]

    def has(self, target: str) -> bool:
        return target in self.position

    def slot_of(self, target: str) -> int:
        return self.slot.get(target, self.unmapped)

    def read(self, cells) -> list | None:
        """The row's values, stripped; None for a blank line (not a row)."""
        count = len(cells)
        strip = str.strip
        if count >= self.width and not self.xlsx:
            try:  # CSV cells are all text: strip them in one pass
                values = [*map(strip, self.pick(cells)), None]
            except TypeError:  # some are not (a table made otherwise): as for XLSX
                values = [*(_stripped(c) for c in self.pick(cells)), None]
        elif count >= self.width:
            values = [*(_stripped(c) for c in self.pick(cells)), None]
        else:
            values = [
                *(_stripped(cells[i]) if i < count else "" for i in self.indices),
                None,
            ]
        if self.xlsx:
            for i in self.text_slots:
                if values[i].__class__ is not str:
                    values[i] = str(values[i])
        if not any(values) and not any(_stripped(c) for c in cells):
            return None
        return values

    def extra_cells(self, cells, bad) -> None:
        """More cells with something in them than the file has headings."""
        count, width = len(cells), self.width
        if count > width and any(str(c).strip() for c in cells[width:]):
            bad(
                (
                    "",
                    f"the row has {count} cells but there are only {width} column "
                    "headings (a stray comma or delimiter?)",
                    "extra_cells",
                )
            )


def _stripped(cell):
    return cell.strip() if cell.__class__ is str else cell
