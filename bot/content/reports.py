"""Figures for operators, shared by the Telegram operator commands and the command line (pure).

Aggregates only: nothing here returns a chat id or any subscriber's data. The one name it gives is
an ad-hoc broadcast's author (an operator, see :func:`describe`), for /laporan and `report`; the
tables of `export` (:func:`export_tables`) leave it out.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from typing import Any

from bot.content import catalogue, operator_strings, operator_texts, source_reports, tps_reports
from bot.content.figures import AreaFigures, BroadcastFigures, BroadcastReport, Description
from bot.content.formats import human_duration
from bot.schedule.areas import Area, ref_name
from bot.schedule.model import ASKS, ROLES, Schedule
from bot.store import ENQUEUING, NEVER_STARTED, SUBSCRIBER_STATUSES, Broadcast, Store, undelivered

ADHOC_TTL = 24 * 3600  # an ad-hoc notice not delivered within a day is dropped


def estimate_seconds(recipients: int, rate: float) -> float:
    return recipients / rate if rate > 0 else 0.0


def estimate_text(recipients: int, rate: float) -> str:
    return human_duration(estimate_seconds(recipients, rate))


def broadcast_figures(store: Store, broadcast_id: str, now: float | None = None) -> BroadcastFigures | None:
    """Counts, percentage, rate and estimated finish of one broadcast, or None if unknown."""
    b = store.broadcast(broadcast_id)
    if b is None:
        return None
    figures = _figures(store, b, now)
    figures["channel"] = store.channel_delivery(b.id)  # the copy posted to the channel, counted in the total
    return figures


def _figures(store: Store, b: Broadcast, now: float | None = None) -> BroadcastFigures:
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
        # None for one that never started (scheduled, or cancelled or expired first): nothing is "done".
        "percent": None if b.status in NEVER_STARTED else 100.0 * done / b.total if b.total else 100.0,
        "rate": rate,
        "eta": now + pending / rate if pending and rate > 0 else None,
        "created_at": b.created_at,
        "at": b.at,  # when it fell (or, scheduled, falls) due
        "finished_at": b.finished_at,
        "resumed": b.n_resumed,
        "ambiguous": b.n_ambiguous,
    }


def recent_figures(store: Store, limit: int = 10) -> list[BroadcastFigures]:
    return [_figures(store, b) for b in store.recent_broadcasts(limit)]


def title(b: Broadcast, schedule: Schedule, lang: str = "id") -> str:
    """What a broadcast is about: the first line of its text (see operator_texts.broadcast_title)."""
    return operator_texts.broadcast_title(b.id, b.text, b.text_en, schedule, lang)


def area_names(b: Broadcast, schedule: Schedule) -> list[str] | None:
    """The names of the kecamatan (and desa) a broadcast went to; [] for everybody, None when
    neither the schedule nor the broadcast has areas (nothing to say)."""
    if not b.area_list and not schedule.areas:
        return None
    return [ref_name(schedule.areas, ref) for ref in b.area_list]


def authors(store: Store) -> dict[str, str]:
    """Who sent each ad-hoc broadcast that records it: 'Siti (123456)', or 'cli:<user>'."""
    names = store.operator_names()
    return {
        broadcast: operator_texts.operator_label(actor, names) for broadcast, actor in store.broadcast_authors().items()
    }


def describe(b: Broadcast, schedule: Schedule, lang: str, known_authors: dict[str, str]) -> Description:
    """A broadcast's ``title``, ``area_names`` and ``author`` (None if not recorded), for reports."""
    return {"title": title(b, schedule, lang), "area_names": area_names(b, schedule), "author": known_authors.get(b.id)}


def recent_reports(store: Store, schedule: Schedule, lang: str = "id", limit: int = 10) -> list[BroadcastReport]:
    """The latest broadcasts' figures with what :func:`describe` says of each (/laporan, `report`)."""
    known = authors(store)
    return [{**_figures(store, b), **describe(b, schedule, lang, known)} for b in store.recent_broadcasts(limit)]


