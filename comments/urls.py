from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("post/", views.comment_post, name="post"),
    path("<id:comment_id>/", views.comment_permalink, name="permalink"),
    path("<id:comment_id>/status/", views.comment_status, name="status"),
]
