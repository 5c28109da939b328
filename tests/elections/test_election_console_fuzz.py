"""Issue 11.5 for the rest of the election forms: standing, withdrawing, rejecting and paper
nominations while nominations are open; the console's steps, roll, codes and replacement
packs, the JSON casting API and the receipt e-mail while the poll is open. Arbitrary values,
posted by someone who may act and by a member who may not, never give a 500, and a refusal
changes nothing."""

import json
from datetime import timedelta

import pytest
from django.core.signing import get_cookie_signer
from election_helpers import CLOSE_OF_POLL, Driver, make_members, make_user, moment
from hypothesis import given
from hypothesis import strategies as st
from post_fuzz import FUZZ, VALUES, check, form, has_nul, post, state

from mutualise.elections import clock, services
from mutualise.elections.models import Candidate
from mutualise.register.models import Member

pytestmark = pytest.mark.django_db
COVERS = (
    "elections:nominate", "elections:withdraw", "elections:reject",
    "elections:paper_nomination", "elections:step", "elections:freeze_roll",
    "elections:issue_codes", "elections:email_codes", "elections:replace_confirm",
    "elections:api_cast", "elections:cast_receipt",
)  # fmt: skip
DECLARE = [
    "an undischarged bankrupt",
    "sentenced to prison for 3 months or more in the last 5 years",
]
NOMINATION_FIELDS = ["proposers", "seconders", "statement", "ballot_name", "declarations"]


def _election(org, officer):
    election = services.create_election(
        org, body_id="council-of-governors", seat_group_id="public-north-tyneside",
        close_of_poll=CLOSE_OF_POLL, actor=officer,
        now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )  # fmt: skip
    drive = Driver(election, officer)
    drive.to_nominations()
    return election, drive


def _member_user(org, name):
    """A plain member with a sign-in and no role: may stand, may not run the election."""
    user = make_user(org, name)
    (member,) = make_members(org, "public-north-tyneside", 1)
    Member.objects.filter(pk=member.pk).update(user=user)
    return user


@pytest.fixture
def nominating(nhs_org, returning_officer, monkeypatch):
    election, drive = _election(nhs_org, returning_officer)
    standing = make_members(nhs_org, "public-north-tyneside", 3, prefix="Candidate")
    for member in standing:
        services.nominate(election, member, declarations=DECLARE, actor="x", now=drive.nominating)
    monkeypatch.setattr(clock, "now", lambda: drive.nominating)
    nominee = Candidate.objects.filter(election=election).first()
    base = f"/o/{nhs_org.slug}/elections/{election.pk}/"
    return {"base": base, "nominee": nominee, "member": _member_user(nhs_org, "fuzz-member")}


@pytest.fixture
def polling(nhs_org, returning_officer, monkeypatch):
    election, drive = _election(nhs_org, returning_officer)
    for member in make_members(nhs_org, "public-north-tyneside", 6, prefix="Candidate"):
        services.nominate(election, member, declarations=DECLARE, actor="x", now=drive.nominating)
    make_members(nhs_org, "public-north-tyneside", 3)
    codes = list(drive.to_poll().values())
    monkeypatch.setattr(clock, "now", lambda: drive.polling)
    receipt = services.cast(election, codes[-1], [1])
    base = f"/o/{nhs_org.slug}/elections/{election.pk}/"
    entry = election.roll.filter(removed=False).first()
    return {"election": election, "base": base, "codes": codes, "receipt": receipt,
            "entry": entry, "member": _member_user(nhs_org, "fuzz-member")}  # fmt: skip


@FUZZ
@given(data=form(NOMINATION_FIELDS))
def test_standing_and_withdrawing_never_fail(client, nominating, data):
    client.force_login(nominating["member"])
    post(client, nominating["base"] + "nominate/", data)
    post(client, nominating["base"] + "withdraw/", data)


@FUZZ
@given(data=form(["reason"]), officer=st.booleans())
def test_rejecting_a_nomination_never_fails(client, nominating, returning_officer, data, officer):
    client.force_login(returning_officer if officer else nominating["member"])
    answer = post(client, nominating["base"] + f"console/reject/{nominating['nominee'].pk}/", data)
    assert officer or has_nul(data) or answer.status_code == 403


