"""Subject access and erasure; duplicates and merging; the eligibility re-check."""

import json
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from mutualise.audit.models import AuditEvent
from mutualise.cli import main
from mutualise.register import exports, services
from mutualise.register.models import Member, StatusChange

pytestmark = pytest.mark.django_db
ON = date(2026, 6, 1)
SECRETS = ["Wilhelmina Quaintrelle", "wilhelmina@example.org", "NE4 7QT", "1961-07-19", "07700"]


@pytest.fixture
def person(org):
    user = get_user_model().objects.create_user(
        "wilhelmina", email="wilhelmina@example.org", password="x-long-password-1"
    )
    member = services.join(
        org,
        on=ON,
        user=user,
        actor="test",  # dated ON: only the secretary or the system may date a joining
        display_name="Wilhelmina Quaintrelle",
        date_of_birth=date(1961, 7, 19),
        address="7 Quayside Lane",
        postcode="ne4 7qt",
        email="Wilhelmina@example.org",
        phone="07700 900123",
        sex="female",
        ethnicity="White Irish",
        language="Irish",
    )
    services.update_details(member, phone="07700 900124", actor=user)
    return member


def everything_in_the_database() -> str:
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            dump.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(dump)


def test_subject_access_holds_everything_including_audit_events(person):
    data = services.subject_access(person)
    assert data["member"]["display_name"] == "Wilhelmina Quaintrelle"
    assert data["member"]["email"] == "wilhelmina@example.org"
    assert data["member"]["user"] == "wilhelmina"
    assert [h["event"] for h in data["history"]] == ["applied", "admitted"]
    assert [e["action"] for e in data["audit_events"]] == [
        "member.applied",
        "member.admitted",
        "member.details_changed",
    ]
    assert data["membership_periods"][0]["constituency"] == "public-newcastle"
    json.dumps(data, cls=DjangoJSONEncoder)  # it serialises


def test_erasure_removes_personal_data_everywhere_and_keeps_counts(org, person, capsys):
    other = services.join(
        org, on=ON, display_name="Other Member", date_of_birth=date(1970, 1, 1), postcode="NE1 1AA"
    )
    assert all(s in everything_in_the_database() for s in SECRETS[:3])
    services.cease(person, "resigned", on=date(2026, 7, 1))
    counts_before = exports.counts(org, ON)
    roll_before = list(services.active_members(org, ON).values_list("number", flat=True))
    with pytest.raises(services.MemberError, match="current member"):
        services.erase(other)

    services.erase(person, actor="secretary")

    dump = everything_in_the_database()
    for secret in SECRETS:
        assert secret not in dump and secret.lower() not in dump.lower(), secret
    assert "wilhelmina" not in dump.lower()  # the sign-in account went too
    person.refresh_from_db()
    assert person.erased_at and person.display_name == "" and person.number == 1
    assert exports.counts(org, ON) == counts_before
    assert list(services.active_members(org, ON).values_list("number", flat=True)) == roll_before
    assert AuditEvent.objects.filter(action="member.erased").count() == 1
    assert main(["audit", "verify", "--org", org.slug]) == 0
    assert "chain intact" in capsys.readouterr().out
    with pytest.raises(services.MemberError, match="already been erased"):
        services.erase(person)


def test_duplicates_are_caught_at_joining(org, person):
    with pytest.raises(services.DuplicateMember) as caught:
        services.join(
            org,
            on=ON,
            display_name="W Q",
            postcode="NE1 1AA",
            date_of_birth=date(1990, 1, 1),
            email="WILHELMINA@example.org",
        )
    assert caught.value.matches == [person]
    with pytest.raises(services.DuplicateMember):
        services.join(
            org,
            on=ON,
            display_name="Mrs  Wilhelmína QUAINTRELLE",
            postcode="NE47QT",
            date_of_birth=date(1961, 7, 19),
        )


