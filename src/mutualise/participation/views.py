"""Participation pages: proposals (make one, back one), a budget's page (its projects, the
ballot, the results and why each project won or lost) and the delivery page with its CSV.
Every change goes through services; errors come back as a GOV.UK error summary."""

from __future__ import annotations

from fractions import Fraction

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods
from rules import has_perm

from mutualise.budgeting.result import money
from mutualise.jobs import services as jobs
from mutualise.register.models import Organisation

from . import services
from .facts import budget_facts
from .lifecycle import BUDGET_TRANSITIONS, BudgetState, ProposalState, available
from .models import Budget, BudgetProject, Delivery, Proposal, ProposalSupport
from .questions import VISIBLE_BUDGETS
from .services import ParticipationError
from .views_setup import pence_of, whole_number


def _pounds(text: str) -> int | None:
    try:
        return pence_of(text)
    except ValueError:
        raise ParticipationError("cost: enter an amount in pounds, like 1500 or 1500.50") from None


def _pk(raw) -> int:
    """A row's id from a form; anything else is no such row (404, not a 500)."""
    raw = (raw or "").strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        raise Http404("no such item")
    return int(raw)


def _field(message: str) -> str:
    head = message.split(":", 1)[0]
    return head if head in ("title", "text", "cost", "ballot") else "ballot"


