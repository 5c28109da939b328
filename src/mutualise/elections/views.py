"""Election pages: public (statements, ballot, receipts, results) and the officer console.

Voting keeps no session: the code and the marks travel in the form from step to step and are
checked again at every step, and the receipt is shown once, in the response to the cast.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from mutualise.register.models import Member, Organisation

from . import ballot_parser, codes, lifecycle, mixing, pdf, rules, services, tally
from .lifecycle import State
from .models import Candidate, Election


def _election(slug: str, pk: int) -> Election:
    return get_object_or_404(
        Election.objects.select_related("organisation"), organisation__slug=slug, pk=pk
    )


def _require(predicate, user, election):
    if not predicate(user, election):
        raise PermissionDenied


def _client(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


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
                label = f"{body.name}: {group.name or group.id} ({group.seats} seats)"
                choices.append((f"{body.id}/{group.id}", label))
    return choices


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
            "can_nominate": election.state == State.NOMINATIONS_OPEN
            and rules.is_member(request.user, election)
            and not rules.is_candidate(request.user, election),
            "can_withdraw": election.state in (State.NOMINATIONS_OPEN, State.NOMINATIONS_CLOSED)
            and candidates.filter(member__user=request.user, status="nominated").exists()
            if request.user.is_authenticated
            else False,
            "page_title": election.title,
        },
    )


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


def _ballot_context(election, code, raw=None, problems=None):
    return {
        "election": election,
        "candidates": services.ballot_candidates(election),
        "code": code,
        "raw": raw or {},
        "problems": problems or [],
        "page_title": "Your ballot",
    }


def _raw_marks(request, election) -> dict[int, str]:
    raw = {}
    for candidate in services.ballot_candidates(election):
        value = request.POST.get(f"c{candidate.position}", "")
        if not election.is_ranked:
            value = "X" if value else ""
        raw[candidate.position] = value
    return raw


def vote(request, slug, pk):
    """Code -> ballot -> check -> receipt, each step a POST that re-checks the code."""
    election = _election(slug, pk)
    if election.state != State.POLL_OPEN:
        return render(
            request, "elections/closed.html", {"election": election, "page_title": "Vote"}
        )
    step = request.POST.get("step", "") if request.method == "POST" else ""
    code = request.POST.get("code", "")
    if step:
        try:
            services.check_code(election, code, client=_client(request))
        except services.CodeRefused as exc:
            return render(
                request,
                "elections/code.html",
                {"election": election, "error": str(exc), "code": code, "page_title": "Vote"},
                status=400,
            )
    if step == "code":
        return render(request, "elections/ballot.html", _ballot_context(election, code))
    if step in ("ballot", "confirm"):
        raw = _raw_marks(request, election)
        try:
            marks = services.parse_marks(election, raw)
        except services.BallotInvalid as exc:
            context = _ballot_context(election, code, raw, exc.problems)
            return render(request, "elections/ballot.html", context, status=400)
        by_position = {c.position: c for c in services.ballot_candidates(election)}
        if step == "ballot" or request.POST.get("change"):
            context = _ballot_context(election, code, raw)
            if request.POST.get("change"):
                return render(request, "elections/ballot.html", context)
            context["choices"] = [by_position[m] for m in marks]
            context["page_title"] = "Check your vote"
            return render(request, "elections/confirm.html", context)
        try:
            receipt = services.cast(election, code, marks, client=_client(request))
        except services.ElectionError as exc:
            return render(
                request,
                "elections/code.html",
                {"election": election, "error": str(exc), "page_title": "Vote"},
                status=400,
            )
        response = render(
            request,
            "elections/receipt.html",
            {"election": election, "receipt": receipt, "page_title": "Your vote has been cast"},
        )
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "elections/code.html", {"election": election, "page_title": "Vote"})


@csrf_exempt
@require_POST
def api_cast(request, slug, pk):
    """JSON casting for telephone/text gateways and load tests: {"code", "marks": [1, 3, 2]}.

    No cookie authenticates it (the voting code does), so cross-site forgery gains nothing."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > ballot_parser.MAX_BODY_BYTES:
        problem = f"body: a ballot is at most {ballot_parser.MAX_BODY_BYTES} bytes"
        return JsonResponse({"error": "invalid ballot", "problems": [problem]}, status=413)
    election, standing = _open_poll(slug, pk)
    try:
        rules = services.ballot_rules(election, standing)
        # The same parser as the form and paper keying: what it returns is what is stored.
        request_ = ballot_parser.from_json(request.body, rules, channels=("internet", "telephone"))
        receipt = services.cast(
            election,
            request_.code,
            list(request_.marks),
            channel=request_.channel,
            client=_client(request),
        )
    except ballot_parser.BallotInvalid as exc:
        return JsonResponse({"error": "invalid ballot", "problems": exc.problems}, status=400)
    except services.ElectionError as exc:
        return JsonResponse({"error": str(exc)}, status=409)
    return JsonResponse({"receipt": receipt})


