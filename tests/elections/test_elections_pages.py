"""Pages, the JSON cast, paper double-key entry, rate limiting, PDFs and the CLI, through
Django's test client on a contested NHS election."""

import json
import re
import zlib
from datetime import timedelta

import pytest
from election_helpers import CLOSE_OF_POLL, PASSWORD, Driver, make_members, make_user, moment

from mutualise.cli import main
from mutualise.counting.blt import parse_blt
from mutualise.elections import clock, mixing, pdf, services
from mutualise.elections.lifecycle import State
from mutualise.elections.models import Ballot, PaperEntry, Receipt, VoteRecord
from mutualise.register.models import Role

pytestmark = pytest.mark.django_db
DECLARE = [
    "an undischarged bankrupt",
    "sentenced to prison for 3 months or more in the last 5 years",
]


@pytest.fixture
def polling(nhs_org, returning_officer, monkeypatch):
    election = services.create_election(
        nhs_org,
        body_id="council-of-governors",
        seat_group_id="public-north-tyneside",
        close_of_poll=CLOSE_OF_POLL,
        actor=returning_officer,
        now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )
    drive = Driver(election, returning_officer)
    drive.to_nominations()
    names = ["Ann Ash", "Ben Birch", "Cal Cedar", "Di Dogwood", "Ed Elm", "Flo Fir"]
    members = make_members(nhs_org, "public-north-tyneside", 6, prefix="Candidate")
    for member, name in zip(members, names, strict=True):
        services.nominate(
            election, member, ballot_name=name, declarations=DECLARE, actor="x",
            now=drive.nominating,
        )  # fmt: skip
    voters = make_members(nhs_org, "public-north-tyneside", 10)
    codes = drive.to_poll()
    monkeypatch.setattr(clock, "now", lambda: drive.polling)
    return election, drive, [codes[v.pk] for v in voters]


def url(election, tail=""):
    return f"/o/{election.organisation.slug}/elections/{election.pk}/{tail}"


def test_voting_by_web_form_with_clear_messages(client, polling):
    election, drive, codes = polling
    page = client.post(url(election, "vote/"), {"step": "code", "code": "nope"})
    assert page.status_code == 400 and b"not right" in page.content
    page = client.post(url(election, "vote/"), {"step": "code", "code": codes[0].lower()})
    assert b"Number the candidates" in page.content and b"Ben Birch" in page.content
    gap = {"step": "ballot", "code": codes[0], "c1": "1", "c2": "3"}
    page = client.post(url(election, "vote/"), gap)
    assert page.status_code == 400 and b"you skipped 2" in page.content.lower()
    repeat = {"step": "ballot", "code": codes[0], "c1": "1", "c2": "1"}
    assert b"give each number once" in client.post(url(election, "vote/"), repeat).content.lower()
    good = {"step": "ballot", "code": codes[0], "c1": "2", "c3": "1"}
    page = client.post(url(election, "vote/"), good)
    assert b"Check your vote" in page.content
    assert page.content.index(b"Cal Cedar") < page.content.index(b"Ann Ash")
    assert Ballot.objects.count() == 0  # nothing is cast until confirmed
    cast = client.post(url(election, "vote/"), {**good, "step": "confirm"})
    assert cast.status_code == 302 and cast["Location"] == url(election, "vote/receipt/")
    page = client.get(cast["Location"])
    assert b"Your vote has been cast" in page.content
    assert page["Cache-Control"] == "no-store"
    refreshed = client.get(cast["Location"])  # a refresh shows the same receipt, casts nothing
    assert refreshed.context["receipt"] == page.context["receipt"]
    assert not Ballot.objects.exists() and mixing.waiting(election) == 1  # sealed until mixed
    mixing.mix(election, final=True)
    assert Ballot.objects.get().marks == "3 1"
    again = client.post(url(election, "vote/"), {**good, "step": "confirm"})
    assert again.status_code == 400 and b"already been cast" in again.content


def test_json_cast_and_rate_limit(client, polling):
    election, drive, codes = polling
    post = lambda body: client.post(  # noqa: E731
        url(election, "api/cast"), json.dumps(body), content_type="application/json"
    )
    ok = post({"code": codes[1], "marks": [2, 1, 4]})
    assert ok.status_code == 200 and len(ok.json()["receipt"]) == 14
    assert post({"code": codes[2], "marks": [2, 2]}).status_code == 400
    for _ in range(services.THROTTLE_LIMIT):
        assert post({"code": "WRNG-WRNG-WRNG-WRNG", "marks": [1]}).status_code == 409
    told = post({"code": "WRNG-WRNG-WRNG-WRNG", "marks": [1]})  # past the limit: told so
    assert told.status_code == 409 and "many wrong codes" in told.json()["error"], told.json()
    # A right code is never refused for the wrong ones before it (tests/elections/test_code_throttle.py)
    assert post({"code": codes[2], "marks": [1]}).status_code == 200
    assert VoteRecord.objects.count() == 2


def test_console_shows_why_a_step_is_not_yet_possible(client, polling, returning_officer):
    election, drive, codes = polling
    assert client.get(url(election, "console/")).status_code == 302  # sign in first
    client.login(username="ro", password=PASSWORD)
    page = client.get(url(election, "console/")).content.decode()
    assert "Close the poll" in page and "the poll stays open until 15 June 2027, 17:00" in page
    officer = make_user(election.organisation, "secretary", Role.Kind.OFFICER)
    client.force_login(officer)
    page = client.get(url(election, "console/")).content.decode()
    assert "only the returning officer may do this" in page
    assert client.post(url(election, "console/step/close_poll/")).status_code == 403


