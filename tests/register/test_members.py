"""Joining, admission, ceasing, re-joining; numbers; who is a member on a date."""

from datetime import date

import pytest

from mutualise.audit.models import AuditEvent
from mutualise.audit.services import verify
from mutualise.register import services
from mutualise.register.models import Member, MembershipPeriod, StatusChange

ON = date(2026, 6, 1)

pytestmark = pytest.mark.django_db


def test_join_admits_automatically_when_the_rulebook_says_so(org, public_details):
    member = services.join(org, on=ON, actor="test", **public_details)
    assert member.status == Member.Status.ADMITTED
    assert member.number == 1
    assert member.constituency_id == "public-newcastle"
    assert member.admitted_on == ON
    assert [h.event for h in member.history.all()] == ["applied", "admitted"]
    actions = list(
        AuditEvent.objects.filter(organisation=org, subject_type="Member").values_list(
            "action", flat=True
        )
    )
    assert actions == ["member.applied", "member.admitted"]
    assert verify(org).ok


def test_audit_data_holds_no_personal_data(org, public_details):
    services.join(org, on=ON, actor="test", **public_details)
    for event in AuditEvent.objects.filter(organisation=org, subject_type="Member"):
        text = str(event.data)
        assert "Ada" not in text and "ada@example.org" not in text and "NE1" not in text


def test_board_admission_leaves_the_applicant_pending(board_org, public_details):
    member = services.join(board_org, on=ON, actor="test", **public_details)
    assert member.status == Member.Status.APPLIED
    assert not services.active_members(board_org, on=ON).exists()
    services.admit(member, actor="board", on=date(2026, 6, 10))
    assert member.status == Member.Status.ADMITTED
    assert list(services.active_members(board_org, on=date(2026, 6, 10))) == [member]
    assert not services.active_members(board_org, on=date(2026, 6, 9)).exists()


def test_decline_keeps_the_number_used(board_org, public_details):
    first = services.join(board_org, on=ON, **public_details)
    services.decline(first, actor="board", note="not resident")
    second = services.join(
        board_org, on=ON, **{**public_details, "email": "other@example.org", "display_name": "B"}
    )
    assert (first.status, second.number) == (Member.Status.DECLINED, 2)
    with pytest.raises(services.MemberError):
        services.admit(first)


def test_numbers_are_sequential_and_never_reused(org, public_details):
    numbers = []
    for i in range(3):
        details = {**public_details, "email": f"m{i}@example.org", "display_name": f"Member {i}"}
        numbers.append(services.join(org, on=ON, **details).number)
    Member.objects.filter(number=3).update(status=Member.Status.MERGED)
    details = {**public_details, "email": "late@example.org", "display_name": "Late"}
    assert numbers == [1, 2, 3]
    assert services.join(org, on=ON, **details).number == 4


def test_cease_and_rejoin_keep_the_whole_history(org, public_details):
    member = services.join(org, on=ON, **public_details)
    services.cease(member, "resigned", actor="test", on=date(2026, 9, 1))
    assert member.status == Member.Status.CEASED
    assert not services.active_members(org, on=date(2026, 9, 1)).exists()
    assert services.active_members(org, on=date(2026, 8, 31)).get() == member
    services.rejoin(member, actor="test", on=date(2027, 1, 5))
    assert member.status == Member.Status.ADMITTED and member.number == 1
    events = [(h.event, h.reason) for h in member.history.all()]
    assert events == [
        ("applied", ""),
        ("admitted", ""),
        ("ceased", "resigned"),
        ("rejoined", ""),
        ("admitted", ""),
    ]
    # The gap between the two memberships is not membership.
    assert not services.active_members(org, on=date(2026, 12, 1)).exists()
    assert services.active_members(org, on=date(2027, 1, 5)).exists()
    assert MembershipPeriod.objects.filter(member=member).count() == 2


@pytest.mark.parametrize(
    "reason", ["resigned", "died", "moved_out_of_area", "no_longer_eligible", "expelled"]
)
def test_every_cease_reason_is_recorded(org, public_details, reason):
    member = services.join(org, on=ON, **public_details)
    services.cease(member, reason, on=ON)
    assert member.history.last().reason == reason
    assert AuditEvent.objects.filter(action="member.ceased", data__reason=reason).exists()


