"""Receipts prove inclusion, not content, by default; a rulebook may choose receipts that show
contents, and the returning officer is warned. No voting code or receipt ever travels in a URL,
a log line or an audit event."""

import json
import logging
import re
from datetime import timedelta

import pytest
from election_helpers import CLOSE_OF_POLL, Driver, make_members, moment, nhs_rulebook

from mutualise.audit.models import AuditEvent
from mutualise.elections import clock, services, tally
from mutualise.elections.models import Ballot, Receipt
from mutualise.register import services as register

pytestmark = pytest.mark.django_db
DECLARE = [
    "an undischarged bankrupt",
    "sentenced to prison for 3 months or more in the last 5 years",
]


def _election(org, actor, monkeypatch, voters=5):
    election = services.create_election(
        org,
        body_id="council-of-governors",
        seat_group_id="public-north-tyneside",
        close_of_poll=CLOSE_OF_POLL,
        actor=actor,
        now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )
    drive = Driver(election, actor)
    drive.to_nominations()
    names = ["Ann Ash", "Ben Birch", "Cal Cedar", "Di Dogwood", "Ed Elm", "Flo Fir"]
    standing = make_members(org, "public-north-tyneside", 6, prefix="C")
    for member, name in zip(standing, names, strict=True):
        services.nominate(
            election, member, ballot_name=name, declarations=DECLARE, actor="x",
            now=drive.nominating,
        )  # fmt: skip
    people = make_members(org, "public-north-tyneside", voters)
    codes = drive.to_poll()
    monkeypatch.setattr(clock, "now", lambda: drive.polling)
    return election, drive, [codes[p.pk] for p in people]


def _url(election, tail=""):
    return f"/o/{election.organisation.slug}/elections/{election.pk}/{tail}"


def _vote_by_form(client, election, code, ranking: dict[str, str]):
    client.post(_url(election, "vote/"), {"step": "code", "code": code})
    client.post(_url(election, "vote/"), {"step": "ballot", "code": code, **ranking})
    page = client.post(
        _url(election, "vote/"), {"step": "confirm", "code": code, **ranking}, follow=True
    )
    return re.search(r'id="receipt">([A-Z0-9-]+)<', page.content.decode()).group(1)


def test_codes_and_receipts_stay_out_of_urls_logs_and_the_audit_log(
    client, nhs_org, returning_officer, monkeypatch
):
    records: list[logging.LogRecord] = []
    catcher = logging.Handler(logging.DEBUG)
    catcher.emit = records.append
    root = logging.getLogger()
    monkeypatch.setattr(root, "level", logging.DEBUG)
    root.addHandler(catcher)
    election, drive, codes = _election(nhs_org, returning_officer, monkeypatch)
    urls: list[str] = []
    original = client.generic

    def watched(method, path, *args, **kwargs):
        urls.append(path + "?" + str(kwargs.get("QUERY_STRING", "")))
        return original(method, path, *args, **kwargs)

    monkeypatch.setattr(client, "generic", watched)
    receipts = [_vote_by_form(client, election, code, {"c1": "1"}) for code in codes[:3]]
    api = client.post(
        _url(election, "api/cast"),
        {"code": codes[3], "marks": [2]},
        content_type="application/json",
    )
    receipts.append(api.json()["receipt"])
    client.post(_url(election, "vote/"), {"step": "code", "code": codes[0]})  # already voted
    client.post(_url(election, "vote/"), {"step": "code", "code": "WRNG-WRNG-WRNG-WRNG"})
    monkeypatch.setattr(clock, "now", lambda: drive.at("close_of_poll", 60))
    drive.close_and_count()
    for receipt in receipts:
        page = client.post(_url(election, "receipt/"), {"receipt": receipt})
        assert b"Your ballot is in the count" in page.content
    # The look-up page asks by POST, and a GET with a receipt in the URL is not answered.
    page = client.get(_url(election, "receipt/"), {"receipt": receipts[0]}).content.decode()
    assert 'method="post"' in page and "in the count" not in page

    secrets = [c for c in codes] + [c.replace("-", "") for c in codes] + receipts
    root.removeHandler(catcher)
    logged = "\n".join(record.getMessage() for record in records)
    assert records  # the catcher does hear the requests and the services
    audited = json.dumps(list(AuditEvent.objects.values("action", "data", "subject_id")))
    sent = "\n".join(urls[:-1])  # all but the deliberate GET above
    for secret in secrets:
        assert secret not in logged, f"a code or receipt in a log line: {secret}"
        assert secret not in audited, f"a code or receipt in an audit event: {secret}"
        assert secret not in sent, f"a code or receipt in a URL: {secret}"


def test_receipts_that_show_contents_when_the_rulebook_says_so(
    client, returning_officer, monkeypatch
):
    text = nhs_rulebook().replace("\nelections:\n", "\nelections:\n  receipts: contents\n", 1)
    org = register.create_organisation(
        name="Contents Trust", constitution_text=text, source_name="t.yaml", slug="contents"
    )
    from election_helpers import make_user

    from mutualise.register.models import Role

    officer = make_user(org, "ro2", Role.Kind.RETURNING_OFFICER)
    election, drive, codes = _election(org, officer, monkeypatch)
    client.force_login(officer)
    console = client.get(_url(election, "console/")).content.decode()
    assert 'id="coercion-warning"' in console and "prove how they voted" in console
    receipt = services.cast(election, codes[0], [3, 1])
    monkeypatch.setattr(clock, "now", lambda: drive.at("close_of_poll", 60))
    drive.close_and_count()
    check = services.check_receipt(election, receipt)
    assert check.found and check.marks == (3, 1)
    assert Ballot.objects.get(election=election).receipt == receipt
    assert Receipt.objects.get(election=election).receipt == receipt
    page = client.post(_url(election, "receipt/"), {"receipt": receipt}).content.decode()
    assert page.index("Cal Cedar") < page.index("Ann Ash")
    assert receipt in tally.ballots_csv(election)


def test_the_default_console_carries_no_warning(client, nhs_org, returning_officer, monkeypatch):
    election, drive, codes = _election(nhs_org, returning_officer, monkeypatch)
    client.force_login(returning_officer)
    assert b"coercion-warning" not in client.get(_url(election, "console/")).content
