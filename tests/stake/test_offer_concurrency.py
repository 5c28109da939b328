"""The maximum holding across offers open at once: two applications by one member racing on
two connections (PostgreSQL) cannot together pass it, and an offer always closes."""

import threading
from datetime import date, datetime, time

import pytest
from django.db import connection, connections
from stake_helpers import found, make_members

from mutualise.constitution.calendar import LONDON
from mutualise.stake import services
from mutualise.stake.models import OfferApplication, ShareAccount
from mutualise.stake.services import StakeError

APPLIED = datetime.combine(date(2025, 4, 1), time(12), tzinfo=LONDON)


def _offers(org, count=2):
    return [
        services.open_offer(
            org,
            title=f"Roof {n}",
            opens_on=date(2025, 3, 1),
            closes_on=date(2025, 5, 31),
            minimum_pence=100,
            optimum_pence=100,
            maximum_pence=400_000_000,
            policy="first-come-first-served",
            kind="open",
        )  # fmt: skip
        for n in range(count)
    ]


@pytest.mark.django_db(transaction=True)
def test_racing_applications_to_two_offers_cannot_pass_the_maximum_holding():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time, so there is no race to test there")
    org = found()
    first, second = _offers(org)
    members = make_members(org, 6)
    refused, errors, lock = [], [], threading.Lock()
    started = threading.Barrier(2)

    def applicant(offer):
        try:
            for member in members:  # 60,000 + 60,000 GBP 1 shares: GBP 120,000, above 100,000
                started.wait(timeout=60)
                try:
                    services.apply(offer, member, 60_000, at=APPLIED)
                except StakeError as exc:
                    with lock:
                        refused.append(str(exc))
                except Exception as exc:  # noqa: BLE001 - reported below, not swallowed
                    with lock:
                        errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=applicant, args=(o,)) for o in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(refused) == len(members) and all("above the maximum" in r for r in refused)
    for member in members:
        assert OfferApplication.objects.filter(member=member).count() == 1
    services.close_offer(first, on=date(2025, 6, 2))
    services.close_offer(second, on=date(2025, 6, 2))
    assert all(a.balance_pence == 6_000_000 for a in ShareAccount.objects.filter(organisation=org))


@pytest.mark.django_db
def test_an_offer_closes_with_the_excess_refunded_when_the_holding_grew_since_applying():
    org = found()
    (offer,) = _offers(org, 1)
    (m,) = make_members(org, 1)
    application = services.apply(offer, m, 60_000, at=APPLIED)
    services.record_movement(org, m, "allotment", 5_000_000, on=date(2025, 5, 1))  # by hand
    services.close_offer(offer, on=date(2025, 6, 2))
    application.refresh_from_db()
    assert (application.allotted_shares, application.refunded_pence) == (50_000, 1_000_000)
    assert ShareAccount.objects.get(member=m).balance_pence == 10_000_000
    assert services.verify_ledger(org) == []


@pytest.mark.django_db
def test_an_application_counts_what_the_member_applied_for_in_other_open_offers():
    org = found()
    first, second = _offers(org)
    (m,) = make_members(org, 1)
    services.apply(first, m, 60_000, at=APPLIED)
    with pytest.raises(StakeError, match="6000000p of it applied for in offers not yet closed"):
        services.apply(second, m, 40_001, at=APPLIED)
    services.apply(second, m, 40_000, at=APPLIED)  # exactly the GBP 100,000: accepted
