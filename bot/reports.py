"""Figures for operators, shared by the Telegram operator commands and the command line (pure).

Aggregates only: nothing here returns a chat id, a name or any other personal data.
"""

from __future__ import annotations

import time
from datetime import datetime

from bot.plan import human_duration
from bot.store import ENQUEUING, Broadcast, Store, undelivered

ADHOC_TTL = 24 * 3600  # an ad-hoc notice not delivered within a day is dropped


def estimate_seconds(recipients: int, rate: float) -> float:
    return recipients / rate if rate > 0 else 0.0


def estimate_text(recipients: int, rate: float) -> str:
    return human_duration(estimate_seconds(recipients, rate))


def broadcast_figures(store: Store, broadcast_id: str, now: float | None = None) -> dict | None:
    """Counts, percentage, rate and estimated finish of one broadcast, or None if unknown."""
    b = store.broadcast(broadcast_id)
    return None if b is None else _figures(store, b, now)


def _figures(store: Store, b: Broadcast, now: float | None = None) -> dict:
    """broadcast_figures for a broadcast row already read."""
    now = time.time() if now is None else now
    pending = undelivered(b) if b.status != ENQUEUING else store.pending_count(b.id)
    done = b.total - pending
    started = b.enqueued_at or b.created_at
    end = b.finished_at or now
    rate = b.n_sent / (end - started) if end > started else 0.0
    return {
        "id": b.id,
        "kind": b.kind,
        "roles": b.role_list,
        "status": b.status,
        "total": b.total,
        "sent": b.n_sent,
        "blocked": b.n_blocked + b.n_gone,
        "failed": b.n_failed,
        "expired": b.n_expired,
        "cancelled": b.n_cancelled,
        "pending": pending,
        "percent": 100.0 * done / b.total if b.total else 100.0,
        "rate": rate,
        "eta": now + pending / rate if pending and rate > 0 else None,
        "created_at": b.created_at,
        "finished_at": b.finished_at,
        "resumed": b.n_resumed,
        "ambiguous": b.n_ambiguous,
    }


def recent_figures(store: Store, limit: int = 10) -> list[dict]:
    return [_figures(store, b) for b in store.recent_broadcasts(limit)]


def chart_bars(store: Store, schedule, tz, lang: str = "id", limit: int = 8) -> list[dict]:
    """The latest broadcasts as the /statistik chart draws them: a title, a day and every outcome."""
    from bot import texts

    bars = []
    for f in recent_figures(store, limit):
        bar = {k: f[k] for k in ("sent", "blocked", "failed", "expired", "cancelled", "pending")}
        bar["label"] = texts.broadcast_label(f["id"], schedule, lang)
        bar["day"] = datetime.fromtimestamp(f["created_at"], tz).date() if f["created_at"] else None
        bars.append(bar)
    return bars


def export_rows(store: Store) -> list[dict]:
    """Rows for `export`: one per role and one per broadcast, aggregate counts only."""
    rows = []
    for role, status, n in store.counts_by_role_and_status():
        rows.append({"kind": "role", "id": role or "", "status": status, "count": n})
    for b in store.recent_broadcasts(limit=1_000_000):
        f = _figures(store, b)
        for outcome in ("total", "sent", "blocked", "failed", "expired", "cancelled", "pending"):
            rows.append({"kind": f"broadcast:{f['kind']}", "id": f["id"], "status": outcome, "count": f[outcome]})
    return rows
