"""Reads for the audit log's "Settings and admin edits" (staff edits, newest first) and for
the bans page."""

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Case, Value, When
from django.urls import NoReverseMatch, reverse

from .models import Ban, StaffEdit
from .models.bans import in_force_q


def staff_edits_page(page_number, *, per_page: int = 50) -> Page:
    """A page of staff edits, newest first, each with its admin page's address (for staff)
    and a comment's address on its article (two queries, whatever the page holds). The
    model's and fields' names are said in the reader's language while the model exists."""
    edits = StaffEdit.objects.order_by("-created_at", "-pk")
    page = Paginator(edits, per_page).get_page(page_number)
    for edit in page:
        model = _model(edit.model)
        edit.model_shown = str(model._meta.verbose_name) if model else edit.model_label
        edit.changes_shown = [
            {**change, "label": _field_label(model, change) if model else change.get("label")}
            for change in edit.changes or ()
            if isinstance(change, dict)
        ]
        kept = edit.action != StaffEdit.Action.DELETED
        edit.admin_url = _admin_url(edit) if kept else ""
        edit.comment_url = (
            reverse("comments:permalink", args=[edit.object_id])
            if kept and edit.model == "comments.comment"
            else ""
        )
    return page


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field_label(model: type[models.Model], change: dict) -> str:
    try:
        field = model._meta.get_field(change.get("field", ""))
    except FieldDoesNotExist:
        return change.get("label", "")
    return str(getattr(field, "verbose_name", change.get("label", "")))


def _admin_url(edit: StaffEdit) -> str:
    app_label, _, model_name = edit.model.partition(".")
    try:
        return reverse(f"admin:{app_label}_{model_name}_change", args=[edit.object_id])
    except NoReverseMatch:
        return ""


def bans_page(page_number, *, per_page: int = 100) -> Page:
    """A page of bans: those in force first (so every one can be lifted, however many have
    ended since), newest first within each, with who made them (one query a page)."""
    bans = (
        Ban.objects.select_related("user", "created_by")
        .annotate(in_force=Case(When(in_force_q(), then=Value(True)), default=Value(False)))
        .order_by("-in_force", "-created_at", "-pk")
    )
    return Paginator(bans, per_page).get_page(page_number)
