"""UK postcodes: normalise, validate the format, and find the district ('SW1A') and sector
('SW1A 1') that rulebook areas are written in."""

from __future__ import annotations

import re

# Outward code: area (1-2 letters) + district (digit, then digit or letter); inward: digit + 2
# letters. GIR 0AA is the one historic exception still in use.
_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
_FULL = re.compile(rf"^(?:({_OUTWARD}) ({_INWARD})|(GIR) (0AA))$")
_DISTRICT = re.compile(rf"^{_OUTWARD}$")
_SECTOR = re.compile(rf"^{_OUTWARD} [0-9]$")


def normalise_postcode(text: str) -> str:
    """Upper case, one space before the three-character inward code: ' sw1a1aa ' -> 'SW1A 1AA'."""
    compact = re.sub(r"\s+", "", text or "").upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def is_valid_postcode(text: str) -> bool:
    return bool(_FULL.match(normalise_postcode(text)))


def _checked(text: str) -> str:
    postcode = normalise_postcode(text)
    if not _FULL.match(postcode):
        raise ValueError(f"{text!r} is not a UK postcode in the form 'SW1A 1AA'")
    return postcode


def postcode_district(text: str) -> str:
    """The outward code: 'SW1A 1AA' -> 'SW1A'."""
    return _checked(text).split(" ")[0]


def postcode_sector(text: str) -> str:
    """Outward code and first inward digit: 'SW1A 1AA' -> 'SW1A 1'."""
    outward, inward = _checked(text).split(" ")
    return f"{outward} {inward[0]}"


def normalise_area_prefix(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").strip().upper())


def is_valid_area_prefix(text: str) -> bool:
    """A district ('NE1') or sector ('NE1 4') as written in a rulebook's area list."""
    prefix = normalise_area_prefix(text)
    return bool(_DISTRICT.match(prefix) or _SECTOR.match(prefix))


def in_areas(postcode: str, prefixes: tuple[str, ...] | list[str]) -> bool:
    """True when the postcode lies in one of the districts or sectors."""
    if not is_valid_postcode(postcode):
        return False
    district, sector = postcode_district(postcode), postcode_sector(postcode)
    wanted = {normalise_area_prefix(p) for p in prefixes}
    return district in wanted or sector in wanted
