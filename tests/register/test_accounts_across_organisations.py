"""Issue 11.4: one sign-in account can be a member of one organisation and an officer of
another; erasing the member in one unlinks the account and leaves the others as they were."""

import pytest
from django.contrib.auth import get_user_model

from mutualise.audit.models import AuditEvent
from mutualise.constitution import model_path
from mutualise.register import services
from mutualise.register.models import Member, Role

pytestmark = pytest.mark.django_db


def _org(slug):
    text = model_path("nhs-foundation-trust").read_text(encoding="utf-8")
    text = text.replace("membership:\n", "membership:\n  admission_by_board: false\n", 1)
    return services.create_organisation(
        name=slug.title(), constitution_text=text, source_name="ft.yaml",
        slug=slug, actor="test",
    )  # fmt: skip


def _erase(member, actor):
    services.cease(member, reason="resigned", actor=actor)
    return services.erase(member, actor=actor)


def test_erasing_a_member_keeps_their_officer_role_in_another_organisation(public_details):
    here, there = _org("here"), _org("there")
    person = get_user_model().objects.create_user("ada", password="a long pass phrase")
    services.grant_role(there, person, Role.Kind.OFFICER, actor="test")
    member = services.join(here, actor="test", user=person, **public_details)
    officer_here = get_user_model().objects.create_user("sec", password="a long pass phrase")
    services.grant_role(here, officer_here, Role.Kind.OFFICER, actor="test")
    _erase(member, officer_here)
    person.refresh_from_db()  # still there
    assert Role.objects.filter(user=person, organisation=there, kind=Role.Kind.OFFICER).exists()
    assert Member.objects.get(pk=member.pk).user_id is None
    event = AuditEvent.objects.filter(organisation=here, action="member.erased").get()
    assert "kept" in event.data["sign_in"]
    assert not AuditEvent.objects.filter(organisation=there, action="member.erased").exists()


def test_erasing_keeps_the_account_of_a_member_elsewhere(public_details):
    here, there = _org("here"), _org("there")
    person = get_user_model().objects.create_user("ada", password="a long pass phrase")
    member = services.join(here, actor="test", user=person, **public_details)
    services.join(there, actor="test", user=person, **public_details)
    _erase(member, "test")
    assert get_user_model().objects.filter(pk=person.pk).exists()
    assert Member.objects.filter(organisation=there, user=person).exists()


def test_an_account_nothing_else_holds_is_deleted(public_details):
    here = _org("here")
    person = get_user_model().objects.create_user("ada", password="a long pass phrase")
    member = services.join(here, actor="test", user=person, **public_details)
    _erase(member, "test")
    assert not get_user_model().objects.filter(pk=person.pk).exists()
    event = AuditEvent.objects.filter(organisation=here, action="member.erased").get()
    assert event.data["sign_in"] == "deleted"
