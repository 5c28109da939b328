"""Meeting pages: the list, a meeting, its notice and letters."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from rules import has_perm  # never the superuser shortcut: roles are per organisation

from mutualise import clock
from mutualise.register.models import Organisation
from mutualise.secrecy.sealing import SealBroken

from .. import decisions, pdf, services
from ..forms import ProxyForm, VoteForm
from ..models import Meeting, OnlineHand, ProxyAppointment, VoteRecord
from .common import _meeting, _require


def meeting_list(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    meetings = Meeting.objects.filter(organisation=organisation)
    if not has_perm("meetings.view_draft", request.user, organisation):
        # A draft taking members' motions is shown to members: they propose until notice.
        if has_perm("meetings.view_motions", request.user, organisation):
            meetings = meetings.exclude(state="draft", takes_motions=False)
        else:
            meetings = meetings.exclude(state="draft")
    may_call = has_perm("meetings.call_meeting", request.user, organisation)
    return render(
        request,
        "meetings/list.html",
        {
            "meetings": meetings,
            "runs_meetings": has_perm("meetings.run_meeting", request.user, organisation),
            "may_call": may_call,
            "waiting": decisions.waiting(organisation) if may_call else [],
            "members_may_requisition": organisation.constitution.meetings.requisition is not None,
            "page_title": "Meetings",
        },
    )


def meeting_detail(request, slug, pk):
    meeting = _meeting(request, slug, pk)
    member = services.member_for(request.user, meeting.organisation)
    resolutions = services.agenda(meeting)
    voted = set()
    if member is not None:
        voted = set(
            VoteRecord.objects.filter(resolution__meeting=meeting, member=member).values_list(
                "resolution_id", flat=True
            )
        )
    present = member is not None and services.is_present(meeting, member)
    hands = {}
    if member is not None:
        raised = OnlineHand.objects.filter(resolution__meeting=meeting, member=member)
        hands = {hand.resolution_id: hand for hand in raised}
    now = clock.now()
    items = []
    for resolution in resolutions:
        can_vote, _ = services.may_vote(
            resolution, member, present=present, voted=resolution.pk in voted, now=now
        )
        items.append(
            {
                "resolution": resolution,
                "kind": services.kind_rules(resolution),
                "voted": resolution.pk in voted,
                "can_vote": can_vote,
                "can_raise_hand": services.may_raise_hand_online(resolution, member),
                "hand_raised": hands.get(resolution.pk),
                "form": VoteForm(prefix=f"r{resolution.number}"),
            }
        )
    proxies = meeting.organisation.constitution.meetings.proxies
    deadline = services.proxy_deadline(meeting)
    proxy_open = member is not None and services.may_appoint_proxy(meeting, now=now)[0]
    my_proxy = None
    if member is not None:
        my_proxy = (
            ProxyAppointment.objects.filter(meeting=meeting, appointer=member, revoked_at=None)
            .select_related("proxy_member")
            .first()
        )
    try:
        my_instructions = my_proxy.instructions if my_proxy is not None else {}
    except SealBroken:  # sealed under a seal key since replaced: shown as such, not a crash
        my_instructions = None
    minutes = getattr(meeting, "minutes", None)
    may_attend, not_attending = services.may_attend(meeting, request.user)
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "notice": pdf.notice_lines(meeting, remote=may_attend),
            "may_attend": may_attend,
            "not_attending": not_attending,
            "papers": meeting.papers.all(),
            "items": items,
            "member": member,
            "present": present,
            "proxy_open": proxy_open,
            "proxies_allowed": proxies.allowed,
            "my_proxy": my_proxy,
            "my_instructions": my_instructions,
            "may_revoke_proxy": my_proxy is not None and services.may_revoke_proxy(meeting)[0],
            "proxy_deadline": deadline,
            "proxy_form": ProxyForm(
                resolutions=resolutions, non_members_allowed=not proxies.proxy_must_be_member
            )
            if proxy_open
            else None,
            "can_join_online": member is not None
            and meeting.online
            and meeting.in_session
            and not present,
            "minutes": minutes if minutes and minutes.is_published else None,
            "runs_meetings": has_perm("meetings.run_meeting", request.user, meeting.organisation),
            "may_call": has_perm("meetings.call_meeting", request.user, meeting.organisation),
            "keeps_minutes": has_perm("meetings.keep_minutes", request.user, meeting.organisation),
            "page_title": meeting.title,
        },
    )


def notice_pdf(request, slug, pk):
    meeting = _meeting(request, slug, pk)
    remote, _ = services.may_attend(meeting, request.user)
    response = HttpResponse(pdf.notice_pdf(meeting, remote=remote), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{meeting.pk}.pdf"'
    return response


def letters_pdf(request, slug, pk):
    """Post-ready letters for members who do not take email (one page or more each)."""
    meeting = _meeting(request, slug, pk)
    _require(request, "meetings.run_meeting", meeting.organisation)
    if meeting.notice_given_on is None:
        raise PermissionDenied
    response = HttpResponse(
        pdf.letters_pdf(meeting, services.members_by_post(meeting)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="letters-{meeting.pk}.pdf"'
    return response
