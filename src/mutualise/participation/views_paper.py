"""Keying paper budget ballots: whoever runs the budget types the member's number and the paper's
choices into the members' own ballot form (the same parser, views._ballot_from); a second
person keys it again, and a matching second keying casts it (services/paper.py)."""

from __future__ import annotations

from fractions import Fraction

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods
from rules import has_perm

from mutualise.budgeting.result import money

from . import services
from .models import Budget, BudgetProject
from .services import ParticipationError
from .views import _ballot_from


def _split(message: str) -> tuple[str, str]:
    head, _, rest = message.partition(": ")
    if head in ("member", "ballot") and rest:
        return head, rest[:1].upper() + rest[1:]
    return "ballot", message[:1].upper() + message[1:]


@require_http_methods(["GET", "POST"])
def paper_ballots(request, slug, pk):
    budget = get_object_or_404(
        Budget.objects.select_related("organisation"), organisation__slug=slug, pk=pk
    )
    if not has_perm("participation.run_budget", request.user, budget.organisation):
        raise PermissionDenied("only those who run the budget key paper ballots")
    on_ballot = list(
        BudgetProject.objects.filter(budget=budget, review=BudgetProject.Review.ACCEPTED)
    )
    for project in on_ballot:
        project.cost_display = money(Fraction(project.cost_pence, 100))
    errors, number = [], ""
    if request.method == "POST":
        number = request.POST.get("member", "")
        try:
            if request.POST.get("action") == "discard":
                gone = services.discard_paper_keying(budget, number, actor=request.user)
                messages.success(
                    request, "The first keying is discarded." if gone else "No keying was waiting."
                )
            else:
                ballot = _ballot_from(request, budget, [p.code for p in on_ballot])
                cast = services.key_paper_ballot(budget, number, ballot, actor=request.user)
                messages.success(
                    request,
                    "Both keyings agree: the paper ballot is cast."
                    if cast
                    else "First keying held. Someone else must key this paper again to cast it.",
                )
            return redirect("participation:paper", slug=slug, pk=pk)
        except ParticipationError as exc:
            field, message = _split(str(exc))
            errors = [("id_member" if field == "member" else "ballot", message)]
    return render(
        request,
        "participation/paper.html",
        {
            "organisation": budget.organisation,
            "budget": budget,
            "page_title": ("Error: " if errors else "") + f"Paper ballots: {budget.title}",
            "on_ballot": on_ballot,
            "pot": money(Fraction(budget.pot_pence, 100)),
            "ranks": [(rank, "") for rank in range(1, budget.ranks + 1)],
            "voting": budget.taking_votes,
            "waiting": services.waiting_keyings(budget),
            "errors": errors,
            "member_error": next((m for f, m in errors if f == "id_member"), ""),
            "ballot_error": next((m for f, m in errors if f == "ballot"), ""),
            "number": number,
        },
        status=400 if errors else 200,
    )
