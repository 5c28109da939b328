"""The health check's edges: a stored rulebook that no longer parses is one serious finding
(REG-0) for its organisation, not a crash of the daily run for every organisation; the daily
run twice on one day keeps one report per organisation; the CLI's bad input is a clear error."""

from datetime import date

import pytest
from governance_helpers import found

from mutualise.cli import main
from mutualise.governance import services
from mutualise.governance.models import HealthReport
from mutualise.governance.tasks import daily_health_check
from mutualise.register.models import ConstitutionVersion

pytestmark = pytest.mark.django_db
TODAY = date(2026, 5, 1)


def _break_rulebook(org) -> None:
    latest = ConstitutionVersion.objects.filter(organisation=org).order_by("-number").first()
    ConstitutionVersion.objects.filter(pk=latest.pk).update(
        source_text=latest.source_text.replace("minimum_members", "minimum_membrs"),
        sha256="0" * 64,
    )


def test_an_unreadable_rulebook_is_one_finding_and_the_others_are_still_checked():
    broken = found("co-operative-society", "broken-coop")
    fine = found("co-operative-society", "fine-coop")
    _break_rulebook(broken)
    findings = services.check_organisation(broken, today=TODAY)
    assert [(f.id, str(f.severity)) for f in findings] == [("REG-0", "serious")]
    assert "minimum_membrs" in findings[0].statement
    assert daily_health_check(TODAY) == 2  # both serious: REG-0, and the empty one's REG-1
    reports = {r.organisation_id: r for r in HealthReport.objects.all()}
    assert [f["id"] for f in reports[broken.pk].findings] == ["REG-0"]
    assert "REG-1" in {f["id"] for f in reports[fine.pk].findings}
    assert services.refresh_reminders(today=TODAY, actor="test") is not None  # skips it
    assert main(["health", "broken-coop"]) == 1


def test_the_daily_run_twice_on_one_day_keeps_one_report_each():
    org = found("co-operative-society", "twice-coop")
    daily_health_check(TODAY)
    first = HealthReport.objects.get(organisation=org)
    daily_health_check(TODAY)
    assert HealthReport.objects.filter(organisation=org).count() == 1
    assert HealthReport.objects.get(organisation=org).findings == first.findings


def test_the_cli_says_what_is_wrong(capsys):
    assert main(["health", "no-such-org"]) == 2
    assert "no organisation 'no-such-org'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["health", "no-such-org", "--format", "xml"])
    assert exit_.value.code == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err
    assert main(["health"]) == 2
    assert "give an organisation slug, or --all" in capsys.readouterr().err


def test_the_pages_of_an_organisation_whose_rulebook_cannot_be_read_are_not_a_server_error(client):
    broken = found("co-operative-society", "broken-pages")
    _break_rulebook(broken)
    for path in (f"/o/{broken.slug}/accountability/", f"/o/{broken.slug}/"):
        page = client.get(path)
        assert page.status_code == 503, path  # a page that says what is wrong, not a crash
        assert "minimum_membrs: unknown field" in page.content.decode(), path
