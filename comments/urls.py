from django.urls import path

from . import views, views_picks

app_name = "comments"

urlpatterns = [
    path("post/", views.comment_post, name="post"),
    path("<id:comment_id>/", views.comment_permalink, name="permalink"),
    path("<id:comment_id>/status/", views.comment_status, name="status"),
    path("<id:comment_id>/pick/", views_picks.pick, name="pick"),
    path("<id:comment_id>/unpick/", views_picks.unpick, name="unpick"),
]
