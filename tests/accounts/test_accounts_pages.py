"""The founding pages, the roles page and the invitation page, through the test client."""

import pytest
from account_helpers import make_user, token_from
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from mutualise.register.models import Organisation, Role


@pytest.fixture
def sysadmin(db):
    return make_user("root", is_superuser=True, is_staff=True)


# Founding -------------------------------------------------------------------------------------


def test_the_model_list_offers_every_model(client, sysadmin):
    client.force_login(sysadmin)
    page = client.get(reverse("accounts:found_choose"))
    assert page.status_code == 200
    assert b'value="co-operative-society"' in page.content
    chosen = client.get(reverse("accounts:found_choose"), {"model": "co-operative-society"})
    assert chosen.url == reverse("accounts:found_settings", args=["co-operative-society"])
    assert client.get(reverse("accounts:found_choose"), {"model": "nope"}).status_code == 400


@pytest.mark.parametrize("who", ["anonymous", "signed_in"])
def test_only_a_system_administrator_founds_by_default(client, db, who):
    url = reverse("accounts:found_settings", args=["co-operative-society"])
    if who == "signed_in":
        client.force_login(make_user("pat"))
        assert client.get(url).status_code == 403
        assert client.post(url, {"action": "adopt"}).status_code == 403
    else:
        assert client.get(url).status_code == 302
    assert not Organisation.objects.exists()


def test_an_install_may_let_anyone_signed_in_found(client, db, settings):
    settings.MUTUALISE_OPEN_FOUNDING = True
    client.force_login(make_user("pat"))
    assert client.get(reverse("accounts:found_choose")).status_code == 200


def test_settings_form_explains_changes_and_adopts(client, sysadmin):
    client.force_login(sysadmin)
    url = reverse("accounts:found_settings", args=["co-operative-society"])
    page = client.get(url)
    assert b"What its rulebook says" in page.content and b"Value of one share" in page.content
    values = {"organisation.name": "Riverside Wholefoods Co-operative Limited"}
    checked = client.post(url, {**values, "action": "check"})
    assert checked.status_code == 200
    assert b"Riverside Wholefoods Co-operative Limited" in checked.content
    adopted = client.post(url, {**values, "action": "adopt"})
    organisation = Organisation.objects.get()
    assert adopted.url == reverse("accounts:roles", args=[organisation.slug])
    assert organisation.name == "Riverside Wholefoods Co-operative Limited"
    assert organisation.model_slug == "co-operative-society"
    assert Role.objects.filter(
        organisation=organisation, user=sysadmin, kind=Role.Kind.ADMINISTRATOR
    ).exists()
    adopted_text = organisation.current_version.source_text
    assert "# £1 shares\n" in adopted_text  # the model's comments kept, its source marks not
    assert "[R]" not in adopted_text and "[S]" not in adopted_text
    assert "DOMAIN.md" not in adopted_text


def test_the_settings_form_takes_the_purpose_and_the_web_address(client, sysadmin):
    """Issue 13: the founding form lacked the organisation's purpose and its web address."""
    client.force_login(sysadmin)
    url = reverse("accounts:found_settings", args=["co-operative-society"])
    page = client.get(url).content.decode()
    assert 'name="organisation.purpose"' in page and "<textarea" in page
    assert 'name="slug"' in page and "example-wholefoods-co-operative-limited" in page  # suggested
    values = {
        "organisation.name": "Riverside Wholefoods Co-operative Limited",
        "organisation.purpose": "running a wholefood shop\r\nand a cafe for its members",
    }
    checked = client.post(url, {**values, "slug": "Riverside Foods!", "action": "check"})
    assert checked.status_code == 400
    text = checked.content.decode()
    assert 'id="s-slug-error"' in text and 'href="#s-slug"' in text  # at the field, and summary
    assert "riverside-wholefoods-co-operative-limited" in text  # suggested from the new name
    assert not Organisation.objects.exists()
    adopted = client.post(url, {**values, "slug": "riverside-foods", "action": "adopt"})
    organisation = Organisation.objects.get()
    assert adopted.url == reverse("accounts:roles", args=["riverside-foods"])
    assert organisation.slug == "riverside-foods"
    assert organisation.constitution.organisation.purpose == (
        "running a wholefood shop and a cafe for its members"
    )
    again = client.post(url, {**values, "slug": "riverside-foods", "action": "adopt"})
    assert again.status_code == 400 and "already uses /o/riverside-foods/" in again.content.decode()
    assert Organisation.objects.count() == 1


def test_the_editor_keeps_the_web_address_and_refuses_a_bad_one_at_its_field(client, sysadmin):
    client.force_login(sysadmin)
    url = reverse("accounts:found_settings", args=["co-operative-society"])
    page = client.post(url, {"slug": "edited-co-op", "action": "edit"})
    assert 'value="edited-co-op"' in page.content.decode()
    editor = reverse("accounts:found_rulebook", args=["co-operative-society"])
    text = page.context["text"]
    bad = client.post(editor, {"text": text, "slug": "a", "action": "adopt"})
    assert bad.status_code == 400 and 'id="s-slug-error"' in bad.content.decode()
    assert not Organisation.objects.exists()
    client.post(editor, {"text": text, "slug": "edited-co-op", "action": "adopt"})
    assert Organisation.objects.get().slug == "edited-co-op"


