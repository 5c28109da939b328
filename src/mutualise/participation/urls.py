from django.urls import path

from . import views, views_officer, views_paper, views_setup

app_name = "participation"

urlpatterns = [
    path("", views.index, name="index"),
    path("budgets/new/", views_setup.budget_form, name="budget_new"),
    path("budgets/<int:pk>/settings/", views_setup.budget_form, name="budget_settings"),
    path("budgets/<int:pk>/", views.budget_page, name="budget"),
    path("budgets/<int:pk>/paper/", views_paper.paper_ballots, name="paper"),
    path("budgets/<int:pk>/ballots.pb", views.budget_pb, name="budget_pb"),
    path("proposals/<int:pk>/moderate/", views_officer.moderate, name="moderate"),
    path("delivery/", views.delivery_page, name="delivery"),
    path("delivery/<int:pk>/update/", views_officer.delivery_update, name="delivery_update"),
    path("delivery.csv", views.delivery_csv, name="delivery_csv"),
]
