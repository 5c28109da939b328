"""Ballot names: two standing candidates of one ballot name (case, whitespace, invisible
characters and look-alike letters aside: `counting.names.name_key`), or a name with a control
character, would make the election's exported BLT unreadable by
`mutualise count` ('given twice', 'has a control character'); every nomination path refuses
them."""

from datetime import timedelta

import pytest
from election_helpers import PASSWORD, make_user
from officer_helpers import DECLARE, scene, set_clock

from mutualise.counting.blt import parse_blt
from mutualise.counting.names import name_key
from mutualise.elections import services, tally
from mutualise.elections.models import Candidate

pytestmark = pytest.mark.django_db

CLASH = "ballot name: another candidate in this election already has the ballot name 'Ann Able'"


@pytest.fixture
def s(nhs_org, monkeypatch):
    """Nominations open, five candidates standing ('Candidate N'), the clock within them."""
    s = scene(nhs_org, "returning_officer", stage="nominations")
    set_clock(monkeypatch, s.drive.nominating + timedelta(days=5))
    return s


def _nominate(s, member, name="", **more):
    return services.nominate(
        s.election, member, ballot_name=name, declarations=DECLARE, now=s.drive.nominating,
        **more,
    )  # fmt: skip


@pytest.mark.parametrize("again", ["Ann Able", "ann  able", " ANN\tABLE ", "Ann\u00a0Able"])
def test_a_second_candidate_of_the_same_ballot_name_is_refused(s, again):
    first, second = s.voters[:2]
    _nominate(s, first, "Ann Able")
    with pytest.raises(services.ElectionError, match=CLASH) as refused:
        _nominate(s, second, again)
    assert "add a middle initial or a description" in str(refused.value)
    assert not Candidate.objects.filter(election=s.election, member=second).exists()
    assert _nominate(s, second, "Ann B. Able").ballot_name == "Ann B. Able"


@pytest.mark.parametrize(
    "again, odd",
    [
        ("\u0410nn Able", "U+0410 CYRILLIC CAPITAL LETTER A"),
        ("Ann Abl\u0435", "U+0435 CYRILLIC SMALL LETTER IE"),
        ("\u0391nn Able", "U+0391 GREEK CAPITAL LETTER ALPHA"),
        ("\uff21nn Able", "U+FF21 FULLWIDTH LATIN CAPITAL LETTER A"),
        ("Ann\u200b Able", "U+200B ZERO WIDTH SPACE"),
        ("An\u00adn Able", "U+00AD SOFT HYPHEN"),
    ],
)
def test_a_ballot_name_that_only_looks_the_same_is_refused_naming_both(s, again, odd):
    first, second = s.voters[:2]
    _nominate(s, first, "Ann Able")
    with pytest.raises(services.ElectionError, match=CLASH) as refused:
        _nominate(s, second, again)
    message = str(refused.value)
    assert f"which {again!r} cannot be told apart from" in message
    assert odd in message
    assert not Candidate.objects.filter(election=s.election, member=second).exists()


def test_the_register_name_is_refused_if_it_only_looks_like_a_standing_candidates(s):
    second = s.voters[1]
    taken = s.candidates[2].display_name
    second.display_name = taken.replace("a", "\u0430")  # Cyrillic a for Latin a
    assert second.display_name != taken
    second.save()
    with pytest.raises(services.ElectionError, match=f"already has the ballot name {taken!r}"):
        _nominate(s, second)


def test_the_name_on_the_register_is_checked_when_no_ballot_name_is_given(s):
    second = s.voters[1]
    second.display_name = s.candidates[2].display_name
    second.save()
    with pytest.raises(services.ElectionError, match="already has the ballot name 'Candidate "):
        _nominate(s, second)


def test_whitespace_in_a_ballot_name_is_stored_as_single_spaces(s):
    assert _nominate(s, s.voters[0], "  Jo \t  Smith ").ballot_name == "Jo Smith"


def test_a_withdrawn_or_rejected_candidates_name_is_free_again(s):
    withdrawn, rejected = s.candidates[1], s.candidates[2]
    services.withdraw(Candidate.objects.get(member=withdrawn), now=s.drive.nominating)
    services.reject_nomination(
        Candidate.objects.get(member=rejected), reason="not eligible", actor=s.deputy
    )
    _nominate(s, s.voters[0], withdrawn.display_name)
    _nominate(s, s.voters[1], rejected.display_name.lower())


@pytest.mark.parametrize(
    "name",
    ["Ann\x00Able", "Ann\x1bAble", "Ann\x7fAble", "Ann\x1cAble", "\u202eelbA nnA", "Ann\u2066Able"],
)
def test_a_ballot_name_with_a_control_character_is_refused(s, name):
    with pytest.raises(services.ElectionError, match="ballot name: has a control character"):
        _nominate(s, s.voters[0], name)


