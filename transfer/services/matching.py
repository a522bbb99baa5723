"""The source's people and articles found in this site, or created: each found or made
once, and remembered by its source id so a later run goes straight to it."""

import functools
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article
from articles.rendering import html_to_safe_article_html, markdown_to_safe_html
from articles.services import article_slug_unique
from core.roles import AUTHORS_GROUP
from core.text import strip_control_characters

from ..models import SourceRecord
from ..records import ArticleRecord, AuthorRecord
from .wordpress_posts import articles_by_wordpress_post, wordpress_post_named

Kind = SourceRecord.Kind


def source_record_remember(
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


def user_match(
    *, record: AuthorRecord, source: str, run_id: int | None, grants_roles: bool = True
) -> tuple[int, str]:
    """The account for a source's user, and how it was found: "imported" (an earlier run),
    "matched" (same username and address here) or "created" (no password: they set one
    through a password reset).

    Only an account the import creates is given the source's groups. One that was here
    already keeps its own: a file must not make a reader an author or a moderator because
    a name and an address in it match theirs. Without an address, a username alone is no
    proof it is the same person, so the source's user gets an account of their own. With
    `grants_roles` false (the import's starter may not change users) it is given none."""
    known = _recorded(source, Kind.USER, record.source_id)
    if known is not None and get_user_model().objects.filter(pk=known).exists():
        return known, "imported"
    users = get_user_model().objects
    login = _login(record)
    same = users.filter(username__iexact=login).first()
    if same is not None and _same_person(same, record):
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
        _address_verified_keep(user, record)
    if how == "created" and grants_roles:
        # Only roles that exist here, and never staff or superuser rights (see the README).
        names = {AUTHORS_GROUP} if record.groups is None else set(record.groups)
        user.groups.add(*Group.objects.filter(name__in=names))
    source_record_remember(
        source, Kind.USER, record.source_id, user.pk, run_id, stale=known is not None
    )
    return user.pk, how


def user_found(*, record: AuthorRecord, source: str) -> bool:
    """Whether user_match would find an account for the record here, not create one."""
    known = _recorded(source, Kind.USER, record.source_id)
    users = get_user_model().objects
    if known is not None and users.filter(pk=known).exists():
        return True
    same = users.filter(username__iexact=_login(record)).first()
    return same is not None and _same_person(same, record)


def _login(record: AuthorRecord) -> str:
    return strip_control_characters(record.login).strip()[:150] or f"imported-{record.source_id}"


def _address_verified_keep(user, record: AuthorRecord) -> None:
    # Reply emails, follows and digests go only to a verified address: without its row a
    # restored account would silently stop getting them, and its email page would say it
    # has no address at all. Verified only when the source says so and no other account
    # holds the address verified here (addresses are unique): that one is its owner here.
    email = user.email
    if not email:
        return
    taken = EmailAddress.objects.filter(email__iexact=email, verified=True).exists()
    verified = record.email_verified and not taken
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)


def _same_person(user, record: AuthorRecord) -> bool:
    """Whether an account with the record's username is the record's person: the same
    address, or, for an account without one (the demo's editor), the same moment of joining
    to the microsecond, which only the site's own backup can know."""
    if record.email:
        return user.email.lower() == record.email.lower()
    return (
        not user.email
        and record.date_joined is not None
        and (user.date_joined == record.date_joined)
    )


@functools.lru_cache(maxsize=4096)  # matching and creating both ask, once per post each
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


def _url_slug(record: ArticleRecord) -> str:
    return _slug_from_url(record.url) if record.url else ""


