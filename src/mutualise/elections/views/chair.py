"""The chair's pages for an election: co-opting to a seat the election left unfilled
(`elections.unfilled_seats: co-opted`) and the casting vote in a tie
(`elections.ties: chair-casting-vote`). Each asks for confirmation before the service acts;
the services check who may act and audit it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from mutualise.register.models import Member, Role
from mutualise.register.tabular import whole_number

from .. import services
from ..models import OfficeTerm
from .common import _election


def _may_see(request, election, kinds) -> None:
    """Only those the service would let act see the page (the service checks again)."""
    if not Role.objects.filter(
        organisation=election.organisation, user=request.user, kind__in=kinds
    ).exists():
        raise PermissionDenied


def _page(request, template, election, errors, **context):
    title = context.pop("title")
    return render(
        request,
        template,
        {
            "election": election,
            "errors": errors,
            "error_for": dict(errors),
            "page_title": f"{'Error: ' if errors else ''}{title}: {election.title}",
            "title": title,
            **context,
        },
        status=400 if errors else 200,
    )


@login_required
def co_opt(request, slug, pk):
    election = _election(slug, pk)
    if election.organisation.constitution.elections.unfilled_seats != "co-opted":
        raise Http404("the rulebook does not fill unfilled seats by co-option")
    _may_see(request, election, [Role.Kind.BOARD, Role.Kind.CHAIR])
    filled = OfficeTerm.objects.filter(election=election).count()
    open_seats = election.vacancies - filled if election.result_declared else 0
    errors: list[tuple[str, str]] = []
    member = None
    number = request.POST.get("number", "").strip()
    if request.method == "POST" and open_seats > 0:
        # isdigit() lets '²' through and int() of 5,000 digits raises: whole_number refuses both.
        if (wanted := whole_number(number, max_digits=15)) is None:
            errors.append(("number", "Enter the membership number of the member to co-opt"))
        else:
            member = Member.objects.filter(
                organisation=election.organisation, number=wanted
            ).first()
            if member is None:
                errors.append(("number", f"There is no member number {number}"))
        if member is not None and request.POST.get("confirm") == "yes":
            try:
                services.co_opt(election, member, actor=request.user)
            except services.NotPermitted as exc:
                raise PermissionDenied(str(exc)) from None
            except services.ElectionError as exc:
                errors.append(("number", _sentence(str(exc))))
                member = None
            else:
                messages.success(request, f"{member.display_name} co-opted to the seat.")
                return redirect("elections:co_opt", slug, pk)
    return _page(
        request,
        "elections/co_opt.html",
        election,
        errors,
        title="Co-opt to an unfilled seat",
        open_seats=open_seats,
        member=member if not errors else None,
        number=number,
        holders=OfficeTerm.objects.filter(election=election).order_by("started_on", "pk"),
    )


@login_required
def casting_vote(request, slug, pk):
    election = _election(slug, pk)
    if election.organisation.constitution.elections.ties != "chair-casting-vote":
        raise Http404("the rulebook gives the chair no casting vote in an election")
    _may_see(request, election, [Role.Kind.CHAIR])
    pending = (
        (election.result or {}).get("casting_pending") if election.awaiting_declaration else None
    )
    errors: list[tuple[str, str]] = []
    chosen = None
    tied = []
    if pending:
        tied = list(zip(pending["tied_positions"], pending["tied_names"], strict=True))
    if request.method == "POST" and pending:
        picked = request.POST.get("candidate", "")
        chosen = next(((p, n) for p, n in tied if str(p) == picked), None)
        if chosen is None:
            names = " or ".join(pending["tied_names"])
            errors.append(("candidate", f"Choose {names}"))
        elif request.POST.get("confirm") == "yes":
            try:
                services.give_casting_vote(election, chosen[0], actor=request.user)
            except services.NotPermitted as exc:
                raise PermissionDenied(str(exc)) from None
            except services.ElectionError as exc:
                errors.append(("candidate", _sentence(str(exc))))
                chosen = None
            else:
                messages.success(request, f"Casting vote given for {chosen[1]}.")
                return redirect("elections:casting_vote", slug, pk)
    return _page(
        request,
        "elections/casting_vote.html",
        election,
        errors,
        title="The chair's casting vote",
        pending=pending,
        tied=tied,
        chosen=chosen if not errors else None,
    )


def _sentence(text: str) -> str:
    """A service's message as a sentence: its field name dropped, a capital first."""
    text = text.split(": ", 1)[1] if text.startswith(("member: ", "candidate: ")) else text
    return text[:1].upper() + text[1:]
