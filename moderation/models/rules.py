from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..keywords import DEFAULT_DISALLOWED_KEYWORDS, DEFAULT_MODERATION_KEYWORDS


class ModerationRules(models.Model):
    """The site's moderation rules: one row, edited by admins (Admin → Moderation rules).

    Rule weights add up to a score in [0, 1]: hold-level rules weigh 0.5, spam-level 1.0,
    the learned model its spam probability; trusted authors subtract. Scores at or above
    the hold threshold are held for a moderator, at or above the spam threshold marked spam.
    """

    hold_all = models.BooleanField(
        _("hold all"),
        default=False,
        help_text=_("Every comment must be approved by a moderator."),
    )
    link_limit = models.PositiveSmallIntegerField(
        _("link limit"),
        default=2,
        help_text=_("Hold a comment with this many links or more (0: no limit)."),
    )
    moderation_keywords = models.TextField(
        _("moderation keywords"),
        blank=True,
        default=DEFAULT_MODERATION_KEYWORDS,
        help_text=_(
            "One per line. A comment whose text, name, email, website, IP address or "
            "browser contains one is held."
        ),
    )
    disallowed_keywords = models.TextField(
        _("disallowed keywords"),
        blank=True,
        default=DEFAULT_DISALLOWED_KEYWORDS,
        help_text=_("One per line. A comment that contains one is marked spam."),
    )
    min_seconds_to_submit = models.PositiveSmallIntegerField(
        _("min seconds to submit"),
        default=3,
        help_text=_("A form sent sooner than this after it was shown counts against it."),
    )
    hold_first_comment = models.BooleanField(
        _("hold first comment"),
        default=False,
        help_text=_("Hold comments from authors without a previously approved one."),
    )
    trust_approved_authors = models.BooleanField(
        _("trust approved authors"),
        default=True,
        help_text=_("Authors with approved comments and no spam get the benefit of the doubt."),
    )
    use_model = models.BooleanField(
        _("use model"), default=True, help_text=_("Use the learned spam model.")
    )
    site_model_half_labels = models.PositiveIntegerField(
        _("site model half labels"),
        default=200,
        help_text=_(
            "Until published comments have settled: the labelled decisions at which the "
            "site's own model weighs as much as the starter model it ships with; below, the "
            "starter weighs more, above, the site's. Once they have, the site's model "
            "corrects the starter instead."
        ),
    )
    # Scores run from 0 to 1: a threshold outside that range, or a spam threshold below the
    # hold threshold, would hold or mark spam nothing (or everything) without saying so.
    hold_threshold = models.FloatField(
        _("hold threshold"),
        default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("From 0 to 1, at most the spam threshold."),
    )
    spam_threshold = models.FloatField(
        _("spam threshold"),
        default=0.9,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("From 0 to 1, at least the hold threshold."),
    )
    log_only = models.BooleanField(
        _("log only"),
        default=False,
        help_text=_(
            "Score and record verdicts without acting on them: every comment is published."
        ),
    )
    reports_to_hold = models.PositiveSmallIntegerField(
        _("reports to hold"),
        default=3,
        help_text=_("Reader reports that hold a published comment."),
    )
    authors_moderate_own_articles = models.BooleanField(
        _("authors moderate own articles"),
        default=False,
        db_default=False,
        help_text=_(
            "An article's authors may approve, mark spam or remove the comments on "
            "their own articles, from the article's page. Banning stays with moderators."
        ),
    )
    down_votes_allowed = models.BooleanField(
        _("down votes allowed"),
        default=True,
        db_default=True,
        help_text=_("Readers may vote comments down as well as up."),
    )
    default_order = models.CharField(
        _("default order"),
        max_length=8,
        blank=True,
        default="",
        db_default="",
        choices=[
            ("", _("The site's setting (PARLEY_COMMENT_ORDER)")),
            ("oldest", _("Oldest first")),
            ("newest", _("Newest first")),
            ("best", _("Best first (by readers' votes)")),
        ],
        help_text=_("How an article's threads are ordered for a reader who chose no order."),
    )
    down_votes_to_report = models.PositiveSmallIntegerField(
        _("down votes to report"),
        null=True,
        blank=True,
        help_text=_(
            "Down votes that put a comment in the queue's Reported tab (empty: never). "
            "Votes never hide a comment: a moderator decides."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = _("moderation rules")

    def __str__(self) -> str:
        return gettext("Moderation rules")

    def clean(self) -> None:
        super().clean()
        if (
            self.hold_threshold is not None
            and self.spam_threshold is not None
            and self.hold_threshold > self.spam_threshold
        ):
            raise ValidationError(
                {"spam_threshold": _("The spam threshold must be at least the hold threshold.")}
            )
