"""Who may do what in governance (django-rules; the object is the organisation).

Current office holders, the findings and the accountability page are public. The membership
secretary and the organisation's administrator keep the officers' register; the page across
every organisation is for the install's system administrators (Django superusers).
"""

import rules

from mutualise.register.rules import is_administrator, is_officer


@rules.predicate
def is_system_administrator(user, organisation=None):
    return bool(getattr(user, "is_authenticated", False) and user.is_superuser)


keeps_officers_register = is_officer | is_administrator | is_system_administrator

rules.add_perm("governance.view_accountability", rules.always_allow)
rules.add_perm("governance.manage_holders", keeps_officers_register)
rules.add_perm("governance.run_health", keeps_officers_register)
rules.add_perm("governance.handle_reminders", keeps_officers_register)
rules.add_perm("governance.view_all_organisations", is_system_administrator)

REFUSALS = {
    "governance.manage_holders": "Only the membership secretary or an administrator may keep "
    "the officers' register.",
    "governance.run_health": "Only the membership secretary or an administrator may run the "
    "health check.",
    "governance.handle_reminders": "Only the membership secretary or an administrator sees "
    "and deals with the officers' reminders.",
    "governance.view_all_organisations": "Only a system administrator may see every "
    "organisation's findings.",
}
