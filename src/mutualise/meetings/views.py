"""Meeting pages: the members' page (notice, papers, vote in advance or online, appoint a proxy),
the chair's console, and a live results screen. Every change goes through services.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from rules import has_perm  # never the superuser shortcut: roles are per organisation

from mutualise.register.models import Member, Organisation

from . import facts, pdf, services
from .forms import CheckInForm, HandsForm, MotionForm, PaperBallotForm, ProxyForm, VoteForm
from .lifecycle import MEETING_TRANSITIONS, RESOLUTION_TRANSITIONS, available
from .models import Meeting, Minutes, Motion, Requisition, Resolution, VoteRecord
from .services import MeetingError


def _meeting(request, slug, pk) -> Meeting:
    meeting = get_object_or_404(
        Meeting.objects.select_related("organisation"), organisation__slug=slug, pk=pk
    )
    organisation = meeting.organisation
    if meeting.state == "draft" and not has_perm("meetings.view_draft", request.user, organisation):
        raise PermissionDenied
    return meeting


def _require(request, perm, organisation):
    if not has_perm(perm, request.user, organisation):
        raise PermissionDenied


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def meeting_list(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    meetings = Meeting.objects.filter(organisation=organisation)
    if not has_perm("meetings.view_draft", request.user, organisation):
        meetings = meetings.exclude(state="draft")
    return render(
        request,
        "meetings/list.html",
        {
            "meetings": meetings,
            "runs_meetings": has_perm("meetings.run_meeting", request.user, organisation),
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
    now = timezone.now()
    items = []
    for resolution in resolutions:
        can_vote = (
            member is not None
            and resolution.pk not in voted
            and resolution.method == Resolution.Method.POLL
            and (
                (
                    resolution.advance_voting
                    and meeting.state == "called"
                    and now < meeting.starts_at
                    and resolution.state == "proposed"
                )
                or (resolution.state == "open" and present)
            )
        )
        items.append(
            {
                "resolution": resolution,
                "kind": services.kind_rules(resolution),
                "voted": resolution.pk in voted,
                "can_vote": can_vote,
                "form": VoteForm(prefix=f"r{resolution.number}"),
            }
        )
    proxies = meeting.organisation.constitution.meetings.proxies
    deadline = services.proxy_deadline(meeting)
    proxy_open = (
        member is not None
        and proxies.allowed
        and meeting.state in ("draft", "called")
        and (deadline is None or now <= deadline)
    )
    minutes = getattr(meeting, "minutes", None)
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "notice": pdf.notice_lines(meeting),
            "papers": meeting.papers.all(),
            "items": items,
            "member": member,
            "present": present,
            "proxy_open": proxy_open,
            "proxy_deadline": deadline,
            "proxy_form": ProxyForm(
                resolutions=resolutions, non_members_allowed=not proxies.proxy_must_be_member
            )
            if proxy_open
            else None,
            "can_join_online": member is not None
            and meeting.online
            and meeting.state == "in-session"
            and not present,
            "minutes": minutes if minutes and minutes.state == "published" else None,
            "runs_meetings": has_perm("meetings.run_meeting", request.user, meeting.organisation),
            "page_title": meeting.title,
        },
    )


def notice_pdf(request, slug, pk):
    meeting = _meeting(request, slug, pk)
    response = HttpResponse(pdf.notice_pdf(meeting), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{meeting.pk}.pdf"'
    return response


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
    if member is None or meeting.state == "draft":
        raise PermissionDenied
    form = VoteForm(request.POST, prefix=f"r{number}")
    try:
        if not form.is_valid():
            raise MeetingError("Choose for, against or abstain")
        channel = "advance" if meeting.state == "called" else "online"
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
    messages.success(
        request, f"Your vote on resolution {number} is recorded. Your receipt: {receipt.receipt}"
    )
    return redirect("meetings:detail", slug, pk)


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
        messages.success(request, f"Your proxy is {appointment.holder}.")
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


def console(request, slug, pk):
    meeting = _meeting(request, slug, pk)
    _require(request, "meetings.run_meeting", meeting.organisation)
    resolutions = []
    for resolution in services.agenda(meeting):
        resolutions.append(
            {
                "resolution": resolution,
                "kind": services.kind_rules(resolution),
                "actions": available(RESOLUTION_TRANSITIONS, resolution),
                "voted": VoteRecord.objects.filter(resolution=resolution).count(),
                "hands_form": HandsForm(prefix=f"r{resolution.number}"),
            }
        )
    today = timezone.localdate()
    days = facts.notice_days(meeting)
    return render(
        request,
        "meetings/console.html",
        {
            "meeting": meeting,
            "notice_days": days,
            "earliest_if_called_today": facts.earliest_meeting_date(today, days),
            "agm_due_by": facts.agm_due_by(meeting),
            "can_send_notice": meeting.state in ("called", "in-session"),
            "quorum": facts.quorum(meeting),
            "actions": available(MEETING_TRANSITIONS, meeting),
            "resolutions": resolutions,
            "check_in_form": CheckInForm(),
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
            sent = services.send_notice(meeting, actor=request.user)
            messages.success(
                request,
                f"Notice emailed to {sent.emailed} members; {sent.letters} letters are ready to "
                "print.",
            )
        elif action in ("approve_minutes", "publish_minutes"):
            minutes = get_object_or_404(
                Minutes, organisation=meeting.organisation, pk=request.POST.get("minutes")
            )
            if action == "approve_minutes":
                services.approve_minutes(minutes, at_meeting=meeting, actor=request.user)
                messages.success(request, f"Minutes of {minutes.meeting.title} approved.")
            else:
                services.publish_minutes(minutes, actor=request.user)
                messages.success(request, f"Minutes of {minutes.meeting.title} published.")
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
            messages.success(request, f"Member {member.number} checked in. Quorum: {state}.")
        elif action in ("open_vote", "declare", "withdraw"):
            resolution = get_object_or_404(
                Resolution, meeting=meeting, number=request.POST.get("number")
            )
            _resolution_action(request, resolution, action)
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
            form = HandsForm(request.POST, prefix=f"r{resolution.number}")
            if not form.is_valid():
                raise MeetingError("Enter the show of hands: for, against and abstain")
            data = form.cleaned_data
            hands = (data["hands_for"], data["hands_against"], data["hands_abstain"])
            casting = data["casting_vote"]
        declared = services.declare_result(
            resolution, hands=hands, casting_vote=casting, actor=request.user
        )
        messages.success(request, f"Resolution {declared.number}: {declared.result_reason}")


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
        declared = resolution.state == "declared"
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
                "voted": VoteRecord.objects.filter(resolution=resolution).count(),
                "summary": summary,
                "reason": resolution.result_reason if declared else "",
                "resolution": resolution,
            }
        )
    return {"quorum": facts.quorum(meeting), "rows": rows}


def requisitions(request, slug):
    """Members petition for a general meeting; those who run meetings submit it for counting."""
    organisation = get_object_or_404(Organisation, slug=slug)
    member = services.member_for(request.user, organisation)
    rules = organisation.constitution.meetings.requisition
    if request.method == "POST":
        try:
            _requisition_action(request, organisation, member)
        except MeetingError as exc:
            messages.error(request, str(exc))
        return redirect("meetings:requisitions", slug)
    rows = []
    for requisition in Requisition.objects.filter(organisation=organisation).order_by("-pk"):
        signed = member is not None and requisition.signatures.filter(member=member).exists()
        rows.append(
            {"requisition": requisition, "signed": signed, "count": requisition.signatures.count()}
        )
    return render(
        request,
        "meetings/requisitions.html",
        {
            "rules": rules,
            "rows": rows,
            "member": member,
            "runs_meetings": has_perm("meetings.run_meeting", request.user, organisation),
            "page_title": "Requisition a general meeting",
        },
    )


def _requisition_action(request, organisation, member):
    action = request.POST.get("action", "")
    if action == "submit":
        _require(request, "meetings.run_meeting", organisation)
        requisition = get_object_or_404(
            Requisition, organisation=organisation, pk=request.POST.get("requisition")
        )
        done = services.submit_requisition(requisition, actor=request.user)
        messages.success(
            request,
            f"{done.valid_signatures} valid signatures of the {done.signatures_needed} needed: "
            f"{done.get_state_display().lower()}.",
        )
        return
    if member is None:
        raise PermissionDenied
    if action == "start":
        purpose = request.POST.get("purpose", "").strip()
        if not purpose:
            raise MeetingError("Say what the meeting is for")
        requisition = services.start_requisition(organisation, purpose=purpose, actor=request.user)
        services.sign_requisition(requisition, member, actor=request.user)
        messages.success(request, "Your requisition is started and you have signed it.")
    elif action == "sign":
        requisition = get_object_or_404(
            Requisition, organisation=organisation, pk=request.POST.get("requisition")
        )
        services.sign_requisition(requisition, member, actor=request.user)
        messages.success(request, "You have signed the requisition.")
    else:
        raise MeetingError(f"Unknown action {action!r}")


def _sentence(message: str) -> str:
    """A service's message as a sentence on a page (str.capitalize would lower the rest)."""
    return message[:1].upper() + message[1:]


