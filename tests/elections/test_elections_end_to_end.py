"""Whole elections through the services: an NHS foundation trust public constituency (STV,
3 seats) and a supporters' trust board (first past the post, retirement by rotation)."""

import json
from datetime import date, timedelta

import pytest
from election_helpers import CLOSE_OF_POLL, Driver, make_members, moment

from mutualise.audit.models import AuditEvent
from mutualise.audit.services import verify
from mutualise.cli import main
from mutualise.counting.blt import parse_blt
from mutualise.counting.methods import get_method
from mutualise.elections import mixing, services, tally
from mutualise.elections.lifecycle import State
from mutualise.elections.models import Credential, OfficeTerm, VoteRecord

pytestmark = pytest.mark.django_db

DISQUALIFICATIONS = [
    "an undischarged bankrupt",
    "sentenced to prison for 3 months or more in the last 5 years",
]


def _sitting_governors(org, n, ends_on):
    holders = make_members(org, "public-newcastle", n, prefix="Governor")
    for member in holders:
        OfficeTerm.objects.create(
            organisation=org,
            body_id="council-of-governors",
            seat_group_id="public-newcastle",
            member=member,
            holder_name=member.display_name,
            started_on=date(2026, 7, 1),
            ends_on=ends_on,
        )


def _nhs_election(org, actor):
    _sitting_governors(org, 3, date(2029, 7, 1))  # 3 of the 6 seats continue
    return services.create_election(
        org,
        body_id="council-of-governors",
        seat_group_id="public-newcastle",
        close_of_poll=CLOSE_OF_POLL,
        actor=actor,
        now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )


# Five candidates, three seats. Ballots by ballot position (alphabetical by surname):
# 1 Adams, 2 Brown, 3 Clarke, 4 Davies, 5 Evans.
NAMES = ["Ann Evans", "Bob Adams", "Cat Clarke", "Dan Brown", "Eve Davies"]
PATTERN = [
    (14, {1: "1", 2: "2", 3: "3"}),
    (12, {2: "1", 1: "2"}),
    (10, {3: "1", 4: "2", 5: "3"}),
    (6, {4: "1", 3: "2"}),
    (4, {5: "1", 4: "2", 1: "3", 2: "4", 3: "5"}),
]


