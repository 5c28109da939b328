"""The organisation this project exists to prevent: a co-operative society with no members,
no AGM ever held, and two chairs appointed by one person where its rulebook says the board
elects the chair. The health check reports exactly those three findings, each with the rule it
breaks, and nothing else; then each clears as the society puts it right."""

from datetime import date

import pytest
from governance_helpers import admit, found, hold_meeting

from mutualise.governance import services
from mutualise.governance.models import OfficeHolding

TODAY = date(2026, 5, 1)  # the year end 31 December 2024's AGM was due by 30 June 2025


@pytest.fixture
def failing(db):
    org = found("co-operative-society", "failing-coop", founded=date(2024, 1, 1))
    for n, name in enumerate(["Ann Director", "Bob Director", "Cy Director"], start=1):
        services.record_existing_holder(
            org,
            body_id="board",
            seat_group_id="elected-directors",
            how="elected",
            chosen_by="the members at the founding meeting",
            started_on=date(2024, 1, 1),
            holder_name=name,
            address=f"{n} Board Row, Town",
            actor="test",
        )
    for name in ["Ann Director", "Bob Director"]:
        services.appoint(
            org,
            body_id="board",
            office_id="chair",
            chosen_by="Pat Leader",
            decided_on=date(2024, 2, 1),
            holder_name=name,
            address="1 Board Row, Town",
            actor="test",
        )
    return org


def ids(org):
    return [f.id for f in services.check_organisation(org, today=TODAY)]


def test_exactly_the_three_findings_with_the_rule_each_breaks(failing):
    findings = services.check_organisation(failing, today=TODAY)
    assert [(f.id, str(f.severity)) for f in findings] == [
        ("BRD-4", "serious"),
        ("MTG-1", "serious"),
        ("REG-1", "serious"),
    ]
    by_id = {f.id: f for f in findings}
    assert by_id["REG-1"].statement == ("The register has 0 members: the rules need at least 3.")
    assert "membership.minimum_members: 3" in by_id["REG-1"].rule
    assert "Co-operative and Community Benefit Societies Act 2014 s.2" in by_id["REG-1"].rule
    assert by_id["MTG-1"].statement == (
        "No AGM has been held within 6 months of the year end 31 December 2024 "
        "(due by 30 June 2025): none has ever been held."
    )
    assert by_id["MTG-1"].rule.startswith("meetings.agm.within_months_of_year_end: 6")
    chair = by_id["BRD-4"]
    assert "Chair of the board is held by 2 people (Ann Director, Bob Director)" in chair.statement
    assert "appointed by Pat Leader, not elected" in chair.statement
    assert "the rules say the board of directors elects one" in chair.statement
    assert chair.rule == "bodies.board.offices.chair.filled_by: elected, electorate board"


def test_the_findings_clear_one_by_one(failing):
    assert ids(failing) == ["BRD-4", "MTG-1", "REG-1"]

    members = admit(failing, ["Ann Director", "Bob Director", "Cy Director"], on=date(2025, 3, 1))
    assert ids(failing) == ["BRD-4", "MTG-1"]

    hold_meeting(failing, kind="agm", on=date(2025, 5, 20), attendees=members, financial_year=2024)
    assert ids(failing) == ["BRD-4"]

    services.record_office_election(
        failing,
        body_id="board",
        office_id="chair",
        member=members[2],
        decided_on=date(2026, 4, 1),
        actor="test",
    )
    assert ids(failing) == []
    appointed = OfficeHolding.objects.filter(organisation=failing, how="appointed")
    assert {h.ended_on for h in appointed} == {date(2026, 4, 1)}


def test_exit_status_and_json_from_the_command(failing, capsys):
    import json

    from mutualise.cli import main

    assert main(["health", "failing-coop", "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["organisation"] == "failing-coop"
    assert {f["id"] for f in out["findings"]} >= {"BRD-4", "REG-1"}
    assert main(["health", "failing-coop"]) == 1
    assert "REG-1 [serious]" in capsys.readouterr().out
