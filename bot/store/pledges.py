"""Pledges: the one-tap "I will vote" / "I have voted" answers, and who received the asking reminders.

One row per person and ask, whatever how often or how fast the button is pressed (the primary key
and INSERT OR IGNORE). Figures leave here as aggregates only. ``purge`` folds old rows into
``pledge_totals`` (counts per ask, role and kecamatan, no chat id), so the per-person record goes
and the figures stay.
"""

from __future__ import annotations

import time

from bot.store.base import StoreBase
from bot.store.statuses import SENDING, SENT

PLEDGED, REPEATED, UNKNOWN, NOT_ASKED = "pledged", "repeated", "unknown", "not_asked"


class PledgeStore(StoreBase):
    """Reads and writes of the ``pledges`` table."""

    def pledge(self, chat_id: int, ask: str, now: float | None = None) -> str:
        """Record the chat's pledge `ask` with its current role and kecamatan.

        Returns PLEDGED for the first press, REPEATED for any later one (nothing changes),
        NOT_ASKED when the chat was never sent a reminder carrying `ask` (a forged press), and
        UNKNOWN when the bot has no row for the chat (e.g. after /hapus): nothing is recorded.
        """
        now = time.time() if now is None else now
        if self.conn.execute("SELECT 1 FROM subscribers WHERE chat_id = ?", (chat_id,)).fetchone() is None:
            return UNKNOWN
        if not self.was_asked(chat_id, ask):
            return NOT_ASKED
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO pledges (chat_id, ask, role, area, at) "
            "SELECT chat_id, ?, role, area, ? FROM subscribers WHERE chat_id = ?",
            (ask, now, chat_id),
        )
        if cur.rowcount > 0:
            return PLEDGED
        known = self.conn.execute("SELECT 1 FROM pledges WHERE chat_id = ? AND ask = ?", (chat_id, ask)).fetchone()
        return REPEATED if known else UNKNOWN

    def was_asked(self, chat_id: int, ask: str) -> bool:
        """Whether the chat was sent a reminder carrying `ask`: only their press counts (button data
        can be forged on any message, so the press itself proves nothing)."""
        return (
            self.conn.execute(
                "SELECT 1 FROM deliveries d JOIN broadcasts b ON b.id = d.broadcast_id "
                "WHERE d.chat_id = ? AND d.status IN (?, ?) AND b.ask = ? LIMIT 1",
                (chat_id, SENT, SENDING, ask),  # in flight: outcomes are written a moment after the send
            ).fetchone()
            is not None
        )

    def pledges_of(self, chat_id: int) -> list[dict]:
        """Every pledge row of a chat, as dicts (for /hapus checks and tests)."""
        return list(self.db.query("SELECT * FROM pledges WHERE chat_id = ? ORDER BY ask", [chat_id]))

    def pledge_counts(self) -> list[tuple[str, str | None, str | None, int]]:
        """(ask, role, kecamatan, pledges) for every combination present; role and area as pressed.

        Pledges already purged count too (``pledge_totals``).
        """
        return self.conn.execute(
            "SELECT ask, role, area, sum(n) FROM (SELECT ask, role, area, 1 AS n FROM pledges "
            "UNION ALL SELECT ask, role, area, n FROM pledge_totals) "
            "GROUP BY ask, role, area ORDER BY ask, role, area"
        ).fetchall()

    def count_purgeable_pledges(self, before: float) -> int:
        """Pledge rows (one per person and ask) pressed before `before`."""
        return self.conn.execute("SELECT count(*) FROM pledges WHERE at < ?", (before,)).fetchone()[0]

    def purge_pledges(self, before: float) -> int:
        """Fold the pledges pressed before `before` into counts without chat ids; returns the rows removed."""
        with self.transaction():
            self.conn.execute(
                "INSERT INTO pledge_totals (ask, role, area, n) "
                "SELECT ask, role, area, count(*) FROM pledges WHERE at < ? GROUP BY ask, role, area",
                (before,),
            )
            return self.conn.execute("DELETE FROM pledges WHERE at < ?", (before,)).rowcount

    def ask_recipients(self) -> list[tuple[str, str | None, str | None, int]]:
        """(ask, role, kecamatan, people) who were sent a reminder carrying that ask.

        People, not copies: someone sent two reminders with the same ask counts once. Only private
        chats count (groups get no button, see bot/content/pledges.py); role and kecamatan as they are now.
        Delivery records removed by ``purge`` no longer count.
        """
        return self.conn.execute(
            """SELECT ask, role, area, count(*) FROM (
                   SELECT DISTINCT b.ask AS ask, d.chat_id AS chat_id, s.role AS role, s.area AS area
                   FROM broadcasts b JOIN deliveries d ON d.broadcast_id = b.id
                   LEFT JOIN subscribers s ON s.chat_id = d.chat_id
                   WHERE b.ask IS NOT NULL AND d.status = ? AND d.chat_id > 0)
               GROUP BY ask, role, area ORDER BY ask, role, area""",
            (SENT,),
        ).fetchall()