def test_nhs_public_constituency_stv_three_seats(nhs_org, returning_officer, tmp_path, capsys):
    election = _nhs_election(nhs_org, returning_officer)
    assert election.vacancies == 3
    assert election.vacancies_explained["continuing"] == 3
    drive = Driver(election, returning_officer)
    drive.to_nominations()
    candidates = make_members(nhs_org, "public-newcastle", 5, prefix="Candidate")
    for member, name in zip(candidates, NAMES, strict=True):
        services.nominate(
            election,
            member,
            ballot_name=name,
            statement="I will listen to patients and visit every ward.",
            declarations=DISQUALIFICATIONS,
            actor=member.display_name,
            now=drive.nominating,
        )
    voters = make_members(nhs_org, "public-newcastle", 50)
    codes = drive.to_poll()
    assert len(codes) == 50 + 5 + 3  # voters, candidates and sitting governors are all members
    assert [c.ballot_name for c in services.ballot_candidates(election)] == [
        "Bob Adams", "Dan Brown", "Cat Clarke", "Eve Davies", "Ann Evans",
    ]  # fmt: skip

    receipts = {}
    voter_iter = iter(voters)
    for times, raw in PATTERN:
        for _ in range(times):
            voter = next(voter_iter)
            marks = services.parse_marks(election, raw)
            receipts[services.cast(election, codes[voter.pk], marks, now=drive.polling)] = marks
    assert mixing.cast_count(election) == 46
    assert VoteRecord.objects.filter(election=election).count() == 46

    election = drive.close_and_count()
    assert election.state == State.DECLARED
    elected = list(election.candidates.filter(elected=True).order_by("position"))
    # Quota 46/4 -> 12 (Droop); Adams 14 elected at stage 1, Brown's 12 reach quota,
    # Clarke's 10 plus Davies's transfers elect Clarke.
    assert [c.ballot_name for c in elected] == ["Bob Adams", "Dan Brown", "Cat Clarke"]
    assert election.turnout["ballots"] == 46 and election.turnout["voters"] == 58
    assert OfficeTerm.objects.filter(election=election).count() == 3

    # Anyone can recount from the published BLT and get the declared result.
    published = parse_blt(tally.ballots_blt(election))
    recount = get_method(election.method)(published, seed=election.seed)
    assert recount.elected_names() == election.result["elected_names"]

    # ... and so does `mutualise count` on the file `mutualise election export-ballots` writes.
    blt_file = tmp_path / "ballots.blt"
    assert main(["election", "export-ballots", str(election.pk), "-o", str(blt_file)]) == 0
    capsys.readouterr()
    count_args = ["count", str(blt_file), "-m", election.method, "--seed", str(election.seed)]
    assert main([*count_args, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["elected"] == election.result["elected"]

    # A voter finds their receipt in the published list of receipts, which is apart from the
    # ballots: by default a receipt proves inclusion, not what the ballot says.
    receipt, marks = next(iter(receipts.items()))
    check = services.check_receipt(election, receipt.lower().replace("-", " "))
    assert check.found and check.marks is None
    assert not services.check_receipt(election, "AAAA-BBBB-CCCC").found
    csv_text = tally.ballots_csv(election)
    assert csv_text.count("\n") == 47
    assert receipt not in csv_text and receipt in tally.receipts_text(election)

    actions = list(AuditEvent.objects.filter(organisation=nhs_org).values_list("action", flat=True))
    for action in (
        "election.created",
        "election.notice_published",
        "election.nominated",
        "election.roll_frozen",
        "election.credentials_issued",
        "election.poll_opened",
        "election.poll_closed",
        "election.counted",
        "election.declared",
    ):
        assert action in actions
    assert verify(nhs_org).ok


def test_supporters_trust_board_first_past_the_post(trust_org):
    actor = "returning officer"
    board = make_members(trust_org, "supporters", 9, prefix="Director")
    for k, member in enumerate(board):  # staggered starts: the longest-serving retire
        OfficeTerm.objects.create(
            organisation=trust_org,
            body_id="board",
            seat_group_id="elected",
            member=member,
            holder_name=member.display_name,
            started_on=date(2024 + k // 3, 6, 1),
            ends_on=date(2030, 6, 1),
        )
    election = services.create_election(
        trust_org,
        body_id="board",
        seat_group_id="elected",
        close_of_poll=CLOSE_OF_POLL,
        actor=actor,
        now=moment(date(2027, 1, 4)),
    )
    assert election.vacancies == 3
    assert election.vacancies_explained["retiring_by_rotation"] == [
        m.display_name for m in board[:3]
    ]
    assert election.method == "fptp"
    drive = Driver(election, actor)
    drive.to_nominations()
    candidates = make_members(trust_org, "supporters", 4, prefix="Hopeful")
    helpers = make_members(trust_org, "supporters", 2, prefix="Backer")
    with pytest.raises(services.ElectionError, match="proposers: 1 needed"):
        services.nominate(election, candidates[0], actor=actor, now=drive.nominating)
    for member in candidates:
        services.nominate(
            election,
            member,
            proposers=[helpers[0]],
            seconders=[helpers[1]],
            actor=actor,
            now=drive.nominating,
        )
    voters = make_members(trust_org, "supporters", 30)
    codes = drive.to_poll()
    # Crosses for up to three candidates.
    votes = [({1: "X", 2: "X", 3: "X"}, 12), ({4: "X"}, 10), ({1: "X", 4: "X"}, 5)]
    it = iter(voters)
    for raw, times in votes:
        for _ in range(times):
            marks = services.parse_marks(election, raw)
            services.cast(election, codes[next(it).pk], marks, now=drive.polling)
    with pytest.raises(services.BallotInvalid, match="up to 3"):
        services.parse_marks(election, {1: "X", 2: "X", 3: "X", 4: "X"})
    election = drive.close_and_count()
    winners = set(election.result["elected_names"])
    # Totals: 1 -> 17, 4 -> 15, 2 -> 12, 3 -> 12: a tie for the third seat, settled by lot.
    assert {
        "Hopeful " + str(candidates[0].number),
        "Hopeful " + str(candidates[3].number),
    } <= winners
    assert len(winners) == 3
    assert election.result["tie_breaks"], "the tie for the last seat is recorded"
    recount = get_method("fptp")(parse_blt(tally.ballots_blt(election)), seed=election.seed)
    assert set(recount.elected_names()) == winners


def test_uncontested_candidates_are_declared_and_vacancies_stay(nhs_org, returning_officer):
    election = _nhs_election(nhs_org, returning_officer)
    drive = Driver(election, returning_officer)
    drive.to_nominations()
    (only,) = make_members(nhs_org, "public-newcastle", 1, prefix="Lone")
    services.nominate(
        election, only, declarations=DISQUALIFICATIONS, actor="x", now=drive.nominating
    )
    drive.step("close_nominations", drive.at("nominations_close"))
    services.freeze_roll(election, actor=returning_officer)
    drive.step("close_withdrawals", drive.at("withdrawals_close"))
    with pytest.raises(services.ElectionError, match="declare them elected without a poll"):
        drive.step("open_poll", drive.at("withdrawals_close", 5))
    election = drive.step("declare_uncontested", drive.at("withdrawals_close", 5))
    assert election.state == State.DECLARED
    assert list(election.candidates.values_list("elected_unopposed", flat=True)) == [True]
    event = AuditEvent.objects.get(action="election.declared_uncontested")
    assert event.data["vacancies_left"] == 2


def test_a_replaced_code_is_void_and_a_voter_votes_once(nhs_org, returning_officer):
    election = _nhs_election(nhs_org, returning_officer)
    drive = Driver(election, returning_officer)
    drive.to_nominations()
    for member in make_members(nhs_org, "public-newcastle", 4, prefix="Candidate"):
        services.nominate(
            election, member, declarations=DISQUALIFICATIONS, actor="x", now=drive.nominating
        )
    codes = drive.to_poll()
    voter_id, old = next(iter(codes.items()))
    entry = election.roll.get(member_id=voter_id)
    new = services.replace_credential(
        entry, channel=Credential.Channel.EMAIL, reason="card lost", actor="ro"
    )
    with pytest.raises(services.CodeRefused, match="replaced"):
        services.cast(election, old, [1], now=drive.polling)
    receipt = services.cast(election, new, [1, 2], now=drive.polling)
    assert len(receipt) == 14
    with pytest.raises(services.CodeRefused, match="already been cast"):
        services.cast(election, new, [2], now=drive.polling)
    with pytest.raises(services.CodeRefused, match="not right"):
        services.cast(election, "AAAA-BBBB-CCCC-DDDD", [1], now=drive.polling)
    assert mixing.cast_count(election) == 1
