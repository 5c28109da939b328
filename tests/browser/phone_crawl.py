"""Every page fits a phone (issue 19; the test is in test_demo_journeys.py, so the crawl shares
that module's one demo load): on the demo, at 390x844, crawl the pages that links reach
from the site's home page and each organisation's, as the public, as a member and as an officer,
and fail naming every page whose document is wider than the screen (it would scroll sideways).

Only same-origin GET links are followed; sign-out, downloads and the demo clock (which would move
the demo on) are not. A cap on pages per sign-in keeps the crawl to a few minutes.
"""

import re
from urllib.parse import urljoin, urlsplit

from demo_site import sign_in

from mutualise import demo
from mutualise.demo import cooperative_society, nhs_trust

PHONE = {"width": 390, "height": 844}
PAGES_PER_SIGN_IN = 60
NOT_A_PAGE = re.compile(
    r"logout|sign-out|/demo/clock|download|export|letters|rulebook\.yaml|template\."
    r"|\.(csv|pdf|json|xlsx|blt|txt|yaml|png|svg)$"
)
WIDER_THAN_THE_SCREEN = (
    "document.documentElement.scrollWidth > document.documentElement.clientWidth"
)


def crawl(page, base: str, starts: list[str], limit: int) -> tuple[list[str], list[str], int]:
    """Breadth first from `starts`: (pages too wide, with their widths; pages that failed; seen)."""
    host = urlsplit(base).netloc
    queue, queued = list(starts), set(starts)
    wide, failed, visited = [], [], 0
    while queue and visited < limit:
        path = queue.pop(0)
        response = page.goto(path, wait_until="domcontentloaded")
        visited += 1
        if response is None or response.status >= 500:
            failed.append(f"{path} ({response.status if response else 'no answer'})")
            continue
        if page.evaluate(WIDER_THAN_THE_SCREEN):
            width = page.evaluate("document.documentElement.scrollWidth")
            wide.append(f"{path} ({width}px)")
        hrefs = page.eval_on_selector_all(
            "a[href]:not([download])", "links => links.map(link => link.getAttribute('href'))"
        )
        for href in hrefs:
            address = urlsplit(urljoin(base + path, href))
            if address.scheme not in ("http", "https") or address.netloc != host:
                continue
            target = address.path + (f"?{address.query}" if address.query else "")
            if target not in queued and not NOT_A_PAGE.search(address.path):
                queued.add(target)
                queue.append(target)
    return wide, failed, visited


WHO = [
    ("the public", None),
    ("a member", nhs_trust.MEMBER_USER),
    ("an officer", "officer-of-the-cooperative"),
]


def every_page_fits_a_phone(who, username, demo_site, browser):
    url, loaded = demo_site
    if username == "officer-of-the-cooperative":
        username = loaded.get(cooperative_society.SLUG).officer_user
    context = browser.new_context(base_url=url, viewport=PHONE, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        if username:
            sign_in(page, username)
        starts = ["/"] + [f"/o/{module.SLUG}/" for module in demo.ORGANISATIONS]
        wide, failed, visited = crawl(page, url, starts, PAGES_PER_SIGN_IN)
    finally:
        context.close()
    assert visited >= 20, f"{who}: the crawl reached only {visited} pages"
    assert not failed, f"{who}: these pages failed: {failed}"
    assert not wide, f"{who}: these pages scroll sideways on a 390px phone: {wide}"
