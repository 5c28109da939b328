"""The roles-by-action matrix of docs/roles.md (elections section), rule by rule and role by
role, and the lifecycle table state by state."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from election_helpers import CLOSE_OF_POLL, Driver, make_members, make_user, moment

from mutualise.elections import lifecycle, rules, services
from mutualise.elections.lifecycle import State
from mutualise.jobs.worker import run_queued
from mutualise.register.models import Role

pytestmark = pytest.mark.django_db

# role -> (run the election: steps, roll, codes, poll cards, paper; manage: set up; nominate)
# Each returning officer's action by each role: test_elections_independence.py.
MATRIX = {
    "public": (False, False, False),
    "member": (False, False, True),
    "officer": (False, True, False),
    "board": (False, False, False),
    "chair": (False, False, False),
    "returning_officer": (True, True, False),
    "returning_officer_also_officer": (False, True, False),
    "returning_officer_also_candidate": (False, False, True),
    "returning_officer_also_board": (False, False, False),
    "administrator": (False, False, False),
}


@pytest.fixture
def election(nhs_org):
    return services.create_election(
        nhs_org,
        body_id="council-of-governors",
        seat_group_id="public-newcastle",
        close_of_poll=CLOSE_OF_POLL,
        actor="test",
        now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )


def _user(election, role):
    org = election.organisation
    if role == "public":
        return AnonymousUser()
    if role in Role.Kind.values:
        return make_user(org, role, role)
    if role == "returning_officer_also_officer":
        return make_user(org, role, Role.Kind.RETURNING_OFFICER, Role.Kind.OFFICER)
    if role == "returning_officer_also_board":
        return make_user(org, role, Role.Kind.RETURNING_OFFICER, Role.Kind.BOARD)
    user = make_user(org, role, *([Role.Kind.RETURNING_OFFICER] if "candidate" in role else []))
    (member,) = make_members(org, "public-newcastle", 1)
    member.user = user
    member.save()
    if "candidate" in role:
        drive = Driver(election, "test")
        drive.to_nominations()
        services.nominate(
            election,
            member,
            declarations=org.constitution.body("council-of-governors").disqualifications,
            actor="test",
            now=drive.nominating,
        )
    return user


@pytest.mark.parametrize("role", sorted(MATRIX))
def test_roles_by_action(election, role):
    user = _user(election, role)
    run, manage, nominate = MATRIX[role]
    assert bool(rules.is_returning_officer(user, election)) is run
    assert bool(rules.can_manage(user, election)) is manage
    assert bool(rules.is_member(user, election)) is nominate
    assert user.has_perm("elections.run_election", election) is run
    if not run and not isinstance(user, AnonymousUser):
        with pytest.raises(services.NotPermitted):
            services.transition(election, "publish_notice", actor=user)


# state -> the transitions that leave it
LEAVING = {
    State.DRAFT: {"publish_notice", "void"},
    State.NOTICE_PUBLISHED: {"open_nominations", "void"},
    State.NOMINATIONS_OPEN: {"close_nominations", "void"},
    State.NOMINATIONS_CLOSED: {"close_withdrawals", "void"},
    State.WITHDRAWALS_CLOSED: {"open_poll", "declare_uncontested", "reopen_nominations", "void"},
    State.POLL_OPEN: {"close_poll", "void"},
    State.POLL_CLOSED: {"count", "void"},
    State.COUNTED: {"declare", "void"},
    State.DECLARED: set(),
    State.VOID: set(),
}


@pytest.mark.parametrize("state", list(State))
def test_each_state_has_exactly_its_transitions(election, state):
    facts = services.facts(election)
    facts = lifecycle.Facts(**{**facts.__dict__, "state": state})
    assert {t.name for t, _, _ in lifecycle.available(facts)} == LEAVING[state]
    for name in set(lifecycle.BY_NAME) - LEAVING[state]:
        allowed, reason = lifecycle.check(name, facts)
        assert not allowed and "not possible while" in reason


def test_moving_the_close_of_poll_rechecks_the_rules(election):
    with pytest.raises(services.ElectionError, match="not a working day"):
        services.move_close_of_poll(election, CLOSE_OF_POLL + timedelta(days=4), actor="ro")
    table = services.move_close_of_poll(
        election,
        CLOSE_OF_POLL + timedelta(days=7),
        actor="ro",
        now=moment(CLOSE_OF_POLL) - timedelta(days=120),
    )
    assert table.close_of_poll.date() == CLOSE_OF_POLL + timedelta(days=7)
    drive = Driver(election, "ro")
    drive.to_nominations()
    with pytest.raises(services.ElectionError, match="nominations would already have closed"):
        services.move_close_of_poll(
            election, CLOSE_OF_POLL, actor="ro", now=drive.table.nominations_close
        )


def test_codes_by_email_and_late_roll_corrections(
    election, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    org = election.organisation
    voters = make_members(org, "public-newcastle", 3)
    voters[0].email = "ada@example.org"
    voters[0].save()
    drive = Driver(election, "ro")
    drive.to_nominations()
    drive.step("close_nominations", drive.at("nominations_close"))
    assert services.freeze_roll(election, actor="ro") == 3
    job = services.email_credentials(election, actor="ro")
    assert (job.kind, job.total, job.unit) == ("elections.email_codes", 1, "messages")
    with django_capture_on_commit_callbacks(execute=True):
        run_queued()  # the worker's job, then its messages
    job.refresh_from_db()
    assert (job.state, job.done, job.result) == (
        "done",
        1,
        {"election": election.pk, "emailed": 1, "unusable_addresses": 0},
    )
    (message,) = mail.outbox
    code = next(w for w in message.body.split() if services.codes.looks_like_code(w))
    assert services.check_code(election, code).roll_entry.member == voters[0]
    (late,) = make_members(org, "public-newcastle", 1)
    with pytest.raises(services.ElectionError, match="reason"):
        services.correct_roll(election, late, add=True, reason=" ", actor="ro")
    services.correct_roll(election, late, add=True, reason="admitted before cut-off", actor="ro")
    services.correct_roll(election, voters[1], add=False, reason="died", actor="ro")
    assert services.roll_counts(election) == {
        "without_code": 2,
        "voters": 3,
        "added_late": 1,
        "removed": 1,
    }


def test_the_console_moves_the_close_of_poll(election, client):
    ro = make_user(election.organisation, "ro", Role.Kind.RETURNING_OFFICER)
    client.force_login(ro)
    move = f"/o/{election.organisation.slug}/elections/{election.pk}/console/move/"
    page = client.post(move, {"close_of_poll": "2027-06-19"}, follow=True).content.decode()
    assert "not a working day" in page
    later = CLOSE_OF_POLL + timedelta(days=7)
    client.post(move, {"close_of_poll": later.isoformat()})
    election.refresh_from_db()
    assert election.close_of_poll == later
    officer = make_user(election.organisation, "secretary", Role.Kind.OFFICER)
    client.force_login(officer)
    assert client.post(move, {"close_of_poll": "2027-06-29"}).status_code == 403
