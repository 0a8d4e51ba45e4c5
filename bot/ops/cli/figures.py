"""The figures' commands: `stats`, `report`, `export` and `poster` (counts only, no personal data)."""

from __future__ import annotations

import argparse
from functools import partial
from pathlib import Path
from typing import Any

from bot import settings as cfg
from bot.content.figures import AreaFigures, BroadcastReport
from bot.ops import files
from bot.ops.cli.common import (
    Commands,
    bot_username,
    checked_source,
    load_schedule,
    local_time,
    open_store,
    operator_command,
    table,
)
from bot.ops.files import BadInput
from bot.schedule import model as sched


@operator_command
def cmd_stats(args: argparse.Namespace, settings: cfg.Settings) -> int:
    from bot.content import reports, source_reports
    from bot.ops.cli.sources import stats_tables as source_tables

    schedule = load_schedule(settings.schedule)
    tz = schedule.election.tz
    with open_store(settings) as store:
        s = store.subscriber_stats(tz=tz)
        areas = reports.area_figures(store, schedule.areas)
        pledges = reports.pledge_figures(store, schedule.areas)
        tps_counts = store.tps_counts() if schedule.tps else {}
        sources = source_reports.read_figures(store, tz, weeks=None)
        archived = store.archived_elections()
    roles = [[role or "(none)", n] for role, n in s["active"].items()] + [["total", s["total_active"]]]
    print(f"Active subscribers (days in {tz.key})")
    print(table(["role", "active"], roles))
    print()
    print(table(["subscribers", "count"], [
        ["stopped", s["stopped"]], ["blocked", s["blocked"]], ["new today", s["new_today"]],
        [f"new in the last {len(s['per_day'])} days", s["new_days"]],
    ]))  # fmt: skip
    print()
    print("New subscribers per day")
    print(table(["date", "new"], [[day.strftime("%Y-%m-%d %a"), n] for day, n in s["per_day"]]))
    if len(areas) > 1 or areas[0]["count"]:
        print()
        print(area_table(areas, list(s["active"])))
    if sources["total"]:  # where subscribers came from
        print()
        print(source_tables(sources, tz.key))
    if schedule.tps:  # each voter's TPS: only with a TPS file
        from bot.ops.cli import tps

        print()
        print(tps.stats_tables(schedule, tps_counts))
    for f in pledges:
        print()
        print(pledge_table(f))
    if archived:
        print()
        print("Earlier elections (archived by new-election; counts only)")
        print(table(["election", "voting day", "broadcasts", "sent", "pledges"], [[
            a.name, a.voting_day or "", sum(a.figures["broadcasts"].values()), a.figures["deliveries"].get("sent", 0),
            sum(a.figures["pledges"].values()),
        ] for a in archived]))  # fmt: skip
    return 0


def percent_cell(percent: float | None) -> str:
    """'87.5%', or '-' for a broadcast that never started."""
    return "-" if percent is None else f"{percent:.1f}%"


def pledge_table(f: dict) -> str:
    """One ask's pledges: in total, per role and per kecamatan, as a share of who received the reminder."""
    from bot.content.formats import percent

    def row(label: str, part: dict) -> list:
        return [label, part["pledged"], part["received"], "" if part["share"] is None else percent(part["share"], "en")]

    rows = [row("all", f), *(row(r["role"], r) for r in f["roles"])]
    rows += [row(a["name"] if a["id"] is not None else "(no area)", a) for a in f["areas"]]
    title = f"Pledges {f['ask']!r}: people who pressed the button / who received a reminder carrying it"
    return title + "\n" + table(["", "pressed", "received", "share"], rows)


def area_table(areas: list[AreaFigures], roles: list) -> str:
    """Active subscribers per kecamatan × role; coverage (of the DPT) only where `voters` is given."""
    from bot.content.formats import percent

    rows = []
    for a in areas:
        cover = "" if a["coverage"] is None else percent(a["coverage"], "en")
        rows.append([a["name"] if a["id"] is not None else "(no area)", *(a["roles"].get(r, 0) for r in roles),
                     a["count"], a["voters"] or "", cover])  # fmt: skip
    head = ["kecamatan", *(r or "(none)" for r in roles), "active", "DPT", "coverage"]
    return "Active subscribers per kecamatan\n" + table(head, rows)


