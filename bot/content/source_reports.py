"""Where subscribers came from, as operators see it: active subscribers per source tag and role, new
subscribers per week by source, and the share that came through a subscriber's invitation.

Counts in (``store.source_role_counts()``, ``store.source_week_counts()``), figures and lines out for
/statistik, /laporan, the chart, `stats` and `export`. Nothing here names a subscriber. Source None is
a plain /start; ``INVITE`` ("ajak") an invitation a subscriber shared; ``CHANNEL`` ("kanal") the
commission's channel; any other tag a poster's or an area's.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta, tzinfo
from html import escape
from typing import TypedDict

from bot.content import operator_texts, pages
from bot.content.catalogue import entry, say
from bot.content.deep_links import CHANNEL, INVITE
from bot.content.figures import BroadcastReport
from bot.content.formats import num, percent, week_span
from bot.content.operator_strings import ROLE_SHORT
from bot.schedule.model import ROLES
from bot.store import Store
from bot.store.sources import week_of

WEEKS_SHOWN = 8  # weeks of joining in /statistik and its chart
SOURCES_SHOWN = 10  # tagged sources listed in /statistik before "… and N more": the reply stays short
NAMED = 4  # tagged sources named on a week's line and in the chart; the rest are "other"
REPORT_NAMED = 5  # tagged sources named in /laporan's line
OTHER = "\x00other"  # the key of the tagged sources not named (no tag can start with NUL)


class SourceRow(TypedDict):
    """One source and its active subscribers."""

    source: str | None  # None: a plain /start
    count: int
    roles: dict[str, int]


class SourceFigures(TypedDict):
    """Every source (by count, highest first; a plain /start last), the invitations' share, the weeks."""

    rows: list[SourceRow]
    total: int  # active subscribers with a role
    invited: int  # of them, those who came with an invitation
    share: float | None  # invited as a percentage of total; None when there is nobody
    weeks: list[tuple[date, dict[str | None, int]]]  # (Monday, {source: new subscribers}), oldest first


def source_figures(
    role_counts: list[tuple[str | None, str, int]], week_counts: list[tuple[date, str | None, int]], mondays: list[date]
) -> SourceFigures:
    """The figures of the store's counts; ``mondays`` are the weeks shown (zeros included)."""
    by_source: dict[str | None, dict[str, int]] = {}
    for source, role, n in role_counts:
        by_source.setdefault(source, {})[role] = n
    rows: list[SourceRow] = [{"source": s, "count": sum(r.values()), "roles": r} for s, r in by_source.items()]
    rows.sort(key=lambda r: (r["source"] is None, -r["count"], r["source"] or ""))
    total = sum(r["count"] for r in rows)
    invited = sum(r["count"] for r in rows if r["source"] == INVITE)
    weeks: dict[date, dict[str | None, int]] = {m: {} for m in mondays}
    for monday, source, n in week_counts:
        if monday in weeks:
            weeks[monday][source] = n
    share = 100.0 * invited / total if total else None
    return {"rows": rows, "total": total, "invited": invited, "share": share, "weeks": sorted(weeks.items())}


