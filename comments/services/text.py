"""A stored comment's text and personal details: one write path for each."""

from django.db import transaction
from django.utils import timezone

from articles.page_cache import page_invalidate
from core.keys import author_key_for
from core.text import strip_control_characters

from ..live import live_publish
from ..models import Comment, CommentStatus, text_fingerprint
from ..rendering import comment_to_safe_html
from ..rendering_html import html_to_comment_parts


def comments_claim(*, email: str, comment_ids: frozenset[int]) -> int:
    """Attach a guest's earlier comments to their address once they proved it by a link:
    only the ones this browser posted (its own-comments cookie) with that same address."""
    if not email or not comment_ids:
        return 0
    return Comment.objects.filter(
        pk__in=comment_ids, user__isnull=True, user_email__iexact=email, author_key=""
    ).update(author_key=author_key_for(verified_email=email))


def comment_text_hash(text: str) -> str:
    """The fingerprint a comment with this text is stored under (comment_text_fields), for
    finding it without rendering the text."""
    return text_fingerprint(strip_control_characters(text))


def comment_text_fields(text: str) -> dict[str, str]:
    """The stored forms of a comment's text: without control characters, rendered to safe
    HTML, and fingerprinted for finding copies. Every write of comment text goes through
    here (posting, staff edits, authors' edits)."""
    text = strip_control_characters(text)
    return {
        "comment": text,
        "comment_html": comment_to_safe_html(text),
        "text_hash": comment_text_hash(text),
    }


def comment_text_fields_from_html(source_html: str) -> dict[str, str]:
    """The stored forms of a comment that arrives as HTML (imports): the page gets the HTML
    through the posted comments' own allowlist, and the words are kept as the Markdown a
    reader would have typed, so an edit later renders the same."""
    safe_html, text = html_to_comment_parts(strip_control_characters(source_html))
    return {"comment": text, "comment_html": safe_html, "text_hash": text_fingerprint(text)}


def comment_text_set(*, comment_id: int, text: str, edited: bool = False) -> None:
    """Replace a stored comment's text (its status is moderation's business, not this)."""
    fields = comment_text_fields(text)
    if edited:
        fields["edited_at"] = timezone.now()
    Comment.objects.filter(pk=comment_id).update(**fields)


def comments_erase(*, comment_ids: list[int]) -> None:
    """Erase comments' words and their authors' details, names included (their authors
    deleted them); the rows stay, so threads keep their shape under "[deleted]"
    placeholders. The account link and the keyed author key stay, so each author still
    finds theirs among their comments."""
    Comment.objects.filter(pk__in=comment_ids).update(
        comment="", comment_html="", text_hash="", user_name="", user_email="", user_url="",
        ip_address=None, user_agent="", submission_meta={}, followup=False,
    )  # fmt: skip


def comments_followup_stop(*, email: str) -> int:
    """Stop emails about replies for every comment posted with this address or by an
    account that has it."""
    address = email.lower()
    stopped = Comment.objects.filter(user_email__iexact=address, followup=True).update(
        followup=False
    )
    return stopped + Comment.objects.filter(user__email__iexact=address, followup=True).update(
        followup=False
    )


def comment_staff_edit(*, comment: Comment) -> Comment:
    """Store a comment whose text or commenter details staff changed (the admin): its HTML
    and fingerprint follow the text, and the article's cached page is dropped if it shows it.
    Its status does not change here; that is the moderation service's.

    New words are a new version of them, as an author's edit is: a moderator's page
    loaded before shows the old ones, and deciding from it must not publish these unread
    (moderation.services.comments_moderate compares edited_at). Readers see it "edited",
    which it is."""
    stored = Comment.objects.filter(pk=comment.pk).values_list("comment", flat=True).first()
    if stored is not None and stored != comment.comment:
        comment.edited_at = timezone.now()
    for field, value in comment_text_fields(comment.comment).items():
        setattr(comment, field, value)
    comment.save()
    if comment.status == CommentStatus.PUBLISHED:
        slug = comment.article.slug
        transaction.on_commit(lambda: page_invalidate(slug=slug))
        live_publish(article_id=comment.article_id, kind="edit", data={"id": comment.pk})
    return comment
