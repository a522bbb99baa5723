"""Celery tasks for readers' emails: ids in, one service call each.

No timed retries (see moderation.tasks): an email that failed to send is not recorded as
sent, and the notifications sweep beat runs every few minutes sends it then.
"""

from celery import shared_task


@shared_task(acks_late=True)
def update_notify_task(update_id: int) -> int:
    """Tell an article's followers about its new update."""
    from .services import update_notify

    return update_notify(update_id=update_id)


@shared_task(acks_late=True)
def comment_published_task(comment_id: int) -> list[str]:
    """Tell a parent's author about a published reply; ask a guest to confirm their address."""
    from .services import comment_published_notify

    return comment_published_notify(comment_id=comment_id)


@shared_task(acks_late=True)
def follow_confirm_send_task(follow_id: int) -> bool:
    """Mail a guest the link that confirms their follow."""
    from .services import follow_confirm_send

    return follow_confirm_send(follow_id=follow_id)


@shared_task(acks_late=True)
def manage_link_send_task(email: str, language: str = "") -> bool:
    """Mail a guest the link to manage their comments, in the language they asked in."""
    from .services import manage_link_send

    return manage_link_send(email=email, language=language)


@shared_task
def notifications_sweep_task() -> int:
    """Send recent notifications that were missed."""
    from .services import notifications_sweep

    return notifications_sweep()


@shared_task
def author_digests_send_task() -> int:
    """Email each author the comments published on their articles since their last digest."""
    from .services import author_digests_send

    return author_digests_send()


@shared_task
def personal_data_expire_task() -> int:
    """Forget what is kept only for a while (readers.services.retention)."""
    from .services import personal_data_expire

    return personal_data_expire().comments


@shared_task
def email_confirmations_expire_task() -> None:
    """Delete address confirmations past allauth's expiry."""
    from .services import email_confirmations_expire

    email_confirmations_expire()
