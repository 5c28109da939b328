"""An NHS trust election run by an independent returning officer (the deputy), with a user in
each role the console's pages must refuse, for the returning officer's console tests."""

from __future__ import annotations

from datetime import timedelta

from election_helpers import CLOSE_OF_POLL, Driver, make_members, make_user, moment

from mutualise.elections import clock, services
from mutualise.register.models import Role

DECLARE = [
    "an undischarged bankrupt",
    "sentenced to prison for 3 months or more in the last 5 years",
]
SEATS = "public-north-tyneside"
R = Role.Kind

# role -> (roles held, part played in the election); "anonymous" signs in as nobody.
ROLES = {
    "returning_officer": ((R.RETURNING_OFFICER,), None),
    "officer": ((R.OFFICER,), None),
    "board": ((R.BOARD,), None),
    "chair": ((R.CHAIR,), None),
    "administrator": ((R.ADMINISTRATOR,), None),
    "member": ((), None),
    "returning_officer_also_officer": ((R.RETURNING_OFFICER, R.OFFICER), None),
    "returning_officer_also_candidate": ((R.RETURNING_OFFICER,), "candidate"),
    "returning_officer_also_proposer": ((R.RETURNING_OFFICER,), "proposer"),
    "returning_officer_also_seconder": ((R.RETURNING_OFFICER,), "seconder"),
    "anonymous": ((), None),
}


class Clock:
    def __init__(self, at):
        self.at = at

    def __call__(self):
        return self.at


def set_clock(monkeypatch, at) -> Clock:
    fake = Clock(at)
    monkeypatch.setattr(clock, "now", fake)
    return fake


class Scene:
    """What a scenario made: the election, its driver, the user in the role, the deputy (the
    independent returning officer who ran it), the voters and their codes."""

    def __init__(self, **parts):
        self.__dict__.update(parts)


def scene(org, role="returning_officer", stage="polling", *, voters=4, seats=SEATS, suffix=""):
    """stage: 'nominations' (open), 'frozen' (roll frozen, codes issued, poll not open) or
    'polling' (poll open). The user in `role` is made before the nominations, so a candidate,
    proposer or seconder among them is one in this election."""
    kinds, part = ROLES[role]
    user = None if role == "anonymous" else make_user(org, role + suffix, *kinds)
    deputy = make_user(org, "deputy" + suffix, R.RETURNING_OFFICER)
    election = services.create_election(
        org, body_id="council-of-governors", seat_group_id=seats, close_of_poll=CLOSE_OF_POLL,
        actor=deputy, now=moment(CLOSE_OF_POLL - timedelta(days=120)),
    )  # fmt: skip
    drive = Driver(election, deputy)
    drive.to_nominations()
    candidates = make_members(org, seats, 5, prefix="Candidate")
    helpers = make_members(org, seats, 2, prefix="Helper")
    people = make_members(org, seats, voters)
    own = {"candidate": candidates[0], "proposer": helpers[0], "seconder": helpers[1]}
    if part:
        own[part].user = user
        own[part].save()
    elif user is not None and kinds != (R.RETURNING_OFFICER,):
        people[0].user = user  # the rulebook's returning officer is no member
        people[0].save()
    for k, member in enumerate(candidates):
        services.nominate(
            election, member, declarations=DECLARE, actor="x", now=drive.nominating,
            proposers=helpers[:1] if k == 0 else (), seconders=helpers[1:] if k == 0 else (),
        )  # fmt: skip
    codes = {}
    if stage == "frozen":
        drive.step("close_nominations", drive.at("nominations_close"))
        services.freeze_roll(election, actor=deputy)
        issued = services.issue_credentials(election, actor=deputy)
        codes = {item.roll_entry.member_id: item.code for item in issued}
    elif stage == "polling":
        codes = drive.to_poll()
    election.refresh_from_db()
    return Scene(
        election=election, drive=drive, user=user, deputy=deputy, voters=people,
        candidates=candidates, helpers=helpers, codes=codes,
        console=f"/o/{org.slug}/elections/{election.pk}/console/",
    )  # fmt: skip


def sign_in(client, user) -> None:
    if user is not None:
        client.force_login(user)


def refused(response) -> bool:
    """Refused: 403 for someone signed in, the sign-in page for nobody."""
    if response.status_code == 302:
        return "/login" in response["Location"] or "/accounts/" in response["Location"]
    return response.status_code == 403
