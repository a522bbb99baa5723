"""Write a Parley JSON backup: every user, article (with its followers), update and comment
(with its "notify me" choice, editor's pick and votes), as one JSON document streamed a
record at a time (transfer.json_reader reads it back).

One record a line: the file can be read, diffed and split by eye, and the reader names the
line of anything wrong. Users carry no password hash and no staff or superuser flag: a
backup restored elsewhere must not be able to grant admin rights or reveal a credential."""

import json
from datetime import datetime
from typing import BinaryIO

from django.utils import timezone

from transfer.json_reader import BACKUP_FORMAT, BACKUP_VERSION
from transfer.selectors import (
    ExportArticle,
    comment_id_last_used,
    export_articles,
    export_users,
)

# Compact, and non-ASCII text kept as UTF-8 rather than \u escapes.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def json_export(*, out: BinaryIO, site_url: str) -> dict:
    """Write the whole site to `out` as a backup; return how many of each record it holds."""
    counts = {"users": 0, "articles": 0, "updates": 0, "comments": 0}
    header = {
        "format": BACKUP_FORMAT,
        "version": BACKUP_VERSION,
        "site": site_url,
        "exported_at": _when(timezone.now()),
        # Read before the comments: where the restored site never used these ids, its
        # comments keep them, and browsers' lists of their own comments stay true.
        "comment_id_max": comment_id_last_used(),
    }
    out.write(_encode(header)[:-1].encode() + b',\n"users":[')
    for user in _users():
        out.write((",\n" if counts["users"] else "\n").encode() + _encode(user).encode())
        counts["users"] += 1
    out.write(b'\n],\n"articles":[')
    for exported in export_articles():
        out.write(b",\n" if counts["articles"] else b"\n")
        out.write(_article_lines(exported, counts, site_url).encode())
        counts["articles"] += 1
    out.write(b"\n]}\n")
    return counts


def _users():
    for user in export_users():
        yield {
            "id": user.pk,
            "username": user.get_username(),
            "email": user.email,
            "email_verified": user.email_verified,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "is_active": user.is_active,
            "date_joined": _when(user.date_joined),
            "groups": sorted(group.name for group in user.groups.all()),
        }


def _article_lines(exported: ExportArticle, counts: dict, site_url: str) -> str:
    """The article on its first line, then each update and comment on a line of its own."""
    article = exported.article
    head = {
        "id": article.pk,
        "title": article.title,
        "slug": article.slug,
        # The permalink lets a later Disqus or WordPress import find the restored article.
        "url": site_url.rstrip("/") + article.get_absolute_url(),
        "standfirst": article.standfirst,
        "body": article.body,
        "status": article.status,
        "published_at": _when(article.published_at),
        "comments_open": article.comments_open,
        "comments_close_after_days": article.comments_close_after_days,
        "language": article.language,
        "created_at": _when(article.created_at),
        "authors": sorted(user.pk for user in article.authors.all()),
        "follows": [_follow(row) for row in exported.follows],
    }
    updates = [_update(update) for update in article.updates.all()]
    comments = [_comment(row, exported.votes.get(row["pk"], [])) for row in exported.comments]
    counts["updates"] += len(updates)
    counts["comments"] += len(comments)
    parts = [_encode(head)[:-1], ',"updates":[']
    if updates:
        parts += ["\n", ",\n".join(updates), "\n"]
    parts.append('],"comments":[')
    if comments:
        parts += ["\n", ",\n".join(comments), "\n"]
    parts.append("]}")
    return "".join(parts)


def _update(update) -> str:
    return _encode(
        {
            "id": update.pk,
            "body": update.body,
            "published_at": _when(update.published_at),
            "author": update.author_id,
            "corrected_at": _when(update.corrected_at),
            "withdrawn_at": _when(update.withdrawn_at),
        }
    )


def _follow(row: dict) -> dict:
    return {
        "email": row["email"],
        "user": row["user_id"],
        "confirmed_at": _when(row["confirmed_at"]),
        "created_at": _when(row["created_at"]),
        "language": row["language"],
    }


def _comment(row: dict, votes: list[dict]) -> str:
    return _encode(
        {
            "id": row["pk"],
            "parent": row["parent_id"],
            "user": row["user_id"],
            "name": row["user_name"],
            "email": row["user_email"],
            "url": row["user_url"],
            "ip": row["ip_address"],
            "submitted_at": _when(row["submit_date"]),
            "text": row["comment"],
            "status": row["status"],
            "user_agent": row["user_agent"],
            "edited_at": _when(row["edited_at"]),
            "followup": row["followup"],
            # Whether the guest proved this address for this comment (readers.selectors.
            # comment_address_proven): said, not the keyed hash, which another site's secret
            # would not match.
            "email_proven": row["user_id"] is None and row["author_key"].startswith("email:"),
            "picked_at": _when(row["picked_at"]),
            "picked_by": row["picked_by_id"],
            "upvotes": row["upvotes"],
            "downvotes": row["downvotes"],
            "best_score": row["best_score"],
            # A voter's key is a keyed hash: it still names the same reader only on a site
            # with the same secret; elsewhere it merely keeps the vote counted. So is a
            # guest's address key, which caps the guest votes one address gives a comment.
            "votes": [
                {
                    "voter_key": vote["voter_key"],
                    "address_key": vote["address_key"],
                    "value": vote["value"],
                    "created_at": _when(vote["created_at"]),
                    "updated_at": _when(vote["updated_at"]),
                }
                for vote in votes
            ],
        }
    )


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
