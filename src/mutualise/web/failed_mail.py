"""The mail that did not get through, for the membership secretary and the administrator
(register.services.mail checks who may): each message that failed, bounced or may have gone
out, one recipient each, with why in words and when (Europe/London), paged and filtered by
state; and sending a failed or bounced message again to a member whose address on the register
has been corrected (two steps: find the member by number, then confirm)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from mutualise.mail import failures
from mutualise.mail import services as mail
from mutualise.register import services as register
from mutualise.register.models import Member, Organisation
from mutualise.register.tabular import whole_number

PER_PAGE = 25

_STATE_LABELS = dict(failures.STATES)
# The tag colour of each state (cosmetic): may have gone out, address refused, not sent.
_TAG_CLASSES = {
    failures.UNKNOWN: "govuk-tag--yellow",
    failures.BOUNCED: "govuk-tag--orange",
    failures.FAILED: "govuk-tag--red",
}


def failed_mail(request, slug):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    organisation = get_object_or_404(Organisation, slug=slug)
    state = request.GET.get("state", "")
    state = state if state in dict(failures.STATES) else ""
    listed = register.failed_mail(organisation, actor=request.user, state=state)
    page = Paginator(listed.select_related("resent_as"), PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page)
    holders = _members_at(organisation, [m.to for m in rows])
    for message in rows:
        message.state = failures.state_of(message)
        message.state_label = _STATE_LABELS[message.state]
        message.failure_tag = _TAG_CLASSES[message.state]
        message.kind = failures.kind_of(message)
        message.why = failures.why(message)
        message.members = holders.get(message.to.lower(), [])
        message.secret_lost = mail.holds_forgotten_secret(message)
        message.resendable = (
            not message.may_have_gone_out
            and message.resent_as_id is None
            and not message.secret_lost
        )
    return render(
        request,
        "web/failed_mail.html",
        {
            "organisation": organisation,
            "page": page,
            "rows": rows,
            "state": state,
            "states": failures.STATES,
            "page_title": "Mail that did not get through",
        },
    )


def _members_at(organisation, addresses) -> dict[str, list]:
    """The members whose address on the register is each of `addresses` now (lower-cased)."""
    found: dict[str, list] = {}
    if not addresses:
        return found
    same = Q()
    for address in set(addresses):
        same |= Q(email__iexact=address)
    current = Member.objects.filter(organisation=organisation, erased_at__isnull=True)
    for member in current.filter(same):
        found.setdefault(member.email.lower(), []).append(member)
    return found


@require_http_methods(["GET", "POST"])
def resend(request, slug, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    organisation = get_object_or_404(Organisation, slug=slug)
    # Seeing the message is seeing the list: the same check, in the service.
    listed = register.failed_mail(organisation, actor=request.user)
    message = get_object_or_404(listed.select_related("resent_as"), pk=pk)
    message.state = failures.state_of(message)
    message.kind = failures.kind_of(message)
    message.why = failures.why(message)
    number = (request.POST.get("member") or "").strip()
    errors, member = [], None
    if request.method == "POST":
        member = _member(organisation, number)
        if member is None:
            errors.append(("member", f"There is no member number {number}" if number else
                           f"Enter the membership number of a member of {organisation.name}"))  # fmt: skip
        elif request.POST.get("confirm") == "yes":
            try:
                copy = register.resend_mail(message, member, actor=request.user)
            except register.MemberError as exc:
                errors.append(("member", str(exc)))  # the one field on the page
            else:
                messages.success(
                    request, f"“{message.subject}” is sent again, to {copy.to} "
                    f"({member.display_name}, member {member.number})."
                )  # fmt: skip
                return redirect(reverse("failed_mail", args=[slug]))
    return render(
        request,
        "web/failed_mail_resend.html",
        {
            "organisation": organisation,
            "message": message,
            "member": member if not errors else None,
            "number": number,
            "errors": errors,
            "error_at": dict(errors),
            "still_at": _members_at(organisation, [message.to]).get(message.to.lower(), []),
            "page_title": "Send a message again",
        },
    )


def _member(organisation, number: str) -> Member | None:
    # isdigit() lets '²' through and int() of 5,000 digits raises: whole_number refuses both.
    parsed = whole_number(number, max_digits=18)
    if parsed is None:
        return None
    return Member.objects.filter(
        organisation=organisation, number=parsed, erased_at__isnull=True
    ).first()
