from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_new, name="new"),
    path("requisitions/", views.requisitions, name="requisitions"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/prepare/", views.meeting_prepare, name="prepare"),
    path("<int:pk>/change/", views.meeting_edit, name="edit"),
    path(
        "<int:pk>/resolutions/<int:number>/change/",
        views.resolution_edit,
        name="resolution_edit",
    ),
    path(
        "<int:pk>/resolutions/<int:number>/remove/",
        views.resolution_remove,
        name="resolution_remove",
    ),
    path("<int:pk>/minutes/", views.minutes, name="minutes"),
    path("<int:pk>/notice.pdf", views.notice_pdf, name="notice_pdf"),
    path("<int:pk>/resolutions/<int:number>/vote", views.vote, name="vote"),
    path("<int:pk>/resolutions/<int:number>/receipt/", views.vote_receipt, name="vote_receipt"),
    path("<int:pk>/resolutions/<int:number>/hand", views.raise_hand, name="hand"),
    path("<int:pk>/resolutions/<int:number>/ballots.csv", views.ballots_csv, name="ballots_csv"),
    path("<int:pk>/resolutions/<int:number>/receipts.csv", views.receipts_csv, name="receipts_csv"),
    path("<int:pk>/resolutions/<int:number>/paper/", views.paper_poll, name="paper_poll"),
    path("<int:pk>/motions/", views.motions, name="motions"),
    path("<int:pk>/proxy", views.appoint_proxy, name="proxy"),
    path("<int:pk>/proxy/revoke", views.revoke_proxy, name="revoke_proxy"),
    path("<int:pk>/join", views.join_online, name="join"),
    path("<int:pk>/console/", views.console, name="console"),
    path("<int:pk>/console/action", views.console_action, name="console_action"),
    path("<int:pk>/letters.pdf", views.letters_pdf, name="letters_pdf"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/results.json", views.results_json, name="results_json"),
]