def test_a_register_name_with_a_control_character_is_refused_naming_its_source(s):
    member = s.voters[0]
    member.display_name = "Ann\u202eAble"
    member.save()
    with pytest.raises(
        services.ElectionError, match=r"ballot name \(the member's name on the register\): has a"
    ):
        _nominate(s, member)
    assert _nominate(s, member, "Ann Able").ballot_name == "Ann Able"


def test_an_empty_or_overlong_ballot_name_is_refused(s):
    member = s.voters[0]
    member.display_name = "   "
    member.save()
    with pytest.raises(services.ElectionError, match="ballot name .*: empty"):
        _nominate(s, member)
    with pytest.raises(services.ElectionError, match="ballot name: 201 characters; at most 200"):
        _nominate(s, member, "A" * 201)


@pytest.mark.parametrize("invisible", ["\u200b", "\u200d\u2060", "\u00ad"])
def test_a_ballot_name_of_only_invisible_characters_is_refused_as_empty(s, invisible):
    # It was taken: a blank on the ballot paper, and a BLT the counter refuses.
    with pytest.raises(services.ElectionError, match="ballot name: empty"):
        _nominate(s, s.voters[0], invisible)
    assert not Candidate.objects.filter(election=s.election, member=s.voters[0]).exists()


@pytest.mark.parametrize(
    "name, again", [("Ann O'Neil", "Ann O\u2019Neil"), ("Ann Able-Baker", "Ann Able\u2013Baker")]
)
def test_a_ballot_name_typed_with_another_apostrophe_or_dash_is_refused(s, name, again):
    _nominate(s, s.voters[0], name)
    with pytest.raises(services.ElectionError, match="already has the ballot name"):
        _nominate(s, s.voters[1], again)


def test_a_paper_nomination_is_checked_the_same(s):
    _nominate(s, s.voters[0], "Ann Able")
    with pytest.raises(services.ElectionError, match=CLASH):
        services.nominate_on_paper(
            s.election, s.voters[1], received_on=s.drive.nominating.date(), actor=s.user,
            ballot_name="ANN ABLE", declarations=DECLARE,
        )  # fmt: skip
    with pytest.raises(services.ElectionError, match="ballot name: has a control character"):
        services.nominate_on_paper(
            s.election, s.voters[1], received_on=s.drive.nominating.date(), actor=s.user,
            ballot_name="Bob\x07Bell", declarations=DECLARE,
        )  # fmt: skip


def test_the_paper_form_shows_the_clash_at_the_ballot_name(s, client):
    _nominate(s, s.voters[0], "Ann Able")
    client.force_login(s.user)
    form = {
        "candidate": str(s.voters[1].number),
        "received_on": s.drive.nominating.date().isoformat(),
        "ballot_name": "ann able",
        "declarations": DECLARE,
    }
    page = client.post(s.console + "nominations/paper/", form).content.decode()
    assert 'id="ballot_name-error"' in page
    assert "Ballot name: another candidate in this election already has the ballot name" in page
    assert not Candidate.objects.filter(election=s.election, member=s.voters[1]).exists()


def test_the_online_form_takes_a_ballot_name_and_reports_a_clash(s, nhs_org, client):
    member = s.voters[0]
    member.user = make_user(nhs_org, "hopeful")
    member.display_name = s.candidates[0].display_name
    member.save()
    client.login(username="hopeful", password=PASSWORD)
    url = f"/o/{nhs_org.slug}/elections/{s.election.pk}/nominate/"
    form = {"declarations": DECLARE, "proposers": "", "seconders": ""}
    page = client.post(url, form).content.decode()
    assert "another candidate in this election already has the ballot name" in page
    client.post(url, form | {"ballot_name": member.display_name + " (Gateshead)"})
    candidate = Candidate.objects.get(election=s.election, member=member)
    assert candidate.ballot_name == s.candidates[0].display_name + " (Gateshead)"


def test_the_exported_blt_cannot_hold_near_duplicate_names(s):
    """However the names are typed, the standing candidates' ballot names differ once case and
    whitespace are set aside, so `mutualise count` reads the election's BLT back."""
    ann, other, third = s.voters[:3]
    _nominate(s, ann, "Ann Able")
    for name in ("ann  able", "ANN ABLE", "Ann\tAble"):
        with pytest.raises(services.ElectionError, match="already has the ballot name"):
            _nominate(s, other, name)
    with pytest.raises(services.ElectionError, match="already has the ballot name"):
        _nominate(s, other, "\u0410nn Able")  # refused here, as the BLT reader would
    _nominate(s, other, "Ann Able (Gateshead)")
    with pytest.raises(services.ElectionError, match="control character"):
        _nominate(s, third, "Ann\u202dAble")
    s.drive.step("close_nominations", s.drive.at("nominations_close"))
    names = tally.candidate_names(s.election)
    keys = [name_key(n) for n in names]
    assert len(set(keys)) == len(keys)
    profile = parse_blt(tally.ballots_blt(s.election))
    assert profile.candidates == names
    assert {"Ann Able", "Ann Able (Gateshead)"} <= set(names)
