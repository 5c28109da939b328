"""A members' proposal routed to a general meeting (the rulebook's `proposals.route:
general-meeting`) becomes a draft resolution on the organisation's next draft general meeting,
put there by the meetings services, in the transaction of the support that carried it over the
threshold; with no meeting drafted it waits, and the officers who call meetings see it on the
meetings pages and put it on an agenda (`put_on_agenda`). The resolution and the proposal are
linked both ways (Proposal.resolution), so its delivery record, made when the resolution is
declared carried, names the proposal too."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime

from mutualise.audit import services as audit
from mutualise.constitution.schema import ProposalRoute
from mutualise.meetings import services as meetings
from mutualise.meetings.decisions import Waiting
from mutualise.meetings.lifecycle import MeetingState
from mutualise.meetings.models import Meeting

from ..lifecycle import ProposalState
from ..models import Proposal
from .common import ParticipationError, now_or

PREFIX = "proposal"


def resolution_kind(organisation) -> str:
    """The rulebook's kind for a proposal's resolution: `proposals.resolution_kind`, or the
    first of meetings.resolutions."""
    constitution = organisation.constitution
    kind = constitution.participation.proposals.resolution_kind
    if kind is not None:
        return kind
    kinds = constitution.meetings.resolutions
    if not kinds:
        raise ParticipationError(f"the rules of {organisation} name no kind of resolution")
    return kinds[0].id


def _resolution(proposal: Proposal, meeting: Meeting, actor):
    resolution = meetings.add_resolution(
        meeting,
        title=proposal.title,
        text=proposal.text,
        kind_id=resolution_kind(proposal.organisation),
        proposed_by=(
            f"Members' proposal {proposal.number}, supported by {proposal.supporters} members"
        ),
        actor=actor,
    )
    Proposal.objects.filter(pk=proposal.pk).update(resolution=resolution)
    audit.record(
        proposal.organisation,
        "proposal.put_on_agenda",
        actor=actor,
        subject=proposal,
        data={"meeting": meeting.pk, "resolution": resolution.number},
    )
    return resolution


def send_to_meeting(proposal: Proposal, *, now=None):
    """Called by the support that took `proposal` over its threshold, inside its transaction
    and under the proposal's lock. No permission of its own: the member's support (checked
    there) is what decided it, as the rulebook says. The meetings service records the
    resolution as added by the proposal. Returns the resolution, or None when it waits."""
    meeting = (
        Meeting.objects.select_for_update()
        .filter(
            organisation=proposal.organisation,
            state=MeetingState.DRAFT,
            starts_at__gt=now_or(now),
        )
        .order_by("starts_at", "pk")
        .first()
    )
    if meeting is None:
        audit.record(
            proposal.organisation,
            "proposal.awaiting_meeting",
            actor=None,
            subject=proposal,
            data={"supporters": proposal.supporters},
        )
        return None
    return _resolution(proposal, meeting, f"members' proposal {proposal.number}")


def awaiting(organisation):
    """Proposals routed to a general meeting and on no live agenda: never put on one, taken
    off a draft agenda, or on a meeting cancelled before it was held."""
    return (
        Proposal.objects.filter(
            organisation=organisation,
            state=ProposalState.ROUTED,
            route=ProposalRoute.GENERAL_MEETING,
        )
        .filter(Q(resolution__isnull=True) | Q(resolution__meeting__state=MeetingState.CANCELLED))
        .order_by("routed_at", "number")
    )


def put_on_agenda(proposal: Proposal, meeting: Meeting, *, actor, now=None):
    """An officer puts a waiting proposal on a draft meeting's agenda: whoever may call
    meetings (checked by the meetings service), one transaction, audited."""
    organisation = proposal.organisation
    if meeting.organisation_id != organisation.pk:
        raise ParticipationError(f"{meeting.title} is not a meeting of {organisation}")
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if not awaiting(organisation).filter(pk=locked.pk).exists():
            raise ParticipationError(
                f"proposal {locked.number} is not waiting for a general meeting"
            )
        locked_meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        try:
            resolution = _resolution(locked, locked_meeting, actor)
        except meetings.MeetingError as exc:
            raise ParticipationError(str(exc)) from None
    proposal.refresh_from_db()
    return resolution


def waiting_items(organisation) -> list[Waiting]:
    items = []
    for proposal in awaiting(organisation):
        since = date_format(localtime(proposal.routed_at), "j F Y") if proposal.routed_at else ""
        items.append(
            Waiting(
                key=f"{PREFIX}:{proposal.pk}",
                title=proposal.title,
                summary=(
                    f"Members' proposal {proposal.number}: {proposal.supporters} members "
                    f"supported it{f' by {since}' if since else ''}, and the rules send it to "
                    "a general meeting. It waits to be put on an agenda."
                ),
                url=reverse("participation:index", args=[organisation.slug])
                + f"#proposal-{proposal.pk}",
            )
        )
    return items


def place_item(ref: str, meeting: Meeting, *, actor, now=None):
    if not ref.isascii() or not ref.isdigit():
        raise LookupError(f"no proposal {ref!r}")
    proposal = Proposal.objects.filter(organisation=meeting.organisation, pk=int(ref)).first()
    if proposal is None:
        raise LookupError(f"no proposal {ref!r}")
    return put_on_agenda(proposal, meeting, actor=actor, now=now)
