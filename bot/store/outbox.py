"""The outbox: one delivery row per (broadcast, chat), taken, sent, retried and closed.

A row is ``pending`` until the delivery engine takes it, ``sending`` while its request is in
flight, then one of the final outcomes in ``FINAL``. Queries that must use the partial indexes
``deliveries_pending`` / ``deliveries_sending`` repeat their literal (from the constants): SQLite
uses a partial index only when the query's own text implies its WHERE clause.
"""

from __future__ import annotations

import time

from bot.schedule.tps import MY_TPS
from bot.store.broadcasts import BroadcastStore
from bot.store.rows import Broadcast, Job
from bot.store.statuses import (
    ACTIVE,
    BLOCKED,
    CANCELLED,
    DONE,
    EXPIRED,
    OUTCOME_COLUMNS,
    PENDING,
    RUNNING,
    SENDING,
    UNDELIVERED,
    UNFINISHED,
    sql_list,
)


class OutboxStore(BroadcastStore):
    """Reads and writes of the ``deliveries`` table and the broadcasts' running counts."""

    def recover_in_flight(self) -> int:
        """After a crash: put deliveries that were in flight back to pending; returns how many.

        Those requests may or may not have reached Telegram, so this number bounds the
        duplicates a crash can cause. It is added to each broadcast's ``n_resumed``.
        """
        with self.transaction():
            rows = self.conn.execute(
                "SELECT broadcast_id, count(*) FROM deliveries WHERE status = ? GROUP BY broadcast_id", (SENDING,)
            ).fetchall()
            for broadcast_id, n in rows:
                self.conn.execute("UPDATE broadcasts SET n_resumed = n_resumed + ? WHERE id = ?", (n, broadcast_id))
            self.conn.execute("UPDATE deliveries SET status = ? WHERE status = ?", (PENDING, SENDING))
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
                "SELECT id, text, text_en, silent, expires, deliver_by, ask, venue, invite FROM broadcasts "
                "WHERE status IN (?, ?) ORDER BY deliver_by, created_at",
                UNFINISHED,
            ).fetchall():
                if len(jobs) >= limit:
                    break
                broadcast_id, text, text_en, silent, expires, deliver_by, ask, venue, invite = b
                rows = self.conn.execute(
                    f"""SELECT d.chat_id, d.attempts, s.status, s.language, {personal_columns(b)}
                       FROM deliveries d INDEXED BY deliveries_pending
                       LEFT JOIN subscribers s ON s.chat_id = d.chat_id
                       WHERE d.broadcast_id = ? AND d.status = '{PENDING}' AND d.next_at <= ?
                       ORDER BY d.next_at LIMIT ?""",
                    (broadcast_id, now, limit - len(jobs)),
                ).fetchall()
                # The channel's copy has no subscriber row: always live, in Indonesian.
                channel = self.channel_copy(broadcast_id)
                rows = [(r[0], r[1], ACTIVE, None, None, None) if r[0] == channel else r for r in rows]
                gone = [(broadcast_id, r[0]) for r in rows if r[2] != ACTIVE]
                if gone:
                    self._finish_many(gone, CANCELLED, "unsubscribed", now)
                live = [r for r in rows if r[2] == ACTIVE]
                self.conn.executemany(
                    "UPDATE deliveries SET status = ?, updated_at = ? WHERE broadcast_id = ? AND chat_id = ?",
                    [(SENDING, now, broadcast_id, r[0]) for r in live],
                )
                jobs.extend(
                    Job(
                        broadcast_id,
                        chat_id,
                        text_en if lang == "en" and text_en else text,
                        bool(silent),
                        expires,
                        deliver_by,
                        attempts,
                        ask,
                        "en" if lang == "en" else "id",
                        chat_id == channel,
                        tps,
                        bool(venue),
                        bool(invite),
                        recipient_area,
                    )
                    for chat_id, attempts, _, lang, tps, recipient_area in live
                )
        return jobs

    def _finish_many(self, keys: list[tuple[str, int]], outcome: str, error: str | None, now: float) -> None:
        # Only rows still undelivered count: a row /hapus deleted while in flight is already
        # counted as cancelled, and its late outcome must not be counted a second time.
        column = OUTCOME_COLUMNS[outcome]
        per_broadcast: dict[str, int] = {}
        for b, c in keys:
            moved = self.conn.execute(
                "UPDATE deliveries SET status = ?, last_error = ?, updated_at = ?, attempts = attempts + 1 "
                f"WHERE broadcast_id = ? AND chat_id = ? AND status IN {sql_list(UNDELIVERED)}",
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
                    "UPDATE subscribers SET status = ?, updated_at = ? WHERE chat_id = ?", (BLOCKED, now, chat_id)
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
            moved = self.conn.execute(
                "UPDATE deliveries SET status = ?, attempts = attempts + 1, next_at = ?, last_error = ?, "
                "updated_at = ?, offline = 0 WHERE broadcast_id = ? AND chat_id = ? AND status = ?",
                (PENDING, next_at, error, now, broadcast_id, chat_id, SENDING),
            ).rowcount
            if not moved:  # already final (/hapus meanwhile): nothing to retry
                return
            if ambiguous:
                self.conn.execute("UPDATE broadcasts SET n_ambiguous = n_ambiguous + 1 WHERE id = ?", (broadcast_id,))
            self.conn.execute("UPDATE broadcasts SET n_retries = n_retries + 1 WHERE id = ?", (broadcast_id,))

    def wait_for_network(
        self, broadcast_id: str, chat_id: int, next_at: float, error: str, now: float | None = None
    ) -> None:
        """Put back an in-flight delivery whose request never left this machine (network down).

        Nothing reached Telegram, so no attempt is counted: the copy waits for the network until its
        broadcast expires, however long the outage. It counts as "waiting for the network".
        """
        now = time.time() if now is None else now
        self.conn.execute(
            "UPDATE deliveries SET status = ?, next_at = ?, last_error = ?, updated_at = ?, offline = 1 "
            "WHERE broadcast_id = ? AND chat_id = ? AND status = ?",
            (PENDING, next_at, error, now, broadcast_id, chat_id, SENDING),
        )

    def network_back(self, now: float | None = None) -> int:
        """The network works again: every copy waiting for it is due now; returns how many."""
        now = time.time() if now is None else now
        return self.conn.execute(
            f"UPDATE deliveries SET next_at = ? WHERE status = '{PENDING}' AND offline = 1 AND next_at > ?",
            (now, now),
        ).rowcount

    def waiting_for_network(self, broadcast_id: str) -> int:
        """Copies of a broadcast waiting because their last try found the network down."""
        return self.conn.execute(
            f"SELECT count(*) FROM deliveries INDEXED BY deliveries_pending "
            f"WHERE broadcast_id = ? AND status = '{PENDING}' AND offline = 1",
            (broadcast_id,),
        ).fetchone()[0]

    def release(self, broadcast_id: str, chat_id: int) -> None:
        """Put an in-flight delivery back as it was (not attempted: e.g. the bot is shutting down)."""
        self.conn.execute(
            "UPDATE deliveries SET status = ? WHERE broadcast_id = ? AND chat_id = ? AND status = ?",
            (PENDING, broadcast_id, chat_id, SENDING),
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
                    "UPDATE deliveries SET status = ?, updated_at = ? WHERE broadcast_id = ? AND status = ?",
                    (EXPIRED, now, broadcast_id, PENDING),
                ).rowcount
                self.conn.execute("UPDATE broadcasts SET n_expired = n_expired + ? WHERE id = ?", (n, broadcast_id))
                total += n
        return total

    def close_finished(self, now: float | None = None) -> list[Broadcast]:
        """Mark broadcasts with nothing pending or in flight as done; returns them."""
        now = time.time() if now is None else now
        done = []
        with self.transaction():
            for b in self.active_broadcasts():
                if not self.has_undelivered(b.id):
                    self.conn.execute(
                        "UPDATE broadcasts SET status = ?, finished_at = ? WHERE id = ?", (DONE, now, b.id)
                    )
                    done.append(self.broadcast(b.id))
        return [b for b in done if b is not None]

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
            for status in UNDELIVERED
        )

    def next_due(self) -> float | None:
        """Earliest `next_at` of any pending delivery of a running broadcast (None if none).

        One index lookup per running broadcast, not a scan of the pending rows.
        """
        times = [
            self.conn.execute(
                "SELECT min(next_at) FROM deliveries INDEXED BY deliveries_pending "
                f"WHERE broadcast_id = ? AND status = '{PENDING}'",
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
            for status in UNDELIVERED
        )

    def count_purgeable(self, before: float) -> int:
        """Delivery records of finished broadcasts last touched before `before`."""
        return self.conn.execute(
            f"SELECT count(*) FROM deliveries WHERE updated_at < ? AND status NOT IN {sql_list(UNDELIVERED)}",
            (before,),
        ).fetchone()[0]

    def purge(self, before: float) -> int:
        """Delete those records (per-chat data); the broadcasts' aggregate counts stay."""
        with self.transaction():
            return self.conn.execute(
                f"DELETE FROM deliveries WHERE updated_at < ? AND status NOT IN {sql_list(UNDELIVERED)}", (before,)
            ).rowcount

    def deliveries_of(self, chat_id: int) -> list[dict]:
        """Every delivery record of a chat, as dicts (for /hapus checks and tests)."""
        return list(self.db.query("SELECT * FROM deliveries WHERE chat_id = ?", [chat_id]))


def personal_columns(broadcast: tuple) -> str:
    """The SELECT columns a broadcast's copies need about their recipient: the TPS key where its text
    names {my_tps} or a pin follows (bot/delivery/personal.py), the kecamatan for an invite button's link."""
    text, text_en, venue, invite = broadcast[1], broadcast[2], broadcast[7], broadcast[8]
    personal = bool(venue) or MY_TPS in text or MY_TPS in (text_en or "")
    place = "CASE WHEN s.tps IS NOT NULL THEN s.area || '/' || s.desa || '/' || printf('%03d', s.tps) END"
    return f"{place if personal else 'NULL'}, {'s.area' if invite else 'NULL'}"
