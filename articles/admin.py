from django.contrib import admin

from . import services
from .models import Article, ArticleUpdate
from .rendering import markdown_to_safe_html


class ArticleUpdateInline(admin.StackedInline):
    model = ArticleUpdate
    extra = 0
    fields = ("published_at", "author", "body")


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "published_at", "comments_open")
    list_filter = ("status", "comments_open")
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
        "status",
        "published_at",
        "comments_open",
    )

    def get_queryset(self, request):
        """Authors see and edit only their own articles; superusers see all."""
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.authored_by(request.user)

    def save_model(self, request, obj, form, change):
        services.article_render(article=obj)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not request.user.is_superuser or not form.instance.authors.exists():
            form.instance.authors.add(request.user)

    def save_formset(self, request, form, formset, change):
        updates = formset.save(commit=False)
        for update in updates:
            update.author = update.author or request.user
            update.body_html = markdown_to_safe_html(update.body)
            update.save()
        for deleted in formset.deleted_objects:
            deleted.delete()
        formset.save_m2m()
