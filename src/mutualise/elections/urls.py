from django.urls import path

from . import mailing_views, views
from .views import officer
from .views.notice import notice_pdf_view

app_name = "elections"

urlpatterns = [
    path("", views.election_list, name="list"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/notice.pdf", notice_pdf_view, name="notice_pdf"),
    path("<int:pk>/nominate/", views.nominate, name="nominate"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/vote/", views.vote, name="vote"),
    path("<int:pk>/vote/receipt/", views.cast_receipt, name="cast_receipt"),
    path("<int:pk>/api/cast", views.api_cast, name="api_cast"),
    path("<int:pk>/receipt/", views.receipt, name="receipt"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/results.pdf", views.results_pdf, name="results_pdf"),
    path("<int:pk>/ballots.blt", views.ballots_blt, name="ballots_blt"),
    path("<int:pk>/ballots.csv", views.ballots_csv, name="ballots_csv"),
    path("<int:pk>/receipts.txt", views.receipts_txt, name="receipts_txt"),
    path("<int:pk>/console/", views.console, name="console"),
    path("<int:pk>/co-opt/", views.co_opt, name="co_opt"),
    path("<int:pk>/casting-vote/", views.casting_vote, name="casting_vote"),
    path("<int:pk>/console/step/<slug:name>/", views.step, name="step"),
    path("<int:pk>/console/move/", views.move_poll, name="move_poll"),
    path("<int:pk>/console/roll/", views.freeze_roll, name="freeze_roll"),
    path("<int:pk>/console/codes/", views.issue_codes, name="issue_codes"),
    path("<int:pk>/console/codes/email/", mailing_views.email_codes, name="email_codes"),
    path(
        "<int:pk>/console/codes/email/status.json",
        mailing_views.email_codes_status,
        name="email_codes_status",
    ),
    path("<int:pk>/console/paper/", views.paper_entry, name="paper"),
    path("<int:pk>/console/paper/discard/", views.paper_discard, name="paper_discard"),
    path("<int:pk>/console/replace/", officer.replace_find, name="replace_find"),
    path("<int:pk>/console/replace/<int:entry>/", officer.replace_confirm, name="replace_confirm"),
    path(
        "<int:pk>/console/nominations/paper/",
        officer.paper_nomination,
        name="paper_nomination",
    ),
    path("<int:pk>/console/reject/<int:candidate>/", views.reject, name="reject"),
]
