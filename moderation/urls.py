from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("act/", views.act, name="act"),
    path("undo/", views.undo, name="undo"),
    path("log/", views.audit_log, name="log"),
    path("scorer/", views.scorer_report, name="scorer"),
    path("report/<id:comment_id>/", views.report, name="report"),
    path("ban/<id:comment_id>/", views.ban_author, name="ban"),
    path("bans/", views.bans, name="bans"),
    path("bans/<id:ban_id>/lift/", views.ban_lift, name="ban_lift"),
    path("<slug:tab>/", views.queue, name="tab"),
]
