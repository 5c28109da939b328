"""PostgreSQL's text cannot hold the NUL character ("\\x00"): a NUL reaching any query or
column is a server error there, wherever a form or service forgot to check (SQLite stores it).
One guard for every request: a web address, a GET or POST field (its name or any value), or an
uploaded file's name holding NUL is refused with a 400 page in words naming the field, before
any view or service sees it. Nothing is read from or written to the database first."""

from __future__ import annotations

import logging

from django.shortcuts import render

log = logging.getLogger(__name__)
NUL = "\x00"


def _shown(name: str) -> str:
    """A field's name as the page can show it (its own NULs made visible)."""
    return name.replace(NUL, "\\0")[:60] or "(no name)"


def field_with_nul(request) -> tuple[str, str] | None:
    """(field id, what holds the NUL, in words), or None when nothing does."""
    if NUL in request.path:
        return "main-content", "The web address"
    for where, data in (("address", request.GET), ("form", request.POST)):
        for name, values in data.lists():
            if NUL in name or any(NUL in value for value in values):
                return _shown(name), f'The {where} field "{_shown(name)}"'
    for name, files in request.FILES.lists():
        if NUL in name or any(NUL in (upload.name or "") for upload in files):
            return _shown(name), f'The name of the file uploaded as "{_shown(name)}"'
    return None


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        found = field_with_nul(request)
        if found is None:
            return self.get_response(request)
        field, what = found
        log.warning("refused a NUL character in %s at %s", what, request.path.replace(NUL, "\\0"))
        message = (
            f"{what} holds a NUL character (an invisible control character, often pasted in "
            "from another program): remove it and try again"
        )
        context = {"errors": [(field, message)], "what": what, "page_title": "Error: NUL character"}
        return render(request, "web/nul_refused.html", context, status=400)
