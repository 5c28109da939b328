"""Calling a general meeting from the browser: a new meeting, its agenda, its notice."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from mutualise import clock
from mutualise.constitution.calendar import LONDON, london
from mutualise.register.models import Organisation

from .. import decisions, facts, services, tasks
from ..forms import MeetingForm, ResolutionForm
from ..models import Resolution
from .common import _form_errors, _meeting, _require, _sentence

DATE_PARTS = [("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4)]


def _earliest(organisation, kinds) -> list[dict]:
    today = clock.localdate()
    return [
        {
            "kind": label,
            "days": organisation.constitution.notice_clear_days(value),
            "date": services.earliest_lawful_date(organisation, value, today),
        }
        for value, label in kinds
    ]


def _meeting_form_errors(form) -> list[tuple[str, str]]:
    """The meeting form's errors at their fields, the date's at its first box."""
    errors = [(f"id_{name}", message) for name, message in _form_errors(form)]
    if form.date_error:
        errors.append(("id_starts_day", form.date_error))
    return errors


def meeting_new(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    _require(request, "meetings.call_meeting", organisation)
    kinds = [(k.id, k.name) for k in organisation.constitution.meeting_kinds()]
    form = MeetingForm(request.POST or None, kinds=kinds)
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        valid = form.is_valid() and not form.date_error
        errors = _meeting_form_errors(form)
        if valid:
            day, at = form.starts
            data = form.cleaned_data
            try:
                meeting = services.plan_meeting(
                    organisation,
                    actor=request.user,
                    kind=data["kind"],
                    title=data["title"],
                    starts_at=london(day, at),
                    place=data["place"],
                    online=data["online"],
                    remote_url=data["remote_url"],
                    financial_year=data["financial_year"],
                    takes_motions=data["takes_motions"],
                )
            except services.MeetingError as exc:
                errors.append(("id_kind", _sentence(str(exc))))
            else:
                messages.success(request, f"{meeting.title} is drafted: add its resolutions.")
                return redirect("meetings:prepare", slug, meeting.pk)
    return render(
        request,
        "meetings/new.html",
        {
            "form": form,
            "errors": errors,
            "parts": DATE_PARTS,
            "starts": {
                p: request.POST.get(f"starts_{p}", "") for p in ("day", "month", "year", "time")
            },
            "earliest": _earliest(organisation, kinds),
            "today": clock.localdate(),
            "page_title": ("Error: " if errors else "") + "Call a general meeting",
        },
        status=400 if errors else 200,
    )


def _starts_parts(meeting) -> dict:
    at = meeting.starts_at.astimezone(LONDON)
    return {"day": str(at.day), "month": str(at.month), "year": str(at.year),
            "time": f"{at:%H:%M}"}  # fmt: skip


def meeting_edit(request, slug, pk):
    """Change a draft meeting's kind, title, date, time and place before notice is given; once
    it is published the page says why it cannot change and shows nothing to edit."""
    meeting = _meeting(request, slug, pk)
    organisation = meeting.organisation
    _require(request, "meetings.call_meeting", organisation)
    kinds = [(k.id, k.name) for k in organisation.constitution.meeting_kinds()]
    initial = {f: getattr(meeting, f) for f in ("kind", "title", "place", "online", "remote_url",
                                                "financial_year", "takes_motions")}  # fmt: skip
    form = MeetingForm(request.POST or None, kinds=kinds, initial=initial)
    starts = _starts_parts(meeting)
    errors: list[tuple[str, str]] = []
    if not meeting.being_prepared:
        try:
            services.change_draft_meeting(meeting, actor=request.user)
        except services.MeetingError as exc:
            errors.append(("fixed", _sentence(str(exc))))
    elif request.method == "POST":
        starts = {p: request.POST.get(f"starts_{p}", "") for p in ("day", "month", "year", "time")}
        valid = form.is_valid() and not form.date_error
        errors = _meeting_form_errors(form)
        if valid:
            day, at = form.starts
            data = form.cleaned_data
            try:
                services.change_draft_meeting(
                    meeting,
                    actor=request.user,
                    starts_at=london(day, at),
                    **{f: data[f] for f in initial},
                )
            except services.MeetingError as exc:
                errors.append(("id_kind", _sentence(str(exc))))
            else:
                messages.success(request, "The meeting's details are changed.")
                return redirect("meetings:prepare", slug, meeting.pk)
    return render(
        request,
        "meetings/new.html",
        {
            "meeting": meeting,
            "form": form,
            "errors": errors,
            "parts": DATE_PARTS,
            "starts": starts,
            "earliest": _earliest(organisation, kinds),
            "today": clock.localdate(),
            "page_title": ("Error: " if errors else "") + f"Change {meeting.title}",
        },
        status=400 if errors else 200,
    )


def resolution_edit(request, slug, pk, number):
    """Change a resolution on a draft meeting's agenda (refused, saying why, once published)."""
    meeting = _meeting(request, slug, pk)
    organisation = meeting.organisation
    _require(request, "meetings.call_meeting", organisation)
    resolution = get_object_or_404(Resolution, meeting=meeting, number=number)
    fields = ("title", "text", "kind_id", "method", "proposed_by")
    form = _resolution_form(organisation, request.POST or None)
    if request.method != "POST":
        form = ResolutionForm(
            kinds=form.fields["kind_id"].choices,
            methods=Resolution.Method.choices,
            initial={f: getattr(resolution, f) for f in fields},
        )
    errors: list[tuple[str, str]] = []
    if not meeting.being_prepared:
        try:
            services.change_draft_resolution(resolution, actor=request.user)
        except services.MeetingError as exc:
            errors.append(("fixed", _sentence(str(exc))))
    elif request.method == "POST":
        if form.is_valid():
            try:
                services.change_draft_resolution(
                    resolution, actor=request.user, **{f: form.cleaned_data[f] for f in fields}
                )
            except services.MeetingError as exc:
                errors.append(("id_title", _sentence(str(exc))))
            else:
                messages.success(request, f"Resolution {resolution.number} is changed.")
                return redirect("meetings:prepare", slug, meeting.pk)
        else:
            errors = [(f"id_{name}", message) for name, message in _form_errors(form)]
    return render(
        request,
        "meetings/resolution_edit.html",
        {
            "meeting": meeting,
            "resolution": resolution,
            "form": form,
            "errors": errors,
            "page_title": ("Error: " if errors else "") + f"Change resolution {resolution.number}",
        },
        status=400 if errors else 200,
    )


