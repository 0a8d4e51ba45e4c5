"""Each voter's TPS on the command line: the tables `stats` adds with a TPS file, and `poster --tps`
(counts only, no personal data)."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot import settings as cfg
from bot.ops import files
from bot.ops.cli.common import bot_username, checked_source, table
from bot.ops.files import BadInput
from bot.schedule import model as sched
from bot.schedule.tps import Tps, number_text

LISTED = 12  # TPS numbers a "no such TPS" message lists


def stats_tables(schedule: sched.Schedule, counts: dict[str, int]) -> str:
    """Per kecamatan, the TPS nobody gave per desa, and every TPS with its count and coverage."""
    from bot.content import tps_reports
    from bot.content.formats import percent

    def cover(value: float | None) -> str:
        return "" if value is None else percent(value, "en")

    rows = tps_reports.tps_figures(schedule, counts)
    areas = tps_reports.area_figures(schedule, rows, counts)
    per_area = [[a["name"], a["tps"], a["reached"], a["count"], a["voters"] or "", cover(a["coverage"])] for a in areas]
    with_dpt = [r for r in rows if r["voters"] is not None]
    voters = sum(r["voters"] or 0 for r in with_dpt)
    share = cover(100.0 * sum(r["count"] for r in with_dpt) / voters if voters else None)
    per_area.append(["total", *(sum(a[k] for a in areas) for k in ("tps", "reached", "count")), voters or "", share])
    parts = [
        "Active subscribers who gave their TPS, per kecamatan (coverage: of the DPT of its TPS that give one)\n"
        + table(["kecamatan", "TPS", "with subscribers", "gave a TPS", "DPT", "coverage"], per_area)
    ]
    groups = tps_reports.unreached(rows)
    missing = sum(len(g) for g in groups)
    lines = [
        f"{g[0]['desa_name']} ({g[0]['area_name']}): TPS {', '.join(number_text(r['number']) for r in g)}"
        for g in groups
    ]
    hint = f" (a poster for one: python bot.py poster --tps {groups[0][0]['key']})" if groups else ""
    parts.append("\n".join([f"TPS without any subscriber: {missing} of {len(rows)}{hint}", *lines]))
    per_tps = [[r["key"], r["location"], r["voters"] or "", r["count"], cover(r["coverage"])] for r in rows]
    parts.append("Active subscribers per TPS\n" + table(["TPS", "location", "DPT", "subscribers", "coverage"], per_tps))
    return "\n\n".join(parts)


def find_tps(schedule: sched.Schedule, value: str, source: str) -> Tps:
    """The TPS ``--tps`` names ("kedungwaru/bangoan/007"), or BadInput saying what is wrong with it."""
    from bot.schedule.areas import ref_name, ref_problem, slug
    from bot.schedule.tps import parse_number

    if not schedule.tps:
        raise BadInput(f'--tps: the schedule {source} has no TPS file (add [election] tps_file = "tps.csv")')
    parts = value.split("/")
    number = parse_number(parts[2]) if len(parts) == 3 else None
    if len(parts) != 3 or number is None or not slug(parts[0]) or not slug(parts[1]):
        raise BadInput(f"--tps: expected KECAMATAN/DESA/NUMBER like {schedule.tps[0].key}, got {value!r}")
    ref = f"{slug(parts[0])}/{slug(parts[1])}"
    problem = ref_problem(schedule.areas, ref)
    if problem:
        raise BadInput(f"--tps: {problem}")
    area_id, _, desa_id = ref.partition("/")
    found = schedule.tps_of(area_id, desa_id, number)
    if found is not None:
        return found
    listed = [number_text(t.number) for t in schedule.tps_in(area_id, desa_id)]
    if not listed:
        raise BadInput(f"--tps: the TPS file lists no TPS in {ref_name(schedule.areas, ref)}")
    shown = ", ".join(listed[:LISTED]) + (", ..." if len(listed) > LISTED else "")
    raise BadInput(f"--tps: no TPS {number_text(number)} in {ref_name(schedule.areas, ref)} (the file lists {shown})")


def tps_poster(args: argparse.Namespace, settings: cfg.Settings, schedule: sched.Schedule) -> int:
    """`poster --tps`: a voters' poster for one TPS, whose link also saves the desa and the TPS."""
    from bot.ops.poster import poster_png, tps_link, tps_place, tps_start

    if args.area is not None or args.all_areas:
        raise BadInput("--tps names its kecamatan and desa: give it without --area and --all-areas")
    if args.role not in (None, "pemilih"):
        raise BadInput(f"--tps: a TPS poster subscribes voters (pemilih), not --role {args.role}")
    tps = find_tps(schedule, args.tps, settings.schedule)
    area = schedule.area(tps.area)
    if area is None:  # the TPS file only lists TPS of the schedule's kecamatan
        raise BadInput(f"--tps: unknown area {tps.area!r}")
    source = checked_source(args, schedule)
    try:
        tps_start("pemilih", tps, source)  # before asking Telegram for the username
    except ValueError as exc:
        raise BadInput(f"--tps: {exc}") from None
    out = files.output_path(args.out, settings)
    username = args.username or bot_username(settings)
    e = schedule.election
    try:
        link = tps_link(username, "pemilih", tps, source)
        fmt = "pdf" if Path(args.out).suffix.lower() == ".pdf" else "png"
        data = poster_png(
            username, "pemilih", election=e.name, region=e.region, area=area, tps=tps, source=source, fmt=fmt
        )
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    files.write_atomically(out, data)
    print(f"Wrote the A4 poster of {tps_place(area, tps)} for {link} to {args.out}.")
    return 0
