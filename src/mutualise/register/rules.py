"""Who may do what in an organisation: small predicates combined with | and & (django-rules)."""

import rules
from django.conf import settings

from .models import Member, Role


def _has_role(kind):
    @rules.predicate(name=f"is_{kind}")
    def predicate(user, organisation):
        if not getattr(user, "is_authenticated", False) or organisation is None:
            return False
        return Role.objects.filter(organisation=organisation, user=user, kind=kind).exists()

    return predicate


is_officer = _has_role(Role.Kind.OFFICER)
is_board = _has_role(Role.Kind.BOARD)
is_chair = _has_role(Role.Kind.CHAIR)
is_returning_officer = _has_role(Role.Kind.RETURNING_OFFICER)
is_administrator = _has_role(Role.Kind.ADMINISTRATOR)


@rules.predicate
def is_member(user, organisation):
    """A current (admitted) member of the organisation, through their linked membership."""
    if not getattr(user, "is_authenticated", False) or organisation is None:
        return False
    return Member.objects.filter(
        organisation=organisation, user=user, status=Member.Status.ADMITTED
    ).exists()


@rules.predicate
def is_system_administrator(user, organisation=None):
    """The install's administrator (a superuser), who may act for any organisation."""
    return bool(getattr(user, "is_authenticated", False) and user.is_superuser)


@rules.predicate
def founding_is_open(user, organisation=None):
    """MUTUALISE_OPEN_FOUNDING: any active signed-in person may set up an organisation."""
    active = getattr(user, "is_authenticated", False) and user.is_active
    return bool(active and getattr(settings, "MUTUALISE_OPEN_FOUNDING", False))


rules.add_perm("register.view_register", is_officer | is_administrator)
rules.add_perm("register.manage_members", is_officer)
rules.add_perm("register.import_members", is_officer)
rules.add_perm("register.erase_member", is_officer | is_administrator)
rules.add_perm("register.manage_roles", is_administrator)
# The mail that did not get through (web/failed_mail.py): the membership secretary's and the
# administrator's to see, and to send again to a member's corrected address.
rules.add_perm("register.see_failed_mail", is_officer | is_administrator)
rules.add_perm("register.resend_mail", is_officer | is_administrator)
# One name per action, checked in the services (issue 20 item 3): the CLI's string actor is the
# system; a signed-in actor needs the permission whatever page or API they came through.
rules.add_perm("register.export_register", is_officer | is_administrator)
rules.add_perm("register.recheck_register", is_officer | is_administrator)
rules.add_perm("register.grant_role", is_administrator | is_system_administrator)
rules.add_perm("register.set_mail_from", is_administrator | is_system_administrator)
# A rulebook amendment is adopted when a special resolution carries: by whoever runs the
# meeting that declared it (meetings.rules.runs_meetings).
rules.add_perm("register.adopt_constitution", is_chair | is_board | is_officer | is_administrator)
rules.add_perm("register.create_organisation", is_system_administrator | founding_is_open)
