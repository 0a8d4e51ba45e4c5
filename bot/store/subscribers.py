"""Subscribers: who gets which reminders, in which language, and the figures about them."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import datetime, timedelta, tzinfo

from bot.schedule.areas import audience_sql
from bot.store.base import StoreBase
from bot.store.rows import Subscriber, columns, fetch_one
from bot.store.statuses import (
    ACTIVE,
    BLOCKED,
    CANCELLED,
    GONE,
    PENDING,
    SENDING,
    STOPPED,
    UNDELIVERED,
    VISITOR,
    sql_list,
)


class SubscriberStore(StoreBase):
    """Reads and writes of the ``subscribers`` table (one row per chat; nothing else about a person)."""

    def subscriber(self, chat_id: int) -> Subscriber | None:
        """The subscriber row of a chat, or None."""
        return fetch_one(
            self.conn, Subscriber, f"SELECT {columns(Subscriber)} FROM subscribers WHERE chat_id = ?", (chat_id,)
        )

    def subscribe(self, chat_id: int, role: str, language: str | None = None, now: float | None = None) -> None:
        """Make the chat an active subscriber with this role (keeps its join date if known)."""
        now = time.time() if now is None else now
        self.conn.execute(
            """INSERT INTO subscribers (chat_id, role, language, status, joined_at, updated_at)
               VALUES (:chat, :role, :language, :active, :now, :now)
               ON CONFLICT (chat_id) DO UPDATE SET role = excluded.role, status = :active,
                 language = COALESCE(excluded.language, subscribers.language), updated_at = excluded.updated_at""",
            {"chat": chat_id, "role": role, "language": language, "active": ACTIVE, "now": now},
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
               VALUES (?, NULL, ?, ?, ?, ?)
               ON CONFLICT (chat_id) DO UPDATE SET language = excluded.language, updated_at = excluded.updated_at""",
            (chat_id, language, VISITOR, now, now),
        )

    def remember_source(self, chat_id: int, source: str, now: float | None = None) -> None:
        """The source tag of a link the chat opened before it picked a role; a chat not seen before is
        kept as a visitor until it picks one. A first source is never overwritten, and someone who
        subscribed without a tag keeps none: a link they open later did not bring them."""
        now = time.time() if now is None else now
        self.conn.execute(
            """INSERT INTO subscribers (chat_id, role, language, status, joined_at, updated_at, source)
               VALUES (?, NULL, NULL, ?, ?, ?, ?)
               ON CONFLICT (chat_id) DO UPDATE SET source = COALESCE(subscribers.source, excluded.source)
               WHERE subscribers.role IS NULL""",
            (chat_id, VISITOR, now, now, source),
        )

    def set_status(self, chat_id: int, status: str, now: float | None = None) -> bool:
        """Set a subscriber's status (active / stopped / blocked / gone); False if the chat is unknown."""
        now = time.time() if now is None else now
        cur = self.conn.execute(
            "UPDATE subscribers SET status = ?, updated_at = ? WHERE chat_id = ?", (status, now, chat_id)
        )
        return cur.rowcount > 0

    def stop(self, chat_id: int, now: float | None = None) -> bool:
        """/berhenti: the subscriber gets no more messages; False if the chat never subscribed (unknown,
        or a visitor who only chose a language or opened a link: nothing to stop)."""
        now = time.time() if now is None else now
        cur = self.conn.execute(
            "UPDATE subscribers SET status = ?, updated_at = ? WHERE chat_id = ? AND role IS NOT NULL",
            (STOPPED, now, chat_id),
        )
        return cur.rowcount > 0

    def forget(self, chat_id: int) -> None:
        """Delete everything stored about a chat: its subscriber row, delivery records and pledges.

        Its copies not yet delivered (pending or in flight) count as cancelled, in the same
        transaction, so the broadcasts' figures still add up to their total and they can finish.
        """
        undelivered = sql_list(UNDELIVERED)
        with self.transaction():
            self.conn.execute(
                f"""UPDATE broadcasts SET n_cancelled = n_cancelled + (
                       SELECT count(*) FROM deliveries d WHERE d.broadcast_id = broadcasts.id AND d.chat_id = ?
                         AND d.status IN {undelivered})
                   WHERE id IN (SELECT broadcast_id FROM deliveries WHERE chat_id = ?
                                AND status IN {undelivered})""",
                (chat_id, chat_id),
            )
            self.conn.execute("DELETE FROM deliveries WHERE chat_id = ?", (chat_id,))
            self.conn.execute("DELETE FROM pledges WHERE chat_id = ?", (chat_id,))
            self.conn.execute("DELETE FROM subscribers WHERE chat_id = ?", (chat_id,))

    def migrate_chat(self, old_chat_id: int, new_chat_id: int, now: float | None = None) -> None:
        """A group became a supergroup: move its subscription, pledges and pending deliveries to the new id.

        When the new id is already subscribed (the supergroup subscribed on its own), the two merge
        into the new id's subscription, and a pending copy of a broadcast the new id also has is
        cancelled: the chat gets one copy. Copies in flight keep the old id: the delivery engine
        records their outcome under it (see ``OutboxStore.migrated``).
        """
        now = time.time() if now is None else now
        with self.transaction():
            self.conn.execute(
                "UPDATE OR IGNORE subscribers SET chat_id = ?, updated_at = ? WHERE chat_id = ?",
                (new_chat_id, now, old_chat_id),
            )
            self.conn.execute("DELETE FROM subscribers WHERE chat_id = ?", (old_chat_id,))  # merged
            self.conn.execute("UPDATE OR IGNORE pledges SET chat_id = ? WHERE chat_id = ?", (new_chat_id, old_chat_id))
            self.conn.execute("DELETE FROM pledges WHERE chat_id = ?", (old_chat_id,))
            self.conn.execute(
                f"UPDATE OR IGNORE deliveries SET chat_id = ? WHERE chat_id = ? AND status != '{SENDING}'",
                (new_chat_id, old_chat_id),
            )
            # Left behind: pending copies of broadcasts the new id has its own copy of.
            self.conn.execute(
                f"""UPDATE broadcasts SET n_cancelled = n_cancelled + (
                       SELECT count(*) FROM deliveries d WHERE d.broadcast_id = broadcasts.id AND d.chat_id = ?
                         AND d.status = '{PENDING}')
                   WHERE id IN (SELECT broadcast_id FROM deliveries WHERE chat_id = ? AND status = '{PENDING}')""",
                (old_chat_id, old_chat_id),
            )
            self.conn.execute(
                f"UPDATE deliveries SET status = ?, last_error = ?, updated_at = ? "
                f"WHERE chat_id = ? AND status = '{PENDING}'",
                (CANCELLED, f"merged into {new_chat_id}", now, old_chat_id),
            )

    def migrated(self, broadcast_id: str, old_chat_id: int, new_chat_id: int, now: float | None = None) -> None:
        """Telegram refused an in-flight copy because its group became a supergroup `new_chat_id`.

        Nothing was sent. The chat moves to its new id (``migrate_chat``); the copy is sent again to
        the new id, without counting an attempt, unless the new id already has its own copy of this
        broadcast: then this one is cancelled, and the supergroup gets one copy, not two.
        """
        now = time.time() if now is None else now
        with self.transaction():
            self.migrate_chat(old_chat_id, new_chat_id, now)
            key = (broadcast_id, new_chat_id)
            if self.conn.execute("SELECT 1 FROM deliveries WHERE broadcast_id = ? AND chat_id = ?", key).fetchone():
                if self.conn.execute(
                    "UPDATE deliveries SET status = ?, last_error = ?, updated_at = ? "
                    "WHERE broadcast_id = ? AND chat_id = ? AND status = ?",
                    (CANCELLED, f"merged into {new_chat_id}", now, broadcast_id, old_chat_id, SENDING),
                ).rowcount:
                    self.conn.execute(
                        "UPDATE broadcasts SET n_cancelled = n_cancelled + 1 WHERE id = ?", (broadcast_id,)
                    )
                return
            self.conn.execute(
                "UPDATE deliveries SET chat_id = ?, status = ?, next_at = 0, last_error = ?, updated_at = ? "
                "WHERE broadcast_id = ? AND chat_id = ? AND status = ?",
                (new_chat_id, PENDING, f"migrated to {new_chat_id}", now, broadcast_id, old_chat_id, SENDING),
            )

    def count_audience(self, roles: Iterable[str], areas: Iterable[str] = ()) -> int:
        """Active subscribers with one of these roles, in one of these areas (none: anywhere)."""
        where, params = audience_sql(roles, areas, ACTIVE)
        return self.conn.execute(f"SELECT count(*) FROM subscribers WHERE {where}", params).fetchone()[0]

    def set_area(self, chat_id: int, area: str | None, desa: str | None = None, now: float | None = None) -> bool:
        """Set (or with None clear) a subscriber's kecamatan and desa; False if the chat is unknown.

        Their TPS is kept only while the desa stays the same.
        """
        now = time.time() if now is None else now
        desa = desa if area else None
        cur = self.conn.execute(
            "UPDATE subscribers SET tps = CASE WHEN area IS ? AND desa IS ? THEN tps END, area = ?, desa = ?, "
            "updated_at = ? WHERE chat_id = ?",
            (area, desa, area, desa, now, chat_id),
        )
        return cur.rowcount > 0

    def counts_by_area_and_role(self) -> list[tuple[str | None, str | None, int]]:
        """(kecamatan, role, active subscribers) for every combination present; aggregates only."""
        return self.conn.execute(
            "SELECT area, role, count(*) FROM subscribers WHERE status = ? GROUP BY area, role ORDER BY area, role",
            (ACTIVE,),
        ).fetchall()

    def counts_by_role_and_status(self) -> list[tuple[str | None, str, int]]:
        """(role, status, subscribers) for every combination present; aggregates only."""
        return self.conn.execute(
            "SELECT role, status, count(*) FROM subscribers GROUP BY role, status ORDER BY role, status"
        ).fetchall()

    def role_counts(self) -> dict[str, int]:
        """Active subscribers per role."""
        rows = self.conn.execute(
            "SELECT role, count(*) FROM subscribers WHERE status = ? GROUP BY role", (ACTIVE,)
        ).fetchall()
        return {role: n for role, n in rows}

    def subscriber_stats(self, now: float | None = None, days: int = 14, tz: tzinfo | None = None) -> dict:
        """Figures for /statistik and `stats`: per role, totals, and new subscribers per day.

        Days are local days in `tz` (the election's time zone); counts are aggregates only.
        """
        now = time.time() if now is None else now
        today = datetime.fromtimestamp(now, tz).date()
        active = {role: 0 for role in ("asn", "kades", "pemilih")}
        active.update(self.role_counts())
        by_status = dict(self.conn.execute("SELECT status, count(*) FROM subscribers GROUP BY status").fetchall())
        per_day = {today - timedelta(days=i): 0 for i in range(days)}
        start = datetime.combine(today - timedelta(days=days - 1), datetime.min.time(), tz).timestamp()
        # Visitors (a language chosen or a link opened, no role yet) have not subscribed.
        joined_rows = self.conn.execute(
            "SELECT joined_at FROM subscribers WHERE joined_at >= ? AND role IS NOT NULL", (start,)
        )
        for (joined,) in joined_rows:
            day = datetime.fromtimestamp(joined, tz).date()
            if day in per_day:
                per_day[day] += 1
        return {
            "active": active,
            "total_active": sum(active.values()),
            "stopped": by_status.get(STOPPED, 0),
            "blocked": by_status.get(BLOCKED, 0) + by_status.get(GONE, 0),
            "new_today": per_day[today],
            "new_days": sum(per_day.values()),
            "per_day": sorted(per_day.items()),
        }

    def growth_by_role(self, tz: tzinfo | None = None) -> dict[str, list[tuple]]:
        """Cumulative subscribers per role by local join date (for the chart)."""
        series: dict[str, list[tuple]] = {}
        counts: dict[str, int] = {}
        rows = self.conn.execute(
            "SELECT role, joined_at FROM subscribers WHERE status = ? ORDER BY joined_at", (ACTIVE,)
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
