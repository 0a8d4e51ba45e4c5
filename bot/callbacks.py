"""Callback data of inline buttons: packed and unpacked here, and nowhere else.

Every button's data starts with a kind (``role:``, ``lang:``, ``ics``, ``op:``, ``forget:``); each kind has a
pattern for its ``CallbackQueryHandler``. Unpacking never trusts the data: anyone can send any
callback data to the bot, so whatever is not exactly what this module packs unpacks to None.
Callback data never depends on the language: a button works whoever presses it.
"""

from __future__ import annotations

import re

from bot.schedule import ROLES
from bot.texts import LANGS

MAX_BYTES = 64  # Telegram's limit for callback data
MAX_DRAFT_DIGITS = 18  # any id of at most 18 digits fits SQLite's 64-bit integers

_ROLE = "role:"
_LANGUAGE = "lang:"
CALENDAR = "ics"
_DRAFT = "op:"
_FORGET = "forget:"
FORGET_YES, FORGET_NO = "yes", "no"

ROLE_PATTERN = f"^{re.escape(_ROLE)}"
LANGUAGE_PATTERN = f"^{re.escape(_LANGUAGE)}"
CALENDAR_PATTERN = f"^{re.escape(CALENDAR)}$"
DRAFT_PATTERN = f"^{re.escape(_DRAFT)}"
FORGET_PATTERN = f"^{re.escape(_FORGET)}"


def _checked(data: str) -> str:
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def role(name: str) -> str:
    """The data of the button that subscribes with role `name`."""
    return _checked(_ROLE + name)


def language(code: str) -> str:
    """The data of the button that chooses the reply language `code`."""
    return _checked(_LANGUAGE + code)


def draft(draft_id: int, action: str) -> str:
    """The data of an operator's button acting on a broadcast draft (``t:<role>``, ``next``, ``send`` ...)."""
    return _checked(f"{_DRAFT}{draft_id}:{action}")


def forget(answer: str) -> str:
    """The data of a /hapus confirmation button: ``yes`` deletes the chat's data, ``no`` keeps it."""
    if answer not in (FORGET_YES, FORGET_NO):
        raise ValueError(f"unknown /hapus answer {answer!r}")
    return _checked(_FORGET + answer)


def unpack_role(data: str | None) -> str | None:
    """The role of a role button; None for anything else (an old or forged button)."""
    value = _after(data, _ROLE)
    return value if value in ROLES else None


def unpack_language(data: str | None) -> str | None:
    """The language of a language button; None for anything else."""
    value = _after(data, _LANGUAGE)
    return value if value in LANGS else None


def unpack_forget(data: str | None) -> str | None:
    """``yes`` or ``no`` of a /hapus confirmation button; None for anything else."""
    value = _after(data, _FORGET)
    return value if value in (FORGET_YES, FORGET_NO) else None


def unpack_draft(data: str | None) -> tuple[int, str] | None:
    """(draft id, action) of an operator's button; None for anything else (forged or cut short)."""
    value = _after(data, _DRAFT)
    draft_part, colon, action = (value or "").partition(":")
    if not colon or not (draft_part.isascii() and draft_part.isdigit()) or len(draft_part) > MAX_DRAFT_DIGITS:
        return None
    return int(draft_part), action


def _after(data: str | None, prefix: str) -> str | None:
    if data is None or not data.startswith(prefix):
        return None
    return data[len(prefix) :]
