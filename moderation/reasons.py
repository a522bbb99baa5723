"""What moderators read for the reasons kept with a moderation record (the scorer's, a
moderator's, the readers', an author's) and for who made a decision.

A reason is stored as {"code", "reason", "params", ...}: `reason` is the text in English as
it was written then (the audit keeps it as it was), `params` the figures in it. Shown, it is
said again from its code and figures in the language of whoever reads it. A record with no
figures kept (one written before they were), or whose text was changed since, is shown as
stored, translated when its wording is one of the fixed ones below.
"""

import re
from collections.abc import Callable, Mapping

from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

# Reasons whose wording never changes, by their English text: older records have no code
# worth more than the text itself.
FIXED = {
    "the author is shadow-banned": gettext_lazy("the author is shadow-banned"),
    "the hidden honeypot field was filled in": gettext_lazy(
        "the hidden honeypot field was filled in"
    ),
    "author is a member of staff": gettext_lazy("author is a member of staff"),
    "first comment from this author": gettext_lazy("first comment from this author"),
    "guest without a confirmed email: treated as a first comment": gettext_lazy(
        "guest without a confirmed email: treated as a first comment"
    ),
    "every comment is approved by a moderator": gettext_lazy(
        "every comment is approved by a moderator"
    ),
    "the model alone is not sure it is spam: held, not marked": gettext_lazy(
        "the model alone is not sure it is spam: held, not marked"
    ),
    "model: switched off": gettext_lazy("model: switched off"),
    "model: none shipped or trained": gettext_lazy("model: none shipped or trained"),
    "approved by a moderator": gettext_lazy("approved by a moderator"),
    "marked not spam by a moderator": gettext_lazy("marked not spam by a moderator"),
    "marked spam by a moderator": gettext_lazy("marked spam by a moderator"),
    "removed by a moderator": gettext_lazy("removed by a moderator"),
    "held by a moderator": gettext_lazy("held by a moderator"),
    "edited by its author; scored again": gettext_lazy("edited by its author; scored again"),
    "edited by its author; stays held for a moderator": gettext_lazy(
        "edited by its author; stays held for a moderator"
    ),
    "deleted by its author": gettext_lazy("deleted by its author"),
    "scoring failed repeatedly": gettext_lazy("scoring failed repeatedly"),
    "scoring timed out": gettext_lazy("scoring timed out"),
}
# A moderator's decision, by its action's code.
DECIDED = {
    "approve": "approved by a moderator",
    "not_spam": "marked not spam by a moderator",
    "spam": "marked spam by a moderator",
    "remove": "removed by a moderator",
    "hold": "held by a moderator",
}
# Who decided, when no person did (a person is named by their username).
ACTORS = {
    "scorer": pgettext_lazy("who decided", "scorer"),
    "system": pgettext_lazy("who decided", "system"),
    "readers": pgettext_lazy("who decided", "readers"),
}
# What the link scan lists in place of a link it cannot name (moderation.links).
FOUND_WORDS = {"spaced-out scheme": gettext_lazy("spaced-out scheme")}


def _count(params: Mapping) -> int:
    return int(params["count"])


def _figures(params: Mapping) -> dict:
    """The count, and the first few found (the link scan's words translated), to fill in."""
    found = params.get("found", ())
    return {
        "count": _count(params),
        "found": ", ".join(str(FOUND_WORDS.get(item, item)) for item in found),
    }


def ban_title(*, kind: str, shadow: bool, display: str) -> str:
    """A ban as moderators name it: "Ban of Email address j***@example.com"."""
    titles = {
        ("account", False): _("Ban of Account %(display)s"),
        ("email", False): _("Ban of Email address %(display)s"),
        ("ip", False): _("Ban of IP address %(display)s"),
        ("account", True): _("Shadow-ban of Account %(display)s"),
        ("email", True): _("Shadow-ban of Email address %(display)s"),
        ("ip", True): _("Shadow-ban of IP address %(display)s"),
    }
    return titles[(kind, bool(shadow))] % {"display": display}


def _ban(params: Mapping) -> str:
    return ban_title(kind=params["kind"], shadow=params["shadow"], display=params["display"])


def _undo(params: Mapping) -> str:
    if "count" not in params:
        return _("undo of decision #%(event)s") % {"event": params["event"]}
    count = int(params["count"])
    return ngettext(
        "undo of decision #%(event)s: %(count)s report reopened",
        "undo of decision #%(event)s: %(count)s reports reopened",
        count,
    ) % {"event": params["event"], "count": count}


def _redo(params: Mapping) -> str:
    # The undo of an undo: the decision it undid stands again.
    count = int(params.get("count", 0))
    if not count:
        return _("redo of decision #%(decision)s") % {"decision": params["decision"]}
    return ngettext(
        "redo of decision #%(decision)s: %(count)s report closed again",
        "redo of decision #%(decision)s: %(count)s reports closed again",
        count,
    ) % {"decision": params["decision"], "count": count}


