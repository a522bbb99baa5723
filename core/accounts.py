"""allauth, told where the client is: its limiters key on the same address as Parley's."""

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .http import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth reads X-Forwarded-For by its own setting and rules; one definition of the
        # client (PARLEY_TRUSTED_PROXY_COUNT) keeps a proxy's address from standing for
        # every reader, which let one client lock every login.
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine the client's address.")
        return ip
