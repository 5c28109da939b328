"""Verbs on organisations, their constitutions and their members.

Each verb that changes state runs in one transaction and writes an audit event (about the
organisation, a constitution version or a member, with ids rather than personal data).

Members, for other apps (elections freeze a roll from `active_members`; meetings count quorum):

- `join(organisation, *, display_name, ..., actor)` applies; the rulebook's eligibility decides
  the constituency and whether the board must admit (`membership.admission_by_board`).
- `admit`, `decline`, `cease(member, reason, actor)`, `rejoin`, `change_constituency`,
  `update_details`, `merge`, `erase`: the rest of a membership's life.
- `active_members(organisation, on=None, constituency_id=None)`: members on a date.
"""

from __future__ import annotations

from mutualise.constitution import RulebookError

from ..errors import DuplicateMember, MemberError, NotEligible
from ..exports import neutralise as neutralise_cell
from ..queries import active_members, today
from .details import (
    DETAIL_FIELDS,
    eligibility_reasons,
    find_duplicates,
    normalise_details,
    reserve_numbers,
)
from .extracts import queue_export
from .imports import (
    accept_import,
    discard_import,
    queue_import,
    run_pending_import,
    upload_import,
    upload_population,
)
from .mail import failed_mail, resend_mail
from .members import (
    add_member,
    admit,
    cease,
    change_constituency,
    decline,
    join,
    link_sign_in,
    may_end,
    rejoin,
    update_details,
)
from .merging import merge
from .organisations import (
    OrganisationError,
    adopt_constitution,
    create_from_file,
    create_from_model,
    create_organisation,
    grant_role,
    set_mail_from,
)
from .privacy import PERSONAL_FIELDS, erase, member_history, subject_access
from .standing import LostEligibility, confirm_ineligible, recheck_register

__all__ = [
    "queue_export",
    "DETAIL_FIELDS",
    "DuplicateMember",
    "LostEligibility",
    "MemberError",
    "NotEligible",
    "OrganisationError",
    "PERSONAL_FIELDS",
    "RulebookError",
    "accept_import",
    "active_members",
    "add_member",
    "admit",
    "adopt_constitution",
    "cease",
    "change_constituency",
    "confirm_ineligible",
    "create_from_file",
    "create_from_model",
    "create_organisation",
    "set_mail_from",
    "decline",
    "discard_import",
    "eligibility_reasons",
    "failed_mail",
    "erase",
    "find_duplicates",
    "grant_role",
    "join",
    "link_sign_in",
    "may_end",
    "member_history",
    "merge",
    "neutralise_cell",
    "normalise_details",
    "queue_import",
    "recheck_register",
    "rejoin",
    "resend_mail",
    "reserve_numbers",
    "run_pending_import",
    "subject_access",
    "today",
    "update_details",
    "upload_import",
    "upload_population",
]
