"""The source's people and articles found in this site, or created: each found or made
once, and remembered by its source id so a later run goes straight to it."""

from urllib.parse import unquote, urlsplit

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import Resolver404, resolve
from django.utils import timezone

from articles.models import Article, ArticleUpdate
from articles.rendering import html_to_safe_article_html, markdown_to_safe_html
from articles.services import article_slug_unique
from core.roles import AUTHORS_GROUP
from core.text import strip_control_characters

from ..models import SourceRecord
from ..records import ArticleRecord, AuthorRecord, UpdateRecord

Kind = SourceRecord.Kind


def _remember(
    source: str, kind: str, source_id: str, object_id: int, run_id, *, stale: bool, url: str = ""
) -> None:
    """Record where a row came from. A `stale` record outlived its row (an article deleted
    since) and now points at the new one."""
    fields = {"object_id": object_id, "run_id": run_id, "url": url[:500]}
    if stale:
        SourceRecord.objects.filter(source=source, kind=kind, source_id=source_id).update(**fields)
    else:
        SourceRecord.objects.create(source=source, kind=kind, source_id=source_id, **fields)


def _recorded(source: str, kind: str, source_id: str) -> int | None:
    return (
        SourceRecord.objects.filter(source=source, kind=kind, source_id=source_id)
        .values_list("object_id", flat=True)
        .first()
    )


def user_match(*, record: AuthorRecord, source: str, run_id: int | None) -> tuple[int, str]:
    """The account for a source's user, and how it was found: "imported" (an earlier run),
    "matched" (same username and address here) or "created" (no password: they set one
    through a password reset)."""
    known = _recorded(source, Kind.USER, record.source_id)
    if known is not None and get_user_model().objects.filter(pk=known).exists():
        return known, "imported"
    users = get_user_model().objects
    login = strip_control_characters(record.login).strip()[:150] or f"imported-{record.source_id}"
    same = users.filter(username__iexact=login).first()
    if same is not None and (not record.email or same.email.lower() == record.email.lower()):
        how, user = "matched", same
    else:
        username, n = login, 2
        while users.filter(username__iexact=username).exists():
            username, n = f"{login}-{n}", n + 1
        user = users.create_user(
            username=username, email=record.email[:254], password=None,
            first_name=(record.first_name or record.display_name)[:150],
            last_name=record.last_name[:150], is_active=record.is_active,
            **({"date_joined": record.date_joined} if record.date_joined else {}),
        )  # fmt: skip
        how = "created"
    # Only roles that exist here, and never staff or superuser rights (see the README).
    names = {AUTHORS_GROUP} if record.groups is None else set(record.groups)
    groups = Group.objects.filter(name__in=names)
    user.groups.add(*groups)
    _remember(source, Kind.USER, record.source_id, user.pk, run_id, stale=known is not None)
    return user.pk, how


def _slug_from_url(url: str) -> str:
    """The slug an article URL names: Parley's own article URL, or else the last part of
    the path (WordPress's post name in its usual permalinks)."""
    path = urlsplit(url).path or "/"
    try:
        match = resolve(path)
        if match.view_name == "articles:detail":
            return match.kwargs["slug"]
    except Resolver404:
        pass
    parts = [part for part in path.split("/") if part]
    return unquote(parts[-1]) if parts else ""


def article_match(
    *, record: ArticleRecord, source: str, run_id: int | None, user_ids: dict[str, int],
    user_logins: dict[str, int],
) -> tuple[Article, str]:  # fmt: skip
    """The article a source's post or thread is: "imported" by an earlier run, "matched" by
    its original URL or its slug, or "created"."""
    known = _recorded(source, Kind.ARTICLE, record.source_id)
    article = Article.objects.filter(pk=known).first() if known is not None else None
    if article is not None:
        return article, "imported"
    if record.url:
        by_url = (
            SourceRecord.objects.filter(kind=Kind.ARTICLE, url=record.url[:500])
            .values_list("object_id", flat=True)
            .first()
        )
        article = Article.objects.filter(pk=by_url).first() if by_url else None
    for slug in (record.slug, _slug_from_url(record.url) if record.url else ""):
        if article is None and slug:
            article = Article.objects.filter(slug=unquote(slug)[:200]).first()
    how = "matched"
    if article is None:
        article, how = _article_create(record, user_ids, user_logins), "created"
    _remember(
        source, Kind.ARTICLE, record.source_id, article.pk, run_id, stale=known is not None,
        url=record.url,
    )  # fmt: skip
    return article, how


def _article_create(
    record: ArticleRecord, user_ids: dict[str, int], user_logins: dict[str, int]
) -> Article:
    if record.body_markdown is not None:
        body = strip_control_characters(record.body_markdown)
        body_html = markdown_to_safe_html(body)
    else:
        body = body_html = html_to_safe_article_html(record.body_html)
    title = strip_control_characters(record.title).strip()[:200] or "Untitled"
    status = record.status if record.status in Article.Status.values else Article.Status.DRAFT
    published_at = record.published_at
    if status != Article.Status.DRAFT and published_at is None:
        published_at = timezone.now()
    article = Article.objects.create(
        title=title,
        slug=article_slug_unique(unquote(record.slug) or title),
        standfirst=strip_control_characters(record.standfirst).strip(),
        body=body, body_html=body_html, status=status, published_at=published_at,
        comments_open=record.comments_open,
        comments_close_after_days=record.comments_close_after_days,
    )  # fmt: skip
    authors = {user_ids[i] for i in record.author_source_ids if i in user_ids}
    authors |= {user_logins[name] for name in record.author_logins if name in user_logins}
    if authors:
        Article.authors.through.objects.bulk_create(
            [Article.authors.through(article_id=article.pk, user_id=pk) for pk in authors]
        )
    return article


def updates_store(
    *, article: Article, records: list[UpdateRecord], source: str, run_id: int | None,
    user_ids: dict[str, int],
) -> int:  # fmt: skip
    """Add the follow-up updates not imported before; returns how many were added."""
    known = set(
        SourceRecord.objects.filter(
            source=source, kind=Kind.UPDATE, source_id__in=[r.source_id for r in records]
        ).values_list("source_id", flat=True)
    )
    added = 0
    for record in records:
        if record.source_id in known:
            continue
        body = strip_control_characters(record.body_markdown)
        update = ArticleUpdate.objects.create(
            article=article, author_id=user_ids.get(record.author_source_id), body=body,
            body_html=markdown_to_safe_html(body), published_at=record.published_at,
            corrected_at=record.corrected_at, withdrawn_at=record.withdrawn_at,
        )  # fmt: skip
        _remember(source, Kind.UPDATE, record.source_id, update.pk, run_id, stale=False)
        known.add(record.source_id)
        added += 1
    return added
