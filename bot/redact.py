"""Secrets never reach a log line or a printed traceback.

install(token) is called at start (bot/__main__.py, and bot/app.py for every Application, so
tests and the console get it too). From then on every log record is created with the token
replaced by REDACTED in its message, its arguments and its exception text, whichever logger
and handler it goes to (a log record factory, not a filter on some handlers: a filter on one
logger misses records propagated from its children). A traceback printed at exit (an
uncaught exception, e.g. ptb's InvalidToken "The token `...` was rejected") is redacted too.

Both the whole token and its secret part (after the colon) are replaced: the bot id before
the colon is public, the rest is the password.
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

REDACTED = "<redacted>"
_secrets: tuple[str, ...] = ()  # longest first: the whole token before its secret part
_installed = False


def redact(text: str) -> str:
    for secret in _secrets:
        text = text.replace(secret, REDACTED)
    return text


def install(token: str) -> None:
    """Redact this token from now on (idempotent; several tokens may be installed)."""
    global _installed, _secrets
    if token:
        found = {*_secrets, token}
        secret = token.partition(":")[2]
        if len(secret) >= 8:  # too short to be a real secret: would mangle ordinary text
            found.add(secret)
        _secrets = tuple(sorted(found, key=len, reverse=True))
    if _installed:
        return
    _installed = True
    make_record = logging.getLogRecordFactory()

    def redacting(*args: object, **kwargs: object) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        _clean(record)
        return record

    logging.setLogRecordFactory(redacting)
    previous_hook = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if not _secrets:
            previous_hook(kind, exc, tb)
            return
        sys.stderr.write(redact("".join(traceback.format_exception(kind, exc, tb))))

    sys.excepthook = hook


def _clean(record: logging.LogRecord) -> None:
    if not _secrets:
        return
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: leave it to the handler to report
        return
    clean = redact(message)
    if clean != message:
        record.msg, record.args = clean, ()
    if record.exc_info and record.exc_info[1] is not None:
        text = logging.Formatter().formatException(record.exc_info)
        clean = redact(text)
        if clean != text:
            # Formatters print exc_text when exc_info is gone; a JSON formatter would format
            # exc_info again, token included.
            record.exc_text, record.exc_info = clean, None
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
