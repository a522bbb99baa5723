"""/healthz: one JSON report, 200 when every check passes, 503 otherwise."""

import asyncio
import logging

from django.http import JsonResponse
from health_check.views import HealthCheckView

from .checks import CHECKS

logger = logging.getLogger(__name__)


def health_report(results: dict) -> dict:
    """{"status": "ok" | "failing", "checks": {name: {"ok", "error", "ms", ...details}}}."""
    checks = {
        name: {
            "ok": result.error is None,
            "error": str(result.error.message) if result.error else None,
            "ms": round(result.time_taken * 1000, 1),
            **getattr(result.check, "details", {}),
        }
        for name, result in results.items()
    }
    status = "ok" if all(check["ok"] for check in checks.values()) else "failing"
    return {"status": status, "checks": checks}


def health_failures_log(results: dict) -> None:
    """One log line per failed check, naming it and why, with the underlying error's first
    line (a database's own words, which the public report leaves out)."""
    for name, result in results.items():
        if result.error is None:
            continue
        cause = result.error.__cause__
        detail = str(cause).strip().splitlines()[0] if cause and str(cause).strip() else ""
        said = str(result.error.message)
        if detail and detail not in said:
            said = f"{said} [{type(cause).__name__}: {detail}]"
        logger.warning("health: %s failing: %s", name, said)


class HealthView(HealthCheckView):
    checks = tuple(CHECKS.values())

    async def get(self, request, *args, **kwargs):
        with self.get_executor() as executor:
            results = await asyncio.gather(
                *(check.get_result(executor) for check in self.get_checks())
            )
        by_name = dict(zip(CHECKS, results, strict=True))
        health_failures_log(by_name)
        report = health_report(by_name)
        response = JsonResponse(report, status=200 if report["status"] == "ok" else 503)
        # The failures are logged above, each saying what failed; Django's own
        # "Service Unavailable: /healthz" would add a line saying nothing more, each time a
        # load balancer asks.
        response._has_been_logged = True
        return response
