"""One ballot parser for every way a ballot comes in. Attacked through HTTP with arbitrary JSON
bodies (hypothesis): whatever is accepted is stored exactly as the parser returns it, whatever is
refused is refused with a reason, and every stored ballot recounts cleanly from the published BLT."""

import json
from collections import Counter
from datetime import timedelta

import pytest
from election_helpers import CLOSE_OF_POLL, Driver, make_members, make_user, moment
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutualise.counting.blt import parse_blt
from mutualise.counting.methods import get_method
from mutualise.elections import ballot_parser, clock, mixing, services, tally
from mutualise.elections.ballot_parser import BallotInvalid, Kind, rules_for
from mutualise.elections.models import Ballot, Election, VoteRecord
from mutualise.register.models import Role

DECLARE = [
    "an undischarged bankrupt",
    "sentenced to prison for 3 months or more in the last 5 years",
]
CANDIDATES = 6
VOTERS = 120


def _polling(org, actor, monkeypatch, method: str):
    election = services.create_election(
        org,
        body_id="council-of-governors",
        seat_group_id="public-north-tyneside",
        close_of_poll=CLOSE_OF_POLL,
        actor=actor,
        now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )
    seats = 1 if method == "irv" else election.vacancies  # the alternative vote fills one seat
    Election.objects.filter(pk=election.pk).update(
        method=method, method_options={}, vacancies=seats
    )
    election.refresh_from_db()
    drive = Driver(election, actor)
    drive.to_nominations()
    for member in make_members(org, "public-north-tyneside", CANDIDATES, prefix="Candidate"):
        services.nominate(election, member, declarations=DECLARE, actor="x", now=drive.nominating)
    voters = make_members(org, "public-north-tyneside", VOTERS)
    codes = drive.to_poll()
    monkeypatch.setattr(clock, "now", lambda: drive.polling)
    return election, drive, [codes[v.pk] for v in voters]


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 10)
    | st.floats(allow_nan=False)
    | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
# Mostly near-ballots (lists of small integers, some repeated or out of range), some anything.
_marks = st.lists(st.integers(-1, CANDIDATES + 2), max_size=CANDIDATES + 3) | _json


@st.composite
def _bodies(draw, codes):
    if draw(st.integers(0, 3)) == 0:  # a well-formed ballot (the method may still refuse it)
        order = draw(st.permutations(range(1, CANDIDATES + 1)))
        marks = list(order[: draw(st.integers(1, 3))])
        return {"code": codes[draw(st.integers(0, len(codes) - 1))], "marks": marks}
    body = {}
    if draw(st.integers(0, 9)):
        body["code"] = (
            codes[draw(st.integers(0, len(codes) - 1))]
            if draw(st.booleans())
            else (draw(st.text(max_size=20) | _json))
        )
    if draw(st.integers(0, 9)):
        body["marks"] = draw(_marks)
    if draw(st.integers(0, 4)) == 0:
        body[draw(st.sampled_from(["channel", "extra", "marks2"]))] = draw(_json)
    return body if draw(st.integers(0, 19)) else draw(_json)


@pytest.mark.parametrize("method", ["scottish-stv", "fptp", "approval", "irv"])
@pytest.mark.django_db
def test_arbitrary_json_bodies_store_exactly_what_the_parser_returns(
    client, nhs_org, returning_officer, monkeypatch, method
):
    election, drive, codes = _polling(nhs_org, returning_officer, monkeypatch, method)
    rules = services.ballot_rules(election)
    path = f"/o/{nhs_org.slug}/elections/{election.pk}/api/cast"
    expected: Counter[str] = Counter()
    used: set[str] = set()

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_bodies(codes))
    def attack(body):
        raw = json.dumps(body).encode()
        response = client.post(path, raw, content_type="application/json")
        assert response.status_code in (200, 400, 409), response.content
        payload = response.json()
        try:
            parsed = ballot_parser.from_json(raw, rules, channels=("internet", "telephone"))
        except BallotInvalid as exc:
            assert response.status_code == 400 and payload["problems"] == exc.problems
            return
        if parsed.code in used or parsed.code not in codes:
            assert response.status_code == 409 and payload["error"]
            return
        assert response.status_code == 200, payload
        used.add(parsed.code)
        expected[ballot_parser.to_text(parsed.marks)] += 1

    attack()
    mixing.mix(election, final=True)
    stored = Counter(Ballot.objects.filter(election=election).values_list("marks", flat=True))
    assert stored == expected and sum(stored.values()) == len(used) > 0
    assert VoteRecord.objects.filter(election=election).count() == len(used)
    # Every stored ballot recounts cleanly: the published BLT parses, and counts again to the
    # same result as the stored ballots do.
    published = parse_blt(tally.ballots_blt(election))
    assert published.n_ballots == len(used)
    count = get_method(election.method)
    again = count(published, election.vacancies, seed=1)
    assert again.elected == count(tally.profile(election), election.vacancies, seed=1).elected


