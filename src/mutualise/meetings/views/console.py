"""The chair's console: the meeting's and resolutions' actions, the paper poll."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mutualise import clock
from mutualise.elections import queries as elections
from mutualise.register.models import Member
from mutualise.register.tabular import whole_number

from .. import facts, services, tasks
from ..forms import CheckInForm, HandsForm, PaperBallotForm
from ..lifecycle import MEETING_TRANSITIONS, RESOLUTION_TRANSITIONS, available
from ..models import Attendance, Minutes, Resolution, VoteRecord
from ..services import MeetingError
from . import receipts
from .common import _form_errors, _meeting, _posted_id, _require, _sentence


def _to_confirm(request, meeting) -> dict | None:
    """The member whose number was typed at the door, shown by name so the chair can confirm
    who they are before checking them in (and told if they are already in)."""
    form = CheckInForm(request.GET)
    if "number" not in request.GET:
        return None
    if not form.is_valid():
        return {"error": "Enter a membership number, like 1234"}
    number = form.cleaned_data["number"]
    member = Member.objects.filter(organisation=meeting.organisation, number=number).first()
    if member is None:
        return {"error": f"There is no member number {number}"}
    here = Attendance.objects.filter(
        meeting=meeting, member=member, checked_in_at__isnull=False, left_at__isnull=True
    ).first()
    return {"member": member, "already": here}


def console(request, slug, pk):
    meeting = _meeting(request, slug, pk)
    _require(request, "meetings.run_meeting", meeting.organisation)
    casting = meeting.organisation.constitution.meetings.chair_casting_vote
    resolutions = []
    for resolution in services.agenda(meeting):
        resolutions.append(
            {
                "resolution": resolution,
                "kind": services.kind_rules(resolution),
                "actions": available(RESOLUTION_TRANSITIONS, facts.resolution_facts(resolution)),
                "voted": VoteRecord.objects.filter(resolution=resolution).count(),
                "online_hands": services.online_hands(resolution)
                if resolution.method == Resolution.Method.HANDS
                else None,
                "hands_form": HandsForm(prefix=f"r{resolution.number}", casting=casting),
            }
        )
    today = clock.localdate()
    days = facts.notice_days(meeting)
    return render(
        request,
        "meetings/console.html",
        {
            "meeting": meeting,
            "notice_days": days,
            "earliest_if_called_today": facts.earliest_meeting_date(today, days),
            "agm_due_by": facts.agm_due_by(meeting),
            "can_send_notice": meeting.notice_may_be_sent,
            "notice_sent": services.notice_sent(meeting),
            "quorum": facts.quorum(meeting),
            "actions": available(MEETING_TRANSITIONS, facts.meeting_facts(meeting)),
            "resolutions": resolutions,
            "check_in_form": CheckInForm(),
            "shorter_notice_consent": (
                meeting.organisation.constitution.meetings.general.shorter_notice_consent
            ),
            # Receipts that show a vote let a voter prove it to a buyer or coercer: said here.
            "contents_receipts": meeting.organisation.constitution.meetings.receipts == "contents",
            "to_confirm": _to_confirm(request, meeting),
            "attendance": meeting.attendances.filter(checked_in_at__isnull=False)
            .select_related("member")
            .order_by("left_at", "member__display_name"),
            "casting": casting,
            "election_business": elections.chairs_business(meeting.organisation),
            "earlier_minutes": Minutes.objects.filter(
                organisation=meeting.organisation,
                meeting__starts_at__lt=meeting.starts_at,
                state__in=[Minutes.State.DRAFT, Minutes.State.APPROVED],
            ).select_related("meeting"),
            "page_title": f"Chair's console: {meeting.title}",
        },
    )


_MEETING_ACTIONS = {
    "call": services.call_meeting,
    "open": services.open_meeting,
    "adjourn": services.adjourn_meeting,
    "close": services.close_meeting,
    "cancel": services.cancel_meeting,
}


@require_POST
def console_action(request, slug, pk):
    meeting = _meeting(request, slug, pk)
    _require(request, "meetings.run_meeting", meeting.organisation)
    action = request.POST.get("action", "")
    try:
        if action in _MEETING_ACTIONS:
            _MEETING_ACTIONS[action](meeting, actor=request.user)
            messages.success(request, f"Done: {MEETING_TRANSITIONS[action].label.lower()}.")
        elif action == "send_notice":
            page = reverse("meetings:detail", args=[slug, meeting.pk])
            job = tasks.queue_notice(
                meeting, actor=request.user, meeting_url=request.build_absolute_uri(page)
            )
            messages.success(request, "The notice is being sent to every member.")
            return redirect("jobs:job", slug, job.pk)
        elif action in ("approve_minutes", "publish_minutes"):
            minutes = get_object_or_404(
                Minutes, organisation=meeting.organisation, pk=_posted_id(request, "minutes")
            )
            if action == "approve_minutes":
                services.approve_minutes(minutes, at_meeting=meeting, actor=request.user)
                messages.success(request, f"Minutes of {minutes.meeting.title} approved.")
            else:
                services.publish_minutes(minutes, actor=request.user)
                messages.success(request, f"Minutes of {minutes.meeting.title} published.")
        elif action == "short_notice_consents":
            # isdigit() lets '²' through and int() of 5,000 digits raises: whole_number refuses.
            count = whole_number(request.POST.get("consents", ""), max_digits=9)
            if count is None:
                raise MeetingError("Consents: enter how many members agreed in writing, e.g. 45")
            services.record_short_notice_consents(meeting, count, actor=request.user)
            messages.success(request, f"{count} members' consents to shorter notice recorded.")
        elif action == "check_in":
            form = CheckInForm(request.POST)
            if not form.is_valid():
                raise MeetingError("Enter a membership number")
            member = Member.objects.filter(
                organisation=meeting.organisation, number=form.cleaned_data["number"]
            ).first()
            if member is None:
                raise MeetingError(f"There is no member number {form.cleaned_data['number']}")
            state = services.check_in(meeting, member, actor=request.user)
            messages.success(
                request,
                f"Member {member.number}, {member.display_name}, checked in. Quorum: {state}.",
            )
        elif action == "leave":
            member = get_object_or_404(
                Member, organisation=meeting.organisation, number=_posted_id(request, "number")
            )
            state = services.leave(meeting, member, actor=request.user)
            messages.success(
                request, f"Member {member.number}, {member.display_name}, left. Quorum: {state}."
            )
        elif action in ("open_vote", "declare", "withdraw"):
            resolution = get_object_or_404(
                Resolution, meeting=meeting, number=_posted_id(request, "number")
            )
            queued = _resolution_action(request, resolution, action)
            if queued is not None:
                return queued
        else:
            raise MeetingError(f"Unknown action {action!r}")
    except MeetingError as exc:
        messages.error(request, str(exc))
    return redirect("meetings:console", slug, pk)


def _resolution_action(request, resolution, action):
    if action == "open_vote":
        services.open_vote(resolution, actor=request.user)
        messages.success(request, f"Voting on resolution {resolution.number} is open.")
    elif action == "withdraw":
        services.withdraw_resolution(resolution, actor=request.user)
        messages.success(request, f"Resolution {resolution.number} withdrawn.")
    else:
        hands = None
        casting = ""
        if resolution.method == Resolution.Method.HANDS:
            casting_allowed = resolution.organisation.constitution.meetings.chair_casting_vote
            form = HandsForm(request.POST, prefix=f"r{resolution.number}", casting=casting_allowed)
            if not form.is_valid():
                raise MeetingError("Enter the show of hands: for, against and abstain")
            data = form.cleaned_data
            hands = (data["hands_for"], data["hands_against"], data["hands_abstain"])
            casting = data.get("casting_vote", "")
        if resolution.method == Resolution.Method.POLL:
            # A poll is counted by the worker (its ballots mixed, sealed and counted as a job).
            job = tasks.queue_poll_count(resolution, casting_vote=casting, actor=request.user)
            messages.success(request, f"Resolution {resolution.number}: the poll is being counted.")
            return redirect("jobs:job", resolution.organisation.slug, job.pk)
        declared = services.declare_result(
            resolution, hands=hands, casting_vote=casting, actor=request.user
        )
        messages.success(request, f"Resolution {declared.number}: {declared.result_reason}")
    return None


def paper_poll(request, slug, pk, number):
    """Key paper poll cards for a resolution decided on a poll, one card at a time. Each card
    is the member's vote on the paper channel (services.cast_vote): the member must be checked
    in and may vote once, however the vote is cast."""
    meeting = _meeting(request, slug, pk)
    _require(request, "meetings.enter_paper_votes", meeting.organisation)
    resolution = get_object_or_404(Resolution, meeting=meeting, number=number)
    resolution.meeting = meeting
    taking = resolution.method == Resolution.Method.POLL and resolution.vote_is_open
    form = PaperBallotForm()
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        form = PaperBallotForm(request.POST)
        if form.is_valid():
            card = form.cleaned_data["number"]
            voter = Member.objects.filter(organisation=meeting.organisation, number=card).first()
            try:
                if voter is None:
                    raise MeetingError(f"There is no member number {card}")
                receipt = services.cast_vote(
                    resolution,
                    voter,
                    form.cleaned_data["choice"],
                    channel=VoteRecord.Channel.PAPER,
                    actor=request.user,
                )
            except MeetingError as exc:
                errors.append(("number", _sentence(str(exc))))
            else:
                # Not in messages: they can spill into the session table (views/receipts.py).
                return receipts.to_console_receipt(request, resolution, card, receipt.receipt)
        else:
            errors = _form_errors(form)
    records = VoteRecord.objects.filter(resolution=resolution)
    keyed = receipts.console_receipt(request, resolution) if request.method == "GET" else None
    response = render(
        request,
        "meetings/paper_poll.html",
        {
            "meeting": meeting,
            "resolution": resolution,
            "taking": taking,
            "voted": records.count(),
            "on_paper": records.filter(channel=VoteRecord.Channel.PAPER).count(),
            "form": form,
            "errors": errors,
            "error_for": dict(errors),
            "page_title": f"{'Error: ' if errors else ''}Paper poll cards: resolution {number}",
            "keyed": keyed,
        },
    )
    if keyed:
        receipts.forget_console_receipt(response, resolution)
    return response
