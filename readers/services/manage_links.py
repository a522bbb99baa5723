"""The link that lets a guest manage the comments they posted with an address.

It acts for the address (edit, delete, download or erase everything), so it works once: a
link left in a browser's history, a forwarded email or a shared inbox must not open those
powers again. Each link is the Delivery row its email was recorded under; using it marks the
row, in one UPDATE that only one request can make."""

from django.utils import translation
from django.utils.translation import gettext as _

from core.http import absolute_url
from core.ids import parse_id
from core.mail import email_build

from ..models import Delivery
from ..selectors import comments_of
from ..tokens import TokenSpent, token_make
from .emails import confirmation_allowed, language_of

# A manage link's Delivery row holds in object_id whether it was used.
UNUSED, USED = 0, 1


def manage_link_make(*, email: str) -> str:
    """The token of a new link for `email`, usable once (manage_link_use)."""
    return _link_made(email)[1]


def _link_made(email: str) -> tuple[Delivery, str]:
    delivery = Delivery.objects.create(
        kind=Delivery.Kind.MANAGE_LINK, object_id=UNUSED, email=email
    )
    return delivery, token_make("manage", email=email, link=delivery.pk)


def manage_link_send(*, email: str, language: str = "") -> bool:
    """Mail a guest a link to manage the comments they posted with this address (only if
    there are some; the page that asks answers the same either way), in the language they
    asked in."""
    address = email.strip().lower()
    if not comments_of(email=address).exists() or not confirmation_allowed(address):
        return False
    delivery, token = _link_made(address)
    try:
        with translation.override(language_of(language)):
            message = email_build(
                to=address,
                subject=_("Manage your comments"),
                template="readers/email/manage_link",
                context={"manage_url": absolute_url("readers:manage_enter", token)},
            )
        message.send()
    except Exception:
        # Not sent: no link is out there, and the address's hourly cap does not count it.
        delivery.delete()
        raise
    return True


def manage_link_use(*, data: dict) -> str:
    """Spend a manage link (its token's data): the address it acts for, the first time;
    TokenSpent after that, and for a link from before links worked once."""
    email = str(data.get("email", "")).lower()
    link_id = parse_id(data.get("link"))
    if link_id is None:
        raise TokenSpent(
            _(
                "This link was sent before links to manage your comments worked only once, "
                "and no longer works."
            )
        )
    spent = Delivery.objects.filter(
        pk=link_id, kind=Delivery.Kind.MANAGE_LINK, email=email, object_id=UNUSED
    ).update(object_id=USED)
    if not spent:
        raise TokenSpent(
            _("This link has been used already: each link to manage your comments works once.")
        )
    return email
