from django.conf import settings
from django.db import models

from comments.models import Comment, CommentStatus

from ..keywords import DEFAULT_DISALLOWED_KEYWORDS, DEFAULT_MODERATION_KEYWORDS


class ModerationRules(models.Model):
    """The site's moderation rules: one row, edited by admins (Admin → Moderation rules).

    Rule weights add up to a score in [0, 1]: hold-level rules weigh 0.5, spam-level 1.0,
    the learned model its spam probability; trusted authors subtract. Scores at or above
    the hold threshold are held for a moderator, at or above the spam threshold marked spam.
    """

    hold_all = models.BooleanField(
        default=False, help_text="Every comment must be approved by a moderator."
    )
    link_limit = models.PositiveSmallIntegerField(
        default=2, help_text="Hold a comment with this many links or more (0: no limit)."
    )
    moderation_keywords = models.TextField(
        blank=True,
        default=DEFAULT_MODERATION_KEYWORDS,
        help_text="One per line. A comment whose text, name, email, website, IP address or "
        "browser contains one is held.",
    )
    disallowed_keywords = models.TextField(
        blank=True,
        default=DEFAULT_DISALLOWED_KEYWORDS,
        help_text="One per line. A comment that contains one is marked spam.",
    )
    min_seconds_to_submit = models.PositiveSmallIntegerField(
        default=3, help_text="A form sent sooner than this after it was shown counts against it."
    )
    hold_first_comment = models.BooleanField(
        default=False, help_text="Hold comments from authors without a previously approved one."
    )
    trust_approved_authors = models.BooleanField(
        default=True,
        help_text="Authors with approved comments and no spam get the benefit of the doubt.",
    )
    use_model = models.BooleanField(default=True, help_text="Use the learned spam model.")
    site_model_half_labels = models.PositiveIntegerField(
        default=200,
        help_text="Labelled decisions at which the site's own model weighs as much as the "
        "starter model it ships with; below, the starter weighs more, above, the site's.",
    )
    hold_threshold = models.FloatField(default=0.5)
    spam_threshold = models.FloatField(default=0.9)
    log_only = models.BooleanField(
        default=False,
        help_text="Score and record verdicts without acting on them: every comment is published.",
    )
    reports_to_hold = models.PositiveSmallIntegerField(
        default=3, help_text="Reader reports that hold a published comment."
    )
    authors_moderate_own_articles = models.BooleanField(
        default=False,
        help_text="An article's authors may approve, mark spam or remove the comments on "
        "their own articles, from the article's page. Banning stays with moderators.",
    )
    down_votes_allowed = models.BooleanField(
        default=True, help_text="Readers may vote comments down as well as up."
    )
    default_order = models.CharField(
        max_length=8,
        blank=True,
        default="",
        choices=[
            ("", "The site's setting (PARLEY_COMMENT_ORDER)"),
            ("oldest", "Oldest first"),
            ("newest", "Newest first"),
            ("best", "Best first (by readers' votes)"),
        ],
        help_text="How an article's threads are ordered for a reader who chose no order.",
    )
    down_votes_to_report = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Down votes that put a comment in the queue's Reported tab (empty: never). "
        "Votes never hide a comment: a moderator decides.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "moderation rules"

    def __str__(self) -> str:
        return "Moderation rules"


class Ban(models.Model):
    """A moderator's ban (or shadow-ban) of an account, an email address or an IP address.

    Addresses are kept only as keyed hashes (HMAC with the site's secret), with a masked form
    for moderators to recognise them; a ban ends at `expires_at` or when lifted.
    """

    class Kind(models.TextChoices):
        ACCOUNT = "account", "Account"
        EMAIL = "email", "Email address"
        IP = "ip", "IP address"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    value_hash = models.CharField(max_length=64, blank=True, db_index=True)
    display = models.CharField(max_length=120, help_text="Masked, for moderators' eyes.")
    reason = models.TextField()
    shadow = models.BooleanField(
        default=False, help_text="The poster still sees their comments; nobody else does."
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return (
            f"{'Shadow-ban' if self.shadow else 'Ban'} of {self.get_kind_display()} {self.display}"
        )


class ModerationEvent(models.Model):
    """One moderation decision: a comment's status change (by a person or the scorer), or a
    ban placed or lifted; who made it, when, why."""

    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    ban = models.ForeignKey(Ban, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, help_text='"scorer", "system" or a username.')
    from_status = models.CharField(max_length=16, choices=CommentStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=CommentStatus.choices, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["comment", "-created_at"], name="event_comment_recent")]

    def __str__(self) -> str:
        return f"{self.comment_id}: {self.from_status} → {self.to_status} by {self.actor_label}"


class SpamVerdict(models.Model):
    """The scorer's verdict on a comment, with the reasons a moderator sees."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    decision = models.CharField(max_length=16, choices=CommentStatus.choices)
    reasons = models.JSONField(default=list)
    model_version = models.CharField(max_length=32, blank=True)
    acted = models.BooleanField(default=True, help_text="False in log-only mode.")
    elapsed_ms = models.FloatField(
        null=True, blank=True, help_text="Time spent in the scorer; empty if it failed."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["comment", "-created_at"], name="verdict_comment_recent")]

    def __str__(self) -> str:
        return f"{self.comment_id}: {self.decision} ({self.score:.2f})"


class TrainingExample(models.Model):
    """A labelled text the spam model learns from: a moderator's decision, or imported."""

    class Source(models.TextChoices):
        MODERATOR = "moderator", "Moderator decision"
        IMPORT = "import", "Imported file"

    comment = models.OneToOneField(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    is_spam = models.BooleanField()
    source = models.CharField(max_length=16, choices=Source.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    def __str__(self) -> str:
        return f"{'spam' if self.is_spam else 'ham'}: {self.text[:40]}"


class SpamModel(models.Model):
    """A trained spam model: versioned parameters every worker loads once (numpy, no pickle)."""

    version = models.CharField(max_length=32, unique=True)
    n_labels = models.PositiveIntegerField()
    parameters = models.BinaryField()
    trained_at = models.DateTimeField(auto_now_add=True, db_index=True)
    notes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-trained_at", "-pk"]

    def __str__(self) -> str:
        return f"Spam model {self.version} ({self.n_labels} labels)"


class Report(models.Model):
    """A reader's report that a published comment needs a moderator's look."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        ABUSE = "abuse", "Abusive or hateful"
        OFF_TOPIC = "off_topic", "Off topic"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # "user:<id>" or "ip:<keyed hash>": one report per reader per comment, IPs never in clear.
    reporter_key = models.CharField(max_length=80)
    reason = models.CharField(max_length=16, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Set when a moderator dismissed the report (the comment stayed published); the event is
    # the audit record, and undoing it reopens exactly these reports.
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_in = models.ForeignKey(
        ModerationEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter_key"], name="one_report_per_reader"
            )
        ]

    def __str__(self) -> str:
        return f"Report on {self.comment_id}: {self.reason}"


class HeldDigest(models.Model):
    """A batched email telling moderators which comments were held since the previous one."""

    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)
    comment_count = models.PositiveIntegerField()
    recipient_count = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"Digest of {self.comment_count} held comments"


from .audit import StaffEdit  # noqa: E402, F401
from .notes import CommenterNote  # noqa: E402, F401
from .webhooks import Webhook, WebhookDelivery, WebhookEvent  # noqa: E402, F401