def test_settings_errors_are_shown_at_their_fields_and_nothing_is_stored(client, sysadmin):
    client.force_login(sysadmin)
    url = reverse("accounts:found_settings", args=["co-operative-society"])
    page = client.post(
        url,
        {"bodies[0].seats[0].seats": "8", "shares.nominal_value_pence": "lots", "action": "adopt"},
    )
    assert page.status_code == 400
    text = page.content.decode()
    assert "Enter an amount in pounds" in text
    assert not Organisation.objects.exists()
    page = client.post(url, {"bodies[0].seats[0].seats": "8", "action": "adopt"})
    assert page.status_code == 400 and not Organisation.objects.exists()
    assert "govuk-error-summary" in page.content.decode()


def test_edit_goes_to_the_editor_with_the_settings_written_in(client, sysadmin):
    client.force_login(sysadmin)
    url = reverse("accounts:found_settings", args=["co-operative-society"])
    page = client.post(url, {"organisation.name": "Edited Co-op", "action": "edit"})
    assert page.status_code == 200
    assert "name: Edited Co-op" in page.content.decode()
    assert b'name="text"' in page.content


def test_the_editor_shows_every_problem_at_its_line_before_saving(client, sysadmin):
    client.force_login(sysadmin)
    url = reverse("accounts:found_rulebook", args=["co-operative-society"])
    text = client.get(url).context["text"]
    broken = text.replace("  admission_by_board: true", "  admission_by_bored: true").replace(
        "    total_seats: 9", "    total_seats: nine"
    )
    page = client.post(url, {"text": broken, "action": "adopt"})
    assert page.status_code == 400
    problems = page.context["problems"]
    lines = {p["problem"].line for p in problems}
    assert text.splitlines().index("  admission_by_board: true") + 1 in lines
    assert text.splitlines().index("    total_seats: 9") + 1 in lines
    body = page.content.decode()
    assert "did you mean &#x27;admission_by_board&#x27;?" in body or "did you mean" in body
    assert "<mark>" in body
    assert not Organisation.objects.exists()
    fixed = client.post(
        url, {"text": text.replace("Example Wholefoods", "Edited"), "action": "adopt"}
    )
    assert fixed.status_code == 302
    assert Organisation.objects.get().name == "Edited Co-operative Limited"


def test_the_editor_says_so_for_text_that_is_not_yaml(client, sysadmin):
    client.force_login(sysadmin)
    url = reverse("accounts:found_rulebook", args=["co-operative-society"])
    page = client.post(url, {"text": "organisation: [unclosed\n", "action": "check"})
    assert page.status_code == 400 and page.context["problems"]


# Roles page -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["member", "secretary", "returning_officer", "chair", "admin_elsewhere"]
)
def test_the_roles_page_is_for_administrators(client, coop, people, who):
    client.force_login(people[who])
    url = reverse("accounts:roles", args=[coop.slug])
    assert client.get(url).status_code == 403
    posted = client.post(url, {"action": "invite", "email": "x@example.org", "role": "officer"})
    assert posted.status_code == 403
    assert not mail.outbox


def test_the_invitation_form_reports_every_problem_at_once(client, coop, admin):
    """Issue 19: a bad address and no role chosen were reported one per try."""
    client.force_login(admin)
    url = reverse("accounts:roles", args=[coop.slug])
    page = client.post(url, {"action": "invite", "email": "not an address", "role": ""})
    text = page.content.decode()
    assert page.status_code == 400 and not mail.outbox
    assert "Enter an email address in the right format" in text
    assert 'id="role-error"' in text and "Choose a role" in text
    summary = text.split('class="govuk-error-summary', 1)[1].split("</ul>", 1)[0]
    assert 'href="#email"' in summary and 'href="#role"' in summary


def test_anonymous_is_sent_to_sign_in(client, coop):
    page = client.get(reverse("accounts:roles", args=[coop.slug]))
    assert page.status_code == 302 and "/accounts/login/" in page.url


def test_the_administrator_invites_revokes_and_withdraws(
    client, coop, people, django_capture_on_commit_callbacks
):
    client.force_login(people["admin"])
    url = reverse("accounts:roles", args=[coop.slug])
    page = client.get(url)
    assert b"Membership secretary" in page.content and b"Revoke" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {"action": "invite", "email": "Sam@Example.org", "role": "chair"})
    assert sent.status_code == 302
    assert mail.outbox[-1].to == ["sam@example.org"]
    # The link goes to the install's own address, never one taken from the request's Host.
    assert f"{settings.MUTUALISE_SITE_URL}/accounts/invitations/" in mail.outbox[-1].body
    assert "testserver" not in mail.outbox[-1].body
    page = client.get(url)
    assert b"sam@example.org" in page.content
    invitation = page.context["invitations"][0]
    assert (
        client.post(url, {"action": "withdraw", "invitation_id": invitation.pk}).status_code == 302
    )
    role = Role.objects.get(organisation=coop, user=people["secretary"])
    assert client.post(url, {"action": "revoke", "role_id": role.pk}).status_code == 302
    assert not Role.objects.filter(pk=role.pk).exists()


