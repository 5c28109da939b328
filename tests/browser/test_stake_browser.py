"""A member's share account on a phone (390x844) with axe."""

import sys
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from mutualise.register.models import Member
from mutualise.stake import services

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "stake"))
from stake_helpers import found, make_members  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct horse battery staple"


def test_member_reads_their_share_account(page, sign_in, assert_accessible):
    org = found()
    user = get_user_model().objects.create_user("ann", password=PASSWORD)
    (member,) = make_members(org, 1)
    Member.objects.filter(pk=member.pk).update(user=user)
    services.record_movement(org, member, "allotment", 50_000, on=date(2025, 2, 1))
    services.record_movement(org, member, "interest", 1_234, on=date(2025, 12, 31))
    sign_in("ann", PASSWORD)
    page.goto(f"/o/{org.slug}/shares/")
    assert page.inner_text("#held") == "£512.34"
    assert "Interest credited" in page.inner_text("table")
    assert_accessible(page, "share account")
