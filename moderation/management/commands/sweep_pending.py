"""Queue comments left pending: for when beat is down, or to score them here and now."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand

from ...services import pending_sweep


class Command(BaseCommand):
    help = "Re-queue (or with --inline, score here) comments pending longer than --older-than."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=settings.PARLEY_PENDING_SWEEP_AGE,
            help="Seconds a comment must have been pending (default: PARLEY_PENDING_SWEEP_AGE).",
        )
        parser.add_argument(
            "--inline", action="store_true", help="Score in this process instead of queueing."
        )

    def handle(self, *args, older_than: int, inline: bool, **options):
        count = pending_sweep(older_than=timedelta(seconds=older_than), inline=inline)
        verb = "Scored" if inline else "Queued"
        self.stdout.write(f"{verb} {count} pending comment{'s' if count != 1 else ''}.")
