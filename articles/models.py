from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.roles import AUTHORS_GROUP


class PublicationState(models.TextChoices):
    """Where an article stands for readers."""

    DRAFT = "draft", gettext_lazy("Draft")
    SCHEDULED = "scheduled", gettext_lazy("Scheduled")  # to be published at a time still to come
    PUBLISHED = "published", gettext_lazy("Published")


class CommentsState(models.TextChoices):
    """Whether readers can comment on an article, and why not."""

    OPEN = "open", gettext_lazy("Open")
    CLOSED = "closed", gettext_lazy("Closed")  # by hand
    # Said of the comments ("Comments: Closed by themselves").
    CLOSED_BY_AGE = "closed_by_age", gettext_lazy("Closed by themselves")
    AWAITING_PUBLICATION = "awaiting_publication", gettext_lazy("Open once published")


class ArticleQuerySet(models.QuerySet):
    def published(self) -> "ArticleQuerySet":
        """Articles a reader may see: published or scheduled, with a publication time not in
        the future."""
        # A scheduled article is visible from its time on, whether or not beat has run the
        # task that marks it published yet: the embedded site has no beat at all.
        return self.filter(status__in=Article.VISIBLE_STATUSES, published_at__lte=timezone.now())

    def due(self) -> "ArticleQuerySet":
        """Scheduled articles whose publication time has come."""
        return self.filter(status=Article.Status.SCHEDULED, published_at__lte=timezone.now())

    def authored_by(self, user) -> "ArticleQuerySet":
        """Articles the given user is an author of."""
        return self.filter(authors=user)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", gettext_lazy("Draft")
        # Waiting for `published_at`; beat's task marks it published once that time comes.
        SCHEDULED = "scheduled", gettext_lazy("Scheduled")
        PUBLISHED = "published", gettext_lazy("Published")

    VISIBLE_STATUSES = (Status.PUBLISHED, Status.SCHEDULED)

    title = models.CharField(gettext_lazy("title"), max_length=200)
    slug = models.SlugField(gettext_lazy("slug"), max_length=200, unique=True)
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("authors"),
        related_name="articles",
        limit_choices_to={"groups__name": AUTHORS_GROUP},
        blank=True,
        help_text=gettext_lazy(
            "Users in the Authors group; whoever saves it in the admin is added."
        ),
    )
    standfirst = models.TextField(
        gettext_lazy("standfirst"),
        blank=True,
        help_text=gettext_lazy("One or two sentences shown under the title and on the front page."),
    )
    body = models.TextField(
        gettext_lazy("body"),
        help_text=gettext_lazy("Markdown: headings (##), lists, links, emphasis, quotes."),
    )
    body_html = models.TextField(editable=False, default="")
    # The language the article is written in, for its page's `lang` and its feeds; empty
    # means the site's (LANGUAGE_CODE). The interface around it follows each reader.
    language = models.CharField(
        gettext_lazy("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        default="",
        db_default="",
        help_text=gettext_lazy(
            "The language the article is written in. Empty: the site's language."
        ),
    )
    status = models.CharField(
        gettext_lazy("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(gettext_lazy("published at"), null=True, blank=True)
    comments_open = models.BooleanField(
        gettext_lazy("comments open"),
        default=True,
        help_text=gettext_lazy("Untick to close comments now (they can be reopened)."),
    )
    comments_close_after_days = models.PositiveSmallIntegerField(
        gettext_lazy("close comments after (days)"),
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "Close comments this many days after publication. Empty: the site's "
            "setting (PARLEY_CLOSE_COMMENTS_AFTER_DAYS); 0: never."
        ),
    )
    # Published comments, kept by the comments app as statuses change (one row to read for a
    # list of articles or a page's heading, instead of counting comments).
    comment_count = models.PositiveIntegerField(
        gettext_lazy("comment count"), default=0, db_default=0, editable=False
    )
    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(gettext_lazy("updated at"), auto_now=True)
    # The one-time token of the new-article form that created it: unique, so a double click
    # on Save or a resent POST (even two at once) cannot make two drafts of one article.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("article")
        verbose_name_plural = gettext_lazy("articles")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_published")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.status == self.Status.SCHEDULED and self.published_at is None:
            raise ValidationError(
                {"published_at": _("A scheduled article needs a publication time.")}
            )

    @property
    def comments_close_at(self) -> datetime | None:
        """When comments close by age, if they do."""
        days = self.comments_close_after_days
        if days is None:
            days = settings.PARLEY_CLOSE_COMMENTS_AFTER_DAYS
        if not days or self.published_at is None:
            return None
        return self.published_at + timedelta(days=days)

    @property
    def accepts_comments(self) -> bool:
        """Published, comments not closed by hand, and not past the automatic closing time."""
        close_at = self.comments_close_at
        return (
            self.is_published
            and self.comments_open
            and (close_at is None or timezone.now() < close_at)
        )

    @property
    def publication_state(self) -> PublicationState:
        if self.status not in self.VISIBLE_STATUSES:
            return PublicationState.DRAFT
        return PublicationState.PUBLISHED if self.is_published else PublicationState.SCHEDULED

    @property
    def comments_state(self) -> CommentsState:
        if not self.comments_open:
            return CommentsState.CLOSED
        if not self.is_published:
            return CommentsState.AWAITING_PUBLICATION
        return CommentsState.OPEN if self.accepts_comments else CommentsState.CLOSED_BY_AGE

    @property
    def is_published(self) -> bool:
        return (
            self.status in self.VISIBLE_STATUSES
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )


class ArticleUpdateQuerySet(models.QuerySet):
    def live(self) -> "ArticleUpdateQuerySet":
        """Updates readers may see: those whose date has come (a later one is scheduled)."""
        # Visible from its date whether or not beat has marked it yet, as for articles.
        return self.filter(published_at__lte=timezone.now())

    def due(self) -> "ArticleUpdateQuerySet":
        """Scheduled updates whose date has come."""
        return self.filter(scheduled=True, published_at__lte=timezone.now())


class ArticleUpdate(models.Model):
    """A dated follow-up an author posts on a published article; one dated in the future is
    scheduled: readers see it, and followers hear of it, from that date."""

    article = models.ForeignKey(
        Article,
        verbose_name=gettext_lazy("article"),
        on_delete=models.CASCADE,
        related_name="updates",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    body = models.TextField(gettext_lazy("body"), help_text=gettext_lazy("Markdown."))
    body_html = models.TextField(editable=False, default="")
    published_at = models.DateTimeField(
        gettext_lazy("published at"), default=timezone.now, db_index=True
    )
    # When its text was last changed after publication (shown as "Corrected on").
    corrected_at = models.DateTimeField(
        gettext_lazy("corrected at"), null=True, blank=True, editable=False
    )
    # Readers then see only that it was withdrawn, and when; its text stays for the staff.
    withdrawn_at = models.DateTimeField(
        gettext_lazy("withdrawn at"), null=True, blank=True, editable=False
    )
    # The author asked for the last correction to be emailed to followers and it has not
    # been sent yet (the notifier clears it; the notifications sweep retries while it is set).
    correction_notice_pending = models.BooleanField(
        gettext_lazy("correction notice pending"), default=False, db_default=False, editable=False
    )
    # Waiting for `published_at`; beat's task announces it to followers once that time comes.
    scheduled = models.BooleanField(
        gettext_lazy("scheduled"), default=False, db_default=False, editable=False
    )
    # The one-time token of the author's form that posted it: unique, so a double click or a
    # resent POST (even two at once) cannot post, and email, the same update twice.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = ArticleUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("update")
        verbose_name_plural = gettext_lazy("updates")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        # The date stays ISO: this names the update in the admin, in any language.
        return _("Update to %(article)s on %(date)s") % {
            "article": self.article,
            "date": f"{self.published_at:%Y-%m-%d}",
        }

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def is_live(self) -> bool:
        return self.published_at <= timezone.now()

    @property
    def is_upcoming(self) -> bool:
        """Scheduled and its date still to come: no reader has seen it. Past its date it
        is on the timeline even before beat has announced it (`scheduled` still set)."""
        return self.scheduled and not self.is_live
