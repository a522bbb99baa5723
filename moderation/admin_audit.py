"""The admin's side of the audit: every add, change and delete staff make in an admin that
uses `StaffEditAudited` lands in the audit log with its fields before and after.

Only the admin records: readers posting comments, the scorer and moderators in the queue
go through services that write no audit row here (their decisions have their own events).
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from articles.admin import ArticleAdmin
from articles.models import Article
from comments.admin import CommentAdmin
from comments.models import Comment
from core.admin import LookupsOutOfRange

from .services import audit

User = get_user_model()


class StaffEditAudited:
    """A ModelAdmin mixin recording staff edits (additions, changes, deletions, inlines)."""

    # Fields whose values are credentials (a webhook's address): recorded as changed only.
    audit_secret_fields: tuple[str, ...] = ()

    def construct_change_message(self, request, form, formsets, add=False):
        # Called once per saved object, after the object, its relations and its inlines are
        # stored, while the form still holds the values as they were before the edit.
        message = super().construct_change_message(request, form, formsets, add)
        # The user admin's password form edits `form.user`: it is no model form.
        instance = form.instance if hasattr(form, "instance") else form.user
        audit.staff_edit_record(
            actor=request.user, instance=instance, added=add, before=form.initial,
            field_names=form.changed_data, secret_fields=self.audit_secret_fields,
        )  # fmt: skip
        for formset in formsets or ():
            _record_inlines(request.user, formset)
        return message

    def log_deletions(self, request, queryset):
        audit.staff_edits_record_deletion(
            actor=request.user, instances=queryset, secret_fields=self.audit_secret_fields
        )
        return super().log_deletions(request, queryset)


def _record_inlines(actor, formset) -> None:
    """Record what an inline formset (an article's updates) added, changed and deleted."""
    forms = {id(form.instance): form for form in formset.initial_forms}
    for obj in formset.new_objects:
        audit.staff_edit_record(actor=actor, instance=obj, added=True)
    for obj, changed in formset.changed_objects:
        before = forms[id(obj)].initial if id(obj) in forms else {}
        audit.staff_edit_record(actor=actor, instance=obj, before=before, field_names=changed)
    for obj in formset.deleted_objects:
        if obj.pk is None and id(obj) in forms:
            # Deleting cleared the key; the log still names the row that was deleted.
            obj.pk = forms[id(obj)][obj._meta.pk.name].value()
    if formset.deleted_objects:
        audit.staff_edits_record_deletion(actor=actor, instances=formset.deleted_objects)


# The apps below moderation cannot import this mixin (dependencies point one way), nor can
# Django's own user admin: their admins are audited here, as subclasses registered instead.
admin.site.unregister(Article)
admin.site.unregister(Comment)
admin.site.unregister(Group)
admin.site.unregister(User)


@admin.register(Article)
class AuditedArticleAdmin(StaffEditAudited, ArticleAdmin):
    """Articles and their updates (inline), audited."""


@admin.register(Comment)
class AuditedCommentAdmin(StaffEditAudited, CommentAdmin):
    """Staff corrections of comments, audited."""


@admin.register(Group)
class AuditedGroupAdmin(StaffEditAudited, LookupsOutOfRange, GroupAdmin):
    """Roles (groups and their permissions), audited."""


@admin.register(User)
class AuditedUserAdmin(StaffEditAudited, LookupsOutOfRange, UserAdmin):
    """Accounts: staff status, groups, permissions and password changes, audited."""
