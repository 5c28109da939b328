"""The offer pages (progress with a chart that needs no script; a member applies) and the
officers' view of the share register with its exports."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from stake_helpers import found, make_members

from mutualise.register import services as register
from mutualise.register.models import Member, Role
from mutualise.stake import services
from mutualise.stake.models import OfferApplication


@pytest.fixture
def energy(db):
    return found()


def running_offer(org):
    today = timezone.localdate()
    return services.open_offer(
        org, title="Community wind turbine", opens_on=today - timedelta(days=7),
        closes_on=today + timedelta(days=60), minimum_pence=1_000_000,
        optimum_pence=2_000_000, maximum_pence=3_000_000, policy="pro-rata",
    )  # fmt: skip


def test_the_offer_page_shows_progress_and_a_member_applies(client, energy):
    offer = running_offer(energy)
    ann = get_user_model().objects.create_user("ann", password="x")
    (member,) = make_members(energy, 1)
    Member.objects.filter(pk=member.pk).update(user=ann)
    page = client.get(f"/o/{energy.slug}/shares/offers/{offer.pk}/").content.decode()
    assert "£0.00 applied for" in page
    chart = page[page.index("<figure") : page.index("</figure>")]
    assert "<svg" in chart and "<script" not in chart and "style=" not in chart
    assert "Sign in as a member to apply" in page
    client.force_login(ann)
    bad = client.post(f"/o/{energy.slug}/shares/offers/{offer.pk}/", {"shares": "ten"})
    assert "whole number" in bad.content.decode()
    low = client.post(f"/o/{energy.slug}/shares/offers/{offer.pk}/", {"shares": "10"})
    assert "the least one may hold is 25000p" in low.content.decode()
    done = client.post(f"/o/{energy.slug}/shares/offers/{offer.pk}/", {"shares": "1500"})
    assert done.status_code == 302
    page = client.get(done.url).content.decode()
    assert "£1,500.00 applied for by 1 member" in page and "You have applied for 1500" in page
    assert OfferApplication.objects.get().paid_pence == 150_000
    listing = client.get(f"/o/{energy.slug}/shares/offers/").content.decode()
    assert "Community wind turbine" in listing and "not yet met" in listing


def test_the_register_is_for_officers_with_its_exports(client, energy):
    (member,) = make_members(energy, 1)
    services.record_movement(energy, member, "allotment", 30_000, on=date(2025, 1, 1))
    client.force_login(get_user_model().objects.create_user("stranger", password="x"))
    assert client.get(f"/o/{energy.slug}/shares/register/").status_code == 403
    sec = get_user_model().objects.create_user("sec", password="x")
    register.grant_role(energy, sec, Role.Kind.OFFICER, actor="test")
    client.force_login(sec)
    page = client.get(f"/o/{energy.slug}/shares/register/").content.decode()
    assert "300.00" in page and "Member 1" in page
    duplicate = client.get(f"/o/{energy.slug}/shares/register/?duplicate=1").content.decode()
    assert "300.00" not in duplicate and "Member 1" in duplicate
    csv = client.get(f"/o/{energy.slug}/shares/register/?format=csv")
    assert csv["Content-Type"].startswith("text/csv") and b"300.00" in csv.content