def _form_errors(form) -> list[tuple[str, str]]:
    """(field id, message) pairs for a GOV.UK error summary, in the form's field order."""
    return [(name, form.errors[name][0]) for name in form.fields if name in form.errors]


def motions(request, slug, pk):
    """Members' motions for a meeting being prepared: a member proposes one, other members
    support it, and those who run meetings put it on the agenda. Members see this page while
    the meeting is still a draft, since motions are taken before notice is given."""
    meeting = get_object_or_404(
        Meeting.objects.select_related("organisation"), organisation__slug=slug, pk=pk
    )
    organisation = meeting.organisation
    _require(request, "meetings.view_motions", organisation)
    member = services.member_for(request.user, organisation)
    meeting_rules = organisation.constitution.meetings
    form_kwargs = {
        "kinds": meeting_rules.resolutions,
        "word_limit": meeting_rules.member_resolution_statement_words,
    }
    form = MotionForm(**form_kwargs)
    errors: list[tuple[str, str]] = []
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "submit":
            _require(request, "meetings.submit_motion", organisation)
            form = MotionForm(request.POST, **form_kwargs)
            if form.is_valid():
                try:
                    services.submit_motion(meeting, member, **form.cleaned_data, actor=request.user)
                except MeetingError as exc:
                    errors.append(("title", _sentence(str(exc))))
                else:
                    messages.success(
                        request, f"Your motion ‘{form.cleaned_data['title']}’ is submitted."
                    )
                    return redirect("meetings:motions", slug, pk)
            else:
                errors = _form_errors(form)
        elif action in ("support", "accept"):
            perm = "meetings.support_motion" if action == "support" else "meetings.accept_motion"
            _require(request, perm, organisation)
            motion = get_object_or_404(Motion, meeting=meeting, pk=request.POST.get("motion"))
            try:
                if action == "support":
                    services.support_motion(motion, member, actor=request.user)
                    messages.success(request, f"You support the motion ‘{motion.title}’.")
                else:
                    resolution = services.accept_motion(motion, actor=request.user)
                    messages.success(
                        request,
                        f"‘{motion.title}’ is on the agenda as resolution {resolution.number}.",
                    )
            except MeetingError as exc:
                messages.error(request, _sentence(str(exc)))
            return redirect("meetings:motions", slug, pk)
        else:
            raise PermissionDenied
    needed = meeting.motion_supporters_required
    rows = []
    for motion in meeting.motions.select_related("proposer", "resolution").order_by(
        "submitted_at", "pk"
    ):
        supporters = motion.supporters.count()
        rows.append(
            {
                "motion": motion,
                "supporters": supporters,
                "kind": organisation.constitution.resolution(motion.kind_id).name,
                "supported": member is not None
                and motion.supporters.filter(member=member).exists(),
                "proposed_by_me": member is not None and motion.proposer_id == member.pk,
                "enough": supporters >= needed,
            }
        )
    return render(
        request,
        "meetings/motions.html",
        {
            "meeting": meeting,
            "rows": rows,
            "member": member,
            "taking_motions": meeting.state == "draft",
            "supporters_needed": needed,
            "word_limit": meeting_rules.member_resolution_statement_words,
            "can_submit": meeting.state == "draft"
            and has_perm("meetings.submit_motion", request.user, organisation),
            "can_accept": meeting.state == "draft"
            and has_perm("meetings.accept_motion", request.user, organisation),
            "form": form,
            "errors": errors,
            "page_title": f"{'Error: ' if errors else ''}Members' motions: {meeting.title}",
        },
    )


def paper_poll(request, slug, pk, number):
    """Key paper poll cards for a resolution decided on a poll, one card at a time. Each card
    is the member's vote on the paper channel (services.cast_vote): the member must be checked
    in and may vote once, however the vote is cast."""
    meeting = _meeting(request, slug, pk)
    _require(request, "meetings.enter_paper_votes", meeting.organisation)
    resolution = get_object_or_404(Resolution, meeting=meeting, number=number)
    resolution.meeting = meeting
    taking = resolution.method == Resolution.Method.POLL and resolution.state == "open"
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
                messages.success(
                    request,
                    f"Poll card of member {card} recorded. Receipt for the voter: "
                    f"{receipt.receipt}",
                )
                return redirect("meetings:paper_poll", slug, pk, number)
        else:
            errors = _form_errors(form)
    records = VoteRecord.objects.filter(resolution=resolution)
    return render(
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
        },
    )
