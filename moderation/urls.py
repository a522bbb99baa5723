from django.urls import path

from . import (
    views,
    views_audit,
    views_bans,
    views_commenters,
    views_inplace,
    views_reports,
    views_webhooks,
)

app_name = "moderation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("act/", views.act, name="act"),
    path("undo/", views.undo, name="undo"),
    path("log/", views_audit.audit_log, name="log"),
    path("scorer/", views.scorer_report, name="scorer"),
    path("search/", views.search, name="search"),
    path("report/<id:comment_id>/", views_reports.report, name="report"),
    path("ban/<id:comment_id>/", views_bans.ban_author, name="ban"),
    path("ban/<id:comment_id>/open/", views_bans.ban_author_open, name="ban_open"),
    path("comment/<id:comment_id>/", views_inplace.comment_moderate, name="inplace"),
    path("bans/", views_bans.bans, name="bans"),
    path("bans/<id:ban_id>/lift/", views_bans.ban_lift, name="ban_lift"),
    path("commenter/<id:comment_id>/", views_commenters.commenter, name="commenter"),
    path("notes/<id:note_id>/delete/", views_commenters.note_delete, name="note_delete"),
    path("webhooks/", views_webhooks.webhooks, name="webhooks"),
    path("webhooks/<id:webhook_id>/switch/", views_webhooks.webhook_switch, name="webhook_switch"),
    path("webhooks/<id:webhook_id>/delete/", views_webhooks.webhook_delete, name="webhook_delete"),
    path("<slug:tab>/", views.queue, name="tab"),
]
