"""The one GOV.UK error summary every app includes (web/_error_summary.html)."""

from pathlib import Path

from django.template.loader import render_to_string

SRC = Path(__file__).resolve().parents[2] / "src" / "mutualise"


def test_each_message_links_to_its_field_inside_an_alert():
    errors = [("title", "Enter a title"), ("when-day", "Enter a <date> & time")]
    html = render_to_string("web/_error_summary.html", {"errors": errors})
    assert '<div class="govuk-error-summary" data-module="govuk-error-summary">' in html
    assert '<div role="alert">' in html
    assert '<h2 class="govuk-error-summary__title">There is a problem</h2>' in html
    assert '<li><a href="#title">Enter a title</a></li>' in html
    assert '<li><a href="#when-day">Enter a &lt;date&gt; &amp; time</a></li>' in html


def test_no_errors_renders_nothing():
    assert render_to_string("web/_error_summary.html", {"errors": []}).strip() == ""


def test_no_app_keeps_its_own_copy():
    copies = [
        p.relative_to(SRC).as_posix()
        for p in SRC.glob("*/templates/**/*.html")
        if p.name in {"_error_summary.html", "_errors.html"}
    ]
    assert copies == ["web/templates/web/_error_summary.html"]


def test_a_page_with_errors_says_error_first_in_its_title_once():
    """GOV.UK: "Error:" leads the title when the page shows an error summary. The roles page
    did not say it; pages that already say it do not say it twice."""
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    shown = render_to_string(
        "base.html", {"errors": [("email", "Enter an email")], "page_title": "Roles"}, request
    )
    assert "<title>Error: Roles – " in shown
    already = render_to_string(
        "base.html", {"errors": [("x", "y")], "page_title": "Error: Vote"}, request
    )
    assert "<title>Error: Vote – " in already and "Error: Error:" not in already
    calm = render_to_string("base.html", {"errors": [], "page_title": "Roles"}, request)
    assert "<title>Roles – " in calm
