"""What every admin of the project shares (this module registers nothing)."""


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
