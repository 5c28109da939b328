"""Founding organisations on rulebooks; constitution versions; the CLI around them."""

from pathlib import Path

import pytest

from mutualise.audit.models import AuditEvent
from mutualise.cli import main
from mutualise.constitution import RulebookError, available_models, model_path
from mutualise.register import services
from mutualise.register.models import ConstitutionVersion, Organisation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", sorted(available_models()))
def test_every_model_founds_an_organisation(model):
    org = services.create_from_model(model=model, name=f"Test {model}", actor="test")
    assert org.current_version.number == 1
    assert org.constitution.organisation.name
    assert AuditEvent.objects.filter(organisation=org, action="organisation.created").count() == 1


def test_a_broken_rulebook_creates_nothing(tmp_path):
    text = model_path("co-operative-society").read_text()
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace("notice_clear_days: 14", "notice_clear_days: fourteen"))
    with pytest.raises(RulebookError):
        services.create_from_file(path=broken, name="Broken")
    assert Organisation.objects.count() == 0
    assert ConstitutionVersion.objects.count() == 0


def test_amending_keeps_every_version():
    org = services.create_from_model(model="supporters-trust", name="Ayrshire Supporters")
    text = org.current_version.source_text
    version = services.adopt_constitution(
        org, text=text + "\n# amended\n", source_name="rules.yaml", reason="special resolution 1"
    )
    assert version.number == 2
    assert [v.number for v in org.constitution_versions.all()] == [1, 2]
    assert org.current_version.number == 2
    assert org.constitution_versions.get(number=1).source_text == text


def test_cli_org_create_and_audit_verify(capsys):
    assert main(["org", "create", "--model", "nhs-foundation-trust", "--name", "Demo FT"]) == 0
    assert "created demo-ft" in capsys.readouterr().out
    assert main(["audit", "verify"]) == 0
    assert "chain intact" in capsys.readouterr().out


def test_cli_audit_verify_names_an_edited_row(capsys):
    from django.db import connection

    org = services.create_from_model(model="housing-coop", name="Canalside Housing Co-op")
    event = AuditEvent.objects.get(organisation=org, sequence=1)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'forged' WHERE id = %s", [event.pk])
    assert main(["audit", "verify", "--org", org.slug]) == 1
    assert "BROKEN at event #1" in capsys.readouterr().out


def test_cli_unknown_model_is_a_clear_error(capsys):
    assert main(["org", "create", "--model", "no-such-model", "--name", "X"]) == 2
    err = capsys.readouterr().err
    assert "no-such-model" in err


def test_cli_org_create_names_the_organisation_from_its_model(capsys):
    assert main(["org", "create", "--model", "supporters-trust"]) == 0
    model_name = Organisation.objects.get().constitution.organisation.name
    assert Organisation.objects.get().name == model_name
    assert f": {model_name}" in capsys.readouterr().out


def test_cli_org_create_help_lists_every_model(capsys):
    with pytest.raises(SystemExit):
        main(["org", "create", "--help"])
    out = capsys.readouterr().out
    assert all(f"\n  {model}" in out for model in available_models())


def test_cli_unknown_model_lists_the_models(capsys):
    assert main(["org", "create", "--model", "no-such-model"]) == 2
    assert "supporters-trust" in capsys.readouterr().err


def test_cli_without_the_audit_key_is_one_clear_line(capsys, settings):
    settings.MUTUALISE_AUDIT_KEY = ""
    settings.MUTUALISE_AUDIT_THROWAWAY_KEY = False
    assert main(["org", "create", "--model", "housing-coop"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mutualise: error: MUTUALISE_AUDIT_KEY is not set")
    assert "Traceback" not in err


def test_an_organisation_made_from_a_model_adopts_a_rulebook_with_its_own_name():
    """Issue 19: the demo's Hartley Town trust published a rulebook naming the model's
    "Example Town Supporters' Trust Limited"."""
    from mutualise.register import services

    org = services.create_from_model(
        model="supporters-trust", name="Hartley Town Supporters' Trust", actor="test"
    )
    assert org.constitution.organisation.name == "Hartley Town Supporters' Trust"
    assert "Example Town" not in org.current_version.source_text.split("membership:")[0]


def test_an_organisation_made_from_a_model_adopts_it_without_the_models_editorial_notes():
    """Issue 19: every adopted rulebook kept the model's source marks ([S], [R]) and its header
    naming DOMAIN.md, notes for the model's maintainers, not the organisation's members."""
    from mutualise.register import services

    org = services.create_from_model(
        model="co-operative-society", name="Riverside Wholefoods Limited", actor="test"
    )
    text = org.current_version.source_text
    assert "[S]" not in text and "[R]" not in text and "[S, model rules]" not in text
    assert "DOMAIN.md" not in text and "Sources:" not in text
    assert (
        "minimum_members: 3                    # at least 3 members (2 if both are societies)\n"
        in text
    )
    assert org.constitution.organisation.name == "Riverside Wholefoods Limited"


def test_the_organisations_own_comments_stay_in_the_rulebook_it_adopts():
    model = Path(model_path("co-operative-society")).read_text(encoding="utf-8")
    edited = model.replace("# £1 shares [R]", "# £1 shares [R] as our rule 7 says").replace(
        "# Sources:", "# Our rules, agreed 2026. Sources:"
    )
    org = services.create_organisation(
        name="Riverside Wholefoods Limited",
        constitution_text=edited,
        source_name="co_operative_society.yaml",
        actor="test",
        model_slug="co-operative-society",
    )
    text = org.current_version.source_text
    assert "# £1 shares [R] as our rule 7 says" in text  # theirs, as they wrote it
    assert "# Our rules, agreed 2026. Sources:" in text  # a header they edited stays theirs
    assert "# at least 3 members (2 if both are societies)\n" in text  # the model's, unmarked
