"""An organisation whose adopted rulebook this version cannot read (a later schema refuses a field
it was adopted with) gets a page that says so and what to do, not a server error on every page."""

from __future__ import annotations

import logging

from django.shortcuts import render

from mutualise.constitution.load import RulebookError

log = logging.getLogger(__name__)


class UnreadableRulebookMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, RulebookError):
            return None
        problems = [str(problem) for problem in exception.problems][:10]
        log.error("an adopted rulebook cannot be read at %s: %s", request.path, problems[:1])
        return render(request, "web/rulebook_unreadable.html", {"problems": problems}, status=503)
