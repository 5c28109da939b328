"""The notice of election as a PDF: public once published; before that a draft for those who
run the election to check."""

from __future__ import annotations

from django.http import Http404, HttpResponse

from .. import notice_pdf, rules
from .common import _election, _require


def notice_pdf_view(request, slug, pk):
    election = _election(slug, pk)
    if election.is_void:
        raise Http404("the election is void")
    if notice_pdf.is_draft(election):
        _require(rules.can_manage, request.user, election)
    response = HttpResponse(notice_pdf.notice_of_election(election), content_type="application/pdf")
    name = "draft-notice-of-election" if notice_pdf.is_draft(election) else "notice-of-election"
    response["Content-Disposition"] = f'inline; filename="{name}-{election.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
