"""Personal data out of the log: what `run -v` writes has no names and no NIK or phone number.

At DEBUG python-telegram-bot logs every update it receives and every request and answer, as the
repr of dicts and objects (`'first_name': 'Siti'`, `User(first_name='Siti', ...)`). A filter on
the log's handlers rewrites each record before it is written:

- the values of name fields (first and last name, username, a channel post's author, a shared
  contact's phone number and vCard) become '…';
- in the values of text fields (message text and caption, inline query, quote, ...) runs of 5 or
  more digits become '…', as in the questions kept for /pertanyaan (bot/store/questions.py), and so
  do 10 or more digits written in groups (a NIK or phone number typed with spaces or dashes).

Chat and user ids stay: following a conversation in the log needs them.
"""

from __future__ import annotations

import logging
import re

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
