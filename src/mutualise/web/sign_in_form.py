"""The sign-in form. A sign-in is named by its username: for everyone invited by email (officers
and members: accounts/services/invitations.py) that is their email address, lower-cased; accounts
made by an administrator or the demo have a plain username. So the one field takes either, and
an email address is matched however it is capitalised."""

from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    def clean_username(self):
        typed = (self.cleaned_data.get("username") or "").strip()
        return typed.lower() if "@" in typed else typed  # invitations store addresses lower-cased
