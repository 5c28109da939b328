from django.urls import path

from . import views

app_name = "participation"

urlpatterns = [
    path("", views.index, name="index"),
    path("budgets/<int:pk>/", views.budget_page, name="budget"),
    path("budgets/<int:pk>/ballots.pb", views.budget_pb, name="budget_pb"),
    path("delivery/", views.delivery_page, name="delivery"),
    path("delivery.csv", views.delivery_csv, name="delivery_csv"),
]
