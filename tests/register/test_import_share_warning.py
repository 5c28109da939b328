"""Issue 13: members imported holding no shares where the rulebook's least holding is more than
nothing (shares.minimum_holding_pence) were added without a word. The checker warns, naming the
rows (the rulebook says nothing of when shares are bought, so it warns rather than refuses); a
rulebook with no least holding, or one without shares, says nothing."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mutualise.register import services
from mutualise.register.importing import check_file
from mutualise.register.models import Role

pytestmark = pytest.mark.django_db
ON = date(2026, 6, 1)
WITH_SHARES = b"""Member ID,Name,DOB,Postcode,Email,Confirmations,Shares
A1,Ann Abbot,1980-01-01,NE1 1AB,ann@example.org,supports-objects,5
A2,Bob Baker,1981-02-02,NE1 2AB,bob@example.org,supports-objects,0
A3,Cat Cole,1982-03-03,NE1 3AB,cat@example.org,supports-objects,
A4,Dan Dale,1983-04-04,NE1 4AB,dan@example.org,supports-objects,1
"""
WITHOUT_SHARES = (
    b"Name,DOB,Postcode,Confirmations\nAnn Abbot,1980-01-01,NE1 1AB,supports-objects\n"
    b"Bob Baker,1981-02-02,NE1 2AB,supports-objects\n"
)


@pytest.fixture
def coop():
    return services.create_from_model(
        model="co-operative-society", name="Riverside", slug="riverside", actor="test"
    )  # minimum holding: one £1 share


def test_rows_holding_no_shares_below_the_least_are_named(coop):
    result = check_file(coop, WITH_SHARES, "members.csv", on=ON)
    assert result.rows_ready == 4 and not result.problems  # a warning, not a problem
    assert (result.rows_without_shares, result.lines_without_shares) == (2, [3, 4])
    warning = result.share_warning()
    assert warning.startswith("2 members would join holding no shares")
    assert "at least £1: rows 3, 4." in warning  # in words: no rulebook key


def test_a_file_with_no_shares_column_is_warned_of_as_a_whole(coop):
    result = check_file(coop, WITHOUT_SHARES, "members.csv", on=ON)
    assert result.rows_without_shares == 2
    assert "every row: the file has no Shares column" in result.share_warning()


def test_no_warning_where_the_rulebook_asks_no_least_holding(coop):
    school = services.create_from_model(
        model="cooperative-trust-school", name="School", slug="school", actor="test"
    )  # no shares at all
    assert check_file(school, WITHOUT_SHARES, "members.csv", on=ON).share_warning() == ""
    text = coop.current_version.source_text.replace(
        "minimum_holding_pence: 100 ", "minimum_holding_pence: 0   "
    )
    free = services.create_organisation(
        name="Free", constitution_text=text, source_name="x.yaml", slug="free", actor="test"
    )
    assert free.constitution.shares.minimum_holding_pence == 0
    assert check_file(free, WITH_SHARES, "members.csv", on=ON).share_warning() == ""


def test_the_preview_page_shows_the_warning(client, coop, django_user_model):
    user = django_user_model.objects.create_user("secretary", password="correct-horse-42")
    services.grant_role(coop, user, Role.Kind.OFFICER, actor="test")
    client.force_login(user)
    upload = SimpleUploadedFile("members.csv", WITH_SHARES, "text/csv")
    response = client.post("/o/riverside/members/import/", {"file": upload})
    preview = client.get(response.url).content.decode()
    assert 'id="share-warning"' in preview and "rows 3, 4." in preview


def test_the_import_template_has_a_shares_column_where_the_rulebook_issues_shares(coop):
    """The page's own template had no Shares column, so a file made from it was warned of as
    "the file has no Shares column"."""
    from mutualise.register.importing import template

    [shares] = [c for c in template.columns(coop.constitution) if c.field == "opening_shares"]
    assert (shares.heading, shares.required) == ("Shares", False)
    assert shares.accepts == "The number of £1 shares they hold; at least 1"
    school = services.create_from_model(
        model="cooperative-trust-school", name="School", slug="school", actor="test"
    )  # no shares at all: no column
    assert "opening_shares" not in {c.field for c in template.columns(school.constitution)}
    filled = "\ufeff" + ",".join(c.heading for c in template.columns(coop.constitution)) + "\n"
    filled += "R1,Ann Abbot,01/01/1980,1 Mill Lane,NE1 1AB,,,,,,,supports-objects,5,\n"
    result = check_file(coop, filled.encode(), "members.csv", on=ON)
    assert result.rows_ready == 1 and result.share_warning() == "", result.report_lines()
