"""Mail settings from the environment, read by web/settings.py (imports nothing of Django's but
its configuration error, so the settings module can call it).

Either one URL, `MUTUALISE_EMAIL_URL`:

    smtp://user:password@host:587?tls=1    SMTP, STARTTLS after connecting (port 587 by default)
    smtp://host:25                         SMTP in clear, e.g. to a relay on the same network
    smtps://user:password@host:465         SMTP inside TLS from the first byte (port 465)
    file:///var/lib/mutualise/mail         each message written to a file there (demos)
    console://                             printed on the server's output (demos, debugging)
    memory://                              kept in memory (tests)

(user and password percent-encoded: `@` is %40, `/` is %2F; `?timeout=SECONDS` for SMTP), or the
usual separate settings MUTUALISE_EMAIL_HOST, _PORT, _USER, _PASSWORD, _USE_TLS (STARTTLS) and
_USE_SSL. With neither, mail goes to an SMTP server on localhost:25 (Django's default, a local
MTA), and `check --deploy` warns. A malformed URL stops the server with a message saying what
is wrong; the password is never repeated in it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

SMTP = "django.core.mail.backends.smtp.EmailBackend"
BACKENDS = {
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "memory": "django.core.mail.backends.locmem.EmailBackend",
}
# Backends that do not deliver: refused by the production settings outside a demo or debugging.
NOT_DELIVERING = set(BACKENDS.values())
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")


class EmailURLError(ImproperlyConfigured):
    pass


def _flag(name: str, value: str) -> bool:
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise EmailURLError(f"{name}: '{value}' is not 1 or 0")


def _shown(url: str) -> str:
    """The URL as it may be printed: whatever stands between the user's ':' and the last '@'
    (the password, even one with a raw '@', '/' or '%' in it) replaced by ***. Works on the raw
    text, so a URL that urlsplit refuses is masked as well."""
    at = url.rfind("@")
    if at < 0:
        return url
    start = url.find("//")
    start = start + 2 if 0 <= start < at else 0
    colon = url.find(":", start, at)
    if colon < 0:
        return url
    return url[: colon + 1] + "***" + url[at:]


def parse_email_url(url: str) -> dict:
    """Django's EMAIL_* settings for one MUTUALISE_EMAIL_URL (see the module's doc)."""
    where = f"MUTUALISE_EMAIL_URL={_shown(url)!r}"
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # "Invalid IPv6 URL", NFKC: the message repeats the password
        raise EmailURLError(f"{where}: not a URL (a '[' or ']' or odd characters?)") from None
    try:
        port = parts.port
    except ValueError as exc:
        raise EmailURLError(f"{where}: {exc} (the port must be a number 1-65535)") from None
    if port == 0:
        raise EmailURLError(f"{where}: port 0 (the port must be a number 1-65535)")
    scheme = parts.scheme.lower()
    if scheme in ("file", "console", "memory"):
        settings = {"EMAIL_BACKEND": BACKENDS[scheme]}
        if scheme == "file":
            path = unquote(parts.netloc + parts.path)
            if not path:
                raise EmailURLError(f"{where}: say which folder, e.g. file:///var/mail/mutualise")
            settings["EMAIL_FILE_PATH"] = str(Path(path))
        return settings
    if scheme not in ("smtp", "smtps"):
        raise EmailURLError(
            f"{where}: unknown scheme '{parts.scheme}'; use smtp://, smtps://, file://, "
            "console:// or memory://"
        )
    if not parts.hostname:
        raise EmailURLError(f"{where}: no host, e.g. smtp://user:password@mail.example.org:587")
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - {"tls", "ssl", "timeout"})
    if unknown:
        raise EmailURLError(f"{where}: unknown option(s) {', '.join(unknown)}; use tls, timeout")
    use_tls = _flag(f"{where} ?tls", query.get("tls", ["0"])[-1])
    use_ssl = scheme == "smtps" or _flag(f"{where} ?ssl", query.get("ssl", ["0"])[-1])
    if use_tls and use_ssl:
        raise EmailURLError(f"{where}: smtps:// (TLS from the start) and ?tls=1 (STARTTLS) clash")
    settings = {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port or (465 if use_ssl else 587 if use_tls else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
    }
    if "timeout" in query:
        try:
            timeout = float(query["timeout"][-1])
        except ValueError:
            timeout = 0.0
        if not 0 < timeout < float("inf"):
            raise EmailURLError(f"{where}: ?timeout must be a number of seconds above 0")
        settings["EMAIL_TIMEOUT"] = timeout
    return settings


def email_settings(environ) -> dict:
    """Django's EMAIL_* settings from the environment: the URL, or the separate settings."""
    url = environ.get("MUTUALISE_EMAIL_URL", "").strip()
    if url:
        return parse_email_url(url)
    host = environ.get("MUTUALISE_EMAIL_HOST", "").strip()
    if not host:
        return {"EMAIL_BACKEND": SMTP, "EMAIL_HOST": "localhost", "EMAIL_PORT": 25}
    port_text = environ.get("MUTUALISE_EMAIL_PORT", "").strip()
    if port_text and not (port_text.isdecimal() and 0 < int(port_text) < 65536):
        raise EmailURLError(f"MUTUALISE_EMAIL_PORT: '{port_text}' is not a port number 1-65535")
    use_tls = _flag("MUTUALISE_EMAIL_USE_TLS", environ.get("MUTUALISE_EMAIL_USE_TLS", "0"))
    use_ssl = _flag("MUTUALISE_EMAIL_USE_SSL", environ.get("MUTUALISE_EMAIL_USE_SSL", "0"))
    if use_tls and use_ssl:
        raise EmailURLError("MUTUALISE_EMAIL_USE_TLS and MUTUALISE_EMAIL_USE_SSL: choose one")
    return {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": host,
        "EMAIL_PORT": int(port_text) if port_text else (465 if use_ssl else 587 if use_tls else 25),
        "EMAIL_HOST_USER": environ.get("MUTUALISE_EMAIL_USER", ""),
        "EMAIL_HOST_PASSWORD": environ.get("MUTUALISE_EMAIL_PASSWORD", ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
    }


def configured(environ) -> bool:
    return bool(
        environ.get("MUTUALISE_EMAIL_URL", "").strip()
        or environ.get("MUTUALISE_EMAIL_HOST", "").strip()
    )


def number_setting(environ, name: str, default: float) -> float:
    """A number at least 0 from the environment, or a clear error saying which."""
    text = environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1
    if value < 0 or value != value:
        raise ImproperlyConfigured(f"{name}: '{text}' is not a number (0 or more)")
    return value
