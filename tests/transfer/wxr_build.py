"""Small WordPress exports written in tests: a post and its comments, in WXR 1.2."""

from xml.sax.saxutils import escape

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
    'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n'
    "<channel><title>A test blog</title><link>https://blog.example.org</link>"
    "<wp:wxr_version>1.2</wp:wxr_version>"
    "<wp:base_site_url>https://blog.example.org</wp:base_site_url>\n"
    "<wp:author><wp:author_id>7</wp:author_id><wp:author_login>maria</wp:author_login>"
    "<wp:author_email>maria@blog.example.org</wp:author_email>"
    "<wp:author_display_name>Maria Keller</wp:author_display_name></wp:author>\n"
)


def comment(
    cid, *, parent=0, text=None, status="1", date="2021-03-04 10:00:00", name=None,
    kind="comment", email="", ip="203.0.113.5", user_id=0, date_gmt=None,
) -> str:  # fmt: skip
    text = text if text is not None else f"Comment {cid} says something."
    return (
        f"<wp:comment><wp:comment_id>{cid}</wp:comment_id>"
        f"<wp:comment_author>{escape(name or f'Reader {cid}')}</wp:comment_author>"
        f"<wp:comment_author_email>{email}</wp:comment_author_email>"
        f"<wp:comment_author_url></wp:comment_author_url>"
        f"<wp:comment_author_IP>{ip}</wp:comment_author_IP>"
        f"<wp:comment_date>{date}</wp:comment_date>"
        f"<wp:comment_date_gmt>{date_gmt or date}</wp:comment_date_gmt>"
        f"<wp:comment_content><![CDATA[{text}]]></wp:comment_content>"
        f"<wp:comment_approved>{status}</wp:comment_approved>"
        f"<wp:comment_type>{kind}</wp:comment_type>"
        f"<wp:comment_parent>{parent}</wp:comment_parent>"
        f"<wp:comment_user_id>{user_id}</wp:comment_user_id></wp:comment>\n"
    )


def post(pid, comments: str = "", *, slug=None, title=None, body="First paragraph.\n\nSecond.",
         post_type="post", status="publish") -> str:  # fmt: skip
    slug = slug or f"post-{pid}"
    return (
        f"<item><title>{escape(title or f'Post {pid}')}</title>"
        f"<link>https://blog.example.org/2021/03/{slug}/</link>"
        "<dc:creator>maria</dc:creator>"
        f"<content:encoded><![CDATA[{body}]]></content:encoded>"
        "<excerpt:encoded><![CDATA[]]></excerpt:encoded>"
        f"<wp:post_id>{pid}</wp:post_id>"
        "<wp:post_date>2021-03-01 09:00:00</wp:post_date>"
        "<wp:post_date_gmt>2021-03-01 09:00:00</wp:post_date_gmt>"
        "<wp:comment_status>open</wp:comment_status>"
        f"<wp:post_name>{slug}</wp:post_name><wp:status>{status}</wp:status>"
        f"<wp:post_type>{post_type}</wp:post_type>\n{comments}</item>\n"
    )


def document(*items: str) -> str:
    return HEAD + "".join(items) + "</channel></rss>\n"


def write(path, *items: str):
    path.write_text(document(*items), encoding="utf-8")
    return path
