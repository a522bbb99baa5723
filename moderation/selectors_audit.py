"""Reads for the audit log's "Settings and admin edits": staff edits, newest first."""

from django.core.paginator import Page, Paginator
from django.urls import NoReverseMatch, reverse

from .models import StaffEdit


def staff_edits_page(page_number, *, per_page: int = 50) -> Page:
    """A page of staff edits, newest first, each with its admin page's address (for staff)
    and a comment's address on its article (two queries, whatever the page holds)."""
    edits = StaffEdit.objects.order_by("-created_at", "-pk")
    page = Paginator(edits, per_page).get_page(page_number)
    for edit in page:
        kept = edit.action != StaffEdit.Action.DELETED
        edit.admin_url = _admin_url(edit) if kept else ""
        edit.comment_url = (
            reverse("comments:permalink", args=[edit.object_id])
            if kept and edit.model == "comments.comment"
            else ""
        )
    return page


def _admin_url(edit: StaffEdit) -> str:
    app_label, _, model_name = edit.model.partition(".")
    try:
        return reverse(f"admin:{app_label}_{model_name}_change", args=[edit.object_id])
    except NoReverseMatch:
        return ""
