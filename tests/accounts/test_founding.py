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


def test_the_founder_chooses_the_web_address_and_it_is_audited(db):
    """Issue 13: the founding form had no web address (slug) field."""
    root = make_user("root", is_superuser=True)
    organisation = services.found_organisation(
        actor=root, name="New Co-op", text=TEXT, source_name="rules.yaml", slug=" Riverside-Co-op "
    )
    assert organisation.slug == "riverside-co-op"
    created = AuditEvent.objects.get(organisation=organisation, action="organisation.created")
    assert created.data["slug"] == "riverside-co-op"


def test_a_blank_web_address_is_made_from_the_name_and_kept_free(db, coop):
    root = make_user("root", is_superuser=True)
    assert services.suggest_slug("Riverside") == "riverside-2"  # the fixture has "riverside"
    assert _found(root, name="Riverside").slug == "riverside-2"
    assert _found(root, name="Riverside").slug == "riverside-3"


@pytest.mark.parametrize(
    "slug,says",
    [
        ("riverside", "Another organisation already uses /o/riverside/"),
        ("ab", "3 to 80 characters"),
        ("x" * 81, "3 to 80 characters"),
        ("river side", "lower-case letters, digits and single hyphens"),
        ("river--side", "single hyphens"),
        ("-riverside", "single hyphens"),
        ("rivèrside", "lower-case letters"),
    ],
)
def test_a_web_address_that_cannot_be_used_is_refused_at_its_field(db, coop, slug, says):
    root = make_user("root", is_superuser=True)
    with pytest.raises(services.AccountsError) as refused:
        services.found_organisation(
            actor=root, name="New Co-op", text=TEXT, source_name="rules.yaml", slug=slug
        )
    assert refused.value.field == "slug" and says in str(refused.value)
    assert Organisation.objects.count() == 1 and not Role.objects.exists()