# Each code's words; makemessages reads the literal strings, so each is written out here.
RENDERERS: dict[str, Callable[[Mapping], str]] = {
    # The scorer's (moderation.scoring)
    "disallowed_keyword": lambda p: (
        _("matches disallowed keyword '%(keyword)s'") % {"keyword": p["keyword"]}
    ),
    "moderation_keyword": lambda p: (
        _("matches moderation keyword '%(keyword)s'") % {"keyword": p["keyword"]}
    ),
    "links": lambda p: ngettext("%(count)s link", "%(count)s links", _count(p)) % _figures(p),
    "bare_domain": lambda p: (
        ngettext("%(count)s bare domain: %(found)s", "%(count)s bare domains: %(found)s", _count(p))
        % _figures(p)
    ),
    "spaced_link": lambda p: (
        ngettext(
            "%(count)s spaced-out link: %(found)s",
            "%(count)s spaced-out links: %(found)s",
            _count(p),
        )
        % _figures(p)
    ),
    "shortener": lambda p: (
        ngettext(
            "%(count)s shortened link: %(found)s", "%(count)s shortened links: %(found)s", _count(p)
        )
        % _figures(p)
    ),
    "phone": lambda p: (
        ngettext(
            "%(count)s phone number: %(found)s", "%(count)s phone numbers: %(found)s", _count(p)
        )
        % _figures(p)
    ),
    "telegram": lambda p: (
        ngettext(
            "%(count)s Telegram contact: %(found)s",
            "%(count)s Telegram contacts: %(found)s",
            _count(p),
        )
        % _figures(p)
    ),
    "whatsapp": lambda p: (
        ngettext(
            "%(count)s WhatsApp contact: %(found)s",
            "%(count)s WhatsApp contacts: %(found)s",
            _count(p),
        )
        % _figures(p)
    ),
    "hidden_link": lambda p: (
        ngettext(
            "%(count)s link: %(found)s written in look-alike or invisible characters",
            "%(count)s links: %(found)s written in look-alike or invisible characters",
            _count(p),
        )
        % _figures(p)
    ),
    "too_fast": lambda p: (
        _("sent %(seconds)s s after the form was shown (minimum %(minimum)s s)")
        % {"seconds": p["seconds"], "minimum": p["minimum"]}
    ),
    "duplicate": lambda p: (
        ngettext(
            "the same poster sent this text %(count)s time before",
            "the same poster sent this text %(count)s times before",
            _count(p),
        )
        % _figures(p)
    ),
    "spam_copy": lambda p: (
        ngettext(
            "a moderator marked this text spam here %(count)s time before",
            "a moderator marked this text spam here %(count)s times before",
            _count(p),
        )
        % _figures(p)
    ),
    "approved_copy": lambda p: (
        ngettext(
            "a moderator approved this text here %(count)s time before",
            "a moderator approved this text here %(count)s times before",
            _count(p),
        )
        % _figures(p)
    ),
    "author_spam": lambda p: (
        ngettext(
            "author has %(count)s comment marked spam",
            "author has %(count)s comments marked spam",
            _count(p),
        )
        % _figures(p)
    ),
    "trusted": lambda p: (
        ngettext(
            "trusted author: %(count)s approved comment",
            "trusted author: %(count)s approved comments",
            _count(p),
        )
        % _figures(p)
    ),
    "model": lambda p: (
        _("model: %(probability)s spam")
        % {"probability": number_format(round(float(p["probability"]), 2), 2)}
    ),
    "scorer_error": lambda p: _("the scorer failed (%(error)s)") % {"error": p["error"]},
    # Readers', moderators' and the undo's (moderation.services)
    "reports": lambda p: (
        ngettext("%(count)s reader report", "%(count)s reader reports", _count(p)) % _figures(p)
    ),
    "dismiss": lambda p: (
        ngettext(
            "%(count)s report dismissed by a moderator",
            "%(count)s reports dismissed by a moderator",
            _count(p),
        )
        % _figures(p)
    ),
    "undo": _undo,
    "redo": _redo,
    "ban": lambda p: _("%(ban)s: %(reason)s") % {"ban": _ban(p), "reason": p["reason"]},
    "unban": lambda p: _("lifted: %(ban)s") % {"ban": _ban(p)},
    **{code: (lambda p, text=text: str(FIXED[text])) for code, text in DECIDED.items()},
}


def reason_text(reason: Mapping) -> str:
    """A stored reason in the active language.

    Its figures are said again only while they still say what its text says: a record
    changed since it was written (a name or an address erased from its text) reads as it
    now stands, so that nothing the text no longer holds comes back from its figures."""
    text = str(reason.get("reason", ""))
    if text in FIXED:
        return str(FIXED[text])
    params, render = reason.get("params"), RENDERERS.get(reason.get("code", ""))
    if isinstance(params, Mapping) and render is not None:
        try:
            with translation.override("en"):
                written = render(params)
            if written == text:
                return render(params)
        except (KeyError, TypeError, ValueError):  # figures a hand-edited record garbled
            pass
    return text


def reasons_shown(reasons) -> list[dict]:
    """Stored reasons as a moderator reads them: each one's text and weight."""
    return [
        {"text": reason_text(reason), "weight": reason.get("weight")}
        for reason in reasons or ()
        if isinstance(reason, Mapping)
    ]


def reason_record(code: str, *, weight: float | None = None, **params) -> dict:
    """A reason as services store it: its code, its text in English and its figures."""
    with translation.override("en"):
        text = RENDERERS[code](params)
    record = {"code": code, "reason": text}
    if weight is not None:
        record["weight"] = weight
    if params:
        record["params"] = params
    return record


def actor_shown(label: str, *, person: bool) -> str:
    """Who decided, in the active language: "scorer", "system", "readers", or a username."""
    return label if person else str(ACTORS.get(label, label))


# The note a report made by down votes carries (moderation.hooks), as it is stored.
VOTES_NOTE = re.compile(r"(\d+) readers? voted it down\.")


def votes_note(count: int) -> str:
    """The note of the report down votes make, in English as it is stored."""
    with translation.override("en"):
        return _votes_note(count)


def _votes_note(count: int) -> str:
    return ngettext(
        "%(count)s reader voted it down.", "%(count)s readers voted it down.", count
    ) % {"count": count}


def report_note_shown(note: str) -> str:
    """A report's note in the active language when Parley wrote it (down votes' report);
    a reader's own note as they wrote it."""
    found = VOTES_NOTE.fullmatch(note)
    return _votes_note(int(found.group(1))) if found else note
