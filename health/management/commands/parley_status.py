"""Print the site's health, as /healthz reports it, for a terminal."""

import asyncio

from asgiref.sync import async_to_sync
from django.core.management.base import BaseCommand, CommandError

from ...checks import CHECKS
from ...views import health_failures_log, health_report


class Command(BaseCommand):
    help = "Check the database, cache, broker, worker heartbeat, beat and comment queue."

    def handle(self, *args, **options):
        async def run_all():
            return await asyncio.gather(*(check().get_result(None) for check in CHECKS.values()))

        # async_to_sync, not asyncio.run: the checks' ORM calls then run on this thread and
        # its database connection, as they do under the web server.
        results = async_to_sync(run_all)()
        by_name = dict(zip(CHECKS, results, strict=True))
        health_failures_log(by_name)
        report = health_report(by_name)
        for name, check in report["checks"].items():
            figures = ", ".join(
                f"{key}={value}" for key, value in check.items() if key not in ("ok", "error")
            )
            state = "ok" if check["ok"] else f"FAILING: {check['error']}"
            self.stdout.write(f"{name:<18} {state}  ({figures})")
        if report["status"] != "ok":
            raise CommandError("Parley is not healthy.")
        self.stdout.write("Parley is healthy.")
