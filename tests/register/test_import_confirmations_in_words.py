"""Issue 19: the import's Confirmations column took only the rulebook's id for a confirmation
(`supports-objects`), and the guide listed only ids. A file may now say it in the confirmation's
own words (or "yes", where the rulebook asks one), and the guide gives the words."""

from datetime import date

import pytest

from mutualise.register import services
from mutualise.register.importing import check_file
from mutualise.register.importing.template import columns

pytestmark = pytest.mark.django_db
ON = date(2026, 6, 1)
IN_WORDS = (
    b"Name,DOB,Postcode,Confirmations\n"
    b"Ann Abbot,1980-01-01,NE1 1AB,I support the objects of the society and will use its services.\n"
    b"Bob Baker,1981-02-02,NE1 2AB,i support the objects of the society and will use its services\n"
    b"Cat Cole,1982-03-03,NE1 3AB,Yes\n"
    b"Dan Dale,1983-04-04,NE1 4AB,supports-objects\n"
)


@pytest.fixture
def coop():
    return services.create_from_model(
        model="co-operative-society", name="Riverside", slug="riverside", actor="test"
    )  # one confirmation: supports-objects


def test_confirmations_are_taken_in_their_own_words(coop):
    result = check_file(coop, IN_WORDS, "members.csv", on=ON)
    assert not result.problems, result.problems
    assert result.rows_ready == 4


def test_the_guide_gives_the_confirmations_words_not_their_ids(coop):
    column = next(c for c in columns(coop.constitution) if c.field == "attestations")
    words = column.accepts
    assert "I support the objects of the society and will use its services." in words
    assert "supports-objects" not in words
