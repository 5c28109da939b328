"""The mail that did not get through (register.services.mail): who may see it and send it again
(the membership secretary and the administrator; every other role refused, in the service, so
the page and any other caller are equally safe), and what may be sent again: a failed or bounced
message, to a member whose address has been corrected, once, audited; never one that may have
gone out, nor one whose voting code or link is no longer kept. Mail goes through a real SMTP
server (aiosmtpd), which refuses the old address."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from mutualise.audit.models import AuditEvent
from mutualise.jobs.worker import run_queued
from mutualise.mail import failures
from mutualise.mail import services as mail
from mutualise.mail.models import Message, Status
from mutualise.register import services as register
from mutualise.register.errors import MemberError, NotPermitted
from mutualise.register.models import Role

pytestmark = pytest.mark.django_db(transaction=True)
OLD, NEW = "ann@old.example", "ann@new.example"


@pytest.fixture
def org():
    return register.create_from_model(
        model="supporters-trust", name="Ayrshire Supporters' Trust", slug="ayrshire", actor="t"
    )


@pytest.fixture
def ann(org):
    return register.join(org, display_name="Ann Bell", email=OLD, date_of_birth=date(1980, 1, 1),
                         postcode="KA7 1AA", attestations=["supporter"], actor="t")  # fmt: skip


def _reminder(org, to=OLD) -> Message:
    return mail.send(organisation=org, to=to, template="governance/reminder",
                     context={"reminder": {"title": "AGM due", "detail": "Call it"}},
                     reason="reminder")  # fmt: skip


def _code(org, to=OLD) -> Message:
    return mail.send(
        organisation=org, to=to, template="elections/voting_code",
        context={"name": "Ann", "election": {"title": "Board"}, "vote_url": "u"},
        secrets={"code": "WXYZ-2345"}, reason="voting-code",
    )  # fmt: skip


@pytest.fixture
def bounced(org, ann, smtp_server):
    """A message the server refused the old address for (550 to RCPT): bounced."""
    smtp_server.handler.refuse[OLD] = "550 5.1.1 <ann@old.example>: no such user"
    message = _reminder(org)
    run_queued()
    message.refresh_from_db()
    assert message.status == Status.BOUNCED
    return message


def _user(name, org=None, kind=None):
    user = get_user_model().objects.create_user(name, password="x" * 16)
    if kind is not None:
        register.grant_role(org, user, kind, actor="t")
    return user


ALLOWED = [Role.Kind.OFFICER, Role.Kind.ADMINISTRATOR]
REFUSED = ["no role", "member", Role.Kind.BOARD, Role.Kind.CHAIR, Role.Kind.RETURNING_OFFICER,
           "another organisation's secretary"]  # fmt: skip


def _actor(org, who):
    if who == "no role":
        return _user("plain")
    if who == "member":
        user = _user("memberuser")
        member = register.join(org, display_name="Cal Dunn", email="cal@example.org",
                               date_of_birth=date(1970, 1, 1), postcode="KA7 1AA",
                               attestations=["supporter"], actor="t")  # fmt: skip
        register.link_sign_in(member, user, actor="t")
        return user
    if who == "another organisation's secretary":
        other = register.create_from_model(
            model="supporters-trust", name="Kilmarnock Trust", slug="kilmarnock", actor="t"
        )
        return _user("othersecretary", other, Role.Kind.OFFICER)
    return _user(str(who), org, who)


@pytest.mark.parametrize("who", REFUSED, ids=str)
def test_every_other_role_is_refused_the_list_and_the_resend(org, ann, bounced, who):
    actor = _actor(org, who)
    with pytest.raises(NotPermitted, match="membership secretary or an administrator"):
        register.failed_mail(org, actor=actor)
    register.update_details(ann, email=NEW, actor="t")
    with pytest.raises(NotPermitted, match="membership secretary or an administrator"):
        register.resend_mail(bounced, ann, actor=actor)
    bounced.refresh_from_db()
    assert bounced.resent_as is None and not Message.objects.filter(to=NEW).exists()
    assert not AuditEvent.objects.filter(action="mail.resent").exists()


@pytest.mark.parametrize("kind", ALLOWED, ids=str)
def test_the_secretary_or_administrator_resends_to_the_corrected_address(
    org, ann, bounced, kind, smtp_server
):
    actor = _user("officer", org, kind)
    assert list(register.failed_mail(org, actor=actor)) == [bounced]
    assert list(register.failed_mail(org, actor=actor, state=failures.BOUNCED)) == [bounced]
    assert not register.failed_mail(org, actor=actor, state=failures.UNKNOWN).exists()
    register.update_details(ann, email=NEW, actor="t")
    copy = register.resend_mail(bounced, ann, actor=actor)
    run_queued()
    copy.refresh_from_db(), bounced.refresh_from_db()
    assert copy.status == Status.SENT and copy.to == NEW and bounced.resent_as == copy
    assert (copy.subject, copy.text, copy.reason) == (bounced.subject, bounced.text, "reminder")
    got = [r for r in smtp_server.handler.received if r.rcpt_tos == [NEW]]
    assert len(got) == 1 and "AGM due" in got[0].part("plain")
    event = AuditEvent.objects.get(action="mail.resent")
    assert event.subject_id == str(ann.pk) and event.data["failed"] == bounced.pk
    assert event.data["message"] == copy.pk and event.data["was"] == "bounced"
    # Once only.
    with pytest.raises(MemberError, match="sent again already, to ann@new.example"):
        register.resend_mail(bounced, ann, actor=actor)


def test_not_to_the_address_that_failed(org, ann, bounced):
    secretary = _user("sec", org, Role.Kind.OFFICER)
    with pytest.raises(MemberError, match="still ann@old.example, the one that failed") as exc:
        register.resend_mail(bounced, ann, actor=secretary)
    assert exc.value.field == "member"
    assert Message.objects.count() == 1


def test_never_a_message_that_may_have_gone_out(org, ann, smtp_server):
    from mutualise.mail import delivery

    message = _reminder(org)
    Message.objects.filter(pk=message.pk).update(
        status=Status.FAILED, message_id="<x@mutualise>",
        last_error=delivery.UNKNOWN.format("SMTPServerDisconnected: gone"),
    )  # fmt: skip
    message.refresh_from_db()
    assert message.may_have_gone_out and failures.state_of(message) == failures.UNKNOWN
    secretary = _user("sec", org, Role.Kind.OFFICER)
    assert list(register.failed_mail(org, actor=secretary, state=failures.UNKNOWN)) == [message]
    assert not register.failed_mail(org, actor=secretary, state=failures.FAILED).exists()
    register.update_details(ann, email=NEW, actor="t")
    with pytest.raises(MemberError, match="may have reached the member already"):
        register.resend_mail(message, ann, actor=secretary)
    assert not Message.objects.filter(to=NEW).exists()


def test_a_lost_workers_message_is_also_one_that_may_have_gone_out(org, smtp_server):
    """recover_lost's wording counts too (mail.models.MAY_HAVE_GONE_OUT is in both)."""
    from mutualise.mail import delivery

    message = _reminder(org)
    Message.objects.filter(pk=message.pk).update(status=Status.SENDING, claimed_by="gone:1")
    Message.objects.filter(pk=message.pk).update(updated_at="2000-01-01T00:00:00Z")
    delivery.recover_lost("me", stale_after=0)
    message.refresh_from_db()
    assert message.status == Status.FAILED and message.may_have_gone_out


