"""The minutes page: the chair or secretary keeps the record, signs it, publishes it."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render

from .. import services
from ..forms import parse_time
from ..models import Minutes
from .common import _meeting, _require, _sentence


def _record_from(request, items) -> dict:
    post = request.POST
    return {
        "chair_name": post.get("chair_name", ""),
        "started_at": parse_time(post.get("started_at", ""), "the time it began"),
        "ended_at": parse_time(post.get("ended_at", ""), "the time it ended"),
        "attendance": post.get("attendance", ""),
        "discussion": {key: post.get(f"item_{key}", "") for key in items},
    }


def minutes(request, slug, pk):
    meeting = _meeting(request, slug, pk)
    _require(request, "meetings.keep_minutes", meeting.organisation)
    resolutions = services.agenda(meeting)
    items = [str(r.number) for r in resolutions] + ["other"]
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "save":
                services.edit_minutes(meeting, actor=request.user, **_record_from(request, items))
                messages.success(request, "The minutes are saved.")
            elif action == "approve":
                services.sign_minutes(meeting, actor=request.user)
                messages.success(request, "The minutes are approved as a true record.")
            elif action == "publish":
                services.publish_record(meeting, actor=request.user)
                messages.success(request, "The minutes are published on the meeting's page.")
                return redirect("meetings:detail", slug, pk)
            return redirect("meetings:minutes", slug, pk)
        except forms.ValidationError as exc:
            anchor = "id_started_at" if "began" in exc.messages[0] else "id_ended_at"
            errors.append((anchor, exc.messages[0]))
        except services.MeetingError as exc:
            errors.append(("id_chair_name", _sentence(str(exc))))
    record = Minutes.objects.filter(meeting=meeting).first()
    posted = request.method == "POST"
    discussion = (record.discussion if record else {}) or {}
    return render(
        request,
        "meetings/minutes.html",
        {
            "meeting": meeting,
            "record": record,
            "errors": errors,
            "editable": meeting.has_closed and (record is None or record.open_to_edit),
            "chair_name": request.POST.get("chair_name")
            if posted
            else (record.chair_name if record else ""),
            "started_at": request.POST.get("started_at")
            if posted
            else (f"{record.started_at:%H:%M}" if record and record.started_at else ""),
            "ended_at": request.POST.get("ended_at")
            if posted
            else (f"{record.ended_at:%H:%M}" if record and record.ended_at else ""),
            "attendance": request.POST.get("attendance")
            if posted
            else ((record.attendance if record else "") or services.attendance_list(meeting)),
            "items": [
                {
                    "key": str(r.number),
                    "label": f"{r.number}. {r.title}",
                    "text": request.POST.get(f"item_{r.number}")
                    if posted
                    else discussion.get(str(r.number), ""),
                }
                for r in resolutions
            ]
            + [
                {
                    "key": "other",
                    "label": "Any other business",
                    "text": request.POST.get("item_other")
                    if posted
                    else discussion.get("other", ""),
                }
            ],
            "page_title": ("Error: " if errors else "") + f"Minutes of {meeting.title}",
        },  # fmt: skip
        status=400 if errors else 200,
    )
