"""Issue 20, item 5: the rulebook's `membership.secretary_confirms` decides which of a member's
own changes wait for the membership secretary: a housing co-op's rules name the address; with
the field emptied the change takes effect at once, and naming the name makes that wait."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from mutualise.accounts.member_models import DetailsChange
from mutualise.accounts.services import membership as services
from mutualise.constitution import model_path
from mutualise.register import services as register

pytestmark = pytest.mark.django_db
FIELD = "secretary_confirms: [address]"


def _tenant(slug, confirms: str):
    text = model_path("housing-coop").read_text(encoding="utf-8")
    assert text.count(FIELD) == 1
    org = register.create_organisation(
        name=f"Housing {slug}", constitution_text=text.replace(FIELD, f"secretary_confirms: {confirms}"),
        source_name=f"{slug}.yaml", slug=slug, actor="t",
    )  # fmt: skip
    sign_in = get_user_model().objects.create_user(f"tia-{slug}")
    joined = register.join(
        org, display_name="Tia Tenant", date_of_birth=date(1980, 5, 17), email=f"tia@{slug}.org",
        postcode="NE1 4ST", address="1 High Street", attestations=["tenant-or-applicant"],
        user=sign_in, actor="t",
    )  # fmt: skip
    return register.admit(joined, actor="t")


def _move(tenant):
    return services.change_my_details(
        tenant, "address", actor=tenant.user, address="Flat 2", postcode="M1 1AA"
    )


def test_an_address_the_rules_name_waits_for_the_secretary():
    tenant = _tenant("waits", "[address]")
    change = _move(tenant)
    assert change.state == DetailsChange.State.WAITING
    tenant.refresh_from_db()
    assert tenant.postcode == "NE1 4ST"


def test_with_nothing_named_a_change_takes_effect_at_once():
    tenant = _tenant("at-once", "[]")
    assert _move(tenant) is None
    tenant.refresh_from_db()
    assert tenant.postcode == "M1 1AA"


def test_a_name_waits_only_where_the_rules_name_it():
    named = _tenant("name", "[name]")
    assert services.change_my_details(named, "name", actor=named.user, display_name="Tia T")
    assert _move(named) is None  # the address is not named in these rules
    unnamed = _tenant("no-name", "[address]")
    assert services.change_my_details(unnamed, "name", actor=unnamed.user, display_name="T") is None
