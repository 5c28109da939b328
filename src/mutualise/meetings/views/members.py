"""A member at a meeting: voting, appointing a proxy, joining online."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from mutualise.register.models import Member

from .. import services
from ..forms import ProxyForm, VoteForm
from ..models import ProxyAppointment, Resolution
from ..services import MeetingError
from . import receipts
from .common import _meeting, _posted_id, _sentence, _wants_json


@require_POST
def vote(request, slug, pk, number):
    """One member's vote. Answers JSON to clients that ask for it (the load test does)."""
    # One query for the resolution, its meeting and organisation: this is the busiest page.
    resolution = get_object_or_404(
        Resolution.objects.select_related("meeting__organisation"),
        meeting__organisation__slug=slug,
        meeting_id=pk,
        number=number,
    )
    meeting = resolution.meeting
    member = services.member_for(request.user, meeting.organisation)
    if member is None or meeting.being_prepared:
        raise PermissionDenied
    form = VoteForm(request.POST, prefix=f"r{number}")
    try:
        if not form.is_valid():
            raise MeetingError("Choose for, against or abstain")
        channel = "advance" if meeting.awaiting_opening else "online"
        receipt = services.cast_vote(
            resolution, member, form.cleaned_data["choice"], channel=channel, actor=request.user
        )
    except MeetingError as exc:
        if _wants_json(request):
            return JsonResponse({"error": str(exc)}, status=409)
        messages.error(request, str(exc))
        return redirect("meetings:detail", slug, pk)
    if _wants_json(request):
        return JsonResponse({"resolution": number, "receipt": receipt.receipt})
    # Post, redirect, get to a receipt page of its own; not in messages, which can spill into
    # the session table beside the member (views/receipts.py).
    return receipts.to_voter_receipt(request, resolution, receipt.receipt)


@require_POST
def appoint_proxy(request, slug, pk):
    meeting = _meeting(request, slug, pk)
    member = services.member_for(request.user, meeting.organisation)
    if member is None:
        raise PermissionDenied
    rules = meeting.organisation.constitution.meetings.proxies
    form = ProxyForm(
        request.POST,
        resolutions=meeting.resolutions.order_by("number"),
        non_members_allowed=not rules.proxy_must_be_member,
    )
    try:
        if not form.is_valid():
            raise MeetingError("Check the proxy form: " + "; ".join(form.errors.keys()))
        number = form.cleaned_data["proxy_number"]
        proxy_member = None
        if number:
            proxy_member = Member.objects.filter(
                organisation=meeting.organisation, number=number
            ).first()
            if proxy_member is None:
                raise MeetingError(f"There is no member number {number}")
        proxy_name = form.cleaned_data.get("proxy_name", "").strip()
        if proxy_member is not None and proxy_name:
            raise MeetingError("Give a membership number or a name, not both")
        appointment = services.appoint_proxy(
            meeting,
            member,
            proxy_member=proxy_member,
            proxy_name=proxy_name,
            instructions=form.instructions(),
            actor=request.user,
        )
    except MeetingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Your proxy is {appointment.holder_for_appointer}.")
    return redirect("meetings:detail", slug, pk)


@require_POST
def revoke_proxy(request, slug, pk):
    """The member withdraws the proxy they appointed (services.revoke_proxy)."""
    meeting = _meeting(request, slug, pk)
    member = services.member_for(request.user, meeting.organisation)
    if member is None:
        raise PermissionDenied
    appointment = get_object_or_404(
        ProxyAppointment, meeting=meeting, appointer=member, pk=_posted_id(request, "proxy")
    )
    try:
        services.revoke_proxy(appointment, actor=request.user)
    except MeetingError as exc:
        messages.error(request, _sentence(str(exc)))
    else:
        messages.success(
            request, f"Your proxy is revoked: {appointment.holder} no longer votes for you."
        )
    return redirect("meetings:detail", slug, pk)


@require_POST
def join_online(request, slug, pk):
    meeting = _meeting(request, slug, pk)
    member = services.member_for(request.user, meeting.organisation)
    if member is None:
        raise PermissionDenied
    try:
        services.check_in(meeting, member, mode="online", actor=request.user)
    except MeetingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "You have joined the meeting online.")
    return redirect("meetings:detail", slug, pk)


@require_POST
def raise_hand(request, slug, pk, number):
    """A member attending remotely raises a hand online on a show of hands."""
    meeting = _meeting(request, slug, pk)
    member = services.member_for(request.user, meeting.organisation)
    if member is None:
        raise PermissionDenied
    resolution = get_object_or_404(Resolution, meeting=meeting, number=number)
    form = VoteForm(request.POST, prefix=f"r{number}")
    try:
        if not form.is_valid():
            raise MeetingError(f"Resolution {number}: choose for, against or abstain")
        hand = services.raise_hand_online(
            resolution, member, form.cleaned_data["choice"], actor=request.user
        )
    except MeetingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"Your hand is raised on resolution {number}: {hand.get_choice_display()}."
        )
    return redirect("meetings:detail", slug, pk)