@operator_command
def cmd_report(args: argparse.Namespace, settings: cfg.Settings) -> int:
    from bot.content import reports
    from bot.store import NEVER_STARTED

    schedule = load_schedule(settings.schedule)
    tz = schedule.election.tz
    with open_store(settings) as store:
        if args.id is None:
            figures = reports.recent_reports(store, schedule, "en")
        else:
            f = reports.broadcast_report(store, schedule, args.id, "en")
    if args.id is None:
        if not figures:
            print("No broadcasts yet.")
            return 0
        print(f"Latest broadcasts, newest first (times in {tz.key})")
        print(table(
            ["id", "kind", "status", "total", "sent", "blocked", "failed", "expired", "cancelled", "pending", "done",
             "created", "title", "areas", "author"],
            [[f["id"], f["kind"], f["status"], f["total"], f["sent"], f["blocked"], f["failed"], f["expired"],
              f["cancelled"], f["pending"], percent_cell(f["percent"]), local_time(f["created_at"], tz),
              *about(f, REPORT_TITLE_CHARS)] for f in figures],
        ))  # fmt: skip
        return 0
    if f is None:
        raise BadInput(f"no broadcast with id {args.id}")
    title, areas, author = about(f)
    rows: list[list[Any]] = [
        ["title", title], ["areas", areas], ["author", author],
        ["kind", f["kind"]], ["status", f["status"]], ["roles", ", ".join(f["roles"])], ["total", f["total"]],
        ["sent", f["sent"]], ["blocked", f["blocked"]], ["failed", f["failed"]], ["expired", f["expired"]],
        ["cancelled", f["cancelled"]], ["pending", f["pending"]], ["done", percent_cell(f["percent"])],
        ["rate", f"{f['rate']:.1f} messages/s"], ["created", local_time(f["created_at"], tz)],
        ["finished", local_time(f["finished_at"], tz)],
    ]  # fmt: skip
    if f["status"] in NEVER_STARTED:
        rows.append(["scheduled for", local_time(f["at"], tz)])
    if f["waiting_network"]:
        rows.append(["waiting for the network", f"{f['waiting_network']} (nothing was sent; retried until it expires)"])
    if f["eta"]:
        rows.append(["estimated finish", local_time(f["eta"], tz)])
    if f.get("channel"):
        c = f["channel"]
        rows.append(
            ["channel copy", f"{c['chat_id']}: {c['status']}" + (f" ({c['last_error']})" if c["last_error"] else "")]
        )
    if f["resumed"] or f["ambiguous"]:
        rows.append(["possible duplicates", f"{f['resumed']} resumed after a restart, {f['ambiguous']} ambiguous"])
    print(f"Broadcast {f['id']}")
    print(table(["field", "value"], rows))
    return 0


REPORT_TITLE_CHARS = 40  # a title in the list of `report`, which is wide already


def about(f: BroadcastReport, title_chars: int | None = None) -> list[str]:
    """A report's title (shortened to ``title_chars``), its areas ('all', '-' without areas) and its
    author ('-' when not recorded), in plain text."""
    from bot.content.operator_texts import short_title

    title = short_title(f["title"], title_chars) if title_chars else f["title"]
    names = f["area_names"]
    return [title, "-" if names is None else ", ".join(names) or "all", f["author"] or "-"]


@operator_command
def cmd_export(args: argparse.Namespace, settings: cfg.Settings) -> int:
    from bot.content import reports
    from bot.ops import export

    folder = files.output_folder(args.out, settings)
    schedule = load_schedule(settings.schedule)  # names the kecamatan and gives their DPT
    with open_store(settings) as store:
        tables = reports.export_tables(store, schedule, args.lang)
    written = export.export_files(tables, args.lang, export.SEPARATORS[args.sep])
    files.make_folder(folder, args.out)  # only now: a refused database leaves no folder behind
    outs = {name: files.output_path(str(folder / name), settings) for name in written}
    for name, (data, _rows) in written.items():
        files.write_atomically(outs[name], data)
    listed = ", ".join(f"{name} ({rows})" for name, (_data, rows) in written.items())
    print(f"Wrote {len(written)} CSV files to {args.out} (aggregate counts only; rows): {listed}.")
    return 0


@operator_command
def cmd_poster(args: argparse.Namespace, settings: cfg.Settings) -> int:
    from bot.ops.poster import deep_link, poster_png
    from bot.schedule.areas import ref_problem

    schedule = load_schedule(settings.schedule)
    if args.tps is not None:
        from bot.ops.cli import tps

        return tps.tps_poster(args, settings, schedule)
    if args.all_areas:
        return all_area_posters(args, settings, schedule)
    if not args.role:
        raise BadInput("--role is needed (or --all-areas for every role and kecamatan)")
    area = None
    if args.area is not None:
        problem = ref_problem(schedule.areas, args.area) if "/" not in args.area else "give a kecamatan id, no desa"
        if problem:
            raise BadInput(f"--area: {problem}")
        area = schedule.area(args.area)
    source = checked_source(args, schedule)
    out = files.output_path(args.out, settings)
    username = args.username or bot_username(settings)
    try:
        link = deep_link(username, args.role, area.id if area else None, source)
        data = poster_png(
            username, args.role, election=schedule.election.name, region=schedule.election.region, area=area,
            source=source, fmt="pdf" if Path(args.out).suffix.lower() == ".pdf" else "png",
        )  # fmt: skip
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    files.write_atomically(out, data)
    print(f"Wrote the A4 poster for {link} to {args.out}.")
    return 0


