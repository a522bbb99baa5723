"""Writes the site's articles and comments as a Disqus XML export.

The layout is Disqus's own: one category, every thread, then every post. Statuses Disqus
has no word for (held, pending, a draft article) ride along in `parley:` elements, which
other readers of the format ignore and DisqusReader reads back.
"""

import shutil
import tempfile
from datetime import UTC, datetime
from typing import BinaryIO
from xml.sax.saxutils import escape

from comments.models import CommentStatus
from core.text import strip_non_xml_characters

from .disqus_reader import DISQUS_NS, INTERNALS_NS, PARLEY_NS
from .selectors import ExportArticle, export_articles

CATEGORY_ID = 1
# Posts are written after every thread, but they are read together with their article:
# they wait in a temporary file, in memory up to this size.
SPOOL_BYTES = 8 << 20
# Characters XML 1.0 cannot carry at all, not even in CDATA (control characters, lone
# surrogates, U+FFFE/FFFF): a comment holding one would make the whole file unreadable.
REMOVED_STATUSES = (CommentStatus.REMOVED, CommentStatus.DELETED)
UNAPPROVED_STATUSES = (CommentStatus.HELD, CommentStatus.PENDING)


def disqus_export(*, out: BinaryIO, site_url: str, forum: str) -> dict:
    """Write every article as a Disqus thread and every comment as a post; return counts."""
    site_url = site_url.rstrip("/")
    threads: list[str] = []
    posts = 0
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        for item in export_articles():
            threads.append(_thread(item, site_url=site_url, forum=forum))
            spool.write("".join(_post(item.article.pk, row) for row in item.comments).encode())
            posts += len(item.comments)
        out.write(_header(forum).encode())
        for thread in threads:
            out.write(thread.encode())
        spool.seek(0)
        shutil.copyfileobj(spool, out)
    out.write(b"</disqus>\n")
    return {"threads": len(threads), "posts": posts}


def _header(forum: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<disqus xmlns="{DISQUS_NS}" xmlns:dsq="{INTERNALS_NS}" xmlns:parley="{PARLEY_NS}">\n'
        f'  <category dsq:id="{CATEGORY_ID}">\n'
        f"    <forum>{_text(forum)}</forum>\n"
        "    <title>General</title>\n"
        "    <isDefault>true</isDefault>\n"
        "  </category>\n"
    )


def _thread(item: ExportArticle, *, site_url: str, forum: str) -> str:
    article = item.article
    authors = list(article.authors.all())
    author = ""
    if authors:
        name = authors[0].get_full_name() or authors[0].get_username()
        author = (
            "    <author>\n"
            f"      <name>{_text(name)}</name>\n"
            "      <isAnonymous>false</isAnonymous>\n"
            f"      <username>{_text(authors[0].get_username())}</username>\n"
            "    </author>\n"
        )
    return (
        f'  <thread dsq:id="{article.pk}">\n'
        f"    <id>{_text(article.slug)}</id>\n"
        f"    <forum>{_text(forum)}</forum>\n"
        f'    <category dsq:id="{CATEGORY_ID}" />\n'
        f"    <link>{_text(site_url + article.get_absolute_url())}</link>\n"
        f"    <title>{_text(article.title)}</title>\n"
        "    <message />\n"
        f"    <createdAt>{_date(article.published_at or article.created_at)}</createdAt>\n"
        f"{author}"
        f"    <isClosed>{_bool(not article.comments_open)}</isClosed>\n"
        "    <isDeleted>false</isDeleted>\n"
        f"    <parley:status>{_text(article.status)}</parley:status>\n"
        "  </thread>\n"
    )


def _post(article_pk: int, row: dict) -> str:
    status = row["status"]
    html = row["comment_html"] or f"<p>{escape(row['comment'])}</p>"
    approved = "" if status not in UNAPPROVED_STATUSES else "    <isApproved>false</isApproved>\n"
    ip = f"    <ipAddress>{_text(row['ip_address'])}</ipAddress>\n" if row["ip_address"] else ""
    parent = f'    <parent dsq:id="{row["parent_id"]}" />\n' if row["parent_id"] else ""
    return (
        f'  <post dsq:id="{row["pk"]}">\n'
        "    <id />\n"
        f"    <message>{_cdata(html)}</message>\n"
        f"    <createdAt>{_date(row['submit_date'])}</createdAt>\n"
        f"    <isDeleted>{_bool(status in REMOVED_STATUSES)}</isDeleted>\n"
        f"    <isSpam>{_bool(status == CommentStatus.SPAM)}</isSpam>\n"
        f"{approved}"
        "    <author>\n"
        f"      <email>{_text(row['user_email'])}</email>\n"
        f"      <name>{_text(row['user_name'])}</name>\n"
        f"      <isAnonymous>{_bool(row['user_id'] is None)}</isAnonymous>\n"
        "    </author>\n"
        f"{ip}"
        f'    <thread dsq:id="{article_pk}" />\n'
        f"{parent}"
        f"    <parley:status>{_text(status)}</parley:status>\n"
        "  </post>\n"
    )


def _text(value: str | None) -> str:
    return escape(strip_non_xml_characters(value))


def _cdata(html: str) -> str:
    # "]]>" would end the section early: close it between "]]" and ">" and open another.
    return "<![CDATA[" + strip_non_xml_characters(html).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _date(value: datetime) -> str:
    """ISO 8601 in UTC with "Z", as Disqus writes it; microseconds kept when there are any."""
    value = value.astimezone(UTC)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    return f"{text}.{value.microsecond:06d}Z" if value.microsecond else f"{text}Z"


def _bool(value: bool) -> str:
    return "true" if value else "false"
