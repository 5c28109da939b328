"""An attacker's review of the ballot box (issue 10): each test is one weakness found, written so
that it passes once the weakness is fixed (xfail, strict, until then)."""

import json
from datetime import timedelta

import pytest
from election_helpers import CLOSE_OF_POLL, Driver, make_members, moment

from mutualise.audit import services as audit
from mutualise.elections import clock, mixing, services
from mutualise.elections.models import Ballot, Election, Receipt, VoteRecord

DECLARE = [
    "an undischarged bankrupt",
    "sentenced to prison for 3 months or more in the last 5 years",
]
CANDIDATES = 6


def _polling(org, actor, monkeypatch, voters: int, method: str | None = None):
    election = services.create_election(
        org,
        body_id="council-of-governors",
        seat_group_id="public-north-tyneside",
        close_of_poll=CLOSE_OF_POLL,
        actor=actor,
        now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )
    if method:
        Election.objects.filter(pk=election.pk).update(method=method, method_options={})
        election.refresh_from_db()
    drive = Driver(election, actor)
    drive.to_nominations()
    for member in make_members(org, "public-north-tyneside", CANDIDATES, prefix="Candidate"):
        services.nominate(election, member, declarations=DECLARE, actor="x", now=drive.nominating)
    people = make_members(org, "public-north-tyneside", voters)
    codes = drive.to_poll()
    monkeypatch.setattr(clock, "now", lambda: drive.polling)
    return election, drive, [codes[p.pk] for p in people]


@pytest.mark.django_db
def test_a_superscript_digit_on_the_ranked_form_is_refused_not_a_server_error(
    client, nhs_org, returning_officer, monkeypatch
):
    """'²'.isdigit() is True but int('²') raises: the ranked ballot page (and paper keying,
    which reads the same form) answered 500 instead of naming the fault. Fixed here."""
    election, drive, codes = _polling(nhs_org, returning_officer, monkeypatch, 2)
    assert election.is_ranked
    path = f"/o/{nhs_org.slug}/elections/{election.pk}/vote/"
    response = client.post(path, {"step": "ballot", "code": codes[0], "c1": "1", "c2": "²"})
    assert response.status_code == 400
    assert "enter a number from 1 to" in response.content.decode()
    # Other scripts' decimal digits are numbers (Arabic-Indic '٢' is 2), as before.
    response = client.post(path, {"step": "ballot", "code": codes[0], "c1": "١", "c2": "٢"})
    assert response.status_code == 200


def _cast_some(election, codes):
    for n, code in enumerate(codes):
        services.cast(election, code, [1 + n % CANDIDATES])


@pytest.mark.django_db
def test_a_ballot_stuffed_into_the_table_mid_poll_is_noticed(
    nhs_org, returning_officer, monkeypatch
):
    """Someone with write access to the database (a DBA, an SQL injection) adds ballots during
    the poll. Nothing ties a mixed ballot to a vote record, and the count reads whatever the
    ballot table holds: the extra ballots are counted and then sealed into the audit chain."""
    election, drive, codes = _polling(nhs_org, returning_officer, monkeypatch, 45)
    _cast_some(election, codes)
    mixing.mix(election)  # a batch is in `elections_ballot` in the clear, K left sealed
    assert Ballot.objects.filter(election=election).exists()
    for _ in range(5):
        Ballot.objects.create(
            organisation_id=election.organisation_id, election=election, receipt="", marks="2"
        )
        Receipt.objects.create(
            organisation_id=election.organisation_id, election=election, receipt="ABCDEFGHJKMN"
        )
    try:
        drive.close_and_count()
    except (services.ElectionError, mixing.MixFailed):
        return  # refused: the stuffing is noticed
    voted = VoteRecord.objects.filter(election=election).count()
    counted = Ballot.objects.filter(election=election).count()
    verification = audit.verify(nhs_org)
    assert counted == voted or not verification.ok, (counted, voted, str(verification))


@pytest.mark.django_db
def test_a_mixed_ballot_rewritten_before_the_count_is_noticed(
    nhs_org, returning_officer, monkeypatch
):
    """The ballots are sealed into the audit chain only at the count; those mixed earlier in
    the poll (most of them, in a large poll) could be rewritten in place until then. Each mix
    batch now records a keyed sum of its ballots (audit/batch_sums.py): `verify` names the
    rewrite mid-poll, and the count refuses the box."""
    election, drive, codes = _polling(nhs_org, returning_officer, monkeypatch, 45)
    _cast_some(election, codes)
    mixing.mix(election)  # if the casts' own mixes have not mixed a batch already
    assert Ballot.objects.filter(election=election).exists()
    assert audit.verify(nhs_org).ok
    changed = Ballot.objects.filter(election=election).exclude(marks="3").update(marks="3")
    assert changed > 0
    verification = audit.verify(nhs_org)
    assert not verification.ok
    assert f"Election {election.pk}: the " in str(verification)
    assert "keyed sum differs" in str(verification)
    with pytest.raises(services.ElectionError, match="not as the mixer left it"):
        drive.close_and_count()
    assert not audit.verify(nhs_org).ok


@pytest.mark.django_db
def test_the_parser_refuses_odd_json(nhs_org, returning_officer, monkeypatch):
    """What held: floats, booleans, strings, nested lists, NaN, Infinity, repeats, a repeated key
    (the last wins, and is checked), and a byte-order mark."""
    from mutualise.elections import ballot_parser as bp

    rules = bp.rules_for("fptp", seats=2, candidates=3)
    for marks in ("[1.0]", "[true]", '["1"]', "[[1]]", "[NaN]", "[1e400]", "[1, 1]", "[4]", "[0]"):
        with pytest.raises(bp.BallotInvalid):
            bp.from_json(f'{{"code": "A", "marks": {marks}}}'.encode(), rules)
    with pytest.raises(bp.BallotInvalid, match="more than once"):
        bp.from_json(b'{"code": "A", "marks": [1], "marks": [2, 2]}', rules)
    with pytest.raises(bp.BallotInvalid, match="not JSON"):
        bp.from_json(("[" * 5000 + "]" * 5000).encode(), rules)
    assert bp.from_json(json.dumps({"code": "A", "marks": [2, 1]}).encode(), rules).marks == (
        1,
        2,
    )


@pytest.mark.django_db
def test_a_rulebook_cannot_set_a_secrecy_batch_of_one(nhs_org):
    """docs/secrecy.md promises chance among K; K is the rulebook's, with no floor, so a batch
    of one (or two) is accepted and the mixer's transaction then names each voter's ballot."""
    from pydantic import ValidationError

    constitution = nhs_org.constitution
    for section in (constitution.elections, constitution.meetings):
        data = section.model_dump()
        data["secrecy_batch"] = 1
        with pytest.raises(ValidationError):
            type(section).model_validate(data)
