"""Setting a participatory budget up: its name, pot, voting window (Europe/London), who may vote,
the ballot and its limits, and the counting rule. Created with the rulebook's defaults for
anything not given; edited until voting opens. Every problem is reported at once, each at its
field (`BudgetSettingsError.errors`), so a form can show them all in the GOV.UK pattern."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction

from mutualise.audit import services as audit
from mutualise.constitution.calendar import LONDON
from mutualise.constitution.schema.stake import BudgetBallotKind, BudgetRule

from ..models import Budget
from ..questions import EDITABLE_STATES
from .common import TITLE_LENGTH, ParticipationError, require

FIELDS = (
    "title", "pot_pence", "rule", "greedy_completion", "ballot_kind", "min_projects",
    "max_projects", "spending_limit", "points", "max_score", "ranks", "constituency_id",
    "local_authority_code", "minimum_age", "voting_opens_at", "voting_closes_at",
)  # fmt: skip


class BudgetSettingsError(ParticipationError):
    """Every problem with a budget's settings, as [(field, message)]."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors))


def defaults(organisation) -> dict:
    rules = organisation.constitution.participation.budgets
    return {
        "title": "",
        "pot_pence": None,
        "rule": rules.rule.value,
        "greedy_completion": rules.greedy_completion,
        "ballot_kind": rules.ballot.value,
        "min_projects": rules.min_projects,
        "max_projects": rules.max_projects,
        "spending_limit": rules.spending_limit,
        "points": rules.points,
        "max_score": rules.max_score,
        "ranks": rules.ranks,
        "constituency_id": "",
        "local_authority_code": "",
        "minimum_age": rules.minimum_age,
        "voting_opens_at": None,
        "voting_closes_at": None,
    }


def suggested_window(organisation, now: datetime) -> dict:
    """The voting window a new budget's form offers: voting opens at 09:00 on the day the
    rulebook's review period (`participation.budgets.review_days`) ends, counted from today in
    London, and stays open for its voting window (`voting_days`), closing at 17:00."""
    rules = organisation.constitution.participation.budgets
    first = now.astimezone(LONDON).date() + timedelta(days=rules.review_days)
    last = first + timedelta(days=rules.voting_days)
    return {
        "voting_opens_at": datetime.combine(first, time(9, 0), tzinfo=LONDON),
        "voting_closes_at": datetime.combine(last, time(17, 0), tzinfo=LONDON),
    }


def window_problem(organisation, opens: datetime, closes: datetime) -> str | None:
    """Why voting may not open at `opens` and close at `closes`, in words (None: it may): it
    must close after it opens, and stay open at least the rulebook's `voting_days`."""
    if closes <= opens:
        return "Voting must close after it opens"
    days = organisation.constitution.participation.budgets.voting_days
    if closes - opens < timedelta(days=days):
        return (
            f"Voting must stay open at least {days} day{'s' * (days != 1)}, as the rulebook "
            "provides: make it close later"
        )
    return None


def check(organisation, values: dict) -> list[tuple[str, str]]:
    """What is wrong with these settings, each at its field (empty: nothing)."""
    errors = []
    if not (values.get("title") or "").strip():
        errors.append(("title", "Enter the budget's name"))
    elif len(values["title"].strip()) > TITLE_LENGTH:
        errors.append(("title", f"Keep the name to {TITLE_LENGTH} characters"))
    pot = values.get("pot_pence")
    if pot is None:
        errors.append(("pot", "Enter the money to share out, in pounds"))
    elif pot <= 0:
        errors.append(("pot", "The pot must be more than £0"))
    if values.get("rule") not in {r.value for r in BudgetRule}:
        errors.append(("rule", "Choose how the votes are counted"))
    kind = values.get("ballot_kind")
    if kind not in {k.value for k in BudgetBallotKind}:
        errors.append(("ballot_kind", "Choose the kind of ballot"))
    for field, least in (("points", 1), ("max_score", 1), ("ranks", 1), ("min_projects", 0)):
        if values.get(field) is None or values[field] < least:
            errors.append((field, f"Enter a whole number, {least} or more"))
    top = values.get("max_projects")
    if top is not None and top < 1:
        errors.append(("max_projects", "Enter a whole number, 1 or more, or leave it empty"))
    elif top is not None and (values.get("min_projects") or 0) > top:
        errors.append(("max_projects", "The most projects must not be fewer than the fewest"))
    age = values.get("minimum_age")
    if age is not None and not 0 <= age <= 120:
        errors.append(("minimum_age", "Enter an age from 0 to 120, or leave it empty"))
    if values.get("constituency_id"):
        try:
            organisation.constitution.constituency(values["constituency_id"])
        except KeyError:
            errors.append(("constituency_id", "Choose a constituency from the rulebook"))
    code = values.get("local_authority_code") or ""
    if code and not (len(code) == 9 and code[0].isalpha() and code[1:].isdigit()):
        errors.append(("local_authority_code", "Enter a local authority code like E09000022"))
    opens, closes = values.get("voting_opens_at"), values.get("voting_closes_at")
    problem = window_problem(organisation, opens, closes) if opens and closes else None
    if problem:
        errors.append(("voting_closes_at", problem))
    return errors


def create(organisation, values: dict, *, actor=None) -> Budget:
    """A new budget (a draft) from `values` over the rulebook's defaults."""
    require(actor, "participation.run_budget", organisation, "run participatory budgets")
    settings = defaults(organisation) | {k: v for k, v in values.items() if k in FIELDS}
    errors = check(organisation, settings)
    if errors:
        raise BudgetSettingsError(errors)
    settings["title"] = settings["title"].strip()
    with transaction.atomic():
        budget = Budget.objects.create(organisation=organisation, **settings)
        audit.record(
            organisation,
            "budget.created",
            actor=actor,
            subject=budget,
            data={"pot_pence": budget.pot_pence, "rule": budget.rule},
        )
    return budget


def update(given: Budget, values: dict, *, actor=None) -> Budget:
    """Change the settings given; refused once voting has opened (the ballot is then fixed)."""
    organisation = given.organisation
    require(actor, "participation.run_budget", organisation, "run participatory budgets")
    with transaction.atomic():
        budget = Budget.objects.select_for_update().get(pk=given.pk)
        if budget.state not in EDITABLE_STATES:
            raise ParticipationError("the budget's settings are fixed once voting has opened")
        current = {field: getattr(budget, field) for field in FIELDS}
        settings = current | {k: v for k, v in values.items() if k in FIELDS}
        errors = check(organisation, settings)
        if errors:
            raise BudgetSettingsError(errors)
        settings["title"] = settings["title"].strip()
        changed = [f for f in FIELDS if settings[f] != current[f]]
        for field in changed:
            setattr(budget, field, settings[field])
        if changed:
            budget.save(update_fields=changed)
            audit.record(
                organisation,
                "budget.settings_changed",
                actor=actor,
                subject=budget,
                data={f: _plain(settings[f]) for f in changed},
            )
    given.refresh_from_db()
    return given


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value
