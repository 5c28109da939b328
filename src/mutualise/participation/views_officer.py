"""Officers' pages: moderate a proposal (hide it, with one of the rulebook's reasons, shown to
its author, or restore a hidden one, saying why) and post an update on a delivery record. The services check who may, write the
audit log and say what is wrong; the page shows it at the field, in the GOV.UK pattern."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods
from rules import has_perm

from mutualise.register.models import Organisation

from . import lifecycle, services
from .facts import proposal_facts
from .models import Delivery, Proposal
from .services import ParticipationError
from .views_setup import whole_number

DELIVERY_FIELDS = ("status", "progress", "text", "responsible", "dropped_reason")


def _error(message: str, fields: tuple[str, ...], default: str) -> tuple[str, str]:
    """(field, message) from a service's "field: what is wrong"; a role refusal has no field."""
    head, _, rest = message.partition(": ")
    field = {"update": "text", "reason": "reason", "progress": "progress", "status": "status"}
    name = field.get(head, head if head in fields else default)
    return name, (rest if head in field or head in fields else message).capitalize()


def _allowed(request, organisation, perm: str) -> None:
    if not has_perm(perm, request.user, organisation):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def moderate(request, slug, pk):
    organisation = get_object_or_404(Organisation, slug=slug)
    _allowed(request, organisation, "participation.moderate")
    proposal = get_object_or_404(Proposal, organisation=organisation, pk=pk)
    reasons = organisation.constitution.participation.proposals.moderation_reasons
    error, chosen, why = {}, "", ""
    if request.method == "POST" and request.POST.get("action") == "restore":
        why = request.POST.get("restore_reason", "")
        try:
            services.restore_proposal(proposal, why, actor=request.user)
            messages.success(
                request,
                f"Proposal {proposal.number} is restored: '{proposal.get_state_display()}'.",
            )
            return redirect("participation:index", slug=slug)
        except ParticipationError as exc:
            name, message = _error(str(exc), ("reason",), "reason")
            error = {"restore_reason": message}
    elif request.method == "POST":
        chosen = request.POST.get("reason", "")
        try:
            services.hide_proposal(proposal, chosen, actor=request.user)
            messages.success(request, f"Proposal {proposal.number} is hidden: {chosen}.")
            return redirect("participation:index", slug=slug)
        except ParticipationError as exc:
            error = dict([_error(str(exc), ("reason",), "reason")])
    return render(
        request,
        "participation/moderate.html",
        {
            "organisation": organisation,
            "page_title": f"Moderate proposal {proposal.number}",
            "proposal": proposal,
            "reasons": reasons,
            "chosen": chosen,
            "why": why,
            "hideable": lifecycle.check(
                lifecycle.BY_NAME["proposal.hide"], proposal_facts(proposal)
            )[0],
            "errors": [(f"id_{name}", message) for name, message in error.items()],
            "error": error,
        },
        status=400 if error else 200,
    )


@require_http_methods(["GET", "POST"])
def delivery_update(request, slug, pk):
    organisation = get_object_or_404(Organisation, slug=slug)
    _allowed(request, organisation, "participation.keep_delivery")
    delivery = get_object_or_404(Delivery, organisation=organisation, pk=pk)
    entered = {
        "status": delivery.status,
        "progress": str(delivery.progress),
        "responsible": delivery.responsible,
        "dropped_reason": delivery.dropped_reason,
        "text": "",
    }
    error = {}
    if request.method == "POST":
        entered = {k: request.POST.get(k, "") for k in DELIVERY_FIELDS}
        try:
            progress = whole_number(entered["progress"] or "0")
            if progress is None:
                raise ParticipationError("progress: a percentage from 0 to 100")
            services.update_delivery(
                delivery,
                status=entered["status"],
                progress=progress,
                text=entered["text"],
                responsible=entered["responsible"].strip(),
                dropped_reason=entered["dropped_reason"],
                by=request.user.get_username(),
                actor=request.user,
            )
            messages.success(request, f"{delivery.title}: update posted.")
            return redirect("participation:delivery", slug=slug)
        except ParticipationError as exc:
            name, message = _error(str(exc), DELIVERY_FIELDS, "text")
            error = {"dropped_reason" if name == "reason" else name: message}
    return render(
        request,
        "participation/delivery_update.html",
        {
            "organisation": organisation,
            "page_title": f"Update: {delivery.title}",
            "delivery": delivery,
            "statuses": Delivery.Status.choices,
            "entered": entered,
            "errors": [(f"id_{name}", message) for name, message in error.items()],
            "error": error,
        },
        status=400 if error else 200,
    )
