"""Issue 13's journey, light, over every model rulebook: a system administrator founds the
organisation from its model, invites its membership secretary, who accepts (enrolling the
second factor), imports a few members from the import page's template and invites them; one
member makes a sign-in and sees their membership on a phone (390x844, axe, no sideways
scrolling). The whole journey is test_found_and_run_a_cooperative.py; issue 15 builds on this."""

import pytest
from django.contrib.auth import get_user_model
from organisation_journey import (
    DESKTOP,
    PHONE,
    Authenticator,
    accept_member_invitation,
    accept_officer_invitation,
    fill_in_template,
    found_organisation,
    import_members,
    invite_members,
    invite_officer,
    open_page,
    people,
    sign_in,
)

from mutualise.constitution import available_models, load_text

pytestmark = pytest.mark.django_db(transaction=True)
ROOT_PASSWORD = "install-root-passphrase"
MEMBERS = 3


def a_postcode_in_its_area(model: str) -> str:
    """Where the model's members live: in its first area, if it has areas (as a real
    organisation's register would be)."""
    path = available_models()[model]
    constitution = load_text(path.read_text(encoding="utf-8"), path.name)
    areas = [c.eligibility.area for c in constitution.constituencies if c.eligibility.area]
    return f"{areas[0].postcode_districts[0]} 1AA" if areas else "NE1 4ST"


def only_staff_may_join(model: str) -> bool:
    path = available_models()[model]
    constitution = load_text(path.read_text(encoding="utf-8"), path.name)
    return all(c.eligibility.staff for c in constitution.constituencies)


@pytest.mark.parametrize("model", sorted(available_models()))
def test_found_staff_and_join_every_model(browser, live_server, model):
    get_user_model().objects.create_superuser("root", "root@example.org", ROOT_PASSWORD)
    app, url = Authenticator(), live_server.url
    admin = open_page(browser, url, DESKTOP)
    sign_in(admin, "root", ROOT_PASSWORD, app)
    slug = found_organisation(admin, model, f"Example {model.replace('-', ' ').title()}")
    invite_officer(admin, slug, "sam@example.org", "Membership secretary")

    secretary = open_page(browser, url, PHONE)  # opened from the mail on a phone
    accept_officer_invitation(secretary, "sam@example.org", "Sam Secretary", "ledger tulip 42", app)
    secretary.set_viewport_size(DESKTOP)  # the register is desk work
    members = people(MEMBERS, a_postcode_in_its_area(model), only_staff_may_join(model))
    import_members(secretary, slug, fill_in_template(secretary, slug, members), MEMBERS)
    invite_members(secretary, slug, MEMBERS)

    phone = open_page(browser, url, PHONE)
    accept_member_invitation(phone, members[1], "willow harbour lantern")
