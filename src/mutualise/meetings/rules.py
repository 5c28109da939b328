"""Who may do what at general meetings (django-rules predicates; the object is the organisation).

Notices, agendas and declared results are public. Members vote and appoint proxies; the chair,
the board and the membership secretary run the meeting from the chair's console. Every service
verb checks one of these permissions (`services.common.require`), so the CLI, the API and the
pages are equally safe; what a member does for themselves (vote, appoint a proxy, sign, support)
is checked as "the member themselves" (`services.common.require_self`).
"""

import rules

from mutualise.register.models import Member
from mutualise.register.rules import is_administrator, is_board, is_chair, is_officer


@rules.predicate
def is_member(user, organisation):
    if not getattr(user, "is_authenticated", False) or organisation is None:
        return False

    return Member.objects.filter(
        organisation=organisation, user=user, status=Member.Status.ADMITTED
    ).exists()


runs_meetings = is_chair | is_board | is_officer | is_administrator

rules.add_perm("meetings.view_meeting", rules.always_allow)
rules.add_perm("meetings.vote", is_member)
rules.add_perm("meetings.appoint_proxy", is_member)
rules.add_perm("meetings.run_meeting", runs_meetings)
rules.add_perm("meetings.view_draft", runs_meetings)
# Members' motions: members propose and support them; those who run meetings accept them.
rules.add_perm("meetings.view_motions", is_member | runs_meetings)
rules.add_perm("meetings.submit_motion", is_member)
rules.add_perm("meetings.support_motion", is_member)
rules.add_perm("meetings.accept_motion", runs_meetings)
# Paper poll cards are keyed from the chair's console.
rules.add_perm("meetings.enter_paper_votes", runs_meetings)
# Calling a general meeting from the browser: its agenda and notice.
rules.add_perm("meetings.call_meeting", is_officer | is_chair | is_board | is_administrator)
# Minutes: the chair or the membership secretary keeps, signs and publishes them.
rules.add_perm("meetings.keep_minutes", is_chair | is_officer)
# Members start requisitions; those who run meetings count and convene them.
rules.add_perm("meetings.requisition", is_member)

# Who holds each permission, in words, for refusals ("Only ... may do this.").
WHO = {
    "meetings.vote": "a member",
    "meetings.appoint_proxy": "a member",
    "meetings.run_meeting": "the chair, the board or the membership secretary",
    "meetings.view_draft": "the chair, the board or the membership secretary",
    "meetings.view_motions": "a member or those who run meetings",
    "meetings.submit_motion": "a member",
    "meetings.support_motion": "a member",
    "meetings.accept_motion": "the chair, the board or the membership secretary",
    "meetings.enter_paper_votes": "the chair, the board or the membership secretary",
    "meetings.call_meeting": "the chair, the board or the membership secretary",
    "meetings.keep_minutes": "the chair or the membership secretary",
    "meetings.requisition": "a member",
}


def refusal(permission: str, organisation) -> str:
    return f"Only {WHO[permission]} of {organisation.name} may do this."
