"""Issue 13's journey as steps a later test can put together for any model: found an
organisation from its model, invite and staff its officers, import and invite its members, a
member claims a sign-in and resets the password, call a meeting, set up an election.

Every step drives the browser alone: what a person would read, it reads from the page or from
the mail that was sent (Django's outbox), never from the database. `axe` on every page it
opens; a member's page also must fit a 390 px screen without scrolling sideways. The only
thing besides the browser is the worker (`run_worker`), which `make demo` runs beside the
server: the test runs the queued jobs when a page says they are waiting for it.
"""

from __future__ import annotations

import base64
import csv
import io
import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from axe_check import check_accessible
from django.conf import settings
from django.core import mail
from django_otp.oath import TOTP
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def run_worker() -> int:
    """What `mutualise worker` does beside the server: run the queued jobs."""
    from mutualise.jobs.worker import run_queued

    return run_queued()


def open_page(browser, base_url: str, viewport=DESKTOP):
    """A fresh browser (its own cookies) on the live server."""
    context = browser.new_context(base_url=base_url, viewport=viewport, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def looked_at(page, what: str, *, phone: bool = False) -> None:
    """axe on the page; a member's page also fits a phone without scrolling sideways."""
    check_accessible(page, what)
    if phone:
        assert page.viewport_size == PHONE, f"{what} is a member's page: open it on a phone"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{page.url} ({what}) is {width}px wide on a phone"


def link_in_mail(to: str, pattern: str) -> str:
    """The path of the link (matching pattern) in the last mail sent to `to`: a whole link on
    the install's own address (MUTUALISE_SITE_URL), never one built from a request's Host."""
    message = next((m for m in reversed(mail.outbox) if m.to == [to]), None)
    assert message is not None, f"no mail was sent to {to}"
    site = re.escape(settings.MUTUALISE_SITE_URL.rstrip("/"))
    found = re.search(rf"{site}({pattern})", message.body)
    assert found, f"no link to {settings.MUTUALISE_SITE_URL} matching {pattern}:\n{message.body}"
    return found.group(1)


def mails_to(to: str) -> list:
    return [m for m in mail.outbox if m.to == [to]]


@dataclass
class Authenticator:
    """The officers' authenticator app: it keeps the key each one typed in from the enrolment
    page, and shows a code a given step only once (a code is accepted once)."""

    keys: dict[str, bytes] = field(default_factory=dict)
    last_step: dict[str, int] = field(default_factory=dict)

    def add(self, who: str, grouped_key: str) -> None:
        text = grouped_key.replace(" ", "")
        self.keys[who] = base64.b32decode(text + "=" * (-len(text) % 8))

    def code(self, who: str) -> str:
        totp = TOTP(self.keys[who], step=30, t0=0, digits=6, drift=0)
        totp.time = time.time()
        step = totp.t()
        if step <= self.last_step.get(who, -1):  # used already: the next one, within tolerance
            totp.time += 30 * (self.last_step[who] - step + 1)
            step = totp.t()
        self.last_step[who] = step
        return f"{totp.token():06d}"

    def second_factor(self, page, who: str) -> None:
        """On the two-factor page: enrol (typing the key in) the first time, then the code."""
        expect(page).to_have_url(re.compile("/accounts/two-factor/"))
        key = page.locator("#otp-secret")
        if key.count():
            looked_at(page, "two-factor enrolment")
            self.add(who, key.inner_text())
        page.get_by_label("Code from your app").fill(self.code(who))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()


def sign_in(page, username: str, password: str, app: Authenticator | None = None) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/accounts/two-factor/" in page.url:
        assert app is not None, f"{username} is asked for a second factor"
        app.second_factor(page, username)
    # A sign-in that failed would leave the journey on the form, testing the wrong page.
    assert not page.url.split("?")[0].endswith(("/accounts/login/", "/accounts/two-factor/")), (
        f"{username} could not sign in: {page.locator('main').inner_text()[:300]}"
    )


# Setting up ---------------------------------------------------------------------------------


def found_organisation(page, model: str, name: str) -> str:
    """A system administrator (signed in on `page`) sets up an organisation from the model
    rulebook `model`, renamed `name`, and adopts it; returns its slug (from the roles page's
    address, where the founder lands)."""
    page.goto("/")
    looked_at(page, "the install's home page")
    page.get_by_role("link", name="Set up a new organisation").click()
    expect(page.get_by_role("heading", name="Set up an organisation")).to_be_visible()
    looked_at(page, "choose a model")
    page.locator(f"#model-{model}").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="What its rulebook says")).to_be_visible()
    looked_at(page, f"the {model} settings form")
    page.locator("#s-organisation-name").fill(name)
    page.get_by_role("button", name="Check and read it again").click()
    expect(page.get_by_text("has no problems")).to_be_visible()
    page.get_by_role("button", name="Adopt this rulebook").click()
    expect(page.get_by_role("heading", name="Roles")).to_be_visible()
    expect(page.get_by_text("you are its administrator")).to_be_visible()
    looked_at(page, "roles page of the new organisation")
    return re.search(r"/o/([^/]+)/roles/", page.url).group(1)


