"""Election pages: the list, creating one, an election, its results and files."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from mutualise import clock
from mutualise.constitution.calendar import election_timetable
from mutualise.register.models import Organisation

from .. import pdf, rules, services, tally
from ..models import Candidate, Election
from .common import _declared, _election, _require


def election_list(request, slug):
    org = get_object_or_404(Organisation, slug=slug)
    elections = Election.objects.filter(organisation=org).order_by("-close_of_poll", "title")
    can_create = rules.can_manage(request.user, Election(organisation=org))
    return render(
        request,
        "elections/list.html",
        {"elections": elections, "can_create": can_create, "page_title": "Elections"},
    )


def _seat_choices(org) -> list[tuple[str, str]]:
    choices = []
    for body in org.constitution.bodies:
        for group in body.seats:
            if group.filled_by == "elected" and group.electorate:
                seats = f"{group.seats} seat" + ("" if group.seats == 1 else "s")
                label = f"{body.name}: {group.label} ({seats})"
                choices.append((f"{body.id}/{group.id}", label))
    return choices


def _earliest_close(org) -> dict | None:
    """The earliest lawful close of poll if the election is set up now, and why: the
    rulebook's notice of election, counted back from the close (as create_election checks)."""
    constitution = org.constitution
    try:
        day = services.earliest_close_of_poll(constitution, clock.now())
    except services.ElectionError:
        return None
    rules_ = constitution.elections.timetable
    table = election_timetable(rules_, day, constitution.organisation.nation)
    return {
        "day": day,
        "notice_by": table.notice_of_election,
        "days": rules_.notice_of_election,
        "unit": {"working": "working days", "clear": "clear days"}.get(rules_.day_kind, "days"),
    }


@login_required
def create(request, slug):
    org = get_object_or_404(Organisation, slug=slug)
    _require(rules.can_manage, request.user, Election(organisation=org))
    errors = {}
    values = {"seats": "", "close_of_poll": ""}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        try:
            close = date.fromisoformat(values["close_of_poll"])
        except ValueError:
            errors["close_of_poll"] = "Enter the day the poll closes, like 2027-06-15"
        if "/" not in values["seats"]:
            errors["seats"] = "Choose the seats to elect"
        if not errors:
            body_id, group_id = values["seats"].split("/", 1)
            try:
                election = services.create_election(
                    org,
                    body_id=body_id,
                    seat_group_id=group_id,
                    close_of_poll=close,
                    actor=request.user,
                )
            except services.ElectionError as exc:
                field = "close_of_poll" if "close_of_poll" in str(exc) else "seats"
                errors[field] = str(exc).removeprefix("close_of_poll: ")
            else:
                messages.success(request, f"Election created: {election.title}")
                return redirect("elections:console", slug, election.pk)
    return render(
        request,
        "elections/create.html",
        {
            "earliest": _earliest_close(org),
            "choices": _seat_choices(org),
            "values": values,
            "errors": errors,
            "page_title": "New election",
        },
    )


def detail(request, slug, pk):
    election = _election(slug, pk)
    candidates = election.candidates.exclude(status=Candidate.Status.REJECTED).order_by(
        "position", "ballot_name"
    )
    return render(
        request,
        "elections/detail.html",
        {
            "election": election,
            "timetable": services.timetable(election).steps(),
            "candidates": candidates,
            "can_manage": rules.can_manage(request.user, election),
            "roll": services.roll_counts(election) if election.roll_frozen_on else None,
            "can_nominate": election.taking_nominations
            and rules.is_member(request.user, election)
            and not rules.is_candidate(request.user, election),
            "can_withdraw": election.candidacies_may_change
            and candidates.filter(member__user=request.user, status="nominated").exists()
            if request.user.is_authenticated
            else False,
            "page_title": election.title,
        },
    )


def results(request, slug, pk):
    election = _election(slug, pk)
    if not election.result_declared:
        # An address someone shared before the count: say when the result comes, not 404.
        return render(
            request,
            "elections/results_pending.html",
            {"election": election, "page_title": f"Result: {election.title}"},
        )
    result = election.result or {}
    return render(
        request,
        "elections/results.html",
        {
            "election": election,
            "result": result,
            **tally.result_page(election, result),
            "elected": election.candidates.filter(elected=True).order_by("position"),
            "page_title": f"Result: {election.title}",
        },
    )


def ballots_blt(request, slug, pk):
    election = _declared(slug, pk)
    response = HttpResponse(tally.ballots_blt(election), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="election-{pk}.blt"'
    return response


def ballots_csv(request, slug, pk):
    election = _declared(slug, pk)
    response = HttpResponse(tally.ballots_csv(election), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="election-{pk}-ballots.csv"'
    return response


def results_pdf(request, slug, pk):
    election = _declared(slug, pk)
    response = HttpResponse(pdf.results_notice(election), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="election-{pk}-result.pdf"'
    return response
