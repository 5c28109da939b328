from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("", views.accountability, name="accountability"),
    path("holders/", views.holders, name="holders"),
    path("holders/<int:pk>/end", views.end_holding, name="end_holding"),
    path("reminders/", views.reminders, name="reminders"),
    path("reminders/<int:pk>/close", views.close_reminder, name="close_reminder"),
    path("reports/<slug:kind>.<slug:fmt>", views.annual_report, name="report"),
]

# Mounted at the site's root (not under an organisation).
install_urlpatterns = [
    path("governance/organisations/", views.all_organisations, name="all_organisations"),
]
