"""The Redis transport the Celery broker uses: kombu's, made to outlive a Redis restart.

When the connection drops while a worker holds an unacknowledged message (one reserved to
run later, or a task being run with acks_late), kombu goes on to restore or acknowledge it
through a channel whose connection is already gone. Building a Redis client for that fails
with an AttributeError rather than a connection error, Celery takes it for a bug in itself
("Unrecoverable error") and the worker exits, so nothing scores comments until someone
restarts it (tests/integration/test_faults.py shows it).

Here that case raises the connection error it is. Celery then does what it does for any
lost connection: it logs, reconnects and carries on. The message itself stays in Redis's
unacked set and comes back after the visibility timeout if Redis kept it; a comment whose
task was lost stays pending until the sweep queues it again.
"""

import redis as redis_client
from kombu.transport import redis


class Channel(redis.Channel):
    def _connparams(self, asynchronous=False):
        if self.connection is None or self.connection.client is None:
            raise redis_client.exceptions.ConnectionError("the broker connection is closed")
        return super()._connparams(asynchronous=asynchronous)


class Transport(redis.Transport):
    Channel = Channel
