"""What the meeting verbs share: the errors, the clock, who is a member, who may act."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from rules import has_perm  # never the superuser shortcut: roles are per organisation

from mutualise import clock
from mutualise.register import services as register
from mutualise.register.models import Member

from .. import mixing, rules

DISCRETION = "discretion"
Acknowledgement = mixing.Acknowledgement
receipt_hash = mixing.receipt_hash


class MeetingError(ValueError):
    """A request the rulebook or the meeting's state does not allow; the message says why."""


class NotPermitted(PermissionDenied):
    """The actor may not do this (403 on a page); the message says who may."""


# ---------------------------------------------------------------------------------------------
# Who may act. A signed-in actor is checked against the organisation's roles (rules.py); a
# string actor (the CLI run by an administrator, a task, the demo) or None is the system itself,
# as in the other apps. Every verb checks here, so the pages, the CLI and the API are equally safe.


def _is_system(actor) -> bool:
    return actor is None or isinstance(actor, str)


def may(permission: str, actor, organisation) -> bool:
    return _is_system(actor) or has_perm(permission, actor, organisation)


def require(permission: str, actor, organisation, message: str = "") -> None:
    """Refuse (NotPermitted) an actor without `permission` in this organisation."""
    if not may(permission, actor, organisation):
        raise NotPermitted(message or rules.refusal(permission, organisation))


def is_self(actor, member) -> bool:
    """The actor is the signed-in person whose membership this is."""
    return member is not None and member.user_id is not None and member.user_id == actor.pk


def require_self(actor, member, organisation, *, what: str, or_permission: str = "") -> None:
    """Only the member themselves (or, with `or_permission`, someone who holds it, such as the
    chair entering a paper form) may do what a member does for themselves."""
    if _is_system(actor) or is_self(actor, member):
        return
    if or_permission and has_perm(or_permission, actor, organisation):
        return
    who = f" or {rules.WHO[or_permission]}" if or_permission else ""
    raise NotPermitted(f"Only the member themselves{who} may {what}.")


def _now(now: datetime | None) -> datetime:
    return now or clock.now()


def _today(now: datetime | None) -> date:
    return timezone.localtime(_now(now)).date()


def _is_member(organisation, member, on: date) -> bool:
    return register.active_members(organisation, on=on).filter(pk=member.pk).exists()


def _require_member(organisation, member, on: date, who: str = "") -> None:
    if member.organisation_id != organisation.pk or not _is_member(organisation, member, on):
        raise MeetingError(f"{who or member} is not a member of {organisation} on {on:%-d %B %Y}")


def member_for(user, organisation):
    """The signed-in user's membership of this organisation, or None."""

    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.filter(organisation=organisation, user=user).first()
