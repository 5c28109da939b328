from django.urls import path

from . import views

app_name = "register"

urlpatterns = [
    path("join/", views.join, name="join"),
    path("join/done/", views.join_done, name="join_done"),
    # membership/ itself is the web app's page (web/membership.py): it shows every app's part
    path("membership/data.json", views.my_data, name="my_data"),
    path("members/", views.members, name="members"),
    path("members/export.<str:fmt>", views.export, name="export"),
    path("members/add/", views.add_member, name="add_member"),
    path("members/export/", views.export_job, name="export_job"),
    path("members/recheck/", views.recheck, name="recheck"),
    path("members/report/", views.report, name="report"),
    path("members/import/", views.import_upload, name="import"),
    path("members/import/template.<str:fmt>", views.import_template, name="import_template"),
    path("members/import/<int:pk>/", views.import_preview, name="import_preview"),
    path("members/import/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("members/import/<int:pk>/status.json", views.import_status, name="import_status"),
    path("members/import/<int:pk>/rejected.csv", views.import_rejected, name="import_rejected"),
    path("members/import/<int:pk>/discard/", views.import_discard, name="import_discard"),
    path("members/<int:number>/", views.member, name="member"),
    path("members/<int:number>/data/", views.member_data, name="member_data"),
    path("members/<int:number>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:number>/<slug:action>/", views.member_action, name="member_action"),
]
