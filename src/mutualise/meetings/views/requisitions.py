"""Requisitions and members' motions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from rules import has_perm  # never the superuser shortcut: roles are per organisation

from mutualise.register.models import Organisation

from .. import services
from ..forms import MotionForm
from ..models import Meeting, Motion, Requisition
from ..services import MeetingError
from .common import _form_errors, _posted_id, _require, _sentence


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
            Requisition, organisation=organisation, pk=_posted_id(request, "requisition")
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
            Requisition, organisation=organisation, pk=_posted_id(request, "requisition")
        )
        services.sign_requisition(requisition, member, actor=request.user)
        messages.success(request, "You have signed the requisition.")
    else:
        raise MeetingError(f"Unknown action {action!r}")


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
            motion = get_object_or_404(Motion, meeting=meeting, pk=_posted_id(request, "motion"))
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
            "taking_motions": meeting.being_prepared,
            "supporters_needed": needed,
            "word_limit": meeting_rules.member_resolution_statement_words,
            "can_submit": meeting.being_prepared
            and has_perm("meetings.submit_motion", request.user, organisation),
            "can_accept": meeting.being_prepared
            and has_perm("meetings.accept_motion", request.user, organisation),
            "form": form,
            "errors": errors,
            "page_title": f"{'Error: ' if errors else ''}Members' motions: {meeting.title}",
        },
    )
