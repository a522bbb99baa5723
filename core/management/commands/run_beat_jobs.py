"""Run beat's jobs that are due, once: for a site whose web processes do not run them
(PARLEY_EMBEDDED_BEAT_TICK=0), from cron every minute, or to see what runs."""

from django.core.management.base import BaseCommand

from core.embedded_beat import beat_jobs_run_due


class Command(BaseCommand):
    help = (
        "Run each job of the beat schedule (CELERY_BEAT_SCHEDULE) whose interval has passed "
        "since it last ran anywhere on this site, inline; from cron every minute when "
        "PARLEY_EMBEDDED_BEAT_TICK is 0."
    )

    def handle(self, *args, **options):
        ran = beat_jobs_run_due()
        self.stdout.write(f"Jobs run: {', '.join(ran)}." if ran else "No job was due.")
