"""Issue 11.5 for the invitation pages and the membership secretary's: a role invitation's and a
member's sign-in link's forms (anonymous, making a sign-in; or signed in as someone else),
inviting members to sign in, and confirming or refusing a member's change of details.
Arbitrary values, from the person each page is for and from someone it is not for, never give
a 500, and a refusal changes nothing."""

import re
from datetime import date

import pytest
from account_helpers import make_user, token_from
from django.core import mail
from hypothesis import given
from hypothesis import strategies as st
from post_fuzz import FUZZ, check, form, has_nul, post, state

from mutualise.accounts import services
from mutualise.accounts.member_models import DetailsChange
from mutualise.register import services as register
from mutualise.register.models import Member, Role

pytestmark = pytest.mark.django_db
COVERS = (
    "accounts:invitation", "accounts:member_invitation", "accounts:member_invitations",
    "accounts:decide_change",
)  # fmt: skip
MAKE = ["action", "full_name", "password", "password2"]
# A leaked link tried by someone else is refused and on the record: the event and its chain's head.
AUDITED = ("audit_auditevent", "audit_audithead")
TOKENS = st.from_regex(r"[-a-zA-Z0-9_.~%]{1,60}", fullmatch=True)


def _member(org, name, user=None):
    joined = register.join(
        org, display_name=name, date_of_birth=date(1980, 5, 17), email=f"{name[:3]}@example.org",
        postcode="NE1 4ST", address="1 High Street", attestations=["supports-objects"],
        user=user, actor="test",
    )  # fmt: skip
    return register.admit(joined, actor="test")


@pytest.fixture
def links(coop, admin, django_capture_on_commit_callbacks):
    """A role invitation and a member's sign-in link, each open; the people who may not."""
    secretary = make_user("sec", org=coop, kind=Role.Kind.OFFICER)
    pat = _member(coop, "Pat Jones")
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_to_role(coop, email="new@example.org", kind="officer", actor=admin)
    role_token = token_from(mail.outbox[-1])
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_member(pat, actor=secretary)
    member_token = re.search(r"/accounts/membership-invitations/([^/\s]+)/", mail.outbox[-1].body)
    mo = _member(coop, "Mo Member", make_user("mo"))
    return {"role": role_token, "member": member_token.group(1), "secretary": secretary,
            "stranger": make_user("stranger"), "member_user": mo.user}  # fmt: skip


@FUZZ
@given(
    data=form(MAKE, ["accept", "create", ""]),
    signed_in=st.booleans(),
    link=st.sampled_from(["invitations/{role}", "membership-invitations/{member}",
                          "invitations/{token}", "membership-invitations/{token}"]),
    token=TOKENS,
)  # fmt: skip
def test_the_invitation_pages_never_fail(client, links, data, signed_in, link, token):
    """Signed in as someone the link is not for, or anonymous making a sign-in; and links that
    are not right."""
    if signed_in:
        client.force_login(links["stranger"])
    url = "/accounts/" + link.format(role=links["role"], member=links["member"], token=token)
    post(client, url + "/", data, attempts=AUDITED)


@FUZZ
@given(data=form(["number", "action", "confirmed"]), secretary=st.booleans())
def test_inviting_members_to_sign_in_never_fails(client, coop, links, data, secretary):
    client.force_login(links["secretary"] if secretary else links["member_user"])
    answer = post(client, f"/o/{coop.slug}/members/sign-ins/", data)
    assert secretary or has_nul(data) or answer.status_code == 403


@pytest.fixture
def change(client, coop, links):
    """A change of name waiting for the secretary."""
    member = Member.objects.get(user=links["member_user"])
    return DetailsChange.objects.create(
        organisation=coop, member=member, group="name", changes={"display_name": "Mo Changed"}
    )


@FUZZ
@given(
    data=form(["decision", "reason"], ["confirm", "refuse", ""], "decision"), who=st.integers(0, 2)
)
def test_deciding_a_change_of_details_never_fails(client, coop, links, change, data, who):
    """The secretary decides (each example on a change that waits again); the member and a
    stranger are refused and nothing changes."""
    DetailsChange.objects.filter(pk=change.pk).update(state=DetailsChange.State.WAITING)
    client.force_login([links["secretary"], links["member_user"], links["stranger"]][who])
    before = state()
    answer = check(client.post(f"/o/{coop.slug}/members/changes/{change.pk}/", data))
    if who:
        assert answer.status_code in (400, 403) and state() == before
    else:
        assert answer.status_code in (302, 400)