def _resolution_form(organisation, data=None) -> ResolutionForm:
    kinds = [(k.id, f"{k.name} (needs {k.threshold} {k.base.words})")
             for k in organisation.constitution.meetings.resolutions]  # fmt: skip
    return ResolutionForm(data, kinds=kinds, methods=Resolution.Method.choices)


def meeting_prepare(request, slug, pk):
    """A draft meeting's agenda: add resolutions, see when it may lawfully be held, publish
    the notice."""
    meeting = _meeting(request, slug, pk)
    organisation = meeting.organisation
    _require(request, "meetings.call_meeting", organisation)
    form = _resolution_form(organisation)
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "resolution":
                form = _resolution_form(organisation, request.POST)
                if form.is_valid():
                    resolution = services.propose_resolution(
                        meeting, actor=request.user, **form.cleaned_data
                    )
                    messages.success(request, f"Resolution {resolution.number} added.")
                    return redirect("meetings:prepare", slug, pk)
                errors = [(f"id_{name}", message) for name, message in _form_errors(form)]
            elif action == "place":
                resolution = _place(request, meeting)
                messages.success(
                    request, f"{resolution.title} is resolution {resolution.number} on the agenda."
                )
                return redirect("meetings:prepare", slug, pk)
            elif action == "publish" and request.POST.get("confirmed") != "yes":
                return _confirm_publish(request, meeting)
            elif action == "publish":
                url = request.build_absolute_uri(reverse("meetings:detail", args=[slug, pk]))
                # Notice is given now; the worker sends it to every member (a job to follow).
                job = tasks.queue_notice(meeting, actor=request.user, meeting_url=url)
                messages.success(
                    request,
                    "Notice given. The notice is being sent to every member: this page shows "
                    "how far it has gone, and the letters to post when it is done.",
                )
                return redirect("jobs:job", slug, job.pk)
        except (services.MeetingError, ValueError) as exc:  # a waiting item's own error too
            anchor = {"resolution": "id_title", "place": "waiting"}.get(action, "publish")
            errors.append((anchor, _sentence(str(exc))))
    today = clock.localdate()
    lawful, why = facts.notice_check(meeting, today)
    return render(
        request,
        "meetings/prepare.html",
        {
            "meeting": meeting,
            "form": form,
            "errors": errors,
            "resolutions": [(r, services.kind_rules(r)) for r in services.agenda(meeting)],
            "today": today,
            "notice_days": facts.notice_days(meeting),
            "proxies_allowed": organisation.constitution.meetings.proxies.allowed,
            "earliest": services.earliest_lawful_date(organisation, meeting.kind, today),
            "lawful": lawful,
            "why": why,
            "members_by_post": len(services.members_by_post(meeting))
            if meeting.being_prepared
            else 0,
            "waiting": decisions.waiting(organisation) if meeting.being_prepared else [],
            "page_title": ("Error: " if errors else "") + f"Prepare {meeting.title}",
        },
        status=400 if errors else 200,
    )