def test_unknown_cease_reason_and_dead_members_rejoining_are_refused(org, public_details):
    member = services.join(org, on=ON, **public_details)
    with pytest.raises(services.MemberError, match="unknown reason 'bored'"):
        services.cease(member, "bored")
    services.cease(member, "died", on=ON)
    with pytest.raises(services.MemberError, match="died"):
        services.rejoin(member)
    with pytest.raises(services.MemberError, match="not a current member"):
        services.cease(member, "resigned")


def test_active_members_by_constituency_on_a_date(org, public_details):
    newcastle = services.join(org, on=ON, **public_details)
    gateshead = services.join(
        org,
        on=ON,
        **{**public_details, "display_name": "G", "email": "g@example.org", "postcode": "NE8 1AA"},
    )
    assert gateshead.constituency_id == "public-gateshead"
    assert newcastle.constituency_id == "public-newcastle"
    assert set(services.active_members(org, on=ON, constituency_id="public-gateshead")) == {
        gateshead
    }
    assert services.active_members(org, on=ON).count() == 2
    assert not services.active_members(org, on=date(2026, 5, 31)).exists()


def test_moving_constituency_keeps_past_rolls_exact(org, public_details):
    member = services.join(org, on=ON, **public_details)
    services.update_details(member, postcode="NE8 4QR", actor="member")
    services.change_constituency(member, "public-gateshead", on=date(2026, 7, 1))
    assert services.active_members(org, ON, "public-newcastle").get() == member
    assert not services.active_members(org, date(2026, 7, 1), "public-newcastle").exists()
    assert services.active_members(org, date(2026, 7, 1), "public-gateshead").get() == member
    assert member.history.last().event == StatusChange.Event.MOVED


def test_ineligible_applicant_is_told_every_reason(org, public_details):
    details = {**public_details, "date_of_birth": date(2015, 1, 1), "postcode": "SW1A 1AA"}
    with pytest.raises(services.NotEligible) as caught:
        services.join(org, on=ON, constituency_id="public-newcastle", **details)
    text = " ".join(caught.value.reasons)
    assert "at least 16" in text and "Newcastle upon Tyne" in text
    assert not Member.objects.exists()


def test_bad_postcode_is_named(org, public_details):
    with pytest.raises(services.MemberError, match="'NE1 XYZ' is not a valid UK postcode") as e:
        services.join(org, on=ON, **{**public_details, "postcode": "ne1 xyz"})
    assert e.value.field == "postcode"


def test_staff_need_a_class(org):
    details = dict(
        display_name="Sam Nurse",
        date_of_birth=date(1985, 1, 1),
        is_staff=True,
        contract_fixed_term=False,
        email="sam@example.org",
    )
    with pytest.raises(services.MemberError, match="Choose which part of the Staff"):
        services.join(org, on=ON, **details)
    with pytest.raises(services.NotEligible, match="nursing or midwifery"):
        services.join(org, on=ON, class_id="staff-nursing", **details)
    member = services.join(
        org, on=ON, class_id="staff-nursing", attestations=["nursing-or-midwifery-role"], **details
    )
    assert (member.constituency_id, member.class_id) == ("staff", "staff-nursing")


def test_postcode_search_keeps_districts_apart(org, public_details):
    from mutualise.register.search import postcode_prefix, search

    for i, postcode in enumerate(["NE1 4AB", "NE15 6AA", "NE1 5AA"]):
        services.join(
            org,
            on=ON,
            **{
                **public_details,
                "email": f"p{i}@example.org",
                "postcode": postcode,
                "display_name": f"P {i}",
            },
        )
    assert postcode_prefix("ne1") == "NE1 " and postcode_prefix("ne14ab") == "NE1 4AB"
    assert [m.postcode for m in search(org, "NE1")] == ["NE1 4AB", "NE1 5AA"]
    assert [m.postcode for m in search(org, "ne1 4")] == ["NE1 4AB"]
    assert [m.postcode for m in search(org, "NE15")] == ["NE15 6AA"]
