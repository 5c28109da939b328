"""The demo clock page: on a demo install, whoever runs the demo moves its time forward, to the
next deadline of an election or meeting or by a chosen step, so a timetable weeks long is walked
in minutes. Outside demo installs the page does not exist (404) and the clock refuses to move."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from mutualise import clock
from mutualise.elections import services as elections
from mutualise.elections.lifecycle import FINAL
from mutualise.elections.models import Election
from mutualise.jobs.tasks import look_now
from mutualise.meetings.lifecycle import TO_START
from mutualise.meetings.models import Meeting
from mutualise.register.models import Role

STEPS = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(weeks=1)}
STEP_NAMES = {
    "nominations_close": "nominations close",
    "withdrawals_close": "the last day to withdraw ends",
    "statement_of_nominations": "the statement of nominations is due (withdrawals close)",
    "close_of_poll": "the poll closes",
}


@dataclass(frozen=True)
class Moment:
    at: datetime  # a minute after the deadline, so its step is allowed
    label: str


def ahead(offset: timedelta) -> str:
    """'12 days and 3 hours': how far the demo clock is ahead, in words."""
    minutes = int(offset.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour")] + ([(minutes, "minute")] if not days else [])
    words = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n]
    return " and ".join(words) or "less than a minute"


def banner() -> dict | None:
    """What every page shows while the demo clock is set (web/context.py)."""
    offset = clock.offset()
    if offset <= timedelta(0):
        return None
    return {"now": timezone.now() + offset, "ahead": ahead(offset)}


def may_move(user) -> bool:
    """The demo's administrator, and anyone holding a role in one of its organisations (the
    newcomer plays them all)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or Role.objects.filter(user=user).exists()


def coming_up(now: datetime, limit: int = 12) -> list[Moment]:
    """The next deadlines of every election and meeting on the install, soonest first."""
    moments = []
    for election in Election.objects.select_related("organisation").exclude(state__in=FINAL):
        table = elections.timetable(election)
        for name, label in STEP_NAMES.items():
            at = getattr(table, name)
            if at is not None and at > now:
                moments.append(
                    Moment(
                        at + timedelta(minutes=1),
                        f"{label}: {election.title}, {election.organisation.name}",
                    )  # fmt: skip
                )
                break
    for meeting in Meeting.objects.select_related("organisation").filter(
        state__in=TO_START, starts_at__gt=now
    ):
        moments.append(
            Moment(meeting.starts_at, f"{meeting.title} starts, {meeting.organisation.name}")
        )
    return sorted(moments, key=lambda m: m.at)[:limit]


def page(request):
    if not clock.enabled():
        raise Http404("the demo clock runs on demo installs only")
    if not may_move(request.user):
        raise PermissionDenied("sign in as the demo's administrator or one of its officers")
    if request.method == "POST":
        try:
            if step := STEPS.get(request.POST.get("step", "")):
                moved = clock.advance(step)
            else:
                target = parse_datetime(request.POST.get("to", ""))
                if target is None:
                    raise ValueError("choose how far to move the clock")
                if timezone.is_naive(target):
                    target = timezone.make_aware(target)
                moved = clock.move_to(target)
        except ValueError as exc:
            messages.error(request, f"The clock was not moved: {exc}.")
        else:
            look_now()  # the daily jobs of the days skipped run too (jobs/schedule.py)
            messages.success(
                request, f"The demo clock now says {timezone.localtime(moved):%-d %B %Y, %H:%M}."
            )
        return redirect("demo_clock")
    now = clock.now()
    return render(
        request,
        "web/demo_clock.html",
        {
            "page_title": "Demo clock",
            "now": now,
            "ahead": ahead(clock.offset()) if clock.is_set() else "",
            "moments": coming_up(now),
        },
    )
