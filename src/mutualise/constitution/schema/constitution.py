"""The whole rulebook."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .bodies import Appointer, Body, Elections
from .meetings import Meetings, ResolutionKind
from .membership import Constituency, ConstituencyClass, Membership, Organisation
from .stake import AssetLock, Participation, Shares, Surplus
from .types import SCHEMA_VERSION, NotFound, Strict

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

    def find_class(self, ident: str) -> tuple[Constituency, ConstituencyClass] | None:
        for constituency in self.constituencies:
            for klass in constituency.classes:
                if klass.id == ident:
                    return constituency, klass
        return None
