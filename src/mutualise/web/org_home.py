"""An organisation's home page, leading with now: what members can vote in (an open poll, a
budget vote, a resolution taking advance votes), the next meeting, the latest results and how to
join (or, for a member, their membership); then its constitution in plain English."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from rules import has_perm

from mutualise.constitution import explain_sections, legal_form_label
from mutualise.elections import queries as elections
from mutualise.governance import queries as governance
from mutualise.mail import bounces, failures
from mutualise.meetings import queries as meetings
from mutualise.participation import queries as participation
from mutualise.register.models import Member, Organisation


def organisation(request, slug):
    org = get_object_or_404(Organisation, slug=slug)
    version = org.current_version
    constitution = version.constitution
    user = request.user
    membership = None
    if user.is_authenticated:
        membership = Member.objects.filter(organisation=org, user=user).first()
    sections = explain_sections(constitution, name=org.name)
    polls = list(elections.open_polls(org))
    votes = list(meetings.open_votes(org))
    advance = list(meetings.advance_votes(org))
    budgets = list(participation.budgets_voting(org))
    results = sorted(
        [("election", e.declared_at, e) for e in elections.latest_declared(org)]
        + [("resolution", r.declared_at, r) for r in meetings.latest_declared(org)],
        key=lambda item: item[1],
        reverse=True,
    )[:4]
    context = {
        "version": version,
        "constitution": constitution,
        "legal_form": legal_form_label(constitution.organisation.legal_form),
        "sections": sections,
        "polls": polls,
        "votes": votes,
        "advance_votes": advance,
        "budgets": budgets,
        "nominations": list(elections.taking_nominations(org)),
        "in_session": list(meetings.in_session(org)),
        "next_meeting": meetings.next_meeting(org),
        "results": results,
        "membership": membership,
        "constituencies": constitution.constituencies,
        "admission_by_board": constitution.membership.admission_by_board,
        "is_officer": has_perm("register.view_register", user, org),
        "is_administrator": has_perm("register.manage_roles", user, org),
        "page_title": None,
    }
    # The officers' reminders (None: not theirs to see).
    context["reminders"] = (
        governance.open_reminders(org)
        if has_perm("governance.handle_reminders", user, org)
        else None
    )
    context["bouncing"] = bounces.bouncing(org).count() if context["is_officer"] else 0
    sees_mail = has_perm("register.see_failed_mail", user, org)
    context["sees_failed_mail"] = sees_mail
    context["failed_mail"] = failures.waiting(org) if sees_mail else 0
    # A demo install's outbox (web/outbox.py): the officers' way to the mail it has sent.
    context["demo_outbox"] = bool(settings.MUTUALISE_DEMO) and context["is_officer"]
    context["anything_now"] = any(
        [polls, votes, advance, budgets, context["nominations"], context["in_session"]]
    )
    return render(request, "web/organisation.html", context)
