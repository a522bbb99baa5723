"""A comment's life, and the signals that carry it from app to app.

1. Post. `comments.views.comment_post` parses the form and calls
   `comments.services.comment_receive`: the site's screening hook (PARLEY_COMMENT_SCREEN,
   the moderation app's bans, read from the cache) may refuse it, else it is stored in its
   thread, under the thread's lock, in one transaction. Nothing a reader posts is lost after
   this.
2. Score. With scoring inline (no queue), the judging hook (PARLEY_COMMENT_JUDGE,
   `moderation.services.scoring.comment_judge`) runs the pure scorer
   (`moderation.scoring.score_submission`) before the insert, and the comment is stored with
   its final status, verdict and audit event in that same transaction. With a queue it is
   stored `pending`; once that commits, `comment_submitted` (below) reaches the moderation
   app, which queues `moderation.tasks.comment_score_task`, and a worker scores it in one
   transaction.
3. Transition. The verdict, and every later decision (a moderator's, readers' reports, the
   author's edit or deletion, an undo), moves the status through the one function
   `moderation.services.transitions.comment_status_move` (reached through
   `comment_transition`, which locks first): it checks the move, moves the thread's counts,
   writes the audit event, and schedules what follows the commit: the page cache, the
   moderators' digest, and `moderation.signals.comment_status_changed`.
4. Notify. The readers app receives `comment_status_changed` and, for a published comment,
   queues the reply email to the parent's author (and a guest's address confirmation).

Signals only go up the layers (comments → moderation → readers), each to one receiver
connected in the receiving app's AppConfig.ready().
"""

from django.dispatch import Signal

# Sent once a new comment's row is committed, with `comment_id` and the `status` it was stored
# with. The moderation app queues a pending one for scoring.
comment_submitted = Signal()
