"""Who may do what in governance: one test per action, every role (docs/roles.md)."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from governance_helpers import found

from mutualise.governance import services
from mutualise.register import services as register
from mutualise.register.models import Member, Role

ROLES = [
    "public",
    "member",
    "officer",
    "board",
    "chair",
    "returning_officer",
    "administrator",
    "system",
]
KEEPS_REGISTER = {"officer", "administrator", "system"}


@pytest.fixture
def coop(db):
    return found("co-operative-society", "roles-coop")


def user_for(org, role):
    if role == "public":
        from django.contrib.auth.models import AnonymousUser

        return AnonymousUser()
    User = get_user_model()
    if role == "system":
        return User.objects.create_superuser(f"{role}-user", password="x")
    user = User.objects.create_user(f"{role}-user", password="x")
    if role == "member":
        Member.objects.create(
            organisation=org,
            number=1,
            status="admitted",
            user=user,
            constituency_id="members",
            display_name="M",
            applied_on=date(2025, 1, 1),
        )
    else:
        register.grant_role(org, user, Role.Kind(role), actor="test")
    return user


@pytest.mark.parametrize("role", ROLES)
def test_anyone_reads_the_accountability_page(client, coop, role):
    user = user_for(coop, role)
    if user.is_authenticated:
        client.force_login(user)
    assert client.get(reverse("governance:accountability", args=[coop.slug])).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_who_keeps_the_register_of_office_holders(coop, role):
    user = user_for(coop, role)
    appoint = lambda: services.appoint(  # noqa: E731
        coop,
        body_id="board",
        office_id="chair",
        chosen_by="the board",
        decided_on=date(2026, 1, 1),
        holder_name="X",
        actor=user,
    )
    if role in KEEPS_REGISTER:
        holding = appoint()
        services.end_holding(holding, on=date(2026, 2, 1), reason="resigned", actor=user)
    else:
        with pytest.raises(services.NotPermitted):
            appoint()


@pytest.mark.parametrize("role", ROLES)
def test_who_stores_the_health_check(coop, role):
    user = user_for(coop, role)
    if role in KEEPS_REGISTER:
        assert services.check_organisation(coop, store=True, actor=user)
        assert coop.health_report.serious >= 1
    else:
        with pytest.raises(services.NotPermitted):
            services.check_organisation(coop, store=True, actor=user)


@pytest.mark.parametrize("role", ROLES)
def test_only_system_administrators_see_every_organisation(client, coop, role):
    user = user_for(coop, role)
    if user.is_authenticated:
        client.force_login(user)
    status = client.get(reverse("governance_install:all_organisations")).status_code
    assert status == (200 if role == "system" else 403)


def test_the_daily_run_stores_every_organisation(coop):
    found("co-operative-society", "second-coop")
    assert services.run_daily(today=date(2026, 5, 1)) == 2
    from mutualise.governance.models import HealthReport

    reports = HealthReport.objects.order_by("organisation__slug")
    assert [r.checked_on for r in reports] == [date(2026, 5, 1)] * 2
    assert all("REG-1" in [f["id"] for f in r.findings] for r in reports)
