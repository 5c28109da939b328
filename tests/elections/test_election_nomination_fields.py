"""Issue 20, item 5: the rulebook's `elections.nominations` fields decide who may stand and
propose, and how long a statement may be: `candidate_from_electorate`,
`proposers_from_electorate` and `statement_word_limit`, each changed in a rulebook."""

import re
from datetime import timedelta

import pytest
from election_helpers import CLOSE_OF_POLL, Driver, make_members, make_user, moment, nhs_rulebook

from mutualise.elections import services
from mutualise.register import services as register
from mutualise.register.models import Role

pytestmark = pytest.mark.django_db
SEATS = "public-newcastle"
ELSEWHERE = "public-gateshead"
DECLARE = [
    "an undischarged bankrupt",
    "sentenced to prison for 3 months or more in the last 5 years",
]
NOMINATIONS = "  nominations:\n    proposers: 0                        # MER: candidates nominate themselves [R]\n"


def _org(slug, proposers=0, **fields):
    text = nhs_rulebook()
    assert text.count(NOMINATIONS) == 1
    text = text.replace(NOMINATIONS, f"  nominations:\n    proposers: {proposers}\n")
    for field, value in fields.items():
        text, changed = re.subn(rf"(?m)^    {field}: .*$", f"    {field}: {value}", text)
        if not changed:
            text = text.replace("  nominations:\n", f"  nominations:\n    {field}: {value}\n")
    return register.create_organisation(
        name=f"Trust {slug}", constitution_text=text, source_name=f"{slug}.yaml", slug=slug,
        actor="t",
    )  # fmt: skip


def _open(org):
    ro = make_user(org, "ro-" + org.slug, Role.Kind.RETURNING_OFFICER)
    election = services.create_election(
        org, body_id="council-of-governors", seat_group_id=SEATS, close_of_poll=CLOSE_OF_POLL,
        actor=ro, now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )  # fmt: skip
    drive = Driver(election, ro)
    drive.to_nominations()
    return election, drive


def _nominate(election, drive, member, **given):
    return services.nominate(
        election, member, declarations=DECLARE, actor="x", now=drive.nominating, **given
    )


@pytest.mark.parametrize("from_electorate", [True, False])
def test_candidate_from_electorate(from_electorate):
    org = _org(
        f"cand-{from_electorate}".lower(), candidate_from_electorate=str(from_electorate).lower()
    )
    election, drive = _open(org)
    (outsider,) = make_members(org, ELSEWHERE, 1, prefix="Gateshead")
    if from_electorate:
        with pytest.raises(services.ElectionError, match="not a member of the constituency"):
            _nominate(election, drive, outsider)
    else:
        assert _nominate(election, drive, outsider).member == outsider


@pytest.mark.parametrize("from_electorate", [True, False])
def test_proposers_from_electorate(from_electorate):
    org = _org(
        f"prop-{from_electorate}".lower(), proposers=1,
        proposers_from_electorate=str(from_electorate).lower(),
    )  # fmt: skip
    election, drive = _open(org)
    (candidate,) = make_members(org, SEATS, 1, prefix="Candidate")
    (proposer,) = make_members(org, ELSEWHERE, 1, prefix="Gateshead")
    if from_electorate:
        with pytest.raises(services.ElectionError, match="is not a member of the constituency"):
            _nominate(election, drive, candidate, proposers=[proposer])
    else:
        assert _nominate(election, drive, candidate, proposers=[proposer]).member == candidate


def test_statement_word_limit():
    strict, loose = (
        _org("words-5", statement_word_limit=5),
        _org("words-50", statement_word_limit=50),
    )
    statement = "I will listen to the members of the trust"  # nine words
    for org, refused in ((strict, True), (loose, False)):
        election, drive = _open(org)
        (candidate,) = make_members(org, SEATS, 1, prefix="Candidate")
        if refused:
            with pytest.raises(services.ElectionError, match="statement: 9 words; the limit is 5"):
                _nominate(election, drive, candidate, statement=statement)
        else:
            assert _nominate(election, drive, candidate, statement=statement).statement


def test_a_bodys_election_method_overrides_the_elections_method():
    usual, _ = _open(_org("method-usual"))
    text = nhs_rulebook()
    body = "    kind: council-of-governors\n"
    assert text.count(body) == 1
    text = text.replace(body, body + "    election_method: meek-stv\n")
    org = register.create_organisation(
        name="Trust method-meek", constitution_text=text, source_name="meek.yaml",
        slug="method-meek", actor="t",
    )  # fmt: skip
    meek, _ = _open(org)
    assert usual.method == org.constitution.elections.method != "meek-stv"
    assert meek.method == "meek-stv"


def test_the_organisations_nation_decides_its_bank_holidays():
    # Easter Monday 2027 is a bank holiday in England and Wales, a working day in Scotland.
    easter_monday = CLOSE_OF_POLL.replace(month=3, day=29)
    text = nhs_rulebook()
    assert text.count("nation: england-and-wales") == 1
    for nation in ("england-and-wales", "scotland"):
        org = register.create_organisation(
            name=f"Trust {nation}", constitution_text=text.replace(
                "nation: england-and-wales", f"nation: {nation}"),
            source_name=f"{nation}.yaml", slug=f"nation-{nation}", actor="t",
        )  # fmt: skip
        ro = make_user(org, "ro-" + org.slug, Role.Kind.RETURNING_OFFICER)
        given = {"body_id": "council-of-governors", "seat_group_id": SEATS, "actor": ro}
        given |= {"close_of_poll": easter_monday, "now": moment(easter_monday - timedelta(120))}
        if nation == "scotland":
            assert services.create_election(org, **given).close_of_poll == easter_monday
        else:
            with pytest.raises(services.ElectionError, match="not a working day"):
                services.create_election(org, **given)
