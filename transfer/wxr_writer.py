"""Write the site's articles and comments as a WordPress export (WXR 1.2).

Fields, their order and where CDATA is used follow WordPress's own exporter, so its importer
takes the file. What WordPress has no word for rides along as comment meta, which WordPress
keeps as it is and WxrReader reads back: the exact Parley status (`_parley_status`).
"""

import datetime
from email.utils import format_datetime
from html import escape as escape_html
from typing import BinaryIO
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone

from articles.models import Article
from comments.models import CommentStatus
from core.text import strip_non_xml_characters

from .selectors import ExportArticle, export_articles, export_authors
from .wxr_reader import PARLEY_STATUS_KEY, ZERO_DATE

WXR_VERSION = "1.2"
UTC = datetime.UTC
# Characters XML 1.0 cannot carry at all, not even in CDATA (control characters, lone
# surrogates, U+FFFE/FFFF): one of them would make the whole file unreadable.
POST_STATUSES = {
    Article.Status.PUBLISHED: "publish",
    Article.Status.SCHEDULED: "future",
    Article.Status.DRAFT: "draft",
}
COMMENT_APPROVED = {
    CommentStatus.PUBLISHED: "1",
    CommentStatus.HELD: "0",
    CommentStatus.PENDING: "0",
    CommentStatus.SPAM: "spam",
    CommentStatus.REMOVED: "trash",
    CommentStatus.DELETED: "trash",
}


def wordpress_export(
    *,
    out: BinaryIO,
    site_url: str,
    site_title: str,
    site_description: str = "",
    site_timezone: datetime.tzinfo = UTC,
) -> dict:
    """Write every article, with every comment whatever its status, as a WXR file; return
    how many articles, comments and authors it holds."""
    site_url = site_url.rstrip("/")
    authors = export_authors()
    out.write(_header(site_url, site_title, site_description).encode())
    out.write("".join(_author(user) for user in authors).encode())
    articles = comments = 0
    for item in export_articles():
        out.write(_item(item, site_url=site_url, zone=site_timezone).encode())
        articles += 1
        comments += len(item.comments)
    out.write(b"</channel>\n</rss>\n")
    return {"articles": articles, "comments": comments, "authors": len(authors)}


def _header(site_url: str, title: str, description: str) -> str:
    url = _text(site_url)
    return (
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        "<!-- A WordPress eXtended RSS file written by Parley: its articles and comments. -->\n"
        "<!-- WordPress imports it under Tools > Import > WordPress; Parley with "
        "`manage.py import_wordpress`. -->\n"
        f'<!-- generator="Parley" created="{timezone.now():%Y-%m-%d %H:%M}" -->\n'
        '<rss version="2.0"\n'
        f'\txmlns:excerpt="http://wordpress.org/export/{WXR_VERSION}/excerpt/"\n'
        '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
        '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
        '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        f'\txmlns:wp="http://wordpress.org/export/{WXR_VERSION}/"\n'
        ">\n\n<channel>\n"
        f"\t<title>{_text(title)}</title>\n"
        f"\t<link>{url}</link>\n"
        f"\t<description>{_text(description)}</description>\n"
        f"\t<pubDate>{_rfc2822(timezone.now())}</pubDate>\n"
        f"\t<language>{_language()}</language>\n"
        f"\t<wp:wxr_version>{WXR_VERSION}</wp:wxr_version>\n"
        f"\t<wp:base_site_url>{url}</wp:base_site_url>\n"
        f"\t<wp:base_blog_url>{url}</wp:base_blog_url>\n\n"
    )


def _author(user) -> str:
    return (
        "\t<wp:author>"
        f"<wp:author_id>{user.pk}</wp:author_id>"
        f"<wp:author_login>{_cdata(user.get_username())}</wp:author_login>"
        f"<wp:author_email>{_cdata(user.email)}</wp:author_email>"
        "<wp:author_display_name>"
        f"{_cdata(user.get_full_name() or user.get_username())}"
        "</wp:author_display_name>"
        f"<wp:author_first_name>{_cdata(user.first_name)}</wp:author_first_name>"
        f"<wp:author_last_name>{_cdata(user.last_name)}</wp:author_last_name>"
        "</wp:author>\n"
    )


