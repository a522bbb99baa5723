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
        return True


class HealthFailuresInOneLine(logging.Filter):
    """A failing health check (Redis down, no worker) is a state /healthz and parley_status
    report, not a bug: django-health-check logs each with two chained tracebacks, every
    time the load balancer asks. One line saying why keeps the log readable; a check that
    crashed is logged at ERROR and keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "health_check" and record.levelno == logging.WARNING and record.exc_info:
            error = record.exc_info[1]
            reason = (str(error) or type(error).__name__) if error else ""
            record.msg, record.args = f"{record.getMessage()}: {reason}", None
            record.exc_info = None
            record.exc_text = None
        return True
