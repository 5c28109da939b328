"""Issue 10, part 5: only the election's independent returning officer (not a candidate,
proposer or seconder in it, holding no role the rulebook excludes) may freeze the roll, correct
it, issue or replace codes, see poll cards or key paper ballots. One test per action and role,
through the services (which the CLI, the API and the pages all call) and, for poll cards and
paper keying, through the pages too."""

from datetime import timedelta

import pytest
from election_helpers import CLOSE_OF_POLL, Driver, make_members, make_user, moment, nhs_rulebook

from mutualise.elections import services
from mutualise.elections.models import Credential, PaperEntry, RollEntry, VoteRecord
from mutualise.jobs.worker import run_queued
from mutualise.mail.models import Message
from mutualise.register import services as register
from mutualise.register.models import Role

pytestmark = pytest.mark.django_db
DECLARE = [
    "an undischarged bankrupt",
    "sentenced to prison for 3 months or more in the last 5 years",
]
SEATS = "public-north-tyneside"
R = Role.Kind

# role -> (roles held, part played in the election)
ROLES = {
    "returning_officer": ((R.RETURNING_OFFICER,), None),
    "officer": ((R.OFFICER,), None),
    "board": ((R.BOARD,), None),
    "chair": ((R.CHAIR,), None),
    "administrator": ((R.ADMINISTRATOR,), None),
    "member": ((), None),
    "returning_officer_also_officer": ((R.RETURNING_OFFICER, R.OFFICER), None),
    "returning_officer_also_board": ((R.RETURNING_OFFICER, R.BOARD), None),
    "returning_officer_also_chair": ((R.RETURNING_OFFICER, R.CHAIR), None),
    "returning_officer_also_candidate": ((R.RETURNING_OFFICER,), "candidate"),
    "returning_officer_also_proposer": ((R.RETURNING_OFFICER,), "proposer"),
    "returning_officer_also_seconder": ((R.RETURNING_OFFICER,), "seconder"),
}
ALLOWED = {"returning_officer"}


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    """A hundred scenarios each make two users: a slow password hash is not what is tested."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _scenario(org, role, stage, suffix=""):
    """An election at `stage` ('closed': nominations closed, roll not frozen; 'frozen': roll
    frozen, no codes; 'polling': poll open) and a user in `role`, plus a second, independent
    returning officer (a deputy) who ran it there."""
    kinds, part = ROLES[role]
    user = make_user(org, role + suffix, *kinds)
    deputy = make_user(org, "deputy" + suffix, R.RETURNING_OFFICER)
    election = services.create_election(
        org,
        body_id="council-of-governors",
        seat_group_id=SEATS,
        close_of_poll=CLOSE_OF_POLL,
        actor=deputy,
        now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )
    drive = Driver(election, deputy)
    drive.to_nominations()
    candidates = make_members(org, SEATS, 5, prefix="Candidate")
    helpers = make_members(org, SEATS, 2, prefix="Helper")
    voters = make_members(org, SEATS, 4)
    own = {"candidate": candidates[0], "proposer": helpers[0], "seconder": helpers[1]}
    if part:
        own[part].user = user
        own[part].save()
    elif kinds != (R.RETURNING_OFFICER,):  # the rulebook's returning officer is no member
        voters[0].user = user
        voters[0].save()
    for k, member in enumerate(candidates):
        services.nominate(
            election, member, declarations=DECLARE, actor="x", now=drive.nominating,
            proposers=helpers[:1] if k == 0 else (), seconders=helpers[1:] if k == 0 else (),
        )  # fmt: skip
    codes = {}
    if stage == "closed":
        drive.step("close_nominations", drive.at("nominations_close"))
    elif stage == "frozen":
        drive.step("close_nominations", drive.at("nominations_close"))
        services.freeze_roll(election, actor=deputy)
    else:
        codes = drive.to_poll()
    election.refresh_from_db()
    return election, user, deputy, voters, codes


def _nothing(election, deputy, voters, codes):
    pass


def _deputy_issues(election, deputy, voters, codes):
    services.issue_credentials(election, actor=deputy)


def _give_email(election, deputy, voters, codes):
    voters[2].email = "voter@example.org"
    voters[2].save()


def _deputy_keys(election, deputy, voters, codes):
    services.key_paper_ballot(election, codes[voters[1].pk], [2, 1], actor=deputy)


def _late_member(election):
    return make_members(election.organisation, SEATS, 1, prefix="Late")[0]


def _entry(election, voters):
    return RollEntry.objects.get(election=election, member=voters[1])


def _count(model, **where):
    return lambda e: model.objects.filter(election=e, **where).count()


# action -> (stage, what the deputy does first, the action by `user`, what shows it was done)
ACTIONS = {
    "freeze_roll": (
        "closed",
        _nothing,
        lambda e, user, voters, codes: services.freeze_roll(e, actor=user),
        _count(RollEntry),
    ),
    "correct_roll": (
        "frozen",
        _nothing,
        lambda e, user, voters, codes: services.correct_roll(
            e, _late_member(e), add=True, reason="admitted in time", actor=user
        ),
        _count(RollEntry, added_late=True),
    ),
    "issue_codes": (
        "frozen",
        _nothing,
        lambda e, user, voters, codes: services.issue_credentials(e, actor=user),
        _count(Credential),
    ),
    "replace_code": (
        "frozen",
        _deputy_issues,
        lambda e, user, voters, codes: services.replace_credential(
            _entry(e, voters), channel=Credential.Channel.POST, reason="lost", actor=user
        ),
        _count(Credential, voided_at__isnull=False),
    ),
    "email_codes": (
        "frozen",
        _give_email,
        lambda e, user, voters, codes: (services.email_credentials(e, actor=user), run_queued()),
        lambda e: Message.objects.filter(reason="voting-code").count(),
    ),
    "key_paper_ballot": (
        "polling",
        _nothing,
        lambda e, user, voters, codes: services.key_paper_ballot(
            e, codes[voters[1].pk], [1, 2], actor=user
        ),
        _count(PaperEntry),
    ),
    "second_keying": (
        "polling",
        _deputy_keys,
        lambda e, user, voters, codes: services.key_paper_ballot(
            e, codes[voters[1].pk], [2, 1], actor=user
        ),
        _count(VoteRecord),
    ),
    "discard_paper_keying": (
        "polling",
        _deputy_keys,
        lambda e, user, voters, codes: services.discard_paper_keying(
            e, codes[voters[1].pk], actor=user
        ),
        lambda e: 1 - PaperEntry.objects.filter(election=e).count(),
    ),
}


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_only_the_independent_returning_officer_may(nhs_org, settings, action, role):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    stage, prepare, do, done = ACTIONS[action]
    election, user, deputy, voters, codes = _scenario(nhs_org, role, stage)
    prepare(election, deputy, voters, codes)
    before = done(election)
    if role in ALLOWED:
        do(election, user, voters, codes)
        assert done(election) > before
        return
    with pytest.raises(services.NotPermitted, match="only the returning officer"):
        do(election, user, voters, codes)
    assert done(election) == before, f"{role} was refused but {action} happened anyway"


@pytest.mark.parametrize("role", list(ROLES))
def test_poll_cards_and_paper_pages_are_the_returning_officers(nhs_org, client, role):
    election, user, deputy, voters, codes = _scenario(nhs_org, role, "frozen")
    client.force_login(user)
    base = f"/o/{nhs_org.slug}/elections/{election.pk}/console/"
    cards = client.post(base + "codes/")
    if role in ALLOWED:  # the poll cards are the worker's job, shown on its page
        from mutualise.jobs.models import Job

        job = Job.objects.get(kind="elections.poll_cards")
        assert cards["Location"] == f"/o/{nhs_org.slug}/jobs/{job.pk}/"
    else:
        assert cards.status_code in (302, 403)
        assert not Credential.objects.filter(election=election).exists()
        assert client.get(base + "paper/").status_code in (302, 403)


def test_the_rulebook_decides_which_roles_a_returning_officer_may_not_hold(nhs_org):
    election, user, deputy, voters, codes = _scenario(
        nhs_org, "returning_officer_also_board", "closed"
    )
    with pytest.raises(services.NotPermitted):
        services.freeze_roll(election, actor=user)
    excluded = "returning_officer_excludes: [officer, board, chair]"
    assert excluded in nhs_rulebook()
    lenient = register.create_organisation(
        name="Lenient Trust",
        constitution_text=nhs_rulebook()
        .replace(excluded, "returning_officer_excludes: []")
        .replace("independent_returning_officer: true", "independent_returning_officer: false"),
        source_name="lenient.yaml",
        slug="lenient",
        actor="test",
    )
    election, user, deputy, voters, codes = _scenario(
        lenient, "returning_officer_also_board", "closed", suffix="-lenient"
    )
    assert services.freeze_roll(election, actor=user) == 5 + 2 + 4
