"""Forget what is kept only for a while, now: for a site without beat (run it daily from
cron), or to see what it does."""

from django.core.management.base import BaseCommand

from ...services import personal_data_expire


class Command(BaseCommand):
    help = (
        "Blank the IP addresses and browsers of comments and the addresses of guests' votes "
        "older than PARLEY_ADDRESS_RETENTION_DAYS, delete the emails-sent log as old, and "
        "expired sessions."
    )

    def handle(self, *args, **options):
        expired = personal_data_expire()
        self.stdout.write(
            f"Comments whose address was forgotten: {expired.comments}; "
            f"votes whose address was forgotten: {expired.votes}; "
            f"sent-email records deleted: {expired.deliveries}."
        )
