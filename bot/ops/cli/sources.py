"""Where subscribers came from, on the command line: the tables `stats` adds (counts only, no chat id)."""

from __future__ import annotations

from bot.content import source_reports
from bot.content.formats import percent
from bot.content.source_reports import SourceFigures
from bot.ops.cli.common import table
from bot.schedule.model import ROLES

WEEK_COLUMNS = 6  # tagged sources with a column of their own in the weekly table; the rest add up in "other"


def stats_tables(f: SourceFigures, zone: str) -> str:
    """Every source with its count per role and share, the invitations' share, and new subscribers per
    week since the first joined, by source; one line when every subscriber came with a plain /start."""
    if not source_reports.tagged(f):
        return f"Where subscribers came from: all {f['total']:,} active subscribers came with a plain /start."

    def share(n: int) -> str:
        return percent(100.0 * n / f["total"], "en") if f["total"] else ""

    rows = [
        [
            source_reports.name(r["source"], "en"),
            *(r["roles"].get(role, 0) for role in ROLES),
            r["count"],
            share(r["count"]),
        ]
        for r in f["rows"]
    ]
    rows.append(
        ["total", *(sum(r["roles"].get(role, 0) for r in f["rows"]) for role in ROLES), f["total"], share(f["total"])]
    )
    parts = [
        "Active subscribers per source (the first link they opened)\n"
        + table(["source", *ROLES, "active", "share"], rows),
        f"From invitations ({source_reports.INVITE}): {f['invited']:,} of {f['total']:,} active subscribers "
        f"({share(f['invited'])})",
    ]
    keys = source_reports.stack_keys(f, WEEK_COLUMNS)
    weeks = []
    for monday, counts in f["weeks"]:
        year, week, _ = monday.isocalendar()
        split = [n for _, n in source_reports.week_parts(counts, keys)]
        weeks.append([f"{year}-W{week:02d}", monday.isoformat(), *split, sum(counts.values())])
    head = ["week", "from (Monday)", *(source_reports.short_name(k, "en") for k in keys), "total"]
    title = f"New subscribers per week by source (weeks in {zone}; those still active)"
    parts.append(title + "\n" + table(head, weeks))
    return "\n\n".join(parts)
