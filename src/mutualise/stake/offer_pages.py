"""An offer's progress to its targets, for its page (a chart drawn in SVG, no script) and the
command line: money raised (held against applications), applicants, and each target's place."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Sum

from .models import ShareOffer


@dataclass(frozen=True)
class Progress:
    offer: ShareOffer
    raised_pence: int
    applicants: int
    allotted_pence: int | None  # after the close

    @property
    def scale_pence(self) -> int:
        """The chart's full width: the maximum target, or more if oversubscribed."""
        return max(self.offer.maximum_pence, self.raised_pence, 1)

    def at(self, pence: int) -> int:
        """Where `pence` falls on a chart 100 units wide."""
        return round(100 * pence / self.scale_pence)

    @property
    def bar(self) -> int:
        return self.at(self.raised_pence)

    @property
    def markers(self) -> list[tuple[str, int, int]]:
        o = self.offer
        return [("Minimum", o.minimum_pence, self.at(o.minimum_pence)),
                ("Optimum", o.optimum_pence, self.at(o.optimum_pence)),
                ("Maximum", o.maximum_pence, self.at(o.maximum_pence))]  # fmt: skip

    @property
    def state(self) -> str:
        o = self.offer
        if not o.not_yet_closed:
            return o.get_state_display()
        if self.raised_pence >= o.maximum_pence:
            return "Oversubscribed: applications will be scaled back as the offer says"
        if self.raised_pence >= o.minimum_pence:
            return "Open: the minimum target is met"
        return "Open: the minimum target is not yet met"

    def as_dict(self) -> dict:
        o = self.offer
        return {
            "offer": o.pk, "title": o.title, "kind": o.kind, "policy": o.policy,
            "opens_on": o.opens_on.isoformat(), "closes_on": o.closes_on.isoformat(),
            "state": o.state, "minimum_pence": o.minimum_pence, "optimum_pence": o.optimum_pence,
            "maximum_pence": o.maximum_pence, "raised_pence": self.raised_pence,
            "applicants": self.applicants, "allotted_pence": self.allotted_pence,
        }  # fmt: skip


def progress(offer: ShareOffer) -> Progress:
    totals = offer.applications.aggregate(
        raised=Sum("paid_pence"), applicants=Count("id"), refunded=Sum("refunded_pence")
    )
    raised = totals["raised"] or 0
    allotted = None
    if not offer.not_yet_closed:
        allotted = raised - (totals["refunded"] or 0)
    return Progress(offer, raised, totals["applicants"], allotted)
