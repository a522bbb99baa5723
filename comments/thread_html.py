"""The thread's HTML, built in Python: the one hot loop of the article page.

Django's template engine spends about 0.15 ms per comment on variable lookups, escaping and
URL reversing; a page of 50 busy threads holds several hundred comments. This module makes
the same markup (nested <ol>/<li>, WordPress-like classes) with plain string joins, escaping
every value that comes from a reader, and taking already-sanitized comment HTML as is.
"""

from typing import TYPE_CHECKING

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .thread_html_votes import votes_html
from .thread_links import ThreadLinks

# moderation.views_inplace reads the buttons' actions and the states' labels from here.
from .thread_words import MODERATION_BUTTONS as MODERATION_BUTTONS
from .thread_words import MODERATION_LABELS as MODERATION_LABELS
from .thread_words import ThreadWords, thread_words

if TYPE_CHECKING:
    from .presenters import CommentNode


def _link(
    parts: tuple[str, str], comment_id: str, css: str, text: str, rel: str = "", label: str = ""
) -> str:
    rel_attribute = f' rel="{rel}"' if rel else ""
    label_attribute = f' aria-label="{label}"' if label else ""
    href = f"{parts[0]}{comment_id}{parts[1]}"
    return f' <a class="{css}"{rel_attribute} href="{href}"{label_attribute}>{text}</a>'


def _more(node: "CommentNode", links: ThreadLinks, words: ThreadWords) -> str:
    # The count is there for the live thread's scripts (static/js/live_arrivals.js), which
    # add the live replies it puts there.
    if not node.hidden_replies:
        return ""
    return (
        f'\n<p class="comment-more" data-count="{node.hidden_replies}">'
        f'<a href="{links.thread_query}{node.id}#c{node.id}">'
        f"{words.more(node.hidden_replies)}</a></p>"
    )


def _notice(node: "CommentNode", links: ThreadLinks) -> str:
    """The poster's line about their own comment; while it awaits a verdict (pending, or
    held for a moderator), the page's script asks `data-status-url` for it and rewords it."""
    if not node.notice:
        return ""
    poll = ""
    if node.status_seen in ("pending", "held"):
        kind = f"?kind={node.notice_kind}" if node.notice_kind else ""
        poll = f' data-status-url="{links.status[0]}{node.id}{links.status[1]}{kind}"'
    css = "comment-status" + (" comment-awaiting-moderation" if node.status_seen == "held" else "")
    return (
        f'\n<p class="{css}" role="status" data-status="{node.status_seen}"{poll}>'
        f"{escape(node.notice)}</p>"
    )


def _pick_control(node: "CommentNode", links: ThreadLinks, words: ThreadWords) -> tuple[str, str]:
    """The Pick or Unpick button for the actions row, and the form it sends: a <form> may
    not sit inside the row's <p>, so the button names it with its `form` attribute."""
    if not (links.can_pick and node.pickable):
        return "", ""
    verb, parts = ("unpick", links.unpick) if node.picked else ("pick", links.pick)
    form_id = f"{verb}-c{node.id}"
    if node.picked:
        label, spoken = words.unpick, words.unpick_spoken
    else:
        label, spoken = words.pick, words.pick_spoken
    button = (
        f' <button type="submit" form="{form_id}" class="link-button comment-pick-link"'
        f' aria-label="{spoken % {"name": escape(node.name)}}">{label}</button>'
    )
    form = (
        f'\n<form id="{form_id}" method="post" action="{parts[0]}{node.id}{parts[1]}" hidden>'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{links.csrf_token}"></form>'
    )
    return button, form


def _moderation_control(
    node: "CommentNode", links: ThreadLinks, words: ThreadWords
) -> tuple[str, str]:
    """On a moderator's page, the comment's moderation buttons for the actions row and the
    form they send (after the row, like the pick form); elsewhere a "Moderate" link there."""
    if not links.can_moderate:
        return "", ""
    cid, inplace = node.id, links.moderation
    if inplace is None:
        return _link(links.moderate, cid, "comment-moderate-link", words.moderate), ""
    form_id = f"moderate-c{cid}"
    name = {"name": escape(node.name)}
    controls = "".join(
        f' <button type="submit" form="{form_id}" name="action" value="{action}"'
        f' data-to="{to}" class="link-button comment-moderate-button"'
        f' aria-label="{spoken % name}"'
        f"{' hidden' if to == node.moderation_status else ''}>{label}</button>"
        for action, to, label, spoken in words.moderation_buttons
    )
    if inplace.ban is not None and node.bannable:
        controls += (
            f' <a class="comment-ban-link" href="{inplace.ban[0]}{cid}{inplace.ban[1]}'
            f'{inplace.ban_next}{cid}" aria-label="{words.ban_spoken % name}">{words.ban}</a>'
        )
    form = (
        f'\n<form id="{form_id}" class="comment-moderate-form" method="post"'
        f' action="{inplace.action[0]}{cid}{inplace.action[1]}" data-comment-id="{cid}" hidden>'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{inplace.csrf_token}">'
        f'<input type="hidden" name="next" value="{inplace.page_url}">'
        # The status and words the moderator sees: a comment that moved on or was edited
        # meanwhile is left alone. Refreshing an edited comment replaces the whole body,
        # form included (static/js/moderate_inplace.js), so no form pairs old words with new.
        f'<input type="hidden" name="seen" value="{node.moderation_status}">'
        f'<input type="hidden" name="words_seen" value="{escape(node.words_version)}"></form>'
    )
    return controls, form