def broadcast_report(store: Store, schedule: Schedule, broadcast_id: str, lang: str = "id") -> BroadcastReport | None:
    """One broadcast's figures (:func:`broadcast_figures`) with what :func:`describe` says of it."""
    figures = broadcast_figures(store, broadcast_id)
    b = store.broadcast(broadcast_id)
    if figures is None or b is None:
        return None
    return {**figures, **describe(b, schedule, lang, authors(store))}


def chart_bars(store: Store, schedule: Schedule, tz: tzinfo | None, lang: str = "id", limit: int = 8) -> list[dict]:
    """The latest broadcasts as the /statistik chart draws them: a title, a day and every outcome."""
    bars = []
    # Scheduled broadcasts, and those cancelled or expired before they started, have no outcomes to draw.
    for b in store.recent_broadcasts(limit, started=True):
        f = _figures(store, b)
        bar: dict[str, Any] = {k: f[k] for k in ("sent", "blocked", "failed", "expired", "cancelled", "pending")}
        bar["label"] = title(b, schedule, lang)
        bar["day"] = datetime.fromtimestamp(f["created_at"], tz).date() if f["created_at"] else None
        bars.append(bar)
    return bars


# -- export: one table per kind of figure ---------------------------------------------------------


def export_tables(store: Store, schedule: Schedule, lang: str = "id") -> dict[str, list[dict]]:
    """The tables of `export` (bot/ops/export.py names their columns and files); counts only, no chat
    id, no operator. Keys: "roles", "broadcasts", "areas", "pledges", "pledge_roles", "pledge_areas",
    "sources" and "source_weeks" (where subscribers came from), and "tps" (one row per TPS) only when the
    schedule has a TPS file."""
    areas = area_figures(store, schedule.areas)
    pledges = pledge_figures(store, schedule.areas)
    sources = source_reports.read_figures(store, schedule.election.tz, weeks=None)
    tables = {
        "roles": role_table(store, lang),
        "broadcasts": broadcast_table(store, schedule, lang),
        "areas": area_table(areas, lang),
        **pledge_tables(pledges, lang),
        "sources": source_reports.source_table(sources, lang),
        "source_weeks": source_reports.week_table(sources, lang),
    }
    if schedule.tps:
        tables["tps"] = tps_reports.tps_table(tps_reports.tps_figures(schedule, store.tps_counts()))
    return tables


def role_table(store: Store, lang: str) -> list[dict]:
    """One row per role (then people with no role yet): subscribers per status, and in all."""
    counts: dict[str, dict[str, int]] = {}
    for role, status, n in store.counts_by_role_and_status():
        counts.setdefault(role or "", {})[status] = n
    order = (
        [r for r in ROLES if r in counts]
        + sorted(r for r in counts if r not in ROLES and r)
        + ([""] if "" in counts else [])
    )
    rows = []
    for role in order:
        by_status = counts[role]
        row: dict = {"role": role, "role_name": role_word(role, lang)}
        row.update({status: by_status.get(status, 0) for status in SUBSCRIBER_STATUSES})
        row["total"] = sum(by_status.values())
        rows.append(row)
    return rows


def role_word(role: str | None, lang: str) -> str:
    """'Kepala Desa'; '(tanpa peran)' for people who chose none yet."""
    if not role:
        return "(no role)" if lang == "en" else "(tanpa peran)"
    return operator_strings.ROLE_SHORT["en" if lang == "en" else "id"].get(role, role)


def area_word(area_id: str | None, name: str | None, lang: str) -> str:
    """A kecamatan's name; '(tanpa wilayah)' for people who gave none."""
    if area_id is None:
        return "(no area)" if lang == "en" else "(tanpa wilayah)"
    return name or area_id


