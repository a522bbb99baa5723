"""Moderators' private notes on commenters: the commenter's page, adding and deleting notes.

The queue's items post here from inside the queue's own form (buttons with `formaction`),
so notes work without JavaScript and without nesting forms.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from comments.models import Comment
from core.http import safe_next
from core.ids import parse_ids

from . import services
from .forms_commenters import CommenterNoteForm
from .selectors_commenters import commenters_for
from .typed_notes import ITEM_NOTE_TAG, returned_notes_take, typed_notes_keep
from .views import moderator_required


@require_http_methods(["GET", "POST"])
@moderator_required
def commenter(request: HttpRequest, comment_id: int) -> HttpResponse:
    """The author of a comment as moderators know them; POST keeps a new note on them."""
    comment = get_object_or_404(Comment.objects.select_related("article", "user"), pk=comment_id)
    if request.method == "POST":
        typed_notes_keep(request, besides=comment.pk)
    form = CommenterNoteForm(request.POST or None, prefix=f"note-{comment.pk}")
    here = reverse("moderation:commenter", args=[comment.pk])
    notice = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.commenter_note_add(
                comment=comment, text=form.cleaned_data["text"], actor=request.user
            )
        except services.NoteNotPossible as reason:
            notice = str(reason)
        else:
            note_tags = f"{ITEM_NOTE_TAG} c{comment.pk}"
            messages.success(request, _("Note added."), extra_tags=note_tags)
            return HttpResponseRedirect(f"{safe_next(request, here)}#item-{comment.pk}")
    return render(
        request,
        "moderation/commenter.html",
        {
            "item": {"comment": comment, "commenter": commenters_for([comment])[comment.pk]},
            "note_form": form,
            "notice": notice,
            "next": safe_next(request, here),
            # Refused notes typed in other queue items, whose boxes are not on this page.
            "stray_returned_notes": returned_notes_take(request),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@moderator_required
def note_delete(request: HttpRequest, note_id: int) -> HttpResponse:
    """Delete a note on a commenter (any moderator may: notes are the team's)."""
    typed_notes_keep(request)
    target = safe_next(request, reverse("moderation:queue"))
    item = parse_ids([request.POST.get("item", "")], limit=1)
    note_tags = f"{ITEM_NOTE_TAG} c{item[0]}" if item else ""
    if services.commenter_note_delete(note_id=note_id, actor=request.user):
        messages.success(request, _("Note deleted."), extra_tags=note_tags)
    else:
        messages.info(request, _("That note had already been deleted."), extra_tags=note_tags)
    return HttpResponseRedirect(f"{target}#item-{item[0]}" if item else target)
