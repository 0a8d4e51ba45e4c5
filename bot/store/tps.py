"""Each subscriber's own TPS, the figures about them, and the TPS locations the bot last announced.

A subscriber's TPS is a number within their kecamatan and desa (``subscribers.tps``); it is cleared
whenever the desa changes. ``tps_locations`` remembers each TPS's location, so that a TPS that moves
is corrected once (bot/delivery/tps_moves.py). Counts only leave this module, never chat ids.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from bot.schedule.tps import split_key
from bot.store.broadcasts import ENQUEUE_CHUNK, ENQUEUE_PAUSE, BroadcastStore
from bot.store.statuses import ACTIVE, ENQUEUING, PENDING

# A correction of a TPS's location: "ralat-tps:kedungwaru/bangoan/007:<digest of the new place>".
TPS_CORRECTION = "ralat-tps:"


class TpsStore(BroadcastStore):
    """Reads and writes of ``subscribers.tps`` and ``tps_locations``."""

    def set_tps(self, chat_id: int, number: int | None, now: float | None = None) -> bool:
        """Set (or with None clear) the TPS of a subscriber who gave a desa; False if none was set."""
        now = time.time() if now is None else now
        cur = self.conn.execute(
            "UPDATE subscribers SET tps = ?, updated_at = ? WHERE chat_id = ? AND (desa IS NOT NULL OR ? IS NULL)",
            (number, now, chat_id, number),
        )
        return cur.rowcount > 0

    def tps_counts(self) -> dict[str, int]:
        """Active subscribers per TPS key ("kedungwaru/bangoan/007") for every TPS someone gave."""
        rows = self.conn.execute(
            "SELECT area, desa, tps, count(*) FROM subscribers INDEXED BY subscribers_tps "
            "WHERE tps IS NOT NULL AND status = ? GROUP BY area, desa, tps",
            (ACTIVE,),
        ).fetchall()
        return {f"{area}/{desa}/{tps:03d}": n for area, desa, tps, n in rows if area and desa}

    def count_at_tps(self, key: str) -> int:
        """Active subscribers who gave this TPS."""
        area, desa, number = split_key(key)
        return self.conn.execute(
            "SELECT count(*) FROM subscribers WHERE area = ? AND desa = ? AND tps = ? AND status = ?",
            (area, desa, number, ACTIVE),
        ).fetchone()[0]

    def known_tps_locations(self) -> dict[str, tuple[str, float | None, float | None, float]]:
        """Each TPS's location as the bot last knew it: key -> (location, lat, lon, when it was recorded)."""
        return {
            r[0]: (r[1], r[2], r[3], r[4])
            for r in self.conn.execute("SELECT tps, location, lat, lon, seen_at FROM tps_locations")
        }

    def remember_tps_locations(
        self, places: Iterable[tuple[str, str, float | None, float | None]], now: float | None = None
    ) -> None:
        """Record (key, location, lat, lon) of every TPS of the file; TPS no longer listed are kept."""
        now = time.time() if now is None else now
        with self.transaction():
            self.conn.executemany(
                "INSERT INTO tps_locations (tps, location, lat, lon, seen_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (tps) DO UPDATE SET location = excluded.location, lat = excluded.lat, "
                "lon = excluded.lon, seen_at = excluded.seen_at",
                [(key, location, lat, lon, now) for key, location, lat, lon in places],
            )

    def enqueue(
        self, broadcast_id: str, chunk: int = ENQUEUE_CHUNK, now: float | None = None, pause: float = ENQUEUE_PAUSE
    ) -> int:
        """As ``BroadcastStore.enqueue``; a TPS's correction goes to those who gave that TPS."""
        b = self.broadcast(broadcast_id) if broadcast_id.startswith(TPS_CORRECTION) else None
        if b is not None and b.status == ENQUEUING:
            return self.enqueue_at_tps(broadcast_id, correction_key(broadcast_id), not_before=b.at, now=now)
        return super().enqueue(broadcast_id, chunk, now, pause)

    def enqueue_at_tps(self, broadcast_id: str, key: str, not_before: float, now: float | None = None) -> int:
        """Outbox rows of a TPS's correction: one per active subscriber who gave that TPS."""
        now = time.time() if now is None else now
        area, desa, number = split_key(key)
        with self.transaction():
            self.conn.execute(
                "INSERT OR IGNORE INTO deliveries (broadcast_id, chat_id, status, next_at, updated_at) "
                "SELECT ?, chat_id, ?, ?, ? FROM subscribers WHERE area = ? AND desa = ? AND tps = ? AND status = ?",
                (broadcast_id, PENDING, not_before, now, area, desa, number, ACTIVE),
            )
            return self._enqueued(broadcast_id, now)


def correction_id(key: str, digest: str) -> str:
    """The broadcast id of the correction of TPS ``key`` to the place whose digest is ``digest``."""
    return f"{TPS_CORRECTION}{key}:{digest}"


def correction_key(broadcast_id: str) -> str:
    """The TPS key a correction's id names."""
    return broadcast_id[len(TPS_CORRECTION) :].rpartition(":")[0]
