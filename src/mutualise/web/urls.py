from django.contrib.auth import views as auth_views
from django.urls import include, path

from mutualise.accounts.member_urls import password_urlpatterns
from mutualise.governance import urls as governance_urls

from . import bounces, demo_clock, failed_mail, membership, org_home, outbox, signin, views
from .sign_in_form import SignInForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("demo/clock/", demo_clock.page, name="demo_clock"),
    # Django puts the request's host in site_name; the service is called mutualise here.
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, extra_context={"site_name": "mutualise"}
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", signin.two_factor, name="two_factor"),
    path("", include("mutualise.accounts.urls")),
    path("", include(password_urlpatterns)),
    path("outbox/", outbox.install_outbox, name="outbox"),
    path("o/<slug:slug>/", org_home.organisation, name="organisation"),
    path("o/<slug:slug>/membership/", membership.membership, name="membership"),
    path("o/<slug:slug>/outbox/", outbox.organisation_outbox, name="organisation_outbox"),
    path("o/<slug:slug>/bouncing/", bounces.bouncing, name="bouncing"),
    path("o/<slug:slug>/mail/failed/", failed_mail.failed_mail, name="failed_mail"),
    path(
        "o/<slug:slug>/mail/failed/<int:pk>/resend/",
        failed_mail.resend,
        name="failed_mail_resend",
    ),
    path("o/<slug:slug>/constitution/", views.constitution, name="constitution"),
    path("o/<slug:slug>/constitution/rulebook.yaml", views.rulebook_file, name="rulebook_file"),
    # Each app's pages live under its organisation: /o/<slug>/... Elections first: casting is
    # the busiest path, and the register's patterns would otherwise all be tried before it.
    path("o/<slug:slug>/elections/", include("mutualise.elections.urls")),
    path("o/<slug:slug>/", include("mutualise.register.urls")),
    path("o/<slug:slug>/meetings/", include("mutualise.meetings.urls")),
    path("o/<slug:slug>/participation/", include("mutualise.participation.urls")),
    path("o/<slug:slug>/accountability/", include("mutualise.governance.urls")),
    path("o/<slug:slug>/shares/", include("mutualise.stake.urls")),
    path("o/<slug:slug>/jobs/", include("mutualise.jobs.urls")),
    path("", include((governance_urls.install_urlpatterns, "governance_install"))),
]

# Django's own 403 knows nothing of roles: ours says who is signed in and where they can go.
handler403 = "mutualise.web.errors.permission_denied"
