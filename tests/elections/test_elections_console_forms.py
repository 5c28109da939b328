"""Issue 19: replacement voting packs and nomination forms received on paper, from the
returning officer's console, through HTTP; every other role refused, nothing changed."""

import re
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail as django_mail
from election_helpers import CLOSE_OF_POLL, Driver, make_members, make_user, moment
from officer_helpers import DECLARE, ROLES, refused, scene, set_clock, sign_in

from mutualise.audit.models import AuditEvent as Event
from mutualise.elections import services
from mutualise.elections.models import Candidate, Credential, RollEntry
from mutualise.mail.models import Message
from mutualise.register.models import Role

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "browser"))
from pdf_codes import codes_in_pdf  # noqa: E402

pytestmark = pytest.mark.django_db
REFUSED_ROLES = [r for r in ROLES if r != "returning_officer"]


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _entry(s, member) -> RollEntry:
    return RollEntry.objects.get(election=s.election, member=member)


def _old_code_refused(s, code) -> None:
    with pytest.raises(services.CodeRefused, match="has been replaced"):
        services.check_code(s.election, code)


# ---------------------------------------------------------------------------------------------
# Replacement voting packs


def test_find_a_voter_by_number_or_name(nhs_org, client, monkeypatch):
    s = scene(nhs_org)
    set_clock(monkeypatch, s.drive.polling)
    client.force_login(s.user)
    wanted = s.voters[2]
    page = client.get(s.console + "replace/", {"q": str(wanted.number)}).content.decode()
    assert wanted.display_name in page and s.voters[1].display_name not in page
    page = client.get(s.console + "replace/", {"q": "voter"}).content.decode()
    assert all(v.display_name in page for v in s.voters)
    page = client.get(s.console + "replace/", {"q": "nobody like this"}).content.decode()
    assert "No voter on the roll matches" in page


def test_a_new_poll_card_by_post_voids_the_old_code(nhs_org, client, monkeypatch):
    s = scene(nhs_org)
    set_clock(monkeypatch, s.drive.polling)
    client.force_login(s.user)
    voter = s.voters[1]
    old = s.codes[voter.pk]
    url = s.console + f"replace/{_entry(s, voter).pk}/"
    assert voter.display_name in client.get(url).content.decode()
    response = client.post(url, {"delivery": "post", "reason": "poll card lost"})
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    (new,) = codes_in_pdf(response.content)
    assert new != old
    _old_code_refused(s, old)
    assert services.check_code(s.election, new).roll_entry.member_id == voter.pk
    event = Event.objects.get(action="election.credential_replaced")
    assert event.data == {"member": voter.number, "channel": "post", "reason": "poll card lost"}
    assert new not in str(event.data) and old not in str(event.data)


