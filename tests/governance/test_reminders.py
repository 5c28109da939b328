"""The officers' reminders: one of each kind raised from the rulebook and mailed once, the same
day twice raising nothing more, a rulebook change moving the date, and the officers' page."""

from datetime import date, datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from governance_helpers import found

from mutualise.constitution import model_path
from mutualise.constitution.calendar import LONDON
from mutualise.elections import services as elections
from mutualise.governance import services
from mutualise.governance.models import Reminder
from mutualise.register import services as register

pytestmark = pytest.mark.django_db


@pytest.fixture
def coop(db):
    """A co-operative society founded on 1 January 2024: year end 31 December, an AGM within
    6 months of it on 14 clear days' notice, three directors on 3-year terms, two officers."""
    org = found("co-operative-society", "remind-coop", founded=date(2024, 1, 1))
    for n, name in enumerate(["Ann Director", "Bob Director", "Cy Director"], start=1):
        services.record_existing_holder(
            org, body_id="board", seat_group_id="elected-directors", how="elected",
            chosen_by="the members at the founding meeting", started_on=date(2024, 1, 1),
            holder_name=name, address=f"{n} Board Row, Town", actor="test",
        )  # fmt: skip
    users = get_user_model().objects
    for name in ("sec", "admin"):
        user = users.create_user(name, email=f"{name}@example.org", password="x" * 20)
        register.grant_role(org, user, "officer" if name == "sec" else "administrator")
    users.create_user("member", email="member@example.org", password="x" * 20)
    return org


def refresh(org, on, capture):
    with capture(execute=True):
        return services.refresh_reminders([org], today=on)


def open_kinds(org) -> dict[str, list[Reminder]]:
    found = {}
    for reminder in services.open_reminders(org):
        found.setdefault(reminder.kind, []).append(reminder)
    return found


def test_an_agm_falling_due_is_raised_once_and_mailed_to_each_officer(
    coop, django_capture_on_commit_callbacks
):
    assert refresh(coop, date(2025, 5, 17), django_capture_on_commit_callbacks).raised == 0
    # The notice for an AGM due by 30 June 2025 must go by 15 June: shown 28 days before.
    outcome = refresh(coop, date(2025, 5, 18), django_capture_on_commit_callbacks)
    (agm,) = open_kinds(coop)["annual"]
    assert (agm.due_on, agm.act_by) == (date(2025, 6, 30), date(2025, 6, 15))
    assert "within 6 months of the year end 31 December 2024" in agm.text
    assert agm.rule.startswith("meetings.agm.within_months_of_year_end: 6")
    assert (outcome.raised, outcome.mailed) == (1, 2)
    assert sorted(m.to[0] for m in mail.outbox) == ["admin@example.org", "sec@example.org"]
    assert "AGM is due by 30 June 2025" in mail.outbox[0].subject

    again = refresh(coop, date(2025, 5, 18), django_capture_on_commit_callbacks)
    later = refresh(coop, date(2025, 5, 19), django_capture_on_commit_callbacks)
    assert (again.raised, again.mailed, later.raised) == (0, 0, 0)
    assert len(mail.outbox) == 2 and Reminder.objects.count() == 1


def test_a_rulebook_change_changes_the_reminder_date(coop, django_capture_on_commit_callbacks):
    refresh(coop, date(2025, 3, 1), django_capture_on_commit_callbacks)
    assert "annual" not in open_kinds(coop)  # 30 June is still far off
    text = model_path("co-operative-society").read_text(encoding="utf-8")
    text = text.replace("within_months_of_year_end: 6", "within_months_of_year_end: 3", 1)
    register.adopt_constitution(
        coop, text=text, source_name="amended.yaml", actor="test", reason="AGM sooner"
    )
    refresh(coop, date(2025, 3, 1), django_capture_on_commit_callbacks)
    (agm,) = open_kinds(coop)["annual"]
    assert (agm.due_on, agm.act_by) == (date(2025, 3, 31), date(2025, 3, 16))
    assert agm.rule.startswith("meetings.agm.within_months_of_year_end: 3")
    # Back to six months: the March reminder no longer applies and is closed.
    register.adopt_constitution(
        coop, text=text.replace("of_year_end: 3", "of_year_end: 6", 1), source_name="back.yaml",
        actor="test", reason="as before",
    )  # fmt: skip
    outcome = refresh(coop, date(2025, 3, 2), django_capture_on_commit_callbacks)
    assert outcome.closed == 1 and "annual" not in open_kinds(coop)


def test_terms_ending_by_the_rulebooks_term(coop, django_capture_on_commit_callbacks):
    refresh(coop, date(2026, 12, 3), django_capture_on_commit_callbacks)
    assert "term" not in open_kinds(coop)
    refresh(coop, date(2026, 12, 4), django_capture_on_commit_callbacks)  # 28 days before
    terms = open_kinds(coop)["term"]
    assert len(terms) == 3 and {t.due_on for t in terms} == {date(2027, 1, 1)}
    assert terms[0].act_by == date(2026, 12, 31)
    assert terms[0].rule == "bodies.board.term.years: 3"


def test_nominations_and_the_poll_closing(coop, django_capture_on_commit_callbacks):
    election = elections.create_election(
        coop, body_id="board", seat_group_id="elected-directors", close_of_poll=date(2025, 7, 10),
        actor="test", now=datetime(2025, 5, 1, 9, tzinfo=LONDON),
    )  # fmt: skip
    closes = elections.timetable(election).nominations_close.date()
    refresh(coop, date(2025, 6, 1), django_capture_on_commit_callbacks)
    (nominations,) = open_kinds(coop)["nominations"]
    assert nominations.due_on == closes and nominations.key == f"election:{election.pk}"
    assert "poll" not in open_kinds(coop)  # 10 July is more than 28 days away
    refresh(coop, date(2025, 7, 1), django_capture_on_commit_callbacks)
    kinds = open_kinds(coop)
    assert "nominations" not in kinds  # passed: closed
    (poll,) = kinds["poll"]
    assert poll.due_on == date(2025, 7, 10) and "12:00" in poll.title


def test_the_officers_page_lists_them_and_an_officer_closes_one(
    coop, client, django_capture_on_commit_callbacks
):
    refresh(coop, date(2025, 6, 1), django_capture_on_commit_callbacks)
    users = get_user_model().objects
    client.force_login(users.get(username="member"))
    assert client.get(f"/o/{coop.slug}/accountability/reminders/").status_code == 403
    assert "The AGM is due" not in client.get(f"/o/{coop.slug}/").content.decode()
    client.force_login(users.get(username="sec"))
    page = client.get(f"/o/{coop.slug}/accountability/reminders/").content.decode()
    assert "The AGM is due by 30 June 2025" in page and "Daily work" in page
    home = client.get(f"/o/{coop.slug}/").content.decode()
    assert "1 open" in home and "The AGM is due by 30 June 2025 (act by 15 June 2025)" in home
    (agm,) = open_kinds(coop)["annual"]
    response = client.post(f"/o/{coop.slug}/accountability/reminders/{agm.pk}/close")
    assert response.status_code == 302 and open_kinds(coop) == {}
    refresh(coop, date(2025, 6, 2), django_capture_on_commit_callbacks)
    assert open_kinds(coop) == {}  # dealt with: not raised again
