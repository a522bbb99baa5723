"""What every admin of the project shares (this module registers nothing)."""

from django.contrib.admin.options import IncorrectLookupParameters


class DeletedWithItsRows:
    """A ModelAdmin mixin for a model whose delete service removes the rows that depend on
    it (an article's comments, a webhook's deliveries): the confirmation still lists them,
    but asks for permission to delete the model's own rows only.

    Those rows' admins refuse deletion on purpose (they are records, or kept in step by
    services); Django's confirmation would otherwise refuse the very delete the service was
    written for. An admin using this sends deletions to the service (delete_model and
    delete_queryset)."""

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        own = str(self.opts.verbose_name)
        return deleted, counts, {name for name in perms_needed if str(name) == own}, protected


class LookupsOutOfRange:
    """A ModelAdmin mixin: a key or a filter value no row can have (too large for its
    column, a year 0) is a missing object or a bad filter, never a server error."""

    def get_object(self, request, object_id, from_field=None):
        try:
            return super().get_object(request, object_id, from_field)
        except OverflowError:
            # Django checks the range of an integer key, but not of a key that links to a
            # parent row (a comment's), which SQLite then refuses to compare.
            return None

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except (ValueError, OverflowError) as error:
            # Django refuses a filter it cannot apply, but not a value that fails only once
            # the list's query is built and run (a year 0 makes no date).
            raise IncorrectLookupParameters(error) from error
