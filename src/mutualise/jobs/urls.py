from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("<int:pk>/", views.job_page, name="job"),
    path("<int:pk>/status", views.job_status, name="status"),
    path("<int:pk>/file", views.job_download, name="download"),
    path("<int:pk>/file/delete", views.job_delete_file, name="delete_file"),
]
