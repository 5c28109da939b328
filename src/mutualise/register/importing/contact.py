"""How to reach the member: email, phone, and the way they want to be contacted."""

from __future__ import annotations

from .fields import _EMAIL, _PHONE, CHANNELS
from .row_values import RowValues


class ContactCheck:
    def __init__(self, row: RowValues):
        self.i_email = row.slot_of("email")
        self.has_phone, self.i_phone = row.has("phone"), row.slot_of("phone")
        self.has_channel = row.has("contact_channel")
        self.i_channel = row.slot_of("contact_channel")

    def check(self, values: list, bad) -> tuple[str, str, str]:
        """(email, lower-cased, or "" if none or bad; phone; channel)."""
        email = values[self.i_email] or ""
        if email:
            email = email.lower()
            if not _EMAIL.match(email):
                bad(("email", f"'{values[self.i_email]}' is not an email address", "bad_email"))
                email = ""
        phone = ""
        if self.has_phone:
            phone = values[self.i_phone] or ""
            if phone and not _PHONE.match(phone):
                bad(("phone", f"'{phone}' is not a phone number", "bad_phone"))
        channel = "post"
        if self.has_channel:
            channel = CHANNELS.get(str(values[self.i_channel] or "").lower())
            if channel is None:
                bad(
                    (
                        "contact_channel",
                        f"'{values[self.i_channel]}' is not one of post, email, phone or text",
                        "bad_channel",
                    )
                )
                channel = "post"
            elif channel == "email" and not email:
                bad(("contact_channel", "contact by email needs an email address", "bad_channel"))
        return email, phone, channel