def test_merge_keeps_both_histories(org, person):
    twin = services.join(
        org,
        on=date(2026, 6, 2),
        allow_duplicate=True,
        display_name="Wilhelmina Quaintrelle",
        date_of_birth=date(1961, 7, 19),
        postcode="NE4 7QT",
    )
    services.merge(person, twin, actor="secretary", on=date(2026, 6, 3))
    twin.refresh_from_db()
    assert (twin.status, twin.merged_into) == (Member.Status.MERGED, person)
    history = services.member_history(person)
    assert [(h.member.number, h.event) for h in history] == [
        (1, "applied"),
        (1, "admitted"),
        (2, "applied"),
        (2, "admitted"),
        (2, "merged"),
        (1, "merged"),
    ]
    assert services.active_members(org, date(2026, 6, 3)).count() == 1
    assert services.find_duplicates(org, email="wilhelmina@example.org") == [person]
    with pytest.raises(services.MemberError):
        services.merge(person, twin)


def test_recheck_lists_people_who_moved_or_left_staff_and_changes_nothing(org, person):
    staff = services.join(
        org,
        on=ON,
        display_name="Sam Nurse",
        date_of_birth=date(1985, 1, 1),
        is_staff=True,
        contract_fixed_term=False,
        class_id="staff-other",
        email="sam@example.org",
    )
    services.update_details(person, postcode="SW1A 1AA")
    services.update_details(staff, employment_end=date(2026, 8, 31))
    assert services.recheck_register(org, date(2026, 8, 31)) == [
        services.LostEligibility(
            person, services.eligibility_reasons(person, date(2026, 8, 31)), "moved_out_of_area"
        )
    ]
    found = {f.member.number: f for f in services.recheck_register(org, date(2026, 9, 1))}
    assert set(found) == {person.number, staff.number}
    assert found[staff.number].suggested_reason == "no_longer_eligible"
    assert services.active_members(org, date(2026, 9, 1)).count() == 2  # nothing changed
    services.confirm_ineligible(person, actor="secretary", on=date(2026, 9, 1))
    assert person.history.last().reason == StatusChange.Reason.MOVED_OUT_OF_AREA
    assert "live in" in person.history.last().note


def test_erasure_reaches_uploads_and_kept_rejected_rows(org, person):
    """Import files the register still holds lose the person too: an upload awaiting a
    decision that holds them is discarded; their rejected rows are taken out of the list."""
    from mutualise.register.models import PendingImport

    header = "Member ID,Name,DOB,Postcode,Email\n"
    mentions = (
        header + "R1,Someone Else,1970-01-01,NE1 1AA,\n"
        "R2,Wilhelmina Quaintrelle,19/07/1961,NE4 7QT,\n"
    ).encode()
    namesake = (header + "R3,Wilhelmina Quaintrelle,1990-01-01,NE1 1AA,\n").encode()
    held = services.upload_import(org, mentions, "held.csv", actor="secretary")
    kept = services.upload_import(org, namesake, "namesake.csv", actor="secretary")
    # An accepted import whose rejected rows include her (a bad phone) and someone else.
    rejected_file = (
        b"Name,DOB,Postcode,Email,Phone\n"
        b"Wilhelmina Q,1961-07-19,NE4 7QT,wilhelmina@example.org,not-a-phone\n"
        b"Bob Other,1970-01-01,NE1 1AA,bob@example.org,not-a-phone\n"
    )
    done = services.upload_import(org, rejected_file, "rejected.csv", actor="secretary")
    services.run_pending_import(done.pk, actor="secretary")
    done.refresh_from_db()
    assert "wilhelmina@example.org" in done.rejected_csv and "Bob Other" in done.rejected_csv
    services.cease(person, "resigned", on=date(2026, 7, 1))

    services.erase(person, actor="secretary")

    assert not PendingImport.objects.filter(pk=held.pk).exists()
    assert PendingImport.objects.filter(pk=kept.pk).exists()  # a namesake elsewhere, kept
    done.refresh_from_db()
    assert "Bob Other" in done.rejected_csv and "wilhelmina" not in done.rejected_csv.lower()
    assert AuditEvent.objects.filter(action="members.import_discarded").count() == 1
    dump = everything_in_the_database().replace("Wilhelmina Quaintrelle,1990-01-01", "")
    for secret in SECRETS:
        assert secret not in dump and secret.lower() not in dump.lower(), secret