def broadcast_table(store: Store, schedule: Schedule, lang: str) -> list[dict]:
    """One row per broadcast, oldest first: what it was, where it went and how its copies ended."""
    tz = schedule.election.tz
    rows = []
    for b in reversed(store.recent_broadcasts(limit=1_000_000)):
        f = _figures(store, b)
        names = area_names(b, schedule)
        rows.append(
            {
                "id": b.id,
                "kind": operator_texts.kind_word(b.kind, lang),
                "title": title(b, schedule, lang),
                "roles": ", ".join(role_word(r, lang) for r in b.role_list),
                "areas": "" if names is None else ", ".join(names) or catalogue.say(lang, "all_areas"),
                "status": operator_texts.state_word(b.status, lang),
                "created": local_minute(b.created_at, tz),
                "finished": local_minute(b.finished_at, tz),
                **{k: f[k] for k in ("total", "sent", "blocked", "failed", "expired", "cancelled", "pending")},
                "percent": f["percent"],
            }
        )
    return rows


def local_minute(ts: float | None, tz: tzinfo | None) -> str:
    """'2024-11-27 14:05' in the election's time zone, as spreadsheets read a date and time; '' for none."""
    return datetime.fromtimestamp(ts, tz).strftime("%Y-%m-%d %H:%M") if ts else ""


# -- areas: figures per kecamatan -----------------------------------------------------------------------------


def coverage(count: int, voters: int | None) -> float | None:
    """Active subscribers as a percentage of the DPT, or None when the DPT is not known."""
    return 100.0 * count / voters if voters else None


def area_figures(store: Store, areas: Sequence[Area]) -> list[AreaFigures]:
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
    rows.append((None, None, None))  # type: ignore[arg-type]  # people who gave no area
    figures: list[AreaFigures] = []
    for area_id, name, voters in rows:
        roles = counts.get(area_id, {})
        total = sum(roles.values())
        figures.append(
            {
                "id": area_id,
                "name": name,
                "voters": voters,
                "roles": roles,
                "count": total,
                "coverage": coverage(total, voters),
            }
        )
    return figures


def area_table(figures: list[AreaFigures], lang: str) -> list[dict]:
    """`export`: one row per kecamatan (then people with no area): its name beside its id, active
    subscribers per role and in all, its DPT and coverage (None where the DPT is not given)."""
    return [
        {
            "area": f["id"] or "",
            "area_name": area_word(f["id"], f["name"], lang),
            **{role: f["roles"].get(role, 0) for role in ROLES},
            "active": f["count"],
            "voters": f["voters"],
            "coverage": f["coverage"],
        }
        for f in figures
    ]


# -- pledges -----------------------------------------------------------------------------------


def share(pledged: int, received: int) -> float | None:
    """Pledges as a percentage of the people who received the asking reminder (None: nobody did).

    Never above 100 %: pledges count by the role and area as pressed and outlive a purge of the
    delivery records, so a group's pledges can outnumber its recipients as they are counted now."""
    return min(100.0, 100.0 * pledged / received) if received else None


def pledge_figures(store: Store, areas: Sequence[Area] = ()) -> list[dict]:
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


def _pledge_part(pledged: list[tuple], received: list[tuple], match: Callable[..., bool], **key: Any) -> dict:
    """Pledges and recipients of the (role, area, count) rows that `match`, with their share."""
    n_p = sum(n for role, area, n in pledged if match(role, area))
    n_r = sum(n for role, area, n in received if match(role, area))
    return {**key, "pledged": n_p, "received": n_r, "share": share(n_p, n_r)}


def pledge_tables(figures: list[dict], lang: str) -> dict[str, list[dict]]:
    """`export`: the pledges per ask ("pledges"), per ask × role and per ask × kecamatan."""

    def row(f: dict, part: dict, **key: Any) -> dict:
        ask = {"ask": f["ask"], "ask_name": operator_texts.ask_word(f["ask"], lang)}
        return {**ask, **key, "pledged": part["pledged"], "received": part["received"], "share": part["share"]}

    return {
        "pledges": [row(f, f) for f in figures],
        "pledge_roles": [
            row(f, r, role=r["role"], role_name=role_word(r["role"], lang)) for f in figures for r in f["roles"]
        ],
        "pledge_areas": [
            row(f, a, area=a["id"] or "", area_name=area_word(a["id"], a["name"], lang))
            for f in figures
            for a in f["areas"]
        ],
    }
