from django.conf import settings
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Format(models.TextChoices):
    WORDPRESS = "wordpress", _("WordPress (WXR)")
    DISQUS = "disqus", _("Disqus XML")
    JSON = "json", _("Parley JSON backup")


class SourceRecord(models.Model):
    """Where an imported row came from: the export it was read from and its id there.

    `source` names the exporting site ("wordpress https://blog.example.org", "disqus
    shortname", "json https://parley.example.org"), so the same ids from two sites never
    meet. Reading the same file again finds every row here and adds nothing."""

    class Kind(models.TextChoices):
        ARTICLE = "article", "Article"
        COMMENT = "comment", "Comment"
        USER = "user", "User"
        UPDATE = "update", "Update"

    source = models.CharField(max_length=200)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    source_id = models.CharField(max_length=100)
    object_id = models.BigIntegerField()
    # An article's original permalink: a Disqus thread finds the article a WordPress import
    # created by it.
    url = models.CharField(max_length=500, blank=True, default="")
    run = models.ForeignKey(
        "ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            # source_id first: an import asks for a batch of ids of one source and kind,
            # and only a leading column turns that list into index lookups.
            models.UniqueConstraint(
                fields=["source_id", "source", "kind"], name="source_record_unique"
            )
        ]
        indexes = [
            models.Index(fields=["url"], condition=~models.Q(url=""), name="source_record_url"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_id} from {self.source}"


class ImportRun(models.Model):
    """One import: from the admin (uploaded, then run by a task) or the command line."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed: nothing was stored")

    format = models.CharField(_("format"), max_length=16, choices=Format.choices)
    upload = models.FileField(_("upload"), upload_to="imports/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True, default="")
    file_size = models.BigIntegerField(_("file size"), default=0)
    # The file's SHA-256: the same file run again is recognised before it is read.
    file_sha256 = models.CharField(
        _("file sha256"), max_length=64, blank=True, default="", db_index=True
    )
    dry_run = models.BooleanField(
        _("dry run"),
        default=False,
        help_text=_("Read the file and report what would change; store nothing."),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The report (transfer.services.report.ImportReport.as_dict): what was added, matched,
    # skipped, and the warnings.
    report = models.JSONField(
        pgettext_lazy("an import's outcome", "report"), default=dict, blank=True
    )
    error = models.TextField(_("error"), blank=True, default="")
    # Who cancelled it from the admin, and when: written as a queued run is cancelled, or
    # as a running one stops (services.cancelling).
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return gettext("%(format)s import %(number)s (%(status)s)") % {
            "format": self.get_format_display(),
            "number": self.pk,
            "status": self.get_status_display(),
        }
