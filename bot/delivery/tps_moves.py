"""A TPS that moved: one 'Ralat lokasi TPS' to the people who chose it, like a stage's date correction.

The store remembers each TPS's location as the bot last knew it (``tps_locations``). When a reloaded
or restarted TPS file gives a TPS another location, everyone who chose that TPS gets one correction,
with the old location struck through and the new one in bold. The broadcast's id names the TPS, its
new place and when the old one was recorded, so each move goes out once however often the bot
restarts; `check` and `plan` list it first.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.content import tps_texts
from bot.schedule.model import ROLES, Schedule
from bot.schedule.tps import Tps
from bot.store import CORRECTION, ENQUEUING, Store
from bot.store.tps import correction_id

LIFETIME = 24 * 3600  # a correction not delivered within a day is stale


@dataclass(frozen=True)
class TpsMove:
    """A TPS whose location in the file differs from the one the bot last knew."""

    tps: Tps
    old_location: str
    recipients: int
    old_seen: float = 0.0  # when the bot recorded the old location: one id per move, even back and forth

    @property
    def broadcast_id(self) -> str:
        # The new place alone would repeat when a TPS moves back and forth (A, B, A, B): the second
        # move to B would be taken for the first and never sent.
        digest = hashlib.sha256(f"{self.old_seen!r}|{self.tps.location}".encode()).hexdigest()[:12]
        return correction_id(self.tps.key, digest)

    def describe(self) -> str:
        return (
            f'correction pending: {self.tps.label} of {self.tps.area}/{self.tps.desa} moved from "{self.old_location}" '
            f"to \"{self.tps.location}\"; {self.recipients} subscribers who chose it will get a 'Ralat lokasi TPS'"
        )


def pending_tps_moves(schedule: Schedule, store: Store) -> list[TpsMove]:
    """TPS whose location in the file differs from the one last known, with someone to tell (read-only)."""
    known = store.known_tps_locations()
    moves = []
    for tps in schedule.tps:
        old = known.get(tps.key)
        if old is None or old[0] == tps.location:
            continue
        move = TpsMove(tps, old[0], store.count_at_tps(tps.key), old[3])
        if move.recipients and store.broadcast(move.broadcast_id) is None:
            moves.append(move)
    return moves


def send_tps_moves(schedule: Schedule, store: Store, start: datetime, now: float | None = None) -> list[TpsMove]:
    """Enqueue one correction per moved TPS, due at ``start``, then remember every TPS's location.

    On voting day after the TPS close nothing is sent (voting is over; a notice at night would only
    confuse): the new locations are only remembered."""
    now = time.time() if now is None else now
    moves = [] if _after_voting(schedule, start) else pending_tps_moves(schedule, store)
    for move in moves:
        store.create_broadcast(
            move.broadcast_id,
            text=tps_texts.moved_text(schedule, move.tps, move.old_location, "id"),
            text_en=tps_texts.moved_text(schedule, move.tps, move.old_location, "en"),
            roles=ROLES,
            at=start.timestamp(),
            expires=_expires(schedule, start),
            kind=CORRECTION,
            now=now,
        )
        recorded = store.broadcast(move.broadcast_id)
        if recorded is not None and recorded.status == ENQUEUING:
            store.enqueue_at_tps(move.broadcast_id, move.tps.key, not_before=start.timestamp(), now=now)
    store.remember_tps_locations(((t.key, t.location, t.lat, t.lon) for t in schedule.tps), now=now)
    return moves


def _after_voting(schedule: Schedule, start: datetime) -> bool:
    close = schedule.election.tps_close
    if start.date() != schedule.voting_day() or close is None:
        return False
    return start >= datetime.combine(start.date(), close, start.tzinfo)


def _expires(schedule: Schedule, start: datetime) -> float:
    """A day after ``start``; on voting day, when the TPS close (a later notice would only confuse)."""
    close = schedule.election.tps_close
    if start.date() == schedule.voting_day() and close is not None:
        closing = datetime.combine(start.date(), close, start.tzinfo)
        if closing > start:
            return closing.timestamp()
    return (start + timedelta(seconds=LIFETIME)).timestamp()
