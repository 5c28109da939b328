"""Organisations for the register tests, founded on the shipped NHS foundation trust rulebook
(its eligibility rules are the richest): one that admits applicants automatically, and one whose
board admits them (the rulebook's default)."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from mutualise.constitution import model_path
from mutualise.register import services
from mutualise.register.models import Role

ON = date(2026, 6, 1)
PUBLIC = dict(
    display_name="Ada Lovelace",
    date_of_birth=date(1990, 5, 17),
    address="1 Grey Street\nNewcastle upon Tyne",
    postcode="NE1 6EE",
    email="ada@example.org",
)


def rulebook_text(admission_by_board: bool) -> str:
    text = model_path("nhs-foundation-trust").read_text(encoding="utf-8")
    setting = "true" if admission_by_board else "false"
    return text.replace("membership:\n", f"membership:\n  admission_by_board: {setting}\n", 1)


@pytest.fixture
def org(db):
    return services.create_organisation(
        name="Tyneside FT",
        constitution_text=rulebook_text(False),
        source_name="ft.yaml",
        slug="tyneside",
        actor="test",
    )


@pytest.fixture
def board_org(db):
    return services.create_organisation(
        name="Wearside FT",
        constitution_text=rulebook_text(True),
        source_name="ft.yaml",
        slug="wearside",
        actor="test",
    )


@pytest.fixture
def officer(db, org):
    user = get_user_model().objects.create_user("secretary", password="correct-horse-42")
    services.grant_role(org, user, Role.Kind.OFFICER, actor="test")
    return user


@pytest.fixture
def public_details():
    return dict(PUBLIC)
