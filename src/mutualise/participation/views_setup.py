"""Setting up a participatory budget in the browser: a new budget, and its settings edited until
voting opens. The form's text becomes values here (pounds to pence, Europe/London dates); the
service checks them all and says what is wrong at each field, shown in the GOV.UK pattern."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from rules import has_perm

from mutualise import clock
from mutualise.constitution.calendar import LONDON
from mutualise.register.models import Organisation

from . import services
from .models import Budget
from .services.setup import check, defaults, suggested_window

WINDOW = (("voting_opens_at", "Voting opens"), ("voting_closes_at", "Voting closes"))
PARTS = ("day", "month", "year", "time")
NUMBERS = ("min_projects", "max_projects", "points", "max_score", "ranks", "minimum_age")
OPTIONAL = ("max_projects", "minimum_age")
RULES = (
    ("mes-add1", "Method of Equal Shares, with the 'add one' completion"),
    ("mes", "Method of Equal Shares"),
    ("greedy", "Most votes first, skipping projects that no longer fit"),
)
KINDS = (
    ("approval", "Approval: tick the projects you support"),
    ("cumulative", "Cumulative: share out points"),
    ("scoring", "Scoring: score each project"),
    ("ordinal", "Ranking: put projects in order"),
)


MOST_PENCE = 10**15  # £10 trillion: beyond any pot or cost, well inside a 64-bit integer


def pence_of(text: str) -> int | None:
    """Pounds as typed ("25,000", "£25000.50") in whole pence; None if empty. ValueError if it
    is not such an amount (ASCII digits only: str.isdigit also takes "²", which int refuses)."""
    text = (text or "").strip().replace(",", "").lstrip("£")
    if not text:
        return None
    whole, _, part = text.partition(".")
    digits = whole.isascii() and whole.isdigit()
    if not digits or not (part == "" or (part.isascii() and part.isdigit() and len(part) <= 2)):
        raise ValueError(text)
    pence = int(whole) * 100 + int(part.ljust(2, "0") or 0)
    if pence > MOST_PENCE:
        raise ValueError(text)
    return pence


def whole_number(raw: str) -> int | None:
    """A whole number as typed, or None if it is not one a form field can hold."""
    raw = raw.strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None


def _pence(text: str, errors: list) -> int | None:
    try:
        return pence_of(text)
    except ValueError:
        errors.append(("pot", "Enter the pot in pounds, like 25000 or 25000.50"))
        return None


def _moment(post, name: str, label: str, errors: list) -> datetime | None:
    parts = [post.get(f"{name}_{p}", "").strip() for p in PARTS]
    if not any(parts):
        return None
    day, month, year, time_of_day = parts
    try:
        hours, _, minutes = (time_of_day or "00:00").partition(":")
        on = datetime(int(year), int(month), int(day)).date()
        at = time(int(hours), int(minutes or 0))
    except (ValueError, OverflowError):  # '²', 5,000 digits; a 13-digit year (OverflowError)
        errors.append((name, f"{label} must be a real date, and a time like 09:00"))
        return None
    return datetime.combine(on, at, tzinfo=LONDON)


def _values(post, organisation, errors: list) -> dict:
    values = {
        "title": post.get("title", ""),
        "pot_pence": _pence(post.get("pot", ""), errors),
        "rule": post.get("rule", ""),
        "greedy_completion": post.get("greedy_completion") == "yes",
        "ballot_kind": post.get("ballot_kind", ""),
        "spending_limit": post.get("spending_limit") == "yes",
        "constituency_id": post.get("constituency_id", ""),
        "local_authority_code": post.get("local_authority_code", "").strip().upper(),
    }
    for name in NUMBERS:
        raw = post.get(name, "").strip()
        if not raw and name in OPTIONAL:
            values[name] = None
        elif whole_number(raw) is not None:
            values[name] = whole_number(raw)
        else:
            errors.append(
                (name, "Enter a whole number" + (", or leave it empty" * (name in OPTIONAL)))
            )
            values[name] = None
    for name, label in WINDOW:
        values[name] = _moment(post, name, label, errors)
    return values


def _entered(post, values: dict) -> dict:
    """What the form shows again: the text as typed."""
    shown = {k: post.get(k, "") for k in post}
    shown["greedy_completion"] = values.get("greedy_completion")
    shown["spending_limit"] = values.get("spending_limit")
    return shown


def _shown(values: dict) -> dict:
    """A budget's (or the rulebook's) settings as the form shows them."""
    shown = {k: ("" if v is None else v) for k, v in values.items()}
    pot = values.get("pot_pence")
    shown["pot"] = (
        "" if pot is None else f"{pot // 100}" + (f".{pot % 100:02d}" if pot % 100 else "")
    )
    for name, _ in WINDOW:
        moment = values.get(name)
        if moment:
            local = timezone.localtime(moment, LONDON)
            shown |= {f"{name}_day": local.day, f"{name}_month": local.month,
                      f"{name}_year": local.year, f"{name}_time": local.strftime("%H:%M")}  # fmt: skip
    return shown


def _anchor(field: str) -> str:
    return f"id_{field}_day" if field in dict(WINDOW) else f"id_{field}"


@require_http_methods(["GET", "POST"])
def budget_form(request, slug, pk=None):
    organisation = get_object_or_404(Organisation, slug=slug)
    if not has_perm("participation.run_budget", request.user, organisation):
        raise PermissionDenied("only those who run participatory budgets may set one up")
    budget = get_object_or_404(Budget, organisation=organisation, pk=pk) if pk else None
    if budget is not None and not budget.settings_editable:
        messages.error(request, "The budget's settings are fixed once voting has opened.")
        return redirect("participation:budget", slug=slug, pk=budget.pk)
    errors = []
    if budget is None:
        shown = _shown(defaults(organisation) | suggested_window(organisation, clock.now()))
    else:
        shown = _shown({f: getattr(budget, f) for f in services.setup.FIELDS})
    if request.method == "POST":
        values = _values(request.POST, organisation, errors)
        if errors:  # what could not be read, and every other problem too, each at its field
            flagged = {field for field, _ in errors}
            errors += [e for e in check(organisation, values) if e[0] not in flagged]
        try:
            if not errors and budget is None:
                budget = services.set_up_budget(organisation, values, actor=request.user)
                messages.success(request, f"{budget.title} is set up, as a draft.")
            elif not errors:
                services.update_budget(budget, values, actor=request.user)
                messages.success(request, "The budget's settings are saved.")
            if not errors:
                return redirect("participation:budget", slug=slug, pk=budget.pk)
        except services.BudgetSettingsError as exc:
            errors += exc.errors
        except services.ParticipationError as exc:
            errors.append(("title", str(exc).capitalize()))
        shown = _entered(request.POST, values)
    first = {}
    for field, message in errors:
        first.setdefault(field, message)
    return render(
        request,
        "participation/budget_form.html",
        {
            "organisation": organisation,
            "budget": budget,
            "page_title": ("Error: " if errors else "")
            + (f"Settings of {budget.title}" if budget else "Set up a participatory budget"),
            "shown": shown,
            "errors": [(_anchor(field), message) for field, message in errors],
            "error": first,
            "rules": RULES,
            "kinds": KINDS,
            "window": [
                (name, label, *(shown.get(f"{name}_{p}", "") for p in PARTS), first.get(name))
                for name, label in WINDOW
            ],
            "constituencies": organisation.constitution.constituencies,
        },
        status=400 if errors else 200,
    )