def test_an_independence_refusal_is_shown_on_the_form(client, coop, people):
    client.force_login(people["admin"])
    url = reverse("accounts:roles", args=[coop.slug])
    page = client.post(
        url, {"action": "invite", "email": "sec@example.org", "role": "returning_officer"}
    )
    assert page.status_code == 400
    assert "returning_officer_excludes" in page.content.decode()


def test_a_role_of_another_organisation_cannot_be_revoked_here(client, coop, other_org, people):
    client.force_login(people["admin"])
    theirs = Role.objects.get(organisation=other_org)
    page = client.post(
        reverse("accounts:roles", args=[coop.slug]), {"action": "revoke", "role_id": theirs.pk}
    )
    assert page.status_code == 404
    assert Role.objects.filter(pk=theirs.pk).exists()


# The invitation page ------------------------------------------------------------------------


@pytest.fixture
def link(coop, admin, django_capture_on_commit_callbacks):
    from mutualise.accounts import services

    with django_capture_on_commit_callbacks(execute=True):
        services.invite_to_role(coop, email="new@example.org", kind="officer", actor=admin)
    return reverse("accounts:invitation", args=[token_from(mail.outbox[-1])])


def test_a_new_person_makes_a_sign_in_and_lands_on_their_officer_page(client, coop, link):
    page = client.get(link)
    assert b"Make your sign-in" in page.content and b"new@example.org" in page.content
    mismatch = client.post(link, {"action": "create", "password": "a" * 14, "password2": "b" * 14})
    assert mismatch.status_code == 400
    done = client.post(
        link,
        {
            "action": "create",
            "full_name": "Nia New",
            "password": "tidal quartz meadow",
            "password2": "tidal quartz meadow",
        },
    )
    assert done.status_code == 302
    assert done.url == reverse("register:members", args=[coop.slug])
    assert Role.objects.filter(user__username="new@example.org", kind="officer").exists()
    assert client.get(link).url == done.url  # their own used link takes them to their pages


def test_a_nul_in_the_name_is_refused_in_words_not_a_server_error(client, coop, link):
    """PostgreSQL text cannot hold NUL: the name typed on the invitation page was cleaned by
    the view; now the request-wide guard refuses it first, naming the field."""
    done = client.post(
        link,
        {
            "action": "create",
            "full_name": "Nia\x00 New",
            "password": "tidal quartz meadow",
            "password2": "tidal quartz meadow",
        },
    )
    assert done.status_code == 400 and "&quot;full_name&quot; holds a NUL" in done.content.decode()
    assert not get_user_model().objects.filter(username="new@example.org").exists()


def test_a_used_link_is_gone_for_anyone_else(client, coop, link):
    signed_in = make_user("first", email="new@example.org")
    client.force_login(signed_in)
    assert client.post(link, {"action": "accept"}).status_code == 302
    client.logout()
    assert client.get(link).status_code == 410


def test_another_signed_in_person_holding_the_link_is_refused_clearly(client, coop, link):
    """An attacker with a forwarded or leaked link, signed in as themself: no accept button,
    a plain refusal, a refused POST, the attempt audited, and the link still works for the
    person it was sent to."""
    from mutualise.audit.models import AuditEvent

    client.force_login(make_user("mallory", email="mallory@example.org"))
    page = client.get(link)
    text = page.content.decode()
    assert page.status_code == 403
    assert "You cannot accept this invitation" in text and "n\u2022\u2022\u2022@example.org" in text
    assert "signed in as mallory" in text and 'id="accept"' not in text
    refused = client.post(link, {"action": "accept"})
    assert (
        refused.status_code == 403 and "Only the person it was sent to" in refused.content.decode()
    )
    assert not Role.objects.filter(user__username="mallory").exists()
    assert AuditEvent.objects.filter(organisation=coop, action="invitation.refused").count() == 1
    client.logout()
    client.force_login(make_user("nia", email="New@Example.org"))
    assert client.post(link, {"action": "accept"}).status_code == 302
    assert Role.objects.filter(user__username="nia", kind="officer").exists()


def test_a_wrong_link_is_not_found(client, db):
    assert client.get(reverse("accounts:invitation", args=["nope"])).status_code == 404


def test_a_role_id_isdigit_lets_through_but_int_refuses_is_not_a_500(client, coop, people):
    """'²' passed the roles page's isdigit() check and int() raised on it: a 500."""
    client.force_login(people["admin"])
    url = reverse("accounts:roles", args=[coop.slug])
    for action, key in (("revoke", "role_id"), ("withdraw", "invitation_id")):
        assert client.post(url, {"action": action, key: "²"}).status_code == 404
