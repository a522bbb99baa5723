from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_comments.abstracts import CommentAbstractModel
from django_comments.models import Comment as DjangoComment
from django_comments_xtd.models import XtdComment

from articles.models import Article
from core.db_insert import CompiledInsert
from core.text import text_fingerprint  # noqa: F401 - where the comment code imports it


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")  # stored, not yet scored
    PUBLISHED = "published", _("Published")
    HELD = "held", _("Held for a moderator")
    SPAM = "spam", pgettext_lazy("comment state", "Spam")
    REMOVED = "removed", _("Removed")  # by a moderator
    DELETED = "deleted", _("Deleted by its author")


# States whose comment the poster still sees, marked "awaiting moderation". Spam is shown
# to its poster like a held comment so that a bot learns nothing from the verdict.
AWAITING_STATES = (CommentStatus.PENDING, CommentStatus.HELD, CommentStatus.SPAM)
# Editor's picks an article shows above its threads at most.
PICKS_PER_ARTICLE = 3


class CommentQuerySet(models.QuerySet):
    def published(self) -> "CommentQuerySet":
        return self.filter(status=CommentStatus.PUBLISHED)


def own_q(*, user_id: int | None, own_ids: frozenset[int]) -> Q | None:
    """Comments by this account or posted from this browser as a guest; None when there are
    none. A browser's list names guest comments only: one kept from before it did could name
    an account's, which the browser's next user must not be shown as theirs."""
    conditions = ([Q(pk__in=own_ids, user__isnull=True)] if own_ids else []) + (
        [Q(user_id=user_id)] if user_id else []
    )
    if not conditions:
        return None
    own = conditions[0]
    for condition in conditions[1:]:
        own |= condition
    return own


def visible_to_q(*, user_id: int | None, own_ids: frozenset[int]) -> Q:
    """Comments a viewer sees: published ones, plus their own that await moderation."""
    visible = Q(status=CommentStatus.PUBLISHED)
    own = own_q(user_id=user_id, own_ids=own_ids)
    return visible if own is None else visible | (own & Q(status__in=AWAITING_STATES))


class Comment(XtdComment):
    """A reader's comment on an article.

    Threading fields (`thread_id`, `parent_id`, `level`, `order`) come from django-comments-xtd;
    Parley computes them in `comments.services.comment_submit` under a thread lock instead of
    xtd's two unlocked saves. `status` is the source of truth for moderation; `is_public` and
    `is_removed` mirror it for django_comments. `nested_count` caches the number of published
    descendants and is recounted by `comments.services.thread_recount`.
    """

    xtdcomment_ptr = models.OneToOneField(
        XtdComment,
        on_delete=models.CASCADE,
        parent_link=True,
        primary_key=True,
        related_name="parley_comment",
    )
    # No index of its own: comment_article_status leads with it (migration 0011).
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="comments", db_index=False
    )
    status = models.CharField(
        max_length=16, choices=CommentStatus.choices, default=CommentStatus.PENDING
    )
    comment_html = models.TextField(editable=False, default="")
    user_agent = models.CharField(max_length=300, blank=True, default="")
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # What the form told us when it was sent, for the spam scorer: seconds between the form
    # being shown and sent, and whatever was typed into the honeypot.
    submission_meta = models.JSONField(default=dict, db_default={}, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Fingerprint of the text (case and spacing ignored), so repeated texts are found by index.
    text_hash = models.CharField(max_length=40, blank=True, default="", db_default="")
    # The proven identity behind the comment (core.keys.author_key_for); "" for an unproven
    # guest.
    author_key = models.CharField(max_length=48, blank=True, default="", db_default="")
    # An Editor's pick (comments.services.picks): shown above the threads while published.
    picked_at = models.DateTimeField(null=True, blank=True)
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Readers' votes (comments.models_votes.Vote), counted here by comments.services.votes,
    # and the Wilson lower bound of their up share that the "best" order sorts threads by.
    upvotes = models.PositiveIntegerField(default=0, db_default=0)
    downvotes = models.PositiveIntegerField(default=0, db_default=0)
    best_score = models.FloatField(default=0.0, db_default=0.0)

    objects = CommentQuerySet.as_manager()

    # Not stored: whether the comment it answers asked to hear of replies, when the
    # transaction that placed this reply read it anyway (comment_submit), so nobody reads
    # it again.
    parent_followup: bool | None = None

    @property
    def answered_id(self) -> int:
        """The comment its poster replied to: the parent, except at the deepest level, where
        a reply is placed beside the comment it answers (comments.services.placing)."""
        return (self.submission_meta or {}).get("replied_to") or self.parent_id

    class Meta:
        ordering = ["thread_id", "order"]
        indexes = [
            # Also every query by article alone, and by status alone through the next one.
            models.Index(fields=["article", "status"], name="comment_article_status"),
            # The moderation queue's tabs count and list by status, oldest change first.
            models.Index(fields=["status", "status_changed_at"], name="comment_status_changed"),
            models.Index(
                fields=["article", "picked_at"],
                condition=Q(picked_at__isnull=False),
                name="comment_article_picks",
            ),
            # Equality only: no LIKE index beside them (what db_index would add on PostgreSQL).
            models.Index(fields=["text_hash"], name="comment_text_hash"),
            models.Index(fields=["author_key"], name="comment_author_key"),
        ]

    def save(self, *args, **kwargs):
        # Skip XtdComment.save(): it inserts, then computes the thread position in a second,
        # unlocked save. comment_submit sets the position before the single insert.
        CommentAbstractModel.save(self, *args, **kwargs)

    def _save_table(self, raw=False, cls=None, *args, **kwargs):
        self._table_prepare(cls)
        return super()._save_table(raw, cls, *args, **kwargs)

    def _table_prepare(self, table) -> None:
        """What this model's save() does before a new comment's row goes into `table` (also
        for comment_insert, which skips save())."""
        if table is DjangoComment and self.submit_date is None:
            self.submit_date = timezone.now()  # as CommentAbstractModel.save()
        # xtd's convention: a top-level comment is its own thread and its own parent. Its id
        # is known once the base row is in, just before xtd's row goes in, so a new thread
        # costs no UPDATE afterwards (comment_submit marks it with thread_id 0).
        if table is XtdComment and self.thread_id == 0 and self.comment_ptr_id:
            self.thread_id = self.parent_id = self.comment_ptr_id


# A new comment's three rows, inserted by SQL compiled once (core.db_insert): its save() is
# most of a post's storing. Comment.save() does nothing _table_prepare does not.
comment_insert = CompiledInsert(Comment, before_table=Comment._table_prepare)


class Thread(models.Model):
    """One top-level comment and its replies: the unit the article page paginates.

    Kept in step with its comments by the same transactions, so a page of threads is an
    indexed range scan whatever the number of comments, and replying locks this row.
    """

    root = models.OneToOneField(
        Comment, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # No index of its own: thread_article_listed leads with it.
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+", db_index=False)
    # Listed: the root is published or at least one reply is (it then shows as a placeholder).
    listed = models.BooleanField(default=False)
    published_count = models.PositiveIntegerField(default=0)
    last_published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["article", "listed", "root"], name="thread_article_listed")]

    def __str__(self) -> str:
        return gettext("Thread %(id)s") % {"id": self.pk}


# A new thread's row, on every new top-level comment (core.db_insert).
thread_insert = CompiledInsert(Thread, before_table=None)


from .models_votes import Vote  # noqa: E402, F401 - the app's models load from here
