"""The returning officer's console pages for one voter or one form at a time: a replacement
voting pack (a new code by post or email; the old one stops working) and a nomination form
received on paper. Both are the independent returning officer's alone; the services check it
again, so the CLI and any other path are refused too."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from mutualise.register.models import Member

from .. import rules, services
from .common import _election, _require

# The first words of a service's message ("reason: ...") -> the field it belongs to.
_FIELDS = {
    "candidate": "candidate",
    "proposers": "proposers",
    "seconders": "seconders",
    "statement": "statement",
    "ballot name": "ballot_name",
    "ballot name (the member's name on the register)": "ballot_name",
    "declarations": "declarations",
    "received on": "received_on",
    "reason": "reason",
    "email": "delivery",
    "send the new code by": "delivery",
    "voter": "reason",
}


def _errors(message: str, default: str) -> list[tuple[str, str]]:
    """A service's '; '-joined problems as (field, message) pairs, each message in a sentence."""
    found = []
    for problem in message.split("; "):
        label, _, rest = problem.partition(": ")
        field = _FIELDS.get(label.lower(), default) if rest else default
        found.append((field, problem[:1].upper() + problem[1:]))
    return found


def _page(request, template, context, errors):
    title = context["page_title"]
    context |= {
        "errors": errors,
        "error_at": dict(reversed(errors)),
        "page_title": f"Error: {title}" if errors else title,
    }
    return render(request, template, context)


# ---------------------------------------------------------------------------------------------
# Replacement voting packs


@login_required
@never_cache
def replace_find(request, slug, pk):
    election = _election(slug, pk)
    _require(rules.is_returning_officer, request.user, election)
    query = request.GET.get("q", "")
    found = services.find_voters(election, query, actor=request.user) if query.strip() else None
    return _page(
        request,
        "elections/replace_find.html",
        {"election": election, "query": query, "found": found, "limit": services.SEARCH_LIMIT,
         "page_title": "Send a voter a new voting code"},
        [],
    )  # fmt: skip


@login_required
@never_cache
def replace_confirm(request, slug, pk, entry):
    election = _election(slug, pk)
    _require(rules.is_returning_officer, request.user, election)
    try:
        voter = services.voter(election, entry, actor=request.user)
    except services.ElectionError:
        messages.error(request, "That voter is not on this election's roll")
        return redirect("elections:replace_find", slug, pk)
    errors: list[tuple[str, str]] = []
    form = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        delivery = request.POST.get("delivery", "")
        vote_url = request.build_absolute_uri(reverse("elections:vote", args=[slug, pk]))
        try:
            card = services.replace_voting_pack(
                voter, delivery=delivery, reason=request.POST.get("reason", ""),
                actor=request.user, vote_url=vote_url,
            )  # fmt: skip
        except services.NotPermitted as exc:
            raise PermissionDenied(str(exc)) from None
        except services.ElectionError as exc:
            errors = _errors(str(exc), "reason")
        else:
            if card is not None:  # the new poll card, to print and post; nowhere else kept
                response = HttpResponse(card, content_type="application/pdf")
                response["Content-Disposition"] = (
                    f'attachment; filename="poll-card-{voter.member_number}.pdf"'
                )
                response["Cache-Control"] = "no-store"
                return response
            messages.success(
                request,
                f"A new voting code is on its way to {voter.member.display_name} by email. "
                "The old code no longer works.",
            )
            return redirect("elections:console", slug, pk)
    return _page(
        request,
        "elections/replace_confirm.html",
        {"election": election, "voter": voter, "voted": services.has_voted(voter), "form": form,
         "page_title": f"New voting code for {voter.member.display_name}"},
        errors,
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Nomination forms received on paper


def _members(election, text: str, label: str) -> tuple[list, list[tuple[str, str]]]:
    numbers = [n for n in text.replace(",", " ").split() if n]
    valid = [int(n) for n in numbers if n.isascii() and n.isdigit() and len(n) < 19]
    found = list(Member.objects.filter(organisation=election.organisation, number__in=valid))
    if len(found) != len(numbers):
        known = {m.number for m in found}
        missing = [n for n in numbers if not (n.isascii() and n.isdigit() and int(n) in known)]
        return found, [(label, f"No member has the number {', '.join(missing)}")]
    return found, []


def _received_on(request) -> tuple[date | None, list[tuple[str, str]]]:
    try:
        return date.fromisoformat(request.POST.get("received_on", "")), []
    except ValueError:
        return None, [("received_on", "Enter the day the form was received, like 2027-04-20")]


@login_required
def paper_nomination(request, slug, pk):
    election = _election(slug, pk)
    _require(rules.is_returning_officer, request.user, election)
    constitution = election.organisation.constitution
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        post = request.POST
        candidates, errors = _members(election, post.get("candidate", ""), "candidate")
        if not errors and len(candidates) != 1:
            errors = [("candidate", "Enter the candidate's membership number")]
        proposers, more = _members(election, post.get("proposers", ""), "proposers")
        seconders, also = _members(election, post.get("seconders", ""), "seconders")
        received_on, dated = _received_on(request)
        errors += more + also + dated
        if not errors:
            try:
                candidate = services.nominate_on_paper(
                    election, candidates[0], received_on=received_on, actor=request.user,
                    proposers=proposers, seconders=seconders,
                    ballot_name=" ".join(post.get("ballot_name", "").split()),
                    statement=post.get("statement", ""),
                    declarations=post.getlist("declarations"),
                )  # fmt: skip
            except services.NotPermitted as exc:
                raise PermissionDenied(str(exc)) from None
            except services.ElectionError as exc:
                errors = _errors(str(exc), "candidate")
            else:
                messages.success(
                    request, f"The paper nomination of {candidate.ballot_name} is recorded"
                )
                return redirect("elections:console", slug, pk)
    return _page(
        request,
        "elections/paper_nomination.html",
        {"election": election, "rules": constitution.elections.nominations,
         "disqualifications": constitution.body(election.body_id).disqualifications,
         "form": request.POST, "declared": request.POST.getlist("declarations"),
         "page_title": "Enter a nomination form received on paper"},
        errors,
    )  # fmt: skip
