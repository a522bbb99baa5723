from django.urls import path

from . import views, views_details, views_fragment, views_live, views_picks, views_votes

app_name = "comments"

urlpatterns = [
    path("post/", views.comment_post, name="post"),
    path("details/forget/", views_details.details_forget, name="details_forget"),
    path("<id:comment_id>/", views.comment_permalink, name="permalink"),
    path("<id:comment_id>/status/", views.comment_status, name="status"),
    path("<id:comment_id>/fragment/", views_fragment.comment_fragment, name="fragment"),
    path("<id:comment_id>/pick/", views_picks.pick, name="pick"),
    path("<id:comment_id>/unpick/", views_picks.unpick, name="unpick"),
    path("<id:comment_id>/vote/", views_votes.vote, name="vote"),
    path("order/<id:article_id>/", views_votes.order, name="order"),
    path("live/<id:article_id>/", views_live.live, name="live"),
]
