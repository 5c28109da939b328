"""Register search for officers: by membership number, email, postcode or name, each an index
range scan (see keys.py), so it stays fast on a register of millions."""

from __future__ import annotations

import re

from django.db.models import QuerySet

from . import keys
from .models import Member
from .tabular import whole_number

_POSTCODEISH = re.compile(r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]?\s*([0-9][A-Za-z]{0,2})?$")
LIMIT = 50


def postcode_prefix(text: str) -> str:
    """What a typed postcode, sector or district matches: 'ne1' -> 'NE1 ' (not NE10-NE19),
    'ne1 6' -> 'NE1 6', 'ne16ee' -> 'NE1 6EE'."""
    parts = text.upper().split()
    compact = "".join(parts)
    if len(compact) >= 5 and re.fullmatch(r".*[0-9][A-Z]{2}", compact):
        return keys.postcode_key(compact)
    if len(parts) == 2:
        return f"{parts[0]} {parts[1]}"
    return f"{compact} "


def search(organisation, text: str, limit: int = LIMIT) -> QuerySet:
    text = (text or "").strip()
    members = Member.objects.filter(organisation=organisation)
    if not text:
        return members.none()
    if text.isascii() and text.isdigit():  # a membership number (bounded: a bigint column)
        number = whole_number(text, max_digits=18)
        return members.filter(number=number) if number is not None else members.none()
    if "@" in text:
        # Ordered by email so the planner uses the email index, not the (organisation, number)
        # one that would give the default order without sorting.
        return members.filter(email=keys.email_key(text)).order_by("email", "number")[:limit]
    if _POSTCODEISH.match(text):
        prefix = postcode_prefix(text)
        return members.filter(
            postcode_key__gte=prefix, postcode_key__lt=keys.prefix_upper_bound(prefix)
        ).order_by("postcode_key", "number")[:limit]
    words = keys.name_words(text)
    if not words:
        return members.none()
    whole = "".join(words)
    by_name = members.filter(name_key__gte=whole, name_key__lt=keys.prefix_upper_bound(whole))
    if len(words) > 1:
        return by_name.order_by("name_key", "number")[:limit]
    # One word may be a first name or a surname: two index range scans, not an OR that a
    # planner may turn into a table scan.
    surname = words[0]
    by_surname = members.filter(
        surname_key__gte=surname, surname_key__lt=keys.prefix_upper_bound(surname)
    )
    ids = list(by_name.order_by().values_list("pk", flat=True)[:limit])
    more = by_surname.exclude(pk__in=ids).order_by().values_list("pk", flat=True)
    ids += list(more[: limit - len(ids)])
    # By primary key alone: with the organisation too, SQLite may scan its whole register.
    return Member.objects.filter(pk__in=ids).order_by("name_key", "number")
