"""Gunicorn's access log without the secrets that travel in links.

An invitation, a membership claim's confirmation and a password reset carry their token in the
path, and a page reached from one sends it on as the Referer of its stylesheet: logged as they
come, every link's token would sit in the server's log for whoever reads it. This logger class
(`gunicorn --logger-class mutualise.web.access_log.RedactingLogger`, as `mutualise demo` runs it)
masks every path segment that looks like a token and logs no query string and no Referer.
"""

from __future__ import annotations

import re

from gunicorn.glogging import Logger

# A token: 20 or more characters of the URL-safe alphabet in one path segment (Django's reset
# tokens and uidb64 pairs, our invitation tokens). Ordinary segments are words and ids; the
# organisation's slug after /o/ is kept, however long (no link carries a token there).
TOKEN = re.compile(r"(?<=/)(?<!^/o/)[A-Za-z0-9_\-:.]{20,}(?=/|$)")
ANYWHERE = re.compile(r"[A-Za-z0-9_\-]{20,}")
MASK = "[secret]"


def redact_path(path: str) -> str:
    return TOKEN.sub(MASK, path or "")


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = redact_path(environ.get("PATH_INFO", ""))
        atoms["U"] = path
        atoms["r"] = f"{environ['REQUEST_METHOD']} {path} {environ['SERVER_PROTOCOL']}"
        atoms["q"] = ""
        atoms["f"] = "-"
        # Headers and the environment ({...}i, {...}e) may hold the link too (Referer, RAW_URI).
        for key, value in atoms.items():
            if key.startswith("{") and isinstance(value, str):
                atoms[key] = ANYWHERE.sub(MASK, value)
        return atoms
