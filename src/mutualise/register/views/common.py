"""What the register's pages share: the organisation, the officer check, form errors."""

from __future__ import annotations

import json
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from rules import has_perm  # never the superuser shortcut: roles are per organisation

from ..models import Organisation

DATE_PARTS = [("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4)]


def _organisation(slug: str) -> Organisation:
    return get_object_or_404(Organisation, slug=slug)


def officer_required(view):
    """Only the membership secretary (or an administrator) of this organisation."""

    @wraps(view)
    def wrapped(request, slug, *args, **kwargs):
        organisation = _organisation(slug)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_perm("register.view_register", request.user, organisation):
            raise PermissionDenied("Only the membership secretary can see the register.")
        request.organisation = organisation
        return view(request, slug, *args, **kwargs)

    return wrapped


def _field_errors(form) -> list[tuple[str, str]]:
    """(anchor, message) pairs for the GOV.UK error summary, in the order of the form."""
    found = []
    for name in form.fields:
        for message in form.errors.get(name, []):
            found.append((f"id_{name}", message))
    for name, message in getattr(form, "date_errors", {}).items():
        found.append((f"id_{name}_day", message))
    return found


def _json_download(data, name: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _constituency_name(organisation, member) -> str:
    if member is None:
        return ""
    try:
        return organisation.constitution.constituency(member.constituency_id).name
    except KeyError:
        return member.constituency_id
