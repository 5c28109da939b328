"""Only an organisation's administrator grants and revokes its roles: every other role is
refused each verb (docs/roles.md, Accounts). The independence rules are checked when a role is
granted (invited, then accepted), as well as when it is used (tests/elections)."""

import pytest
from account_helpers import make_user, token_from
from django.contrib.auth.models import AnonymousUser
from django.core import mail

from mutualise.accounts import services
from mutualise.audit.models import AuditEvent
from mutualise.register.models import Role

REFUSED = ["anonymous", "member", "secretary", "returning_officer", "chair", "admin_elsewhere"]


def _actor(people, who):
    return AnonymousUser() if who == "anonymous" else people[who]


@pytest.mark.parametrize("who", REFUSED)
def test_only_the_administrator_may_invite(coop, people, who):
    before = AuditEvent.objects.filter(organisation=coop).count()
    with pytest.raises(services.NotPermitted):
        services.invite_to_role(
            coop, email="x@example.org", kind=Role.Kind.OFFICER, actor=_actor(people, who)
        )
    assert AuditEvent.objects.filter(organisation=coop).count() == before


@pytest.mark.parametrize("who", REFUSED)
def test_only_the_administrator_may_revoke(coop, people, who):
    role = Role.objects.get(organisation=coop, user=people["secretary"])
    with pytest.raises(services.NotPermitted):
        services.revoke_role(role, actor=_actor(people, who))
    assert Role.objects.filter(pk=role.pk).exists()


@pytest.mark.parametrize("who", REFUSED)
def test_only_the_administrator_may_withdraw(coop, people, who):
    invitation = services.invite_to_role(
        coop, email="x@example.org", kind=Role.Kind.CHAIR, actor=people["admin"]
    )
    with pytest.raises(services.NotPermitted):
        services.withdraw(invitation, actor=_actor(people, who))
    invitation.refresh_from_db()
    assert invitation.state() == "open"


def test_the_administrator_revokes_a_role_audited(coop, people):
    role = Role.objects.get(organisation=coop, user=people["secretary"])
    services.revoke_role(role, actor=people["admin"], reason="stood down")
    assert not Role.objects.filter(pk=role.pk).exists()
    event = AuditEvent.objects.filter(organisation=coop, action="role.revoked").get()
    assert event.data == {"user": "sec", "role": "officer", "reason": "stood down"}


def test_the_last_administrator_is_kept(coop, people):
    role = Role.objects.get(organisation=coop, user=people["admin"])
    with pytest.raises(services.AccountsError, match="only administrator"):
        services.revoke_role(role, actor=people["admin"])
    make_user("bea", org=coop, kind=Role.Kind.ADMINISTRATOR)
    services.revoke_role(role, actor=people["admin"])
    assert not Role.objects.filter(pk=role.pk).exists()


def test_an_administrator_of_another_organisation_manages_only_theirs(other_org, people):
    invitation = services.invite_to_role(
        other_org, email="x@example.org", kind=Role.Kind.OFFICER, actor=people["admin_elsewhere"]
    )
    assert invitation.organisation == other_org


def test_inviting_someone_to_a_role_they_hold_is_refused(coop, people):
    with pytest.raises(services.AccountsError, match="already"):
        services.invite_to_role(
            coop, email="sec@example.org", kind=Role.Kind.OFFICER, actor=people["admin"]
        )


# Independence: the co-operative's rulebook keeps the default `returning_officer_excludes:
# [officer]`, so the membership secretary may not be its returning officer, nor the other way.


def test_the_secretary_cannot_be_invited_as_returning_officer(coop, people):
    with pytest.raises(services.AccountsError, match="returning_officer_excludes"):
        services.invite_to_role(
            coop, email="sec@example.org", kind=Role.Kind.RETURNING_OFFICER, actor=people["admin"]
        )


def test_the_returning_officer_cannot_be_invited_as_secretary(coop, people):
    with pytest.raises(services.AccountsError, match="returning officer"):
        services.invite_to_role(
            coop, email="ro@example.org", kind=Role.Kind.OFFICER, actor=people["admin"]
        )


def test_independence_is_checked_again_when_the_link_is_accepted(
    coop, people, django_capture_on_commit_callbacks
):
    """The link went to an address with no sign-in; the secretary accepts it signed in."""
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_to_role(
            coop, email="new@example.org", kind=Role.Kind.RETURNING_OFFICER, actor=people["admin"]
        )
    token = token_from(mail.outbox[-1])
    people["secretary"].email = "new@example.org"  # the address is hers now
    people["secretary"].save(update_fields=["email"])
    with pytest.raises(services.AccountsError, match="returning_officer_excludes"):
        services.accept(token, user=people["secretary"])
    assert not Role.objects.filter(
        user=people["secretary"], kind=Role.Kind.RETURNING_OFFICER
    ).exists()
    assert services.lookup(token).state() == "open"  # refused: the link is not used up


def test_the_chair_may_also_be_returning_officer_where_the_rulebook_allows(coop, people):
    assert services.grant_problems(coop, people["chair"], Role.Kind.RETURNING_OFFICER) == []


def test_a_candidate_cannot_be_made_returning_officer(coop, people):
    from datetime import timedelta

    from django.utils import timezone

    from mutualise.elections import services as elections
    from mutualise.elections.models import Candidate, Election
    from mutualise.register.models import Member

    election = elections.create_election(
        coop,
        body_id="board",
        seat_group_id="elected-directors",
        close_of_poll=timezone.localdate() + timedelta(days=90),
        title="Board election 2027",
        actor="test",
    )
    member = Member.objects.get(user=people["member"])
    Candidate.objects.create(  # as if nominated: the nominations calendar is not the point here
        organisation=coop,
        election=election,
        member=member,
        ballot_name="Mo Member",
        nominated_at=timezone.now(),
    )
    problems = services.grant_problems(coop, people["member"], Role.Kind.RETURNING_OFFICER)
    assert problems and "Board election 2027" in problems[0]
    with pytest.raises(services.AccountsError, match="still running"):
        services.invite_to_role(
            coop, email="mo@example.org", kind=Role.Kind.RETURNING_OFFICER, actor=people["admin"]
        )
    Election.objects.filter(pk=election.pk).update(state="declared")
    assert services.grant_problems(coop, people["member"], Role.Kind.RETURNING_OFFICER) == []


@pytest.mark.parametrize("held", [Role.Kind.OFFICER, Role.Kind.BOARD, Role.Kind.CHAIR])
def test_the_nhs_rulebook_keeps_board_and_chair_apart_from_the_returning_officer(db, held):
    """The NHS model names officer, board and chair in returning_officer_excludes: each way round
    is refused; the model also wants an independent returning officer
    (elections.independent_returning_officer), so no other role, the administrator's included."""
    from mutualise.register import services as register

    trust = register.create_from_model(
        model="nhs-foundation-trust", name="Tyneside Hospitals", slug="tyne", actor="test"
    )
    person = make_user("pat", org=trust, kind=held)
    assert services.grant_problems(trust, person, Role.Kind.RETURNING_OFFICER)
    officer = make_user("rae", org=trust, kind=Role.Kind.RETURNING_OFFICER)
    assert services.grant_problems(trust, officer, held)
    refused = " ".join(services.grant_problems(trust, officer, Role.Kind.ADMINISTRATOR))
    assert "independent_returning_officer" in refused
