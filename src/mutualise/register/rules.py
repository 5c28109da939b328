"""Who may do what in an organisation: small predicates combined with | and & (django-rules)."""

import rules

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


rules.add_perm("register.view_register", is_officer | is_administrator)
rules.add_perm("register.manage_members", is_officer)
rules.add_perm("register.import_members", is_officer)
rules.add_perm("register.erase_member", is_officer | is_administrator)
rules.add_perm("register.manage_roles", is_administrator)
# The mail that did not get through (web/failed_mail.py): the membership secretary's and the
# administrator's to see, and to send again to a member's corrected address.
rules.add_perm("register.see_failed_mail", is_officer | is_administrator)
rules.add_perm("register.resend_mail", is_officer | is_administrator)
