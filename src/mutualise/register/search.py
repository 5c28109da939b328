"""Register search for officers: by membership number, email, postcode or name, each an index
range scan (see keys.py), so it stays fast on a register of millions."""

from __future__ import annotations

import re

from django.db.models import QuerySet

from . import keys
from .models import Member

_POSTCODEISH = re.compile(r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]?\s*([0-9][A-Za-z]{0,2})?$")
LIMIT = 50


def search(organisation, text: str, limit: int = LIMIT) -> QuerySet:
    text = (text or "").strip()
    members = Member.objects.filter(organisation=organisation)
    if not text:
        return members.none()
    if text.isdigit():
        return members.filter(number=int(text))
    if "@" in text:
        return members.filter(email=keys.email_key(text))[:limit]
    if _POSTCODEISH.match(text):
        prefix = keys.postcode_key(text)
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
    ids = list(by_name.values_list("pk", flat=True)[:limit])
    ids += list(by_surname.exclude(pk__in=ids).values_list("pk", flat=True)[: limit - len(ids)])
    return members.filter(pk__in=ids).order_by("name_key", "number")
