"""Typed rows the store hands out: plain frozen dataclasses, one per table row."""

from __future__ import annotations

import dataclasses
import sqlite3
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.store.statuses import OUTCOME_COLUMNS

R = TypeVar("R")


@dataclass(frozen=True)
class Subscriber:
    chat_id: int
    role: str | None
    language: str | None
    status: str
    joined_at: float
    updated_at: float
    area: str | None = None  # kecamatan id, None if not given
    desa: str | None = None  # desa id within it, None if not given
    tps: int | None = None  # TPS number within the desa, None if not given
    source: str | None = None  # the source tag of the first link they came with, None: a plain /start


@dataclass(frozen=True)
class Broadcast:
    """A reminder, ad-hoc message or correction that fell due, with its running counts."""

    id: str
    kind: str
    text: str
    text_en: str | None
    stage: str | None
    roles: str  # comma-separated, as stored
    silent: bool
    at: float
    expires: float
    deliver_by: float
    status: str
    created_at: float
    enqueued_at: float | None
    finished_at: float | None
    total: int
    n_sent: int
    n_blocked: int
    n_gone: int
    n_expired: int
    n_failed: int
    n_cancelled: int
    n_retries: int
    n_resumed: int
    n_ambiguous: int
    rate: float | None
    eta: float | None
    progress_at: float | None
    areas: str = ""  # comma-separated area references, '' for everybody
    ask: str | None = None  # the pledge its copies carry as a button (schedule.ASKS), None for none
    venue: int = 0  # 1: each copy is followed by the recipient's TPS location pin
    invite: int = 0  # 1: each copy carries the invite button

    @property
    def role_list(self) -> list[str]:
        return [r for r in self.roles.split(",") if r]

    @property
    def area_list(self) -> list[str]:
        return [a for a in self.areas.split(",") if a]


@dataclass(frozen=True)
class Draft:
    """An operator's ad-hoc broadcast (/siaran) while it is chosen, written, previewed, approved."""

    id: int
    author: int
    roles: str  # comma-separated, '' until chosen
    text: str | None
    status: str
    created_at: float
    updated_at: float
    approved_by: int | None
    broadcast_id: str | None
    status_chat_id: int | None
    status_message_id: int | None
    areas: str | None = None  # comma-separated area references; '' everybody, None not chosen yet
    send_at: float | None = None  # "Kirim nanti": when to send it (Unix time); None: at once

    @property
    def role_list(self) -> list[str]:
        return [r for r in (self.roles or "").split(",") if r]

    @property
    def area_list(self) -> list[str]:
        return [a for a in (self.areas or "").split(",") if a]


@dataclass(frozen=True)
class Job:
    """One delivery taken from the outbox, with what is needed to send it."""

    broadcast_id: str
    chat_id: int
    text: str
    silent: bool
    expires: float
    deliver_by: float
    attempts: int
    ask: str | None = None  # the pledge button to send with it, if any
    language: str = "id"  # the recipient's language: "id" or "en" (for the button)
    to_channel: bool = False  # the copy for the commission's channel (bot/delivery/channel.py), not a subscriber's
    tps: str | None = None  # the recipient's TPS ("kedungwaru/bangoan/007") when the text names it or a pin follows
    venue: bool = False  # send the recipient's TPS location pin after the text
    invite: bool = False  # the copy carries the invite button
    area: str | None = None  # the recipient's kecamatan, for the invite button's link


def columns(row_type: type, table: str = "") -> str:
    """The SELECT list for a row type: its fields, in order (qualified by `table` if given)."""
    prefix = f"{table}." if table else ""
    return ", ".join(prefix + f.name for f in dataclasses.fields(row_type))


def fetch_one(conn: sqlite3.Connection, row_type: type[R], sql: str, params: Any = ()) -> R | None:
    """One row of `sql` (which selects `columns(row_type)`) as a `row_type`, or None."""
    row = conn.execute(sql, params).fetchone()
    return _make(row_type, row) if row else None


def fetch_all(conn: sqlite3.Connection, row_type: type[R], sql: str, params: Any = ()) -> list[R]:
    return [_make(row_type, row) for row in conn.execute(sql, params).fetchall()]


def _make(row_type: Any, row: Any) -> Any:
    item = row_type(*row)
    if isinstance(item, Broadcast):
        item = dataclasses.replace(item, silent=bool(item.silent))
    return item


def undelivered(broadcast: Broadcast) -> int:
    """Copies of a broadcast not yet at a final outcome, from its counters (no table scan)."""
    return max(0, broadcast.total - sum(getattr(broadcast, column) for column in OUTCOME_COLUMNS.values()))
