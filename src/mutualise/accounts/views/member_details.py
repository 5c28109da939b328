"""A member's own changes from their membership page: one group of details at a time (GOV.UK
"change" links), and resigning (a confirmation page with a reason)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from mutualise.register.models import Member, Organisation

from ..services import AccountsError, NotPermitted
from ..services import membership as services

CHANNELS = Member.Channel.choices


def clean_text(value: str) -> str:
    """What a person typed, without surrounding spaces or NUL characters (which PostgreSQL
    text cannot hold)."""
    return (value or "").replace("\x00", "").strip()


def _own_member(request, slug) -> Member | None:
    organisation = get_object_or_404(Organisation, slug=slug)
    return Member.objects.filter(
        organisation=organisation, user=request.user, erased_at__isnull=True
    ).first()


def change_details(request, slug, group):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if group not in services.GROUPS:
        raise Http404("There is no such detail to change")
    member = _own_member(request, slug)
    if member is None:
        raise Http404("Your sign-in is not linked to a membership here")
    fields = services.GROUPS[group]
    values = {f: getattr(member, f) for f in fields}
    errors = []
    if request.method == "POST":
        values = {f: clean_text(request.POST.get(f, "")) for f in fields}
        for name, value in values.items():
            limit = Member._meta.get_field(name).max_length
            if limit and len(value) > limit:
                errors.append((f"id_{name}", f"Use {limit} characters or fewer"))
        for flag in ("large_print", "easy_read"):
            if flag in values:
                values[flag] = request.POST.get(flag) == "on"
        if "contact_channel" in values and values["contact_channel"] not in dict(CHANNELS):
            errors.append(("id_contact_channel", "Choose how we should contact you"))
        if not errors:
            try:
                change = services.change_my_details(member, group, actor=request.user, **values)
            except (AccountsError, NotPermitted) as exc:
                errors.append((f"id_{getattr(exc, 'field', '') or fields[0]}", str(exc)))
            else:
                name = services.GROUP_NAMES[group]
                if change is None:
                    messages.success(request, f"Your {name} is changed.")
                else:
                    messages.success(
                        request,
                        f"The membership secretary will confirm the change of your {name}: "
                        "until then the register keeps the old one.",
                    )
                return redirect("membership", slug=slug)
    field_error = {a.removeprefix("id_"): m for a, m in reversed(errors)}
    return render(
        request,
        "accounts/change_details.html",
        {
            "organisation": member.organisation,
            "member": member,
            "group": group,
            "group_name": services.GROUP_NAMES[group],
            "values": values,
            "channels": CHANNELS,
            "errors": errors,
            "field_error": field_error,
            "confirms": services.needs_confirming(member.organisation, group),
            "page_title": ("Error: " if errors else "")
            + f"Change your {services.GROUP_NAMES[group]}",
        },
        status=400 if errors else 200,
    )


def resign(request, slug):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    member = _own_member(request, slug)
    if member is None:
        raise Http404("Your sign-in is not linked to a membership here")
    errors, reason = [], clean_text(request.POST.get("reason", ""))[:500]
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            errors.append(("id_confirm", "Tick the box to say you want to resign"))
        else:
            try:
                services.resign(member, actor=request.user, reason=reason)
            except (AccountsError, NotPermitted) as exc:
                errors.append(("id_confirm", str(exc)))
            else:
                messages.success(
                    request, f"You have resigned from {member.organisation.name}. Thank you."
                )
                return redirect("membership", slug=slug)
    return render(
        request,
        "accounts/resign.html",
        {
            "organisation": member.organisation,
            "member": member,
            "errors": errors,
            "reason": reason,
            "page_title": ("Error: " if errors else "") + "Resign your membership",
        },
        status=400 if errors else 200,
    )
