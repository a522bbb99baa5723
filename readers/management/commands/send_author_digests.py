"""Send the authors' digests now: for a site without beat (run it from cron), or to try."""

from django.core.management.base import BaseCommand

from ...services import author_digests_send


class Command(BaseCommand):
    help = "Email each author the comments published on their articles since their last digest."

    def handle(self, *args, **options):
        count = author_digests_send()
        self.stdout.write(f"Sent {count} digest{'s' if count != 1 else ''}.")