def _item(item: ExportArticle, *, site_url: str, zone: datetime.tzinfo) -> str:
    article = item.article
    authors = list(article.authors.all())  # prefetched
    # A draft has no publication time; WordPress then leaves the GMT date unset.
    dated = article.published_at or article.created_at
    gmt = _wp_date(article.published_at, UTC) if article.published_at else ZERO_DATE
    parts = [
        "\t<item>\n"
        f"\t\t<title>{_cdata(article.title)}</title>\n"
        f"\t\t<link>{_text(site_url + article.get_absolute_url())}</link>\n"
        f"\t\t<pubDate>{_rfc2822(dated)}</pubDate>\n"
        f"\t\t<dc:creator>{_cdata(authors[0].get_username() if authors else '')}</dc:creator>\n"
        f'\t\t<guid isPermaLink="false">{_text(site_url)}/?p={article.pk}</guid>\n'
        "\t\t<description></description>\n"
        f"\t\t<content:encoded>{_cdata(article.body_html)}</content:encoded>\n"
        # WordPress's excerpt is HTML, Parley's standfirst plain text.
        f"\t\t<excerpt:encoded>{_cdata(escape_html(article.standfirst, quote=False))}"
        "</excerpt:encoded>\n"
        f"\t\t<wp:post_id>{article.pk}</wp:post_id>\n"
        f"\t\t<wp:post_date>{_cdata(_wp_date(dated, zone))}</wp:post_date>\n"
        f"\t\t<wp:post_date_gmt>{_cdata(gmt)}</wp:post_date_gmt>\n"
        f"\t\t<wp:post_modified>{_cdata(_wp_date(article.updated_at, zone))}</wp:post_modified>\n"
        "\t\t<wp:post_modified_gmt>"
        f"{_cdata(_wp_date(article.updated_at, UTC))}"
        "</wp:post_modified_gmt>\n"
        "\t\t<wp:comment_status>"
        f"{_cdata('open' if article.comments_open else 'closed')}"
        "</wp:comment_status>\n"
        "\t\t<wp:ping_status><![CDATA[closed]]></wp:ping_status>\n"
        f"\t\t<wp:post_name>{_cdata(article.slug)}</wp:post_name>\n"
        f"\t\t<wp:status>{_cdata(POST_STATUSES.get(article.status, 'draft'))}</wp:status>\n"
        "\t\t<wp:post_parent>0</wp:post_parent>\n"
        "\t\t<wp:menu_order>0</wp:menu_order>\n"
        "\t\t<wp:post_type><![CDATA[post]]></wp:post_type>\n"
        "\t\t<wp:post_password><![CDATA[]]></wp:post_password>\n"
        "\t\t<wp:is_sticky>0</wp:is_sticky>\n"
    ]
    parts.extend(_comment(row, zone) for row in item.comments)
    parts.append("\t</item>\n")
    return "".join(parts)


def _comment(row: dict, zone: datetime.tzinfo) -> str:
    submitted = row["submit_date"]
    # Dates, ids and statuses are ours and need no cleaning: CDATA is written as is.
    return (
        "\t\t<wp:comment>\n"
        f"\t\t\t<wp:comment_id>{row['pk']}</wp:comment_id>\n"
        f"\t\t\t<wp:comment_author>{_cdata(row['user_name'])}</wp:comment_author>\n"
        "\t\t\t<wp:comment_author_email>"
        f"{_cdata(row['user_email'])}"
        "</wp:comment_author_email>\n"
        f"\t\t\t<wp:comment_author_url>{_text(row['user_url'])}</wp:comment_author_url>\n"
        "\t\t\t<wp:comment_author_IP>"
        f"<![CDATA[{row['ip_address'] or ''}]]>"
        "</wp:comment_author_IP>\n"
        "\t\t\t<wp:comment_date>"
        f"<![CDATA[{_wp_date(submitted, zone)}]]>"
        "</wp:comment_date>\n"
        "\t\t\t<wp:comment_date_gmt>"
        f"<![CDATA[{_wp_date(submitted, UTC)}]]>"
        "</wp:comment_date_gmt>\n"
        f"\t\t\t<wp:comment_content>{_cdata(row['comment_html'])}</wp:comment_content>\n"
        "\t\t\t<wp:comment_approved>"
        f"<![CDATA[{COMMENT_APPROVED.get(row['status'], '0')}]]>"
        "</wp:comment_approved>\n"
        "\t\t\t<wp:comment_type><![CDATA[comment]]></wp:comment_type>\n"
        f"\t\t\t<wp:comment_parent>{row['parent_id'] or 0}</wp:comment_parent>\n"
        f"\t\t\t<wp:comment_user_id>{row['user_id'] or 0}</wp:comment_user_id>\n"
        "\t\t\t<wp:commentmeta>\n"
        f"\t\t\t\t<wp:meta_key><![CDATA[{PARLEY_STATUS_KEY}]]></wp:meta_key>\n"
        f"\t\t\t\t<wp:meta_value><![CDATA[{row['status']}]]></wp:meta_value>\n"
        "\t\t\t</wp:commentmeta>\n"
        "\t\t</wp:comment>\n"
    )


def _cdata(value: str) -> str:
    """Wrap in CDATA as WordPress does, splitting any "]]>" across two sections."""
    cleaned = strip_non_xml_characters(value)
    return "<![CDATA[" + cleaned.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _text(value: str) -> str:
    return escape(strip_non_xml_characters(value))


def _wp_date(moment: datetime.datetime, zone: datetime.tzinfo) -> str:
    """WordPress's "Y-m-d H:i:s", to the second, in `zone`."""
    return moment.astimezone(zone).replace(tzinfo=None, microsecond=0).isoformat(" ")


def _rfc2822(moment: datetime.datetime) -> str:
    return format_datetime(moment.astimezone(UTC))


def _language() -> str:
    """The site's language as WordPress names it: "en-US", not Django's "en-us"."""
    language, _, region = settings.LANGUAGE_CODE.partition("-")
    return f"{language}-{region.upper()}" if region else language
