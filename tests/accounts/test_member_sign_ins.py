"""A member gets a sign-in: invited by the membership secretary (one member, or everyone with an
email, by the worker), or by claiming their membership (number, date of birth, postcode; the link
goes to the address on the register). Mail is read from what was sent (django.core.mail.outbox,
the test settings send on commit in process)."""

import re
from datetime import date

import pytest
from account_helpers import make_user
from django.core import mail
from django.test import override_settings

from mutualise.accounts import services
from mutualise.accounts.member_models import AccountRequest
from mutualise.accounts.models import Invitation
from mutualise.accounts.services import claims
from mutualise.audit.models import AuditEvent
from mutualise.jobs.models import Job
from mutualise.jobs.worker import run_queued
from mutualise.register import services as register
from mutualise.register.models import Member, Role


def member_link(message) -> str:
    match = re.search(r"(/accounts/membership-invitations/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def add_member(org, name, email="", postcode="NE1 4ST", born=date(1980, 5, 17)):
    member = register.join(
        org,
        display_name=name,
        date_of_birth=born,
        email=email,
        postcode=postcode,
        address="1 High Street",
        attestations=["supports-objects"],
        actor="test",
    )
    return register.admit(member, actor="test")


@pytest.fixture
def secretary(coop):
    return make_user("sec", org=coop, kind=Role.Kind.OFFICER)


@pytest.fixture
def pat(coop):
    return add_member(coop, "Pat Jones", email="Pat@Example.org")


def test_the_secretary_invites_one_member_and_the_link_makes_their_sign_in(
    client, coop, secretary, pat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_member(pat, actor=secretary)
    message = mail.outbox[-1]
    assert message.to == ["pat@example.org"]
    assert "Your sign-in for Riverside Wholefoods" in message.subject
    # The number is named as such: the member needs it to claim a sign-in if the link runs out.
    assert f"Your membership number is {pat.number}:" in message.body
    assert f"Your membership number is {pat.number}:" in message.alternatives[0][0]
    link = member_link(message)
    assert invitation.token_hash not in message.body
    page = client.get(link)
    assert page.status_code == 200 and f"membership number <strong>{pat.number}" in page.text
    made = client.post(
        link,
        {
            "full_name": "Pat Jones",
            "password": "a long new passphrase",
            "password2": "a long new passphrase",
        },
    )
    assert made.status_code == 302 and made["Location"] == f"/o/{coop.slug}/membership/"
    pat.refresh_from_db()
    assert pat.user.username == "pat@example.org"
    actions = set(AuditEvent.objects.filter(organisation=coop).values_list("action", flat=True))
    assert {"member_account.invited", "member.sign_in_linked", "invitation.accepted"} <= actions
    assert client.get(link).status_code == 302  # the one who used it goes to their membership
    client.logout()
    assert client.get(link).status_code == 410  # used: nobody else can


def test_a_new_invitation_replaces_the_old_link(
    coop, secretary, pat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.invite_member(pat, actor=secretary)
        services.invite_member(pat, actor=secretary)
    first.refresh_from_db()
    assert first.state() == "withdrawn"


@pytest.mark.parametrize("who", ["anonymous", "member", "secretary_elsewhere", "chair"])
def test_only_the_secretary_may_invite(coop, other_org, pat, who):
    actor = {
        "anonymous": None,
        "member": make_user("mo"),
        "secretary_elsewhere": make_user("osec", org=other_org, kind=Role.Kind.OFFICER),
        "chair": make_user("chair", org=coop, kind=Role.Kind.CHAIR),
    }[who]
    if actor is None:
        from django.contrib.auth.models import AnonymousUser

        actor = AnonymousUser()
    with pytest.raises(services.NotPermitted):
        services.invite_member(pat, actor=actor)
    with pytest.raises(services.NotPermitted):
        services.invite_all_members(coop, actor=actor)
    assert not Invitation.objects.exists() and not Job.objects.exists()


def test_refusals_say_why(coop, secretary, pat):
    no_email = add_member(coop, "Nora Post")
    with pytest.raises(services.AccountsError, match="no email"):
        services.invite_member(no_email, actor=secretary)
    register.link_sign_in(pat, make_user("pat"), actor="test")
    with pytest.raises(services.AccountsError, match="has a sign-in already"):
        services.invite_member(pat, actor=secretary)


def test_an_officer_signed_in_cannot_take_a_members_link(
    client, coop, secretary, pat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_member(pat, actor=secretary)
    client.force_login(secretary)
    refused = client.post(member_link(mail.outbox[-1]))
    assert refused.status_code == 400 and "This invitation is for pat@example.org" in refused.text
    pat.refresh_from_db()
    assert pat.user is None


def test_everyone_with_an_email_is_invited_by_the_worker_once(
    client, coop, secretary, django_capture_on_commit_callbacks
):
    people = [add_member(coop, f"Member {i}", email=f"m{i}@example.org") for i in range(4)]
    add_member(coop, "No Email")
    register.link_sign_in(people[0], make_user("m0"), actor="test")
    client.force_login(secretary)
    page = client.get(f"/o/{coop.slug}/members/sign-ins/")
    assert "3 current members" in page.text
    # One click asks first, saying how many will be emailed; nothing is queued until confirmed.
    asked = client.post(f"/o/{coop.slug}/members/sign-ins/", {"action": "all"})
    assert asked.status_code == 200 and "3 members will be emailed an invitation" in asked.text
    assert 'name="confirmed" value="yes"' in asked.text and "Email all 3" in asked.text
    assert not Job.objects.exists() and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post(
            f"/o/{coop.slug}/members/sign-ins/", {"action": "all", "confirmed": "yes"}
        )
    job = Job.objects.get()
    assert queued["Location"] == f"/o/{coop.slug}/jobs/{job.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        assert run_queued() == 1
    job.refresh_from_db()
    assert job.state == "done" and job.result["invited"] == 3 and job.result["failed"] == 0
    assert sorted(m.to[0] for m in mail.outbox) == [
        "m1@example.org",
        "m2@example.org",
        "m3@example.org",
    ]
    assert client.get(f"/o/{coop.slug}/jobs/{job.pk}/").status_code == 200
    # Run again: members with a link still open are not sent another.
    result = services.members.run_member_invitations(coop, actor=secretary)
    assert (result["invited"], result["skipped_link_open"]) == (0, 3) and len(mail.outbox) == 3
    assert AuditEvent.objects.filter(action="member_account.invitations_queued").count() == 1


def test_the_job_page_says_how_many_were_invited_skipped_and_failed(
    client, coop, secretary, django_capture_on_commit_callbacks
):
    """Issue 13: the invitation job's page showed no count. One address the mail cannot use
    fails that member alone (before, it failed the whole job); the rest are invited."""
    people = [add_member(coop, f"Member {i}", email=f"m{i}@example.org") for i in range(3)]
    add_member(coop, "No Email")
    add_member(coop, "No Email Either")
    Member.objects.filter(pk=people[1].pk).update(email="not an address")
    client.force_login(secretary)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/o/{coop.slug}/members/sign-ins/", {"action": "all", "confirmed": "yes"})
    with django_capture_on_commit_callbacks(execute=True):
        assert run_queued() == 1
    job = Job.objects.get()
    assert job.state == "done", job.error
    assert (job.result["invited"], job.result["skipped_no_email"], job.result["failed"]) == (
        2,
        2,
        1,
    )
    assert job.result["failed_members"] == [people[1].number]
    page = client.get(f"/o/{coop.slug}/jobs/{job.pk}/").content.decode()
    assert "2 members invited; 2 skipped (no email address); 1 failed (numbers" in page
    assert sorted(m.to[0] for m in mail.outbox) == ["m0@example.org", "m2@example.org"]
    assert not Invitation.objects.filter(member=people[1]).exists()


def test_the_officer_page_refuses_others(client, coop, other_org, pat):
    url = f"/o/{coop.slug}/members/sign-ins/"
    assert client.get(url).status_code == 302  # anonymous: sign in
    client.force_login(make_user("osec", org=other_org, kind=Role.Kind.OFFICER))
    assert client.get(url).status_code == 403
    client.force_login(make_user("mo"))
    assert client.post(url, {"action": "all"}).status_code == 403


# --- claiming a membership ---------------------------------------------------------------------


def claim(client, org, number, day="17", month="5", year="1980", postcode="ne14st"):
    return client.post(
        f"/o/{org.slug}/sign-in/claim/",
        {
            "number": str(number),
            "date_of_birth_day": day,
            "date_of_birth_month": month,
            "date_of_birth_year": year,
            "postcode": postcode,
        },
    )


def run_checks(capture):
    with capture(execute=True):
        return run_queued()


def test_a_claim_that_matches_sends_the_link_to_the_address_on_the_register(
    client, coop, pat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = claim(client, coop, pat.number)
    assert sent.status_code == 302 and sent["Location"].endswith("/sign-in/claim/sent/")
    assert mail.outbox == []  # the worker checks, not the page
    assert run_checks(django_capture_on_commit_callbacks) == 1
    assert [m.to for m in mail.outbox] == [["pat@example.org"]]
    assert "asked for a sign-in for membership" in mail.outbox[0].body
    request = AccountRequest.objects.get()
    assert request.checked_at and "1980" not in request.details_key
    assert AuditEvent.objects.filter(organisation=coop, action="member_account.invited").exists()
    link = member_link(mail.outbox[0])
    client.post(link, {"password": "a long new passphrase", "password2": "a long new passphrase"})
    pat.refresh_from_db()
    assert pat.user is not None


@pytest.mark.parametrize(
    "case",
    ["no such number", "wrong date of birth", "wrong postcode", "no email", "has a sign-in"],
)
def test_a_claim_that_does_not_match_looks_the_same_and_sends_nothing(
    client, coop, pat, case, django_capture_on_commit_callbacks
):
    number, kwargs = pat.number, {}
    if case == "no such number":
        number = 999_999
    elif case == "wrong date of birth":
        kwargs = {"day": "18"}
    elif case == "wrong postcode":
        kwargs = {"postcode": "NE1 4SU"}
    elif case == "no email":
        number = add_member(coop, "Nora Post").number
    else:
        register.link_sign_in(pat, make_user("pat"), actor="test")
    with django_capture_on_commit_callbacks(execute=True):
        response = claim(client, coop, number, **kwargs)
    assert response.status_code == 302 and response["Location"].endswith("/sign-in/claim/sent/")
    assert AccountRequest.objects.count() == 1  # the same row, the same task, either way
    assert run_checks(django_capture_on_commit_callbacks) == 1
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_a_claim_for_another_organisations_member_matches_nothing(
    client, coop, other_org, pat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        claim(client, other_org, pat.number)
    run_checks(django_capture_on_commit_callbacks)
    assert mail.outbox == []


@override_settings(MUTUALISE_CLAIM_LIMIT=3, MUTUALISE_CLAIM_CLIENT_LIMIT=5)
def test_claims_are_throttled_per_number_and_per_address(client, coop, pat):
    for _ in range(3):
        assert claim(client, coop, 12345, year="1990").status_code == 302
    refused = claim(client, coop, 12345)
    assert refused.status_code == 429 and "many tries for that membership number" in refused.text
    # The same for a number that exists: the throttle says nothing about it.
    for _ in range(2):
        assert claim(client, coop, pat.number, year="1990").status_code == 302
    refused = claim(client, coop, pat.number + 1)
    assert refused.status_code == 429 and "many tries from your connection" in refused.text
    fresh = client.post(
        f"/o/{coop.slug}/sign-in/claim/",
        {"number": "777", "date_of_birth_day": "1", "date_of_birth_month": "1",
         "date_of_birth_year": "1990", "postcode": "NE1 4ST"},
        REMOTE_ADDR="10.0.0.9",
    )  # fmt: skip
    assert fresh.status_code == 302


@pytest.mark.parametrize(
    "number, postcode, expected",
    [
        ("", "NE1 4ST", "Enter your membership number"),
        ("²", "NE1 4ST", "Enter your membership number"),
        ("9" * 5000, "NE1 4ST", "Enter your membership number"),
        ("12", "not a postcode", "Enter your postcode"),
    ],
)
def test_bad_claims_get_a_clear_error(client, coop, number, postcode, expected):
    response = client.post(
        f"/o/{coop.slug}/sign-in/claim/",
        {"number": number, "date_of_birth_day": "31", "date_of_birth_month": "2",
         "date_of_birth_year": "1980", "postcode": postcode},
    )  # fmt: skip
    assert response.status_code == 400
    assert expected in response.text and "must be a real date" in response.text
    assert not AccountRequest.objects.exists()


def test_check_claim_matches_the_registers_normalised_postcode(coop, pat):
    request = claims.request_claim(
        coop, number=pat.number, born=date(1980, 5, 17), postcode=" ne1  4st ", client="1.2.3.4"
    )
    assert claims.check_claim(request.pk) is True
    assert claims.check_claim(request.pk) is False  # checked once
    assert Member.objects.get(pk=pat.pk).invitations.count() == 1
