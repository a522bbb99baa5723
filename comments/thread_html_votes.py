"""Each published comment's score and vote buttons, for comments/thread_html.py: a form of
its own after the comment's actions row (a <form> may not sit inside that <p>)."""

from typing import TYPE_CHECKING

from django.utils.html import escape

if TYPE_CHECKING:
    from .presenters import CommentNode
    from .thread_links import VoteForms
    from .thread_words import ThreadWords


def _vote_button(node: "CommentNode", way: str, value: int, spoken: str, text: str) -> str:
    pressed = node.my_vote == value
    # Pressing the vote one has already given withdraws it.
    return (
        f'<button type="submit" name="value" value="{"none" if pressed else way}"'
        f' class="link-button comment-vote-{way}" data-vote="{way}"'
        f' aria-pressed="{"true" if pressed else "false"}"'
        f' aria-label="{spoken % {"name": escape(node.name)}}">{text}</button>'
    )


def votes_html(node: "CommentNode", votes: "VoteForms | None", words: "ThreadWords") -> str:
    """A published comment's score, and for readers other than its author the buttons that
    vote it up or down, in a form of their own after the actions row."""
    if not node.pickable:
        return ""
    title = words.score_title % {"up": node.up, "down": node.down}
    score = (
        f'<span class="visually-hidden">{words.score} </span>'
        f'<span class="comment-score" data-up="{node.up}" data-down="{node.down}"'
        f' title="{title}">{node.up - node.down}</span>'
    )
    if votes is None or not node.votable:
        return f'\n<p class="comment-votes">{score}</p>'
    up = _vote_button(node, "up", 1, words.vote_up_spoken, f"&#9650; {words.vote_up}")
    down = (
        _vote_button(node, "down", -1, words.vote_down_spoken, f"&#9660; {words.vote_down}")
        if votes.down_votes
        else ""
    )
    action = f"{votes.action[0]}{node.id}{votes.action[1]}"
    if votes.csrf_token:
        opening = (
            f'<form class="comment-votes" method="post" action="{action}">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{votes.csrf_token}">'
        )
    else:
        opening = f'<form class="comment-votes" method="get" action="{action}">'
    return f"\n{opening}{up} {score} {down}</form>"
