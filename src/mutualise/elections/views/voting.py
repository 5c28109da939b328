"""Voting: the ballot page, the API cast, receipts."""

from __future__ import annotations

from csp.decorators import csp_exempt
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .. import ballot_parser, mixing, services, tally
from ..models import Election
from .common import _client, _declared, _election


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
    if not election.poll_is_open:
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
                {
                    "election": election,
                    "error": str(exc),
                    "code": code,
                    "page_title": "Error: Vote",
                },
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
            context["page_title"] = "Error: " + context["page_title"]
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
                {"election": election, "error": str(exc), "page_title": "Error: Vote"},
                status=400,
            )
        # Post, redirect, get: the receipt page can be refreshed and printed without casting
        # again. The receipt travels in a signed cookie for that page only, never in a URL and
        # never in the database (docs/secrecy.md, "The receipt page").
        response = redirect("elections:cast_receipt", slug=slug, pk=pk)
        response.set_signed_cookie(
            _RECEIPT_COOKIE,
            receipt,
            salt=f"elections.receipt:{election.pk}",
            max_age=RECEIPT_PAGE_SECONDS,
            path=reverse("elections:cast_receipt", args=[slug, pk]),
            secure=request.is_secure(),
            httponly=True,
            samesite="Strict",
        )
        return response
    return render(request, "elections/code.html", {"election": election, "page_title": "Vote"})


@csp_exempt()  # JSON, never rendered as a page: no policy to build per ballot
@csrf_exempt
@require_POST
def api_cast(request, slug, pk):
    """JSON casting for telephone/text gateways and load tests: {"code", "marks": [1, 3, 2]}.

    No cookie authenticates it (the voting code does), so cross-site forgery gains nothing."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not (length.isascii() and length.isdigit() and len(length) < 12) or (
        int(length) > ballot_parser.MAX_BODY_BYTES
    ):
        problem = f"body: a ballot is at most {ballot_parser.MAX_BODY_BYTES} bytes"
        return JsonResponse({"error": "invalid ballot", "problems": [problem]}, status=413)
    election, rules = _open_poll(slug, pk)
    try:
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


_RECEIPT_COOKIE = "mutualise_receipt"
RECEIPT_PAGE_SECONDS = 3600  # how long the receipt page shows the receipt after the vote


def cast_receipt(request, slug, pk):
    """The receipt after the vote (GET: refreshing resubmits nothing), and, by POST, sending it
    to an address the voter types."""
    election = _election(slug, pk)
    receipt = request.get_signed_cookie(
        _RECEIPT_COOKIE, default=None, salt=f"elections.receipt:{election.pk}",
        max_age=RECEIPT_PAGE_SECONDS,
    )  # fmt: skip
    context = {
        "election": election,
        "receipt": receipt,
        "may_email": not mixing.contents_receipts(election),
        "page_title": "Your vote has been cast" if receipt else "Your receipt",
    }
    status = 200
    if request.method == "POST" and receipt:
        address = request.POST.get("email", "").strip()
        try:
            services.email_receipt(election, receipt, address)
        except services.ElectionError as exc:
            context.update(email_error=str(exc), email=address)
            context["page_title"] = "Error: " + context["page_title"]
            status = 400
        else:
            context["emailed"] = True
    response = render(request, "elections/receipt.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


_OPEN_POLLS: dict[tuple[str, int], tuple[Election, object]] = {}


def _open_poll(slug: str, pk: int) -> tuple[Election, object]:
    """The election and its ballot's rules, kept per process while its poll is open.

    Nothing on the ballot can change once the poll is open, and on PostgreSQL the casting
    statement itself checks that the poll is still open, so a stale copy cannot let a late
    ballot in. Elsewhere the election is read afresh each time."""
    cached = _OPEN_POLLS.get((slug, pk))
    if cached is not None:
        return cached
    election = _election(slug, pk)
    found = (election, services.ballot_rules(election, len(services.ballot_candidates(election))))
    if election.poll_is_open and connection.vendor == "postgresql":
        _OPEN_POLLS[(slug, pk)] = found
    return found


def receipt(request, slug, pk):
    """Check a receipt is in the count. By POST only: a receipt never travels in a URL, so it
    never lands in an access log, a proxy's log or the browser's history."""
    election = _election(slug, pk)
    checked, marks = None, []
    if request.method == "POST" and election.result_declared:
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
