"""The accounts pages, at their full paths (included at the site's root by web/urls.py)."""

from django.urls import path

from .member_urls import urlpatterns as member_urlpatterns
from .views import founding, invitations, roles

app_name = "accounts"

urlpatterns = [
    path("accounts/invitations/<str:token>/", invitations.invitation, name="invitation"),
    path("organisations/new/", founding.choose, name="found_choose"),
    path("organisations/new/<slug:model>/", founding.settings_form, name="found_settings"),
    path("organisations/new/<slug:model>/rulebook/", founding.rulebook, name="found_rulebook"),
    path("o/<slug:slug>/roles/", roles.roles, name="roles"),
]
urlpatterns += member_urlpatterns
