"""Issue 11.1: every main page runs under the Content Security Policy (scripts and styles from
this site only, no inline script or style) with no violation reported by the browser."""

import pytest

from mutualise.demo import nhs_trust as demo
from mutualise.elections.models import Election
from mutualise.meetings.models import Meeting

pytestmark = pytest.mark.django_db(transaction=True)

COLLECT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
});
"""


def _violations(page, url, console):
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    assert response.status < 400, url
    assert "script-src 'self'" in response.headers["content-security-policy"]
    found = page.evaluate("window.__csp") + [m for m in console if "Content Security Policy" in m]
    console.clear()
    # The page's own script ran (GOV.UK Frontend marks the body), so scripts were not blocked.
    assert "govuk-frontend-supported" in page.evaluate("document.body.className"), url
    return [f"{url}: {v}" for v in found]


def test_the_main_pages_pass_the_content_security_policy(page, sign_in):
    info = demo.load()
    slug = info.organisation.slug
    # The trust's declared election and its open poll (a third takes nominations).
    declared, open_poll = Election.objects.filter(organisation=info.organisation).order_by("pk")[:2]
    meeting = Meeting.objects.get(organisation=info.organisation)
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(COLLECT)
    public = [
        "/",
        f"/o/{slug}/",
        f"/o/{slug}/constitution/",
        f"/o/{slug}/join/",
        f"/o/{slug}/elections/",
        f"/o/{slug}/elections/{declared.pk}/",
        f"/o/{slug}/elections/{declared.pk}/results/",
        f"/o/{slug}/elections/{open_poll.pk}/vote/",
        f"/o/{slug}/meetings/",
        f"/o/{slug}/meetings/{meeting.pk}/",
        "/accounts/login/",
    ]
    bad = []
    for url in public:
        bad += _violations(page, url, console)
    sign_in("secretary", demo.DEMO_PASSWORD)
    for url in [
        f"/o/{slug}/members/",
        f"/o/{slug}/members/import/",
        f"/o/{slug}/members/report/",
        f"/o/{slug}/meetings/{meeting.pk}/console/",
        f"/o/{slug}/meetings/{meeting.pk}/results/",
    ]:
        bad += _violations(page, url, console)
    sign_in("returning-officer", demo.DEMO_PASSWORD)
    bad += _violations(page, f"/o/{slug}/elections/{open_poll.pk}/console/", console)
    assert not bad, "\n".join(bad)


def test_two_factor_enrolment_passes_the_policy(page, sign_in, django_user_model):
    info = demo.load()
    from mutualise.register import services
    from mutualise.register.models import Role

    user = django_user_model.objects.create_user("new-officer", password=demo.DEMO_PASSWORD)
    services.grant_role(info.organisation, user, Role.Kind.OFFICER, actor="test")
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(COLLECT)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("new-officer")
    page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/accounts/two-factor/" in page.url
    assert page.locator("img.mutualise-qr").evaluate("img => img.naturalWidth") > 0
    assert not _violations(page, page.url, console)
