"""Broadcasts: recording what fell due and writing its outbox (one delivery per recipient).

The id of a scheduled reminder is the reminder id, which is what makes a reminder go out once
however often the bot restarts; ad-hoc broadcasts are 'siaran:N', corrections 'ralat:...'. An ad-hoc
broadcast sent later is recorded at once as 'scheduled' and gets its outbox only when it falls due.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable

from bot.schedule.areas import audience_sql
from bot.store.base import StoreBase
from bot.store.rows import Broadcast, columns, fetch_all, fetch_one
from bot.store.statuses import (
    ACTIVE,
    ADHOC,
    CANCELLED,
    CORRECTION,
    DONE,
    ENQUEUING,
    EXPIRED,
    NEVER_STARTED,
    PENDING,
    REMINDER,
    RUNNING,
    SCHEDULED,
    SENT,
    UNFINISHED,
    sql_list,
)

SELECT_BROADCAST = f"SELECT {columns(Broadcast)} FROM broadcasts"
CHANNEL_COPY = "channel:"  # meta key prefix: the channel a broadcast is also posted to (bot/delivery/channel.py)
# Outbox rows written per write transaction of an enqueue (about 25 ms of write lock here).
ENQUEUE_CHUNK = 25_000
# Between two chunks the enqueue leaves the write lock free for at least this long. SQLite's busy
# handler retries a waiting writer at growing intervals (1, 2, 5 ... 25 ms, later 50 and 100 ms):
# a chunk that began again at once would take the lock back before the delivery engine's retry,
# and the engine, starved, would stop sending to a million people while their outbox is written.
ENQUEUE_PAUSE = 0.025


class BroadcastStore(StoreBase):
    """Reads and writes of the ``broadcasts`` table and the enqueueing of their deliveries."""

    def broadcast(self, broadcast_id: str) -> Broadcast | None:
        """The broadcast, or None."""
        return fetch_one(self.conn, Broadcast, f"{SELECT_BROADCAST} WHERE id = ?", (broadcast_id,))

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
        kind: str = REMINDER,
        text_en: str | None = None,
        stage: str | None = None,
        areas: Iterable[str] = (),
        now: float | None = None,
        ask: str | None = None,
        status: str = ENQUEUING,
        venue: bool = False,
        invite: bool = False,
    ) -> bool:
        """Record a broadcast that fell due; False if one with this id already exists.

        ``areas`` are kecamatan / "kecamatan/desa" references; none reaches everybody. ``ask``: the
        pledge button its copies carry (stored, so copies sent after a restart carry it too). ``venue``:
        each copy is followed by the recipient's TPS location pin, where they gave a TPS that has one.
        ``status`` SCHEDULED: an operator's broadcast that waits for ``at`` (see `create_adhoc`).
        """
        now = time.time() if now is None else now
        cur = self.conn.execute(
            """INSERT OR IGNORE INTO broadcasts
               (id, kind, text, text_en, stage, roles, silent, at, expires, deliver_by, status, created_at, areas,
                ask, venue, invite)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
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
                status,
                now,
                ",".join(areas),
                ask,
                int(venue),
                int(invite),
            ),
        )
        return cur.rowcount > 0

    def add_channel_copy(self, broadcast_id: str, chat_id: int) -> None:
        """The broadcast also goes to the channel `chat_id`: one delivery row written by `enqueue`.

        Kept in meta (no schema change), written before the outbox so a resumed enqueue writes it too.
        """
        self.conn.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
            (CHANNEL_COPY + broadcast_id, json.dumps({"chat_id": chat_id})),
        )

    def channel_copy(self, broadcast_id: str) -> int | None:
        """The channel chat id the broadcast is also posted to, or None."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (CHANNEL_COPY + broadcast_id,)).fetchone()
        return json.loads(row[0])["chat_id"] if row else None

    def channel_delivery(self, broadcast_id: str) -> dict | None:
        """The channel's copy of the broadcast: chat_id, status and last_error; None if it has none."""
        channel = self.channel_copy(broadcast_id)
        row = self.conn.execute(
            "SELECT chat_id, status, last_error FROM deliveries WHERE broadcast_id = ? AND chat_id = ?",
            (broadcast_id, channel),
        ).fetchone()
        return None if row is None else {"chat_id": row[0], "status": row[1], "last_error": row[2]}

    def enqueue(
        self, broadcast_id: str, chunk: int = ENQUEUE_CHUNK, now: float | None = None, pause: float = ENQUEUE_PAUSE
    ) -> int:
        """Write one pending delivery per active subscriber of the broadcast's roles.

        Set-based and chunked by chat id, with a pause between chunks (``ENQUEUE_PAUSE``), so the
        write lock is held for a short time per chunk and other writers (the delivery engine's
        outcomes, replies) get their turn in between. Safe to repeat after a crash: rows already
        written are kept (INSERT OR IGNORE). Returns the number of recipients.
        """
        now = time.time() if now is None else now
        b = self.broadcast(broadcast_id)
        if b is None:
            raise KeyError(broadcast_id)
        if b.status != ENQUEUING:
            return b.total
        if b.kind == CORRECTION:  # its audience is who was told, not a set of roles
            return self.enqueue_told_about_stage(broadcast_id, b.stage or "", not_before=b.at, now=now)
        where, params = audience_sql(b.role_list, b.area_list, ACTIVE)
        audience = f"FROM subscribers WHERE {where}"
        channel = self.channel_copy(broadcast_id)
        # Where a crash left off: the channel's row is never one of the subscribers' (written last).
        last = self.conn.execute(
            "SELECT coalesce(max(chat_id), -9223372036854775808) FROM deliveries WHERE broadcast_id = ? "
            "AND chat_id IS NOT ?",
            (broadcast_id, channel),
        ).fetchone()[0]
        while True:
            bound = self.conn.execute(
                f"SELECT chat_id {audience} AND chat_id > ? ORDER BY chat_id LIMIT 1 OFFSET ?",
                [*params, last, chunk - 1],
            ).fetchone()
            upper = bound[0] if bound else None
            with self.transaction():
                self.conn.execute(
                    f"""INSERT OR IGNORE INTO deliveries (broadcast_id, chat_id, status, updated_at)
                        SELECT ?, chat_id, ?, ? {audience} AND chat_id > ?"""
                    + (" AND chat_id <= ?" if upper is not None else ""),
                    [broadcast_id, PENDING, now, *params, last] + ([upper] if upper is not None else []),
                )
            if upper is None:
                break
            last = upper
            time.sleep(pause)
        with self.transaction():
            if channel is not None:
                self.conn.execute(
                    "INSERT OR IGNORE INTO deliveries (broadcast_id, chat_id, status, updated_at) VALUES (?, ?, ?, ?)",
                    (broadcast_id, channel, PENDING, now),
                )
            return self._enqueued(broadcast_id, now)

    def _enqueued(self, broadcast_id: str, now: float) -> int:
        """The outbox is written: the broadcast starts sending (or is done if nobody gets it)."""
        total = self.conn.execute("SELECT count(*) FROM deliveries WHERE broadcast_id = ?", (broadcast_id,)).fetchone()[
            0
        ]
        self.conn.execute(
            "UPDATE broadcasts SET status = ?, total = ?, enqueued_at = ?, finished_at = ? WHERE id = ?",
            (RUNNING if total else DONE, total, now, None if total else now, broadcast_id),
        )
        return total

    def unfinished_enqueues(self) -> list[str]:
        """Broadcasts whose outbox was being written when the process stopped."""
        return [r[0] for r in self.conn.execute("SELECT id FROM broadcasts WHERE status = ?", (ENQUEUING,))]

    def recorded_reminders(self) -> set[str]:
        """Ids of the reminders that fell due already (sent, being sent or done): never sent again."""
        return {r[0] for r in self.conn.execute("SELECT id FROM broadcasts WHERE kind = ?", (REMINDER,))}

    def active_broadcasts(self) -> list[Broadcast]:
        """Broadcasts with deliveries still to make, earliest deadline first."""
        return fetch_all(
            self.conn, Broadcast, f"{SELECT_BROADCAST} WHERE status = ? ORDER BY deliver_by, created_at", (RUNNING,)
        )

    def recent_broadcasts(self, limit: int = 10, started: bool = False) -> list[Broadcast]:
        """The latest broadcasts, newest first; ``started``: only those that fell due and started."""
        where = f" WHERE status NOT IN {sql_list(NEVER_STARTED)}" if started else ""
        return fetch_all(self.conn, Broadcast, f"{SELECT_BROADCAST}{where} ORDER BY created_at DESC LIMIT ?", (limit,))

    def running_adhoc(self) -> list[Broadcast]:
        """Operators' broadcasts not finished yet, newest first."""
        return fetch_all(
            self.conn,
            Broadcast,
            f"{SELECT_BROADCAST} WHERE kind = ? AND status IN (?, ?) ORDER BY created_at DESC",
            (ADHOC, *UNFINISHED),
        )

    def create_adhoc(
        self, *, text: str, roles: Iterable[str], ttl: float, areas: Iterable[str] = (), now: float | None = None,
        at: float | None = None,
    ) -> str:  # fmt: skip
        """Record an operator's broadcast due now under a new id ('siaran:7'); returns the id.

        With ``at`` (Unix time) it is sent later: recorded as 'scheduled', with no outbox rows, until
        `start_scheduled` when it falls due (its recipients are counted then); it expires ``ttl``
        after ``at`` as one sent at once expires ``ttl`` after now.

        The ":" keeps these ids apart from reminder ids, which cannot contain one. Numbering goes on
        from older databases, whose ad-hoc broadcasts are 'siaran-1', 'siaran-2' ...: a number either
        form already has is skipped. Numbered inside one write transaction, so the bot and the command
        line, both writing to the same file, never hand out the same id.
        """
        now = time.time() if now is None else now
        start = now if at is None else at
        with self.transaction():
            n = self.conn.execute("SELECT count(*) FROM broadcasts WHERE kind = ?", (ADHOC,)).fetchone()[0] + 1
            while self.broadcast(f"siaran:{n}") is not None or self.broadcast(f"siaran-{n}") is not None:
                n += 1
            broadcast_id = f"siaran:{n}"
            self.create_broadcast(
                broadcast_id, text=text, roles=roles, at=start, expires=start + ttl, kind=ADHOC, areas=areas, now=now,
                status=ENQUEUING if at is None else SCHEDULED,
            )  # fmt: skip
        return broadcast_id

    # -- ad-hoc broadcasts sent later ------------------------------------------------------------

    def scheduled_broadcasts(self) -> list[Broadcast]:
        """Operators' broadcasts waiting for their time, earliest first."""
        return fetch_all(self.conn, Broadcast, f"{SELECT_BROADCAST} WHERE status = ? ORDER BY at, id", (SCHEDULED,))

    def due_scheduled(self, now: float | None = None) -> list[Broadcast]:
        """Scheduled broadcasts whose time has come (expired ones included: `expire_scheduled` ends them)."""
        now = time.time() if now is None else now
        return fetch_all(
            self.conn, Broadcast, f"{SELECT_BROADCAST} WHERE status = ? AND at <= ? ORDER BY at, id", (SCHEDULED, now)
        )

    def start_scheduled(self, broadcast_id: str) -> bool:
        """A scheduled broadcast fell due: it becomes 'enqueuing', and `enqueue` writes its outbox with
        the recipients of now. False if it was cancelled, started or expired meanwhile (compare-and-set:
        a cancellation and the start never both succeed)."""
        return self._move_scheduled(broadcast_id, ENQUEUING, None)

    def expire_scheduled(self, broadcast_id: str, now: float | None = None) -> bool:
        """A scheduled broadcast whose expiry passed before it could start (the bot was down): never sent."""
        return self._move_scheduled(broadcast_id, EXPIRED, time.time() if now is None else now)

    def cancel_scheduled(self, broadcast_id: str, now: float | None = None) -> tuple[bool, Broadcast | None]:
        """Cancel a scheduled broadcast before it starts: (whether this call cancelled it, the broadcast
        as it is now, None if there is none). When it was not cancelled, its status says why: it
        started already ('enqueuing', 'sending', 'done'), was cancelled before, or expired."""
        cancelled = self._move_scheduled(broadcast_id, CANCELLED, time.time() if now is None else now)
        return cancelled, self.broadcast(broadcast_id)

    def _move_scheduled(self, broadcast_id: str, status: str, finished_at: float | None) -> bool:
        return (
            self.conn.execute(
                "UPDATE broadcasts SET status = ?, finished_at = ? WHERE id = ? AND status = ?",
                (status, finished_at, broadcast_id, SCHEDULED),
            ).rowcount
            == 1
        )

    def cancel_broadcast(self, broadcast_id: str, now: float | None = None) -> int:
        """Drop the copies of a broadcast not yet sent; returns how many were dropped."""
        now = time.time() if now is None else now
        with self.transaction():
            n = self.conn.execute(
                "UPDATE deliveries SET status = ?, last_error = 'cancelled by an operator', updated_at = ? "
                "WHERE broadcast_id = ? AND status = ?",
                (CANCELLED, now, broadcast_id, PENDING),
            ).rowcount
            self.conn.execute("UPDATE broadcasts SET n_cancelled = n_cancelled + ? WHERE id = ?", (n, broadcast_id))
        return n

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

    # Active subscribers sent a reminder about stage `:stage`.
    _TOLD = """FROM deliveries d JOIN broadcasts b ON b.id = d.broadcast_id JOIN subscribers s ON s.chat_id = d.chat_id
               WHERE b.stage = :stage AND b.kind = :reminder AND d.status = :sent AND s.status = :active"""

    def told_about_stage(self, stage_id: str) -> int:
        """Active subscribers who were sent a message about this stage."""
        return self.conn.execute(
            f"SELECT count(DISTINCT d.chat_id) {self._TOLD}",
            {"stage": stage_id, "reminder": REMINDER, "sent": SENT, "active": ACTIVE},
        ).fetchone()[0]

    def enqueue_told_about_stage(
        self, broadcast_id: str, stage_id: str, not_before: float, now: float | None = None
    ) -> int:
        """Outbox rows of a correction: one per active subscriber sent a message about the stage."""
        now = time.time() if now is None else now
        with self.transaction():
            self.conn.execute(
                f"""INSERT OR IGNORE INTO deliveries (broadcast_id, chat_id, status, next_at, updated_at)
                    SELECT DISTINCT :id, d.chat_id, :pending, :not_before, :now {self._TOLD}""",
                {"id": broadcast_id, "pending": PENDING, "not_before": not_before, "now": now, "stage": stage_id,
                 "reminder": REMINDER, "sent": SENT, "active": ACTIVE},
            )  # fmt: skip
            return self._enqueued(broadcast_id, now)
