from django.urls import path

from . import views, views_author, views_data, views_follow

app_name = "readers"

urlpatterns = [
    path("articles/<slug:slug>/follow/", views_follow.follow, name="follow"),
    path("articles/<slug:slug>/unfollow/", views_follow.unfollow, name="unfollow"),
    path("follow/confirm/<str:token>/", views_follow.follow_confirm, name="follow_confirm"),
    path("replies/confirm/<str:token>/", views_follow.reply_confirm, name="reply_confirm"),
    path("unsubscribe/<str:token>/", views_follow.unsubscribe, name="unsubscribe"),
    path("comments/<id:comment_id>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<id:comment_id>/delete/", views.comment_delete, name="comment_delete"),
    path("comments/mine/", views.my_comments, name="my_comments"),
    path("comments/mine/export.json", views.my_comments_export, name="my_comments_export"),
    path("comments/mine/delete/", views.my_comments_delete_all, name="my_comments_delete_all"),
    path("comments/manage/", views.manage_request, name="manage_request"),
    path("comments/manage/<str:token>/", views.manage_enter, name="manage_enter"),
    path("accounts/name/", views.account_name, name="account_name"),
    path("data/", views_data.data_page, name="data"),
    path("data/export.json", views_data.data_export, name="data_export"),
    path("data/delete/", views_data.data_delete, name="data_delete"),
    path("author/digest/", views_author.author_digest, name="author_digest"),
]
