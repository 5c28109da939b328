"""A member's own share account: what they hold and every movement on it (CCBSA Part 8: a
member may inspect their own account). Nobody sees another member's account here."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from mutualise.register.models import Member, Organisation

from .models import Movement, ShareAccount


def pounds(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    pence = abs(pence)
    return f"{sign}£{pence // 100:,}.{pence % 100:02d}"


def my_account(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    shares = organisation.constitution.shares
    if shares is None:
        raise Http404("this organisation issues no shares")
    member = Member.objects.filter(organisation=organisation, user=request.user).first()
    account = ShareAccount.objects.filter(member=member).first() if member else None
    movements = Movement.objects.filter(account=account).order_by("on", "id") if account else []
    held = account.balance_pence if account else 0
    return render(
        request,
        "stake/my_account.html",
        {
            "organisation": organisation,
            "member": member,
            "held": pounds(held),
            "whole_shares": held // shares.nominal_value_pence,
            "nominal": pounds(shares.nominal_value_pence),
            "rows": [
                (m.on, m.get_kind_display(), pounds(m.amount_pence), pounds(m.balance_after_pence))
                for m in movements
            ],
            "page_title": "Your shares",
        },
    )
