"""Issue 20, item 5: the rulebook's `participation.proposals` fields, each changed in the
co-operative council board's rules: `support_needed` and `support_share` (the supporters a
proposal needs), `time_limit_days` (when it closes) and `moderation_reasons` (why it may be
hidden)."""

import re
from datetime import date, timedelta

import pytest
from participation_helpers import at, make_members

from mutualise.constitution import model_path
from mutualise.participation import services
from mutualise.participation.services import ParticipationError
from mutualise.register import services as register

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 2)


def _council(slug, members=50, **proposals):
    """The council board's rules with these `participation.proposals` fields (None: the line
    goes), and `members` members; returns a proposal submitted on DAY."""
    text = model_path("cooperative-council-board").read_text(encoding="utf-8")
    for field, value in proposals.items():
        line = "" if value is None else f"    {field}: {value}\n"
        text, changed = re.subn(rf"(?m)^    {field}: .*\n", line, text)
        if not changed:
            text = text.replace("  proposals:\n", f"  proposals:\n{line}", 1)
    org = register.create_organisation(
        name=f"Council {slug}", constitution_text=text, source_name=f"{slug}.yaml", slug=slug,
        actor="t",
    )  # fmt: skip
    author = make_members(org, members)[0]
    return services.submit_proposal(
        org, author, title="Sunday library", text="Many of us work.", actor="t", now=at(DAY)
    )


def test_support_share():
    assert _council("share-1", support_share="1/100").threshold == 1  # 1% of 50, rounded up
    assert _council("share-10", support_share="1/10").threshold == 5


def test_support_needed():
    assert _council("needed-3", support_share=None, support_needed=3).threshold == 3
    assert _council("needed-7", support_share=None, support_needed=7).threshold == 7


def test_time_limit_days():
    assert _council("days-60").closes_at == at(DAY) + timedelta(days=60)
    assert _council("days-14", time_limit_days=14).closes_at == at(DAY) + timedelta(days=14)


def test_moderation_reasons():
    usual = _council("reasons-usual")
    with pytest.raises(ParticipationError, match="'off topic' is not one of the rulebook's"):
        services.hide_proposal(usual, "off topic", actor="t")
    own = _council("reasons-own", moderation_reasons="[off topic]")
    with pytest.raises(ParticipationError, match="is not one of the rulebook's: off topic"):
        services.hide_proposal(own, "offensive or abusive", actor="t")
    assert services.hide_proposal(own, "off topic", actor="t").state == "hidden"
