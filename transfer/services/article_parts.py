"""What an article brings along from the source besides its comments: its follow-up
updates, saved as the author area saves them, and its followers."""

from articles.models import Article, ArticleUpdate
from articles.services import update_save
from core.text import strip_control_characters
from readers.models import Follow
from readers.services import updates_mark_announced

from ..models import SourceRecord
from ..records import FollowRecord, UpdateRecord
from .matching import source_record_remember

Kind = SourceRecord.Kind


def updates_store(
    *, article: Article, records: list[UpdateRecord], source: str, run_id: int | None,
    user_ids: dict[str, int],
) -> int:  # fmt: skip
    """Add the follow-up updates not imported before; returns how many were added. They are
    saved as the author area saves them, so one dated in the future is scheduled (beat
    announces it at its date); one dated in the past is old news its followers heard of on
    the site it comes from, so they are not emailed about it here."""
    known = set(
        SourceRecord.objects.filter(
            source=source, kind=Kind.UPDATE, source_id__in=[r.source_id for r in records]
        ).values_list("source_id", flat=True)
    )
    # The site's own backup restored into it: its updates are here already, unrecorded.
    here = {(when, body): pk for pk, when, body in article.updates.values_list(
        "pk", "published_at", "body"
    )}  # fmt: skip
    added, past = 0, []
    for record in records:
        if record.source_id in known:
            continue
        body = strip_control_characters(record.body_markdown)
        if (update_id := here.get((record.published_at, body))) is not None:
            source_record_remember(
                source, Kind.UPDATE, record.source_id, update_id, run_id, stale=False
            )
            known.add(record.source_id)
            continue
        update = update_save(
            update=ArticleUpdate(
                article=article, author_id=user_ids.get(record.author_source_id), body=body,
                published_at=record.published_at, corrected_at=record.corrected_at,
                withdrawn_at=record.withdrawn_at,
            ),
            announce=False,
        )  # fmt: skip
        source_record_remember(
            source, Kind.UPDATE, record.source_id, update.pk, run_id, stale=False
        )
        known.add(record.source_id)
        added += 1
        if not update.scheduled:
            past.append(update.pk)
    # The article's followers are stored by now (follows_store runs first).
    updates_mark_announced(update_ids=past)
    return added


def follows_store(
    *, article: Article, records: tuple[FollowRecord, ...], user_ids: dict[str, int]
) -> int:
    """Add the article's followers not here already (one follow per address); returns how
    many were added. A confirmation is kept, and one here still waiting for it is confirmed:
    the reader proved the address where the backup comes from, so they stay following."""
    # By address in lower case, as follows are made here (readers.services.follow_start):
    # "Fan@x" in the backup is the "fan@x" following here. The stored spelling updates it.
    here = {
        email.lower(): (pk, confirmed_at)
        for pk, email, confirmed_at in Follow.objects.filter(article=article).values_list(
            "pk", "email", "confirmed_at"
        )
    }
    follows, dated, confirmed = [], [], {}
    for record in records:
        email = record.email[:254].lower()
        if email in here:
            pk, confirmed_at = here[email]
            if confirmed_at is None and record.confirmed_at is not None and pk is not None:
                confirmed[pk] = Follow(pk=pk, confirmed_at=record.confirmed_at)
                here[email] = (pk, record.confirmed_at)
            continue
        here[email] = (None, record.confirmed_at)
        follows.append(Follow(
            article=article, email=email, user_id=user_ids.get(record.user_source_id),
            confirmed_at=record.confirmed_at, language=record.language,
        ))  # fmt: skip
        dated.append(record.created_at)
    Follow.objects.bulk_update(list(confirmed.values()), ["confirmed_at"])
    Follow.objects.bulk_create(follows)
    # Creating stamps created_at with the time now (auto_now_add); the backup's goes back.
    for follow, created_at in zip(follows, dated, strict=True):
        follow.created_at = created_at or follow.created_at
    Follow.objects.bulk_update(follows, ["created_at"])
    return len(follows)
