"""Figures for operators, shared by the Telegram operator commands and the command line (pure).

Aggregates only: nothing here returns a chat id, a name or any other personal data.
"""

from __future__ import annotations

import time
from datetime import datetime

from bot.plan import human_duration
from bot.schedule import ASKS, ROLES
from bot.store import ENQUEUING, Broadcast, Store, undelivered

ADHOC_TTL = 24 * 3600  # an ad-hoc notice not delivered within a day is dropped


def estimate_seconds(recipients: int, rate: float) -> float:
    return recipients / rate if rate > 0 else 0.0


def estimate_text(recipients: int, rate: float) -> str:
    return human_duration(estimate_seconds(recipients, rate))


def broadcast_figures(store: Store, broadcast_id: str, now: float | None = None) -> dict | None:
    """Counts, percentage, rate and estimated finish of one broadcast, or None if unknown."""
    b = store.broadcast(broadcast_id)
    if b is None:
        return None
    figures = _figures(store, b, now)
    figures["channel"] = store.channel_delivery(b.id)  # the copy posted to the channel, counted in the total
    return figures


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
        # Of those pending, copies whose last try found the network down (not failures: they wait).
        "waiting_network": store.waiting_for_network(b.id) if pending else 0,
        "percent": 100.0 * done / b.total if b.total else 100.0,
        "rate": rate,
        "eta": now + pending / rate if pending and rate > 0 else None,
        "created_at": b.created_at,
        "at": b.at,  # when it fell (or, scheduled, falls) due
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
    # Scheduled broadcasts, and those cancelled or expired before they started, have no outcomes to draw.
    for f in [_figures(store, b) for b in store.recent_broadcasts(limit, started=True)]:
        bar = {k: f[k] for k in ("sent", "blocked", "failed", "expired", "cancelled", "pending")}
        bar["label"] = texts.broadcast_label(f["id"], schedule, lang)
        bar["day"] = datetime.fromtimestamp(f["created_at"], tz).date() if f["created_at"] else None
        bars.append(bar)
    return bars


def export_rows(store: Store, areas=()) -> list[dict]:
    """Rows for `export`: one per role, per broadcast, per kecamatan × role and the pledges; counts only."""
    rows = []
    for role, status, n in store.counts_by_role_and_status():
        rows.append({"kind": "role", "id": role or "", "status": status, "count": n})
    for b in store.recent_broadcasts(limit=1_000_000):
        f = _figures(store, b)
        for outcome in ("total", "sent", "blocked", "failed", "expired", "cancelled", "pending"):
            rows.append({"kind": f"broadcast:{f['kind']}", "id": f["id"], "status": outcome, "count": f[outcome]})
    return rows + area_rows(area_figures(store, areas)) + pledge_rows(pledge_figures(store, areas))


# -- areas: figures per kecamatan -----------------------------------------------------------------------------


def coverage(count: int, voters: int | None) -> float | None:
    """Active subscribers as a percentage of the DPT, or None when the DPT is not known."""
    return 100.0 * count / voters if voters else None


def area_figures(store: Store, areas) -> list[dict]:
    """Active subscribers per kecamatan × role, for /statistik, `stats`, the chart and `export`.

    One dict per kecamatan of the schedule (file order, zeros included, so thin areas show), then
    any kecamatan id the database holds that the schedule no longer lists, then one with ``id``
    None for people who gave no area. Each has ``id``, ``name``, ``voters`` (None if unknown),
    ``roles`` ({role: count}), ``count`` and ``coverage`` (percent of ``voters``, or None).
    """
    counts: dict[str | None, dict[str, int]] = {}
    for area, role, n in store.counts_by_area_and_role():
        counts.setdefault(area or None, {})[role or ""] = n
    rows = [(a.id, a.name, a.voters) for a in areas]
    listed = {a.id for a in areas}
    rows += [(i, i, None) for i in sorted(k for k in counts if k is not None and k not in listed)]
    rows.append((None, None, None))
    figures = []
    for area_id, name, voters in rows:
        roles = counts.get(area_id, {})
        total = sum(roles.values())
        figures.append({"id": area_id, "name": name, "voters": voters, "roles": roles, "count": total,
                        "coverage": coverage(total, voters)})  # fmt: skip
    return figures


