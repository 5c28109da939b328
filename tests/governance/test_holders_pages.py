"""The membership secretary's page for recording appointments and ending holdings."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from governance_helpers import admit, found

from mutualise.governance.models import OfficeHolding
from mutualise.register import services as register
from mutualise.register.models import Role


@pytest.fixture
def coop(db):
    return found("co-operative-society", "form-coop")


@pytest.fixture
def secretary(client, coop):
    user = get_user_model().objects.create_user("secretary")
    register.grant_role(coop, user, Role.Kind.OFFICER, actor="test")
    client.force_login(user)
    return user


def test_record_a_co_option_then_end_it(client, coop, secretary):
    (member,) = admit(coop, ["Kim Keen"], on=date(2025, 1, 1))
    url = reverse("governance:holders", args=[coop.slug])
    response = client.post(
        url,
        {
            "seat": "board|seat|co-opted-directors",
            "how": "co-opted",
            "chosen_by": "the board",
            "decided_on": "2026-02-01",
            "member": str(member.number),
            "holder_name": "",
            "address": "",
        },
    )
    assert response.status_code == 302
    holding = OfficeHolding.objects.get(organisation=coop)
    assert (holding.holder_name, holding.how, holding.chosen_by) == (
        "Kim Keen",
        "co-opted",
        "the board",
    )
    assert holding.address.startswith("1 Mill Lane")
    assert "Kim Keen" in client.get(url).content.decode()
    end = reverse("governance:end_holding", args=[coop.slug, holding.pk])
    assert client.post(end, {"ended_on": "2026-03-01", "reason": "resigned"}).status_code == 302
    holding.refresh_from_db()
    assert holding.ended_on == date(2026, 3, 1) and holding.end_reason == "resigned"


def test_bad_input_is_named_and_nothing_is_recorded(client, coop, secretary):
    url = reverse("governance:holders", args=[coop.slug])
    response = client.post(
        url,
        {
            "seat": "board|office|chair",
            "how": "appointed",
            "chosen_by": "",
            "decided_on": "soon",
            "member": "999",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text and 'href="#id_decided_on"' in text
    assert not OfficeHolding.objects.filter(organisation=coop).exists()
    response = client.post(
        url,
        {
            "seat": "board|office|chair",
            "how": "appointed",
            "chosen_by": "Pat",
            "decided_on": "2026-01-01",
            "member": "999",
        },
    )
    assert response.status_code == 400 and "There is no member 999" in response.content.decode()


def test_a_member_may_not_keep_the_register(client, coop):
    client.force_login(get_user_model().objects.create_user("plain"))
    assert client.get(reverse("governance:holders", args=[coop.slug])).status_code == 403


def test_the_holders_page_names_the_seat_in_words_not_rulebook_ids(client, coop, secretary):
    (member,) = admit(coop, ["Kim Keen"], on=date(2025, 1, 1))
    url = reverse("governance:holders", args=[coop.slug])
    data = {"seat": "board|seat|co-opted-directors", "how": "co-opted", "chosen_by": "the board"}
    data |= {"decided_on": "2026-02-01", "member": str(member.number)}
    assert client.post(url, data | {"holder_name": "", "address": ""}).status_code == 302
    page = client.get(url).content.decode()
    assert "Board of Directors: Co opted directors" in page  # the group has no name: its id
    assert "co-opted-directors" not in page.replace('value="board|seat|co-opted-directors"', "")
    assert "board: " not in page