def read_figures(
    store: Store, tz: tzinfo | None, now: float | None = None, weeks: int | None = WEEKS_SHOWN
) -> SourceFigures:
    """The figures as the store holds them at ``now``: the last ``weeks`` weeks (None: every week since
    the first subscriber joined; 0: no weeks, for /laporan)."""
    now = time.time() if now is None else now
    if weeks == 0:
        return source_figures(store.source_role_counts(), [], [])
    week_counts = store.source_week_counts(tz, weeks, now)
    this_week = week_of(datetime.fromtimestamp(now, tz).date())
    first = this_week - timedelta(weeks=weeks - 1) if weeks else min((m for m, _, _ in week_counts), default=this_week)
    mondays = [first + timedelta(weeks=i) for i in range((this_week - first).days // 7 + 1)]
    return source_figures(store.source_role_counts(), week_counts, mondays)


def tagged(f: SourceFigures) -> list[SourceRow]:
    """The sources with a tag (a plain /start left out), highest count first."""
    return [r for r in f["rows"] if r["source"] is not None]


def stack_keys(f: SourceFigures, named: int = NAMED) -> list[str | None]:
    """The parts a week is split into: the ``named`` largest tags, OTHER for the rest, None (plain /start)."""
    tags = tagged(f)
    keys: list[str | None] = [r["source"] for r in tags[:named]]
    keys += [OTHER] if len(tags) > named else []
    return keys + ([None] if any(r["source"] is None for r in f["rows"]) else [])


def week_parts(counts: dict[str | None, int], keys: list[str | None]) -> list[tuple[str | None, int]]:
    """A week's counts by ``keys`` (see :func:`stack_keys`): tags not named add up under OTHER."""
    other = sum(n for s, n in counts.items() if s is not None and s not in keys)
    return [(k, other if k == OTHER else counts.get(k, 0)) for k in keys]


def name(source: str | None, lang: str = "id") -> str:
    """'Ajakan pelanggan (ajak)', 'Kanal Telegram (kanal)', 'tanpa sumber (/start biasa)', else the tag
    (plain text: escape it for HTML)."""
    if source is None:
        return say(lang, "source_none")
    if source == OTHER:
        return say(lang, "source_other")
    known = {INVITE: "source_invite", CHANNEL: "source_channel"}.get(source)
    return f"{say(lang, known)} ({source})" if known else source


def short_name(source: str | None, lang: str = "id") -> str:
    """The tag itself, 'tanpa sumber' or 'lainnya': for a week's line and the chart's legend."""
    if source is None:
        return say(lang, "source_none_short")
    return say(lang, "source_other") if source == OTHER else source


# -- /statistik and /laporan ----------------------------------------------------------------------------


def stats_lines(f: SourceFigures, lang: str = "id") -> list[str]:
    """The sources part of /statistik: per source and role (capped), the invitations' share, then new
    subscribers per week. One line when every subscriber came with a plain /start; none without any."""
    if not f["total"]:
        return []
    tags = tagged(f)
    if not tags:
        return [say(lang, "stats_sources_plain", total=num(f["total"], lang))]
    short = ROLE_SHORT.get(lang, ROLE_SHORT["id"])
    lines = [say(lang, "stats_sources", roles=" · ".join(escape(short[r]) for r in ROLES))]
    lines += [source_line(r, lang) for r in tags[:SOURCES_SHOWN]]
    hidden = tags[SOURCES_SHOWN:]
    if hidden:
        count = num(sum(r["count"] for r in hidden), lang)
        lines.append(say(lang, "stats_sources_more", n=num(len(hidden), lang), count=count))
    lines += [source_line(r, lang) for r in f["rows"] if r["source"] is None]
    lines.append(invited_line(f, lang, "stats_sources_invited"))
    lines += ["", say(lang, "stats_sources_weeks", weeks=num(len(f["weeks"]), lang))]
    keys = stack_keys(f)
    for monday, counts in f["weeks"]:
        parts = [f"{escape(short_name(k, lang))} {num(n, lang)}" for k, n in week_parts(counts, keys) if n]
        line = f"{week_span(monday, lang)}: <b>{num(sum(counts.values()), lang)}</b>"
        lines.append(line + (f" ({' · '.join(parts)})" if parts else ""))
    return lines


def source_line(r: SourceRow, lang: str = "id") -> str:
    """'Ajakan pelanggan (ajak): <b>12</b> (2 · 0 · 10)': in all, then per role in ``ROLES`` order."""
    per_role = " · ".join(num(r["roles"].get(role, 0), lang) for role in ROLES)
    label = escape(name(r["source"], lang))
    return f"{label if r['source'] is not None else f'<i>{label}</i>'}: <b>{num(r['count'], lang)}</b> ({per_role})"


def invited_line(f: SourceFigures, lang: str, key: str) -> str:
    share = escape(percent(f["share"] or 0.0, lang))  # '<0,1%' is not a tag
    return say(lang, key, share=share, invited=num(f["invited"], lang), total=num(f["total"], lang))


def report_pages(items: list[BroadcastReport], tz: tzinfo | None, lang: str, lines: list[str]) -> list[str]:
    """/laporan: :func:`operator_texts.report_list_pages` with the sources' ``lines`` under its title on
    every page, so that whichever page is open can be quoted."""
    if not items:
        return ["\n".join([entry(lang, "reports_none"), *lines])]
    head = "\n".join([entry(lang, "reports_title"), *lines]) + ("\n" if lines else "")
    listed = [operator_texts.report_item(f, tz, lang) for f in items]
    return pages.paginate(listed, head, entry(lang, "reports_hint"))


def report_lines(f: SourceFigures, lang: str = "id") -> list[str]:
    """/laporan's lines to quote in an outreach report: each source's count (the largest named), then
    the invitations' share; none without subscribers."""
    if not f["total"]:
        return []
    tags = tagged(f)
    parts = [f"{escape(name(r['source'], lang))} {num(r['count'], lang)}" for r in tags[:REPORT_NAMED]]
    rest = tags[REPORT_NAMED:]
    if rest:
        parts.append(f"{escape(name(OTHER, lang))} {num(sum(r['count'] for r in rest), lang)}")
    parts += [f"{escape(name(None, lang))} {num(r['count'], lang)}" for r in f["rows"] if r["source"] is None]
    lines = [say(lang, "reports_sources", parts=" · ".join(parts))]
    return lines + ([invited_line(f, lang, "reports_sources_invited")] if tags else [])


# -- the chart and export ----------------------------------------------------------------------------


def chart_data(f: SourceFigures, as_of: date, lang: str = "id") -> dict | None:
    """The chart's panel of new subscribers per week stacked by source (see bot/content/source_chart.py);
    None when nobody came through a tagged link (the panel would only repeat the growth panels)."""
    if not tagged(f):
        return None
    keys = stack_keys(f)
    series = [
        {
            "label": short_name(k, lang),
            "kind": "none" if k is None else "other" if k == OTHER else "source",
            "counts": [dict(week_parts(counts, keys))[k] for _, counts in f["weeks"]],
        }
        for k in keys
    ]
    return {"weeks": [m for m, _ in f["weeks"]], "series": series, "as_of": as_of}


def source_table(f: SourceFigures, lang: str = "id") -> list[dict]:
    """`export`: one row per source: active subscribers per role and in all, and their share of all."""
    return [
        {
            "source": r["source"] or "",
            "source_name": name(r["source"], lang),
            **{role: r["roles"].get(role, 0) for role in ROLES},
            "active": r["count"],
            "share": 100.0 * r["count"] / f["total"] if f["total"] else None,
        }
        for r in f["rows"]
    ]


def week_table(f: SourceFigures, lang: str = "id") -> list[dict]:
    """`export`: one row per week and source that someone (still active) joined from."""
    rows = []
    for monday, counts in f["weeks"]:
        year, week, _ = monday.isocalendar()
        for source, n in sorted(counts.items(), key=lambda c: (c[0] is None, -c[1], c[0] or "")):
            rows.append(
                {
                    "week": f"{year}-W{week:02d}",
                    "week_start": monday.isoformat(),
                    "source": source or "",
                    "source_name": name(source, lang),
                    "new": n,
                }
            )
    return rows
