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
