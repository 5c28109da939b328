"""Who chose an office holder is shown in words on every page that says so (the register of
office holders, the public accountability page, the health check's findings), never as the
rulebook's ids (`council-of-governors`, `public-newcastle`, `all-members`): for every model,
seated the way the demo seats it."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from governance_helpers import found

from mutualise.constitution import available_models
from mutualise.demo import bodies
from mutualise.governance import services
from mutualise.register import services as register
from mutualise.register.models import Role

pytestmark = pytest.mark.django_db


def rulebook_ids(constitution) -> set[str]:
    ids = {"all-members"}
    ids |= {a.id for a in constitution.appointers}
    ids |= {b.id for b in constitution.bodies}
    for body in constitution.bodies:
        ids |= {o.id for o in body.offices} | {g.id for g in body.seats}
    for constituency in constitution.constituencies:
        ids |= {constituency.id} | {k.id for k in constituency.classes}
    return ids


def said_by(text: str) -> set[str]:
    """Single tokens said to have chosen someone (' by X', ', as X') where X ends the phrase (a
    comma, a full stop, 'since', 'on'), as an id would; 'by executive directors' is words."""
    visible = re.sub(r"<[^>]+>", " ", text)
    after = r"(?=\s*[,.;:)]|\s+(?:since|on|and)\b|\s*$)"
    return {m.group(1) for m in re.finditer(r"(?:\bby|, as) ([A-Za-z0-9-]+)" + after, visible)}


@pytest.mark.parametrize("model", sorted(available_models()))
def test_who_chose_each_holder_is_in_words(client, model):
    org = found(model, f"words-{model}"[:50])
    assert bodies.seat_bodies(org) > 0
    user = get_user_model().objects.create_user("secretary")
    register.grant_role(org, user, Role.Kind.OFFICER, actor="test")
    client.force_login(user)
    ids = rulebook_ids(org.constitution) - {"chair", "board", "trust"}  # also plain words
    for name in ("governance:holders", "governance:accountability"):
        text = client.get(reverse(name, args=[org.slug])).content.decode()
        assert not (said_by(text) & ids), (name, said_by(text) & ids)
    findings = " ".join(f.statement for f in services.check_organisation(org))
    assert not (said_by(findings) & ids), said_by(findings) & ids


def test_a_name_an_officer_typed_is_shown_as_typed(db):
    org = found("co-operative-society", "typed-coop")
    assert org.constitution.chooser_name("the Mill Lane residents") == "the Mill Lane residents"
    assert org.constitution.chooser_name("all-members") == "all the members"
    assert org.constitution.chosen_phrase("appointed", "board") == " by the Board of Directors"
    assert org.constitution.chosen_phrase("ex-officio", "headteacher") == ", as the headteacher"
    assert org.constitution.chosen_phrase("co-opted", "") == ""
