from django.contrib import admin
from django.utils.translation import gettext_lazy

from core.admin import DeletedWithItsRows, LookupsOutOfRange

from . import services
from .forms import language_choices
from .models import Article, ArticleUpdate


class ArticleUpdateInline(admin.StackedInline):
    model = ArticleUpdate
    extra = 0
    fields = ("published_at", "author", "body")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "published_at":
            field.help_text = gettext_lazy(
                "A time to come schedules the update: readers see it, and followers are "
                "emailed, from then."
            )
        return field

    def get_queryset(self, request):
        # Each inline form's title names the update's article: read with the updates.
        return super().get_queryset(request).select_related("article")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "author":
            field.required = False
            field.help_text = gettext_lazy("Leave empty to sign the update yourself.")
            # Read the users once for the page: every update's form copies this field, and
            # each copy would otherwise read them again to draw its list.
            field.choices = list(field.choices)
        return field


@admin.register(Article)
class ArticleAdmin(LookupsOutOfRange, DeletedWithItsRows, admin.ModelAdmin):
    list_display = ("title", "status", "published_at", "comments_open", "language")
    list_filter = ("status", "comments_open", "language")
    search_fields = ("title", "body")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("authors",)
    date_hierarchy = "published_at"
    inlines = [ArticleUpdateInline]
    fields = (
        "title",
        "slug",
        "authors",
        "standfirst",
        "body",
        "language",
        "status",
        "published_at",
        "comments_open",
    )

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "language":
            # The empty choice says which language it stands for, as in the author's editor.
            kwargs["choices"] = language_choices
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_queryset(self, request):
        """Authors see and edit only their own articles; superusers see all."""
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.authored_by(request.user)

    def save_model(self, request, obj, form, change):
        services.article_save(article=obj, previous_slug=form.initial.get("slug"))

    def delete_model(self, request, obj):
        services.articles_delete(articles=Article.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        services.articles_delete(articles=queryset)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not request.user.is_superuser or not form.instance.authors.exists():
            form.instance.authors.add(request.user)

    def save_formset(self, request, form, formset, change):
        # Through the services, so a new update reaches followers and the page is refreshed.
        for update in formset.save(commit=False):
            update.author = update.author or request.user
            services.update_save(update=update)
        for deleted in formset.deleted_objects:
            services.update_delete(update=deleted)
        formset.save_m2m()
