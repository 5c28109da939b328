"""The accounts pages, at their full paths (included at the site's root by web/urls.py)."""

from django.urls import path

from .views import invitations

app_name = "accounts"

urlpatterns = [
    path("accounts/invitations/<str:token>/", invitations.invitation, name="invitation"),
]
