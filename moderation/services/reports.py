"""Readers reporting comments; enough open reports hold a published comment."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from comments.models import CommentStatus
from core.keys import requester_key

from .. import selectors
from ..models import Report
from .transitions import comment_transition

S = CommentStatus


def report_create(
    *,
    comment_id: int,
    user: AbstractBaseUser | None,
    ip_address: str | None,
    reason: str,
    note: str = "",
) -> bool:
    """Record a reader's report (once per reader); enough reports hold a published comment.
    Returns False when this reader had already reported the comment."""
    key = requester_key(user=user, address=ip_address, purpose="reporter")
    try:
        with transaction.atomic():
            Report.objects.create(
                comment_id=comment_id,
                reporter=user if user is not None and user.is_authenticated else None,
                reporter_key=key,
                reason=reason,
                note=note[:500],
            )
    except IntegrityError:
        return False
    threshold = selectors.rules_get().reports_to_hold
    open_reports = Report.objects.filter(comment_id=comment_id, resolved_at__isnull=True).count()
    if threshold and open_reports >= threshold:
        comment_transition(
            comment_id=comment_id,
            to_status=S.HELD,
            actor_label="readers",
            only_from=[S.PUBLISHED],
            reasons=[
                {"code": "reports", "reason": f"{open_reports} reader reports", "weight": 0.5}
            ],
        )
    return True