def invite_officer(page, slug: str, email: str, role: str) -> None:
    """The administrator invites `email` to the role labelled `role` on the roles page."""
    page.goto(f"/o/{slug}/roles/")
    page.get_by_label("Their email address").fill(email)
    page.get_by_label(role, exact=True).check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text(f"Invitation sent to {email}")).to_be_visible()
    expect(page.get_by_role("cell", name=email, exact=True)).to_be_visible()
    looked_at(page, f"roles page, {email} invited")


def accept_officer_invitation(
    page, email: str, name: str, password: str, app: Authenticator | None
) -> None:
    """The invited officer opens the mailed link (on a phone), makes a sign-in and enrols
    their authenticator app (`app`; None for a role that needs no second factor, a chair's or
    a board member's: docs/security.md); lands on their officer page."""
    page.goto(link_in_mail(email, r"/accounts/invitations/[^/\s]+/"))
    expect(page.get_by_role("heading", name=re.compile("^Become "))).to_be_visible()
    looked_at(page, "role invitation", phone=True)
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Choose a password").fill(password)
    page.get_by_label("Type the password again").fill(password)
    page.get_by_role("button", name="Make my sign-in and accept").click()
    page.wait_for_load_state()
    if app is None:
        assert "/accounts/" not in page.url, f"{email} was not let in: {page.url}"
    else:
        app.second_factor(page, email)
    looked_at(page, f"{name}'s first officer page")


# The register -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str
    born: date
    address: str
    postcode: str
    email: str
    staff: bool = False  # works for the organisation (on a permanent contract since 2020)


def people(count: int, postcode: str = "NE1 4ST", staff: bool = False) -> list[Person]:
    return [
        Person(
            name=f"Person {i:02d} Example",
            born=date(1980, 3, 1 + i % 28),
            address=f"{i} Mill Lane",
            postcode=postcode,
            email=f"person{i:02d}@example.org",
            staff=staff,
        )
        for i in range(count)
    ]


def _guide(page) -> dict[str, tuple[bool, str]]:
    """The import page's column guide: heading -> (required, what it accepts)."""
    guide = {}
    for row in page.locator("table").filter(has_text="Column").locator("tbody tr").all():
        cells = [c.inner_text().strip() for c in row.locator("th, td").all()]
        guide[cells[0]] = ("yes" in cells[1].lower() or "required" in cells[1].lower(), cells[2])
    return guide