def area_rows(figures: list[dict]) -> list[dict]:
    """`export` rows of kind "area": one per kecamatan × role and one total with its coverage."""
    rows = []
    for f in figures:
        area_id = f["id"] or ""
        for role, n in sorted(f["roles"].items()):
            rows.append({"kind": "area", "id": area_id, "status": "active", "role": role, "count": n})
        cover = f["coverage"]
        rows.append({"kind": "area", "id": area_id, "status": "active", "role": "", "count": f["count"],
                     "voters": f["voters"] if f["voters"] else "",
                     "coverage": "" if cover is None else f"{cover:.2f}"})  # fmt: skip
    return rows


# -- pledges -----------------------------------------------------------------------------------


def share(pledged: int, received: int) -> float | None:
    """Pledges as a percentage of the people who received the asking reminder (None: nobody did).

    Never above 100 %: pledges count by the role and area as pressed and outlive a purge of the
    delivery records, so a group's pledges can outnumber its recipients as they are counted now."""
    return min(100.0, 100.0 * pledged / received) if received else None


def pledge_figures(store: Store, areas=()) -> list[dict]:
    """Per ask (in ``ASKS`` order, only asks with a recipient or a pledge): the pledges and the people
    sent a reminder carrying it, in total, per role and per kecamatan.

    Each dict: ``ask``, ``pledged``, ``received``, ``share``; ``roles``: one per role (``ROLES``
    order); ``areas``: one per kecamatan with a recipient or a pledge (schedule order, then ids the
    schedule no longer lists, then ``id`` None for people with no area). Each part has ``pledged``,
    ``received`` and ``share``. Pledges count by the role and area given when pressed.
    """
    pledged = store.pledge_counts()
    received = store.ask_recipients()
    names = {a.id: a.name for a in areas}
    figures = []
    for ask in ASKS:
        p = [(role, area, n) for a, role, area, n in pledged if a == ask]
        r = [(role, area, n) for a, role, area, n in received if a == ask]
        if not p and not r:
            continue
        present = {area for _, area, _ in p + r}
        area_ids: list[str | None] = [a.id for a in areas if a.id in present]
        area_ids += sorted(a for a in present if a is not None and a not in names)
        area_ids += [None] if None in present and (areas or len(present) > 1) else []
        total = _pledge_part(p, r, lambda role, area: True, ask=ask)
        total["roles"] = [_pledge_part(p, r, lambda role, area, w=w: role == w, role=w) for w in ROLES]
        total["areas"] = [
            _pledge_part(p, r, lambda role, area, w=w: area == w, id=w, name=names.get(w, w) if w else None)
            for w in area_ids
        ]
        figures.append(total)
    return figures


def _pledge_part(pledged: list[tuple], received: list[tuple], match, **key) -> dict:
    """Pledges and recipients of the (role, area, count) rows that `match`, with their share."""
    n_p = sum(n for role, area, n in pledged if match(role, area))
    n_r = sum(n for role, area, n in received if match(role, area))
    return {**key, "pledged": n_p, "received": n_r, "share": share(n_p, n_r)}


def pledge_rows(figures: list[dict]) -> list[dict]:
    """`export` rows: kind "pledge" (per ask), "pledge:role" and "pledge:area" ("" = no area)."""

    def row(kind: str, f: dict, part: dict, role: str = "", area: str = "") -> dict:
        cover = "" if part["share"] is None else f"{part['share']:.2f}"
        return {"kind": kind, "id": f["ask"], "status": "pledged", "count": part["pledged"], "role": role,
                "area": area, "received": part["received"], "share": cover}  # fmt: skip

    rows = []
    for f in figures:
        rows.append(row("pledge", f, f))
        rows += [row("pledge:role", f, r, role=r["role"]) for r in f["roles"]]
        rows += [row("pledge:area", f, a, area=a["id"] or "") for a in f["areas"]]
    return rows
