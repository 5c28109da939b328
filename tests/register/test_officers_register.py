"""The officers' register (issue 13 part 4): browse it paged and filtered by status,
constituency, class and joining date, by name; add a member directly; the import page's column
guide and template files. Every refusal for each role."""

import csv
import io
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from mutualise.register import browse, services
from mutualise.register.importing import check_file, template
from mutualise.register.models import Member, Role

pytestmark = pytest.mark.django_db
PUBLIC = dict(
    display_name="Ada Lovelace",
    date_of_birth=date(1990, 5, 17),
    address="1 Grey Street",
    postcode="NE1 6EE",
    email="ada@example.org",
)
ADD = {
    "display_name": "Grace Hopper",
    "date_of_birth_day": "9",
    "date_of_birth_month": "12",
    "date_of_birth_year": "1986",
    "address": "2 Grey Street",
    "postcode": "NE1 6EE",
    "contact_channel": "post",
    "is_staff": "no",
    "joined_on_day": "1",
    "joined_on_month": "4",
    "joined_on_year": "2024",
}


def _user(name):
    return get_user_model().objects.create_user(name, password="correct-horse-42")


@pytest.fixture
def people(org, officer):
    """Everyone the refusals are tested for: anonymous is the bare client."""
    member_user = _user("member")
    services.join(org, actor="test", user=member_user, **PUBLIC)
    chair = _user("chair")
    services.grant_role(org, chair, Role.Kind.CHAIR, actor="test")
    other = services.create_organisation(
        name="Wearside FT", constitution_text=org.current_version.source_text, source_name="ft.yaml",
        slug="wearside", actor="test",
    )  # fmt: skip
    stranger = _user("other-secretary")
    services.grant_role(other, stranger, Role.Kind.OFFICER, actor="test")
    return {"member": member_user, "chair": chair, "other": stranger, "secretary": officer}


def _fill(org, n=60):
    for i in range(n):
        services.join(
            org, actor="test", allow_duplicate=True, on=date(2024, 1 + i % 12, 1),
            display_name=f"Person {i:02d}", date_of_birth=date(1980, 1, 1),
            postcode="NE1 6EE" if i % 2 else "NE8 1AA", address="1 Street",
        )  # fmt: skip


