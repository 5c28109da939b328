"""Issue 19: live turnout on the returning officer's console, by constituency, by channel and by
day; and issue 10: the officer keying paper ballots never sees a receipt.

Turnout comes from who has voted, in whole mixed batches of at least K (docs/secrecy.md): a
figure that moved with each cast would let whoever refreshes the console tell when a voter they
are watching voted."""

import re
from datetime import timedelta

import pytest
from election_helpers import make_user, nhs_rulebook
from officer_helpers import ROLES, refused, scene, set_clock, sign_in

from mutualise.elections import mixing, services
from mutualise.elections.models import Receipt, TurnoutTally, VoteRecord
from mutualise.register import services as register
from mutualise.register.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def no_mixing_after_casts(monkeypatch):
    """Batches are mixed when the test says, not at one cast in K chosen by chance."""
    monkeypatch.setattr(mixing, "after_cast", lambda election: None)


def _turnout(client, url) -> str:
    page = client.get(url).content.decode()
    found = re.search(
        r'<h2 class="govuk-heading-m" id="turnout">.*?id="turnout-by-day".*?</table>', page, re.S
    )
    return found.group(0) if found else ""


def _cells(section: str, table: str) -> list[list[str]]:
    body = re.search(rf'id="{table}".*?<tbody[^>]*>(.*?)</tbody>', section, re.S).group(1)
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def _cast(s, members, marks=(1, 2)):
    for member in members:
        services.cast(s.election, s.codes[member.pk], list(marks))


def test_turnout_moves_only_in_whole_batches(nhs_org, client, monkeypatch, no_mixing_after_casts):
    s = scene(nhs_org, voters=70)
    set_clock(monkeypatch, s.drive.polling)
    k = mixing.batch_size(s.election)
    client.force_login(s.deputy)
    before = _turnout(client, s.console)
    assert "No batch of votes has been mixed yet" in before
    _cast(s, s.voters[: 2 * k - 1])
    assert _turnout(client, s.console) == before, "a cast moved the console's figures"
    _cast(s, s.voters[2 * k - 1 : 2 * k])
    mixed = mixing.mix(s.election, k=k)
    assert mixed == k  # K left behind
    after = _turnout(client, s.console)
    electorate = 70 + 7  # the candidates and their proposer and seconder vote too
    row = _cells(after, "turnout-by-constituency")[0]
    assert row[1:] == [f"{k} of {electorate}", f"{100 * k / electorate:.1f}%"]
    _cast(s, s.voters[2 * k : 2 * k + 3])
    assert _turnout(client, s.console) == after, "casts between batches moved the figures"
    assert VoteRecord.objects.filter(election=s.election).count() == 2 * k + 3


def test_turnout_by_channel_lists_the_rulebooks_channels(
    nhs_org, client, monkeypatch, no_mixing_after_casts
):
    s = scene(nhs_org, voters=45)
    set_clock(monkeypatch, s.drive.polling)
    second = make_user(nhs_org, "second-ro", Role.Kind.RETURNING_OFFICER)
    online, postal = s.voters[:30], s.voters[30:]
    _cast(s, online)
    for member in postal:  # keyed twice, by two officers
        for officer in (s.deputy, second):
            services.key_paper_ballot(s.election, s.codes[member.pk], [2, 1], actor=officer)
    mixing.mix(s.election, final=True)
    client.force_login(s.deputy)
    rows = {row[0]: row[1:] for row in _cells(_turnout(client, s.console), "turnout-by-channel")}
    # The NHS rulebook: postal, internet, telephone and text; no voting in person.
    assert rows == {
        "Online": ["30", "66.7%"],
        "Telephone or text": ["0", "0.0%"],
        "Post (keyed by officers)": ["15", "33.3%"],
    }


def test_the_rulebooks_secrecy_batch_is_the_k_mixing_waits_for(monkeypatch, no_mixing_after_casts):
    """`elections.secrecy_batch: 5`: a batch is mixed once 2K = 10 wait, K = 5 left sealed (at
    the default K = 20, ten waiting ballots are not mixed at all)."""
    text = nhs_rulebook().replace("\nelections:\n", "\nelections:\n  secrecy_batch: 5\n", 1)
    org = register.create_organisation(
        name="Batch Five Trust", constitution_text=text, source_name="five.yaml", slug="five",
        actor="t",
    )  # fmt: skip
    s = scene(org, voters=10)
    set_clock(monkeypatch, s.drive.polling)
    assert mixing.batch_size(s.election) == 5
    _cast(s, s.voters[:9])
    assert mixing.mix(s.election) == 0 and mixing.waiting(s.election) == 9  # fewer than 2K
    _cast(s, s.voters[9:])
    assert mixing.mix(s.election) == 5 and mixing.waiting(s.election) == 5


