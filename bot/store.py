"""The SQLite store: subscribers, broadcasts and the delivery outbox.

Plain data in, plain data out; nothing here knows about Telegram. Times are Unix seconds (float).

Tables:
- ``subscribers``: one row per chat (chat id, role, language, status, dates). Nothing else about
  a person is stored.
- ``broadcasts``: one row per reminder or ad-hoc message that fell due, with its text snapshot,
  deadlines and running counts. The id of a scheduled reminder is the reminder id, which is what
  makes a reminder go out once however often the bot restarts.
- ``deliveries``: the outbox, one row per (broadcast, chat). A row is ``pending`` until the
  delivery engine takes it; ``sending`` while its request is in flight; then one of the final
  outcomes in ``FINAL``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

PENDING, SENDING = "pending", "sending"
SENT, BLOCKED, GONE, EXPIRED, FAILED, CANCELLED = "sent", "blocked", "gone", "expired", "failed", "cancelled"
FINAL = (SENT, BLOCKED, GONE, EXPIRED, FAILED, CANCELLED)
OUTCOME_COLUMNS = {s: f"n_{s}" for s in FINAL}

ACTIVE, STOPPED = "active", "stopped"  # subscriber status; BLOCKED is shared with deliveries

# Seconds a connection waits for another one's write lock before "database is locked". Connections
# used from worker threads (engine, scheduler) may wait long; the event loop's own connection
# waits less (see bot/app.py), so a foreign lock never freezes replies for long.
BUSY_TIMEOUT = 30.0
HEARTBEAT_KEY = "heartbeat"

SCHEMA = """
CREATE TABLE IF NOT EXISTS subscribers (
    chat_id INTEGER PRIMARY KEY,
    role TEXT,
    language TEXT,
    status TEXT NOT NULL DEFAULT 'active',
    joined_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS subscribers_audience ON subscribers (status, role, chat_id);
CREATE TABLE IF NOT EXISTS broadcasts (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    text_en TEXT,
    stage TEXT,
    roles TEXT NOT NULL,
    silent INTEGER NOT NULL DEFAULT 0,
    at REAL NOT NULL,
    expires REAL NOT NULL,
    deliver_by REAL NOT NULL,
    status TEXT NOT NULL,
    created_at REAL NOT NULL,
    enqueued_at REAL,
    finished_at REAL,
    total INTEGER NOT NULL DEFAULT 0,
    n_sent INTEGER NOT NULL DEFAULT 0,
    n_blocked INTEGER NOT NULL DEFAULT 0,
    n_gone INTEGER NOT NULL DEFAULT 0,
    n_expired INTEGER NOT NULL DEFAULT 0,
    n_failed INTEGER NOT NULL DEFAULT 0,
    n_cancelled INTEGER NOT NULL DEFAULT 0,
    n_retries INTEGER NOT NULL DEFAULT 0,
    n_resumed INTEGER NOT NULL DEFAULT 0,
    n_ambiguous INTEGER NOT NULL DEFAULT 0,
    rate REAL,
    eta REAL,
    progress_at REAL
);
CREATE TABLE IF NOT EXISTS deliveries (
    broadcast_id TEXT NOT NULL,
    chat_id INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at REAL NOT NULL DEFAULT 0,
    last_error TEXT,
    updated_at REAL,
    PRIMARY KEY (broadcast_id, chat_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS deliveries_pending ON deliveries (broadcast_id, next_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS deliveries_sending ON deliveries (broadcast_id) WHERE status = 'sending';
CREATE INDEX IF NOT EXISTS deliveries_chat ON deliveries (chat_id);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS stage_dates (
    stage_id TEXT PRIMARY KEY,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    seen_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT,
    detail TEXT
);
CREATE TABLE IF NOT EXISTS drafts (
    id INTEGER PRIMARY KEY,
    author INTEGER NOT NULL,
    roles TEXT NOT NULL DEFAULT '',
    text TEXT,
    status TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    approved_by INTEGER,
    broadcast_id TEXT,
    status_chat_id INTEGER,
    status_message_id INTEGER
);
"""

# Draft status of an operator's ad-hoc broadcast (/siaran), in order.
CHOOSING, WRITING, PREVIEW, AWAITING_APPROVAL, SENDING_DRAFT, CANCELLED_DRAFT = (
    "choosing",
    "writing",
    "preview",
    "awaiting_approval",
    "sent",
    "cancelled",
)

# Broadcast status: 'enqueuing' while its outbox rows are written, 'sending' until no row is
# pending or in flight, then 'done'.
ENQUEUING, RUNNING, DONE = "enqueuing", "sending", "done"


@dataclass(frozen=True)
class Subscriber:
    chat_id: int
    role: str | None
    language: str | None
    status: str
    joined_at: float
    updated_at: float


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


def open_db(path: str | os.PathLike, busy_timeout: float | None = None) -> sqlite_utils.Database:
    """Open (creating file, parent folder and schema if missing) the bot's database.

    The file is created readable by its owner only: it holds who subscribed.
    """
    path = str(path)
    busy_timeout = BUSY_TIMEOUT if busy_timeout is None else busy_timeout
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        if not os.path.exists(path):
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
    conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    conn.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript(SCHEMA)
    return db


def undelivered(broadcast: dict) -> int:
    """Copies of a broadcast row not yet at a final outcome, from its counters (no table scan)."""
    return max(0, broadcast["total"] - sum(broadcast[column] for column in OUTCOME_COLUMNS.values()))


class Store:
    """All reads and writes of the bot's state. One instance per connection."""

    def __init__(self, path: str | os.PathLike, busy_timeout: float | None = None):
        self.path = str(path)
        self.db = open_db(self.path, busy_timeout)
        self.conn = self.db.conn

    def close(self) -> None:
        self.conn.close()

    def reopen(self) -> Store:
        """Another Store on the same file (for use from a worker thread; waits up to BUSY_TIMEOUT)."""
        return Store(self.path)

    def set_busy_timeout(self, seconds: float) -> None:
        """How long this connection waits for another one's write lock before it gives up."""
        self.conn.execute(f"PRAGMA busy_timeout={int(seconds * 1000)}")

    def transaction(self):
        """A write transaction (BEGIN IMMEDIATE ... COMMIT); nested blocks join the outer one."""
        return _Transaction(self.conn)

    # -- subscribers --------------------------------------------------------------------------

    def subscriber(self, chat_id: int) -> Subscriber | None:
        """The subscriber row of a chat, or None."""
        row = self.conn.execute(
            "SELECT chat_id, role, language, status, joined_at, updated_at FROM subscribers WHERE chat_id = ?",
            (chat_id,),
        ).fetchone()
        return Subscriber(*row) if row else None

    def subscribe(self, chat_id: int, role: str, language: str | None = None, now: float | None = None) -> None:
        """Make the chat an active subscriber with this role (keeps its join date if known)."""
        now = time.time() if now is None else now
        self.conn.execute(
            """INSERT INTO subscribers (chat_id, role, language, status, joined_at, updated_at)
               VALUES (?, ?, ?, 'active', ?, ?)
               ON CONFLICT (chat_id) DO UPDATE SET role = excluded.role, status = 'active',
                 language = COALESCE(excluded.language, subscribers.language), updated_at = excluded.updated_at""",
            (chat_id, role, language, now, now),
        )

    def set_language(self, chat_id: int, language: str, now: float | None = None) -> bool:
        """Remember the language a subscriber chose ('id' or 'en'); False if the chat is unknown."""
        now = time.time() if now is None else now
        cur = self.conn.execute(
            "UPDATE subscribers SET language = ?, updated_at = ? WHERE chat_id = ?", (language, now, chat_id)
        )
        return cur.rowcount > 0

    def remember_language(self, chat_id: int, language: str, now: float | None = None) -> None:
        """A language chosen before subscribing: kept on a row with no role ('visitor')."""
        now = time.time() if now is None else now
        self.conn.execute(
            """INSERT INTO subscribers (chat_id, role, language, status, joined_at, updated_at)
               VALUES (?, NULL, ?, 'visitor', ?, ?)
               ON CONFLICT (chat_id) DO UPDATE SET language = excluded.language, updated_at = excluded.updated_at""",
            (chat_id, language, now, now),
        )

    def set_status(self, chat_id: int, status: str, now: float | None = None) -> bool:
        """Set a subscriber's status (active / stopped / blocked); False if the chat is unknown."""
        now = time.time() if now is None else now
        cur = self.conn.execute(
            "UPDATE subscribers SET status = ?, updated_at = ? WHERE chat_id = ?", (status, now, chat_id)
        )
        return cur.rowcount > 0

    def forget(self, chat_id: int) -> None:
        """Delete everything stored about a chat: its subscriber row and its delivery records.

        Its copies not yet delivered (pending or in flight) count as cancelled, in the same
        transaction, so the broadcasts' figures still add up to their total and they can finish.
        """
        with self.transaction():
            self.conn.execute(
                """UPDATE broadcasts SET n_cancelled = n_cancelled + (
                       SELECT count(*) FROM deliveries d WHERE d.broadcast_id = broadcasts.id AND d.chat_id = ?
                         AND d.status IN ('pending', 'sending'))
                   WHERE id IN (SELECT broadcast_id FROM deliveries WHERE chat_id = ?
                                AND status IN ('pending', 'sending'))""",
                (chat_id, chat_id),
            )
            self.conn.execute("DELETE FROM deliveries WHERE chat_id = ?", (chat_id,))
            self.conn.execute("DELETE FROM subscribers WHERE chat_id = ?", (chat_id,))

    def migrate_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup: move its subscription and pending deliveries to the new id."""
        with self.transaction():
            self.conn.execute(
                "UPDATE OR REPLACE subscribers SET chat_id = ? WHERE chat_id = ?", (new_chat_id, old_chat_id)
            )
            self.conn.execute(
                "UPDATE OR IGNORE deliveries SET chat_id = ? WHERE chat_id = ?", (new_chat_id, old_chat_id)
            )

    def count_audience(self, roles: Iterable[str]) -> int:
        """Active subscribers with one of these roles."""
        roles = list(roles)
        marks = ",".join("?" * len(roles))
        return self.conn.execute(
            f"SELECT count(*) FROM subscribers WHERE status = 'active' AND role IN ({marks})", roles
        ).fetchone()[0]

    def counts_by_role_and_status(self) -> list[tuple[str | None, str, int]]:
        """(role, status, subscribers) for every combination present; aggregates only."""
        return self.conn.execute(
            "SELECT role, status, count(*) FROM subscribers GROUP BY role, status ORDER BY role, status"
        ).fetchall()

    def role_counts(self) -> dict[str, int]:
        """Active subscribers per role."""
        rows = self.conn.execute(
            "SELECT role, count(*) FROM subscribers WHERE status = 'active' GROUP BY role"
        ).fetchall()
        return {role: n for role, n in rows}

    # -- broadcasts ---------------------------------------------------------------------------

    def broadcast(self, broadcast_id: str) -> dict | None:
        """The broadcast row as a dict, or None."""
        rows = list(self.db.query("SELECT * FROM broadcasts WHERE id = ?", [broadcast_id]))
        return rows[0] if rows else None

    def create_broadcast(
        self,
        broadcast_id: str,
        *,
        text: str,
        roles: Iterable[str],
        at: float,
        expires: float,
        deliver_by: float | None = None,
        silent: bool = False,
        kind: str = "reminder",
        text_en: str | None = None,
        stage: str | None = None,
        now: float | None = None,
    ) -> bool:
        """Record a broadcast that fell due; False if one with this id already exists."""
        now = time.time() if now is None else now
        cur = self.conn.execute(
            """INSERT OR IGNORE INTO broadcasts
               (id, kind, text, text_en, stage, roles, silent, at, expires, deliver_by, status, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'enqueuing', ?)""",
            (
                broadcast_id,
                kind,
                text,
                text_en,
                stage,
                ",".join(roles),
                int(silent),
                at,
                expires,
                expires if deliver_by is None else min(deliver_by, expires),
                now,
            ),
        )
        return cur.rowcount > 0

    def enqueue(self, broadcast_id: str, chunk: int = 50_000, now: float | None = None) -> int:
        """Write one pending delivery per active subscriber of the broadcast's roles.

        Set-based and chunked by chat id, so the write lock is held for a short time per chunk
        and the event loop's own writes (replies, outcomes) are not held up for seconds. Safe to
        repeat after a crash: rows already written are kept (INSERT OR IGNORE). Returns the
        number of recipients.
        """
        now = time.time() if now is None else now
        row = self.broadcast(broadcast_id)
        if row is None:
            raise KeyError(broadcast_id)
        if row["status"] != ENQUEUING:
            return row["total"]
        if row["kind"] == "correction":  # its audience is who was told, not a set of roles
            return self.enqueue_told_about_stage(broadcast_id, row["stage"], not_before=row["at"], now=now)
        roles = row["roles"].split(",")
        marks = ",".join("?" * len(roles))
        audience = f"FROM subscribers WHERE status = 'active' AND role IN ({marks})"
        last = self.conn.execute(
            "SELECT coalesce(max(chat_id), -9223372036854775808) FROM deliveries WHERE broadcast_id = ?",
            (broadcast_id,),
        ).fetchone()[0]
        while True:
            bound = self.conn.execute(
                f"SELECT chat_id {audience} AND chat_id > ? ORDER BY chat_id LIMIT 1 OFFSET ?",
                [*roles, last, chunk - 1],
            ).fetchone()
            upper = bound[0] if bound else None
            with self.transaction():
                self.conn.execute(
                    f"""INSERT OR IGNORE INTO deliveries (broadcast_id, chat_id, status, updated_at)
                        SELECT ?, chat_id, 'pending', ? {audience} AND chat_id > ?"""
                    + (" AND chat_id <= ?" if upper is not None else ""),
                    [broadcast_id, now, *roles, last] + ([upper] if upper is not None else []),
                )
            if upper is None:
                break
            last = upper
        with self.transaction():
            total = self.conn.execute(
                "SELECT count(*) FROM deliveries WHERE broadcast_id = ?", (broadcast_id,)
            ).fetchone()[0]
            self.conn.execute(
                "UPDATE broadcasts SET status = ?, total = ?, enqueued_at = ? WHERE id = ?",
                (RUNNING if total else DONE, total, now, broadcast_id),
            )
            if not total:
                self.conn.execute("UPDATE broadcasts SET finished_at = ? WHERE id = ?", (now, broadcast_id))
        return total

    def unfinished_enqueues(self) -> list[str]:
        """Broadcasts whose outbox was being written when the process stopped."""
        return [r[0] for r in self.conn.execute("SELECT id FROM broadcasts WHERE status = ?", (ENQUEUING,))]

    def active_broadcasts(self) -> list[dict]:
        """Broadcasts with deliveries still to make, earliest deadline first."""
        return list(
            self.db.query("SELECT * FROM broadcasts WHERE status = ? ORDER BY deliver_by, created_at", [RUNNING])
        )

    def recent_broadcasts(self, limit: int = 10) -> list[dict]:
        return list(self.db.query("SELECT * FROM broadcasts ORDER BY created_at DESC LIMIT ?", [limit]))

    # -- the outbox ---------------------------------------------------------------------------

    def recover_in_flight(self) -> int:
        """After a crash: put deliveries that were in flight back to pending; returns how many.

        Those requests may or may not have reached Telegram, so this number bounds the
        duplicates a crash can cause. It is added to each broadcast's ``n_resumed``.
        """
        with self.transaction():
            rows = self.conn.execute(
                "SELECT broadcast_id, count(*) FROM deliveries WHERE status = 'sending' GROUP BY broadcast_id"
            ).fetchall()
            for broadcast_id, n in rows:
                self.conn.execute("UPDATE broadcasts SET n_resumed = n_resumed + ? WHERE id = ?", (n, broadcast_id))
            self.conn.execute("UPDATE deliveries SET status = 'pending' WHERE status = 'sending'")
        return sum(n for _, n in rows)

    def take(self, limit: int, now: float | None = None) -> list[Job]:
        """Take up to `limit` due deliveries, earliest deadline first, and mark them in flight.

        Deliveries to chats that stopped or blocked the bot since the broadcast was enqueued are
        cancelled instead of taken.
        """
        now = time.time() if now is None else now
        jobs: list[Job] = []
        with self.transaction():
            for b in self.conn.execute(
                "SELECT id, text, text_en, silent, expires, deliver_by FROM broadcasts WHERE status IN (?, ?) "
                "ORDER BY deliver_by, created_at",
                (RUNNING, ENQUEUING),
            ).fetchall():
                if len(jobs) >= limit:
                    break
                broadcast_id, text, text_en, silent, expires, deliver_by = b
                rows = self.conn.execute(
                    """SELECT d.chat_id, d.attempts, s.status, s.language
                       FROM deliveries d INDEXED BY deliveries_pending
                       LEFT JOIN subscribers s ON s.chat_id = d.chat_id
                       WHERE d.broadcast_id = ? AND d.status = 'pending' AND d.next_at <= ?
                       ORDER BY d.next_at LIMIT ?""",
                    (broadcast_id, now, limit - len(jobs)),
                ).fetchall()
                gone = [(broadcast_id, chat_id) for chat_id, _, status, _ in rows if status != ACTIVE]
                if gone:
                    self._finish_many(gone, CANCELLED, "unsubscribed", now)
                live = [(chat_id, attempts, lang) for chat_id, attempts, status, lang in rows if status == ACTIVE]
                self.conn.executemany(
                    "UPDATE deliveries SET status = 'sending', updated_at = ? WHERE broadcast_id = ? AND chat_id = ?",
                    [(now, broadcast_id, chat_id) for chat_id, _, _ in live],
                )
                jobs.extend(
                    Job(broadcast_id, chat_id, text_en if lang == "en" and text_en else text, bool(silent), expires,
                        deliver_by, attempts)
                    for chat_id, attempts, lang in live
                )  # fmt: skip
        return jobs

    def _finish_many(self, keys: list[tuple[str, int]], outcome: str, error: str | None, now: float) -> None:
        # Only rows still undelivered count: a row /hapus deleted while in flight is already
        # counted as cancelled, and its late outcome must not be counted a second time.
        column = OUTCOME_COLUMNS[outcome]
        per_broadcast: dict[str, int] = {}
        for b, c in keys:
            moved = self.conn.execute(
                "UPDATE deliveries SET status = ?, last_error = ?, updated_at = ?, attempts = attempts + 1 "
                "WHERE broadcast_id = ? AND chat_id = ? AND status IN ('pending', 'sending')",
                (outcome, error, now, b, c),
            ).rowcount
            if moved:
                per_broadcast[b] = per_broadcast.get(b, 0) + moved
        self.conn.executemany(
            f"UPDATE broadcasts SET {column} = {column} + ? WHERE id = ?",
            [(n, b) for b, n in per_broadcast.items()],
        )

    def finish(
        self, broadcast_id: str, chat_id: int, outcome: str, error: str | None = None, now: float | None = None
    ) -> None:
        """Record a delivery's final outcome (sent, blocked, gone, expired, failed, cancelled)."""
        now = time.time() if now is None else now
        with self.transaction():
            self._finish_many([(broadcast_id, chat_id)], outcome, error, now)
            if outcome == BLOCKED:
                self.conn.execute(
                    "UPDATE subscribers SET status = 'blocked', updated_at = ? WHERE chat_id = ?", (now, chat_id)
                )

    def retry_later(
        self,
        broadcast_id: str,
        chat_id: int,
        next_at: float,
        error: str,
        now: float | None = None,
        ambiguous: bool = False,
    ) -> None:
        """Put an in-flight delivery back in the outbox, to be tried again at `next_at`.

        `ambiguous`: the request may have reached Telegram (timeout, connection lost before the
        answer), so the retry may deliver a second copy; counted in ``n_ambiguous``.
        """
        now = time.time() if now is None else now
        with self.transaction():
            if ambiguous:
                self.conn.execute("UPDATE broadcasts SET n_ambiguous = n_ambiguous + 1 WHERE id = ?", (broadcast_id,))
            self.conn.execute(
                "UPDATE deliveries SET status = 'pending', attempts = attempts + 1, next_at = ?, last_error = ?, "
                "updated_at = ? WHERE broadcast_id = ? AND chat_id = ?",
                (next_at, error, now, broadcast_id, chat_id),
            )
            self.conn.execute("UPDATE broadcasts SET n_retries = n_retries + 1 WHERE id = ?", (broadcast_id,))

    def release(self, broadcast_id: str, chat_id: int) -> None:
        """Put an in-flight delivery back as it was (not attempted: e.g. the bot is shutting down)."""
        self.conn.execute(
            "UPDATE deliveries SET status = 'pending' WHERE broadcast_id = ? AND chat_id = ? AND status = 'sending'",
            (broadcast_id, chat_id),
        )

    def expire_overdue(self, now: float | None = None) -> int:
        """Drop the pending deliveries of broadcasts past their `expires`; returns how many."""
        now = time.time() if now is None else now
        total = 0
        with self.transaction():
            for (broadcast_id,) in self.conn.execute(
                "SELECT id FROM broadcasts WHERE status = ? AND expires <= ?", (RUNNING, now)
            ).fetchall():
                n = self.conn.execute(
                    "UPDATE deliveries SET status = 'expired', updated_at = ? WHERE broadcast_id = ? "
                    "AND status = 'pending'",
                    (now, broadcast_id),
                ).rowcount
                self.conn.execute("UPDATE broadcasts SET n_expired = n_expired + ? WHERE id = ?", (n, broadcast_id))
                total += n
        return total

    def close_finished(self, now: float | None = None) -> list[dict]:
        """Mark broadcasts with nothing pending or in flight as done; returns them."""
        now = time.time() if now is None else now
        done = []
        with self.transaction():
            for b in self.active_broadcasts():
                if not self.has_undelivered(b["id"]):
                    self.conn.execute(
                        "UPDATE broadcasts SET status = ?, finished_at = ? WHERE id = ?", (DONE, now, b["id"])
                    )
                    done.append(self.broadcast(b["id"]))
        return done

    def record_progress(self, broadcast_id: str, rate: float, eta: float | None, now: float | None = None) -> None:
        """Store a running broadcast's current rate (messages/s) and estimated finish (Unix time)."""
        now = time.time() if now is None else now
        self.conn.execute(
            "UPDATE broadcasts SET rate = ?, eta = ?, progress_at = ? WHERE id = ?", (rate, eta, now, broadcast_id)
        )

    def pending_count(self, broadcast_id: str) -> int:
        """Copies not yet delivered or dropped (pending or in flight); uses the partial indexes."""
        return sum(
            self.conn.execute(
                f"SELECT count(*) FROM deliveries INDEXED BY deliveries_{status} "
                f"WHERE broadcast_id = ? AND status = '{status}'",
                (broadcast_id,),
            ).fetchone()[0]
            for status in (PENDING, SENDING)
        )

    def next_due(self) -> float | None:
        """Earliest `next_at` of any pending delivery of a running broadcast (None if none).

        One index lookup per running broadcast, not a scan of the pending rows.
        """
        times = [
            self.conn.execute(
                "SELECT min(next_at) FROM deliveries INDEXED BY deliveries_pending "
                "WHERE broadcast_id = ? AND status = 'pending'",
                (b,),
            ).fetchone()[0]
            for (b,) in self.conn.execute("SELECT id FROM broadcasts WHERE status = ?", (RUNNING,)).fetchall()
        ]
        times = [t for t in times if t is not None]
        return min(times) if times else None

    def has_undelivered(self, broadcast_id: str) -> bool:
        """Any copy still pending or in flight? (An index probe, unlike a count.)"""
        return any(
            self.conn.execute(
                f"SELECT 1 FROM deliveries INDEXED BY deliveries_{status} "
                f"WHERE broadcast_id = ? AND status = '{status}' LIMIT 1",
                (broadcast_id,),
            ).fetchone()
            for status in (PENDING, SENDING)
        )

    # -- operator tools -------------------------------------------------------------------------

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
        return list(self.db.query("SELECT * FROM audit ORDER BY id DESC LIMIT ?", [limit]))

    def create_draft(self, author: int, now: float | None = None) -> int:
        now = time.time() if now is None else now
        return self.conn.execute(
            "INSERT INTO drafts (author, status, created_at, updated_at) VALUES (?, ?, ?, ?)",
            (author, CHOOSING, now, now),
        ).lastrowid

    def draft(self, draft_id: int) -> dict | None:
        rows = list(self.db.query("SELECT * FROM drafts WHERE id = ?", [draft_id]))
        return rows[0] if rows else None

    def writing_draft(self, author: int) -> dict | None:
        """The author's draft that waits for its text, if any."""
        rows = list(
            self.db.query(
                "SELECT * FROM drafts WHERE author = ? AND status = ? ORDER BY id DESC LIMIT 1", [author, WRITING]
            )
        )
        return rows[0] if rows else None

    def update_draft(self, draft_id: int, **values) -> None:
        values["updated_at"] = time.time()
        self.db["drafts"].update(draft_id, values)

    def move_draft(self, draft_id: int, from_status: str | tuple[str, ...], to_status: str, **values) -> bool:
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

    def cancel_broadcast(self, broadcast_id: str, now: float | None = None) -> int:
        """Drop the copies of a broadcast not yet sent; returns how many were dropped."""
        now = time.time() if now is None else now
        with self.transaction():
            n = self.conn.execute(
                "UPDATE deliveries SET status = 'cancelled', last_error = 'cancelled by an operator', updated_at = ? "
                "WHERE broadcast_id = ? AND status = 'pending'",
                (now, broadcast_id),
            ).rowcount
            self.conn.execute("UPDATE broadcasts SET n_cancelled = n_cancelled + ? WHERE id = ?", (n, broadcast_id))
        return n

    def running_adhoc(self) -> list[dict]:
        return list(
            self.db.query(
                "SELECT * FROM broadcasts WHERE kind = 'adhoc' AND status IN (?, ?) ORDER BY created_at DESC",
                [RUNNING, ENQUEUING],
            )
        )

    def status_drafts(self) -> list[dict]:
        """Drafts whose broadcast is still running and has a status message to keep up to date."""
        return list(
            self.db.query(
                "SELECT d.* FROM drafts d JOIN broadcasts b ON b.id = d.broadcast_id "
                "WHERE b.status IN (?, ?) AND d.status_message_id IS NOT NULL",
                [RUNNING, ENQUEUING],
            )
        )

    def create_adhoc(self, *, text: str, roles, ttl: float, now: float | None = None) -> str:
        """Record an operator's broadcast due now under a new id ('siaran:7'); returns the id.

        The ":" keeps these ids apart from reminder ids, which cannot contain one. Numbering goes on
        from older databases, whose ad-hoc broadcasts are 'siaran-1', 'siaran-2' ...: a number either
        form already has is skipped. Numbered inside one write transaction, so the bot and the command
        line, both writing to the same file, never hand out the same id.
        """
        now = time.time() if now is None else now
        with self.transaction():
            n = self.conn.execute("SELECT count(*) FROM broadcasts WHERE kind = 'adhoc'").fetchone()[0] + 1
            while self.broadcast(f"siaran:{n}") is not None or self.broadcast(f"siaran-{n}") is not None:
                n += 1
            broadcast_id = f"siaran:{n}"
            self.create_broadcast(
                broadcast_id, text=text, roles=roles, at=now, expires=now + ttl, kind="adhoc", now=now
            )
        return broadcast_id

    def subscriber_stats(self, now: float | None = None, days: int = 14, tz=None) -> dict:
        """Figures for /statistik and `stats`: per role, totals, and new subscribers per day.

        Days are local days in `tz` (the election's time zone); counts are aggregates only.
        """
        from datetime import datetime, timedelta

        now = time.time() if now is None else now
        today = datetime.fromtimestamp(now, tz).date()
        active = {role: 0 for role in ("asn", "kades", "pemilih")}
        active.update(self.role_counts())
        by_status = dict(self.conn.execute("SELECT status, count(*) FROM subscribers GROUP BY status").fetchall())
        per_day = {today - timedelta(days=i): 0 for i in range(days)}
        start = datetime.combine(today - timedelta(days=days - 1), datetime.min.time(), tz).timestamp()
        for (joined,) in self.conn.execute("SELECT joined_at FROM subscribers WHERE joined_at >= ?", (start,)):
            day = datetime.fromtimestamp(joined, tz).date()
            if day in per_day:
                per_day[day] += 1
        return {
            "active": active,
            "total_active": sum(active.values()),
            "stopped": by_status.get(STOPPED, 0),
            "blocked": by_status.get(BLOCKED, 0) + by_status.get("gone", 0),
            "new_today": per_day[today],
            "new_days": sum(per_day.values()),
            "per_day": sorted(per_day.items()),
        }

    def growth_by_role(self, tz=None) -> dict[str, list[tuple]]:
        """Cumulative subscribers per role by local join date (for the chart)."""
        from datetime import datetime

        series: dict[str, list[tuple]] = {}
        counts: dict[str, int] = {}
        rows = self.conn.execute(
            "SELECT role, joined_at FROM subscribers WHERE status = 'active' ORDER BY joined_at"
        ).fetchall()
        for role, joined in rows:
            day = datetime.fromtimestamp(joined, tz).date()
            counts[role] = counts.get(role, 0) + 1
            points = series.setdefault(role, [])
            if points and points[-1][0] == day:
                points[-1] = (day, counts[role])
            else:
                points.append((day, counts[role]))
        return series

    def meta(self, key: str, default_factory=None) -> str | None:
        """A value the bot keeps for itself (e.g. its webhook secret), created once if missing."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if row is None and default_factory is not None:
            self.conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, default_factory()))
            row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def write_heartbeat(self, values: dict) -> None:
        """The running bot's heartbeat (pid, last poll, last engine loop; Unix times), one meta row."""
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (HEARTBEAT_KEY, json.dumps(values)),
        )

    # -- stage date corrections ------------------------------------------------------------------

    def known_stage_dates(self) -> dict[str, tuple[str, str]]:
        """The dates of each stage as the bot last announced them (ISO strings)."""
        return {r[0]: (r[1], r[2]) for r in self.conn.execute("SELECT stage_id, start_date, end_date FROM stage_dates")}

    def remember_stage_dates(self, stage_id: str, start: str, end: str, now: float | None = None) -> None:
        now = time.time() if now is None else now
        self.conn.execute(
            "INSERT INTO stage_dates (stage_id, start_date, end_date, seen_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (stage_id) DO UPDATE SET start_date = excluded.start_date, end_date = excluded.end_date, "
            "seen_at = excluded.seen_at",
            (stage_id, start, end, now),
        )

    def told_about_stage(self, stage_id: str) -> int:
        """Active subscribers who were sent a message about this stage."""
        return self.conn.execute(
            """SELECT count(DISTINCT d.chat_id) FROM deliveries d JOIN broadcasts b ON b.id = d.broadcast_id
               JOIN subscribers s ON s.chat_id = d.chat_id
               WHERE b.stage = ? AND b.kind = 'reminder' AND d.status = 'sent' AND s.status = 'active'""",
            (stage_id,),
        ).fetchone()[0]

    def enqueue_told_about_stage(
        self, broadcast_id: str, stage_id: str, not_before: float, now: float | None = None
    ) -> int:
        """Outbox rows of a correction: one per active subscriber sent a message about the stage."""
        now = time.time() if now is None else now
        with self.transaction():
            self.conn.execute(
                """INSERT OR IGNORE INTO deliveries (broadcast_id, chat_id, status, next_at, updated_at)
                   SELECT DISTINCT ?, d.chat_id, 'pending', ?, ? FROM deliveries d
                   JOIN broadcasts b ON b.id = d.broadcast_id JOIN subscribers s ON s.chat_id = d.chat_id
                   WHERE b.stage = ? AND b.kind = 'reminder' AND d.status = 'sent' AND s.status = 'active'""",
                (broadcast_id, not_before, now, stage_id),
            )
            total = self.conn.execute(
                "SELECT count(*) FROM deliveries WHERE broadcast_id = ?", (broadcast_id,)
            ).fetchone()[0]
            self.conn.execute(
                "UPDATE broadcasts SET status = ?, total = ?, enqueued_at = ?, finished_at = ? WHERE id = ?",
                (RUNNING if total else DONE, total, now, None if total else now, broadcast_id),
            )
        return total

    def count_purgeable(self, before: float) -> int:
        """Delivery records of finished broadcasts last touched before `before`."""
        return self.conn.execute(
            "SELECT count(*) FROM deliveries WHERE updated_at < ? AND status NOT IN ('pending', 'sending')", (before,)
        ).fetchone()[0]

    def purge(self, before: float) -> int:
        """Delete those records (per-chat data); the broadcasts' aggregate counts stay."""
        with self.transaction():
            return self.conn.execute(
                "DELETE FROM deliveries WHERE updated_at < ? AND status NOT IN ('pending', 'sending')", (before,)
            ).rowcount

    def deliveries_of(self, chat_id: int) -> list[dict]:
        return list(self.db.query("SELECT * FROM deliveries WHERE chat_id = ?", [chat_id]))


def read_heartbeat(path: str | os.PathLike, timeout: float = 5.0) -> dict | None:
    """The heartbeat row of a database, read without writing anything (None if there is none).

    Raises FileNotFoundError when the file does not exist (it is never created here).
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(str(path))
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (HEARTBEAT_KEY,)).fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise
    finally:
        conn.close()
    return json.loads(row[0]) if row else None


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, re-entrant (inner blocks join the outer transaction)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.outer = False

    def __enter__(self):
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")
            self.outer = True
        return self.conn

    def __exit__(self, exc_type, exc, tb):
        if self.outer:
            self.conn.execute("COMMIT" if exc_type is None else "ROLLBACK")
        return False