def _moderation_state(
    node: "CommentNode", links: ThreadLinks, words: ThreadWords
) -> tuple[str, str]:
    """On a moderator's page, the label of a comment readers do not see, and the note on
    what the moderator's last action on it did."""
    if links.moderation is None:
        return "", ""
    label = words.moderation_labels.get(node.moderation_status, "")
    state = (
        f' <span class="comment-state" data-state="{node.moderation_status}"'
        f"{'' if label else ' hidden'}>{label}</span>"
    )
    note = (
        f'\n<p class="comment-moderation-note" role="status">{escape(node.moderation_note)}</p>'
        if node.moderation_note
        else ""
    )
    return state, note


def _comment(node: "CommentNode", links: ThreadLinks, words: ThreadWords) -> str:
    cid = node.id
    name = escape(node.name)
    author = (
        f'<a href="{escape(node.url)}" rel="nofollow ugc noopener">{name}</a>' if node.url else name
    )
    badges = "".join(f' <span class="badge">{escape(badge)}</span>' for badge in node.badges)
    if node.picked:
        badges += f' <span class="badge badge-pick">{words.editors_pick}</span>'
    edited = f' <span class="comment-edited">{words.edited}</span>' if node.edited else ""
    awaiting = _notice(node, links)
    state, moderation_note = _moderation_state(node, links, words)
    # On a moderator's page, held and spam comments show too: nobody replies to or reports
    # those.
    hidden_from_readers = node.moderation_status not in ("", "published")
    actions = []
    if links.comments_open and not hidden_from_readers:
        actions.append(
            f'<a class="comment-reply-link" rel="nofollow" href="{links.reply_query}{cid}#respond"'
            f' data-comment-id="{cid}" data-name="{name}"'
            f' aria-label="{words.reply_to % {"name": name}}">{words.reply}</a>'
        )
    # Their own comment is the poster's to edit or delete, not to report to a moderator.
    if not node.awaiting and not hidden_from_readers and not node.is_own:
        # Named after the comment, as Reply and the votes are: a screen reader's list of
        # links otherwise reads "Report, Report, Report".
        spoken = words.report_spoken % {"name": name}
        actions.append(
            _link(links.report, cid, "comment-report-link", words.report, "nofollow", spoken)
        )
    if node.is_own:
        # Named after the comment's date (all of them are the reader's own, so the name
        # would not tell them apart): otherwise "Edit, Delete, Edit, Delete".
        when = {"date": node.date_text}
        if node.editable:
            spoken = words.edit_spoken % when
            actions.append(_link(links.edit, cid, "comment-edit-link", words.edit, "", spoken))
        spoken = words.delete_spoken % when
        actions.append(_link(links.delete, cid, "comment-delete-link", words.delete, "", spoken))
    votes = votes_html(node, links.votes, words)
    moderate_controls, moderate_form = _moderation_control(node, links, words)
    actions.append(moderate_controls)
    pick_button, pick_form = _pick_control(node, links, words)
    actions.append(pick_button)
    status = f' data-moderation-status="{node.moderation_status}"' if state else ""
    return (
        f'<li id="c{cid}" class="comment depth-{node.depth}" data-score="{node.up - node.down}">\n'
        f'<article class="comment-body{" comment-awaiting" if node.awaiting else ""}"{status}'
        f' aria-labelledby="comment-author-{cid}">\n'
        f'<footer class="comment-meta">\n'
        f'<b class="comment-author" id="comment-author-{cid}" dir="auto">{author}</b>'
        f"{badges}{state}\n"
        f'<a class="comment-date" href="#c{cid}">'
        f'<time datetime="{node.date_iso}" data-local="datetime">{node.date_text}</time></a>'
        f"{edited}\n"
        f"</footer>{awaiting}{moderation_note}\n"
        f'<div class="comment-content" dir="auto">{node.html}</div>\n'
        f'<p class="comment-actions">{"".join(actions)}</p>{votes}{pick_form}{moderate_form}\n'
        f"</article>{_more(node, links, words)}"
    )


def thread_html(nodes: "list[CommentNode]", trailing: range, links: ThreadLinks) -> SafeString:
    """The nested list of a page of threads; every reader-supplied value is escaped."""
    words = thread_words()
    parts: list[str] = []
    for index, node in enumerate(nodes):
        if node.opens:
            parts.append('<ol class="children">')
        elif index:
            parts.append("</li>" + "</ol></li>" * len(node.closes))
        if node.placeholder:
            parts.append(
                f'<li id="c{node.id}" class="comment depth-{node.depth} comment-placeholder">'
                f'<p class="comment-placeholder-text">{escape(node.placeholder)}</p>'
                f"{_more(node, links, words)}"
            )
        else:
            parts.append(_comment(node, links, words))
    if nodes:
        parts.append("</li>" + "</ol></li>" * len(trailing))
    return mark_safe("\n".join(parts))  # noqa: S308 - built from escaped values and nh3 output
