"""Results, published ballots and receipts."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from .. import facts, services
from ..models import Resolution, VoteRecord
from ..services import MeetingError
from .common import _meeting


def _published_csv(request, slug, pk, number, which: str):
    meeting = _meeting(request, slug, pk)
    resolution = get_object_or_404(Resolution, meeting=meeting, number=number)
    publish = services.published_ballots if which == "ballots" else services.published_receipts
    try:
        text = publish(resolution)
    except MeetingError as exc:
        return HttpResponse(str(exc), status=409, content_type="text/plain")
    response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{which}-{meeting.pk}-{number}.csv"'
    return response


def ballots_csv(request, slug, pk, number):
    """The anonymised ballot list of a declared poll, for anyone to recount; its SHA-256 is the
    declaration's `ballots_sha256`."""
    return _published_csv(request, slug, pk, number, "ballots")


def receipts_csv(request, slug, pk, number):
    """The receipts counted on a declared poll (their SHA-256), apart from the ballots."""
    return _published_csv(request, slug, pk, number, "receipts")


def results(request, slug, pk):
    """Live results; a receipt is checked by POST, so it never lands in a URL or access log."""
    meeting = _meeting(request, slug, pk)
    receipt = request.POST.get("receipt", "").strip() if request.method == "POST" else ""
    lookup = None
    if receipt:
        lookup = []
        for resolution in meeting.resolutions.filter(state="declared").order_by("number"):
            check = services.check_receipt(resolution, receipt)
            if check.counted:
                lookup.append((resolution, check.choice))
    return render(
        request,
        "meetings/results.html",
        {
            "meeting": meeting,
            "data_url": reverse("meetings:results_json", args=[slug, pk]),
            "lookup": lookup,
            "page_title": f"Results: {meeting.title}",
            **_results_data(meeting),
        },
    )


def results_json(request, slug, pk):
    meeting = _meeting(request, slug, pk)
    data = _results_data(meeting)
    return JsonResponse(
        {
            "quorum": str(data["quorum"]),
            "resolutions": [
                {
                    key: row[key]
                    for key in ("number", "title", "state", "voted", "summary", "reason")
                }
                for row in data["rows"]
            ],
        }
    )


def _results_data(meeting):
    rows = []
    for resolution in services.agenda(meeting):
        declared = resolution.result_declared
        summary = (
            f"{resolution.votes_for} for, {resolution.votes_against} against, "
            f"{resolution.abstentions} abstaining: "
            + ("CARRIED" if resolution.carried else "NOT CARRIED")
            if declared
            else resolution.get_state_display()
        )
        if declared:
            summary += (
                f" ({resolution.members_present} of {resolution.members_total} members present "
                f"or represented; quorum {resolution.quorum_present} present, "
                f"{resolution.quorum_required} needed)"
            )
        rows.append(
            {
                "number": resolution.number,
                "title": resolution.title,
                "state": resolution.state,
                # A show of hands has no count of members who voted: only a poll has.
                "voted": VoteRecord.objects.filter(resolution=resolution).count()
                if resolution.method == "poll"
                else None,
                "summary": summary,
                "reason": resolution.result_reason if declared else "",
                "resolution": resolution,
            }
        )
    return {"quorum": facts.quorum(meeting), "rows": rows}
