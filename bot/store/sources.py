"""Where subscribers came from: counts of active subscribers per source tag (``subscribers.source``).

The tag is that of the first deep link a person opened ("ajak", "kanal", a poster's "balai-bangoan");
NULL is a plain /start. Only active subscribers with a role count: a visitor who opened a link but
chose no role, and people who stopped, are not subscribers. Counts only leave this module, never
chat ids.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta, tzinfo

from bot.store.base import StoreBase
from bot.store.statuses import ACTIVE

COUNTED = "status = ? AND role IS NOT NULL"  # who counts as a subscriber: active, with a role


def week_of(day: date) -> date:
    """The Monday that starts ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


class SourceStore(StoreBase):
    """Aggregate reads of ``subscribers.source``."""

    def source_role_counts(self) -> list[tuple[str | None, str, int]]:
        """(source, role, active subscribers) for every combination present; source None: a plain /start."""
        return self.conn.execute(
            f"SELECT source, role, count(*) FROM subscribers WHERE {COUNTED} GROUP BY source, role "
            "ORDER BY source, role",
            (ACTIVE,),
        ).fetchall()

    def source_week_counts(
        self, tz: tzinfo | None, weeks: int | None = None, now: float | None = None
    ) -> list[tuple[date, str | None, int]]:
        """(Monday of the week of joining, source, active subscribers who joined that week).

        Weeks are ISO weeks (Monday to Sunday) in ``tz``, the election's time zone: a subscriber who
        joined on Monday 00:30 WIB joined that week, though it was still Sunday in UTC. ``weeks``: the
        last so many weeks up to ``now``'s; None: every week since the first subscriber joined. Weeks
        nobody joined in are absent.
        """
        now = time.time() if now is None else now
        last = week_of(datetime.fromtimestamp(now, tz).date())
        if weeks is None:
            first_joined = self.conn.execute(
                f"SELECT min(joined_at) FROM subscribers WHERE {COUNTED}", (ACTIVE,)
            ).fetchone()[0]
            if first_joined is None:
                return []
            first = min(last, week_of(datetime.fromtimestamp(first_joined, tz).date()))
        else:
            first = last - timedelta(weeks=max(1, weeks) - 1)
        mondays = [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]
        # The weeks' bounds as Unix times, computed here because SQLite knows no time zones (nor DST); one
        # pass over the table, each row to its week by a CASE over the bounds (a join scans once a week).
        starts = [_midnight(m, tz) for m in [*mondays, last + timedelta(weeks=1)]]
        week = " ".join(f"WHEN joined_at < ? THEN {m.toordinal()}" for m in mondays)
        rows = self.conn.execute(
            f"SELECT CASE {week} END AS monday, source, count(*) FROM subscribers "
            f"WHERE {COUNTED} AND joined_at >= ? AND joined_at < ? GROUP BY monday, source ORDER BY monday, source",
            [*starts[1:], ACTIVE, starts[0], starts[-1]],
        ).fetchall()
        return [(date.fromordinal(monday), source, n) for monday, source, n in rows]


def _midnight(day: date, tz: tzinfo | None) -> float:
    """The Unix time at which ``day`` starts in ``tz``."""
    return datetime.combine(day, datetime.min.time(), tz).timestamp()