def test_turnout_by_day_is_the_whole_elections_in_whole_batches(
    nhs_org, client, monkeypatch, no_mixing_after_casts
):
    s = scene(nhs_org, voters=100)
    fake = set_clock(monkeypatch, s.drive.polling - timedelta(days=3))
    k = mixing.batch_size(s.election)
    _cast(s, s.voters[:50])
    assert mixing.mix(s.election, k=k) == 50 - k
    fake.at = s.drive.polling
    _cast(s, s.voters[50:80])
    assert mixing.mix(s.election, k=k) == 30 + k - k
    client.force_login(s.deputy)
    days = _cells(_turnout(client, s.console), "turnout-by-day")
    assert [votes for _, votes in days] == [str(50 - k), "30"]
    assert all(len(row) == 2 for row in days), "a day must not be split by channel or constituency"
    assert all(int(votes) >= k for _, votes in days)
    tallied = sum(TurnoutTally.objects.filter(election=s.election).values_list("votes", flat=True))
    assert tallied == 80 - k


def test_turnout_by_constituency_has_each_poll_the_returning_officer_runs(
    nhs_org, client, monkeypatch, no_mixing_after_casts
):
    s = scene(nhs_org, voters=45)
    other = scene(nhs_org, voters=30, seats="public-gateshead", suffix="-2")
    scene(nhs_org, stage="frozen", seats="public-newcastle", suffix="-3")  # no poll yet
    set_clock(monkeypatch, s.drive.polling)
    _cast(other, other.voters)
    mixing.mix(other.election, final=True)
    client.force_login(other.deputy)
    rows = _cells(_turnout(client, other.console), "turnout-by-constituency")
    assert [row[1:] for row in rows] == [["30 of 37", "81.1%"], ["0 of 52", "0.0%"]]
    assert "Gateshead" in rows[0][0] and "North Tyneside" in rows[1][0]


@pytest.mark.parametrize("role", [r for r in ROLES if r != "returning_officer"])
def test_only_the_independent_returning_officer_sees_the_turnout(
    nhs_org, client, monkeypatch, role
):
    s = scene(nhs_org, role)
    set_clock(monkeypatch, s.drive.polling)
    sign_in(client, s.user)
    response = client.get(s.console)
    assert refused(response) or 'id="turnout"' not in response.content.decode()


def test_the_returning_officer_sees_the_turnout_while_the_poll_is_open(
    nhs_org, client, monkeypatch
):
    s = scene(nhs_org)
    set_clock(monkeypatch, s.drive.polling)
    client.force_login(s.user)
    page = client.get(s.console).content.decode()
    assert 'id="turnout"' in page and "Refresh the turnout" in page


def test_no_turnout_before_the_poll_opens(nhs_org, client, monkeypatch):
    s = scene(nhs_org, stage="frozen")
    client.force_login(s.deputy)
    assert 'id="turnout"' not in client.get(s.console).content.decode()


# ---------------------------------------------------------------------------------------------
# Issue 10: the keying officer never sees a receipt


def test_the_keying_officer_never_sees_a_receipt(nhs_org, client, monkeypatch):
    s = scene(nhs_org)
    set_clock(monkeypatch, s.drive.polling)
    second = make_user(nhs_org, "second-ro", Role.Kind.RETURNING_OFFICER)
    code = s.codes[s.voters[1].pk]
    pages = []
    for officer in (s.deputy, second):
        client.force_login(officer)
        response = client.post(
            s.console + "paper/", {"code": code, "c1": "2", "c2": "1"}, follow=True
        )
        pages.append(response.content.decode())
    assert "ballot cast" in pages[1]
    mixing.mix(s.election, final=True)
    (receipt,) = Receipt.objects.filter(election=s.election).values_list("receipt", flat=True)
    for page in pages:
        assert receipt not in page
        assert receipt.replace("-", "") not in page.replace("-", "")
