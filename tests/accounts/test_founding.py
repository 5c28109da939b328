"""Founding an organisation: who may, in one transaction, the founder its first administrator,
audited; a rulebook with a problem stores nothing."""

import pytest
from account_helpers import make_user
from django.contrib.auth.models import AnonymousUser

from mutualise.accounts import services
from mutualise.audit.models import AuditEvent
from mutualise.constitution import RulebookError, model_path
from mutualise.register.models import Organisation, Role

TEXT = model_path("co-operative-society").read_text()


def _found(actor, text=TEXT, name="New Co-op"):
    return services.found_organisation(
        actor=actor,
        name=name,
        text=text,
        source_name="rules.yaml",
        model_slug="co-operative-society",
    )


@pytest.mark.parametrize("who", ["anonymous", "signed_in", "administrator_elsewhere"])
def test_only_a_system_administrator_founds_by_default(db, who, coop):
    actor = {
        "anonymous": lambda: AnonymousUser(),
        "signed_in": lambda: make_user("pat"),
        "administrator_elsewhere": lambda: make_user(
            "ada2", org=coop, kind=Role.Kind.ADMINISTRATOR
        ),
    }[who]()
    with pytest.raises(services.NotPermitted):
        _found(actor)
    assert Organisation.objects.count() == 1  # only the fixture's


def test_the_install_may_open_founding_to_anyone_signed_in(db, settings):
    settings.MUTUALISE_OPEN_FOUNDING = True
    founder = make_user("pat")
    organisation = _found(founder)
    assert Role.objects.filter(
        organisation=organisation, user=founder, kind="administrator"
    ).exists()
    with pytest.raises(services.NotPermitted):
        _found(AnonymousUser())


def test_founding_is_one_audited_transaction(db):
    root = make_user("root", is_superuser=True)
    organisation = _found(root)
    actions = list(
        AuditEvent.objects.filter(organisation=organisation).values_list("action", "actor")
    )
    assert actions == [("organisation.created", "root"), ("role.granted", "root")]


def test_a_rulebook_with_a_problem_stores_nothing(db):
    root = make_user("root", is_superuser=True)
    with pytest.raises(RulebookError):
        _found(root, text=TEXT.replace("admission_by_board", "admission_by_bored"))
    with pytest.raises(services.AccountsError):
        _found(root, name="   ")
    assert not Organisation.objects.exists() and not Role.objects.exists()
