"""The health check's facts, built set-wise: one query per kind of fact for any number of
organisations (the daily run over a whole install, or one organisation on demand), never one
query per organisation or per member."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Count, IntegerField, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate

from mutualise.constitution import RulebookError, load_text
from mutualise.constitution.calendar import LONDON
from mutualise.elections.models import Election
from mutualise.meetings.models import Attendance, Meeting, Requisition, Resolution
from mutualise.register import representation
from mutualise.register.models import ConstitutionVersion, Member, MembershipPeriod, PopulationTable
from mutualise.stake.models import ShareAccount

from .checks import (
    Facts,
    Holder,
    MeetingHeld,
    Represented,
    RequisitionFact,
    ResolutionDeclared,
)
from .models import BodyMeeting, Declaration, OfficeHolding


def _largest_holdings(ids) -> dict[int, int]:
    """The largest share account of a current member, per organisation (REG-8): one GROUP BY."""
    rows = (
        ShareAccount.objects.filter(organisation_id__in=ids, member__status=Member.Status.ADMITTED)
        .values_list("organisation_id")
        .annotate(largest=Max("balance_pence"))
        .order_by()
    )
    return dict(rows)


def constitutions(organisation_ids, unreadable: dict | None = None) -> dict[int, object]:
    """Each organisation's adopted rulebook, parsed once per distinct text (organisations on
    the same model rulebook share one parse). A stored rulebook that no longer parses (the
    schema moved on since it was adopted) is left out, its problem put in `unreadable` by
    organisation: one bad rulebook must not stop the check of every other organisation."""
    latest = ConstitutionVersion.objects.filter(
        organisation_id__in=organisation_ids,
        number=Subquery(
            ConstitutionVersion.objects.filter(organisation_id=OuterRef("organisation_id"))
            .order_by("-number")
            .values("number")[:1]
        ),
    ).values_list("organisation_id", "sha256", "pk")
    by_org, first_pk = {}, {}
    for org_id, sha, pk in latest:
        by_org[org_id] = sha
        first_pk.setdefault(sha, pk)
    texts = ConstitutionVersion.objects.filter(pk__in=first_pk.values()).values_list(
        "sha256", "source_text", "source_name"
    )
    parsed, problems = {}, {}
    for sha, text, name in texts:
        try:
            parsed[sha] = load_text(text, name)
        except RulebookError as error:
            problems[sha] = str(error)
    if unreadable is not None:
        unreadable.update({o: problems[sha] for o, sha in by_org.items() if sha in problems})
    return {org_id: parsed[sha] for org_id, sha in by_org.items() if sha in parsed}


def _count(queryset, group_by: str):
    """A correlated COUNT(*) as an integer expression (0 when nothing matches)."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("*")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _members(ids) -> tuple[dict, dict]:
    by_constituency: dict[int, dict[str, int]] = defaultdict(dict)
    missing: dict[int, int] = defaultdict(int)
    rows = (
        Member.objects.filter(organisation_id__in=ids, status=Member.Status.ADMITTED)
        .values_list("organisation_id", "constituency_id")
        .annotate(n=Count("*"), blank=Count("pk", filter=Q(address="")))
        .order_by()
    )
    for org_id, constituency, n, blank in rows:
        by_constituency[org_id][constituency] = n
        missing[org_id] += blank
    return by_constituency, missing


def _holders(ids) -> dict[int, list[Holder]]:
    disqualified = defaultdict(list)
    for holding_id, text in Declaration.objects.filter(
        organisation_id__in=ids, kind=Declaration.Kind.DISQUALIFICATION
    ).values_list("holding_id", "text"):
        disqualified[holding_id].append(text)
    rows = OfficeHolding.objects.filter(organisation_id__in=ids).values_list(
        "pk",
        "organisation_id",
        "holder_name",
        "body_id",
        "seat_group_id",
        "office_id",
        "how",
        "chosen_by",
        "started_on",
        "ends_on",
        "ended_on",
        "address",
        "member__number",
        "member__date_of_birth",
        "member__address",
        "member__status",
        "member__constituency_id",
        "member__class_id",
    )
    holders = defaultdict(list)
    for row in rows:
        (pk, org_id, name, body, group, office, how, chosen, start, ends, ended, address) = row[:12]
        number, born, member_address, status, constituency, klass = row[12:]
        holders[org_id].append(
            Holder(
                id=pk,
                person=f"member {number}" if number is not None else f"name {name}",
                name=name,
                body_id=body,
                seat_group_id=group,
                office_id=office,
                how=how,
                chosen_by=chosen,
                started_on=start,
                ends_on=ends,
                ended_on=ended,
                born_on=born,
                has_address=bool(address.strip() or (member_address or "").strip()),
                member_status=status,
                member_constituency=constituency or "",
                member_class=klass or "",
                disqualifications=tuple(disqualified.get(pk, ())),
            )
        )
    return holders


