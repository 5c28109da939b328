"""Every demo organisation's bodies, seated in the register of office holders: the board,
council or committee its members elected (or its appointers appointed) before the organisation
began keeping its register in mutualise, recorded as existing holders through governance's
services. Without them the health check finds every board empty (BRD-1) and a healthy demo
organisation shows a serious finding. The NHS trust's council is left mostly vacant on purpose:
its accountability page is the demo's live finding (`nhs_trust.SEAT_BODIES`)."""

from __future__ import annotations

from datetime import timedelta

from mutualise import clock
from mutualise.constitution.calendar import add_period
from mutualise.governance import services as governance
from mutualise.governance.models import OfficeHolding

ADDRESS = "c/o the registered office"


def seat_bodies(organisation) -> int:
    """Fill every seat group and office of every body the way the rulebook fills it, unless
    the register already has a holder (a second load changes nothing). Returns how many."""
    if OfficeHolding.objects.filter(organisation=organisation).exists():
        return 0
    today = clock.localdate()
    started_on = today - timedelta(days=180)  # within even a one-year term
    made = 0
    constitution = organisation.constitution
    for body in constitution.bodies:
        # By the calendar: a term begun on 29 February ends on 28 February, not a ValueError.
        ends_on = add_period(started_on, body.term.years, "years")
        for group in body.seats:
            for n in range(group.seats):
                governance.record_existing_holder(
                    organisation,
                    body_id=body.id,
                    seat_group_id=group.id,
                    how=str(group.filled_by),
                    chosen_by=constitution.chooser_name(
                        group.appointer or group.electorate or group.office or body.id
                    ),
                    # co-opted since the last AGM: they serve until the next one
                    started_on=today - timedelta(days=5) if group.until_next_agm else started_on,
                    ends_on=ends_on,
                    holder_name=f"{group.label} {n + 1}",
                    address=ADDRESS,
                    actor="demo",
                )
                made += 1
        for office in body.offices:
            governance.record_existing_holder(
                organisation,
                body_id=body.id,
                office_id=office.id,
                how=str(office.filled_by),
                chosen_by=constitution.chooser_name(
                    office.electorate or office.appointer or body.id
                ),
                started_on=started_on,
                holder_name=f"{office.name} of the {body.name}",
                address=ADDRESS,
                actor="demo",
            )
            made += 1
    return made
