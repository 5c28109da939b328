"""The sealer: what it hides, what it refuses, and that nothing about a ballot leaks in its size."""

import base64

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from mutualise.secrecy.sealing import SealBroken, Sealer

BALLOTS = Sealer("test-ballots", 256)


@given(st.lists(st.integers(min_value=1, max_value=999), max_size=40), st.text(max_size=20))
@hsettings(max_examples=50, deadline=None)
def test_a_sealed_value_opens_to_what_was_sealed_and_is_always_the_same_length(marks, receipt):
    value = {"m": marks, "r": receipt}
    sealed = BALLOTS.seal(value)
    assert BALLOTS.unseal(sealed) == value
    assert len(sealed) == len(BALLOTS.seal({}))


def test_the_same_ballot_sealed_twice_looks_different():
    assert BALLOTS.seal({"m": [1]}) != BALLOTS.seal({"m": [1]})


def test_a_changed_byte_is_refused():
    raw = bytearray(base64.b64decode(BALLOTS.seal({"m": [3, 1, 2]})))
    raw[20] ^= 1
    with pytest.raises(SealBroken):
        BALLOTS.unseal(base64.b64encode(bytes(raw)).decode())


def test_a_ballot_sealed_for_one_purpose_does_not_open_for_another():
    other = Sealer("other-ballots", 256)
    with pytest.raises(SealBroken):
        other.unseal(BALLOTS.seal({"m": [1]}))


def test_a_ballot_sealed_under_another_key_does_not_open(settings):
    sealed = BALLOTS.seal({"m": [1]})
    settings.MUTUALISE_BALLOT_SEAL_KEY = "a different key held elsewhere"
    with pytest.raises(SealBroken):
        BALLOTS.unseal(sealed)


def test_a_value_too_big_for_the_fixed_size_is_refused_not_truncated():
    with pytest.raises(ValueError, match="at most 256 bytes"):
        BALLOTS.seal({"m": list(range(200))})


def test_keyed_digests_differ_by_purpose_and_key(settings):
    a = BALLOTS.keyed_digest("paper 7", "1,2,3")
    assert a == BALLOTS.keyed_digest("paper 7", "1,2,3")
    assert a != Sealer("other-ballots", 256).keyed_digest("paper 7", "1,2,3")
    settings.MUTUALISE_BALLOT_SEAL_KEY = "another"
    assert a != BALLOTS.keyed_digest("paper 7", "1,2,3")


def test_the_seal_key_set_in_the_environment_is_the_one_used():
    """docs/secrecy.md tells the operator to set MUTUALISE_BALLOT_SEAL_KEY to hold the ballots'
    key apart from the voting-code key: the settings must read it from the environment."""
    import os
    import subprocess
    import sys

    src = os.path.join(os.path.dirname(__file__), "..", "..", "src")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MUTUALISE_")}
    env.pop("DATABASE_URL", None)
    env.update(
        PYTHONPATH=os.path.abspath(src),
        DJANGO_SETTINGS_MODULE="mutualise.web.settings",
        MUTUALISE_DEBUG="1",
        MUTUALISE_BALLOT_SEAL_KEY="k" * 20 + "a seal key held apart from the rest",
    )
    shown = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; "
         "print(settings.MUTUALISE_BALLOT_SEAL_KEY)"],  # fmt: skip
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert shown.stdout.strip() == env["MUTUALISE_BALLOT_SEAL_KEY"]