def area_tags(schedule: sched.Schedule, source: str | None) -> dict[str, str]:
    """Each kecamatan's tag for `--all-areas`, refused with one line (the longest that does not fit) up front."""
    from bot.content.deep_links import source_problem
    from bot.ops.poster import area_tag

    tags = {area.id: area_tag(area.id, source) for area in schedule.areas}
    unfit = sorted((t for t in tags.values() if source_problem(t, schedule)), key=len, reverse=True)
    if unfit:
        more = f" (the tags of {len(unfit)} kecamatan do not fit)" if len(unfit) > 1 else ""
        raise BadInput(f"--all-areas: {source_problem(unfit[0], schedule)}{more}")
    return tags


def all_area_posters(args: argparse.Namespace, settings: cfg.Settings, schedule: sched.Schedule) -> int:
    """`poster --all-areas`: every poster is drawn before the first is written, so a bad one writes none.
    Each poster's link is tagged with its kecamatan id (``<source>-<id>`` with --source)."""
    from bot.ops.poster import area_tag, poster_png

    if args.area is not None:
        raise BadInput("--area and --all-areas: give one of them")
    if not schedule.areas:
        raise BadInput(f"--all-areas: the schedule {settings.schedule} lists no [[area]]")
    folder = Path(args.out)
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise BadInput(f"--out: {args.out} {what}; with --all-areas give an existing folder")
    roles = [args.role] if args.role else list(sched.ROLES)
    fmt = "pdf" if args.pdf else "png"
    source = checked_source(args, schedule)
    tags = area_tags(schedule, source)
    outs = {
        (role, area.id): files.output_path(str(folder / f"{role}-{area.id}.{fmt}"), settings)
        for area in schedule.areas
        for role in roles
    }
    username = args.username or bot_username(settings)
    e = schedule.election
    draw = partial(poster_png, username, election=e.name, region=e.region, fmt=fmt)
    try:
        posters = {
            out: draw(role, area=schedule.area(area_id), source=tags[area_id]) for (role, area_id), out in outs.items()
        }
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    for out, data in posters.items():
        files.write_atomically(out, data)
    tagged = area_tag("<kecamatan id>", source)
    print(
        f"Wrote {len(posters)} A4 posters ({len(schedule.areas)} kecamatan x {len(roles)} roles) to {args.out}; "
        f"each link carries the source tag {tagged}."
    )
    return 0


def add_stats(sub: Commands, common: argparse.ArgumentParser) -> None:
    """`stats` and its options."""
    command = sub.add_parser("stats", parents=[common], help="subscriber figures (as /statistik in Telegram)")
    command.set_defaults(handler=cmd_stats)


def add_report(sub: Commands, common: argparse.ArgumentParser) -> None:
    """`report` and its options."""
    command = sub.add_parser("report", parents=[common], help="delivery report of one broadcast, or the last ten")
    command.add_argument("id", nargs="?", help="reminder or ad-hoc broadcast id (default: list the last ten)")
    command.set_defaults(handler=cmd_report)


def add_export(sub: Commands, common: argparse.ArgumentParser) -> None:
    """`export` and its options."""
    command = sub.add_parser(
        "export",
        parents=[common],
        help="aggregate counts, one CSV file per table (roles, broadcasts, kecamatan, pledges, sources, TPS); "
        "no personal data",
    )
    command.add_argument(
        "--out", required=True, metavar="DIR", help="folder to write the CSV files in (made if missing)"
    )
    command.add_argument("--lang", choices=["id", "en"], default="id", help="file names and headers (default id)")
    command.add_argument(
        "--sep",
        choices=[";", ",", "tab"],
        default=";",
        help="column separator (default ';', for Excel in Indonesia; decimals take a comma with ';', else a point)",
    )
    command.set_defaults(handler=cmd_export)


def add_poster(sub: Commands, common: argparse.ArgumentParser) -> None:
    """`poster` and its options."""
    command = sub.add_parser("poster", parents=[common], help="a printable A4 poster with the QR code of a role's link")
    command.add_argument("--role", choices=list(sched.ROLES), help="the role (with --all-areas: default every role)")
    command.add_argument("--area", metavar="ID", help="a kecamatan id of the schedule: printed, and in the link")
    command.add_argument(
        "--all-areas",
        action="store_true",
        help="one poster per kecamatan and role, named ROLE-AREA.png (.pdf), in --out DIR",
    )
    command.add_argument(
        "--tps",
        metavar="KECAMATAN/DESA/NO",
        help="a voters' poster for one TPS of the TPS file, e.g. kedungwaru/bangoan/007: its link saves the TPS too",
    )
    command.add_argument(
        "--out", required=True, metavar="FILE.png|FILE.pdf|DIR",
        help="PNG or PDF file to write, by its extension (with --all-areas: an existing folder)",
    )  # fmt: skip
    command.add_argument(
        "--source", metavar="TAG",
        help="tag the link with where the poster hangs, e.g. balai-bangoan (a-z, 0-9, -): /statistik counts "
        "subscribers per tag; with --all-areas TAG-<kecamatan id> (default: the kecamatan id)",
    )  # fmt: skip
    command.add_argument("--pdf", action="store_true", help="with --all-areas: write PDF files instead of PNG")
    command.add_argument("--username", help="the bot's username (default: asked from Telegram with getMe)")
    command.set_defaults(handler=cmd_poster)
