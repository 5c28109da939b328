"""The invitation pages ask `may_accept` and `used_by` (accounts/invitations.py), not the state
string (issue 20, item 2): each is attacked here from every state."""

from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from mutualise.accounts import invitations
from mutualise.accounts.models import Invitation


def _invitation(**fields):
    now = timezone.now()
    return Invitation(expires_at=now + timedelta(days=1), **fields)


def test_only_an_open_link_may_be_accepted_and_the_others_say_why():
    now = timezone.now()
    assert invitations.may_accept(_invitation()) == (True, "")
    for refused, fields in {
        "accepted": {"accepted_at": now},
        "withdrawn": {"withdrawn_at": now},
        "expired": {"expires_at": now - timedelta(seconds=1)},
    }.items():
        invitation = _invitation(**fields) if refused != "expired" else Invitation(**fields)
        allowed, reason = invitations.may_accept(invitation)
        assert not allowed and reason == invitations.REFUSALS[refused], refused


def test_a_link_is_used_by_the_sign_in_that_accepted_it_only():
    now = timezone.now()
    sam, alex, anonymous = SimpleNamespace(pk=7), SimpleNamespace(pk=8), SimpleNamespace(pk=None)
    accepted = _invitation(accepted_at=now, accepted_by_id=7)
    assert invitations.used_by(accepted, sam)
    assert not invitations.used_by(accepted, alex)
    assert not invitations.used_by(accepted, anonymous)
    assert not invitations.used_by(_invitation(accepted_by_id=7), sam)  # not accepted yet
    # Accepted by a sign-in since deleted: nobody's own link, not even a signed-out visitor's.
    assert not invitations.used_by(_invitation(accepted_at=now, accepted_by_id=None), anonymous)