def _meetings(ids) -> dict[int, list[MeetingHeld]]:
    held = Meeting.objects.filter(organisation_id__in=ids, state="closed").annotate(
        held_on=TruncDate("starts_at", tzinfo=LONDON)
    )
    periods = MembershipPeriod.objects.filter(
        organisation_id=OuterRef("organisation_id"), started_on__lte=OuterRef("held_on")
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=OuterRef("held_on")))
    present = Attendance.objects.filter(meeting=OuterRef("pk"), checked_in_at__isnull=False)
    rows = held.annotate(
        members_on_day=_count(periods, "organisation_id"), present=_count(present, "meeting_id")
    ).values_list(
        "organisation_id",
        "kind",
        "held_on",
        "title",
        "notice_given_on",
        "short_notice_consents",
        "present",
        "members_on_day",
        "adjourned_for_quorum",
    )
    meetings = defaultdict(list)
    for org_id, kind, on, title, notice, consents, here, total, adjourned in rows:
        meetings[org_id].append(
            MeetingHeld(kind, on, title, notice, consents, here, total, adjourned)
        )
    return meetings


def held_meetings(ids) -> dict[int, list[MeetingHeld]]:
    """Closed meetings with who was present and how many members there were that day."""
    return _meetings(ids)


def _resolutions(ids) -> dict[int, list[ResolutionDeclared]]:
    rows = (
        Resolution.objects.filter(organisation_id__in=ids, state="declared", carried=True)
        .annotate(held_on=TruncDate("meeting__starts_at", tzinfo=LONDON))
        .values_list(
            "organisation_id",
            "held_on",
            "title",
            "kind_id",
            "votes_for",
            "votes_against",
            "abstentions",
            "members_present",
            "members_total",
        )
    )
    found = defaultdict(list)
    for org_id, on, title, kind, yes, no, abstain, present, total in rows:
        found[org_id].append(
            ResolutionDeclared(
                on, title, kind, yes or 0, no or 0, abstain or 0, present or 0, total or 0, True
            )
        )
    return found


def _requisitions(ids) -> dict[int, list[RequisitionFact]]:
    rows = (
        Requisition.objects.filter(organisation_id__in=ids)
        .exclude(state__in=["collecting", "too-few"])
        .annotate(meeting_on=TruncDate("meeting__starts_at", tzinfo=LONDON))
        .values_list(
            "organisation_id",
            "pk",
            "state",
            "submitted_on",
            "board_deadline",
            "meeting_deadline",
            "meeting__notice_given_on",
            "meeting_on",
        )
    )
    found = defaultdict(list)
    for org_id, pk, state, submitted, board, meeting_by, convened, meeting_on in rows:
        found[org_id].append(
            RequisitionFact(pk, state, submitted, board, meeting_by, convened, meeting_on)
        )
    return found


def build(organisations, today: date, representation: dict | None = None) -> dict[int, Facts]:
    """Facts for each organisation (objects with pk and created_at), keyed by its id."""
    ids = [o.pk for o in organisations]
    by_constituency, missing = _members(ids)
    holders = _holders(ids)
    meetings = _meetings(ids)
    resolutions = _resolutions(ids)
    requisitions = _requisitions(ids)
    largest = _largest_holdings(ids)
    body_meetings = defaultdict(list)
    for org_id, body_id, held_on in BodyMeeting.objects.filter(organisation_id__in=ids).values_list(
        "organisation_id", "body_id", "held_on"
    ):
        body_meetings[org_id].append((body_id, held_on))
    representation = representation or {}
    return {
        o.pk: Facts(
            today=today,
            founded_on=o.created_at.astimezone(LONDON).date(),
            members=sum(by_constituency.get(o.pk, {}).values()),
            members_by_constituency=dict(by_constituency.get(o.pk, {})),
            members_missing_address=missing.get(o.pk, 0),
            largest_holding_pence=largest.get(o.pk) or 0,
            holders=tuple(holders.get(o.pk, ())),
            meetings=tuple(meetings.get(o.pk, ())),
            resolutions=tuple(resolutions.get(o.pk, ())),
            requisitions=tuple(requisitions.get(o.pk, ())),
            representation=tuple(representation.get(o.pk, ())),
            body_meetings=tuple(body_meetings.get(o.pk, ())),
        )
        for o in organisations
    }


def with_population_table(ids) -> set[int]:
    return set(
        PopulationTable.objects.filter(organisation_id__in=ids).values_list(
            "organisation_id", flat=True
        )
    )


def representation_lines(organisation, on: date) -> list[Represented]:
    """Members beside the latest population table, for a rulebook that checks it (NHS-10);
    read per organisation, as only the few with a population table need it."""
    table = organisation.population_tables.first()
    if table is None:
        return []
    lines = []
    for section in representation.report(organisation, table.rows, on):
        for line in section.lines:
            if line.population_share is not None and line.category != representation.NOT_KNOWN:
                lines.append(
                    Represented(
                        section.title.lower(),
                        line.category,
                        line.member_share,
                        line.population_share,
                    )
                )
    return lines


def elections_held(organisation) -> list[Election]:
    return list(
        Election.objects.filter(organisation=organisation, state="declared").order_by(
            "-close_of_poll"
        )
    )