def _place(request, meeting):
    """Put a decision waiting for a general meeting (a members' proposal) on this agenda,
    through its own app's service (meetings.decisions); one that is gone is a 404."""
    try:
        return decisions.place(request.POST.get("item", ""), meeting, actor=request.user)
    except LookupError:
        raise Http404("nothing waiting for an agenda by that name") from None


def _confirm_publish(request, meeting):
    """Publishing emails every member who takes email at once: ask first, saying how many."""
    emailed = services.members_by_email(meeting)
    by_post = len(services.members_by_post(meeting))
    details = ["This fixes the agenda: it cannot be changed after notice is given."]
    if by_post:
        details.append(
            f"{by_post} member{'s' if by_post != 1 else ''} without email will need a letter "
            "(a PDF to print, made when the emails are sent)."
        )
    return render(
        request,
        "web/confirm_send.html",
        {
            "organisation": meeting.organisation,
            "caption": meeting.title,
            "question": f"Publish the notice of {meeting.title}?",
            "how_many": f"{emailed} member{'s' if emailed != 1 else ''} will be emailed the "
            "notice now. Mail cannot be called back once it is sent.",
            "details": details,
            "action": "publish",
            "button": "Publish the notice and email members",
            "back_url": reverse("meetings:prepare", args=[meeting.organisation.slug, meeting.pk]),
            "back_words": "Go back to the agenda",
            "page_title": f"Publish the notice of {meeting.title}?",
        },
    )


def resolution_remove(request, slug, pk, number):
    """Take a resolution off a draft agenda, after a page that asks (and says which numbers
    move up); refused, saying why, once notice is given."""
    meeting = _meeting(request, slug, pk)
    _require(request, "meetings.call_meeting", meeting.organisation)
    resolution = get_object_or_404(Resolution, meeting=meeting, number=number)
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        try:
            moves = services.remove_draft_resolution(resolution, actor=request.user)
        except services.MeetingError as exc:
            errors.append(("remove", _sentence(str(exc))))
        else:
            moved = "; ".join(f"{old} is now {new}" for old, new in moves)
            messages.success(
                request,
                f"Resolution {number}, {resolution.title}, is taken off the agenda."
                + (f" The ones after it moved up: {moved}." if moved else ""),
            )
            return redirect("meetings:prepare", slug, meeting.pk)
    later = meeting.resolutions.filter(number__gt=number).count()
    return render(
        request,
        "meetings/resolution_remove.html",
        {
            "meeting": meeting,
            "resolution": resolution,
            "later": later,
            "errors": errors,
            "page_title": ("Error: " if errors else "") + f"Remove resolution {number}",
        },
        status=400 if errors else 200,
    )
