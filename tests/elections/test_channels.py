"""Ballots arrive only by the channels the rulebook provides (`elections.channels`, issue 20
item 5): without `internet` an online cast is refused, and without `postal` a postal ballot
cannot be keyed in."""

from datetime import timedelta

import pytest
from election_helpers import CLOSE_OF_POLL, Driver, make_members, make_user, moment, nhs_rulebook

from mutualise.elections import clock, services
from mutualise.register import services as register
from mutualise.register.models import Role

pytestmark = pytest.mark.django_db
NHS_CHANNELS = "channels: [postal, internet, telephone, text]"
DECLARE = [
    "an undischarged bankrupt",
    "sentenced to prison for 3 months or more in the last 5 years",
]


def _polling(channels: str, slug: str, monkeypatch):
    text = nhs_rulebook()
    assert NHS_CHANNELS in text
    org = register.create_organisation(
        name=f"Trust {slug}",
        constitution_text=text.replace(NHS_CHANNELS, f"channels: [{channels}]"),
        source_name="t.yaml",
        slug=slug,
        actor="t",
    )
    officer = make_user(org, f"ro-{slug}", Role.Kind.RETURNING_OFFICER)
    clerk = make_user(org, f"clerk-{slug}", Role.Kind.RETURNING_OFFICER)
    election = services.create_election(
        org,
        body_id="council-of-governors",
        seat_group_id="public-north-tyneside",
        close_of_poll=CLOSE_OF_POLL,
        actor=officer,
        now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )
    drive = Driver(election, officer)
    drive.to_nominations()
    for member in make_members(org, "public-north-tyneside", 6, prefix="Candidate"):
        services.nominate(election, member, declarations=DECLARE, actor="x", now=drive.nominating)
    voters = make_members(org, "public-north-tyneside", 2)
    codes = drive.to_poll()
    monkeypatch.setattr(clock, "now", lambda: drive.polling)
    return election, [codes[v.pk] for v in voters], officer, clerk


def test_an_online_vote_needs_internet_in_the_rules(monkeypatch):
    election, codes, _, _ = _polling("postal", "postal-only", monkeypatch)
    with pytest.raises(services.ElectionError, match="not by internet"):
        services.cast(election, codes[0], [1, 2])
    election, codes, _, _ = _polling("postal, internet", "online-too", monkeypatch)
    assert services.cast(election, codes[0], [1, 2])


def test_a_postal_ballot_needs_postal_in_the_rules(monkeypatch):
    election, codes, officer, _ = _polling("internet", "online-only", monkeypatch)
    with pytest.raises(services.ElectionError, match="not by post"):
        services.key_paper_ballot(election, codes[0], [1], actor=officer)
    election, codes, officer, clerk = _polling("internet, postal", "post-too", monkeypatch)
    assert services.key_paper_ballot(election, codes[0], [1], actor=officer) is None  # held
    assert services.key_paper_ballot(election, codes[0], [1], actor=clerk)  # cast
