"""Issue 11.5 for the register's pages: arbitrary data posted to the join form, the officers'
add-a-member and change-a-member forms, and arbitrary files uploaded to the import (then its
check page read) and to the population table, get a clear error at the field (or the file's
line) or a success, never a 500, and a refusal changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st
from post_fuzz import FUZZ, VALUES, check, form, post

from mutualise.register import services
from mutualise.register.models import PendingImport

pytestmark = pytest.mark.django_db
COVERS = (
    "register:join", "register:add_member", "register:member_edit", "register:import",
    "register:import_preview", "register:report", "register:export_job",
    "register:import_discard", "register:member_action",
)  # fmt: skip
MEMBER = [
    "display_name", "date_of_birth_day", "date_of_birth_month", "date_of_birth_year", "address",
    "postcode", "email", "phone", "contact_channel", "language", "constituency_id", "is_staff",
    "contract", "contract_months", "class_id", "attestations",
]  # fmt: skip


def _csv(header, rows) -> bytes:
    lines = [",".join(header)] + [",".join(c.replace(",", " ") for c in row) for row in rows]
    return "\n".join(lines).encode("utf-8", errors="replace")


FILES = st.one_of(
    st.binary(max_size=600),
    st.lists(st.lists(VALUES, min_size=1, max_size=4), max_size=4).map(
        lambda rows: _csv(["Name", "Date of birth", "Postcode", "Contract length (months)"], rows)
    ),
)


@pytest.fixture
def member_number(org):
    from datetime import date

    member = services.join(
        org, display_name="Ann Fuzz", date_of_birth=date(1980, 1, 1), postcode="NE1 4ST",
        email="ann@example.org", constituency_id=org.constitution.constituencies[0].id,
        actor="test",
    )  # fmt: skip
    return member.number


@FUZZ
@given(data=form(MEMBER))
def test_the_join_form_never_fails(client, org, data):
    post(client, f"/o/{org.slug}/join/", data)


@FUZZ
@given(data=form(MEMBER))
def test_the_officers_member_forms_never_fail(client, org, officer, member_number, data):
    client.force_login(officer)
    post(client, f"/o/{org.slug}/members/add/", data)
    post(client, f"/o/{org.slug}/members/{member_number}/edit/", data)


@FUZZ
@given(content=FILES, name=st.sampled_from(["m.csv", "m.xlsx", "m.txt", ""]), mapping=VALUES)
def test_an_uploaded_import_and_its_check_never_fail(client, org, officer, content, name, mapping):
    client.force_login(officer)
    upload = SimpleUploadedFile(name or "x", content)
    post(client, f"/o/{org.slug}/members/import/", {"file": upload, "mapping": mapping})
    for pending in PendingImport.objects.filter(organisation=org, state="uploaded"):
        check(client.get(f"/o/{org.slug}/members/import/{pending.pk}/"))
        pending.delete()


@FUZZ
@given(
    content=st.one_of(
        st.binary(max_size=400),
        st.lists(st.lists(VALUES, min_size=3, max_size=3), max_size=4).map(
            lambda rows: _csv(["dimension", "category", "people"], rows)
        ),
    )
)
def test_a_population_upload_never_fails(client, org, officer, content):
    client.force_login(officer)
    upload = SimpleUploadedFile("population.csv", content)
    post(client, f"/o/{org.slug}/members/report/", {"file": upload})


ACTIONS = ["admit", "decline", "cease", "confirm-ineligible", "rejoin", "merge", "erase", "x"]


@FUZZ
@given(data=form(["format", "reason", "note", "duplicate"]), action=st.sampled_from(ACTIONS))
def test_the_officers_buttons_never_fail(client, org, officer, member_number, data, action):
    """The export, a member's actions and discarding an upload, by the secretary and by a
    signed-in stranger (refused, nothing changed)."""
    stranger, _ = get_user_model().objects.get_or_create(username="stranger")
    pending = services.upload_import(org, b"Name\nAnn", "m.csv", actor=officer)
    for user in (stranger, officer):
        client.force_login(user)
        post(client, f"/o/{org.slug}/members/export/", data)
        post(client, f"/o/{org.slug}/members/{member_number}/{action}/", data)
        post(client, f"/o/{org.slug}/members/import/{pending.pk}/discard/", data)
