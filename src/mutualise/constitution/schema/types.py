"""The rulebook's small types: version, slugs, counts, pence, fractions and proportions."""

from __future__ import annotations

from datetime import time
from fractions import Fraction
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    StringConstraints,
    WithJsonSchema,
)

SCHEMA_VERSION = 1

# The electorate of seats elected by every member, whatever their constituency.
ALL_MEMBERS = "all-members"

MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


class NotFound(KeyError):
    """An unknown id or model slug; a KeyError whose text reads cleanly when printed."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class Strict(BaseModel):
    """Unknown fields are errors (a typo must not silently drop a rule); values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=63),
]
Days = Annotated[int, Field(ge=0, strict=True)]
Months = Annotated[int, Field(ge=0, strict=True)]
Count = Annotated[int, Field(ge=0, strict=True)]
Pence = Annotated[int, Field(ge=0, strict=True)]
PositiveCount = Annotated[int, Field(ge=1, strict=True)]
# The least batch the mixers open (docs/secrecy.md): a batch of one or two would let the mixer's
# own transaction (xmin, write order) name each voter's ballot, or halve the guess.
MIN_SECRECY_BATCH = 5
SecrecyBatch = Annotated[int, Field(ge=MIN_SECRECY_BATCH, strict=True)]


def _time_of_day(value: Any) -> Any:
    # YAML 1.1 reads an unquoted 17:00 as the base-60 number 1020.
    if isinstance(value, int) and not isinstance(value, bool):
        hours, minutes = divmod(value, 60)
        raise ValueError(f"write times in quotes, e.g. '{hours:02d}:{minutes:02d}'")
    return value


TimeOfDay = Annotated[time, BeforeValidator(_time_of_day)]


_FRACTION_WORDS = {
    "half": Fraction(1, 2),
    "a half": Fraction(1, 2),
    "one half": Fraction(1, 2),
    "a third": Fraction(1, 3),
    "one third": Fraction(1, 3),
    "two thirds": Fraction(2, 3),
    "a quarter": Fraction(1, 4),
    "one quarter": Fraction(1, 4),
    "three quarters": Fraction(3, 4),
}


def parse_fraction(value: Any) -> Fraction:
    """Exact fractions from '3/4', '75%', 0.75 or 1; floats are read by their decimal text."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise ValueError(f"expected a fraction such as 3/4 or 75%, got {value!r}")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(repr(value))
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in _FRACTION_WORDS:
            return _FRACTION_WORDS[text.lower()]
        try:
            if text.endswith("%"):
                return Fraction(text[:-1].strip()) / 100
            return Fraction(text)
        except (ValueError, ZeroDivisionError):
            pass
    raise ValueError(f"expected a fraction such as 3/4 or 75%, got {value!r}")


def parse_proportion(value: Any) -> Fraction:
    fraction = parse_fraction(value)
    if not 0 < fraction <= 1:
        raise ValueError(f"expected a fraction above 0 and at most 1, got {value!r}")
    return fraction


def _fraction_text(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


_FractionJson = WithJsonSchema({"type": "string", "examples": ["3/4", "75%"]})
ExactFraction = Annotated[
    Fraction, PlainValidator(parse_fraction), PlainSerializer(_fraction_text), _FractionJson
]
Proportion = Annotated[
    Fraction, PlainValidator(parse_proportion), PlainSerializer(_fraction_text), _FractionJson
]


def percent(value: Fraction) -> str:
    """'75%', '10%', or '2/3' when the percentage is not whole."""
    hundred = value * 100
    if hundred.denominator == 1:
        return f"{hundred.numerator}%"
    return _fraction_text(value)