def test_not_a_voting_code_whose_code_is_not_kept(org, ann, smtp_server):
    smtp_server.handler.refuse[OLD] = "550 5.1.1 no such user"
    message = _code(org)
    run_queued()
    message.refresh_from_db()
    assert message.status == Status.BOUNCED and mail.holds_forgotten_secret(message)
    register.update_details(ann, email=NEW, actor="t")
    with pytest.raises(MemberError, match="not kept .a voting code or one-time link"):
        register.resend_mail(message, ann, actor="t")
    assert not Message.objects.filter(to=NEW).exists()


def test_not_a_message_of_another_organisation(org, ann, bounced):
    other = register.create_from_model(
        model="supporters-trust", name="Kilmarnock Trust", slug="kilmarnock", actor="t"
    )
    theirs = register.join(other, display_name="Ann Bell", email=NEW,
                           date_of_birth=date(1980, 1, 1), postcode="KA7 1AA",
                           attestations=["supporter"], actor="t")  # fmt: skip
    secretary = _user("sec", other, Role.Kind.OFFICER)
    with pytest.raises(MemberError, match="not one of this organisation's"):
        register.resend_mail(bounced, theirs, actor=secretary)


def test_not_a_message_that_was_sent(org, ann, smtp_server):
    message = _reminder(org, to="bob@example.org")
    run_queued()
    message.refresh_from_db()
    assert message.status == Status.SENT
    register.update_details(ann, email=NEW, actor="t")
    with pytest.raises(MemberError, match="Only a message that failed or bounced"):
        register.resend_mail(message, ann, actor="t")