def test_paper_ballots_are_keyed_twice_by_different_officers(client, polling):
    election, drive, codes = polling  # the returning officer and a deputy returning officer
    first = make_user(election.organisation, "clerk1", Role.Kind.RETURNING_OFFICER)
    second = make_user(election.organisation, "clerk2", Role.Kind.RETURNING_OFFICER)
    assert services.key_paper_ballot(election, codes[4], [3], actor=first) is None
    client.force_login(first)
    discard = url(election, "console/paper/discard/")
    assert b"was discarded" in client.post(discard, {"code": codes[4]}, follow=True).content
    assert b"No paper" in client.post(discard, {"code": codes[4]}, follow=True).content
    assert services.key_paper_ballot(election, codes[3], [1, 2], actor=first) is None
    with pytest.raises(services.ElectionError, match="different officer"):
        services.key_paper_ballot(election, codes[3], [1, 2], actor=first)
    with pytest.raises(services.ElectionError, match="does not match"):
        services.key_paper_ballot(election, codes[3], [2, 1], actor=second)
    assert not PaperEntry.objects.exists()  # a mismatch discards the first keying too
    assert services.key_paper_ballot(election, codes[3], [1, 2], actor=first) is None
    client.force_login(second)
    page = client.post(url(election, "console/paper/"), {"code": codes[3], "c1": "1", "c2": "2"})
    assert page.status_code == 302
    assert not PaperEntry.objects.exists()  # the keyings are gone once the ballot is cast
    assert VoteRecord.objects.get().channel == "post"
    with pytest.raises(services.CodeRefused, match="already"):
        services.cast(election, codes[3], [1], now=drive.polling)


def test_results_pages_downloads_pdfs_and_cli(client, polling, monkeypatch, tmp_path, capsys):
    election, drive, codes = polling
    for code in codes[:8]:
        services.cast(election, code, [1, 2, 3], now=drive.polling)
    # Issue 19: an open poll's results address says when the result comes, not "not found".
    pending = client.get(url(election, "results/"))
    assert pending.status_code == 200
    assert "Results are published after the count." in pending.content.decode()
    assert 'id="elected"' not in pending.content.decode()
    assert main(["election", "export-ballots", str(election.pk)]) == 2
    monkeypatch.setattr(clock, "now", lambda: drive.at("close_of_poll"))
    election = drive.close_and_count()
    assert election.state == State.DECLARED
    page = client.get(url(election, "results/")).content.decode()
    assert 'Ann Ash <span class="govuk-body-s">(elected at stage' in page and "<svg" in page
    assert f"Counted by {election.method_name}." in page and election.method not in page
    assert "What happened at each stage" in page and "reached the quota" in page
    assert re.search(r"<strong>8(\.0+)?</strong>", page)  # each column adds up to the 8 votes
    turnout_line = re.search(r"Turnout: [^<]*", page).group(0)
    assert "Internet: 8" in turnout_line and "internet" not in turnout_line  # words, not ids
    blt = client.get(url(election, "ballots.blt")).content.decode()
    assert parse_blt(blt).n_ballots == 8
    receipt = next(iter(Receipt.objects.values_list("receipt", flat=True)))
    found = client.post(url(election, "receipt/"), {"receipt": receipt}).content.decode()
    assert "Your ballot is in the count" in found and "Ann Ash" not in found
    assert receipt not in found  # not even echoed back
    missing = client.post(url(election, "receipt/"), {"receipt": "AAAA-BBBB-CCCC"}).content
    assert b"not in the published list" in missing
    assert receipt in client.get(url(election, "receipts.txt")).content.decode()
    assert receipt not in client.get(url(election, "ballots.csv")).content.decode()
    notice = client.get(url(election, "results.pdf")).content
    assert notice.startswith(b"%PDF")
    text = b"".join(
        zlib.decompress(stream)
        for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", notice, re.S)
    )
    assert election.method_name.encode() in text and b"First preferences counted" in text
    assert main(["election", "export-ballots", str(election.pk), "--format", "csv"]) == 0
    assert capsys.readouterr().out.count("\n") == 9
    out = tmp_path / "ballots.blt"
    assert main(["election", "export-ballots", str(election.pk), "-o", str(out)]) == 0
    assert out.read_text() == blt


def test_poll_cards_pdf_has_a_page_per_voter(nhs_org, returning_officer):
    election = services.create_election(
        nhs_org,
        body_id="council-of-governors",
        seat_group_id="public-gateshead",
        close_of_poll=CLOSE_OF_POLL,
        actor=returning_officer,
        now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )
    drive = Driver(election, returning_officer)
    drive.to_nominations()
    make_members(nhs_org, "public-gateshead", 3)
    drive.step("close_nominations", drive.at("nominations_close"))
    services.freeze_roll(election, actor=returning_officer)
    issued = services.issue_credentials(election, actor=returning_officer)
    document = pdf.poll_cards(election, issued)
    assert document.startswith(b"%PDF") and document.count(b"/Type /Page\n") == 3
