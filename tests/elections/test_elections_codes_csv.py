"""Issue 10, part 6: `mutualise election issue-codes ELECTION --csv FILE --as RO` writes a
mail-merge file (name, address, plain code, a row per voter) for a print house: returning officer
only, audited, formula cells neutralised, `--replace-all` voids the old set for a fresh one."""

import csv
from datetime import timedelta

import pytest
from election_helpers import CLOSE_OF_POLL, Driver, make_members, make_user, moment

from mutualise.audit.models import AuditEvent
from mutualise.cli import main
from mutualise.elections import clock, services
from mutualise.elections.models import Credential
from mutualise.register.models import Role

pytestmark = pytest.mark.django_db
SEATS = "public-north-tyneside"
DECLARE = [
    "an undischarged bankrupt",
    "sentenced to prison for 3 months or more in the last 5 years",
]


@pytest.fixture
def frozen(nhs_org, monkeypatch):
    ro = make_user(nhs_org, "ro", Role.Kind.RETURNING_OFFICER)
    election = services.create_election(
        nhs_org,
        body_id="council-of-governors",
        seat_group_id=SEATS,
        close_of_poll=CLOSE_OF_POLL,
        actor=ro,
        now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )
    drive = Driver(election, ro)
    drive.to_nominations()
    for member in make_members(nhs_org, SEATS, 5, prefix="Candidate"):
        services.nominate(election, member, declarations=DECLARE, actor="x", now=drive.nominating)
    voters = make_members(nhs_org, SEATS, 4)
    voters[0].display_name = '=HYPERLINK("http://evil.example","Ada")'
    voters[0].address = "@SUM(A1:A9)\nFlat 2"
    voters[0].postcode = "NE1 1AA"
    voters[0].save()
    voters[1].address = "-1+2"
    voters[1].save()
    drive.step("close_nominations", drive.at("nominations_close"))
    services.freeze_roll(election, actor=ro)
    return election, drive, voters


