"""A click or key press that opens a page returns once that page has loaded (conftest.py's
`_actions_wait_for_the_page_they_open`), so what a test reads straight after is the whole new
page, never the old one nor an empty or half-parsed new one (CI once read a title '').

The new page here holds an image its server is slow to send: the page is committed and parsed
well before it has loaded, so without the wait these reads see readyState 'interactive'."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

SLOW_S = 1.0  # the image's delay: the new page has not loaded for this long after it commits

FIRST = b"""<!doctype html><html lang="en"><head><title>First</title></head><body>
<a href="/next">Next</a>
<form method="post" action="/post"><label for="q">Q</label><input id="q" name="q">
<button>Send</button></form></body></html>"""
NEXT = b"""<!doctype html><html lang="en"><head><title>Next</title></head><body>
<main><h1>The next page</h1><img alt="" src="/slow.gif"></main></body></html>"""
GIF = (  # one transparent pixel
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


class _Site(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _send(self, status, body=b"", kind="text/html", **headers):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/slow.gif":
            time.sleep(SLOW_S)
            return self._send(200, GIF, "image/gif", **{"Cache-Control": "no-store"})
        self._send(200, NEXT if self.path == "/next" else FIRST)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._send(303, Location="/next")


@pytest.fixture(scope="module")
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def tab(browser, site):
    context = browser.new_context(base_url=site)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _loaded_next_page(page):
    return (page.title(), page.evaluate("document.readyState"), page.url.endswith("/next"))


def test_a_followed_link_has_loaded_when_the_click_returns(tab):
    tab.goto("/")
    tab.get_by_role("link", name="Next").click()
    assert _loaded_next_page(tab) == ("Next", "complete", True)


def test_a_submitted_form_has_loaded_when_the_click_returns(tab):
    tab.goto("/")
    tab.get_by_role("button", name="Send").click()  # POST, then 303 to /next
    assert _loaded_next_page(tab) == ("Next", "complete", True)


def test_a_form_submitted_with_enter_has_loaded_when_the_press_returns(tab):
    tab.goto("/")
    tab.get_by_label("Q").fill("x")
    tab.get_by_label("Q").press("Enter")
    assert _loaded_next_page(tab) == ("Next", "complete", True)


def test_a_click_that_opens_nothing_returns_on_the_same_page(tab):
    tab.goto("/")
    tab.get_by_label("Q").click()
    assert (tab.title(), tab.evaluate("document.readyState")) == ("First", "complete")
