"""The register of office holders: elected terms enter it when the elections app writes them;
appointments need who decided; the officers' register lists everyone; users are checked."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from governance_helpers import found

from mutualise.audit.services import events_about, verify
from mutualise.elections.models import OfficeTerm
from mutualise.governance import services
from mutualise.governance.models import OfficeHolding


@pytest.fixture
def coop(db):
    return found("co-operative-society", "holders-coop")


def test_an_elected_term_enters_the_register_and_follows_its_end(coop):
    term = OfficeTerm.objects.create(
        organisation=coop,
        body_id="board",
        seat_group_id="elected-directors",
        holder_name="Dee Elected",
        started_on=date(2026, 6, 1),
        ends_on=date(2029, 6, 1),
    )
    holding = OfficeHolding.objects.get(term=term)
    assert (holding.how, holding.started_on, holding.ends_on) == (
        "elected",
        term.started_on,
        term.ends_on,
    )
    assert events_about(coop, "OfficeHolding", holding.pk).get().action == "holding.elected"
    term.ended_on = date(2027, 1, 1)
    term.save()
    holding.refresh_from_db()
    assert holding.ended_on == date(2027, 1, 1)
    assert verify(coop).ok


def test_ending_an_elected_holding_leaves_a_casual_vacancy_for_elections(coop):
    term = OfficeTerm.objects.create(
        organisation=coop,
        body_id="board",
        seat_group_id="elected-directors",
        holder_name="Ed",
        started_on=date(2026, 1, 1),
        ends_on=date(2029, 1, 1),
    )
    services.end_holding(term.holding, on=date(2026, 7, 1), reason="resigned", actor="test")
    term.refresh_from_db()
    assert term.ended_on == date(2026, 7, 1)


def test_an_appointment_says_who_appointed_and_the_seat_must_exist(coop):
    with pytest.raises(services.GovernanceError, match="who appointed"):
        services.appoint(
            coop,
            body_id="board",
            office_id="chair",
            chosen_by=" ",
            decided_on=date(2026, 1, 1),
            holder_name="X",
            actor="test",
        )
    with pytest.raises(services.GovernanceError, match="no office 'treasurer'; known: chair"):
        services.appoint(
            coop,
            body_id="board",
            office_id="treasurer",
            chosen_by="board",
            decided_on=date(2026, 1, 1),
            holder_name="X",
            actor="test",
        )
    with pytest.raises(services.GovernanceError, match="no body 'senate'"):
        services.appoint(
            coop,
            body_id="senate",
            seat_group_id="x",
            chosen_by="board",
            decided_on=date(2026, 1, 1),
            holder_name="X",
            actor="test",
        )


def test_officers_register_lists_name_address_office_and_dates(coop):
    services.appoint(
        coop,
        body_id="board",
        seat_group_id="co-opted-directors",
        how="co-opted",
        chosen_by="the board",
        decided_on=date(2026, 2, 1),
        holder_name="Flo",
        address="2 Quay, Town",
        actor="test",
    )
    (row,) = services.officers_register(coop)
    assert row["name"] == "Flo" and row["address"] == "2 Quay, Town"
    assert row["office"] == "Board of Directors: Co opted directors"  # words, not the id
    assert (row["from"], row["to"], row["how"]) == (date(2026, 2, 1), None, "Co-opted")


def test_a_user_without_a_role_may_not_keep_the_register(coop):
    user = get_user_model().objects.create_user("nobody")
    with pytest.raises(services.NotPermitted):
        services.appoint(
            coop,
            body_id="board",
            office_id="chair",
            chosen_by="board",
            decided_on=date(2026, 1, 1),
            holder_name="X",
            actor=user,
        )
    assert not OfficeHolding.objects.filter(organisation=coop).exists()


def test_a_declared_disqualification_is_a_finding_until_the_holding_ends(coop):
    holding = services.record_existing_holder(
        coop,
        body_id="board",
        seat_group_id="elected-directors",
        how="elected",
        chosen_by="AGM 2025",
        started_on=date(2025, 6, 1),
        holder_name="Gil",
        address="3 Row",
        actor="test",
    )
    services.declare(
        holding,
        kind="disqualification",
        text="an undischarged bankrupt",
        on=date(2026, 3, 1),
        actor="test",
    )
    today = date(2026, 4, 1)
    assert "BRD-8" in [f.id for f in services.check_organisation(coop, today=today)]
    services.end_holding(holding, on=date(2026, 3, 1), reason="disqualified", actor="test")
    assert "BRD-8" not in [f.id for f in services.check_organisation(coop, today=today)]


def test_the_command_appoints_lists_and_ends(coop, capsys):
    from mutualise.cli import main

    args = [
        "officers",
        "appoint",
        coop.slug,
        "--body",
        "board",
        "--office",
        "chair",
        "--by",
        "the board",
        "--on",
        "2026-02-01",
        "--name",
        "Hal",
        "--address",
        "4 Row",
    ]
    assert main(args) == 0
    holding = OfficeHolding.objects.get(organisation=coop)
    assert main(["officers", "list", coop.slug]) == 0
    assert f"{holding.pk}\tHal\tBoard of Directors: Chair of the board\tAppointed" in (
        capsys.readouterr().out
    )
    assert (
        main(
            [
                "officers",
                "appoint",
                coop.slug,
                "--body",
                "board",
                "--office",
                "chair",
                "--by",
                "x",
                "--on",
                "1 Feb",
                "--name",
                "Ivy",
            ]
        )
        == 2
    )
    assert "--on: '1 Feb' is not a date" in capsys.readouterr().err
    assert (
        main(["officers", "end", str(holding.pk), "--on", "2026-03-01", "--reason", "resigned"])
        == 0
    )
    holding.refresh_from_db()
    assert holding.ended_on == date(2026, 3, 1)
