"""The audit tests drive real elections and meetings, with those apps' test helpers."""

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
for helpers in ("elections", "meetings"):
    if str(TESTS / helpers) not in sys.path:
        sys.path.insert(0, str(TESTS / helpers))


import pytest  # noqa: E402
from election_helpers import (  # noqa: E402
    CLOSE_OF_POLL,
    Driver,
    make_members,
    make_user,
    moment,
    nhs_rulebook,
)

from mutualise.elections import services  # noqa: E402
from mutualise.register import services as register  # noqa: E402
from mutualise.register.models import Role  # noqa: E402

DECLARATIONS = [
    "an undischarged bankrupt",
    "sentenced to prison for 3 months or more in the last 5 years",
]


@pytest.fixture
def nhs_org():
    return register.create_organisation(
        name="Example Tyneside Hospitals",
        constitution_text=nhs_rulebook(),
        source_name="nhs_foundation_trust.yaml",
        slug="tyneside",
        actor="test",
    )


@pytest.fixture
def returning_officer(nhs_org):
    return make_user(nhs_org, "ro", Role.Kind.RETURNING_OFFICER)


@pytest.fixture
def polling(nhs_org, returning_officer):
    """An STV election, 8 candidates for 6 seats, the poll open: the driver and 40 voters'
    codes."""
    election = services.create_election(
        nhs_org,
        body_id="council-of-governors",
        seat_group_id="public-newcastle",
        close_of_poll=CLOSE_OF_POLL,
        actor=returning_officer,
        now=moment(CLOSE_OF_POLL.replace(month=2)),
    )
    drive = Driver(election, returning_officer)
    drive.to_nominations()
    for member in make_members(nhs_org, "public-newcastle", 8, prefix="Candidate"):
        services.nominate(
            election,
            member,
            ballot_name=member.display_name,
            statement="I will listen.",
            declarations=DECLARATIONS,
            actor=member.display_name,
            now=drive.nominating,
        )
    voters = make_members(nhs_org, "public-newcastle", 40)
    codes = drive.to_poll()
    return drive, [codes[voter.pk] for voter in voters]
