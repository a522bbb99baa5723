"""Queue comments left pending: for when beat is down, or to score them here and now."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ...services import pending_sweep

# A century: anything older than that is every pending comment, and a far larger age would
# reach back before the year 1, which no date can.
MAX_AGE_SECONDS = 100 * 365 * 24 * 3600


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
        if not 0 <= older_than <= MAX_AGE_SECONDS:
            raise CommandError(
                f"--older-than must be from 0 to {MAX_AGE_SECONDS} seconds, not {older_than}."
            )
        count = pending_sweep(older_than=timedelta(seconds=older_than), inline=inline)
        verb = "Scored" if inline else "Queued"
        self.stdout.write(f"{verb} {count} pending comment{'s' if count != 1 else ''}.")