@pytest.mark.django_db
def test_each_fault_is_refused_with_a_reason(client, nhs_org, returning_officer, monkeypatch):
    election, drive, codes = _polling(nhs_org, returning_officer, monkeypatch, "fptp")
    path = f"/o/{nhs_org.slug}/elections/{election.pk}/api/cast"
    seats = election.vacancies

    def post(body, raw=None):
        data = raw if raw is not None else json.dumps(body)
        return client.post(path, data, content_type="application/json")

    # The attack of issue 10: nine crosses for one candidate in a block vote.
    stuffed = post({"code": codes[0], "marks": [2] * 9})
    assert stuffed.status_code == 400
    second = services.ballot_candidates(election)[1].ballot_name
    assert f"marks: you marked {second} more than once" in stuffed.json()["problems"]
    too_many = post({"code": codes[0], "marks": list(range(1, seats + 2))})
    assert f"vote for up to {seats}" in " ".join(too_many.json()["problems"])
    unknown = post({"code": codes[0], "marks": [CANDIDATES + 1]})
    assert unknown.json()["problems"] == [
        f"marks[0]: there is no candidate {CANDIDATES + 1} on this ballot"
    ]
    assert "is not a candidate number" in post({"code": codes[0], "marks": [True]}).content.decode()
    assert "is not a candidate number" in post({"code": codes[0], "marks": ["1"]}).content.decode()
    assert "not JSON" in post(None, raw="{nope").content.decode()
    assert "not a field" in post({"code": codes[0], "marks": [1], "receipt": "x"}).content.decode()
    huge = post(None, raw=json.dumps({"code": codes[0], "marks": [1] * 10_000}))
    assert huge.status_code == 413 and "at most" in huge.json()["problems"][0]
    assert not Ballot.objects.filter(election=election).exists()
    assert post({"code": codes[0], "marks": [3, 1]}).status_code == 200
    mixing.mix(election, final=True)
    assert list(Ballot.objects.values_list("marks", flat=True)) == ["1 3"]


@pytest.mark.django_db
def test_paper_keying_and_the_service_use_the_same_parser(nhs_org, returning_officer, monkeypatch):
    election, drive, codes = _polling(nhs_org, returning_officer, monkeypatch, "fptp")
    clerk = make_user(nhs_org, "clerk", Role.Kind.RETURNING_OFFICER)  # a deputy: paper is theirs
    with pytest.raises(services.BallotInvalid, match="more than once"):
        services.key_paper_ballot(election, codes[0], [1, 1], actor=clerk)
    with pytest.raises(services.BallotInvalid, match="more than once"):
        services.cast(election, codes[0], [4, 4, 4])
    with pytest.raises(services.BallotInvalid, match="no candidate 0"):
        services.cast(election, codes[0], [0])
    assert not VoteRecord.objects.exists()


def test_the_limits_follow_the_method():
    assert rules_for("scottish-stv", seats=3, candidates=8).most == 8
    assert rules_for("fptp", seats=3, candidates=8).most == 3
    assert rules_for("approval", seats=3, candidates=8).most == 8
    single = rules_for("referendum", seats=1, candidates=2)
    assert single.kind == Kind.SINGLE and single.most == 1
    with pytest.raises(BallotInvalid, match="2 marks; choose one"):
        ballot_parser.check_marks([1, 2], single)
    with pytest.raises(BallotInvalid, match="no ballot is known"):
        rules_for("borda", seats=1, candidates=3)
    ranked = rules_for("irv", seats=1, candidates=4)
    assert ballot_parser.check_marks([3, 1], ranked) == (3, 1)  # order kept when it means
    block = rules_for("fptp", seats=2, candidates=4)
    assert ballot_parser.check_marks([3, 1], block) == (1, 3)  # and sorted when it does not
