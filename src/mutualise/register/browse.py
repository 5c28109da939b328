"""Browsing the register for officers: filters (status, constituency, class, joining date) and
pages, every constituency and class by its rulebook name, never its id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from .models import Member, Organisation

PER_PAGE = 50


@dataclass(frozen=True)
class Filters:
    status: str = ""
    constituency_id: str = ""
    class_id: str = ""
    joined_from: date | None = None
    joined_to: date | None = None

    def active(self) -> bool:
        return any((self.status, self.constituency_id, self.class_id, self.joined_from,
                    self.joined_to))  # fmt: skip


def names(organisation: Organisation) -> tuple[dict[str, str], dict[str, str]]:
    """Constituency id -> name and class id -> 'Constituency: class' name, from the rulebook."""
    constituencies, classes = {}, {}
    for constituency in organisation.constitution.constituencies:
        constituencies[constituency.id] = constituency.name
        for k in constituency.classes:
            classes[k.id] = k.name
    return constituencies, classes


def members(organisation: Organisation, filters: Filters) -> QuerySet:
    """The organisation's members matching every filter, in number order."""
    found = Member.objects.filter(organisation=organisation)
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.constituency_id:
        found = found.filter(constituency_id=filters.constituency_id)
    if filters.class_id:
        found = found.filter(class_id=filters.class_id)
    if filters.joined_from:
        found = found.filter(admitted_on__gte=filters.joined_from)
    if filters.joined_to:
        found = found.filter(admitted_on__lte=filters.joined_to)
    return found.order_by("number")


def page(organisation: Organisation, filters: Filters, number, per_page: int = PER_PAGE) -> Page:
    """One page of the filtered register; each member carries `constituency_name` and
    `class_name` (a constituency no longer in the rulebook shows its id and says so)."""
    columns = ("pk", "number", "display_name", "postcode", "status", "constituency_id",
               "class_id", "admitted_on", "erased_at")  # fmt: skip
    paginator = Paginator(members(organisation, filters).only(*columns), per_page)
    shown = paginator.get_page(number)
    constituencies, classes = names(organisation)
    for member in shown.object_list:
        member.constituency_name = constituencies.get(
            member.constituency_id, f"{member.constituency_id} (not in the current rulebook)"
        )
        member.class_name = classes.get(member.class_id, member.class_id)
    return shown