def test_the_register_is_paged_and_shows_constituency_names(client, org, officer):
    _fill(org)
    client.force_login(officer)
    page = client.get(f"/o/{org.slug}/members/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "60 records: page 1 of 2" in body
    assert "Public constituency - Newcastle upon Tyne" in body
    assert ">public-newcastle<" not in body  # names, never ids (option values aside)
    second = client.get(f"/o/{org.slug}/members/?page=2").content.decode()
    assert "Person 59" in second and "Person 00" not in second


def test_the_register_filters_by_constituency_status_and_joining_date(org, officer, client):
    _fill(org, 24)
    constituency = org.constitution.constituencies[0]
    filtered = browse.members(org, browse.Filters(constituency_id=constituency.id))
    assert filtered.count() == 12
    joined = browse.members(
        org, browse.Filters(joined_from=date(2024, 3, 1), joined_to=date(2024, 4, 30))
    )
    assert joined.count() == 4
    services.cease(Member.objects.order_by("number").first(), "resigned", actor="test")
    assert browse.members(org, browse.Filters(status="ceased")).count() == 1
    client.force_login(officer)
    body = client.get(
        f"/o/{org.slug}/members/?status=admitted&joined_from_day=1&joined_from_month=3"
        "&joined_from_year=2024&joined_to_day=30&joined_to_month=4&joined_to_year=2024"
    ).content.decode()
    assert "4 records match" in body or "3 records match" in body
    bad = client.get(f"/o/{org.slug}/members/?joined_from_day=31&joined_from_month=2"
                     "&joined_from_year=2024")  # fmt: skip
    assert bad.status_code == 400 and "must be a real date" in bad.content.decode()


def test_the_class_filter_names_each_class_with_its_constituency(client, org, officer):
    client.force_login(officer)
    body = client.get(f"/o/{org.slug}/members/").content.decode()
    staff = [c for c in org.constitution.constituencies if c.classes][0]
    assert f"{staff.name}: {staff.classes[0].name}" in body


def test_a_secretary_adds_a_member_directly(client, org, officer):
    client.force_login(officer)
    assert client.get(f"/o/{org.slug}/members/add/").status_code == 200
    response = client.post(f"/o/{org.slug}/members/add/", ADD, follow=True)
    member = Member.objects.get(display_name="Grace Hopper")
    assert member.user is None  # never the secretary's sign-in
    assert member.admitted_on == date(2024, 4, 1)
    assert f"number {member.number}" in response.content.decode()
    again = client.post(f"/o/{org.slug}/members/add/", ADD)
    assert again.status_code == 400 and "may already be a member" in again.content.decode()
    confirmed = client.post(f"/o/{org.slug}/members/add/", {**ADD, "confirm_duplicate": "yes"})
    assert confirmed.status_code == 302
    assert Member.objects.filter(display_name="Grace Hopper").count() == 2


def test_adding_an_ineligible_member_says_why(client, org, officer):
    client.force_login(officer)
    young = {**ADD, "date_of_birth_year": str(date.today().year - 3)}
    response = client.post(f"/o/{org.slug}/members/add/", young)
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not Member.objects.filter(display_name="Grace Hopper").exists()


def test_the_add_member_service_refuses_anyone_but_the_secretary(org, people):
    for who in ("member", "chair", "other"):
        with pytest.raises(PermissionDenied):
            services.add_member(org, actor=people[who], **PUBLIC)
    assert Member.objects.filter(organisation=org).count() == 1  # the member's own record


@pytest.mark.parametrize(
    "url", ["members/", "members/add/", "members/import/template.csv", "members/import/"]
)
def test_the_officer_pages_refuse_every_other_role(client, org, people, url):
    anonymous = client.get(f"/o/{org.slug}/{url}")
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    for who in ("member", "chair", "other"):
        client.force_login(people[who])
        assert client.get(f"/o/{org.slug}/{url}").status_code == 403, who
        if url == "members/add/":
            assert client.post(f"/o/{org.slug}/{url}", ADD).status_code == 403, who
    assert not Member.objects.filter(display_name="Grace Hopper").exists()


def test_the_import_page_has_a_column_guide_from_the_rulebook(client, org, officer):
    client.force_login(officer)
    body = client.get(f"/o/{org.slug}/members/import/").content.decode()
    assert "What the file should hold" in body and "Date of birth" in body
    staff = [c for c in org.constitution.constituencies if c.classes][0]
    assert staff.classes[0].name in body  # classes by name


def test_the_templates_carry_headings_the_import_recognises(client, org, officer):
    client.force_login(officer)
    text = client.get(f"/o/{org.slug}/members/import/template.csv").content.decode("utf-8-sig")
    heading = next(csv.reader(io.StringIO(text)))
    assert heading == [c.heading for c in template.columns(org.constitution)]
    row = {h: "" for h in heading}
    row.update({"Name": "Ada Byron", "Date of birth": "17/05/1990", "Postcode": "NE1 6EE",
                "Address": "1 Grey Street"})  # fmt: skip
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=heading)
    writer.writeheader()
    writer.writerow(row)
    result = check_file(org, out.getvalue().encode(), "filled.csv")
    assert not result.ignored_columns
    assert set(result.mapping) == {c.field for c in template.columns(org.constitution)}
    assert result.rows_ready == 1, result.report_lines()
    xlsx = client.get(f"/o/{org.slug}/members/import/template.xlsx")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content))
    sheet = book["Members"]
    assert [c.value for c in sheet[1]] == heading
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    assert client.get(f"/o/{org.slug}/members/import/template.pdf").status_code == 404


@pytest.mark.parametrize(
    ("model", "needed"), [("nhs-foundation-trust", False), ("employee-owned-partnership", True)]
)
def test_the_guide_needs_a_class_only_where_every_constituency_has_classes(model, needed):
    """The trust's classes are its staff's: a public member's row leaves Class empty (the
    guide said it was needed; found by issue 13's walk over every model)."""
    from mutualise.constitution import available_models, load_text

    path = available_models()[model]
    constitution = load_text(path.read_text(encoding="utf-8"), path.name)
    (column,) = [c for c in template.columns(constitution) if c.field == "class_id"]
    assert column.required is needed
    assert ("empty for Public constituency" in column.accepts) is not needed
