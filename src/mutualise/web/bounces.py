"""The membership secretary's list of members' addresses that bounce (mail/bounces.py reads
the delivery status notifications): each address, what the far server said, and the member it
belongs to, so the secretary can ask them for a new one; clearing one is audited."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods
from rules import has_perm

from mutualise.mail import bounces
from mutualise.mail.models import Bounce
from mutualise.register.models import Member, Organisation
from mutualise.register.tabular import whole_number


@require_http_methods(["GET", "POST"])
def bouncing(request, slug):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    organisation = get_object_or_404(Organisation, slug=slug)
    if not has_perm("register.view_register", request.user, organisation):
        raise PermissionDenied("Only the membership secretary sees the addresses that bounce.")
    if request.method == "POST":
        # A posted id that is no number (or 5,000 digits of one) names no bounce: a 404.
        pk = whole_number(request.POST.get("clear", ""), max_digits=18) or 0
        bounce = get_object_or_404(Bounce, organisation=organisation, pk=pk)
        bounces.clear(bounce, actor=request.user)
        return redirect("bouncing", slug=slug)
    rows = list(bounces.bouncing(organisation)[:500])
    members: dict[str, list] = {}
    if rows:
        same = Q()
        for row in rows:
            same |= Q(email__iexact=row.address)
        for member in Member.objects.filter(organisation=organisation).filter(same):
            members.setdefault(member.email.lower(), []).append(member)
    for row in rows:
        row.members = members.get(row.address.lower(), [])
    return render(
        request,
        "web/bounces.html",
        {"organisation": organisation, "rows": rows, "page_title": "Addresses that bounce"},
    )
