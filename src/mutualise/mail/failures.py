"""The mail that did not get through, for the organisation's officers (the page is
web/failed_mail.py; who may see it is checked by register.services.mail): each message that
failed, bounced or may have gone out, one recipient each, with why in words."""

from __future__ import annotations

from django.db.models import Q

from .models import MAY_HAVE_GONE_OUT, Message, Status
from .privacy import ERASED

# The states the page filters by: (value, label).
FAILED, BOUNCED, UNKNOWN = "failed", "bounced", "unknown"
STATES = [
    (FAILED, "Not sent"),
    (BOUNCED, "Address refused"),
    (UNKNOWN, "May have gone out"),
]
_UNKNOWN = Q(status=Status.FAILED, last_error__contains=MAY_HAVE_GONE_OUT)
_BY_STATE = {
    FAILED: Q(status=Status.FAILED) & ~_UNKNOWN,
    BOUNCED: Q(status=Status.BOUNCED),
    UNKNOWN: _UNKNOWN,
}

KINDS = {
    "voting-code": "Voting code",
    "receipt": "Voting receipt",
    "meeting-notice": "Notice of a general meeting",
    "proxy-revoked": "Proxy revoked",
    "reminder": "Officers' reminder",
    "invitation": "Invitation to sign in",
    "invitation to every member": "Invitation to sign in",
    "claim": "Sign-in for a claimed membership",
    "member sign-in": "Invitation to sign in",
    "password reset": "Password reset",
    "role invitation": "Invitation to a role",
}


def failed_messages(organisation, state: str = ""):
    """The organisation's messages that did not get through (of one state of STATES), latest
    first; an unknown state is all of them. Mail to an erased member is not listed."""
    messages = Message.objects.filter(organisation=organisation).exclude(to=ERASED)
    wanted = _BY_STATE.get(state) or Q(status__in=[Status.FAILED, Status.BOUNCED])
    return messages.filter(wanted).order_by("-updated_at", "-pk")


def waiting(organisation) -> int:
    """How many are listed and not yet sent again (the officers' navigation shows it)."""
    return failed_messages(organisation).filter(resent_as__isnull=True).count()


def state_of(message: Message) -> str:
    if message.status == Status.BOUNCED:
        return BOUNCED
    return UNKNOWN if message.may_have_gone_out else FAILED


def kind_of(message: Message) -> str:
    return KINDS.get(message.reason, message.reason.capitalize() or "Message")


def why(message: Message) -> str:
    """What became of it, in words an officer can act on (the server's own reply is shown
    beside it)."""
    state, code, error = state_of(message), message.smtp_code, message.last_error
    if state == UNKNOWN:
        return (
            "Our mail server had the whole message but never said whether it took it: it may "
            "have reached the member, so it is not sent again. Ask them; send a new one if not."
        )
    if state == BOUNCED:
        if error.startswith("returned by"):
            return (
                "The member's own mail provider returned it: the address does not take mail. "
                "Ask the member for a new address."
            )
        return "The mail server refused the address. Ask the member for a new address."
    if error.startswith("gave up after"):
        return (
            "The mail server could not be reached, or kept saying to try later, every time it "
            "was tried. Send it again once it is working."
        )
    if code and code >= 500:
        return "The mail server refused the message itself (not the address)."
    return "It could not be sent."
