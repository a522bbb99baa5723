"""The Redis transport the Celery broker uses: kombu's, made to outlive a Redis restart.

When the connection drops while a worker holds an unacknowledged message (a task being
run, with acks_late), kombu closes the channel and tries to put that message back on the
queue through the connection that is already gone. It fails with an AttributeError, not a
connection error, and Celery stops the worker ("Unrecoverable error"), so nothing scores
comments until someone restarts it (tests/integration/test_faults.py shows both).

Here that restore gives up quietly instead: the message is still in Redis's unacked set and
comes back after the visibility timeout (if Redis kept it), and a comment whose task was
lost stays pending until the sweep queues it again. The worker reconnects and carries on.
"""

import logging

from kombu.transport import redis

logger = logging.getLogger(__name__)


class QoS(redis.QoS):
    def restore_unacked(self, client=None):
        try:
            return super().restore_unacked(client)
        except AttributeError:  # kombu: the channel's connection is gone mid-restore
            logger.warning(
                "Lost the broker while holding %d unacknowledged message(s); Redis returns "
                "them after the visibility timeout, and the sweeps catch up",
                len(self._delivered),
            )
            return None


class Channel(redis.Channel):
    QoS = QoS


class Transport(redis.Transport):
    Channel = Channel
