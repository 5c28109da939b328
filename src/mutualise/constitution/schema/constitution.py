"""The whole rulebook."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .bodies import Appointer, Body, Elections
from .kinds import BodyKind, LegalForm, SeatFill
from .meetings import MeetingKindRule, Meetings, ResolutionKind
from .membership import Constituency, ConstituencyClass, Membership, Organisation
from .stake import AssetLock, Participation, Shares, Surplus
from .types import ALL_MEMBERS, SCHEMA_VERSION, NotFound, Strict

# ---------------------------------------------------------------------------------------------


class Constitution(Strict):
    schema_version: Literal[1] = SCHEMA_VERSION
    organisation: Organisation
    membership: Membership = Membership()
    constituencies: tuple[Constituency, ...] = Field(min_length=1)
    appointers: tuple[Appointer, ...] = ()
    bodies: tuple[Body, ...] = Field(min_length=1)
    elections: Elections
    meetings: Meetings
    shares: Shares | None = None
    surplus: Surplus
    asset_lock: AssetLock
    participation: Participation = Participation()

    def constituency(self, ident: str) -> Constituency:
        for constituency in self.constituencies:
            if constituency.id == ident:
                return constituency
        known = ", ".join(c.id for c in self.constituencies)
        raise NotFound(f"no constituency {ident!r}; known: {known}")

    def body(self, ident: str) -> Body:
        for body in self.bodies:
            if body.id == ident:
                return body
        known = ", ".join(b.id for b in self.bodies)
        raise NotFound(f"no body {ident!r}; known: {known}")

    def resolution(self, ident: str) -> ResolutionKind:
        for kind in self.meetings.resolutions:
            if kind.id == ident:
                return kind
        known = ", ".join(r.id for r in self.meetings.resolutions)
        raise NotFound(f"no resolution kind {ident!r}; known: {known}")

    def meeting_kinds(self) -> tuple[MeetingKindRule, ...]:
        """The kinds of meeting these rules provide for: `meetings.kinds`, or for a rulebook
        that names none (written before kinds were data), those its legal form and bodies imply:
        an NHS foundation trust's annual members' meeting or else an AGM, general and special
        meetings, and a council of governors' meetings where there is one."""
        if self.meetings.kinds:
            return self.meetings.kinds
        form = self.organisation.legal_form
        annual = (
            MeetingKindRule(
                id="annual-members",
                name="Annual members' meeting",
                annual=True,
                source="Health and Social Care Act 2012 s.157 (NHS Act 2006 Sch.7 para 27A)",
            )
            if form == LegalForm.NHS_FOUNDATION_TRUST
            else MeetingKindRule(
                id="agm",
                name="Annual general meeting",
                annual=True,
                short_name="AGM",
                source="Building Societies Act 1986 Sch.2"
                if form == LegalForm.BUILDING_SOCIETY
                else "the society's registered rules",
            )
        )
        kinds = [
            annual,
            MeetingKindRule(id="general", name="General meeting"),
            MeetingKindRule(
                id="special",
                name="Special general meeting (requisitioned)",
                short_name="special general meeting",
            ),
        ]
        if any(body.kind == BodyKind.COUNCIL_OF_GOVERNORS for body in self.bodies):
            kinds.append(
                MeetingKindRule(
                    id="council-of-governors",
                    name="Meeting of the council of governors",
                    members=False,
                )
            )
        return tuple(kinds)

    def meeting_kind(self, ident: str) -> MeetingKindRule:
        for kind in self.meeting_kinds():
            if kind.id == ident:
                return kind
        known = ", ".join(k.id for k in self.meeting_kinds())
        raise NotFound(f"the rules provide for no {ident!r} meeting; they provide for {known}")

    def annual_meeting(self) -> MeetingKindRule | None:
        """The kind of meeting that is the annual meeting (`annual: true`), if the rules have one."""
        return next((k for k in self.meeting_kinds() if k.annual), None)

    def members_meeting_kinds(self) -> frozenset[str]:
        """The ids of the kinds that are meetings of the members (`members: true`)."""
        return frozenset(k.id for k in self.meeting_kinds() if k.members)

    def notice_clear_days(self, kind: str) -> int:
        """Clear days' notice a meeting of this kind needs: the kind's own, else the AGM's (an
        annual kind) or a general meeting's."""
        rule = self.meeting_kind(kind)
        if rule.notice_clear_days is not None:
            return rule.notice_clear_days
        meetings = self.meetings
        return (meetings.agm if rule.annual else meetings.general).notice_clear_days

    def chooser_name(self, ident: str) -> str:
        """Who an electorate or appointer id (`electorate`, `appointer`) names, in words: "all
        the members", a constituency's or class's name, an appointer's name, "the <body>", an
        office's name. Anything else (a name an officer typed) comes back as it is."""
        if ident == ALL_MEMBERS:
            return "all the members"
        for appointer in self.appointers:
            if appointer.id == ident:
                return appointer.name
        for body in self.bodies:
            if body.id == ident:
                return f"the {body.name}"
        for constituency in self.constituencies:
            if constituency.id == ident:
                return constituency.name
        found = self.find_class(ident)
        if found is not None:
            return found[1].name
        for body in self.bodies:
            for office in body.offices:
                if office.id == ident:
                    return f"the {office.name} of the {body.name}"
        return ident

    def chosen_phrase(self, how: str, chosen_by: str) -> str:
        """How a holding's chooser reads after its kind ("appointed by the council", "ex
        officio, as the headteacher"): empty when nobody is recorded."""
        if not chosen_by:
            return ""
        if how == SeatFill.EX_OFFICIO:
            office = self.chooser_name(chosen_by)
            return f", as {office}" if office.startswith("the ") else f", as the {office}"
        return f" by {self.chooser_name(chosen_by)}"

    def find_class(self, ident: str) -> tuple[Constituency, ConstituencyClass] | None:
        for constituency in self.constituencies:
            for klass in constituency.classes:
                if klass.id == ident:
                    return constituency, klass
        return None
