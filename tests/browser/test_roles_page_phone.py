"""The roles page at 390x844: a holder's full name with a long sign-in address beside it
does not push the table wider than the phone."""

import pytest
from django.contrib.auth import get_user_model

from mutualise.register import services as register
from mutualise.register.models import Role

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_long_address_in_the_holders_table_fits_a_phone(page, sign_in, assert_accessible):
    coop = register.create_from_model(
        model="co-operative-society", name="Riverside Wholefoods", slug="riverside", actor="test"
    )
    User = get_user_model()
    admin = User.objects.create_user("ada", password="correct-horse-42", first_name="Ada")
    register.grant_role(coop, admin, Role.Kind.ADMINISTRATOR, actor="test")
    address = "membership.secretary@riverside-wholefoods.example.org"
    secretary = User.objects.create_user(address, email=address, first_name="First Person")
    register.grant_role(coop, secretary, Role.Kind.OFFICER, actor="test")
    sign_in("ada", "correct-horse-42")
    page.goto("/o/riverside/roles/")
    assert address in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page, "the roles page on a phone")
