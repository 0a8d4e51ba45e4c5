"""Questions the FAQ could not answer: counted per day, kept 30 days, never with a chat id.

Operators read them with /pertanyaan to see which entries the FAQ is missing. The text is stored
lowercased, without punctuation or emoji, long digit runs (a NIK, a phone number) masked and cut
to `MAX_TEXT` characters: what people ask, not who asked.
"""

from __future__ import annotations

import re
import time
import unicodedata

from bot.store.base import StoreBase

KEEP_DAYS = 30
MAX_TEXT = 200
DAY = 86400

_DIGITS = re.compile(r"\d{5,}")
_STRIP = re.compile(r"[^\w\s]+")


def question_text(text: str) -> str:
    """The form an unanswered question is stored in ('' for nothing worth keeping)."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _DIGITS.sub("…", _STRIP.sub(" ", text))
    return " ".join(text.split())[:MAX_TEXT]


class QuestionStore(StoreBase):
    """Reads and writes of the ``unanswered`` table."""

    def record_unanswered(self, text: str, now: float | None = None) -> bool:
        """Count one unanswered question (and drop what is older than 30 days); False if nothing to keep."""
        now = time.time() if now is None else now
        stored = question_text(text)
        if not stored:
            return False
        with self.transaction():
            self.purge_unanswered(now)
            self.conn.execute(
                "INSERT INTO unanswered (text, day, count, last_seen) VALUES (?, ?, 1, ?) "
                "ON CONFLICT (text, day) DO UPDATE SET count = count + 1, last_seen = excluded.last_seen",
                (stored, int(now // DAY), now),
            )
        return True

    def purge_unanswered(self, now: float | None = None) -> int:
        """Delete the days older than 30 days; returns the rows deleted."""
        now = time.time() if now is None else now
        return self.conn.execute("DELETE FROM unanswered WHERE day < ?", (int(now // DAY) - KEEP_DAYS,)).rowcount

    def unanswered(self, now: float | None = None, limit: int = 100) -> list[tuple[str, int, float]]:
        """(text, count, last seen) of the last 30 days, most frequent first."""
        now = time.time() if now is None else now
        since = int(now // DAY) - KEEP_DAYS
        rows = self.conn.execute(
            "SELECT text, SUM(count) AS n, MAX(last_seen) AS last FROM unanswered WHERE day >= ? "
            "GROUP BY text ORDER BY n DESC, last DESC, text LIMIT ?",
            (since, limit),
        ).fetchall()
        return [(text, n, last) for text, n, last in rows]
