"""django-csp's middleware, with the settings' policy built once.

django-csp builds the Content-Security-Policy header on every response, from the settings,
in case a view changed the policy or used a nonce: two build_policy calls and two dataclass
copies, about 40 µs of every response. Parley's views do neither, so the header the
settings make is built once (again when the settings change, which only tests do). A
response a view gave a policy of its own (django-csp's decorators) or a request that asked
for a nonce still goes through django-csp's own way.
"""

from csp import middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# What django-csp's decorators set on a response to change its policy.
_PER_RESPONSE = (
    "_csp_config", "_csp_update", "_csp_replace",
    "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro",
)  # fmt: skip
# (header, the response attribute that exempts from it, the setting that names its prefixes)
_HEADERS = (
    (HEADER, "_csp_exempt", "CONTENT_SECURITY_POLICY", False),
    (HEADER_REPORT_ONLY, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
)
_built: list[tuple[str, str, str, tuple[str, ...]]] | None = None


def _settings_headers() -> list[tuple[str, str, str, tuple[str, ...]]]:
    """Each header the settings make: (name, value, exempting attribute, excluded prefixes)."""
    global _built
    if _built is None:
        _built = [
            (
                header,
                policy,
                exempting,
                tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()),
            )
            for header, exempting, setting, report_only in _HEADERS
            if (policy := build_policy(report_only=report_only))
        ]
    return _built


@receiver(setting_changed)
def _policy_forget(*, setting: str, **kwargs) -> None:
    global _built
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _built = None


class CSPMiddleware(middleware.CSPMiddleware):
    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in _PER_RESPONSE
        ):
            return super().process_response(request, response)
        # As django-csp: Django's debug pages for these load resources of their own.
        if response.status_code in (500, 404) and settings.DEBUG:
            return response
        for header, policy, exempting, excluded in _settings_headers():
            if (
                header not in response
                and getattr(response, exempting, False) is False
                and not request.path_info.startswith(excluded)
            ):
                response[header] = policy
        # As django-csp: a nonce asked for once the header is written raises.
        request.csp_nonce = middleware.CheckableLazyObject(self._csp_nonce_post_response)
        return response
