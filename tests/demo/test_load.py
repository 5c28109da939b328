"""`make demo` loads twelve organisations, one per model rulebook, each with members, officers,
sign-ins and something to do now; loading is all or nothing and a second run changes nothing."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

from mutualise import demo
from mutualise.constitution import available_models
from mutualise.demo import housing_coop
from mutualise.elections.models import Election
from mutualise.governance import services as governance
from mutualise.meetings.models import Meeting
from mutualise.participation.models import Budget
from mutualise.register.models import Member, Organisation, Role
from mutualise.stake.models import ShareAccount

pytestmark = pytest.mark.django_db
ADDRESS = "http://127.0.0.1:8000/"


def _rows() -> dict[str, int]:
    """Every table's row count: what a second load must not change."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def test_twelve_organisations_each_with_people_and_something_to_do_now():
    loaded = demo.load()
    infos = loaded.organisations
    models = {i.organisation.constitution_versions.first().source_name for i in infos}
    assert len(infos) == 12 and len(models) == 12
    # every shipped model but the generic community benefit society (the village pub)
    assert len(available_models()) == 13
    printed = loaded.describe(ADDRESS)
    states = {"poll open": 0, "poll closed": 0, "meeting on notice": 0, "in session": 0}
    for info in infos:
        org = info.organisation
        assert Member.objects.filter(organisation=org, status="admitted").count() >= 20, org
        assert Role.objects.filter(organisation=org).exists()
        assert info.member_user and info.officer_user in info.usernames
        assert Member.objects.filter(organisation=org, user__username=info.member_user).exists()
        assert f"{ADDRESS}o/{org.slug}/" in printed
        assert f"{ADDRESS}o/{org.slug}/{info.todo_path}" in printed
        for username in info.usernames:
            assert f"'{username}'" in printed
        if org.constitution.shares is not None:  # the share-holding models hold through stake
            assert ShareAccount.objects.filter(organisation=org, balance_pence__gt=0).exists()
        polls = Election.objects.filter(organisation=org)
        states["poll open"] += polls.filter(state="poll_open").count()
        states["poll open"] += Budget.objects.filter(organisation=org, state="voting").count()
        states["poll closed"] += polls.filter(state="poll_closed").count()
        states["meeting on notice"] += Meeting.objects.filter(
            organisation=org, state="called"
        ).count()
        states["in session"] += Meeting.objects.filter(organisation=org, state="in-session").count()
        assert info.todo
    assert all(n >= 2 for n in states.values()), states
    assert "demo/clock/" in printed and f"'{demo.ADMIN_USER}'" in printed
    # the health check: every demo organisation is run as its rules say (its bodies seated in
    # the register of office holders) but the NHS trust, whose mostly vacant council is the
    # live finding on its accountability page (tests/governance/test_demo_accountability.py)
    serious = {
        info.organisation.slug: sorted(
            {
                f.id
                for f in governance.check_organisation(info.organisation)
                if f.severity == "serious"
            }
        )
        for info in infos
    }
    live = {slug: ids for slug, ids in serious.items() if ids}
    assert live == {demo.nhs_trust.DEMO_SLUG: ["NHS-2"]}, live

    before = _rows()
    again = demo.load()
    assert _rows() == before  # a second run changes nothing
    assert [i.todo_path for i in again.organisations] == [i.todo_path for i in infos]


def test_a_failure_midway_leaves_nothing(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the housing co-op's meeting service is down")

    monkeypatch.setattr(housing_coop, "_fill", broken)
    with pytest.raises(RuntimeError):
        demo.load()
    assert not Organisation.objects.exists()
    assert not Member.objects.exists()
    assert not get_user_model().objects.exists()
