"""The demo trust shows its accountability page, with live findings to see: its declared
election put four governors in the register of office holders (through the elections app's
declaration), and the rest of the council is still vacant."""

import pytest
from django.urls import reverse

from mutualise.demo import nhs_trust as demo
from mutualise.governance import services
from mutualise.governance.models import OfficeHolding

pytestmark = pytest.mark.django_db


def test_demo_trust_accountability_page_has_its_elected_governors_and_findings(client):
    org = demo.load().organisation
    elected = OfficeHolding.objects.filter(organisation=org, how="elected", election__isnull=False)
    assert elected.count() == 4
    findings = services.check_organisation(org)
    assert {"NHS-1", "NHS-2"} & {f.id for f in findings}  # a council mostly vacant
    text = client.get(reverse("governance:accountability", args=[org.slug])).content.decode()
    assert "Elected in “" in text
    assert "Serious: the rules or the law are broken now" in text
    assert "NHS-1" not in text and "NHS-2" not in text  # the check's id, not words
