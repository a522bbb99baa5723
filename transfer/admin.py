"""Imports in the admin: upload an export, a task imports it, the run's page follows it."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import get_text_list
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from core.admin import LookupsOutOfRange

from .models import Format, ImportRun
from .services.cancelling import CancelOutcome, import_run_cancel, import_run_cancel_requested
from .services.one_import import import_run_writing, writes_wait_for_imports
from .services.report import ImportReport
from .services.runs import import_run_progress, import_run_queue, import_runs_delete

# What a browser may send as each format; the reader still decides whether it is one.
EXTENSIONS = {Format.WORDPRESS: (".xml",), Format.DISQUS: (".xml",), Format.JSON: (".json",)}


RUN_FIELDS = (
    "format", "file_name", "file_size_shown", "dry_run", "status", "progress", "started_by",
    "created_at", "started_at", "finished_at", "outcome", "error",
)  # fmt: skip
CANCEL_FIELDS = ("cancelled_at", "cancelled_by")


def _writing_note(run: ImportRun) -> str:
    return _(
        "Another import is running: %(format)s import %(number)s, started %(started)s. This "
        "site's database (SQLite) stores one import at a time and nothing else until it "
        "ends, so this one cannot be queued yet. Nothing was stored: choose the file again "
        "and upload it once that import has finished."
    ) % {
        "format": run.get_format_display(),
        "number": run.pk,
        "started": date_format(localtime(run.started_at), "DATETIME_FORMAT"),
    }


class ImportRunForm(forms.ModelForm):
    upload = forms.FileField(label=gettext_lazy("Export file"), required=True)
    # The import holding SQLite's write lock as the form was sent (ImportRunAdmin).
    writing: ImportRun | None = None

    class Meta:
        model = ImportRun
        fields = ("format", "upload", "dry_run")

    def clean(self):
        data = super().clean()
        upload, format = data.get("upload"), data.get("format")
        if upload and format and not upload.name.lower().endswith(EXTENSIONS[format]):
            self.add_error(
                "upload",
                _("A %(format)s file ends in %(extensions)s.")
                % {
                    "format": Format(format).label,
                    "extensions": get_text_list(list(EXTENSIONS[format])),
                },
            )
        if self.writing is not None:
            raise ValidationError(_writing_note(self.writing))
        return data


def _report(run: ImportRun) -> ImportReport:
    """The run's stored report as the object that says it."""
    data = dict(run.report or {})
    return ImportReport(**{k: v for k, v in data.items() if k in ImportReport.__annotations__})


def _report_lines(run: ImportRun) -> list[str]:
    if not run.report or run.status == ImportRun.Status.FAILED:
        # A failed import stored nothing: what it had counted was rolled back with it.
        return []
    return _report(run).lines()


