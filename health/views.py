"""/healthz: one JSON report, 200 when every check passes, 503 otherwise."""

import asyncio

from django.http import JsonResponse
from health_check.views import HealthCheckView

from .checks import CHECKS


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


class HealthView(HealthCheckView):
    checks = tuple(CHECKS.values())

    async def get(self, request, *args, **kwargs):
        with self.get_executor() as executor:
            results = await asyncio.gather(
                *(check.get_result(executor) for check in self.get_checks())
            )
        report = health_report(dict(zip(CHECKS, results, strict=True)))
        return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
