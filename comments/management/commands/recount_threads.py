"""Recount every thread's cached counts from its rows, and each article's comment count from
its threads (a repair tool; normally never needed)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.models import Article

from ...models import Thread
from ...services import article_comment_count_recount, thread_recount


class Command(BaseCommand):
    help = "Recount published-reply counts and listing for every thread, or for one article."

    def add_arguments(self, parser):
        parser.add_argument("--article", type=int, help="Only this article's threads (its id).")

    def handle(self, *args, article, **options):
        # Ids are 64-bit in every database Parley runs on; a larger number names nothing.
        if article is not None and not 0 < article < 2**63:
            raise CommandError(f"--article must be an article's id, not {article}.")
        threads = Thread.objects.all()
        if article:
            threads = threads.filter(article_id=article)
        count = 0
        for thread_id in threads.values_list("pk", flat=True).iterator():
            with transaction.atomic():
                Thread.objects.select_for_update().filter(pk=thread_id).first()
                thread_recount(thread_id=thread_id)
            count += 1
        articles = Article.objects.filter(pk=article) if article else Article.objects.all()
        for article_id in articles.values_list("pk", flat=True).iterator():
            article_comment_count_recount(article_id=article_id)
        self.stdout.write(f"Recounted {count} thread{'s' if count != 1 else ''}.")
