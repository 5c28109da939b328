"""The returning officer's console."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mutualise.jobs import services as jobs

from .. import codes, lifecycle, mailing, mixing, rules, services, turnout
from ..models import Election
from .common import _election, _require, latest_job
from .voting import _raw_marks

# ---------------------------------------------------------------------------------------------
# Officer console


@login_required
def console(request, slug, pk):
    election = _election(slug, pk)
    _require(rules.can_manage, request.user, election)
    facts = services.facts(election)
    is_ro = rules.is_returning_officer(request.user, election)
    return render(
        request,
        "elections/console.html",
        {
            "election": election,
            "timetable": services.timetable(election).steps(),
            "steps": lifecycle.available(facts),
            "is_ro": is_ro,
            "candidates": election.candidates.order_by("position", "ballot_name"),
            "roll": services.roll_counts(election),
            "facts": facts,
            "contents_receipts": mixing.contents_receipts(election),
            "email_job": latest_job(election),
            "cards_job": _job(services.POLL_CARDS_JOB, election),
            "count_job": _job(services.COUNT_JOB, election),
            "to_email": mailing.voters_to_email(election).count() if is_ro else 0,
            "turnout": _turnout(request.user, election) if is_ro else None,
            "page_title": f"Run: {election.title}",
        },
    )


def _turnout(user, election):
    """This election's turnout, with a row for each other election whose poll the same
    independent returning officer is running now (one constituency each)."""
    others = Election.objects.filter(
        organisation=election.organisation, state__in=turnout.SHOWN_IN
    ).exclude(pk=election.pk)
    return turnout.live(
        election, also=[e for e in others.order_by("title") if rules.is_returning_officer(user, e)]
    )


def _job(kind: str, election):
    """The latest job of this kind for the election (still running, or just finished)."""
    return jobs.live(jobs.latest(kind, f"election:{election.pk}"))


@login_required
@require_POST
def step(request, slug, pk, name):
    election = _election(slug, pk)
    # Who may act first: a member is refused, never told the reason or the step is wrong.
    _require(rules.is_returning_officer, request.user, election)
    try:
        if name == "count":  # the count runs in the worker; its page shows how far
            job = services.queue_count(election, actor=request.user)
            return redirect("jobs:job", slug=slug, pk=job.pk)
        if name == "void":
            services.void(election, reason=request.POST.get("reason", ""), actor=request.user)
        elif name == "reopen_nominations":  # the poll moves to the new date the officer gives
            try:
                day = date.fromisoformat(request.POST.get("close_of_poll", ""))
            except ValueError:
                messages.error(request, "New close of poll: enter a date like 2027-09-15")
                return redirect("elections:console", slug, pk)
            services.reopen_nominations(election, day, actor=request.user)
        else:
            services.transition(election, name, actor=request.user)
    except services.NotPermitted as exc:
        raise PermissionDenied(str(exc)) from None
    except services.ElectionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Done: {lifecycle.BY_NAME[name].label}")
    return redirect("elections:console", slug, pk)


@login_required
@require_POST
def move_poll(request, slug, pk):
    election = _election(slug, pk)
    try:
        day = date.fromisoformat(request.POST.get("close_of_poll", ""))
    except ValueError:
        messages.error(request, "close of poll: enter a date like 2027-06-15")
        return redirect("elections:console", slug, pk)
    try:
        services.move_close_of_poll(election, day, actor=request.user)
    except services.NotPermitted as exc:
        raise PermissionDenied(str(exc)) from None
    except services.ElectionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"The poll now closes on {day:%d %B %Y}; timetable recomputed")
    return redirect("elections:console", slug, pk)


@login_required
@require_POST
def freeze_roll(request, slug, pk):
    election = _election(slug, pk)
    _require(rules.is_returning_officer, request.user, election)
    try:
        n = services.freeze_roll(election, actor=request.user)
    except services.ElectionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"The roll is frozen: {n} voters")
    return redirect("elections:console", slug, pk)


@login_required
@require_POST
def issue_codes(request, slug, pk):
    """Issue codes to every voter without one, as the worker's job that lays out the poll cards
    as one PDF (the job's page offers it to download)."""
    election = _election(slug, pk)
    _require(rules.is_returning_officer, request.user, election)
    vote_url = request.build_absolute_uri(reverse("elections:vote", args=[slug, pk]))
    try:
        job = services.queue_poll_cards(election, actor=request.user, vote_url=vote_url)
    except services.ElectionError as exc:
        messages.error(request, str(exc))
        return redirect("elections:console", slug, pk)
    return redirect("jobs:job", slug=slug, pk=job.pk)


@login_required
@require_POST
def paper_discard(request, slug, pk):
    election = _election(slug, pk)
    _require(rules.is_returning_officer, request.user, election)
    code = request.POST.get("code", "")
    if services.discard_paper_keying(election, code, actor=request.user):
        messages.success(request, "The first keying of that paper was discarded")
    else:
        messages.error(request, "No paper with that voting code is waiting for a second keying")
    return redirect("elections:paper", slug, pk)


@login_required
def paper_entry(request, slug, pk):
    election = _election(slug, pk)
    _require(rules.is_returning_officer, request.user, election)
    problems: list[str] = []
    if request.method == "POST":
        code = request.POST.get("code", "")
        raw = _raw_marks(request, election)
        try:
            if not codes.looks_like_code(code):
                raise services.ElectionError("voting code: enter the 16 characters on the paper")
            marks = services.parse_marks(election, raw)
            cast = services.key_paper_ballot(election, code, marks, actor=request.user)
        except services.BallotInvalid as exc:
            problems = exc.problems
        except services.ElectionError as exc:
            problems = [str(exc)]
        else:
            # Never the receipt: it finds the ballot, and the officer keying it has the paper
            # and its voting code in hand (issue 10).
            if cast:
                messages.success(request, "Second keying matched: ballot cast")
            else:
                messages.success(request, "First keying held: another officer must key it again")
            return redirect("elections:paper", slug, pk)
    return render(
        request,
        "elections/paper.html",
        {
            "election": election,
            "candidates": services.ballot_candidates(election),
            "problems": problems,
            "page_title": "Enter postal ballots",
        },
    )