def fill_in_template(page, slug: str, who: list[Person]) -> bytes:
    """Download the import page's CSV template and fill it in as a secretary would, choosing
    the first value the column guide offers wherever the rulebook asks for one."""
    page.goto(f"/o/{slug}/members/import/")
    expect(page.get_by_role("heading", name="What the file should hold")).to_be_visible()
    looked_at(page, "import page with its column guide")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV template").click()
    with open(download.value.path(), encoding="utf-8") as template:
        headings = next(csv.reader(template))
    guide = _guide(page)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=headings)
    writer.writeheader()
    for person in who:
        row = dict.fromkeys(headings, "")
        row.update({
            "Name": person.name, "Date of birth": f"{person.born:%d/%m/%Y}",
            "Address": person.address, "Postcode": person.postcode, "Email": person.email,
            "Contact by": "email",
        })  # fmt: skip
        if person.staff:
            row.update({"Staff": "yes", "Fixed-term contract": "no",
                        "Employment start": "06/01/2020"})  # fmt: skip
        if "Last service use" in row:  # recently, for a constituency of the service's users
            row["Last service use"] = f"{date.today() - timedelta(days=30):%d/%m/%Y}"
        accepts = guide.get("Confirmations", (False, ""))[1]
        if "Confirmations" in row:  # every confirmation, in the words the guide gives
            row["Confirmations"] = "; ".join(re.findall(r"“([^”]+)”", accepts))
        needed, accepts = guide.get("Class", (False, ""))
        if needed:  # "One of: Consumer member (Members); ..."
            first = accepts.split("One of:", 1)[1].split(";")[0]
            row["Class"] = first.rsplit(" (", 1)[0].strip()
        writer.writerow({k: v for k, v in row.items() if k in headings})
    return out.getvalue().encode("utf-8")


def import_members(page, slug: str, content: bytes, count: int) -> None:
    """The secretary uploads the file, checks the preview and accepts it (as members already);
    the import runs (in the worker when the page says it waits for it) and finishes."""
    page.goto(f"/o/{slug}/members/import/")
    page.get_by_label("Upload a CSV or Excel (XLSX) file").set_input_files(
        files=[{"name": "members.csv", "mimeType": "text/csv", "buffer": content}]
    )
    page.get_by_role("button", name="Upload and check").click()
    main = page.locator("main")
    expect(main).to_contain_text(f"{count} ready to add")
    looked_at(page, "import preview")
    page.get_by_role("button", name=re.compile(r"^Accept and add")).click()
    if "Waiting for the worker" in main.inner_text():
        looked_at(page, "import waiting for the worker")
        assert run_worker() >= 1
    expect(page.get_by_role("heading", name="Import finished")).to_be_visible(timeout=30_000)
    looked_at(page, "import finished")
    page.goto(f"/o/{slug}/members/")
    expect(page.locator("#register-count")).to_contain_text(f"{count} record")
    looked_at(page, "the register after the import")


def invite_members(page, slug: str, count: int) -> None:
    """The secretary invites everyone with an email to make a sign-in (a job for the worker)."""
    page.goto(f"/o/{slug}/members/")
    page.get_by_role("link", name="Invite members to sign in").click()
    looked_at(page, "invite members to sign in")
    page.get_by_role("button", name=f"Invite all {count}").click()
    expect(page.locator("#how-many")).to_contain_text(f"{count} member")
    looked_at(page, "asked before inviting everyone")
    page.get_by_role("button", name=f"Email all {count}").click()
    assert "/jobs/" in page.url, page.url
    looked_at(page, "the invitations' job, waiting")
    assert run_worker() >= 1
    page.reload()
    expect(page.locator("main")).to_contain_text("Finished")
    looked_at(page, "the invitations' job, done")
    invited = {m.to[0] for m in mail.outbox if "/accounts/membership-invitations/" in m.body}
    assert len(invited) >= count, f"{len(invited)} members were sent an invitation, not {count}"


def member_number_in_mail(email: str) -> str:
    """A member's number, as their invitation mail gives it (the last mail that says it)."""
    for message in reversed(mails_to(email)):
        found = re.search(r"membership number is (\d+)", message.body, re.IGNORECASE)
        if found:
            return found.group(1)
    raise AssertionError(f"no mail to {email} gives their membership number")


