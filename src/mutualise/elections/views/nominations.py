"""Nominating, withdrawing, rejecting."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mutualise.register.models import Member

from .. import services
from ..models import Candidate
from .common import _election


@login_required
def nominate(request, slug, pk):
    election = _election(slug, pk)
    member = Member.objects.filter(organisation=election.organisation, user=request.user).first()
    if member is None:
        raise PermissionDenied
    constitution = election.organisation.constitution
    rules_ = constitution.elections.nominations
    body = constitution.body(election.body_id)
    errors: list[str] = []
    if request.method == "POST":
        helpers = {}
        for role in ("proposers", "seconders"):
            numbers = [n for n in request.POST.get(role, "").replace(",", " ").split() if n]
            found = list(
                Member.objects.filter(
                    organisation=election.organisation,
                    number__in=[
                        int(n) for n in numbers if n.isascii() and n.isdigit() and len(n) < 19
                    ],
                )
            )
            if len(found) != len(numbers):
                errors.append(f"{role}: enter membership numbers of members")
            helpers[role] = found
        if not errors:
            try:
                services.nominate(
                    election,
                    member,
                    statement=request.POST.get("statement", ""),
                    ballot_name=request.POST.get("ballot_name", ""),
                    declarations=request.POST.getlist("declarations"),
                    actor=request.user,
                    **helpers,
                )
            except services.ElectionError as exc:
                errors = str(exc).split("; ")
            else:
                messages.success(request, "Your nomination has been received")
                return redirect("elections:detail", slug, pk)
    return render(
        request,
        "elections/nominate.html",
        {
            "election": election,
            "rules": rules_,
            "disqualifications": body.disqualifications,
            "errors": errors,
            "form": request.POST,
            "page_title": "Stand for election",
        },
    )


@login_required
@require_POST
def withdraw(request, slug, pk):
    election = _election(slug, pk)
    candidate = get_object_or_404(Candidate, election=election, member__user=request.user)
    try:
        services.withdraw(candidate, actor=request.user)
    except services.ElectionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "You have withdrawn from this election")
    return redirect("elections:detail", slug, pk)


@login_required
@require_POST
def reject(request, slug, pk, candidate):
    election = _election(slug, pk)
    nominee = get_object_or_404(Candidate, election=election, pk=candidate)
    try:
        services.reject_nomination(
            nominee, reason=request.POST.get("reason", ""), actor=request.user
        )
    except services.NotPermitted as exc:
        raise PermissionDenied(str(exc)) from None
    except services.ElectionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"The nomination of {nominee.ballot_name} was rejected")
    return redirect("elections:console", slug, pk)