def _rows(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_the_returning_officer_writes_a_mail_merge_file(frozen, tmp_path):
    election, drive, voters = frozen
    out = tmp_path / "codes.csv"
    assert main(["election", "issue-codes", str(election.pk), "--as", "ro", "--csv", str(out)]) == 0
    heading, *rows = _rows(out)
    assert heading == ["Membership number", "Name", "Address", "Postcode", "Voting code"]
    assert len(rows) == 9  # 5 candidates and 4 voters on the roll, a row each
    by_number = {int(r[0]): r for r in rows}
    ada = by_number[voters[0].number]
    assert ada[1] == '\'=HYPERLINK("http://evil.example","Ada")'
    assert ada[2] == "'@SUM(A1:A9)\nFlat 2" and ada[3] == "NE1 1AA"
    assert by_number[voters[1].number][2] == "'-1+2"
    for number, row in by_number.items():  # every code is live and belongs to its row's voter
        assert services.check_code(election, row[4]).roll_entry.member_number == number
    event = AuditEvent.objects.filter(action="election.codes_written_for_print").get()
    assert event.actor == "ro" and event.data == {"rows": 9, "replace_all": False}
    assert all(row[4] not in str(e.data) for e in AuditEvent.objects.all() for row in rows)
    # A second run issues only to voters who have no code (none now): old codes still work.
    again = tmp_path / "again.csv"
    assert (
        main(["election", "issue-codes", str(election.pk), "--as", "ro", "--csv", str(again)]) == 0
    )
    assert len(_rows(again)) == 1
    assert services.check_code(election, rows[0][4])


def test_replace_all_voids_the_old_set_and_skips_who_has_voted(frozen, tmp_path, monkeypatch):
    election, drive, voters = frozen
    first = tmp_path / "first.csv"
    assert (
        main(["election", "issue-codes", str(election.pk), "--as", "ro", "--csv", str(first)]) == 0
    )
    old = {int(r[0]): r[4] for r in _rows(first)[1:]}
    withdrawals = drive.table.withdrawals_close or drive.table.nominations_close
    drive.step("close_withdrawals", withdrawals + timedelta(minutes=1))
    drive.step("open_poll", withdrawals + timedelta(minutes=2))
    monkeypatch.setattr(clock, "now", lambda: drive.polling)
    services.cast(election, old[voters[2].number], [1, 2], now=drive.polling)
    fresh = tmp_path / "fresh.csv"
    pdf = tmp_path / "cards.pdf"
    argv = ["election", "issue-codes", str(election.pk), "--as", "ro", "--replace-all"]
    assert main([*argv, "--csv", str(fresh), "--pdf", str(pdf)]) == 0
    new = {int(r[0]): r[4] for r in _rows(fresh)[1:]}
    assert set(new) == set(old) - {voters[2].number}  # who has voted gets no new code
    assert pdf.read_bytes().count(b"/Type /Page\n") == len(new)
    for number, code in new.items():
        assert code != old[number]
        assert services.check_code(election, code).roll_entry.member_number == number
        with pytest.raises(services.CodeRefused):
            services.check_code(election, old[number])
    assert Credential.objects.filter(election=election, voided_at__isnull=True).count() == 9
    event = AuditEvent.objects.filter(action="election.codes_written_for_print").last()
    assert event.data == {"rows": 8, "replace_all": True}


@pytest.mark.parametrize(
    ("username", "kinds"),
    [
        ("secretary", (Role.Kind.OFFICER,)),
        ("ro-secretary", (Role.Kind.RETURNING_OFFICER, Role.Kind.OFFICER)),
        ("governor", (Role.Kind.BOARD,)),
        ("admin", (Role.Kind.ADMINISTRATOR,)),
    ],
)
def test_nobody_else_may_write_the_codes(frozen, tmp_path, capsys, username, kinds):
    election, drive, voters = frozen
    make_user(election.organisation, username, *kinds)
    out = tmp_path / "codes.csv"
    argv = ["election", "issue-codes", str(election.pk), "--as", username, "--csv", str(out)]
    assert main(argv) == 2
    assert "only the returning officer" in capsys.readouterr().err
    assert not Credential.objects.filter(election=election).exists()
    assert not AuditEvent.objects.filter(action="election.codes_written_for_print").exists()


def test_a_candidate_returning_officer_may_not_write_the_codes(frozen, tmp_path, capsys):
    election, drive, voters = frozen
    ro = make_user(election.organisation, "ro-candidate", Role.Kind.RETURNING_OFFICER)
    candidate = election.candidates.first().member
    candidate.user = ro
    candidate.save()
    out = tmp_path / "codes.csv"
    argv = ["election", "issue-codes", str(election.pk), "--as", "ro-candidate", "--csv", str(out)]
    assert main(argv) == 2
    assert "only the returning officer" in capsys.readouterr().err
    assert not Credential.objects.filter(election=election).exists()


def test_clear_errors_for_a_wrong_command(frozen, tmp_path, capsys):
    election, drive, voters = frozen
    assert main(["election", "issue-codes", str(election.pk), "--as", "ro"]) == 2
    assert "--pdf FILE, --csv FILE" in capsys.readouterr().err
    argv = ["election", "issue-codes", str(election.pk), "--csv", str(tmp_path / "x.csv")]
    assert main([*argv, "--as", "nobody"]) == 2
    assert "no user 'nobody'" in capsys.readouterr().err
    assert main([*argv[:-1], str(tmp_path / "missing" / "x.csv"), "--as", "ro"]) == 2
    assert "cannot write" in capsys.readouterr().err
    assert not Credential.objects.filter(election=election).exists()


def test_the_files_of_plain_codes_are_readable_by_their_owner_only(frozen, tmp_path):
    """The mail-merge file and the poll cards hold every voter's plain code: on a shared server
    a file the umask leaves readable by all (0644) would hand them to every local account."""
    election, drive, voters = frozen
    out, cards = tmp_path / "codes.csv", tmp_path / "cards.pdf"
    argv = ["election", "issue-codes", str(election.pk), "--as", "ro"]
    assert main([*argv, "--csv", str(out), "--pdf", str(cards)]) == 0
    assert out.stat().st_mode & 0o777 == 0o600
    assert cards.stat().st_mode & 0o777 == 0o600
    # An existing file (readable by all) is not written into as it is: its mode is narrowed.
    again = tmp_path / "again.csv"
    again.write_text("old")
    again.chmod(0o644)
    assert main([*argv, "--csv", str(again), "--replace-all"]) == 0
    assert again.stat().st_mode & 0o777 == 0o600 and "old" not in again.read_text()
