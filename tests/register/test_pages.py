"""The register's pages through Django's test client: who may see what, and what each does.
(tests/browser/test_register_pages.py drives the same pages in Chromium with axe.)"""

from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from mutualise.register import services, views
from mutualise.register.models import Member, PendingImport, Role

pytestmark = pytest.mark.django_db
BAD_ROWS = Path(__file__).parent / "data" / "bad_rows.csv"
JOIN = {
    "display_name": "Ada Lovelace",
    "date_of_birth_day": "17",
    "date_of_birth_month": "5",
    "date_of_birth_year": "1990",
    "address": "1 Grey Street",
    "postcode": "ne1 6ee",
    "email": "ada@example.org",
    "contact_channel": "email",
    "is_staff": "no",
    "consent_news": "on",
}


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def test_public_join_form_admits_and_shows_the_number(client, org):
    page = client.get(f"/o/{org.slug}/join/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "which staff group" in body and "nursing or midwifery" in body  # from the rulebook
    response = client.post(f"/o/{org.slug}/join/", JOIN, follow=True)
    assert "Your membership number" in response.content.decode()
    member = Member.objects.get()
    assert member.consents == {"news": True}
    assert (member.status, member.postcode, member.constituency_id) == (
        "admitted",
        "NE1 6EE",
        "public-newcastle",
    )


def test_join_errors_are_summarised_and_linked(client, org):
    bad = {
        **JOIN,
        "display_name": "",
        "postcode": "NE1 XYZ",
        "date_of_birth_day": "31",
        "date_of_birth_month": "2",
    }
    response = client.post(f"/o/{org.slug}/join/", bad)
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'href="#id_display_name"' in body and 'href="#id_postcode"' in body
    assert 'href="#id_date_of_birth_day"' in body and "must be a real date" in body
    assert not Member.objects.exists()


def test_join_ineligible_and_duplicate_are_explained(client, org):
    young = {**JOIN, "date_of_birth_year": "2015"}
    body = client.post(f"/o/{org.slug}/join/", young).content.decode()
    assert "at least 16" in body
    client.post(f"/o/{org.slug}/join/", JOIN)
    body = client.post(f"/o/{org.slug}/join/", JOIN).content.decode()
    assert "You may already be a member" in body
    assert Member.objects.count() == 1


def test_my_membership_and_my_data(client, org):
    user = get_user_model().objects.create_user("ada", password="a-long-password-9")
    client.force_login(user)
    assert "not linked" in client.get(f"/o/{org.slug}/membership/").content.decode()
    client.post(f"/o/{org.slug}/join/", JOIN)
    page = client.get(f"/o/{org.slug}/membership/").content.decode()
    assert "Ada Lovelace" in page and "Membership number" in page
    data = client.get(f"/o/{org.slug}/membership/data.json").json()
    assert data["member"]["email"] == "ada@example.org"


def test_officer_pages_need_the_officer_role(client, org):
    for path in ["members/", "members/import/", "members/report/", "members/export.csv"]:
        assert client.get(f"/o/{org.slug}/{path}").status_code == 302  # to sign in
    stranger = get_user_model().objects.create_user("stranger", password="a-long-password-9")
    client.force_login(stranger)
    assert client.get(f"/o/{org.slug}/members/").status_code == 403


def test_administrator_may_view_and_erase_but_not_change(client, org):
    admin = get_user_model().objects.create_user("admin", password="a-long-password-9")
    services.grant_role(org, admin, Role.Kind.ADMINISTRATOR)
    member = services.join(
        org, display_name="A B", date_of_birth=date(1990, 1, 1), postcode="NE1 1AA"
    )
    client.force_login(admin)
    assert client.get(f"/o/{org.slug}/members/?q=1").status_code == 200
    response = client.post(f"/o/{org.slug}/members/1/cease/", {"reason": "resigned"})
    assert response.status_code == 403
    services.cease(member, "resigned")
    client.post(f"/o/{org.slug}/members/1/erase/")
    member.refresh_from_db()
    assert member.erased_at is not None


def test_search_by_name_number_postcode_email(officer_client, org):
    for name, postcode in [("Ada Lovelace", "NE1 6EE"), ("Charles Babbage", "NE2 1AA")]:
        services.join(
            org,
            display_name=name,
            date_of_birth=date(1990, 1, 1),
            postcode=postcode,
            email=f"{name.split()[0].lower()}@example.org",
        )
    for query, expected in [
        ("babb", "Charles Babbage"),
        ("ada love", "Ada Lovelace"),
        ("2", "Charles Babbage"),
        ("ne1", "Ada Lovelace"),
        ("ne16ee", "Ada Lovelace"),
        ("ADA@example.org", "Ada Lovelace"),
    ]:
        body = officer_client.get(f"/o/{org.slug}/members/", {"q": query}).content.decode()
        assert "1 found" in body and expected in body, query


def test_member_record_actions(officer_client, board_org, officer):
    services.grant_role(board_org, officer, Role.Kind.OFFICER)
    member = services.join(
        board_org, display_name="Ann Applicant", date_of_birth=date(1990, 1, 1), postcode="NE1 1AA"
    )
    base = f"/o/{board_org.slug}/members/{member.number}/"
    assert "Admit" in officer_client.get(base).content.decode()
    officer_client.post(base + "admit/")
    member.refresh_from_db()
    assert member.status == "admitted"
    response = officer_client.post(base + "cease/", {"reason": "died"}, follow=True)
    assert "Member 1 ended" in response.content.decode()
    member.refresh_from_db()
    assert member.status == "ceased"
    response = officer_client.post(base + "rejoin/", follow=True)
    assert "died" in response.content.decode()  # refused, with the reason
    page = officer_client.get(base + "data/").content.decode()
    assert "member.ceased" in page
    assert officer_client.get(base + "data/?format=json").json()["member"]["number"] == 1


def test_import_wizard_preview_accept_and_rejected_download(officer_client, org):
    upload = SimpleUploadedFile("bad_rows.csv", BAD_ROWS.read_bytes(), "text/csv")
    response = officer_client.post(f"/o/{org.slug}/members/import/", {"file": upload})
    pending = PendingImport.objects.get()
    assert response.url.endswith(f"/members/import/{pending.pk}/")
    preview = officer_client.get(response.url).content.decode()
    assert "5 ready to add" in preview and "Nothing has been added yet" in preview
    assert "&#x27;NE1 XYZ&#x27; is not a valid UK postcode" in preview
    assert not Member.objects.exists()
    done = officer_client.post(response.url, follow=True).content.decode()
    assert "5 members added" in done
    pending.refresh_from_db()
    assert pending.state == "done" and bytes(pending.content) == b""
    rejected = officer_client.get(f"/o/{org.slug}/members/import/{pending.pk}/rejected.csv")
    assert b"Problems" in rejected.content and b"R006" in rejected.content
    status = officer_client.get(f"/o/{org.slug}/members/import/{pending.pk}/status.json").json()
    assert status["state"] == "done" and status["rows_done"] == 27


def test_large_imports_run_in_the_background(officer_client, org, monkeypatch):
    """A large import is queued for the worker; the page shows its job's progress bar."""
    from mutualise.jobs.models import Job
    from mutualise.jobs.worker import run_queued

    monkeypatch.setattr(views.imports, "BACKGROUND_ROWS", 1)
    upload = SimpleUploadedFile("bad_rows.csv", BAD_ROWS.read_bytes(), "text/csv")
    response = officer_client.post(f"/o/{org.slug}/members/import/", {"file": upload})
    page = officer_client.post(response.url, follow=True).content.decode()
    assert "<progress" in page and "Waiting for the worker to start it" in page
    assert not Member.objects.exists()
    pending = PendingImport.objects.get()
    assert pending.state == "queued" and pending.job.state == "queued"
    again = officer_client.post(f"/o/{org.slug}/members/import/{pending.pk}/")  # a second click
    assert again.status_code == 302 and Job.objects.count() == 1
    assert run_queued() == 1  # what the worker does
    assert Member.objects.count() == 5
    pending.refresh_from_db()
    assert pending.state == "done" and pending.job.state == "done"
    assert (pending.job.done, pending.job.total) == (27, 27)
    assert "5 members added" in officer_client.get(response.url, follow=True).content.decode()


def test_exports_and_report_pages(officer_client, org):
    services.join(
        org,
        display_name="=cmd|' /C calc'!A0",
        date_of_birth=date(1990, 1, 1),
        postcode="NE1 1AA",
        sex="female",
    )
    csv_text = b"".join(officer_client.get(f"/o/{org.slug}/members/export.csv").streaming_content)
    assert "'=cmd" in csv_text.decode("utf-8-sig")
    xlsx = officer_client.get(f"/o/{org.slug}/members/export.xlsx")
    assert xlsx.content[:2] == b"PK"
    population = SimpleUploadedFile(
        "pop.csv", b"dimension,category,people\nsex,female,51\nsex,male,49\n"
    )
    officer_client.post(f"/o/{org.slug}/members/report/", {"file": population})
    page = officer_client.get(f"/o/{org.slug}/members/report/").content.decode()
    assert "<svg" in page and "51.0%" in page and "100.0%" in page
    bad = SimpleUploadedFile("pop.csv", b"dimension,category,people\nsex,female,many\n")
    response = officer_client.post(f"/o/{org.slug}/members/report/", {"file": bad})
    assert response.status_code == 400 and "line 2, column people" in response.content.decode()


def test_discarding_an_upload_deletes_the_file(officer_client, org):
    upload = SimpleUploadedFile("bad_rows.csv", BAD_ROWS.read_bytes(), "text/csv")
    response = officer_client.post(f"/o/{org.slug}/members/import/", {"file": upload})
    pending = PendingImport.objects.get()
    officer_client.post(f"/o/{org.slug}/members/import/{pending.pk}/discard/")
    assert not PendingImport.objects.exists() and not Member.objects.exists()
    assert officer_client.get(response.url).status_code == 404


def test_officer_changes_details_and_the_recheck_finds_the_move(officer_client, org):
    member = services.join(
        org,
        display_name="Mo Ving",
        date_of_birth=date(1980, 1, 1),
        postcode="NE1 1AA",
        email="mo@example.org",
    )
    url = f"/o/{org.slug}/members/1/edit/"
    assert 'value="NE1 1AA"' in officer_client.get(url).content.decode()
    bad = {
        "display_name": "Mo Ving",
        "postcode": "nowhere",
        "employment_end_day": "40",
        "employment_end_month": "1",
        "employment_end_year": "2026",
    }
    body = officer_client.post(url, bad).content.decode()
    assert 'href="#id_postcode"' in body and 'href="#id_employment_end_day"' in body
    good = {"display_name": "Mo Ving", "postcode": "sw1a 1aa", "email": "mo@example.org"}
    officer_client.post(url, good)
    member.refresh_from_db()
    assert member.postcode == "SW1A 1AA" and member.status == "admitted"
    page = officer_client.get(f"/o/{org.slug}/members/recheck/").content.decode()
    assert "1 Mo Ving" in page and "live in" in page


def test_possible_duplicates_are_shown_and_merged_from_the_record(officer_client, org):
    details = dict(display_name="Di Plicate", date_of_birth=date(1980, 1, 1), postcode="NE1 1AA")
    kept = services.join(org, email="di@example.org", **details)
    services.join(org, allow_duplicate=True, **details)
    page = officer_client.get(f"/o/{org.slug}/members/1/").content.decode()
    assert "Possible duplicates" in page and "Merge 2 into this record" in page
    response = officer_client.post(
        f"/o/{org.slug}/members/1/merge/", {"duplicate": "2"}, follow=True
    )
    assert "Member 1 merged with 2" in response.content.decode()
    assert Member.objects.get(number=2).merged_into == kept
    assert services.active_members(org).count() == 1


def test_import_wizard_asks_who_the_people_are_where_the_board_admits(
    officer_client, org, board_org, officer
):
    services.grant_role(board_org, officer, Role.Kind.OFFICER)
    data = (
        b"Name,DOB,Postcode\nAnn Applicant,1990-01-01,NE1 1AA\nBen Applicant,1991-01-01,NE1 1AB\n"
    )
    for organisation in (org, board_org):
        upload = SimpleUploadedFile("people.csv", data, "text/csv")
        response = officer_client.post(f"/o/{organisation.slug}/members/import/", {"file": upload})
        preview = officer_client.get(response.url).content.decode()
        assert ("Who are these people?" in preview) is (organisation == board_org)
    done = officer_client.post(response.url, {"joining": "applicants"}, follow=True)
    assert "2 applicants added for the board to decide on" in done.content.decode()
    people = Member.objects.filter(organisation=board_org)
    assert {m.status for m in people} == {"applied"}
    assert not services.active_members(board_org).exists()


def test_a_failed_import_says_why_and_keeps_nothing(org, monkeypatch):
    pending = services.upload_import(org, BAD_ROWS.read_bytes(), "bad_rows.csv")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(
        services.imports, "accept_import", broken
    )  # where run_pending_import finds it
    with pytest.raises(RuntimeError):
        services.run_pending_import(pending.pk)
    pending.refresh_from_db()
    assert (pending.state, pending.error) == ("failed", "an internal error")


def test_an_officer_adding_a_member_through_join_is_never_linked_to_them(client, org, officer):
    """Issue 13: the secretary signed in, adding someone through the public Join form, used to
    become that member's sign-in."""
    officer.email = "secretary@example.org"
    officer.save()
    client.force_login(officer)
    assert client.post(f"/o/{org.slug}/join/", JOIN).status_code == 302
    member = Member.objects.get()
    assert member.user is None
    # Even with the officer's own email: an officer is linked only by invitation or a claim.
    client.post(f"/o/{org.slug}/join/", {**JOIN, "display_name": "Bo Other",
                                         "email": "secretary@example.org"})  # fmt: skip
    assert not Member.objects.filter(user=officer).exists()
    from mutualise.audit.models import AuditEvent

    applied = AuditEvent.objects.filter(action="member.applied").order_by("sequence").first()
    assert applied.actor == "secretary"  # recorded as the officer who added them


def test_a_signed_in_person_joining_with_someone_elses_email_is_not_linked(client, org):
    user = get_user_model().objects.create_user(
        "kim", email="kim@example.org", password="a-long-password-9"
    )
    client.force_login(user)
    client.post(f"/o/{org.slug}/join/", JOIN)  # ada@example.org: not kim's own
    assert Member.objects.get().user is None
    client.post(f"/o/{org.slug}/join/", {**JOIN, "display_name": "Kim Lee", "email": "kim@example.org",
                                         "postcode": "ne1 7rr"})  # fmt: skip
    assert Member.objects.get(display_name="Kim Lee").user == user
