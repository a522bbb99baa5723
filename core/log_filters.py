"""Logging filters."""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """Keep a 4xx answer's line in the log but not its traceback: Django logs a refusal (a
    reader without the role, a bad form) with the exception that made it, and a log full of
    stack traces for people's mistakes hides the ones that are the server's."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
            # Django logs a refused body (too big, too many fields) at ERROR: it is the
            # sender's mistake, as every other 4xx, not the site's.
            if record.levelno > logging.WARNING:
                record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class HealthCheckWarningsDropped(logging.Filter):
    """A failing health check (Redis down, no worker) is a state /healthz and parley_status
    report, not a bug: django-health-check logs each with two chained tracebacks (or, cut
    short, a line naming the check by its dataclass repr), every time the load balancer
    asks. health.views.health_failures_log writes the one line per failure instead, naming
    the check and why; a check that crashed is logged at ERROR and keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (
            record.name == "health_check" and record.levelno == logging.WARNING and record.exc_info
        )


class OutagesInOneLine(logging.Filter):
    """Each record in one line, and an outage (Redis, or PostgreSQL's connection lost)
    without its traceback.

    While Redis is away Celery beat logs every task it cannot send with three chained
    tracebacks and the whole call stack (about 80 lines, each interval of each job), and the
    worker writes each reconnection attempt over three lines; while PostgreSQL drops
    connections every refused post and page logged about 60 lines. The few lines that say
    what is wrong drown, and a line-per-event journal or log shipper splits them apart. An
    outage is a state /healthz reports, not a bug; any other error (a deadlock, a bad query)
    keeps its traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and _is_outage(error):
            message = message.split("\n", 1)[0]
            if str(error) not in message:
                message = f"{message}: {error}"
            record.exc_info = None
            record.exc_text = None
        if "\n" in message:
            message = " ".join(line.strip() for line in message.splitlines() if line.strip())
        record.msg, record.args = message, None
        return True


def _is_outage(error: BaseException) -> bool:
    from kombu.exceptions import OperationalError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    from .db_outage import connection_lost

    outages = (ConnectionError, TimeoutError, OperationalError, RedisConnectionError)
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, (*outages, RedisTimeoutError)) or connection_lost(error):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False
