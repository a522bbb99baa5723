"""Template context every page needs."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from .roles import is_author, is_moderator


def roles(request: HttpRequest) -> dict:
    """`is_author` and `is_moderator` for the header, from the one definition of each."""
    user = getattr(request, "user", None)
    return {"is_author": is_author(user), "is_moderator": is_moderator(user)}


def navigation(request: HttpRequest) -> dict:
    """`return_to`: where "Log in", "Sign up" and "Log out" bring the reader back to.

    The page they are on; on the account pages, the page they came from (allauth checks it
    again before redirecting). Nothing after a POST: that address cannot be reloaded."""
    if request.method != "GET":
        return {"return_to": ""}
    if request.path.startswith("/accounts/"):
        target = request.GET.get("next", "")
        safe = url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return {"return_to": target if safe else ""}
    return {"return_to": request.get_full_path()}
