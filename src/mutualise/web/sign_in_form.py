"""The sign-in form. A sign-in is named by its username: for everyone invited by email (officers
and members: accounts/services/invitations.py) that is their email address, lower-cased; accounts
made by an administrator or the demo have a plain username. So the one field takes either, and
an email address is matched however it is capitalised."""

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

LONGEST = 254  # an email address; django-axes records the name tried in 255 characters


class SignInForm(AuthenticationForm):
    def clean_username(self):
        typed = (self.cleaned_data.get("username") or "").strip()
        if len(typed) > LONGEST:  # PostgreSQL refused axes' record of it: a 500, not a refusal
            raise ValidationError(
                f"Enter your email address or username ({LONGEST} characters at most)"
            )
        return typed.lower() if "@" in typed else typed  # invitations store addresses lower-cased
