"""What the election pages share."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from ..models import Election


def _election(slug: str, pk: int) -> Election:
    return get_object_or_404(
        Election.objects.select_related("organisation"), organisation__slug=slug, pk=pk
    )


def _require(predicate, user, election):
    if not predicate(user, election):
        raise PermissionDenied


def _client(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _declared(slug, pk) -> Election:
    election = _election(slug, pk)
    if not election.result_declared or election.result is None:
        raise Http404("the result has not been declared")
    return election
