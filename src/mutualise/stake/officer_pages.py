"""The officer's page for one member's entry in the share register: the holding, every movement
on the account and, for the membership secretary where the rulebook lets members choose, the
control to record the member's choice of interest paid or credited when they give it on paper
or by phone (stake's service checks the role and audits it). Seeing it is an inspection of the
full register, logged like the register page. While the member holds shares, who keeps the
register also finds the pages settling them on death or bankruptcy here (settle_pages.py)."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from rules import has_perm

from mutualise.register.models import Member, Organisation

from . import services
from .models import ShareAccount
from .views import account_holding


def register_member(request, slug, number):
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not has_perm("stake.view_register", request.user, organisation):
        raise PermissionDenied("Only the membership secretary, an administrator or the board "
                               "may see the share register.")  # fmt: skip
    shares = organisation.constitution.shares
    if shares is None:
        raise Http404("this organisation issues no shares")
    member = get_object_or_404(Member, organisation=organisation, number=number)
    services.record_inspection(organisation, copy="full", form="page",
                               purpose=f"member {member.number}", actor=request.user)  # fmt: skip
    account, _, holding = account_holding(member, shares)
    rule = shares.interest_choice
    chosen = account.interest_choice if account and rule.members_may_choose else ""
    in_force = chosen or rule.default
    return render(
        request,
        "stake/register_member.html",
        {
            "organisation": organisation,
            "member": member,
            **holding,
            "interest": {
                "shown": rule.members_may_choose,
                "in_force": "paid to the member" if in_force == "pay" else "credited to shares",
                "chosen": bool(chosen),
                "may_record": account is not None
                and rule.members_may_choose
                and has_perm("stake.keep_register", request.user, organisation),
                "has_account": account is not None,
                "options": [
                    (value, _OFFICER_LABELS[value], value == chosen)
                    for value in ShareAccount.InterestChoice.values
                ],
            },
            # the shares leave on death or bankruptcy (settle_pages), while there are some
            "may_settle": bool(account and account.balance_pence)
            and has_perm("stake.keep_register", request.user, organisation),
            "page_title": f"Share register: {member.display_name}",
        },
    )


# The member's own page says "my"; the officer records it for them.
_OFFICER_LABELS = {
    "": "As the rulebook's default (the member has not chosen)",
    "credit": "Credited to the member's shares",
    "pay": "Paid to the member",
}
