"""A show of hands taken online: members attending remotely (checked in online, not left)
raise a hand for, against or abstain once each while the vote is open; the chair's declaration
adds them to the hall's count (services.declare_result)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Count

from mutualise.audit import services as audit

from ..models import Attendance, Choice, OnlineHand, Resolution
from .common import MeetingError, _now, require_self


def may_raise_hand_online(resolution: Resolution, member) -> bool:
    """Whether this member may raise a hand online on this resolution now."""
    return (
        member is not None
        and resolution.method == Resolution.Method.HANDS
        and resolution.vote_is_open
        and Attendance.objects.filter(
            meeting_id=resolution.meeting_id,
            member=member,
            mode=Attendance.Mode.ONLINE,
            checked_in_at__isnull=False,
            left_at__isnull=True,
        ).exists()
        and not OnlineHand.objects.filter(resolution=resolution, member=member).exists()
    )


def raise_hand_online(resolution: Resolution, member, choice: str, *, actor, now=None):
    """The member's own hand, raised online: refused unless the actor is that member, the
    resolution is on a show of hands and open, and the member attends online."""
    if choice not in Choice.values:
        raise MeetingError("Choose for, against or abstain")
    require_self(actor, member, resolution.organisation, what="raise their hand online")
    with transaction.atomic():
        locked = Resolution.objects.select_for_update().get(pk=resolution.pk)
        if locked.method != Resolution.Method.HANDS:
            raise MeetingError(f"Resolution {locked.number} is decided on a poll, not by hands")
        if not locked.vote_is_open:
            raise MeetingError(f"Voting on resolution {locked.number} is not open")
        if not Attendance.objects.filter(
            meeting_id=locked.meeting_id,
            member=member,
            mode=Attendance.Mode.ONLINE,
            checked_in_at__isnull=False,
            left_at__isnull=True,
        ).exists():
            raise MeetingError("Join the meeting online before raising your hand")
        try:
            with transaction.atomic():
                hand = OnlineHand.objects.create(
                    organisation=locked.organisation,
                    resolution=locked,
                    member=member,
                    choice=choice,
                    raised_at=_now(now),
                )
        except IntegrityError:
            raise MeetingError(
                f"You have already raised your hand on resolution {locked.number}"
            ) from None
        audit.record(
            locked.organisation,
            "resolution.hand_raised_online",
            actor=actor,
            subject=locked,
            data={"member": member.number, "choice": choice},
        )
    return hand


def online_hands(resolution: Resolution) -> dict[str, int]:
    """The hands raised online, by choice."""
    counts = dict.fromkeys(Choice.values, 0)
    rows = OnlineHand.objects.filter(resolution=resolution).values("choice").annotate(n=Count("pk"))
    for row in rows:
        counts[row["choice"]] = row["n"]
    return counts
