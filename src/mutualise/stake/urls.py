from django.urls import path

from . import member_pages, officer_pages, settle_pages, views

app_name = "stake"

urlpatterns = [
    path("", views.my_account, name="my_account"),
    path("withdraw/", member_pages.withdraw, name="withdraw"),
    path("withdraw/<int:pk>/cancel", member_pages.cancel, name="cancel_withdrawal"),
    path("interest/", member_pages.choose_interest, name="choose_interest"),
    path("nominate/", member_pages.nominate, name="nominate"),
    path("offers/", views.offers, name="offers"),
    path("offers/<int:pk>/", views.offer, name="offer"),
    path("register/", views.register_view, name="register"),
    path("register/<int:number>/", officer_pages.register_member, name="register_member"),
    path("register/<int:number>/death/", settle_pages.settle_death, name="settle_death"),
    path(
        "register/<int:number>/bankruptcy/",
        settle_pages.settle_bankruptcy,
        name="settle_bankruptcy",
    ),
    path("statements/<int:year>.pdf", views.statement, name="statement"),
    path("certificates/<int:pk>.pdf", views.certificate, name="certificate"),
]