def test_a_new_code_by_email_goes_through_the_outbox(
    nhs_org, client, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    s = scene(nhs_org)
    set_clock(monkeypatch, s.drive.polling)
    voter = s.voters[1]
    voter.email = "lost.card@example.org"
    voter.save()
    client.force_login(s.user)
    with django_capture_on_commit_callbacks(execute=True):  # the worker's delivery
        response = client.post(
            s.console + f"replace/{_entry(s, voter).pk}/",
            {"delivery": "email", "reason": "sent to an old address"},
            follow=True,
        )
    assert "A new voting code is on its way" in response.content.decode()
    message = Message.objects.get(reason="voting-code", to="lost.card@example.org")
    _old_code_refused(s, s.codes[voter.pk])
    (sent,) = [m for m in django_mail.outbox if m.to == ["lost.card@example.org"]]
    (new,) = re.findall(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", sent.body)
    assert services.check_code(s.election, new).roll_entry.member_id == voter.pk
    message.refresh_from_db()
    assert new not in message.text and not message.secrets  # cleared once sent
    live = Credential.objects.get(roll_entry__member=voter, voided_at__isnull=True)
    assert live.channel == "email"


@pytest.mark.parametrize(
    "form, problem",
    [
        (
            {"delivery": "post", "reason": "  "},
            "Reason: say why this voter needs a new voting code",
        ),
        ({"reason": "lost"}, "Send the new code by: choose post or email"),
        ({"delivery": "email", "reason": "lost"}, "has no email address on the register"),
    ],
)
def test_a_replacement_needs_a_way_and_a_reason(nhs_org, client, monkeypatch, form, problem):
    s = scene(nhs_org)
    set_clock(monkeypatch, s.drive.polling)
    client.force_login(s.user)
    response = client.post(s.console + f"replace/{_entry(s, s.voters[1]).pk}/", form)
    page = response.content.decode()
    assert response.status_code == 200 and problem in page
    assert "<title>Error:" in page
    assert not Credential.objects.filter(election=s.election, voided_at__isnull=False).exists()


def test_no_new_code_for_a_voter_who_has_voted(nhs_org, client, monkeypatch):
    s = scene(nhs_org)
    set_clock(monkeypatch, s.drive.polling)
    voter = s.voters[1]
    services.cast(s.election, s.codes[voter.pk], [1, 2])
    client.force_login(s.user)
    url = s.console + f"replace/{_entry(s, voter).pk}/"
    assert "has already voted" in client.get(url).content.decode()
    response = client.post(url, {"delivery": "post", "reason": "lost"})
    assert "has already voted" in response.content.decode()
    assert not Credential.objects.filter(election=s.election, voided_at__isnull=False).exists()


@pytest.mark.parametrize("role", REFUSED_ROLES)
def test_only_the_independent_returning_officer_may_replace_a_code(
    nhs_org, client, monkeypatch, role
):
    s = scene(nhs_org, role)
    set_clock(monkeypatch, s.drive.polling)
    sign_in(client, s.user)
    url = s.console + f"replace/{_entry(s, s.voters[1]).pk}/"
    assert refused(client.get(s.console + "replace/", {"q": "voter"}))
    assert refused(client.get(url))
    for delivery in ("post", "email"):
        assert refused(client.post(url, {"delivery": delivery, "reason": "lost"}))
    assert not Credential.objects.filter(election=s.election, voided_at__isnull=False).exists()
    assert not Event.objects.filter(action="election.credential_replaced").exists()


# ---------------------------------------------------------------------------------------------
# Nomination forms received on paper


def _form(s, member, **more):
    return {
        "candidate": str(member.number),
        "received_on": (s.drive.nominating.date() + timedelta(days=1)).isoformat(),
        "statement": "I will listen.",
        "declarations": DECLARE,
        **more,
    }


def _paper_scene(org, monkeypatch, role="returning_officer"):
    s = scene(org, role, stage="nominations")
    set_clock(monkeypatch, s.drive.nominating + timedelta(days=5))
    return s


def test_a_paper_nomination_is_recorded_and_audited(nhs_org, client, monkeypatch):
    s = _paper_scene(nhs_org, monkeypatch)
    client.force_login(s.user)
    hopeful = s.voters[2]
    form = _form(s, hopeful, ballot_name="Jo Hopeful", proposers=str(s.voters[3].number))
    response = client.post(s.console + "nominations/paper/", form, follow=True)
    assert "The paper nomination of Jo Hopeful is recorded" in response.content.decode()
    candidate = Candidate.objects.get(election=s.election, member=hopeful)
    assert candidate.received_on.isoformat() == form["received_on"]
    assert list(candidate.proposers.all()) == [s.voters[3]]
    event = Event.objects.filter(action="election.nominated").order_by("-pk").first()
    assert event.data["on_paper"] is True and event.data["received_on"] == form["received_on"]
    assert event.actor == s.user.username


@pytest.mark.parametrize(
    "change, problem",
    [
        ({"received_on": "2020-01-01"}, "Received on: before the notice of election"),
        ({"received_on": "2027-06-01"}, "Received on: after nominations closed"),
        ({"received_on": "not a day"}, "Enter the day the form was received"),
        ({"declarations": []}, "Declarations: the candidate must declare"),
        ({"candidate": "999999"}, "No member has the number 999999"),
        ({"proposers": "candidate"}, "No member has the number candidate"),
    ],
)
def test_a_paper_nomination_gets_the_online_checks(nhs_org, client, monkeypatch, change, problem):
    s = _paper_scene(nhs_org, monkeypatch)
    client.force_login(s.user)
    before = Candidate.objects.count()
    response = client.post(s.console + "nominations/paper/", {**_form(s, s.voters[2]), **change})
    page = response.content.decode()
    assert response.status_code == 200 and problem in page and "<title>Error:" in page
    assert Candidate.objects.count() == before


def test_a_day_still_to_come_is_refused(nhs_org, client, monkeypatch):
    s = _paper_scene(nhs_org, monkeypatch)
    client.force_login(s.user)
    later = (s.drive.nominating + timedelta(days=9)).date().isoformat()
    response = client.post(
        s.console + "nominations/paper/", _form(s, s.voters[2], received_on=later)
    )
    assert "Received on: that day has not come yet" in response.content.decode()


def test_a_candidate_already_standing_is_refused(nhs_org, client, monkeypatch):
    s = _paper_scene(nhs_org, monkeypatch)
    client.force_login(s.user)
    response = client.post(s.console + "nominations/paper/", _form(s, s.candidates[0]))
    assert "already nominated in this election" in response.content.decode()


def test_the_rulebooks_proposers_and_seconders_are_needed(trust_org, client, monkeypatch):
    ro = make_user(trust_org, "trust-ro", Role.Kind.RETURNING_OFFICER)
    election = services.create_election(
        trust_org, body_id="board", seat_group_id="elected",
        close_of_poll=CLOSE_OF_POLL, actor=ro, now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )  # fmt: skip
    drive = Driver(election, ro)
    drive.to_nominations()
    set_clock(monkeypatch, drive.nominating + timedelta(days=2))
    hopeful, proposer, seconder = make_members(trust_org, "supporters", 3)
    url = f"/o/{trust_org.slug}/elections/{election.pk}/console/nominations/paper/"
    client.force_login(ro)
    form = {"candidate": str(hopeful.number), "received_on": drive.nominating.date().isoformat()}
    page = client.post(url, {**form, "proposers": str(proposer.number)}).content.decode()
    assert "Seconders: 1 needed, 0 given" in page
    assert not Candidate.objects.filter(election=election).exists()
    page = client.post(url, {**form, "proposers": str(hopeful.number),
                             "seconders": str(seconder.number)}).content.decode()  # fmt: skip
    assert "cannot propose or second themself" in page
    response = client.post(
        url, {**form, "proposers": str(proposer.number), "seconders": str(seconder.number)}
    )
    assert response.status_code == 302
    candidate = Candidate.objects.get(election=election)
    assert list(candidate.seconders.all()) == [seconder]


@pytest.mark.parametrize("role", REFUSED_ROLES)
def test_only_the_independent_returning_officer_may_enter_a_paper_nomination(
    nhs_org, client, monkeypatch, role
):
    s = _paper_scene(nhs_org, monkeypatch, role)
    sign_in(client, s.user)
    url = s.console + "nominations/paper/"
    before = Candidate.objects.count()
    assert refused(client.get(url))
    assert refused(client.post(url, _form(s, s.voters[2])))
    assert Candidate.objects.count() == before


def test_the_service_refuses_anyone_but_the_returning_officer(nhs_org, monkeypatch):
    s = _paper_scene(nhs_org, monkeypatch, "officer")
    with pytest.raises(services.NotPermitted):
        services.nominate_on_paper(
            s.election, s.voters[2], received_on=s.drive.nominating.date(), actor=s.user,
            declarations=DECLARE,
        )  # fmt: skip
