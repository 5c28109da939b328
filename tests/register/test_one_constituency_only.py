"""Issue 20, item 5: `membership.one_constituency_only` decides whether a person already on the
register may join a second constituency. A building society's rules let a saver also be a
borrowing member (false); with the field true the second joining is refused in words, naming the
constituency they are in. A second record in the same constituency is a duplicate either way."""

from datetime import date

import pytest

from mutualise.constitution import model_path
from mutualise.register import services as register
from mutualise.register.errors import DuplicateMember, InAnotherConstituency
from mutualise.register.models import Member

pytestmark = pytest.mark.django_db
FIELD = "one_constituency_only: false"
PERSON = {
    "display_name": "Ada Saver",
    "email": "ada@example.org",
    "date_of_birth": date(1980, 1, 1),
    "postcode": "LS1 4AP",
}


def _org(slug, one_only: bool):
    text = model_path("building-society").read_text(encoding="utf-8")
    assert text.count(FIELD) == 1
    return register.create_organisation(
        name=f"Society {slug}",
        constitution_text=text.replace(FIELD, f"one_constituency_only: {str(one_only).lower()}"),
        source_name=f"{slug}.yaml",
        slug=slug,
        actor="t",
    )


def _join(org, constituency, attestation):
    return register.join(
        org, constituency_id=constituency, attestations=[attestation], actor="t", **PERSON
    )


def test_a_saver_may_also_be_a_borrowing_member_when_the_rules_allow_it():
    org = _org("both", one_only=False)
    _join(org, "shareholding-members", "holds-share-account")
    _join(org, "borrowing-members", "holds-mortgage")
    assert sorted(
        Member.objects.filter(organisation=org).values_list("constituency_id", flat=True)
    ) == [
        "borrowing-members",
        "shareholding-members",
    ]
    with pytest.raises(DuplicateMember) as again:  # the same constituency twice is a duplicate
        _join(org, "borrowing-members", "holds-mortgage")
    assert not isinstance(again.value, InAnotherConstituency)


def test_a_second_constituency_is_refused_when_the_rules_allow_one_only():
    org = _org("one", one_only=True)
    first = _join(org, "shareholding-members", "holds-share-account")
    with pytest.raises(InAnotherConstituency) as refused:
        _join(org, "borrowing-members", "holds-mortgage")
    assert str(refused.value) == (
        f"This person is already a member in Shareholding (saving) members (membership number "
        f"{first.number}); the rules let a person belong to one constituency only, so change "
        "their constituency instead."
    )
    assert Member.objects.filter(organisation=org).count() == 1
