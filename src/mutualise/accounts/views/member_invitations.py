"""The membership secretary's pages for members' sign-ins: invite one member or everyone with
an email and no sign-in (a job for the worker, with its progress page), and the changes of
details members asked for that wait for confirmation."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from rules import has_perm

from mutualise.jobs.models import Job
from mutualise.register.models import Member, Organisation
from mutualise.register.tabular import whole_number

from .. import services
from ..member_models import DetailsChange
from ..services import AccountsError, NotPermitted
from ..services import membership as member_services
from ..services.members import INVITE_KIND
from .member_details import clean_text


def _secretary(request, slug) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.is_authenticated:
        raise _SignIn()
    if not has_perm("register.manage_members", request.user, organisation):
        raise PermissionDenied("Only the membership secretary can do this.")
    return organisation


class _SignIn(Exception):
    pass


def _signed_in(view):
    def wrapped(request, slug, *args, **kwargs):
        try:
            return view(request, slug, *args, **kwargs)
        except _SignIn:
            return redirect_to_login(request.get_full_path())

    return functools.wraps(view)(wrapped)  # __wrapped__: the POST-fuzz walker reads the view


@_signed_in
def member_invitations(request, slug):
    organisation = _secretary(request, slug)
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "all" and request.POST.get("confirmed") != "yes":
                return _confirm_invite_all(request, organisation)
            if request.POST.get("action") == "all":
                job = services.invite_all_members(organisation, actor=request.user)
                return redirect("jobs:job", slug=slug, pk=job.pk)
            number = whole_number(request.POST.get("number", "").strip(), max_digits=15)
            member = Member.objects.filter(organisation=organisation, number=number or 0).first()
            if member is None:
                raise AccountsError("There is no member with that number")
            services.invite_member(member, actor=request.user)
        except (AccountsError, NotPermitted) as exc:
            error = str(exc)
        else:
            messages.success(request, f"Invitation sent to member {member.number}.")
            return redirect("accounts:member_invitations", slug=slug)
    context = {
        "organisation": organisation,
        "waiting": services.uninvited_members(organisation).count(),
        "jobs": Job.objects.filter(organisation=organisation, kind=INVITE_KIND)[:5],
        "error": error,
        "errors": [("id_number", error)] if error else [],
        "page_title": ("Error: " if error else "") + "Invite members to sign in",
    }
    return render(
        request, "accounts/member_invitations.html", context, status=400 if error else 200
    )


def _confirm_invite_all(request, organisation):
    """Inviting everyone emails each member at once: ask first, saying how many."""
    waiting = services.uninvited_members(organisation).count()
    return render(
        request,
        "web/confirm_send.html",
        {
            "organisation": organisation,
            "caption": organisation.name,
            "question": "Invite every member with an email to sign in?",
            "how_many": f"{waiting} member{'s' if waiting != 1 else ''} will be emailed an "
            "invitation now. Mail cannot be called back once it is sent.",
            "details": ["Each gets a single-use link to make their sign-in."],
            "action": "all",
            "button": f"Email all {waiting}",
            "back_url": reverse("accounts:member_invitations", args=[organisation.slug]),
            "back_words": "Go back without sending",
            "page_title": "Invite every member with an email to sign in?",
        },
    )


@_signed_in
def details_changes(request, slug):
    organisation = _secretary(request, slug)
    waiting = DetailsChange.objects.filter(
        organisation=organisation, state=DetailsChange.State.WAITING
    ).select_related("member")
    return render(
        request,
        "accounts/details_changes.html",
        {
            "organisation": organisation,
            "waiting": waiting,
            "names": member_services.GROUP_NAMES,
            "page_title": "Changes waiting for you",
        },
    )


@_signed_in
@require_POST
def decide_change(request, slug, pk):
    organisation = _secretary(request, slug)
    change = get_object_or_404(DetailsChange, organisation=organisation, pk=pk)
    try:
        if request.POST.get("decision") == "confirm":
            member_services.confirm_change(change, actor=request.user)
            messages.success(request, f"Member {change.member.number}'s change confirmed.")
        else:
            member_services.refuse_change(
                change, actor=request.user, reason=clean_text(request.POST.get("reason", ""))
            )
            messages.success(request, f"Member {change.member.number}'s change refused.")
    except (AccountsError, NotPermitted) as exc:
        messages.error(request, str(exc))
    return redirect("accounts:details_changes", slug=slug)