@FUZZ
@given(data=form([*NOMINATION_FIELDS, "candidate", "received_on"]), officer=st.booleans())
def test_a_paper_nomination_never_fails(client, nominating, returning_officer, data, officer):
    client.force_login(returning_officer if officer else nominating["member"])
    answer = post(client, nominating["base"] + "console/nominations/paper/", data)
    assert officer or has_nul(data) or answer.status_code == 403


@FUZZ
@given(
    data=form(["reason", "close_of_poll"]),
    name=st.one_of(
        st.sampled_from(["void", "reopen_nominations", "close_poll", "count", "declare"]),
        st.from_regex(r"[-a-zA-Z0-9_]{1,40}", fullmatch=True),
    ),
    officer=st.booleans(),
)
def test_the_console_steps_never_fail(client, polling, returning_officer, data, name, officer):
    client.force_login(returning_officer if officer else polling["member"])
    base = polling["base"] + "console/"
    for url in (f"step/{name}/", "roll/", "codes/", "codes/email/"):
        answer = post(client, base + url, data)
        assert officer or has_nul(data) or answer.status_code in (403, 404)


@FUZZ
@given(data=form(["delivery", "reason"]), officer=st.booleans())
def test_replacing_a_voting_pack_never_fails(client, polling, returning_officer, data, officer):
    client.force_login(returning_officer if officer else polling["member"])
    answer = post(client, polling["base"] + f"console/replace/{polling['entry'].pk}/", data)
    assert officer or has_nul(data) or answer.status_code == 403


_JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(10**30), 10**30), VALUES),
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(VALUES, inner, max_size=4)
    ),
    max_leaves=10,
)


@FUZZ
@given(
    body=st.one_of(
        st.fixed_dictionaries(
            {"code": VALUES, "marks": _JSON}, optional={"channel": VALUES, "extra": _JSON}
        ),
        _JSON,
    ).map(json.dumps)
    | st.binary(max_size=200)
)
def test_the_casting_api_never_fails(client, polling, body):
    before = state()
    answer = check(client.post(polling["base"] + "api/cast", body, content_type="application/json"))
    assert answer["Content-Type"].startswith("application/json")
    if answer.status_code != 200:
        assert state() == before, "a refused ballot changed the database"


@FUZZ
@given(data=form(["email"]))
def test_emailing_the_receipt_never_fails(client, polling, data):
    salt = f"elections.receipt:{polling['election'].pk}"
    signer = get_cookie_signer(salt="mutualise_receipt" + salt)
    client.cookies["mutualise_receipt"] = signer.sign(polling["receipt"])
    post(client, polling["base"] + "vote/receipt/", data)


def test_a_reason_longer_than_the_column_is_refused_not_a_500(
    client, nominating, returning_officer
):
    """PostgreSQL refused a 100,000-character reason (varchar(500)): a 500 until the services
    checked the length."""
    client.force_login(returning_officer)
    nominee = nominating["nominee"]
    post(client, nominating["base"] + f"console/reject/{nominee.pk}/", {"reason": "x" * 100_000})
    post(client, nominating["base"] + "console/step/void/", {"reason": "x" * 100_000})
    nominee.refresh_from_db()
    nominee.election.refresh_from_db()
    assert nominee.status != "rejected" and not nominee.election.void_reason


def test_a_member_number_isdigit_lets_through_is_explained_not_a_500(
    client, nominating, returning_officer
):
    """'²' passes str.isdigit(): the paper nomination's list of unknown numbers int()ed it."""
    client.force_login(returning_officer)
    answer = post(client, nominating["base"] + "console/nominations/paper/", {"candidate": "²"})
    assert "No member has the number ²" in answer.content.decode()


def test_a_content_length_isdigit_lets_through_is_refused_not_a_500(client, polling):
    """The casting API read CONTENT_LENGTH with isdigit() then int(): '²' was a 500."""
    for length in ("²", "9" * 5000):
        answer = check(
            client.post(
                polling["base"] + "api/cast",
                "{}",
                content_type="application/json",
                CONTENT_LENGTH=length,
            )  # fmt: skip
        )
        assert answer.status_code == 413
