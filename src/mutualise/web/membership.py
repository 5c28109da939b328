"""A member's membership page, where they land after signing in: their details (each with a
change link), changes waiting for the membership secretary, their constituency by name, their
shares (where the rulebook issues them), the polls and meetings they may vote in, their proxies,
their history, and a way to resign. Only the member's own record, never anyone else's."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, render

from mutualise.accounts.services import membership as accounts
from mutualise.elections import queries as elections
from mutualise.meetings import queries as meetings
from mutualise.register import services as register
from mutualise.register.models import Member, Organisation
from mutualise.stake import queries as stake


def _pounds(pence: int) -> str:
    return f"£{pence // 100:,}.{pence % 100:02d}"


def _constituency_name(organisation, member) -> str:
    try:
        return organisation.constitution.constituency(member.constituency_id).name
    except KeyError:
        return member.constituency_id


def membership(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    member = Member.objects.filter(
        organisation=organisation, user=request.user, erased_at__isnull=True
    ).first()
    context = {"organisation": organisation, "member": member, "page_title": "Your membership"}
    if member is None:
        return render(request, "web/membership.html", context)
    constitution = organisation.constitution
    shares = None
    if constitution.shares is not None:
        held = stake.holding_pence(member)
        shares = {
            "held": _pounds(held),
            "count": held // constitution.shares.nominal_value_pence,
        }
    current = member.is_member
    made, held_for = meetings.proxies_of(member) if current else ([], [])
    waiting = {c.group: c for c in accounts.waiting_changes(member)}
    context.update(
        {
            "constituency": _constituency_name(organisation, member),
            "class_name": member.class_id,
            "current": current,
            "shares": shares,
            "polls": list(elections.polls_for(member)) if current else [],
            "meetings": list(meetings.meetings_for_members(organisation)) if current else [],
            "advance_votes": list(meetings.advance_votes(organisation)) if current else [],
            "proxies_made": made,
            "proxies_held": held_for,
            "waiting": waiting,
            "refused": [
                (accounts.GROUP_NAMES.get(c.group, c.group), c)
                for c in accounts.recent_refusals(member)
            ],
            "waiting_names": [accounts.GROUP_NAMES[g] for g in waiting],
            "confirms": [
                accounts.GROUP_NAMES[g] for g in constitution.membership.secretary_confirms
            ],
            "history": register.member_history(member),
        }
    )
    return render(request, "web/membership.html", context)