def articles_match(
    *, records: list[ArticleRecord], source: str, run_id: int | None,
    user_ids: dict[str, int], user_logins: dict[str, int],
    authors_need: Callable[[list[ArticleRecord]], None] | None = None,
) -> list[tuple[Article, str]]:  # fmt: skip
    """The article each of a batch of source posts or threads is, and how it was found:
    "imported" by an earlier run, "matched" by its original URL or its slug, or "created".
    A few queries for the whole batch, however many articles it holds. `authors_need` is
    told the articles about to be created, before their authors are looked up."""
    source_ids = [r.source_id for r in records]
    known = dict(
        SourceRecord.objects.filter(source=source, kind=Kind.ARTICLE, source_id__in=source_ids)
        .values_list("source_id", "object_id")
    )  # fmt: skip
    urls = [r.url[:500] for r in records if r.url and r.source_id not in known]
    by_url = dict(
        SourceRecord.objects.filter(kind=Kind.ARTICLE, url__in=urls).values_list(
            "url", "object_id"
        )
    ) if urls else {}  # fmt: skip
    posts = {id(r): wordpress_post_named(r) for r in records if r.source_id not in known}
    by_post = articles_by_wordpress_post({post for post in posts.values() if post})
    candidates = {id(record): _slug_candidates(record) for record in records}  # each once
    slugs = {slug for names in candidates.values() for slug in names}
    articles = Article.objects.in_bulk([*known.values(), *by_url.values(), *by_post.values()])
    by_slug = {a.slug: a for a in Article.objects.filter(slug__in=list(slugs))} if slugs else {}

    found: dict[str, tuple[Article, str]] = {}
    to_create: list[ArticleRecord] = []
    for record in records:
        if record.source_id in found:
            continue
        article = articles.get(known.get(record.source_id))
        if article is not None:
            found[record.source_id] = (article, "imported")
            continue
        # The post a thread names is surer than its link, which may be a since renamed one.
        article = articles.get(by_post.get(posts.get(id(record)))) or articles.get(
            by_url.get(record.url[:500])
        )
        for slug in candidates[id(record)]:
            article = article or by_slug.get(slug)
        if article is not None:
            found[record.source_id] = (article, "matched")
        else:
            to_create.append(record)
            found[record.source_id] = (None, "created")
    if to_create and authors_need is not None:
        authors_need(to_create)
    for record, article in zip(
        to_create, _articles_create(to_create, user_ids, user_logins), strict=True
    ):
        found[record.source_id] = (article, "created")

    fresh, stale, seen = [], [], set()
    for record in records:
        if found[record.source_id][1] == "imported" or record.source_id in seen:
            continue
        seen.add(record.source_id)
        (stale if record.source_id in known else fresh).append(record)
    for record in stale:
        source_record_remember(
            source, Kind.ARTICLE, record.source_id, found[record.source_id][0].pk, run_id,
            stale=True, url=record.url,
        )  # fmt: skip
    SourceRecord.objects.bulk_create([
        SourceRecord(source=source, kind=Kind.ARTICLE, source_id=r.source_id,
                     object_id=found[r.source_id][0].pk, run_id=run_id, url=r.url[:500])
        for r in fresh
    ])  # fmt: skip
    results, returned = [], set()
    for record in records:  # a post the file gives twice is new the first time only
        article, how = found[record.source_id]
        results.append((article, "imported" if record.source_id in returned else how))
        returned.add(record.source_id)
    return results


def _slug_candidates(record: ArticleRecord) -> list[str]:
    candidates = [unquote(record.slug)[:200]] if record.slug else []
    if record.url:
        candidates.append(_url_slug(record)[:200])
    return [slug for slug in candidates if slug]


def _articles_create(
    records: list[ArticleRecord], user_ids: dict[str, int], user_logins: dict[str, int]
) -> list[Article]:
    if not records:
        return []
    titles = [strip_control_characters(r.title).strip()[:200] or "Untitled" for r in records]
    # The source's own slug, else the one its URL names (a Disqus thread's page), else the title.
    wanted = [
        unquote(r.slug) or _url_slug(r) or title for r, title in zip(records, titles, strict=True)
    ]
    # The slugs these would clash with, in one query for the batch.
    starts = Q()
    for base in {slugify(name)[:180] or "article" for name in wanted}:
        starts |= Q(slug__startswith=base)
    taken = set(Article.objects.filter(starts).values_list("slug", flat=True))
    articles = []
    for record, title, name in zip(records, titles, wanted, strict=True):
        if record.body_markdown is not None:
            body = strip_control_characters(record.body_markdown)
            body_html = markdown_to_safe_html(body)
        else:
            body = body_html = html_to_safe_article_html(record.body_html)
        status = record.status if record.status in Article.Status.values else Article.Status.DRAFT
        published_at = record.published_at
        if status != Article.Status.DRAFT and published_at is None:
            published_at = timezone.now()
        slug = article_slug_unique(name, taken=taken, existing=())
        taken.add(slug)
        articles.append(Article(
            title=title, slug=slug, standfirst=strip_control_characters(record.standfirst).strip(),
            body=body, body_html=body_html, status=status, published_at=published_at,
            comments_open=record.comments_open,
            comments_close_after_days=record.comments_close_after_days,
            language=record.language,
        ))  # fmt: skip
    Article.objects.bulk_create(articles)
    links = []
    for record, article in zip(records, articles, strict=True):
        authors = {user_ids[i] for i in record.author_source_ids if i in user_ids}
        authors |= {user_logins[name] for name in record.author_logins if name in user_logins}
        links += [Article.authors.through(article_id=article.pk, user_id=pk) for pk in authors]
    Article.authors.through.objects.bulk_create(links)
    return articles