@require_http_methods(["GET", "POST"])
def index(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    member = services.member_for(request.user, organisation)
    can_propose = member is not None and has_perm(
        "participation.propose", request.user, organisation
    )
    errors, entered = [], {}
    if request.method == "POST" and member is not None:
        try:
            if request.POST.get("action") == "support":
                proposal = get_object_or_404(
                    Proposal, organisation=organisation, pk=_pk(request.POST.get("proposal"))
                )
                proposal = services.support_proposal(proposal, member, actor=request.user)
                messages.success(request, f"You support proposal {proposal.number}.")
            else:
                entered = {k: request.POST.get(k, "") for k in ("title", "text", "cost")}
                proposal = services.submit_proposal(
                    organisation,
                    member,
                    title=entered["title"],
                    text=entered["text"],
                    cost_pence=_pounds(entered["cost"]),
                    actor=request.user,
                )
                messages.success(request, f"Your proposal is number {proposal.number}.")
            return redirect("participation:index", slug=slug)
        except ParticipationError as exc:
            errors = [(_field(str(exc)), str(exc).split(": ", 1)[-1].capitalize())]
    # A hidden proposal stays visible to its author, with the moderator's reason.
    proposals = Proposal.objects.filter(organisation=organisation).exclude(
        state=ProposalState.WITHDRAWN
    )
    moderates = has_perm("participation.moderate", request.user, organisation)
    if moderates:
        pass  # moderators see hidden proposals too, to restore one hidden in error
    elif member is None:
        proposals = proposals.exclude(state=ProposalState.HIDDEN)
    else:
        proposals = proposals.exclude(Q(state=ProposalState.HIDDEN) & ~Q(author=member))
    proposals = proposals.select_related("resolution__meeting")
    supported = set()
    if member is not None:
        supported = set(
            ProposalSupport.objects.filter(member=member).values_list("proposal_id", flat=True)
        )
    rules = organisation.constitution.participation.proposals
    runs = has_perm("participation.run_budget", request.user, organisation)
    budgets = Budget.objects.filter(organisation=organisation)
    return render(
        request,
        "participation/index.html",
        {
            "organisation": organisation,
            "page_title": ("Error: " if errors else "") + "Have your say",
            "proposals": proposals,
            "supported": supported,
            "member": member,
            "can_propose": can_propose and rules.enabled,
            "rules": rules,
            "budgets": budgets if runs else budgets.filter(state__in=VISIBLE_BUDGETS),
            "runs_budgets": runs,
            "moderates": moderates,
            "errors": errors,
            "entered": entered,
        },
        status=400 if errors else 200,
    )


def _ballot_from(request, budget: Budget, codes: list[str]) -> list[tuple[str, int]]:
    kind = budget.ballot_kind
    if kind == "approval":
        return [(c, 1) for c in request.POST.getlist("project")]
    if kind == "ordinal":
        chosen = [request.POST.get(f"rank_{i}", "") for i in range(1, budget.ranks + 1)]
        return [(c, 1) for c in chosen if c]
    ballot = []
    for code in codes:
        raw = request.POST.get(f"points_{code}", "").strip()
        if raw:
            points = whole_number(raw)
            if points is None:
                raise ParticipationError(f"ballot: points for {code} must be a whole number")
            ballot.append((code, points))
    return ballot


@require_http_methods(["GET", "POST"])
def budget_page(request, slug, pk):
    budget = get_object_or_404(
        Budget.objects.select_related("organisation"), organisation__slug=slug, pk=pk
    )
    organisation = budget.organisation
    runs = has_perm("participation.run_budget", request.user, organisation)
    if not budget.seen_by_members and not runs:
        raise Http404("no such budget")
    member = services.member_for(request.user, organisation)
    projects = list(BudgetProject.objects.filter(budget=budget))
    for project in projects:
        project.cost_display = money(Fraction(project.cost_pence, 100))
    on_ballot = [p for p in projects if p.review == BudgetProject.Review.ACCEPTED]
    errors = []
    if request.method == "POST" and runs and request.POST.get("action"):
        try:
            job = _run_action(request, budget)
            if job is not None:  # the count runs in the worker: its page shows how far
                return redirect("jobs:job", slug=slug, pk=job.pk)
            return redirect("participation:budget", slug=slug, pk=pk)
        except ParticipationError as exc:
            errors = [("console", str(exc).split(": ", 1)[-1].capitalize())]
    elif request.method == "POST" and member is not None:
        try:
            ballot = _ballot_from(request, budget, [p.code for p in on_ballot])
            services.cast_ballot(budget, member, ballot, actor=request.user)
            messages.success(request, "Your vote is in. Thank you.")
            return redirect("participation:budget", slug=slug, pk=pk)
        except ParticipationError as exc:
            errors = [("ballot", str(exc).split(": ", 1)[-1].capitalize())]
            _keep_entries(request, on_ballot)
    eligibility = services.eligibility(budget, member) if member is not None else None
    voted = member is not None and services.has_voted(budget, member)
    result = budget.result or {}
    steps = result.get("steps", [])
    return render(
        request,
        "participation/budget.html",
        {
            "organisation": organisation,
            "budget": budget,
            "page_title": ("Error: " if errors else "") + budget.title,
            "pot": money(Fraction(budget.pot_pence, 100)),
            "projects": projects,
            "on_ballot": on_ballot,
            "left_out": [p for p in projects if p.review == BudgetProject.Review.LEFT_OUT],
            "funded": [p for p in projects if p.funded],
            "not_funded": [p for p in on_ballot if p.funded is False],
            "voting": budget.taking_votes,
            "counted": budget.results_known,
            "member": member,
            "eligibility": eligibility,
            "voted": voted,
            "spent": result.get("spent_display"),
            "left_over": money(Fraction(result.get("left_over", "0"))),
            "steps": steps,
            "ballots": result.get("ballots"),
            "rule_name": RULE_NAMES.get(budget.rule, budget.rule),
            "ranks": [
                (rank, request.POST.get(f"rank_{rank}", "") if errors else "")
                for rank in range(1, budget.ranks + 1)
            ],
            "runs": runs,
            "editable": budget.settings_editable,
            "moves": available(BUDGET_TRANSITIONS, budget_facts(budget)) if runs else [],
            "pending": [p for p in projects if p.review == BudgetProject.Review.PENDING],
            "count_job": _count_job(budget) if runs else None,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def _keep_entries(request, on_ballot) -> None:
    """A ballot sent back with an error keeps what the voter ticked or typed."""
    ticked = set(request.POST.getlist("project"))
    for project in on_ballot:
        project.ticked = project.code in ticked
        project.points_entered = request.POST.get(f"points_{project.code}", "")


def _count_job(budget: Budget):
    return jobs.live(jobs.unfinished(services.COUNT_JOB, f"budget:{budget.pk}"))


def _run_action(request, budget: Budget):
    """The budget's console: move a phase, count (as a job, returned), or review a project
    (services check who)."""
    action = request.POST["action"]
    if action == "review":
        project = get_object_or_404(
            BudgetProject, budget=budget, pk=_pk(request.POST.get("project"))
        )
        accept = request.POST.get("decision") == "accept"
        services.review_project(
            project, accept=accept, reason=request.POST.get("reason", ""), actor=request.user
        )
        messages.success(request, f"{project.title}: {'on the ballot' if accept else 'left out'}.")
    elif action == "count":
        return services.queue_count(budget, actor=request.user)
    else:
        if action not in {t.name for t in BUDGET_TRANSITIONS}:
            raise ParticipationError(f"console: unknown action {action!r}")
        services.transition(budget, action, actor=request.user)
        messages.success(request, f"Done: {BudgetState(budget.state).label}.")


RULE_NAMES = {
    "greedy": "the most votes first, skipping projects that no longer fit",
    "mes": "the Method of Equal Shares",
    "mes-add1": "the Method of Equal Shares (with the 'add one' completion)",
}


def budget_pb(request, slug, pk):
    budget = get_object_or_404(
        Budget,
        organisation__slug=slug,
        pk=pk,
        state__in=[BudgetState.RESULTS, BudgetState.DELIVERY],
    )
    response = HttpResponse(services.pb_text(budget), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="budget-{budget.pk}.pb"'
    return response


def delivery_page(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    records = Delivery.objects.filter(organisation=organisation).prefetch_related("updates")
    return render(
        request,
        "participation/delivery.html",
        {
            "organisation": organisation,
            "records": records,
            "keeps": has_perm("participation.keep_delivery", request.user, organisation),
            "page_title": "What we decided, and what became of it",
        },
    )


def delivery_csv(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    response = HttpResponse(services.deliveries_csv(organisation), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{slug}-delivery.csv"'
    return response
