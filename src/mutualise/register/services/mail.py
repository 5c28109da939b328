"""The mail that did not get through, for the membership secretary and the administrator: the
list (mail.failures says what each state means) and sending a message again to a member whose
address has been corrected. Both are checked here, so the page, the CLI and the API are equally
safe; the resend runs in one transaction with its audit event."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from mutualise.audit import services as audit
from mutualise.mail import bounces, failures
from mutualise.mail import services as mail
from mutualise.mail.models import Message, Status

from ..errors import MemberError, require
from ..models import Member
from .details import _locked

SEE = "Only the membership secretary or an administrator sees the mail that did not get through."
RESEND = "Only the membership secretary or an administrator may send a failed message again."


def failed_mail(organisation, *, actor, state: str = ""):
    """The organisation's messages that failed, bounced or may have gone out (one state of
    mail.failures.STATES, or all), latest first."""
    require("register.see_failed_mail", actor, organisation, SEE)
    return failures.failed_messages(organisation, state)


def resend_mail(message: Message, member: Member, *, actor) -> Message:
    """Send `message` again, as it was written, to `member`'s address on the register now, which
    must differ from the one that failed. Refused for a message that may have gone out (a second
    copy of a voting code is worse than none), one sent again already, one whose secret value
    (a voting code, a one-time link) is no longer kept, and an address that bounces too."""
    organisation = member.organisation
    require("register.resend_mail", actor, organisation, RESEND)
    if message.organisation_id != organisation.pk:
        raise MemberError("that message is not one of this organisation's", field="message")
    with transaction.atomic():
        _locked(member)
        message = Message.objects.select_for_update().get(pk=message.pk)
        _check_resendable(message)
        address = _corrected_address(message, member)
        try:
            copy = mail.copy_to(message, address)
        except mail.MailError as exc:
            raise MemberError(
                f"This message cannot be sent again: {exc}. Issue a new one instead (a "
                "replacement voting pack, a new invitation).",
                field="message",
            ) from None
        audit.record(
            organisation, "mail.resent", actor=actor, subject=member,
            data={"number": member.number, "failed": message.pk, "message": copy.pk,
                  "reason": message.reason, "was": failures.state_of(message)},
        )  # fmt: skip
    return copy


def _check_resendable(message: Message) -> None:
    if message.status not in (Status.FAILED, Status.BOUNCED):
        raise MemberError(
            "Only a message that failed or bounced can be sent again.", field="message"
        )
    if message.may_have_gone_out:
        raise MemberError(
            "This message may have reached the member already, so it is not sent again. Ask "
            "them; if it did not arrive, issue a new one (a replacement voting pack, a new "
            "invitation).",
            field="message",
        )
    if message.resent_as_id is not None:
        copy = message.resent_as
        when = timezone.localtime(copy.created_at).strftime("%-d %B %Y, %H:%M")
        raise MemberError(
            f"This message was sent again already, to {copy.to} on {when}.", field="message"
        )


def _corrected_address(message: Message, member: Member) -> str:
    number = member.number
    if member.erased_at or not member.email:
        raise MemberError(f"Member {number} has no email address on the register.", field="member")
    if member.email.strip().lower() == message.to.strip().lower():
        raise MemberError(
            f"Member {number}'s address is still {member.email}, the one that failed: correct "
            "it on the register first.",
            field="member",
        )
    if member.email.strip().lower() in bounces.bouncing_addresses(member.organisation):
        raise MemberError(
            f"Member {number}'s address {member.email} bounces too: ask them for another.",
            field="member",
        )
    return member.email
