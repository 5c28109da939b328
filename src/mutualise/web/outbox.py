"""The outbox page of a demo install (MUTUALISE_DEMO, on in settings_dev only): the mail the install
has sent, bodies and all, so a demonstration shows what members would receive. An organisation's
officers see its mail; a superuser sees the whole install's. Without MUTUALISE_DEMO (production
settings) the page does not exist: 404 for everyone, before anything else is looked at."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from rules import has_perm

from mutualise.mail.models import PLACEHOLDER, Message, Status
from mutualise.register.models import Organisation

PER_PAGE = 25


def _demo_only(request):
    if not settings.MUTUALISE_DEMO:
        raise Http404("no such page")
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def _page(request, messages, organisation):
    status = request.GET.get("status", "")
    if status in Status.values:
        messages = messages.filter(status=status)
    page = Paginator(messages.prefetch_related("attachments"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    for message in page:
        _show_demo_link(message)
    return render(
        request,
        "web/outbox.html",
        {
            "organisation": organisation,
            "page": page,
            "status": status,
            "statuses": Status.choices,
            "placeholder": PLACEHOLDER.format("code"),
            "page_title": "Outbox (demo)",
        },
    )


def _show_demo_link(message) -> None:
    """A demo install keeps a sent message's one-time link (mail.delivery.kept_after_sending) so a
    newcomer can follow an invitation from here; it is put back where the placeholder stands.
    Never in production: the page is not there, and production forgets the link on sending."""
    link = (message.secrets or {}).get("link") if settings.MUTUALISE_DEMO is True else None
    message.demo_link = link or ""
    if link:
        mark = PLACEHOLDER.format("link")
        message.text = message.text.replace(mark, link)
        message.html = message.html.replace(mark, link)


def install_outbox(request):
    refused = _demo_only(request)
    if refused:
        return refused
    if not request.user.is_superuser:
        raise PermissionDenied("Only a superuser sees the whole install's outbox.")
    return _page(request, Message.objects.select_related("organisation"), None)


def organisation_outbox(request, slug):
    refused = _demo_only(request)
    if refused:
        return refused
    organisation = get_object_or_404(Organisation, slug=slug)
    # The install's superuser sees every outbox in the demo by design (named here, not left to
    # user.has_perm's shortcut); anyone else by their role in this organisation (django-rules).
    if not (
        request.user.is_superuser or has_perm("register.view_register", request.user, organisation)
    ):
        raise PermissionDenied("Only the organisation's officers see its outbox.")
    return _page(request, Message.objects.filter(organisation=organisation), organisation)
