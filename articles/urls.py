from django.urls import path

from . import author_views, dashboard_views, update_views, views

app_name = "articles"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("articles/<slug:slug>/", views.article_detail, name="detail"),
    path("csrf/", views.csrf_token, name="csrf"),
    path("articles/<slug:slug>/updates/", update_views.update_new, name="update_new"),
    path(
        "articles/<slug:slug>/updates/<id:pk>/edit/", update_views.update_edit, name="update_edit"
    ),
    path(
        "articles/<slug:slug>/updates/<id:pk>/withdraw/",
        update_views.update_withdraw,
        name="update_withdraw",
    ),
    path("author/", author_views.dashboard, name="author_dashboard"),
    path("author/articles/new/", author_views.article_new, name="author_new"),
    path("author/articles/<id:pk>/edit/", author_views.article_edit, name="author_edit"),
    path("author/articles/<id:pk>/preview/", author_views.article_preview, name="author_preview"),
    path(
        "author/articles/<id:pk>/publish/", dashboard_views.article_publish, name="author_publish"
    ),
    path(
        "author/articles/<id:pk>/schedule/",
        author_views.article_schedule,
        name="author_schedule",
    ),
    path(
        "author/articles/<id:pk>/unschedule/",
        dashboard_views.article_unschedule,
        name="author_unschedule",
    ),
    path(
        "author/articles/<id:pk>/comments/",
        dashboard_views.article_comments,
        name="author_comments",
    ),
]
