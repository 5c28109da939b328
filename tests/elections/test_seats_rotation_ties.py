"""Retirement by rotation where the cut falls among directors who took office on the same day
(issue 20 item 5): `vacancies()` does not choose among them by name; it reports the tie, to be
decided as the rulebook's `bodies.*.rotation.ties` says (`lot`, or `agreement-then-lot`). The
co-operative society's board: 7 elected seats, one third retire (rounded to nearest: 2)."""

from datetime import date, timedelta

import pytest
from election_helpers import CLOSE_OF_POLL, make_user, moment

from mutualise.constitution import model_path
from mutualise.constitution.explain import explain
from mutualise.elections import seats, services
from mutualise.elections.models import OfficeTerm
from mutualise.register import services as register
from mutualise.register.models import Role

pytestmark = pytest.mark.django_db
TIES_LOT = "      ties: lot                         # [S]\n"
MAY_2024 = date(2024, 5, 1)


def _society(ties: str, slug: str, starts: list[tuple[str, date]]):
    text = model_path("co-operative-society").read_text(encoding="utf-8")
    assert TIES_LOT in text
    text = text.replace(TIES_LOT, f"      ties: {ties}\n", 1)
    org = register.create_organisation(
        name=f"Society {slug}", constitution_text=text, source_name="c.yaml", slug=slug, actor="t"
    )
    for name, started in starts:
        OfficeTerm.objects.create(
            organisation=org, body_id="board", seat_group_id="elected-directors",
            holder_name=name, started_on=started, ends_on=date(2030, 5, 1),
        )  # fmt: skip
    return org


def _free(org):
    return seats.vacancies(org, "board", "elected-directors", CLOSE_OF_POLL)


LATER = [("Dee", date(2025, 5, 1)), ("Eve", date(2025, 5, 1)), ("Fay", date(2026, 5, 1))]


def test_a_tie_at_the_cut_is_reported_not_decided_by_name():
    # Zed took office first; Cy, Ann and Bob on the same day: 1 of those 3 retires with Zed.
    tied = [("Cy", MAY_2024), ("Ann", MAY_2024), ("Bob", MAY_2024)]
    org = _society("lot", "lot", [("Zed", date(2023, 5, 1)), *tied, *LATER])
    free = _free(org)
    assert free.count == 2 and free.continuing == 5  # the seat count is unchanged
    assert free.retiring_by_rotation == ["Zed"]  # not "Ann", first by name
    tie = free.rotation_tie
    assert (tie.tied, tie.retire, tie.started_on) == (["Ann", "Bob", "Cy"], 1, MAY_2024)
    assert tie.words == (
        "1 of Ann, Bob and Cy, who took office on 1 May 2024, retires by lot "
        "(rulebook: bodies.board.rotation.ties)"
    )
    assert free.as_dict()["rotation_tie"]["words"] == tie.words
    assert "those to retire are chosen by lot" in " ".join(explain(org.constitution))


def test_agreement_then_lot_has_its_words_on_the_console(client):
    tied = [("Ann", MAY_2024), ("Bob", MAY_2024), ("Cy", MAY_2024)]
    org = _society("agreement-then-lot", "agree", [*tied, ("Gus", MAY_2024), *LATER[:2]])
    words = (
        "2 of Ann, Bob, Cy and Gus, who took office on 1 May 2024, retire as they agree among "
        "themselves, or if they do not agree, by lot (rulebook: bodies.board.rotation.ties)"
    )
    assert _free(org).retiring_by_rotation == [] and _free(org).rotation_tie.words == words
    assert "or failing agreement chosen by lot" in " ".join(explain(org.constitution))
    officer = make_user(org, "ro-agree", Role.Kind.RETURNING_OFFICER)
    election = services.create_election(
        org, body_id="board", seat_group_id="elected-directors", close_of_poll=CLOSE_OF_POLL,
        actor=officer, now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )  # fmt: skip
    assert election.vacancies == 3  # 1 empty seat and 2 retiring by rotation
    assert election.vacancies_explained["rotation_tie"]["retire"] == 2
    client.force_login(officer)
    page = client.get(f"/o/{org.slug}/elections/{election.pk}/console/").content.decode()
    assert f'<span id="rotation-tie">{words}.</span>' in page


def test_no_tie_at_the_cut_leaves_the_longest_serving_retiring():
    # Bob and Cy share a day, but the cut (2) falls after Ann: nothing is tied.
    starts = [("Zed", date(2023, 5, 1)), ("Ann", date(2023, 9, 1)), ("Bob", MAY_2024)]
    free = _free(_society("lot", "clean", [*starts, ("Cy", MAY_2024), *LATER]))
    assert free.retiring_by_rotation == ["Zed", "Ann"] and free.rotation_tie is None
    assert free.count == 2 and free.as_dict()["rotation_tie"] is None
