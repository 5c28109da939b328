"""Password reset by email (Django's PasswordReset views, in the GOV.UK pattern), where a
member lands after signing in, and an officer's recovery codes."""

from __future__ import annotations

import django_otp
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme

from mutualise.register.models import Member

from ..member_models import RecoveryCodes
from ..services import AccountsError, NotPermitted
from ..services import passwords as password_services
from ..services import recovery as recovery_services


class ResetForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254)


def password_reset(request):
    form = ResetForm(request.POST or None)
    error = ""
    if request.method == "POST":
        if form.is_valid():
            try:
                password_services.send_password_reset(
                    form.cleaned_data["email"], client=request.META.get("REMOTE_ADDR", "")
                )
            except password_services.mechanics.Throttled as exc:
                context = {"form": form, "error": str(exc), "page_title": "Reset your password"}
                return render(request, "accounts/password_reset.html", context, status=429)
            return redirect("password_reset_done")
        error = "Enter your email address, like name@example.org"
    context = {
        "form": form,
        "error": error,
        "page_title": ("Error: " if error else "") + "Reset your password",
    }
    return render(request, "accounts/password_reset.html", context, status=400 if error else 200)


def password_reset_done(request):
    return render(request, "accounts/password_reset_done.html", {"page_title": "Check your email"})


class AuditedSetPasswordForm(SetPasswordForm):
    """Django's form, saving through the accounts service (validators, then audited), with
    its messages in the project's words (as the invitation pages say them), not Django's."""

    error_messages = {"password_mismatch": "The two passwords are not the same"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Type the new password again"

    def save(self, commit=True):
        password_services.set_new_password(self.user, self.cleaned_data["new_password1"])
        return self.user


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    form_class = AuditedSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")
    post_reset_login = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context.get("form")
        errors = []
        if form is not None and form.is_bound:
            for name in ("new_password1", "new_password2"):
                errors += [(f"id_{name}", m) for m in form.errors.get(name, [])]
        context["errors"] = errors
        context["page_title"] = ("Error: " if errors else "") + "Choose a new password"
        return context


def password_reset_complete(request):
    return render(
        request, "accounts/password_reset_complete.html", {"page_title": "Password changed"}
    )


@login_required
def landing(request):
    """After signing in: a member of one organisation lands on their membership page."""
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    memberships = list(
        Member.objects.filter(user=request.user, erased_at__isnull=True).select_related(
            "organisation"
        )
    )
    if len(memberships) == 1:
        return redirect("membership", slug=memberships[0].organisation.slug)
    return redirect("home")


@login_required
def recovery_codes(request):
    """Make a new set of recovery codes (signed in with the authenticator app only)."""
    user = request.user
    codes, error = [], ""
    if request.method == "POST":
        try:
            if not user.is_verified() or isinstance(user.otp_device, RecoveryCodes):
                raise NotPermitted(
                    "Sign in with your authenticator app's code to make new recovery codes."
                )
            codes = recovery_services.make_recovery_codes(user, actor=user)
        except (NotPermitted, AccountsError) as exc:
            error = str(exc)
    response = render(
        request,
        "accounts/recovery_codes.html",
        {
            "codes": codes,
            "error": error,
            "left": recovery_services.codes_left(user),
            "has_authenticator": recovery_services.has_authenticator(user),
            "page_title": "Recovery codes",
        },
        status=403 if error else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def use_recovery_code(request):
    """Sign in with a recovery code in place of the authenticator app's code."""
    user = request.user
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    if user.is_verified():
        return redirect(target)
    error = ""
    if request.method == "POST":
        device = RecoveryCodes.objects.filter(user=user, confirmed=True).first()
        code = request.POST.get("code", "")
        if device is None:
            error = "You have no recovery codes. Ask a system administrator to reset your sign-in."
        elif not device.verify_is_allowed()[0]:
            error = "Too many wrong codes in a row: wait a few seconds, then try again"
        elif not device.verify_token(code):
            error = "That recovery code is not right or has been used"
        else:
            django_otp.login(request, device)
            request.session.cycle_key()
            left = recovery_services.codes_left(user)
            messages.info(request, f"Signed in with a recovery code: {left} left.")
            return redirect(target)
    return render(
        request,
        "accounts/use_recovery_code.html",
        {
            "error": error,
            "next": target,
            "page_title": ("Error: " if error else "") + "Use a recovery code",
        },
        status=400 if error else 200,
    )
