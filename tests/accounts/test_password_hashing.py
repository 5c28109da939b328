"""The install hashes passwords with Argon2 (the suite swaps in a cheap hasher for speed, in
tests/conftest.py): the settings module itself is what production runs."""

import importlib


def test_the_settings_hash_new_passwords_with_argon2_and_still_read_pbkdf2():
    production = importlib.import_module("mutualise.web.settings")
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in production.PASSWORD_HASHERS
    assert not any("MD5" in name or "SHA1" in name for name in production.PASSWORD_HASHERS)
