"""The result page as a member reads it on a 390x844 phone: each stage in words, a chart that
fits the screen with labelled axes, the table of transfers and totals as its alternative, and
no serious or critical axe violation."""

import sys
from datetime import timedelta
from pathlib import Path

import pytest

from mutualise.elections import clock, services
from mutualise.register import services as register
from mutualise.register.models import Role

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "elections"))
from election_helpers import (  # noqa: E402
    CLOSE_OF_POLL,
    Driver,
    make_members,
    make_user,
    moment,
    nhs_rulebook,
)

pytestmark = pytest.mark.django_db(transaction=True)
DECLARE = [
    "an undischarged bankrupt",
    "sentenced to prison for 3 months or more in the last 5 years",
]


@pytest.fixture
def declared(monkeypatch):
    org = register.create_organisation(
        name="Example Tyneside Hospitals",
        constitution_text=nhs_rulebook(),
        source_name="nhs_foundation_trust.yaml",
        slug="tyneside",
        actor="test",
    )
    officer = make_user(org, "ro", Role.Kind.RETURNING_OFFICER)
    election = services.create_election(
        org,
        body_id="council-of-governors",
        seat_group_id="public-north-tyneside",
        close_of_poll=CLOSE_OF_POLL,
        actor=officer,
        now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )
    drive = Driver(election, officer)
    drive.to_nominations()
    names = ["Aisha Rahman", "Ben Okafor", "Cara Lindqvist-Montgomery", "Derek Usher", "Ed Elm"]
    members = make_members(org, "public-north-tyneside", len(names), prefix="Candidate")
    for member, name in zip(members, names, strict=True):
        services.nominate(
            election, member, ballot_name=name, declarations=DECLARE, actor="x",
            now=drive.nominating,
        )  # fmt: skip
    make_members(org, "public-north-tyneside", 14)
    codes = list(drive.to_poll().values())
    monkeypatch.setattr(clock, "now", lambda: drive.polling)
    marks = [[1, 3], [1, 3], [1, 3], [1, 2], [1], [1], [4], [4, 2], [4], [2], [2, 3], [3], [5, 3]]
    for code, ranking in zip(codes, marks, strict=False):
        services.cast(election, code, ranking, now=drive.polling)
    monkeypatch.setattr(clock, "now", lambda: drive.at("close_of_poll"))
    return drive.close_and_count()


def test_result_page_on_a_phone(page, declared, assert_accessible):
    election = declared
    page.goto(f"/o/{election.organisation.slug}/elections/{election.pk}/results/")
    story = page.locator("#stage-story").inner_text()
    assert "First preferences counted" in story and "elected:" in story and "(rule " in story
    assert f"Counted by {election.method_name}." in page.content()
    chart = page.locator("figure.mutualise-chart svg")
    box = chart.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing pokes out
    axis = chart.locator("text").all_text_contents()
    assert "Stage" in axis and "Votes" in axis
    # The table of the same figures is the chart's alternative for screen readers.
    assert "table" in chart.locator("desc").text_content()
    rows = page.locator("#stage-table tbody tr")
    assert rows.last.locator("th").inner_text() == "Total"
    totals = rows.last.locator("td").all_inner_texts()
    assert {t for t in totals if t} == {f"{float(election.result['valid_poll']):.2f}"}
    assert_accessible(page, "result page")
