"""The demo seats its bodies' holders 180 days back; on a day that lands on 29 February their
terms end by the calendar (28 February), where `replace(year=...)` raised (issue 20 item 5)."""

from datetime import date

import pytest

from mutualise.demo import bodies
from mutualise.governance.models import OfficeHolding
from mutualise.register import services as register

pytestmark = pytest.mark.django_db


def test_holders_seated_on_29_february_serve_to_28_february(monkeypatch):
    monkeypatch.setattr(bodies.clock, "localdate", lambda: date(2028, 8, 27))  # 180 days on
    org = register.create_from_model(
        model="co-operative-society", name="Leap Co-op", slug="leap", actor="test"
    )
    assert bodies.seat_bodies(org) > 0
    years = org.constitution.bodies[0].term.years
    ends = set(OfficeHolding.objects.filter(organisation=org).values_list("ends_on", flat=True))
    assert date(2028 + years, 2, 28) in ends
