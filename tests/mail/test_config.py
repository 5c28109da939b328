"""MUTUALISE_EMAIL_URL and the separate settings, read into Django's EMAIL_* settings."""

import pytest

from mutualise.mail.config import SMTP, EmailURLError, email_settings, parse_email_url


def test_smtp_with_starttls_and_a_percent_encoded_login():
    got = parse_email_url("smtp://members%40example.org:p%2Fss@mail.example.org?tls=1&timeout=9")
    assert got == {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "members@example.org",
        "EMAIL_HOST_PASSWORD": "p/ss",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 9.0,
    }


def test_smtps_and_plain_smtp_default_ports():
    assert parse_email_url("smtps://u:p@mx.example.org")["EMAIL_PORT"] == 465
    assert parse_email_url("smtps://u:p@mx.example.org")["EMAIL_USE_SSL"] is True
    assert parse_email_url("smtp://relay:2525")["EMAIL_PORT"] == 2525
    assert parse_email_url("smtp://relay")["EMAIL_PORT"] == 25


def test_file_console_and_memory_backends():
    assert parse_email_url("file:///var/mail/m") == {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": "/var/mail/m",
    }
    assert parse_email_url("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    assert parse_email_url("memory://")["EMAIL_BACKEND"].endswith("locmem.EmailBackend")


@pytest.mark.parametrize(
    "url, said",
    [
        ("smtp://u:hunter2@mx:notaport", "port must be a number"),
        ("smtp://", "no host"),
        ("imap://mx", "unknown scheme 'imap'"),
        ("smtp://mx?tls=maybe", "'maybe' is not 1 or 0"),
        ("smtps://mx?tls=1", "clash"),
        ("smtp://mx?timeout=soon", "timeout must be a number"),
        ("file://", "say which folder"),
    ],
)
def test_a_malformed_url_says_what_is_wrong_without_the_password(url, said):
    with pytest.raises(EmailURLError) as caught:
        parse_email_url(url)
    assert said in str(caught.value) and "hunter2" not in str(caught.value)


def test_the_separate_settings_and_the_default():
    env = {
        "MUTUALISE_EMAIL_HOST": "mx.example.org",
        "MUTUALISE_EMAIL_USER": "u",
        "MUTUALISE_EMAIL_PASSWORD": "p",
        "MUTUALISE_EMAIL_USE_TLS": "1",
    }
    got = email_settings(env)
    assert (got["EMAIL_HOST"], got["EMAIL_PORT"], got["EMAIL_USE_TLS"]) == (
        "mx.example.org",
        587,
        True,
    )
    assert email_settings({"MUTUALISE_EMAIL_URL": "console://", **env})["EMAIL_BACKEND"].endswith(
        "console.EmailBackend"
    )  # the URL wins
    assert email_settings({})["EMAIL_HOST"] == "localhost"
    with pytest.raises(EmailURLError, match="MUTUALISE_EMAIL_PORT: 'x'"):
        email_settings({**env, "MUTUALISE_EMAIL_PORT": "x"})


@pytest.mark.parametrize(
    "url, said",
    [
        ("smtp://u:hunter2@[mx", "not a URL"),  # urlsplit's "Invalid IPv6 URL", raised unmasked
        ("smtp://u:hunter2\uff03@mx", "not a URL"),  # NFKC: urlsplit's message held the password
        ("smtp://u:hunter2@mx:0", "port 0"),  # was taken as "no port": 25
        ("smtp://u:hunter2@mx?timeout=-5", "above 0"),  # failed only when the worker sent
        ("smtp://u:hunter2@mx?timeout=nan", "above 0"),
        ("://u:hunter2@mx", "unknown scheme ''"),  # no scheme: urlsplit found no password
    ],
)
def test_urls_urlsplit_refuses_or_misreads_say_so_without_the_password(url, said):
    with pytest.raises(EmailURLError) as caught:
        parse_email_url(url)
    assert said in str(caught.value) and "hunter2" not in str(caught.value)


def test_a_password_with_a_raw_at_or_percent_is_read_whole():
    assert parse_email_url("smtp://u:p@ss@mx")["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert parse_email_url("smtp://u:p@ss@mx")["EMAIL_HOST"] == "mx"
    assert parse_email_url("smtp://u:100%25@mx")["EMAIL_HOST_PASSWORD"] == "100%"
