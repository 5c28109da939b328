"""Nominations and seats: word limits, declarations, withdrawal deadlines, minimum age, and
vacancies from terms ending, casual vacancies and continuing holders."""

from datetime import date, timedelta

import pytest
from election_helpers import (
    CLOSE_OF_POLL,
    PASSWORD,
    Driver,
    make_members,
    make_user,
    moment,
    nhs_rulebook,
)

from mutualise.audit.models import AuditEvent
from mutualise.elections import seats, services
from mutualise.elections.models import Candidate, OfficeTerm
from mutualise.register import services as register
from mutualise.register.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def nhs_org():
    """The NHS rulebook with a minimum age for governors (18), to test that rule too."""
    text = nhs_rulebook().replace(
        "    total_seats: 24\n", "    total_seats: 24\n    member_minimum_age: 18\n", 1
    )
    return register.create_organisation(
        name="Tyneside", constitution_text=text, source_name="nhs.yaml", slug="tyneside"
    )


@pytest.fixture
def nominating(nhs_org):
    election = services.create_election(
        nhs_org,
        body_id="council-of-governors",
        seat_group_id="public-gateshead",
        close_of_poll=CLOSE_OF_POLL,
        actor="ro",
        now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )
    drive = Driver(election, "ro")
    drive.to_nominations()
    return election, drive


def test_nomination_rules_each_give_a_reason(nominating, nhs_org):
    election, drive = nominating
    (member,) = make_members(nhs_org, "public-gateshead", 1)
    (outsider,) = make_members(nhs_org, "staff", 1)
    member.date_of_birth = CLOSE_OF_POLL.replace(year=CLOSE_OF_POLL.year - 17)
    member.save()
    with pytest.raises(services.ElectionError) as refused:
        services.nominate(election, member, statement="word " * 251, now=drive.nominating)
    message = str(refused.value)
    assert "251 words; the limit is 250" in message
    assert "must declare they are not an undischarged bankrupt" in message
    assert "at least 18 on polling day" in message
    with pytest.raises(services.ElectionError, match="not a member of the constituency"):
        services.nominate(election, outsider, now=drive.nominating)


def test_withdrawal_until_the_deadline_and_through_the_site(nominating, nhs_org, client):
    election, drive = nominating
    declare = list(nhs_org.constitution.body("council-of-governors").disqualifications)
    first, second = make_members(nhs_org, "public-gateshead", 2)
    first.user = make_user(nhs_org, "first")
    first.save()
    services.nominate(election, first, declarations=declare, now=drive.nominating)
    services.nominate(election, second, declarations=declare, now=drive.nominating)
    client.login(username="first", password=PASSWORD)
    page = client.get(f"/o/{nhs_org.slug}/elections/{election.pk}/").content.decode()
    assert "Withdraw my nomination" in page
    client.post(f"/o/{nhs_org.slug}/elections/{election.pk}/withdraw/")
    assert Candidate.objects.get(member=first).status == Candidate.Status.WITHDRAWN
    drive.step("close_nominations", drive.at("nominations_close"))
    with pytest.raises(services.ElectionError, match="last day to withdraw has passed"):
        services.withdraw(Candidate.objects.get(member=second), now=drive.at("withdrawals_close"))
    assert [c.ballot_name for c in services.ballot_candidates(election)] == [second.display_name]


def test_vacancies_from_the_register_of_office_holders(nhs_org):
    holders = make_members(nhs_org, "public-newcastle", 4, prefix="Governor")
    polling = date(2027, 6, 15)
    spans = [
        (date(2024, 6, 1), date(2027, 6, 1), None),  # term ends before polling day
        (date(2025, 7, 1), date(2028, 7, 1), date(2026, 3, 1)),  # resigned: casual vacancy
        (date(2025, 7, 1), date(2028, 7, 1), None),  # continuing
        (date(2026, 7, 1), date(2029, 7, 1), None),  # continuing
    ]
    for member, (start, end, ended) in zip(holders, spans, strict=True):
        OfficeTerm.objects.create(
            organisation=nhs_org, body_id="council-of-governors",
            seat_group_id="public-newcastle", member=member, holder_name=member.display_name,
            started_on=start, ends_on=end, ended_on=ended,
        )  # fmt: skip
    free = seats.vacancies(nhs_org, "council-of-governors", "public-newcastle", polling)
    assert free.seats == 6 and free.continuing == 2 and free.count == 4
    assert free.casual == [holders[1].display_name]
    with pytest.raises(seats.SeatError, match="not elected"):
        seats.seat_group(nhs_org.constitution, "council-of-governors", "university")


def test_the_returning_officer_rejects_a_nomination_with_a_reason(nominating, nhs_org, client):
    election, drive = nominating
    declare = list(nhs_org.constitution.body("council-of-governors").disqualifications)
    (member,) = make_members(nhs_org, "public-gateshead", 1)
    candidate = services.nominate(election, member, declarations=declare, now=drive.nominating)
    client.force_login(make_user(nhs_org, "ro", Role.Kind.RETURNING_OFFICER))
    reject = f"/o/{nhs_org.slug}/elections/{election.pk}/console/reject/{candidate.pk}/"
    assert b"say why" in client.post(reject, {"reason": ""}, follow=True).content
    client.post(reject, {"reason": "nomination paper unsigned"})
    candidate.refresh_from_db()
    assert candidate.status == Candidate.Status.REJECTED
    assert candidate.rejection_reason == "nomination paper unsigned"


def test_only_the_member_or_the_returning_officer_nominates_and_withdraws(nominating, nhs_org):
    """Who may act is checked in the service (issue 20 item 3), not only by the page, so no
    other caller (the API, a script with a user) can stand a member who did not choose to, or
    withdraw another member's nomination."""
    election, drive = nominating
    declare = list(nhs_org.constitution.body("council-of-governors").disqualifications)
    first, second = make_members(nhs_org, "public-gateshead", 2)
    first.user = make_user(nhs_org, "first")
    first.save()
    when = drive.nominating
    before = AuditEvent.objects.count()
    with pytest.raises(services.NotPermitted, match="only the member themself"):
        services.nominate(election, second, declarations=declare, actor=first.user, now=when)
    assert not Candidate.objects.filter(member=second).exists()
    assert AuditEvent.objects.count() == before
    theirs = services.nominate(election, second, declarations=declare, actor="ro", now=when)
    with pytest.raises(services.NotPermitted, match="only the member themself"):
        services.withdraw(theirs, actor=first.user, now=when)
    assert Candidate.objects.get(pk=theirs.pk).status == Candidate.Status.NOMINATED
    own = services.nominate(election, first, declarations=declare, actor=first.user, now=when)
    services.withdraw(own, actor=first.user, now=when)
    officer = make_user(nhs_org, "officer", Role.Kind.RETURNING_OFFICER)
    services.withdraw(theirs, actor=officer, now=when)  # a withdrawal received on paper
    assert set(Candidate.objects.values_list("status", flat=True)) == {"withdrawn"}
