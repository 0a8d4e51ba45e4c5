"""Personal data and secrets out of the log and the output: names, NIK and phone numbers, and the bot token.

At DEBUG python-telegram-bot logs every update it receives and every request and answer, as the
repr of dicts and objects (`'first_name': 'Siti'`, `User(first_name='Siti', ...)`). A filter on
the log's handlers rewrites each record before it is written:

- the values of name fields (first and last name, username, a channel post's author, a shared
  contact's phone number and vCard) become '…';
- in the values of text fields (message text and caption, inline query, quote, ...) runs of 5 or
  more digits become '…', as in the questions kept for /pertanyaan (bot/store/questions.py), and so
  do 10 or more digits written in groups (a NIK or phone number typed with spaces or dashes).

Chat and user ids stay: following a conversation in the log needs them.

The bot token never shows: `RedactFilter` masks it (and anything shaped like a token) in log records,
and `redacted_output` in everything the process prints, tracebacks included.
"""

from __future__ import annotations

import contextlib
import logging
import re
import sys
import traceback
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Any, TextIO
from urllib.parse import quote

MASK = "…"
NAME_FIELDS = ("first_name", "last_name", "username", "full_name", "author_signature", "phone_number", "vcard")
TEXT_FIELDS = ("text", "caption", "query", "quote", "question", "explanation", "address", "bio")

# A quoted Python or JSON string: what a dict's or an object's repr shows for a str value.
_QUOTED = r"""(?P<value>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""


def _field(names: tuple[str, ...]) -> re.Pattern[str]:
    """`'name': 'value'`, `"name": "value"` or `name='value'`, for any of `names`."""
    alternatives = "|".join(names)
    return re.compile(rf"""(?P<key>(?P<q>['"]?)\b(?:{alternatives})(?P=q)\s*[:=]\s*){_QUOTED}""")


_NAMES = _field(NAME_FIELDS)
_TEXTS = _field(TEXT_FIELDS)
_DIGITS = re.compile(r"\d{5,}|\d(?:[ .\-]?\d){9,}")
_HINT = re.compile("|".join(NAME_FIELDS + TEXT_FIELDS))


def _masked_text(match: re.Match[str]) -> str:
    return match["key"] + _DIGITS.sub(MASK, match["value"])


def scrub(text: str) -> str:
    """`text` with name values dropped and long digit runs in text values masked."""
    if not _HINT.search(text):
        return text
    text = _NAMES.sub(lambda m: f"{m['key']}{m['value'][0]}{MASK}{m['value'][0]}", text)
    return _TEXTS.sub(_masked_text, text)


class PersonalDataFilter(logging.Filter):
    """Applies :func:`scrub` to every record's message and traceback; installed on handlers."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = scrub(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


# Anything shaped like a bot token (id:secret) is hidden too, whether or not it is the configured one.
TOKEN_SHAPE = re.compile(r"(?<!\d)\d{6,}(?::|%3[aA])[A-Za-z0-9_-]{30,}")


class RedactFilter(logging.Filter):
    """Replaces secrets in every log record (message, arguments and traceback text).

    Installed on handlers, not loggers, so that records from every library pass through it;
    httpx, for one, logs request URLs, which contain the bot token, at INFO.
    """

    def __init__(self, secrets: list[str] | None = None) -> None:
        super().__init__()
        self.secrets: list[str] = [s for s in (secrets or []) if s]

    def add(self, secret: str | None) -> None:
        if secret and secret not in self.secrets:
            self.secrets.append(secret)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            # As written, and URL-encoded (an error page may echo the request path: %3A, or %3a).
            encoded = quote(secret, safe="")
            for form in dict.fromkeys((secret, encoded, encoded.lower(), encoded.upper())):
                text = text.replace(form, "[TOKEN]")
        return TOKEN_SHAPE.sub("[TOKEN]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.msg, record.args = self.redact(message), None
            if record.exc_text:
                record.exc_text = self.redact(record.exc_text)
            if record.stack_info:
                record.stack_info = self.redact(record.stack_info)
        return True


REDACT = RedactFilter()


def _redacting_excepthook(
    exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
) -> None:
    """Crash output goes through the same redaction as the log."""
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    sys.stderr.write(REDACT.redact(text))


class RedactingStream:
    """A text stream (stdout, stderr) that redacts secrets on the way out; all else is the wrapped stream's."""

    def __init__(self, stream: TextIO, redactor: RedactFilter) -> None:
        self._stream, self._redactor = stream, redactor

    def write(self, text: str) -> int:
        self._stream.write(self._redactor.redact(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def redacted_output() -> Iterator[None]:
    """Within the block every line printed to stdout or stderr, and any traceback, goes through REDACT."""
    saved = sys.stdout, sys.stderr, sys.excepthook
    sys.stdout, sys.stderr = (s if s is None else RedactingStream(s, REDACT) for s in saved[:2])
    sys.excepthook = _redacting_excepthook
    try:
        yield
    finally:
        sys.stdout, sys.stderr, sys.excepthook = saved


def setup_logging(level: int = logging.INFO, token: str | None = None, stream: TextIO | None = None) -> None:
    """Root logging with the redaction filter on every handler; quiet noisy libraries."""
    REDACT.add(token)
    root = logging.getLogger()
    if not any(isinstance(f, RedactFilter) for h in root.handlers for f in h.filters) or not root.handlers:
        handler = logging.StreamHandler(stream)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    from bot.log_privacy import PersonalDataFilter  # no names, NIK or phone numbers (`run -v` logs updates)

    for existing in root.handlers:
        if REDACT not in existing.filters:
            existing.addFilter(REDACT)
        if not any(isinstance(f, PersonalDataFilter) for f in existing.filters):
            existing.addFilter(PersonalDataFilter())
    root.setLevel(level)
    # httpx logs every request URL (with the token) at INFO; the filter redacts it anyway,
    # but one line per message is noise at 30 messages a second.
    sys.excepthook = _redacting_excepthook
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # python-telegram-bot logs an unparsable answer (an HTML error page) with a traceback, then
    # raises it; the raised error is what the bot reports, in one line.
    logging.getLogger("telegram.request.BaseRequest").setLevel(logging.CRITICAL)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
