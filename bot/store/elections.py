"""Which election the database follows, and the archive of the earlier ones.

The ``meta`` row "election" names the election whose reminders, corrections and figures the
database holds. Switching to the next election (`bot.py new-election`) archives them: each
broadcast's row goes to ``archived_broadcasts`` and the figures (counts only) to ``elections``,
and the per-person records of the old election (deliveries, pledges) are deleted. Subscribers,
their role, language and area, the audit trail and the unanswered questions stay.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from bot.store.base import StoreBase
from bot.store.statuses import ACTIVE, FINAL, PENDING, SCHEDULED, SENDING

ELECTION_KEY = "election"


@dataclass(frozen=True)
class Archived:
    """One archived election and its figures."""

    id: int
    name: str
    voting_day: str | None
    archived_at: float
    figures: dict


class ElectionStore(StoreBase):
    """Reads and writes of the ``elections`` and ``archived_broadcasts`` tables, and the election in ``meta``."""

    def current_election(self) -> dict | None:
        """{"name", "voting_day", "since"} of the election the database follows, if recorded."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (ELECTION_KEY,)).fetchone()
        return json.loads(row[0]) if row else None

    def follow_election(self, name: str, voting_day: str | None, now: float | None = None) -> None:
        """Record the election the database follows (a no-op when it is already the one recorded)."""
        now = time.time() if now is None else now
        recorded = self.current_election()
        if recorded is not None and (recorded.get("name"), recorded.get("voting_day")) == (name, voting_day):
            return
        value = json.dumps({"name": name, "voting_day": voting_day, "since": now})
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (ELECTION_KEY, value),
        )

    def election_records(self) -> dict[str, int]:
        """What switching elections would archive or drop: counts of broadcasts, copies, pledges."""
        one = lambda sql, *args: self.conn.execute(sql, args).fetchone()[0]  # noqa: E731
        final = ", ".join("?" * len(FINAL))
        return {
            "broadcasts": one("SELECT count(*) FROM broadcasts"),
            "deliveries": one("SELECT count(*) FROM deliveries"),
            "undelivered": one(f"SELECT count(*) FROM deliveries WHERE status NOT IN ({final})", *FINAL),
            "scheduled": one("SELECT count(*) FROM broadcasts WHERE status = ?", SCHEDULED),
            "pledges": one("SELECT count(*) FROM pledges") + one("SELECT coalesce(sum(n), 0) FROM pledge_totals"),
            "subscribers": one("SELECT count(*) FROM subscribers WHERE status = ?", ACTIVE),
        }

    def archive_election(self, name: str, voting_day: str | None, now: float | None = None) -> int:
        """Move the current election's records into the archive under `name`; returns its archive id.

        One transaction: the figures and broadcast rows are copied, then deliveries, broadcasts,
        pledges, announced stage dates and TPS locations, subscribers' TPS numbers (each election numbers
        its TPS anew; kecamatan and desa stay) and open /siaran drafts are deleted. Copies still waiting,
        and broadcasts scheduled for later, are never sent: they belong to the election that ended.
        """
        now = time.time() if now is None else now
        with self.transaction():
            figures = self._figures()
            archive_id = self.conn.execute(
                "INSERT INTO elections (name, voting_day, archived_at, figures) VALUES (?, ?, ?, ?)",
                (name, voting_day, now, json.dumps(figures)),
            ).lastrowid
            cursor = self.conn.execute("SELECT * FROM broadcasts ORDER BY at, id")
            names = [d[0] for d in cursor.description]
            self.conn.executemany(
                "INSERT INTO archived_broadcasts (election_id, broadcast_id, kind, row) VALUES (?, ?, ?, ?)",
                ((archive_id, r[0], r[1], json.dumps(dict(zip(names, r, strict=True)))) for r in cursor.fetchall()),
            )
            for table in ("deliveries", "broadcasts", "pledges", "pledge_totals", "stage_dates", "tps_locations"):
                self.conn.execute(f"DELETE FROM {table}")
            self.conn.execute("UPDATE subscribers SET tps = NULL")  # TPS are numbered anew for each election
            self.conn.execute("DELETE FROM drafts")
            assert archive_id is not None
            return archive_id

    def _figures(self) -> dict:
        """Counts of the current election: broadcasts by kind, copies by outcome, pledges by ask."""
        kinds = dict(self.conn.execute("SELECT kind, count(*) FROM broadcasts GROUP BY kind").fetchall())
        outcomes = dict(self.conn.execute("SELECT status, count(*) FROM deliveries GROUP BY status").fetchall())
        for status in (PENDING, SENDING):
            outcomes.pop(status, None)  # never sent, and never will be
        pledges = dict(
            self.conn.execute(
                "SELECT ask, sum(n) FROM (SELECT ask, 1 AS n FROM pledges UNION ALL "
                "SELECT ask, n FROM pledge_totals) GROUP BY ask"
            ).fetchall()
        )
        subscribers = dict(
            self.conn.execute("SELECT role, count(*) FROM subscribers WHERE status = ? GROUP BY role", (ACTIVE,))
        )
        return {"broadcasts": kinds, "deliveries": outcomes, "pledges": pledges, "subscribers": subscribers}

    def archived_elections(self) -> list[Archived]:
        """Every archived election, oldest first."""
        rows = self.conn.execute("SELECT id, name, voting_day, archived_at, figures FROM elections ORDER BY id")
        return [Archived(r[0], r[1], r[2], r[3], json.loads(r[4])) for r in rows]

    def archived_broadcasts(self, archive_id: int) -> list[dict]:
        """The broadcast rows of one archived election, as they were when it was archived."""
        rows = self.conn.execute(
            "SELECT row FROM archived_broadcasts WHERE election_id = ? ORDER BY rowid", (archive_id,)
        )
        return [json.loads(r[0]) for r in rows]
