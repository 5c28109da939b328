"""Issue 13's must-show, in the browser alone, as one journey: a system administrator sets up a
new co-operative from its model and invites a membership secretary and a returning officer by
email; each accepts from the mailed link and enrols their authenticator app; the secretary
imports 50 members from the import page's own template and invites them all to sign in; one
member makes a sign-in from the invitation, another claims theirs (membership number, date of
birth and postcode, confirmed by email) and later resets the password by email; the secretary
calls a meeting with its resolutions and publishes the notice, which a member reads on a
phone; the returning officer sets up a board election. axe on every page; the members' pages
at 390x844 with no sideways scrolling.

Only the system administrator's sign-in is made before the server starts (the install's first
user, as `mutualise manage createsuperuser` makes it); the queued jobs are run by the worker
(`run_worker`) and the mail is read from what was sent.
"""

import pytest
from django.contrib.auth import get_user_model
from organisation_journey import (
    DESKTOP,
    PHONE,
    Authenticator,
    accept_member_invitation,
    accept_officer_invitation,
    call_meeting,
    claim_sign_in,
    fill_in_template,
    found_organisation,
    import_members,
    invite_members,
    invite_officer,
    member_number_in_mail,
    open_page,
    people,
    reset_password,
    see_meeting_from_its_notice,
    set_up_election,
    sign_in,
    sign_out,
)

pytestmark = pytest.mark.django_db(transaction=True)
ROOT_PASSWORD = "install-root-passphrase"
NAME = "Riverside Wholefoods Co-operative Limited"


def test_found_staff_join_and_run_a_cooperative(browser, live_server, settings):
    get_user_model().objects.create_superuser("root", "root@example.org", ROOT_PASSWORD)
    app = Authenticator()
    url = live_server.url
    settings.MUTUALISE_SITE_URL = url  # every mailed link must come back to this server

    admin = open_page(browser, url, DESKTOP)
    sign_in(admin, "root", ROOT_PASSWORD, app)
    slug = found_organisation(admin, "co-operative-society", NAME)
    invite_officer(admin, slug, "sam@example.org", "Membership secretary")
    invite_officer(admin, slug, "rio@example.org", "Returning officer")

    secretary = open_page(browser, url, PHONE)
    accept_officer_invitation(
        secretary, "sam@example.org", "Sam Secretary", "secretary passphrase 1", app
    )
    secretary.set_viewport_size(DESKTOP)  # the register is desk work
    returning_officer = open_page(browser, url, PHONE)
    accept_officer_invitation(
        returning_officer, "rio@example.org", "Rio Officer", "returning passphrase 1", app
    )

    members = people(50)
    csv_file = fill_in_template(secretary, slug, members)
    import_members(secretary, slug, csv_file, 50)
    invite_members(secretary, slug, 50)

    pat, lee = members[7], members[23]
    pat_phone = open_page(browser, url, PHONE)
    accept_member_invitation(pat_phone, pat, "willow harbour lantern")

    # Lee lost the invitation: Lee claims a sign-in with the number it gave, then forgets the
    # password and resets it.
    lee_phone = open_page(browser, url, PHONE)
    claim_sign_in(lee_phone, slug, lee, member_number_in_mail(lee.email), "copper meadow violin")
    sign_out(lee_phone)
    reset_password(lee_phone, lee, "copper meadow violin", "quiet orchard kettle")

    resolutions = [("Solar roof", "Ordinary resolution"), ("New rules", "Extraordinary resolution")]
    call_meeting(secretary, slug, "Autumn general meeting", resolutions)
    see_meeting_from_its_notice(pat_phone, pat, [title for title, _ in resolutions])

    set_up_election(returning_officer, slug, "Board of Directors")
