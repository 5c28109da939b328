"""Who may do what at general meetings (django-rules predicates; the object is the organisation).

Notices, agendas and declared results are public. Members vote and appoint proxies; the chair,
the board and the membership secretary run the meeting from the chair's console.
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
