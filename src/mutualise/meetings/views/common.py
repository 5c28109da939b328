"""What the meetings pages share."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from rules import has_perm  # never the superuser shortcut: roles are per organisation

from ..models import Meeting


def _meeting(request, slug, pk) -> Meeting:
    meeting = get_object_or_404(
        Meeting.objects.select_related("organisation"), organisation__slug=slug, pk=pk
    )
    organisation = meeting.organisation
    if meeting.being_prepared and not has_perm("meetings.view_draft", request.user, organisation):
        raise PermissionDenied
    return meeting


def _posted_id(request, name: str) -> int:
    """A posted id or number (of a proxy, minutes, member, resolution, requisition, motion):
    anything but a plain whole number is not found (404), never an error inside a query."""
    value = request.POST.get(name, "").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise Http404(f"no such {name}")
    return int(value)


def _require(request, perm, organisation):
    if not has_perm(perm, request.user, organisation):
        raise PermissionDenied


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _sentence(message: str) -> str:
    """A service's message as a sentence on a page (str.capitalize would lower the rest)."""
    return message[:1].upper() + message[1:]


def _form_errors(form) -> list[tuple[str, str]]:
    """(field id, message) pairs for a GOV.UK error summary, in the form's field order."""
    return [(name, form.errors[name][0]) for name in form.fields if name in form.errors]