def accept_member_invitation(page, person: Person, password: str) -> None:
    """A member opens the invitation mailed to them, on a phone, and makes their sign-in."""
    page.goto(link_in_mail(person.email, r"/accounts/membership-invitations/[^/\s]+/"))
    expect(page.get_by_role("heading", name="Make your sign-in")).to_be_visible()
    looked_at(page, "member's invitation", phone=True)
    page.get_by_label("Choose a password").fill(password)
    page.get_by_label("Type the password again").fill(password)
    page.get_by_role("button", name="Make my sign-in").click()
    see_own_membership(page, person)


def see_own_membership(page, person: Person) -> None:
    expect(page.get_by_role("heading", name="Your membership")).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text(person.name)
    expect(main).to_contain_text(person.postcode)
    looked_at(page, f"{person.name}'s membership", phone=True)


def claim_sign_in(page, slug: str, person: Person, number: str, password: str) -> None:
    """A member with no sign-in gets one from the organisation's site: their membership number,
    date of birth and postcode, then the link mailed to the address on the register."""
    page.goto(f"/o/{slug}/")
    expect(page.get_by_role("link", name="Get a sign-in for your membership")).to_be_visible()
    looked_at(page, "the organisation's home page", phone=True)
    page.goto(f"/o/{slug}/membership/")  # as from a link in a mail: sign in first
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    looked_at(page, "sign-in page on the way to the membership", phone=True)
    page.get_by_role("link", name="Get one with your membership number").click()
    looked_at(page, "claim form", phone=True)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    looked_at(page, "claim form with its errors", phone=True)
    page.get_by_label("Membership number").fill(number)
    page.get_by_label("Day").fill(str(person.born.day))
    page.get_by_label("Month").fill(str(person.born.month))
    page.get_by_label("Year").fill(str(person.born.year))
    page.get_by_label("Postcode").fill(person.postcode.lower())
    sent = len(mails_to(person.email))
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    looked_at(page, "claim sent", phone=True)
    run_worker()  # the worker checks the claim and mails the link
    assert len(mails_to(person.email)) == sent + 1, "the claim's link was not mailed"
    accept_member_invitation(page, person, password)


def sign_out(page) -> None:
    page.get_by_role("button", name=re.compile("Sign out")).click()
    page.wait_for_load_state()


def reset_password(page, person: Person, old: str, new: str) -> None:
    """Signed out, the member resets a forgotten password from the mailed link (on a phone),
    and signs in with the new one, landing on their membership."""
    page.goto("/accounts/login/")
    looked_at(page, "sign-in page", phone=True)
    page.get_by_role("link", name="Forgotten your password?").click()
    looked_at(page, "reset form", phone=True)
    page.get_by_label("Email address").fill(person.email)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    looked_at(page, "reset sent", phone=True)
    page.goto(link_in_mail(person.email, r"/accounts/reset/\S+/\S+/"))
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    looked_at(page, "choose a new password", phone=True)
    page.get_by_label("New password", exact=True).fill(new)
    page.get_by_label("Type the new password again").fill(new)
    page.get_by_role("button", name="Change my password").click()
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()
    looked_at(page, "password changed", phone=True)
    page.get_by_role("link", name="Sign in with your new password").click()
    page.get_by_label("Username").fill(person.email)
    page.get_by_label("Password").fill(old)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    page.get_by_label("Password").fill(new)
    page.get_by_role("button", name="Sign in").click()
    see_own_membership(page, person)


# Meetings and elections ---------------------------------------------------------------------


def _earliest(page) -> date:
    """The earliest lawful date the page gives for a general meeting."""
    text = page.locator("#earliest").inner_text()
    found = re.search(r"General meeting: \w+ (\d{1,2} \w+ \d{4})", text) or re.search(
        r": \w+ (\d{1,2} \w+ \d{4})", text
    )
    assert found, text
    return datetime.strptime(found.group(1), "%d %B %Y").date()


