"""Notes on commenters typed in the queue's items. Every button of the queue sends its one
form, the note boxes with it, so each view the queue posts to keeps what was typed
(typed_notes_keep), and the page that follows says, inside each item, what became of its
note (item_notes_split)."""

import re

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from core.http import messages_tagged
from core.ids import parse_id

from . import services
from .forms_commenters import CommenterNoteForm

# What was done to a queue item's commenter (a note added or deleted) is said inside that
# item, where the answer's "#item-<id>" lands, not at the top of a long queue, out of view.
ITEM_NOTE_TAG = "queue-item-note"
# A queue item's note box, inside the queue's one form (templates/moderation/_item_commenter.html).
TYPED_NOTE = re.compile(r"note-(\d+)-text")
# Typed notes refused by typed_notes_keep, by comment id, to put back in their boxes.
RETURNED_NOTES = "moderation_returned_notes"


def item_notes_split(request: HttpRequest, items: list) -> dict:
    """The queued lines about listed items, each to show inside its item, and those about
    items no longer listed (another moderator decided meanwhile, or the item's own button
    moved it off the tab), for the top of the page; the same split for the typed notes
    that were refused, to put back in their boxes."""
    listed = {item.comment.pk for item in items}
    notes = messages_tagged(request, tag=ITEM_NOTE_TAG, prefix="c")
    returned = returned_notes_take(request)
    return {
        "item_notes": [(pk, note) for pk, note in notes if pk in listed],
        "stray_item_notes": [note for pk, note in notes if pk not in listed],
        "returned_notes": [(pk, text) for pk, text in returned if pk in listed],
        "stray_returned_notes": [(pk, text) for pk, text in returned if pk not in listed],
    }


def returned_notes_take(request: HttpRequest) -> list[tuple[int, str]]:
    """The typed notes typed_notes_keep refused, (comment id, text), for the page that
    follows to give back; that page alone (they are not given twice)."""
    return [
        (comment_id, text)
        for key, text in request.session.pop(RETURNED_NOTES, {}).items()
        if (comment_id := parse_id(key)) is not None
    ]


def typed_notes_keep(request: HttpRequest, *, besides: int | None = None) -> list[int]:
    """Keep the notes on commenters typed in the queue's items (all but item `besides`'s),
    each said done inside its item. Every button of the queue sends its one form, the
    note boxes with it: one pressed after typing a note (Approve, another item's Add note)
    would otherwise drop the note, unread, with the page.

    A note the form refuses (too long) is not kept, and the button's own action is still
    taken: the moderator is told, inside its item, why the note was not added, and finds
    its whole text back in its box to shorten (RETURNED_NOTES)."""
    texts, returned = {}, {}
    for name, value in request.POST.items():
        match = TYPED_NOTE.fullmatch(name)
        comment_id = parse_id(match.group(1)) if match else None
        if comment_id in (None, besides) or not value.strip():
            continue
        form = CommenterNoteForm({"text": value})
        if form.is_valid():
            texts[comment_id] = form.cleaned_data["text"]
        else:
            returned[comment_id] = value.strip()
            messages.error(
                request,
                _("Note not added: %(reason)s Its text is back below: shorten it, then add it.")
                % {"reason": " ".join(form.errors["text"])},
                extra_tags=f"{ITEM_NOTE_TAG} c{comment_id}",
            )
        if len(texts) + len(returned) >= 500:
            break
    if returned:
        request.session[RETURNED_NOTES] = {
            **request.session.get(RETURNED_NOTES, {}),
            **{str(comment_id): text for comment_id, text in returned.items()},
        }
    if texts:
        for comment_id in services.commenter_notes_add(texts=texts, actor=request.user):
            messages.success(request, _("Note added."), extra_tags=f"{ITEM_NOTE_TAG} c{comment_id}")
    return list(returned)
