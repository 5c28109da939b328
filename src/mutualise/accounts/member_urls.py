"""The pages of members' sign-ins (appended to the accounts app's urls, same namespace)."""

from django.urls import path

from .views import member_details, member_invitations, member_sign_in, passwords

urlpatterns = [
    path("accounts/start/", passwords.landing, name="landing"),
    path(
        "accounts/membership-invitations/<str:token>/",
        member_sign_in.member_invitation,
        name="member_invitation",
    ),
    path("accounts/two-factor/recovery-codes/", passwords.recovery_codes, name="recovery_codes"),
    path("accounts/two-factor/recovery/", passwords.use_recovery_code, name="use_recovery_code"),
    path("o/<slug:slug>/sign-in/claim/", member_sign_in.claim, name="claim"),
    path("o/<slug:slug>/sign-in/claim/sent/", member_sign_in.claim_sent, name="claim_sent"),
    path(
        "o/<slug:slug>/membership/change/<slug:group>/",
        member_details.change_details,
        name="change_details",
    ),
    path("o/<slug:slug>/membership/resign/", member_details.resign, name="resign"),
    path(
        "o/<slug:slug>/members/sign-ins/",
        member_invitations.member_invitations,
        name="member_invitations",
    ),
    path(
        "o/<slug:slug>/members/changes/", member_invitations.details_changes, name="details_changes"
    ),
    path(
        "o/<slug:slug>/members/changes/<int:pk>/",
        member_invitations.decide_change,
        name="decide_change",
    ),
]

# Django's names, outside any namespace (its password views reverse them so).
password_urlpatterns = [
    path("accounts/password-reset/", passwords.password_reset, name="password_reset"),
    path(
        "accounts/password-reset/sent/", passwords.password_reset_done, name="password_reset_done"
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        passwords.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/reset/done/", passwords.password_reset_complete, name="password_reset_complete"),
]
