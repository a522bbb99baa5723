"""A comment's life, and the signals that carry it from app to app.

1. Post. `comments.views.comment_post` parses the form and calls
   `comments.services.comment_receive`: the site's screening hook (PARLEY_COMMENT_SCREEN,
   the moderation app's bans) may refuse it, else it is stored as `pending` in its thread,
   under the thread's lock, in one transaction. Nothing a reader posts is lost after this.
2. Score. Once that commits, `comment_submitted` (below) reaches the moderation app, which
   queues `moderation.tasks.comment_score_task`; a worker runs the pure scorer
   (`moderation.scoring.score_submission`) on it.
3. Transition. The verdict, and every later decision (a moderator's, readers' reports, the
   author's edit or deletion, an undo), moves the status through the one function
   `moderation.services.transitions.comment_transition`: it locks, checks the move, moves
   the thread's counts, writes the audit event, and schedules what follows the commit: the
   page cache, the moderators' digest, and `moderation.signals.comment_status_changed`.
4. Notify. The readers app receives `comment_status_changed` and, for a published comment,
   queues the reply email to the parent's author (and a guest's address confirmation).

Signals only go up the layers (comments → moderation → readers), each to one receiver
connected in the receiving app's AppConfig.ready().
"""

from django.dispatch import Signal

# Sent once a new comment's row is committed, with `comment_id`. The moderation app scores it.
comment_submitted = Signal()
