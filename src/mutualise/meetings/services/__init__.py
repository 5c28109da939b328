"""The verbs of general meetings. Each checks the rulebook, changes state in one transaction and
writes its audit event (votes excepted: see `_write_vote`). Views, the CLI and tests call
these, never the models directly."""

from __future__ import annotations

from .agenda import add_paper, add_resolution, agenda, create_meeting, kind_rules
from .attendance import (
    check_in,
    check_in_many,
    is_present,
    leave,
    may_attend,
)
from .common import DISCRETION, Acknowledgement, MeetingError, member_for, receipt_hash
from .drafts import change_draft_meeting, change_draft_resolution, remove_draft_resolution
from .hands import may_raise_hand_online, online_hands, raise_hand_online
from .minutes import approve_minutes, draft_minutes, minutes_text, publish_minutes
from .motions import accept_motion, submit_motion, support_motion, word_count
from .notice import (
    NoticeRecord,
    NoticeSent,
    members_by_email,
    members_by_post,
    notice_sent,
    require_unsent,
    send_notice,
)
from .organising import (
    NotPermitted,
    earliest_lawful_date,
    plan_meeting,
    propose_resolution,
    publish_notice,
)
from .proxies import (
    appoint_proxy,
    live_proxies,
    may_appoint_proxy,
    may_revoke_proxy,
    proxy_deadline,
    revoke_proxy,
)
from .record import attendance_list, edit_minutes, publish_record, record_text, sign_minutes
from .requisitions import (
    convene_requisitioned_meeting,
    sign_requisition,
    start_requisition,
    submit_requisition,
)
from .results import (
    ReceiptCheck,
    ballots_digest,
    check_receipt,
    declare_result,
    propose_confirmation,
    published_ballots,
    published_receipts,
    receipts_digest,
    tally,
)
from .states import (
    adjourn_meeting,
    call_meeting,
    cancel_meeting,
    close_meeting,
    open_meeting,
    record_short_notice_consents,
)
from .voting import (
    _write_vote,
    cast_vote,
    demand_poll,
    may_vote,
    open_vote,
    withdraw_resolution,
)

__all__ = [
    "Acknowledgement",
    "DISCRETION",
    "MeetingError",
    "NotPermitted",
    "NoticeRecord",
    "NoticeSent",
    "ReceiptCheck",
    "_write_vote",
    "accept_motion",
    "add_paper",
    "add_resolution",
    "adjourn_meeting",
    "agenda",
    "appoint_proxy",
    "approve_minutes",
    "attendance_list",
    "may_attend",
    "ballots_digest",
    "call_meeting",
    "change_draft_meeting",
    "change_draft_resolution",
    "remove_draft_resolution",
    "cancel_meeting",
    "cast_vote",
    "check_in",
    "check_in_many",
    "check_receipt",
    "close_meeting",
    "convene_requisitioned_meeting",
    "create_meeting",
    "declare_result",
    "demand_poll",
    "draft_minutes",
    "earliest_lawful_date",
    "edit_minutes",
    "is_present",
    "kind_rules",
    "may_raise_hand_online",
    "online_hands",
    "raise_hand_online",
    "leave",
    "live_proxies",
    "may_appoint_proxy",
    "may_revoke_proxy",
    "may_vote",
    "member_for",
    "members_by_email",
    "members_by_post",
    "minutes_text",
    "notice_sent",
    "open_meeting",
    "open_vote",
    "plan_meeting",
    "propose_confirmation",
    "propose_resolution",
    "proxy_deadline",
    "publish_minutes",
    "publish_notice",
    "publish_record",
    "published_ballots",
    "published_receipts",
    "receipt_hash",
    "receipts_digest",
    "record_short_notice_consents",
    "record_text",
    "require_unsent",
    "revoke_proxy",
    "send_notice",
    "sign_minutes",
    "sign_requisition",
    "start_requisition",
    "submit_motion",
    "submit_requisition",
    "support_motion",
    "tally",
    "withdraw_resolution",
    "word_count",
]