def call_meeting(
    page,
    slug: str,
    title: str,
    resolutions: list[tuple[str, str]],
    *,
    kind: str = "General meeting",
    online: bool = False,
    method: str = "Show of hands",
) -> str:
    """The secretary calls a meeting of the kind labelled `kind` a week after its earliest
    lawful date (hybrid when `online`: members may attend and vote online), adds its
    resolutions (title, kind of resolution), each voted on by `method`, publishes its notice;
    the worker sends it. Returns the meeting's path."""
    page.goto(f"/o/{slug}/meetings/")
    looked_at(page, "meetings")
    page.get_by_role("link", name="Call a general meeting").click()
    looked_at(page, "call a general meeting")
    day = _earliest(page) + timedelta(days=7)
    page.get_by_label(kind, exact=True).check()
    page.get_by_label("Title").fill(title)
    when = page.get_by_role("group", name="When is the meeting?")
    when.get_by_label("Day").fill(str(day.day))
    when.get_by_label("Month").fill(str(day.month))
    when.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Time it starts").fill("19:00")
    page.get_by_label("Where").fill("Village Hall")
    if online:
        page.get_by_label("Members may attend and vote online").check()
    page.get_by_role("button", name="Draft the meeting").click()
    looked_at(page, "the draft meeting's agenda")
    for resolution, resolution_kind in resolutions:
        page.get_by_label("Title").fill(resolution)
        page.get_by_label("The resolution's text").fill(f"That the members approve {resolution}.")
        kinds = page.locator("#id_kind_id option").all_inner_texts()
        page.get_by_label("Kind of resolution").select_option(
            label=next(k for k in kinds if k.startswith(resolution_kind))
        )
        page.get_by_label("How it is voted on").select_option(label=method)
        page.get_by_role("button", name="Add the resolution").click()
        expect(page.locator("main")).to_contain_text(resolution)
    looked_at(page, "the agenda with its resolutions")
    meeting = re.search(r"/meetings/(\d+)/", page.url).group(0)
    page.get_by_role("button", name="Publish the notice").click()
    expect(page.locator("#how-many")).to_contain_text("will be emailed the notice now")
    looked_at(page, "asked before publishing the notice")
    page.get_by_role("button", name="Publish the notice and email members").click()
    expect(page.locator("main")).to_contain_text("Notice given.")
    assert "/jobs/" in page.url
    looked_at(page, "the notice's sending job")
    assert run_worker() >= 1  # the worker sends the notice
    return f"/o/{slug}{meeting}"


def see_meeting_from_its_notice(page, person: Person, resolutions: list[str]) -> None:
    """A member opens the meeting's page from the notice mailed to them (on a phone)."""
    page.goto(link_in_mail(person.email, r"/o/[^/\s]+/meetings/\d+/"))
    for title in resolutions:
        expect(page.locator("main")).to_contain_text(title)
    looked_at(page, "the member's meeting page", phone=True)


def _working_day(after: date) -> date:
    day = after
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def set_up_election(page, slug: str, seats: str, weeks_ahead: int = 16) -> None:
    """The returning officer sets up an election of the seats whose label starts `seats`,
    closing on a working day some weeks ahead, and publishes its notice of election."""
    page.goto(f"/o/{slug}/elections/")
    looked_at(page, "elections")
    page.get_by_role("link", name="Set up an election").click()
    looked_at(page, "set up an election")
    options = page.locator("#seats option").all_inner_texts()
    page.get_by_label("Seats to elect").select_option(
        label=next(o for o in options if o.startswith(seats))
    )
    close = _working_day(date.today() + timedelta(weeks=weeks_ahead))
    for _ in range(5):  # a bank holiday: the page says so, and the officer picks the next day
        page.get_by_label("Day the poll closes").fill(close.isoformat())
        page.get_by_role("button", name="Create the election").click()
        if page.get_by_role("rowheader", name="Notice of election").count():
            break
        looked_at(page, "set-up form with an error")
        close = _working_day(close + timedelta(days=1))
    expect(page.get_by_role("rowheader", name="Notice of election")).to_be_visible()
    looked_at(page, "election console in draft")
    page.get_by_role("button", name="Publish the notice of election").click()
    expect(page.get_by_text("Done: Publish the notice of election")).to_be_visible()
    looked_at(page, "election console, notice published")
