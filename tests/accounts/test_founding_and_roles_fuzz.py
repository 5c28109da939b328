"""Issue 11.5 for founding an organisation and for its roles: arbitrary data posted to the
settings form, the rulebook editor (damaged rulebook text among it) and the roles page, by a
system administrator, gets a clear error at the field or a success, never a 500, and a refusal
founds nothing and grants nothing."""

import pytest
from account_helpers import make_user
from django.contrib.auth import get_user_model
from hypothesis import given
from hypothesis import strategies as st
from post_fuzz import FUZZ, VALUES, form, post

from mutualise.constitution import model_path
from mutualise.constitution.settings import settings_for
from mutualise.register.models import Role

pytestmark = pytest.mark.django_db
COVERS = ("accounts:found_settings", "accounts:found_rulebook", "accounts:roles")
MODEL = "co-operative-society"
RULEBOOK = model_path(MODEL).read_text(encoding="utf-8")
SETTING_KEYS = [f.key for f in settings_for(RULEBOOK)]


@pytest.fixture
def founder(db):
    return get_user_model().objects.create_superuser("fuzz-founder", "f@example.org", "x" * 20)


def _damaged(text: str, at: int, cut: int, insert: str) -> str:
    at %= len(text)
    return text[:at] + insert + text[at + cut % 40 :]


@FUZZ
@given(data=form(["slug", *SETTING_KEYS[:12]], ["check", "adopt", "x"]))
def test_the_settings_form_never_fails(client, founder, data):
    client.force_login(founder)
    post(client, f"/organisations/new/{MODEL}/", data)


@FUZZ
@given(
    at=st.integers(min_value=0),
    cut=st.integers(min_value=0),
    insert=VALUES,
    action=st.sampled_from(["check", "adopt"]),
    slug=VALUES,
)
def test_the_rulebook_editor_never_fails(client, founder, at, cut, insert, action, slug):
    client.force_login(founder)
    data = {"text": _damaged(RULEBOOK, at, cut, insert), "action": action, "slug": slug}
    post(client, f"/organisations/new/{MODEL}/rulebook/", data)


@pytest.fixture
def administrator(coop):
    return make_user("fuzz-admin", org=coop, kind=Role.Kind.ADMINISTRATOR)


@FUZZ
@given(
    data=form(["email", "role", "role_id", "invitation_id"], ["invite", "revoke", "withdraw", ""])
)
def test_the_roles_page_never_fails(client, coop, administrator, data):
    client.force_login(administrator)
    post(client, f"/o/{coop.slug}/roles/", data)
