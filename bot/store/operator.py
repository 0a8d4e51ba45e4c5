"""What operators and the bot keep for themselves: drafts of /siaran, the audit trail, meta values."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from bot.store.base import StoreBase
from bot.store.rows import Draft, columns, fetch_all, fetch_one
from bot.store.schema import HEARTBEAT_KEY
from bot.store.statuses import CHOOSING, OPEN_DRAFTS, TYPING, UNFINISHED

SELECT_DRAFT = f"SELECT {columns(Draft)} FROM drafts"
# An operator's Telegram name, one meta row each ("operator_name:<user id>"), shown in /audit and
# /laporan. Only the user ids of BOT_ADMIN_IDS get one (bot/telegram/operators.py), never a subscriber.
OPERATOR_NAME_KEY = "operator_name:"
# The audit action of a `broadcast` from the command line; its actor is "cli:<user>".
CLI_BROADCAST = "broadcast"
CLI_SCHEDULE = "schedule"  # `broadcast --at`: the audit names its author the same way


class OperatorStore(StoreBase):
    """Reads and writes of the ``drafts``, ``audit`` and ``meta`` tables."""

    def log_action(
        self,
        actor: str | int,
        action: str,
        subject: str | None = None,
        detail: str | None = None,
        now: float | None = None,
    ) -> None:
        """Append to the audit trail (never deleted by /hapus)."""
        now = time.time() if now is None else now
        self.conn.execute(
            "INSERT INTO audit (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
            (now, str(actor), action, subject, detail),
        )

    def audit_trail(self, limit: int = 20) -> list[dict]:
        """The latest entries of the audit trail, newest first."""
        return list(self.db.query("SELECT * FROM audit ORDER BY id DESC LIMIT ?", [limit]))

    def broadcast_authors(self) -> dict[str, str]:
        """Who sent each ad-hoc broadcast that records it: the draft's author (a Telegram user id) for
        /siaran, the audit's actor ("cli:<user>") for `broadcast` on the command line."""
        cli = "SELECT subject, actor FROM audit WHERE action IN (?, ?) AND subject IS NOT NULL ORDER BY id"
        authors = dict(self.conn.execute(cli, (CLI_BROADCAST, CLI_SCHEDULE)).fetchall())
        rows = self.conn.execute("SELECT broadcast_id, author FROM drafts WHERE broadcast_id IS NOT NULL ORDER BY id")
        authors.update((broadcast_id, str(author)) for broadcast_id, author in rows)
        return authors

    # -- operators' names ------------------------------------------------------------------------

    def remember_operator_name(self, user_id: int, name: str) -> bool:
        """Keep an operator's Telegram name; written only when it changed (True then)."""
        key = f"{OPERATOR_NAME_KEY}{user_id}"
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if row is not None and json.loads(row[0]).get("name") == name:
            return False
        self.put_meta(key, {"name": name})
        return True

    def operator_names(self) -> dict[str, str]:
        """Every operator name kept, by user id as text (as the audit's ``actor`` holds it)."""
        start, pattern = len(OPERATOR_NAME_KEY) + 1, OPERATOR_NAME_KEY + "*"
        rows = self.conn.execute("SELECT substr(key, ?), value FROM meta WHERE key GLOB ?", (start, pattern)).fetchall()
        return {user_id: json.loads(value).get("name") or user_id for user_id, value in rows}

    # -- drafts of ad-hoc broadcasts -------------------------------------------------------------

    def create_draft(self, author: int, now: float | None = None) -> int:
        now = time.time() if now is None else now
        draft_id = self.conn.execute(
            "INSERT INTO drafts (author, status, created_at, updated_at) VALUES (?, ?, ?, ?)",
            (author, CHOOSING, now, now),
        ).lastrowid
        assert draft_id is not None
        return draft_id

    def draft(self, draft_id: int) -> Draft | None:
        return fetch_one(self.conn, Draft, f"{SELECT_DRAFT} WHERE id = ?", (draft_id,))

    def typing_draft(self, author: int) -> Draft | None:
        """The author's draft that waits for a typed message (its text, or its send time), if any."""
        return fetch_one(
            self.conn,
            Draft,
            f"{SELECT_DRAFT} WHERE author = ? AND status IN ({','.join('?' * len(TYPING))}) ORDER BY id DESC LIMIT 1",
            (author, *TYPING),
        )

    def open_drafts(self, author: int) -> list[Draft]:
        """The author's drafts not yet sent or cancelled (choosing, writing, preview, awaiting approval)."""
        marks = ",".join("?" * len(OPEN_DRAFTS))
        return fetch_all(
            self.conn,
            Draft,
            f"{SELECT_DRAFT} WHERE author = ? AND status IN ({marks}) ORDER BY id",
            (author, *OPEN_DRAFTS),
        )

    def update_draft(self, draft_id: int, **values: Any) -> None:
        """Set some columns of a draft (names are the code's own, never user input)."""
        values["updated_at"] = time.time()
        sets = ", ".join(f"{k} = ?" for k in values)
        self.conn.execute(f"UPDATE drafts SET {sets} WHERE id = ?", [*values.values(), draft_id])

    def move_draft(self, draft_id: int, from_status: str | tuple[str, ...], to_status: str, **values: Any) -> bool:
        """Change a draft's status only if it is still in `from_status`; False if someone got there first.

        This compare-and-set is what makes a double-pressed Send, or Send on a preview that was
        already sent or cancelled, do nothing.
        """
        allowed = (from_status,) if isinstance(from_status, str) else from_status
        values["updated_at"] = time.time()
        sets = ", ".join(f"{k} = ?" for k in values)
        marks = ",".join("?" * len(allowed))
        cur = self.conn.execute(
            f"UPDATE drafts SET status = ?, {sets} WHERE id = ? AND status IN ({marks})",
            [to_status, *values.values(), draft_id, *allowed],
        )
        return cur.rowcount == 1

    def status_drafts(self) -> list[Draft]:
        """Drafts whose broadcast is still running and has a status message to keep up to date."""
        return fetch_all(
            self.conn,
            Draft,
            f"SELECT {columns(Draft, 'd')} FROM drafts d JOIN broadcasts b ON b.id = d.broadcast_id "
            "WHERE b.status IN (?, ?) AND d.status_message_id IS NOT NULL",
            UNFINISHED,
        )

    # -- the bot's own values --------------------------------------------------------------------

    def meta(self, key: str, default_factory: Callable[[], str] | None = None) -> str | None:
        """A value the bot keeps for itself (e.g. its webhook secret), created once if missing."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if row is None and default_factory is not None:
            self.conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, default_factory()))
            row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def write_heartbeat(self, values: dict) -> None:
        """The running bot's heartbeat (pid, last poll, last engine loop; Unix times), one meta row."""
        self.put_meta(HEARTBEAT_KEY, values)

    def put_meta(self, key: str, values: dict) -> None:
        """One meta row as JSON, replacing the previous value (read by other processes with read_meta)."""
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(values)),
        )
