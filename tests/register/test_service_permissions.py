"""Who may change the register is checked in the register's services themselves (issue 20
item 3), so the CLI, the API and the pages are equally safe: a member, or the membership
secretary of another organisation, is refused every officer's verb before anything is written;
a string actor (the CLI, a task) is the system; a member may resign and change their own details."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from mutualise import clock
from mutualise.audit.models import AuditEvent
from mutualise.register import services
from mutualise.register.errors import NotPermitted
from mutualise.register.models import Member, Role, StatusChange

pytestmark = pytest.mark.django_db
ON, LATER = date(2026, 6, 1), date(2026, 7, 1)
PUBLIC = dict(
    display_name="Ada Lovelace",
    date_of_birth=date(1990, 5, 17),
    address="1 Grey Street\nNewcastle upon Tyne",
    postcode="NE1 6EE",
    email="ada@example.org",
)


def _person(n: int) -> dict:
    return PUBLIC | {"display_name": f"Person {n}", "email": f"p{n}@example.org"}


@pytest.fixture
def world(board_org, org):
    users = {name: get_user_model().objects.create_user(name) for name in
             ("member", "secretary", "elsewhere", "administrator")}  # fmt: skip
    services.grant_role(board_org, users["secretary"], Role.Kind.OFFICER, actor="test")
    services.grant_role(board_org, users["administrator"], Role.Kind.ADMINISTRATOR, actor="test")
    services.grant_role(org, users["elsewhere"], Role.Kind.OFFICER, actor="test")
    mine = services.join(board_org, on=ON, actor="test", user=users["member"], **_person(0))
    services.admit(mine, actor="test", on=ON)
    applicant = services.join(board_org, on=ON, actor="test", **_person(1))
    current = services.join(board_org, on=ON, actor="test", allow_duplicate=True, **_person(2))
    services.admit(current, actor="test", on=ON)
    former = services.join(board_org, on=ON, actor="test", allow_duplicate=True, **_person(3))
    services.admit(former, actor="test", on=ON)
    services.cease(former, StatusChange.Reason.RESIGNED, actor="test", on=ON)
    twin = services.join(board_org, on=ON, actor="test", allow_duplicate=True, **_person(2))
    return {"users": users, "mine": mine, "applicant": applicant, "current": current,
            "former": former, "twin": twin}  # fmt: skip


VERBS = {
    "admit": lambda w, a: services.admit(w["applicant"], actor=a, on=LATER),
    "decline": lambda w, a: services.decline(w["applicant"], actor=a, on=LATER),
    "cease": lambda w, a: services.cease(
        w["current"], StatusChange.Reason.EXPELLED, actor=a, on=LATER
    ),
    "resign for another": lambda w, a: services.cease(
        w["current"], StatusChange.Reason.RESIGNED, actor=a, on=LATER
    ),
    "rejoin": lambda w, a: services.rejoin(w["former"], actor=a, on=LATER),
    "change_constituency": lambda w, a: services.change_constituency(
        w["current"], w["current"].constituency_id, actor=a, on=LATER
    ),
    "update_details": lambda w, a: services.update_details(w["current"], actor=a, phone="0191"),
    "merge": lambda w, a: services.merge(w["current"], w["twin"], actor=a, on=LATER),
    "erase": lambda w, a: services.erase(w["former"], actor=a),
}


@pytest.mark.parametrize("who", ["member", "elsewhere"])
@pytest.mark.parametrize("verb", sorted(VERBS))
def test_the_wrong_role_is_refused_before_anything_is_written(world, verb, who):
    before = AuditEvent.objects.count()
    statuses = sorted(Member.objects.values_list("pk", "status", "phone"))
    with pytest.raises(NotPermitted, match="membership secretary"):
        VERBS[verb](world, world["users"][who])
    assert AuditEvent.objects.count() == before
    assert sorted(Member.objects.values_list("pk", "status", "phone")) == statuses


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_the_membership_secretary_and_the_cli_may(world, verb):
    VERBS[verb](world, world["users"]["secretary"])


@pytest.mark.parametrize("verb", ["admit", "merge", "erase"])
def test_a_string_actor_is_the_system(world, verb):
    VERBS[verb](world, "cli")


def test_a_member_may_resign_and_change_their_own_details(world):
    me, mine = world["users"]["member"], world["mine"]
    services.update_details(mine, actor=me, phone="0191 000")
    services.cease(mine, StatusChange.Reason.RESIGNED, actor=me, on=LATER)
    mine.refresh_from_db()
    assert mine.status == Member.Status.CEASED and mine.phone == "0191 000"
    with pytest.raises(NotPermitted):
        services.erase(mine, actor=me)


CSV = b"display_name,date_of_birth,address,postcode,email\nAl Smith,1980-01-02,1 Way,NE1 6EE,al@example.org\n"
IMPORTS = {
    "accept_import": lambda w, a: services.accept_import(w["org"], CSV, "m.csv", actor=a),
    "upload_import": lambda w, a: services.upload_import(w["org"], CSV, "m.csv", actor=a),
    "queue_import": lambda w, a: services.queue_import(w["pending"], actor=a),
    "run_pending_import": lambda w, a: services.run_pending_import(w["pending"].pk, actor=a),
    "discard_import": lambda w, a: services.discard_import(w["pending"], actor=a),
    "upload_population": lambda w, a: services.upload_population(
        w["org"], b"dimension,category,people\nage,16-21,100\n", "p.csv", actor=a
    ),
}


@pytest.mark.parametrize("who", ["member", "elsewhere"])
@pytest.mark.parametrize("verb", sorted(IMPORTS))
def test_imports_refuse_the_wrong_role_before_anything_is_written(world, board_org, verb, who):
    world["org"] = board_org
    world["pending"] = services.upload_import(board_org, CSV, "m.csv", actor="test")
    before = AuditEvent.objects.count(), Member.objects.count()
    with pytest.raises(NotPermitted, match="membership secretary"):
        IMPORTS[verb](world, world["users"][who])
    assert (AuditEvent.objects.count(), Member.objects.count()) == before
    world["pending"].refresh_from_db()  # not discarded, not run


def test_the_membership_secretary_may_upload_and_discard(world, board_org):
    secretary = world["users"]["secretary"]
    pending = services.upload_import(board_org, CSV, "m.csv", actor=secretary)
    services.discard_import(pending, actor=secretary)


# The organisation's own verbs (issue 20 item 3): one permission name each, checked in the
# service whatever page, API or task reached it.
ORGANISATION_VERBS = {
    "queue_export": lambda w, a: services.queue_export(w["org"], "csv", actor=a),
    "recheck_register": lambda w, a: services.recheck_register(w["org"], ON, actor=a),
    "grant_role": lambda w, a: services.grant_role(
        w["org"], w["users"]["member"], Role.Kind.CHAIR, actor=a
    ),
    "set_mail_from": lambda w, a: services.set_mail_from(
        w["org"], "Members <members@example.org>", actor=a
    ),
    "adopt_constitution": lambda w, a: services.adopt_constitution(
        w["org"],
        text=w["org"].current_version.source_text,
        source_name="amended.yaml",
        actor=a,
        reason="special resolution 1",
    ),  # fmt: skip
    "create_organisation": lambda w, a: services.create_organisation(
        name="Another FT",
        constitution_text=w["org"].current_version.source_text,
        source_name="ft.yaml",
        actor=a,
    ),  # fmt: skip
}
# Who may: the membership secretary reads and exports the register; the administrator gives
# roles and sets the sender; those who run meetings adopt amended rules; only the install's
# administrator founds an organisation.
MAY = {
    "queue_export": {"secretary", "administrator"},
    "recheck_register": {"secretary", "administrator"},
    "grant_role": {"administrator"},
    "set_mail_from": {"administrator"},
    "adopt_constitution": {"secretary", "administrator"},
    "create_organisation": set(),
}
REFUSED = sorted(
    (verb, who)
    for verb in ORGANISATION_VERBS
    for who in ("member", "elsewhere", "secretary", "administrator")
    if who not in MAY[verb]
)


def _organisation_state():
    from mutualise.register.models import ConstitutionVersion, Organisation

    return (
        AuditEvent.objects.count(),
        sorted(Role.objects.values_list("user__username", "kind")),
        sorted(Organisation.objects.values_list("slug", "mail_from")),
        ConstitutionVersion.objects.count(),
    )


@pytest.mark.parametrize(("verb", "who"), REFUSED)
def test_organisation_verbs_refuse_the_wrong_role_before_anything_is_written(
    world, board_org, verb, who
):
    world["org"] = board_org
    before = _organisation_state()
    with pytest.raises(NotPermitted):
        ORGANISATION_VERBS[verb](world, world["users"][who])
    assert _organisation_state() == before


@pytest.mark.parametrize("verb", sorted(ORGANISATION_VERBS))
def test_organisation_verbs_are_allowed_to_whom_the_rule_names_and_the_cli(world, board_org, verb):
    world["org"] = board_org
    for who in sorted(MAY[verb]):
        ORGANISATION_VERBS[verb](world, world["users"][who])
    ORGANISATION_VERBS[verb](world, "cli")
    root = get_user_model().objects.create_superuser("root", password="x" * 20)
    if verb in ("grant_role", "set_mail_from", "create_organisation"):
        ORGANISATION_VERBS[verb](world, root)


def test_open_founding_lets_any_signed_in_person_found(world, board_org, settings):
    world["org"] = board_org
    settings.MUTUALISE_OPEN_FOUNDING = True
    ORGANISATION_VERBS["create_organisation"](world, world["users"]["member"])


def test_accepting_a_role_invitation_is_the_invitees_act(world, board_org):
    member = world["users"]["member"]
    role = services.grant_role(board_org, member, Role.Kind.CHAIR, actor=member, invited=True)
    assert role.kind == Role.Kind.CHAIR


# Joining (issue 20 item 3): anyone may apply today and be checked for duplicates; only one who
# keeps the register may skip the duplicate check or date the application another day.
@pytest.mark.parametrize("who", ["member", "elsewhere", "public"])
@pytest.mark.parametrize(
    "extra", [{"allow_duplicate": True}, {"on": ON}], ids=["allow_duplicate", "backdated"]
)
def test_a_member_cannot_join_skipping_the_duplicate_check_or_backdated(
    world, board_org, who, extra
):
    actor = world["users"].get(who) or AnonymousUser()
    before = AuditEvent.objects.count(), Member.objects.count()
    with pytest.raises(NotPermitted, match="membership secretary of .* can add a member who"):
        services.join(board_org, actor=actor, **_person(2), **extra)
    assert (AuditEvent.objects.count(), Member.objects.count()) == before


def test_the_secretary_may_join_someone_twice_and_backdated_and_anyone_today(world, board_org):
    twin = services.join(
        board_org, actor=world["users"]["secretary"], on=ON, allow_duplicate=True, **_person(2)
    )
    assert twin.applied_on == ON
    today = services.join(board_org, actor=world["users"]["member"], on=clock.localdate(),
                          **_person(9))  # fmt: skip
    assert today.applied_on == clock.localdate()


# Linking a sign-in (issue 20 item 3): checked in the register's service, not only by accounts.
def test_link_sign_in_refuses_the_wrong_actor_and_allows_the_person_or_the_secretary(world):
    applicant, users = world["applicant"], world["users"]
    theirs = get_user_model().objects.create_user("p1@example.org", email="p1@example.org")
    stranger = get_user_model().objects.create_user("x@example.org", email="x@example.org")
    before = AuditEvent.objects.count()
    for actor, user in [
        (users["elsewhere"], theirs),
        (stranger, stranger),
        (users["member"], theirs),
    ]:
        with pytest.raises(NotPermitted, match="themself, signed in with the address"):
            services.link_sign_in(applicant, user, actor=actor)
    assert AuditEvent.objects.count() == before
    applicant.refresh_from_db()
    assert applicant.user_id is None
    services.link_sign_in(applicant, theirs, actor=theirs)
    assert Member.objects.get(pk=applicant.pk).user_id == theirs.pk
    twin = get_user_model().objects.create_user("twin")
    services.link_sign_in(world["twin"], twin, actor=users["secretary"])
    assert AuditEvent.objects.filter(action="member.sign_in_linked").count() == 2