_OPEN_POLLS: dict[tuple[str, int], tuple[Election, int]] = {}


def _open_poll(slug: str, pk: int) -> tuple[Election, int]:
    """The election and its number of candidates, kept per process while its poll is open.

    Nothing on the ballot can change once the poll is open, and on PostgreSQL the casting
    statement itself checks that the poll is still open, so a stale copy cannot let a late
    ballot in. Elsewhere the election is read afresh each time."""
    cached = _OPEN_POLLS.get((slug, pk))
    if cached is not None:
        return cached
    election = _election(slug, pk)
    found = (election, len(services.ballot_candidates(election)))
    if election.state == State.POLL_OPEN and connection.vendor == "postgresql":
        _OPEN_POLLS[(slug, pk)] = found
    return found


def receipt(request, slug, pk):
    """Check a receipt is in the count. By POST only: a receipt never travels in a URL, so it
    never lands in an access log, a proxy's log or the browser's history."""
    election = _election(slug, pk)
    checked, marks = None, []
    if request.method == "POST" and election.state == State.DECLARED:
        text = request.POST.get("receipt", "").strip()
        if text:
            checked = services.check_receipt(election, text)
            if checked and checked.marks:
                names = tally.candidate_names(election)
                marks = [names[m - 1] for m in checked.marks]
    response = render(
        request,
        "elections/receipt_lookup.html",
        {
            "election": election,
            "checked": checked,
            "marks": marks,
            "page_title": "Check your ballot was counted",
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def receipts_txt(request, slug, pk):
    election = _declared(slug, pk)
    response = HttpResponse(tally.receipts_text(election), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="election-{pk}-receipts.txt"'
    return response


def _declared(slug, pk) -> Election:
    election = _election(slug, pk)
    if election.state != State.DECLARED or election.result is None:
        raise Http404("the result has not been declared")
    return election


def results(request, slug, pk):
    election = _election(slug, pk)
    if election.state != State.DECLARED:
        raise Http404("the result has not been declared")
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


# ---------------------------------------------------------------------------------------------
# Officer console


@login_required
def console(request, slug, pk):
    from . import mailing
    from .mailing_views import latest_job

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
            "to_email": mailing.voters_to_email(election).count() if is_ro else 0,
            "page_title": f"Run: {election.title}",
        },
    )


@login_required
@require_POST
def step(request, slug, pk, name):
    election = _election(slug, pk)
    try:
        if name == "void":
            services.void(election, reason=request.POST.get("reason", ""), actor=request.user)
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
    """Issue codes to every voter without one; the poll cards come back as one PDF to print."""
    election = _election(slug, pk)
    _require(rules.is_returning_officer, request.user, election)
    try:
        issued = services.issue_credentials(election, actor=request.user)
    except services.ElectionError as exc:
        messages.error(request, str(exc))
        return redirect("elections:console", slug, pk)
    if not issued:
        messages.success(request, "Every voter already has a voting code")
        return redirect("elections:console", slug, pk)
    vote_url = request.build_absolute_uri(reverse("elections:vote", args=[slug, pk]))
    response = HttpResponse(
        pdf.poll_cards(election, issued, vote_url=vote_url), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="election-{pk}-poll-cards.pdf"'
    return response


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
            receipt_code = services.key_paper_ballot(election, code, marks, actor=request.user)
        except services.BallotInvalid as exc:
            problems = exc.problems
        except services.ElectionError as exc:
            problems = [str(exc)]
        else:
            if receipt_code:
                messages.success(request, f"Second keying matched: ballot cast ({receipt_code})")
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
