"""Issue 19: the representativeness chart's labels are human words, whole, and legible on a
390 px phone (they were ids cut to 24 characters, drawn at about 7 px)."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from mutualise.constitution import model_path
from mutualise.register import services
from mutualise.register.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "register-browser-2026"


@pytest.fixture
def org():
    text = model_path("nhs-foundation-trust").read_text(encoding="utf-8")
    text = text.replace("membership:\n", "membership:\n  admission_by_board: false\n", 1)
    return services.create_organisation(
        name="Tyneside Hospitals", constitution_text=text, source_name="ft.yaml", slug="tyne"
    )


@pytest.fixture
def officer(org):
    user = get_user_model().objects.create_user("secretary", password=PASSWORD)
    services.grant_role(org, user, Role.Kind.OFFICER)
    return user


def test_chart_labels_read_on_a_phone(page, org, officer, sign_in):
    for i, sex in enumerate(["female", "female", "male"]):
        services.join(
            org,
            display_name=f"Person {i}",
            date_of_birth=date(1950 + 20 * i, 1, 1),
            postcode="NE1 1AA",
            sex=sex,
            email=f"p{i}@example.org",
        )
    sign_in("secretary", PASSWORD, target=page)
    page.goto(f"/o/{org.slug}/members/report/")
    labels = page.evaluate(
        """() => [...document.querySelectorAll('figure svg')].flatMap(svg => {
            const box = svg.getBoundingClientRect();
            return [...svg.querySelectorAll('.mutualise-chart__label')].map(t => {
                const r = t.getBoundingClientRect();
                return {text: t.textContent, height: r.height, left: r.left - box.left,
                        right: box.right - r.right};
            });
        })"""
    )
    words = {label["text"] for label in labels}
    assert {"Female", "Male"} <= words
    assert words & {"55 to 64", "65 to 74", "75 and over"}, words
    assert not any("-" in w and w.replace("-", "").isdigit() for w in words), words
    for label in labels:
        assert label["height"] >= 12, label  # drawn at reading size, not shrunk
        assert label["left"] >= 0 and label["right"] >= 0, label  # inside the chart, whole
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