@admin.register(ImportRun)
class ImportRunAdmin(LookupsOutOfRange, admin.ModelAdmin):
    form = ImportRunForm
    list_display = ("__str__", "file_name", "dry_run", "started_by", "created_at", "summary")
    list_filter = ("format", "status", "dry_run")
    change_form_template = "transfer/importrun_change_form.html"

    def get_urls(self):
        cancel = path(
            "<int:run_id>/cancel/",
            self.admin_site.admin_view(self.cancel_view),
            name="transfer_importrun_cancel",
        )
        return [cancel, *super().get_urls()]

    def _may_cancel(self, request) -> bool:
        # Whoever may start an import may stop one.
        return self.has_view_permission(request) and self.has_add_permission(request)

    def cancel_view(self, request, run_id: int):
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:transfer_importrun_change", args=[run_id]))
        if not self._may_cancel(request):
            raise PermissionDenied
        run = ImportRun.objects.filter(pk=run_id).first()
        if run is None:
            raise Http404
        outcome = import_run_cancel(run=run, user=request.user)
        level, text = _cancel_message(outcome)
        messages.add_message(request, level, text)
        return HttpResponseRedirect(reverse("admin:transfer_importrun_change", args=[run_id]))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is not None:
            extra_context = {**(extra_context or {}), "may_cancel": self._may_cancel(request)}
        writing = None
        if object_id is None and writes_wait_for_imports():
            writing = import_run_writing()
        if writing is not None and request.method == "POST":
            # Django sends the form inside a transaction, and SQLite's starts by taking the
            # write lock the running import holds: it waited 20 s and failed with a 500.
            # Outside one, the form refuses and nothing is written.
            request.import_run_writing = writing
            return self._changeform_view(request, object_id, form_url, extra_context)
        if writing is not None:
            # Said before a file is chosen in vain.
            extra_context = {**(extra_context or {}), "import_writing": _writing_note(writing)}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.writing = getattr(request, "import_run_writing", None)  # a class made per call
        return form

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("format", "upload", "dry_run")
        return RUN_FIELDS + CANCEL_FIELDS if obj.cancelled_at else RUN_FIELDS

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        return False  # a run is a record: its page is for reading

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status == ImportRun.Status.RUNNING:
            return False  # it writes its outcome as it ends
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        import_runs_delete(runs=[obj])

    def delete_queryset(self, request, queryset):
        import_runs_delete(runs=queryset)

    @admin.display(description=gettext_lazy("file size"))
    def file_size_shown(self, obj: ImportRun):
        # In the reader's units ("1.2 MB"), not a count of bytes to read digit by digit.
        return filesizeformat(obj.file_size)

    @admin.display(description=gettext_lazy("Progress"))
    def progress(self, obj: ImportRun):
        if obj.status == ImportRun.Status.QUEUED:
            return _("Waiting for a worker.")
        if obj.status != ImportRun.Status.RUNNING:
            return "—"
        if import_run_cancel_requested(run_id=obj.pk):
            return _("Cancelling: it stops at its next batch and stores nothing.")
        done_total = import_run_progress(run_id=obj.pk)
        if not done_total:
            return _("Starting…")
        done, total = done_total
        percent = round(100 * done / total) if total else 0
        read = _("%(percent)s %% of the file read") % {"percent": percent}
        return format_html(
            '<progress max="{}" value="{}">{} %</progress> {}', total, done, percent, read
        )

    @admin.display(description=pgettext_lazy("an import's outcome", "Report"))
    def outcome(self, obj: ImportRun):
        lines = _report_lines(obj)
        if not lines:
            return "—"
        items = format_html_join("", "<li>{}</li>", ((line,) for line in lines))
        return format_html("<ul>{}</ul>", items)

    @admin.display(description=gettext_lazy("Outcome"))
    def summary(self, obj: ImportRun):
        lines = _report_lines(obj)
        return obj.error or (lines[1] if len(lines) > 1 else (lines[0] if lines else "—"))

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data["upload"]
        obj.file_name, obj.file_size = upload.name[:255], upload.size
        obj.started_by = request.user
        super().save_model(request, obj, form, change)
        import_run_queue(run=obj)

    def response_add(self, request, obj, post_url_continue=None):
        # To the run's own page, where its status, progress and then its report show.
        return HttpResponseRedirect(reverse("admin:transfer_importrun_change", args=[obj.pk]))


def _cancel_message(outcome: CancelOutcome) -> tuple[int, str]:
    run = outcome.run
    number = {"number": run.pk}
    if outcome.result == "cancelled":
        return messages.SUCCESS, _(
            "Import %(number)s was cancelled before it started; nothing was imported."
        ) % number
    if outcome.result in ("requested", "already_requested"):
        return messages.SUCCESS, _(
            "Cancelling import %(number)s: it stops at its next batch and what it has read "
            "so far is rolled back, so nothing of it is stored. One already storing its last "
            "batch finishes instead; this page shows how it ended."
        ) % number
    if outcome.result == "busy":
        return messages.WARNING, _(
            "Import %(number)s was not cancelled: another import is being stored, and this "
            "site's database (SQLite) takes nothing else until it ends. Cancel this one once "
            "that import has finished."
        ) % number
    if outcome.result == "finished":
        if run.dry_run:
            return messages.WARNING, _(
                "That dry run had already finished (it stores nothing); nothing was cancelled."
            )
        count = _report(run).comments_total
        return messages.WARNING, ngettext(
            "That import had already finished: %(count)s comment imported; nothing was cancelled.",
            "That import had already finished: %(count)s comments imported; nothing was cancelled.",
            count,
        ) % {"count": count}
    if run.cancelled_at:
        return messages.INFO, _("That import was already cancelled; nothing of it was stored.")
    return messages.WARNING, _(
        "That import had already stopped without storing anything; nothing was cancelled."
    )
