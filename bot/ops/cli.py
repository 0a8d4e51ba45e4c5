"""The command line: `python bot.py [run|demo|check FILE|plan]` and the operator tools
`stats`, `report [ID]`, `broadcast` (now, or later with `--at`), `cancel ID` and `export`.

Exit codes: 0 ok, 2 bad input (one line says what), 1 anything else (a restart may cure it).
Everything the process prints goes through the token redaction (bot/settings.py).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import getpass
import logging
import os
import signal
import socket
import sys
import time
import traceback
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import NoReturn

from bot import settings as cfg
from bot.content import telegram_html
from bot.ops import files
from bot.ops.files import BadInput, Unavailable
from bot.schedule import model as sched

log = logging.getLogger("bot")

NO_TOKEN = (
    "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather in Telegram (/newbot), put its token "
    "in .env as TELEGRAM_BOT_TOKEN=..., or try the bot offline with `make demo`."
)


class OneLineParser(argparse.ArgumentParser):
    """A mistyped command line is one line (and exit 2), not a usage block with the error at its end."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see: python {self.prog} --help)\n")


def common_options(defaults: bool) -> OneLineParser:
    """The options every command takes. Sub-commands get them with no defaults (SUPPRESS), so that
    `bot.py --database X stats` and `bot.py stats --database X` mean the same, and without help:
    they are listed once, in `bot.py --help`."""
    common = OneLineParser(add_help=False)
    kw: dict = {} if defaults else {"default": argparse.SUPPRESS}

    def add(*flags: str, help: str, **options) -> None:
        common.add_argument(*flags, help=help if defaults else argparse.SUPPRESS, **kw, **options)

    add("--token", help="bot token (default: TELEGRAM_BOT_TOKEN)")
    add("--api-url", help="Bot API base URL (default: TELEGRAM_API_URL or Telegram's)")
    add("--schedule", help="schedule file (default: BOT_SCHEDULE or config/pilkada2024.toml)")
    add("--database", help="SQLite file (default: BOT_DATABASE or data/bot.db)")
    add("--admin-ids", help="comma-separated operator user ids (default: BOT_ADMIN_IDS)")
    add("--rate-limit", type=float, help="messages per second (default: BOT_RATE_LIMIT or 30)")
    add("--proxy", help="HTTP(S) proxy for every request to Telegram (default: BOT_PROXY, else HTTPS_PROXY...)")
    add("--channel-id", help="the commission's channel, @name or -100... id (default: BOT_CHANNEL_ID)")
    add("--env-file", help="settings file (default: BOT_ENV_FILE or .env), e.g. /etc/pilkada-bot.env on a server")
    add("-v", "--verbose", action="store_true", help="debug logging")
    return common


GLOBAL_OPTIONS = "settings (--env-file, --database, --schedule, -v ...): see `python bot.py --help`"


def describe_commands(sub) -> None:
    """Each command's --help: its summary on top, and where the settings options are."""
    for choice in sub._choices_actions:  # the summaries `bot.py --help` lists
        command = sub.choices[choice.dest]
        command.description = command.description or choice.help
        command.epilog = command.epilog or GLOBAL_OPTIONS


def parser() -> argparse.ArgumentParser:
    top, common = common_options(defaults=True), common_options(defaults=False)
    p = OneLineParser(prog="bot.py", description="Pilkada reminder bot for Telegram.", parents=[top])
    sub = p.add_subparsers(dest="command")
    sub.add_parser("run", parents=[common], help="run the bot against Telegram (default)")
    demo = sub.add_parser("demo", parents=[common], help="run offline against the built-in Telegram stand-in")
    demo.add_argument("--first-in", type=float, default=20.0, help="seconds until the first demo reminder")
    demo.add_argument("--spacing", type=float, default=15.0, help="seconds between demo reminders")
    demo.add_argument("--operator", action="store_true", help="make the demo user an operator (try /siaran)")
    demo.add_argument(
        "--wait",
        type=float,
        default=None,
        help="when stdin is not a terminal: seconds to keep running after end of input",
    )
    check = sub.add_parser("check", parents=[common], help="validate a schedule file")
    check.add_argument("file", nargs="?", help="schedule file (default: the configured one)")
    preview = sub.add_parser(
        "preview", parents=[common], help="print every reminder and page as recipients read them (for proof-reading)"
    )
    preview.add_argument("file", nargs="?", help="schedule file (default: the configured one)")
    preview.add_argument("--lang", choices=["id", "en"], default="id", help="language of the texts (default id)")
    preview.add_argument("--role", choices=list(sched.ROLES), help="only what this role receives and sees")
    plan = sub.add_parser("plan", parents=[common], help="print when each reminder starts and finishes")
    plan.add_argument(
        "--audience",
        metavar="N|ROLE=N,...",
        help="model an audience instead of the database: N voters (role pemilih), "
        "or counts per role such as asn=5000,kades=3000,pemilih=858030",
    )
    plan.add_argument("--all", action="store_true", help="include reminders that have already expired")
    sub.add_parser("stats", parents=[common], help="subscriber figures (as /statistik in Telegram)")
    report = sub.add_parser("report", parents=[common], help="delivery report of one broadcast, or the last ten")
    report.add_argument("id", nargs="?", help="reminder or ad-hoc broadcast id (default: list the last ten)")
    broadcast = sub.add_parser(
        "broadcast",
        parents=[common],
        help="send an ad-hoc message to subscribers of some roles (the running bot delivers it)",
    )
    broadcast.add_argument("--roles", required=True, help=f"comma-separated roles: {', '.join(sched.ROLES)}")
    broadcast.add_argument("--text-file", required=True, help="file with the message in Telegram HTML (UTF-8)")
    broadcast.add_argument(
        "--areas",
        metavar="REF,...",
        help="only these kecamatan or desa, e.g. kedungwaru,ngunut/kaliwungu (default: everybody, "
        "also people who gave no area)",
    )
    broadcast.add_argument(
        "--at",
        metavar="'YYYY-MM-DD HH:MM'",
        help="send it later, at this local time of the election's time zone (also 'DD/MM/YYYY HH:MM' or "
        "'DD-MM-YYYY HH.MM'); recipients are counted then. Cancel it before with `cancel ID`",
    )
    broadcast.add_argument(
        "--night",
        action="store_true",
        help="with --at: the time may be in the quiet hours (21:00-06:00), when reminders never start",
    )
    broadcast.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    broadcast.add_argument("--no-wait", action="store_true", help="queue it and exit without following its progress")
    broadcast.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="stop following it when no copy reaches an outcome within this time (default 30); it stays queued",
    )
    cancel = sub.add_parser(
        "cancel", parents=[common], help="cancel a broadcast scheduled with `broadcast --at` before it starts"
    )
    cancel.add_argument("id", help="its id, as `broadcast --at` and `plan` print it (siaran:N)")
    export = sub.add_parser(
        "export",
        parents=[common],
        help="aggregate counts to one CSV file per table (roles, broadcasts, kecamatan, pledges); no personal data",
    )
    export.add_argument(
        "--out", required=True, metavar="DIR", help="folder to write the CSV files in (made if missing)"
    )
    export.add_argument("--lang", choices=["id", "en"], default="id", help="file names and headers (default id)")
    export.add_argument(
        "--sep",
        choices=[";", ",", "tab"],
        default=";",
        help="column separator (default ';', for Excel in Indonesia; decimals take a comma with ';', else a point)",
    )
    ics_cmd = sub.add_parser("ics", parents=[common], help="write the stage dates as an iCalendar (.ics) file")
    ics_cmd.add_argument("--out", required=True, metavar="FILE.ics", help="calendar file to write")
    ics_cmd.add_argument(
        "--lang", choices=["id", "en"], default="id", help="language of the stage names and texts (default id)"
    )
    poster = sub.add_parser("poster", parents=[common], help="a printable A4 poster with the QR code of a role's link")
    poster.add_argument("--role", choices=list(sched.ROLES), help="the role (with --all-areas: default every role)")
    poster.add_argument("--area", metavar="ID", help="a kecamatan id of the schedule: printed, and in the link")
    poster.add_argument(
        "--all-areas",
        action="store_true",
        help="one poster per kecamatan and role, named ROLE-AREA.png (.pdf), in --out DIR",
    )
    poster.add_argument(
        "--out", required=True, metavar="FILE.png|FILE.pdf|DIR",
        help="PNG or PDF file to write, by its extension (with --all-areas: an existing folder)",
    )  # fmt: skip
    poster.add_argument("--pdf", action="store_true", help="with --all-areas: write PDF files instead of PNG")
    poster.add_argument("--username", help="the bot's username (default: asked from Telegram with getMe)")
    sub.add_parser("health", parents=[common], help="exit 0 if a bot on the database polled and ran in the last 60 s")
    reload_cmd = sub.add_parser(
        "reload", parents=[common], help="make the bot running on the database re-read its schedule file (SIGHUP)"
    )
    reload_cmd.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS", help="wait this long (60)")
    purge = sub.add_parser(
        "purge", parents=[common], help="delete delivery records and pledges older than a date (their counts stay)"
    )
    purge.add_argument("--before", required=True, metavar="YYYY-MM-DD", help="local date in the election time zone")
    purge.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    switch = sub.add_parser(
        "new-election",
        parents=[common],
        help="switch to the next election's schedule: archive the old one's records, keep the subscribers",
    )
    switch.add_argument("file", help="the new election's schedule file")
    switch.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    backup = sub.add_parser("backup", parents=[common], help="a checked copy of the database, safe while the bot runs")
    backup.add_argument(
        "--out", required=True, metavar="FILE.db|DIR",
        help="backup file to write, or a folder for a new bot-2027-11-26T1900WIB.db (the election's time)",
    )  # fmt: skip
    restore = sub.add_parser("restore", parents=[common], help="replace the database with a backup (bot stopped)")
    restore.add_argument("file", metavar="FILE.db", help="backup file written by `backup`")
    describe_commands(sub)
    return p


def load_settings(args: argparse.Namespace) -> cfg.Settings:
    cfg.REDACT.add(args.token)
    env_file, named = cfg.env_file_of(args.env_file)
    settings = cfg.load(env_file=env_file, required=named, export_proxies=True)  # proxies as under systemd
    admin_ids = cfg.parse_admin_ids(args.admin_ids) if args.admin_ids is not None else None
    return cfg.validate(settings.with_overrides(
        token=args.token, api_url=args.api_url, schedule=args.schedule, database=args.database,
        admin_ids=admin_ids, rate_limit=args.rate_limit, proxy=args.proxy,
        channel_id=args.channel_id.strip() if args.channel_id else None,
    ))  # fmt: skip


def load_schedule(path: str) -> sched.Schedule:
    """The schedule, or exit 2 printing every problem (the same lines `check` prints).

    Besides the file's fields this renders every reply that depends on it (bot/ops/preflight.py), so
    a file that would make /start or /jadwal fail for everyone never gets as far as running.
    """
    from bot.ops import preflight

    try:
        return preflight.load(path)
    except sched.ScheduleError as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        raise SystemExit(2) from None


def cmd_check(args, settings: cfg.Settings) -> int:
    schedule = load_schedule(args.file or settings.schedule)
    print(schedule.summary())
    for warning in schedule.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    # A warning, not a problem: the file is valid, and the channel may be set only where the bot runs.
    for warning in channel_warnings(schedule, settings):
        print(f"warning: {warning}", file=sys.stderr)
    for line in correction_lines(schedule, settings):
        print(line)
    return 0


def channel_warnings(schedule: sched.Schedule, settings: cfg.Settings) -> list[str]:
    """Reminders with channel = true while no BOT_CHANNEL_ID is set: they would reach subscribers only."""
    if settings.channel_id:
        return []
    ids = list(dict.fromkeys(r.series or r.id for r in schedule.reminders if r.channel))
    if not ids:
        return []
    return [
        f"{len(ids)} reminder(s) have channel = true but BOT_CHANNEL_ID is not set, so they go to subscribers "
        f"only: {', '.join(ids)}"
    ]


def cmd_preview(args, settings: cfg.Settings) -> int:
    """Every reminder in time order, every page, then the FAQ, as the reader sees them: no token, no database."""
    from bot.content import texts
    from bot.content.render import clock, long_date, plain, zone_abbreviation

    schedule = load_schedule(args.file or settings.schedule)
    for warning in schedule.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    lang, zone = args.lang, zone_abbreviation(schedule.election.timezone)
    rule = "=" * 72

    def show(title: str, text: str) -> None:
        print(f"\n{rule}\n{title}\n{rule}\n{plain(text)}")

    def dated(versions: list[tuple[date, str]]) -> list[tuple[str, str]]:
        """(" · from X · until Y", text) for each version of a text that changes on dates."""
        shown = []
        for i, (since, text) in enumerate(versions):
            label = f" · from {long_date(since, lang)}" if since != date.min else ""
            if i + 1 < len(versions):
                label += f" · until {long_date(versions[i + 1][0] - timedelta(days=1), lang)}"
            shown.append((label, text))
        return shown

    print(f"{schedule.summary()}\nLanguage: {lang}" + (f", role: {args.role}" if args.role else ""))
    for r in schedule.reminders:
        if args.role and args.role not in r.roles:
            continue
        when = f"{long_date(r.at.date(), lang)} {clock(r.at.time(), lang)} {zone}"
        notes = [f"button: {texts.say(lang, f'pledge_{r.ask}')}"] if r.ask else []
        notes += ["also posted to the channel (in Indonesian)"] if r.channel else []
        text = r.text_en if lang == "en" and r.text_en else r.text
        show(f"{r.id} · {when} · {', '.join(r.roles)}", text + "".join(f"\n[{note}]" for note in notes))
    pages = [("/tps", "tps")] + [
        (f"/netralitas ({role})", texts.netralitas_key(role)) for role in sched.ROLES if args.role in (None, role)
    ]
    for command, key in pages:
        name = f"{key}_en" if lang == "en" and f"{key}_en" in schedule.pages else key
        later = [since for since, _ in schedule.page_versions.get(name, ())]
        versions = [(date.min, texts.page_text(schedule, key, lang))]
        versions += [(since, texts.page_text(schedule, key, lang, since)) for since in later]
        for label, text in dated(versions):
            show(f"Page {command}{label}", text)
    for entry in schedule.faq:
        answers = list(entry.answers_en if lang == "en" and entry.answers_en else entry.answers)
        for label, text in dated(answers):
            show(f"FAQ {entry.id}: {entry.phrasings(lang)[0]}{label}", text)
    return 0


def correction_lines(schedule: sched.Schedule, settings: cfg.Settings) -> list[str]:
    """The date corrections the next start will send, if the database exists; for the next
    election's schedule, one line saying so instead (its dates correct nothing)."""
    from bot.delivery.scheduler import pending_corrections
    from bot.ops import elections

    if not Path(settings.database).is_file():
        return []
    store = files.open_database(settings.database, must_exist=True)
    try:
        reason = elections.new_election(store, schedule)
        if reason is not None:
            return [
                f"new election: {reason}. No 'Ralat' will be sent: `python bot.py new-election "
                f"{schedule.source}` archives the old election's records and starts this one clean"
            ]
        return [c.describe() for c in pending_corrections(schedule, store)]
    finally:
        store.close()


def cmd_plan(args, settings: cfg.Settings) -> int:
    from datetime import datetime

    from bot.delivery import plan

    schedule = load_schedule(settings.schedule)
    rate = settings.effective_rate
    now = None if args.all else datetime.now(schedule.election.tz)
    if args.audience is not None:
        try:
            per_role = plan.parse_audience(args.audience)
        except ValueError as exc:
            print(f"--audience: {exc}", file=sys.stderr)
            return 2
        audience = lambda roles, areas=(): sum(per_role.get(role, 0) for role in roles)  # noqa: E731
        source = "modelled audience: " + ", ".join(f"{role} {n:,}" for role, n in per_role.items())
        if any(r.areas for r in schedule.reminders):  # a model has no areas: an upper bound for those
            source += "; reminders with areas count the whole role"
        rows = plan.plan(schedule, audience, rate, now=now)
    elif Path(settings.database).is_file():
        store = files.open_database(settings.database, must_exist=True)
        try:
            rows = plan.plan(
                schedule, store.count_audience, rate, now=now, recorded=store.recorded_reminders(),
                scheduled=store.scheduled_broadcasts(),
            )  # fmt: skip
        finally:
            store.close()
        source = f"recipients now in {settings.database}"
    else:  # never create a database just to count nobody in it
        rows = plan.plan(schedule, lambda roles, areas=(): 0, rate, now=now)
        source = f"no database at {settings.database} yet (0 recipients; model one with --audience N)"
    print(plan.render(rows, rate, source))
    if not rows and not args.all:
        print("All reminders have expired; use --all to plan the whole schedule.")
    for line in correction_lines(schedule, settings):
        print(line)
    hint = plan.paid_hint(rows)
    if hint and not settings.paid_broadcast:
        print(hint)
    return 0


def cmd_run(args, settings: cfg.Settings) -> int:
    if not settings.token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    cfg.setup_logging(logging.DEBUG if args.verbose else logging.INFO, token=settings.token)
    schedule = load_schedule(settings.schedule)
    doing = "starting another bot (two bots on one database send messages twice)"
    with files.exclusive(settings.database, "run", doing):
        store = files.open_database(settings.database)
        try:
            refuse_new_election(store, schedule)
            from bot.telegram.app import build  # python-telegram-bot: imported once nothing refuses the start

            serve_until_stopped(build(settings, schedule, store), settings)
        finally:
            store.close()
    return 0


def refuse_new_election(store, schedule: sched.Schedule) -> None:
    """The next election's schedule is not loaded by a start: its dates would read as corrections."""
    from bot.ops import elections

    reason = elections.new_election(store, schedule)
    if reason is not None:
        raise BadInput(elections.refusal(reason, schedule.source))


def cmd_new_election(args, settings: cfg.Settings) -> int:
    """Switch the database to the next election: show what happens, confirm, archive, tell subscribers."""
    from bot.ops import elections

    schedule = load_schedule(args.file)
    open_store(settings).close()  # a mistyped path: one line, and no lock file or folder left behind
    doing = "switching elections (stop the bot first: systemctl stop pilkada-bot)"
    with files.exclusive(settings.database, "new-election", doing):
        store = open_store(settings)
        try:
            plan = elections.plan_switch(store, schedule)
        finally:
            store.close()
    if plan.reason is None:
        raise BadInput(
            f"{args.file} is not a new election for {settings.database}: it follows "
            f"{plan.old.describe() if plan.old else 'no election yet'}. Load it by setting BOT_SCHEDULE "
            "and restarting (or `python bot.py reload`); moved stages get a 'Ralat' as `check` lists"
        )
    print(f"{args.file}: a new election ({plan.reason}).")
    for line in plan.lines():
        print(f"  {line}")
    if not args.yes and not confirm("Switch to the new election? [y/N] "):
        print("Cancelled, nothing changed.")
        return 0
    with files.exclusive(settings.database, "new-election", doing):
        store = open_store(settings)
        try:
            if elections.new_election(store, schedule) != plan.reason:  # changed while the question waited
                raise BadInput("the database changed while the question waited; nothing changed, run it again")
            archive_id = elections.switch(store, schedule)
            store.log_action(audit_actor(), "pemilihan baru", schedule.election.name, plan.reason)
        finally:
            store.close()
    old = plan.old.name if plan.old and plan.old.name else "the old election"
    print(f"Done: {old} archived (archive {archive_id}); the database now follows {schedule.election.name}.")
    if Path(settings.schedule).resolve() != Path(args.file).resolve():
        print(f"Next: set BOT_SCHEDULE={args.file} in the bot's settings, then start or restart the bot.")
    else:
        print("Next: start or restart the bot.")
    return 0


def serve_until_stopped(application, settings: cfg.Settings) -> None:
    """Serve until SIGTERM or SIGINT. A failure to start is BadInput when a setting must change
    (exit 2, so systemd does not restart), Unavailable when a restart may cure it (exit 1)."""
    from telegram.error import BadRequest, InvalidToken, TelegramError

    from bot.ops.service import BackgroundTaskFailed, serve

    async def main() -> None:
        stop, ready = asyncio.Event(), asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        server = asyncio.create_task(serve(application, stop, ready, reload_on_hup=True))
        waiter = asyncio.create_task(ready.wait())
        await asyncio.wait([server, waiter], return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        if ready.is_set() and not settings.admin_ids:  # only once running: a failed start says one thing
            log.info("BOT_ADMIN_IDS is empty: operator commands are off")
        await server

    try:
        asyncio.run(main())
    except BackgroundTaskFailed as exc:  # already logged in full; systemd restarts on exit 1
        raise Unavailable(f"stopped: {exc}") from None
    except InvalidToken:
        raise BadInput(
            f"Telegram at {settings.api_url} refused the token: check TELEGRAM_BOT_TOKEN with @BotFather "
            "(and TELEGRAM_API_URL)"
        ) from None
    except BadRequest as exc:
        check = "BOT_WEBHOOK_URL" if settings.webhook_url else f"TELEGRAM_API_URL ({settings.api_url})"
        raise BadInput(f"Telegram refused to start the bot ({exc.message}): check {check}") from None
    except TelegramError as exc:
        raise Unavailable(f"cannot start: {unreachable(settings, exc)}") from None
    except OSError as exc:
        if settings.webhook_url and (isinstance(exc, socket.gaierror) or exc.errno in WEBHOOK_BIND_ERRORS):
            raise BadInput(
                f"cannot listen for the webhook on {settings.webhook_listen}:{settings.webhook_port} "
                f"({exc.strerror}): set BOT_WEBHOOK_PORT to a free port (and BOT_WEBHOOK_LISTEN to an address "
                "of this machine)"
            ) from None
        raise Unavailable(f"cannot start: {unreachable(settings, exc)}") from None


def unreachable(settings: cfg.Settings, exc: Exception) -> str:
    """'Telegram is unreachable at URL directly' or '... through the proxy P (HTTPS_PROXY)', the hint
    that goes with it and the error, without the proxy's password."""
    from bot.delivery.sender import proxy_route

    route = proxy_route(settings.api_url, settings.proxy)
    if route.startswith(" through"):
        hint = ": check the proxy's address and that it lets this server reach Telegram"
    else:
        hint = ": check this server's connection (behind an office proxy: set BOT_PROXY)"
    return f"Telegram is unreachable at {settings.api_url}{route}{hint} ({cfg.mask_password(str(exc))})"


WEBHOOK_BIND_ERRORS = (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL)


def cmd_demo(args, settings: cfg.Settings) -> int:
    from bot.ops.demo import run_demo

    schedule = load_schedule(settings.schedule)
    return run_demo(
        schedule, settings, first_in=args.first_in, spacing=args.spacing, wait=args.wait, operator=args.operator
    )


# -- operator tools ------------------------------------------------------------------------------


def open_store(settings: cfg.Settings):
    """The bot's database; it must exist (a mistyped path would otherwise show an empty one)."""
    return files.open_database(settings.database, must_exist=True)


def table(header: list[str], rows: list[list]) -> str:
    """Columns aligned: numbers to the right, text to the left."""
    cells = [[str(c) for c in header]] + [[f"{c:,}" if isinstance(c, int) else str(c) for c in r] for r in rows]
    numeric = [all(isinstance(r[i], int | float) for r in rows) and bool(rows) for i in range(len(header))]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = [
        "  ".join(c.rjust(w) if numeric[i] else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
        for r in cells
    ]
    return "\n".join(line.rstrip() for line in lines)


def local_time(ts: float | None, tz) -> str:
    return datetime.fromtimestamp(ts, tz).strftime("%Y-%m-%d %H:%M:%S %Z") if ts else "-"


def operator_command(fn):
    """Run an operator command: BadInput becomes its one line on stderr and exit code 2."""

    def run(args, settings: cfg.Settings) -> int:
        try:
            return fn(args, settings)
        except BadInput as exc:
            print(exc, file=sys.stderr)
            return 2

    return run


@operator_command
def cmd_stats(args, settings: cfg.Settings) -> int:
    from bot.content import reports

    schedule = load_schedule(settings.schedule)
    tz = schedule.election.tz
    store = open_store(settings)
    try:
        s = store.subscriber_stats(tz=tz)
        areas = reports.area_figures(store, schedule.areas)
        pledges = reports.pledge_figures(store, schedule.areas)
        archived = store.archived_elections()
    finally:
        store.close()
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
    from bot.content.texts import percent

    def row(label: str, part: dict) -> list:
        return [label, part["pledged"], part["received"], "" if part["share"] is None else percent(part["share"], "en")]

    rows = [row("all", f), *(row(r["role"], r) for r in f["roles"])]
    rows += [row(a["name"] if a["id"] is not None else "(no area)", a) for a in f["areas"]]
    title = f"Pledges {f['ask']!r}: people who pressed the button / who received a reminder carrying it"
    return title + "\n" + table(["", "pressed", "received", "share"], rows)


def area_table(areas: list[dict], roles: list) -> str:
    """Active subscribers per kecamatan × role; coverage (of the DPT) only where `voters` is given."""
    from bot.content.texts import percent

    rows = []
    for a in areas:
        cover = "" if a["coverage"] is None else percent(a["coverage"], "en")
        rows.append([a["name"] if a["id"] is not None else "(no area)", *(a["roles"].get(r, 0) for r in roles),
                     a["count"], a["voters"] or "", cover])  # fmt: skip
    head = ["kecamatan", *(r or "(none)" for r in roles), "active", "DPT", "coverage"]
    return "Active subscribers per kecamatan\n" + table(head, rows)


@operator_command
def cmd_report(args, settings: cfg.Settings) -> int:
    from bot.content import reports
    from bot.store import NEVER_STARTED

    schedule = load_schedule(settings.schedule)
    tz = schedule.election.tz
    store = open_store(settings)
    try:
        if args.id is None:
            figures = reports.recent_reports(store, schedule, "en")
        else:
            f = reports.broadcast_report(store, schedule, args.id, "en")
    finally:
        store.close()
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
    rows = [
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


def about(f: dict, title_chars: int | None = None) -> list[str]:
    """A report's title (shortened to ``title_chars``), its areas ('all', '-' without areas) and its
    author ('-' when not recorded), in plain text."""
    from bot.content.texts import short_title

    title = short_title(f["title"], title_chars) if title_chars else f["title"]
    names = f["area_names"]
    return [title, "-" if names is None else ", ".join(names) or "all", f["author"] or "-"]


def parse_roles(raw: str) -> list[str]:
    roles: list[str] = []
    for role in (part.strip().lower() for part in raw.split(",")):
        if not role:
            continue
        if role not in sched.ROLES:
            raise BadInput(f"--roles: unknown role {role!r} (roles: {', '.join(sched.ROLES)})")
        if role not in roles:
            roles.append(role)
    if not roles:
        raise BadInput(f"--roles: give at least one role ({', '.join(sched.ROLES)})")
    return roles


def parse_areas(raw: str | None, schedule: sched.Schedule) -> list[str]:
    """The --areas references, each once, checked against the schedule's [[area]] list."""
    from bot.schedule.areas import ref_problem

    refs: list[str] = []
    for ref in (part.strip().lower() for part in (raw or "").split(",")):
        if not ref or ref in refs:
            continue
        problem = ref_problem(schedule.areas, ref)
        if problem:
            raise BadInput(f"--areas: {ref}: {problem}")
        refs.append(ref)
    if raw is not None and not refs:
        raise BadInput("--areas: give at least one area, e.g. --areas kedungwaru (or leave --areas out for everybody)")
    return refs


def read_message(path: str) -> str:
    """The broadcast text from a file, checked as Telegram would check it."""
    try:
        text = Path(path).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise BadInput(f"--text-file: {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"--text-file: cannot read {path}: {exc}") from None
    problem = telegram_html.check(text)
    if problem:
        raise BadInput(f"--text-file: {path}: {problem.text('en')}")
    return text


def confirm(question: str) -> bool:
    try:
        answer = input(question)
    except EOFError:
        answer = ""
    if not sys.stdin.isatty():
        print()  # the answer was not echoed: end the prompt's line
    return answer.strip().lower() in ("y", "yes")


def audit_actor() -> str:
    try:
        return "cli:" + getpass.getuser()
    except Exception:  # no user name (e.g. a container uid without a passwd entry)
        return f"cli:uid-{os.getuid()}"


@operator_command
def cmd_broadcast(args, settings: cfg.Settings) -> int:
    from bot.content import reports
    from bot.delivery.scheduler import enqueue_adhoc
    from bot.ops.demo import plain
    from bot.schedule.areas import ref_name
    from bot.store.operator import CLI_BROADCAST

    roles = parse_roles(args.roles)
    text = read_message(args.text_file)
    # Refuse a broken configuration, an unknown area or an unusable time before anything is queued.
    schedule = load_schedule(settings.schedule)
    refs = parse_areas(args.areas, schedule)
    at = parse_at(args.at, args.night, schedule)
    where = (
        ", ".join(f"{ref_name(schedule.areas, r)} ({r})" for r in refs) if refs else "all (also people with no area)"
    )
    store = open_store(settings)
    try:
        n = store.count_audience(roles, refs)
        if not n and at is None:
            raise BadInput(f"no active subscribers with roles {', '.join(roles)}" + (f" in {where}" if refs else ""))
        rate = settings.effective_rate
        rule = "-" * 60
        print(f"Preview (as recipients will see it):\n{rule}\n{plain(text)}\n{rule}")
        print(f"Roles: {', '.join(roles)}")
        print(f"Areas: {where}")
        if at is not None:
            return schedule_broadcast(args, store, schedule, text, roles, refs, at, n)
        print(f"Recipients: {n:,} active subscribers")
        print(f"Estimated duration: {reports.estimate_text(n, rate)} at {rate:g} messages/second")
        if not args.yes and not confirm(f"Send to {n:,} recipients? [y/N] "):
            print("Cancelled, nothing sent.")
            return 0
        broadcast_id, total = enqueue_adhoc(store, text, roles, ttl=reports.ADHOC_TTL, areas=refs)
        detail = f"roles={','.join(roles)}; recipients={total}" + (f"; areas={','.join(refs)}" if refs else "")
        store.log_action(audit_actor(), CLI_BROADCAST, broadcast_id, detail)
        print(f"Queued broadcast {broadcast_id} for {total:,} recipients.")
        if args.no_wait:
            print(f"The running bot delivers it; follow it with `python bot.py report {broadcast_id}`.")
            return 0
        return follow(store, broadcast_id, total, args.timeout)
    finally:
        store.close()


def parse_at(raw: str | None, night: bool, schedule: sched.Schedule) -> datetime | None:
    """The time of `broadcast --at` (None: at once); BadInput if it is unusable or, without --night, at night."""
    from bot.content.render import zone_abbreviation
    from bot.schedule import send_time

    if raw is None:
        if night:
            raise BadInput("--night goes with --at (a broadcast sent at once needs no confirmation for the night)")
        return None
    try:
        at = send_time.parse(raw, schedule.election.timezone)
        send_time.check(at, datetime.now(schedule.election.tz))
    except send_time.BadTime as exc:
        raise BadInput(f"--at: {exc}") from None
    if send_time.at_night(at) and not night:
        raise BadInput(
            f"--at {at:%Y-%m-%d %H:%M} is in the quiet hours ({sched.QUIET_START:%H:%M}-{sched.QUIET_END:%H:%M} "
            f"{zone_abbreviation(schedule.election.timezone)}), "
            "when reminders never start: add --night to send it then all the same"
        )
    return at


def schedule_broadcast(args, store, schedule: sched.Schedule, text: str, roles, refs, at: datetime, n: int) -> int:
    """`broadcast --at`: confirm, then record the broadcast to be sent at `at` (the running bot starts it)."""
    from bot.content import reports
    from bot.content.texts import zone_of
    from bot.schedule import send_time
    from bot.store.operator import CLI_SCHEDULE

    zone = zone_of(schedule.election.timezone)
    when = f"{at:%Y-%m-%d %H:%M} {zone}"
    print(f"Send at: {when}" + (" (in the quiet hours, confirmed with --night)" if send_time.at_night(at) else ""))
    print(f"Recipients now: {n:,} active subscribers (counted again at {at:%H:%M}: people who subscribe before get it)")
    if not args.yes and not confirm(f"Schedule it for {when}? [y/N] "):
        print("Cancelled, nothing scheduled.")
        return 0
    try:  # the question may have waited past the time
        send_time.check(at, datetime.now(schedule.election.tz))
    except send_time.BadTime as exc:
        raise BadInput(f"--at: {exc}") from None
    broadcast_id = store.create_adhoc(text=text, roles=roles, ttl=reports.ADHOC_TTL, areas=refs, at=at.timestamp())
    detail = f"at={when}; roles={','.join(roles)}" + (f"; areas={','.join(refs)}" if refs else "")
    night = "; night" if send_time.at_night(at) else ""
    store.log_action(audit_actor(), CLI_SCHEDULE, broadcast_id, detail + night)
    hours = reports.ADHOC_TTL // 3600
    print(f"Scheduled broadcast {broadcast_id} for {when}: the running bot sends it then (a bot stopped at that time")
    print(f"sends it when it starts, within {hours} hours). `python bot.py plan` lists it; cancel it before it starts")
    print(f"with `python bot.py cancel {broadcast_id}`.")
    return 0


@operator_command
def cmd_cancel(args, settings: cfg.Settings) -> int:
    """Cancel a scheduled broadcast before it starts; exit 2, saying why, when it cannot be."""
    from bot.content.texts import zone_of
    from bot.store import ADHOC, DONE, UNFINISHED

    schedule = load_schedule(settings.schedule)
    tz, zone = schedule.election.tz, zone_of(schedule.election.timezone)

    def when(ts: float) -> str:
        return f"{datetime.fromtimestamp(ts, tz):%Y-%m-%d %H:%M} {zone}"

    store = open_store(settings)
    try:
        cancelled, b = store.cancel_scheduled(args.id)
        if cancelled and b is not None:
            store.log_action(audit_actor(), "cancel", b.id, f"at={when(b.at)}")
    finally:
        store.close()
    if b is None:
        raise BadInput(f"no broadcast with id {args.id} (`python bot.py plan` lists the scheduled ones)")
    if cancelled:
        print(f"Cancelled broadcast {b.id}, scheduled for {when(b.at)}; nothing was sent.")
        return 0
    if b.kind != ADHOC:
        raise BadInput(f"{b.id} is not a scheduled broadcast but a {b.kind} that already fell due; it is not cancelled")
    if b.status in UNFINISHED or b.status == DONE:
        started = when(b.enqueued_at or b.at)
        raise BadInput(f"{b.id} already started at {started}; it is not cancelled (stop it in Telegram: /batal {b.id})")
    raise BadInput(f"{b.id} is not scheduled any more ({b.status}); nothing was changed")


def follow(store, broadcast_id: str, total: int, timeout: float, interval: float = 0.5) -> int:
    """A progress bar until the running bot has finished the broadcast (it polls the outbox every second)."""
    from tqdm import tqdm

    from bot.content import reports
    from bot.delivery.engine import summary_line
    from bot.store import DONE

    moved = time.monotonic()  # when a copy last reached an outcome
    queued = f"The broadcast stays queued; follow it with `python bot.py report {broadcast_id}`."
    with tqdm(total=total, unit="msg", desc=broadcast_id, file=sys.stderr) as bar:
        try:
            while True:
                f = reports.broadcast_figures(store, broadcast_id)
                if f is None:  # broadcasts are never deleted: the store changed under us
                    raise RuntimeError(f"broadcast {broadcast_id} is no longer in the database")
                done = f["total"] - f["pending"]
                if done != bar.n:
                    moved = time.monotonic()
                bar.update(done - bar.n)
                postfix = f"sent={f['sent']}, blocked={f['blocked']}, failed={f['failed']}"
                if f["waiting_network"]:
                    postfix += f", waiting for the network={f['waiting_network']}"
                bar.set_postfix_str(postfix, refresh=False)
                if f["status"] == DONE:
                    break
                if time.monotonic() - moved >= timeout:
                    bar.close()
                    if bar.n == 0 and not f["waiting_network"]:
                        why = "the bot does not seem to be running (start it with `make run`)"
                    elif f["waiting_network"]:
                        why = f"{f['waiting_network']} of {f['total']} copies are waiting for the network"
                    else:
                        why = f"{f['pending']} of {f['total']} copies are still pending"
                    print(f"No progress for {timeout:g} s: {why}. {queued}")
                    return 0
                time.sleep(interval)
        except KeyboardInterrupt:
            bar.close()
            print(f"Stopped following. {queued}")
            return 0
    print(summary_line(store.broadcast(broadcast_id)))
    return 0


@operator_command
def cmd_export(args, settings: cfg.Settings) -> int:
    from bot.content import reports
    from bot.ops import export

    folder = files.output_folder(args.out, settings)
    schedule = load_schedule(settings.schedule)  # names the kecamatan and gives their DPT
    store = open_store(settings)
    try:
        tables = reports.export_tables(store, schedule, args.lang)
    finally:
        store.close()
    written = export.export_files(tables, args.lang, export.SEPARATORS[args.sep])
    files.make_folder(folder, args.out)  # only now: a refused database leaves no folder behind
    outs = {name: files.output_path(str(folder / name), settings) for name in written}
    for name, (data, _rows) in written.items():
        files.write_atomically(outs[name], data)
    listed = ", ".join(f"{name} ({rows})" for name, (_data, rows) in written.items())
    print(f"Wrote {len(written)} CSV files to {args.out} (aggregate counts only; rows): {listed}.")
    return 0


@operator_command
def cmd_ics(args, settings: cfg.Settings) -> int:
    from bot.content.ics import schedule_ics

    schedule = load_schedule(settings.schedule)
    out = files.output_path(args.out, settings)
    data = schedule_ics(schedule, args.lang)
    files.write_atomically(out, data)
    events = data.count(b"\r\nBEGIN:VEVENT\r\n")  # what calendars import: the stages and the voting-day event
    print(f"Wrote {events} events to {args.out}.")
    return 0


def bot_username(settings: cfg.Settings) -> str:
    """The bot's username from Telegram (getMe); BadInput if there is no token to ask with."""
    import asyncio

    from telegram import Bot
    from telegram.error import InvalidToken, NetworkError, TelegramError
    from telegram.request import HTTPXRequest

    from bot.delivery.sender import ptb_proxy_kwargs

    token = settings.token
    if not token:
        raise BadInput("give --username, or set TELEGRAM_BOT_TOKEN so the username can be asked from Telegram")

    async def ask() -> str:
        request = HTTPXRequest(**ptb_proxy_kwargs(settings.proxy))  # BOT_PROXY, else the environment's
        async with Bot(token, base_url=settings.api_url, request=request) as bot:  # initialising calls getMe
            return bot.username

    try:
        return asyncio.run(ask())
    except InvalidToken:  # its message holds the token
        raise BadInput(
            f"Telegram at {settings.api_url} refused the token, so it cannot tell the bot's username: check "
            "TELEGRAM_BOT_TOKEN (and TELEGRAM_API_URL), or give --username"
        ) from None
    except (NetworkError, OSError) as exc:
        why = unreachable(settings, exc)
        raise Unavailable(f"cannot ask for the bot's username: {why}; or give --username") from None
    except TelegramError as exc:
        raise Unavailable(
            f"could not ask Telegram at {settings.api_url} for the bot's username ({exc}); try again, "
            "or give --username"
        ) from None


@operator_command
def cmd_poster(args, settings: cfg.Settings) -> int:
    from bot.ops.poster import deep_link, poster_png
    from bot.schedule.areas import ref_problem

    schedule = load_schedule(settings.schedule)
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
    out = files.output_path(args.out, settings)
    username = args.username or bot_username(settings)
    try:
        link = deep_link(username, args.role, area.id if area else None)
        data = poster_png(
            username, args.role, election=schedule.election.name, region=schedule.election.region, area=area,
            fmt="pdf" if Path(args.out).suffix.lower() == ".pdf" else "png",
        )  # fmt: skip
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    files.write_atomically(out, data)
    print(f"Wrote the A4 poster for {link} to {args.out}.")
    return 0


def all_area_posters(args, settings: cfg.Settings, schedule: sched.Schedule) -> int:
    """`poster --all-areas`: every poster is drawn before the first is written, so a bad one writes none."""
    from bot.ops.poster import poster_png

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
    outs = {
        (role, area.id): files.output_path(str(folder / f"{role}-{area.id}.{fmt}"), settings)
        for area in schedule.areas
        for role in roles
    }
    username = args.username or bot_username(settings)
    e = schedule.election
    try:
        posters = {
            out: poster_png(username, role, election=e.name, region=e.region, area=schedule.area(area_id), fmt=fmt)
            for (role, area_id), out in outs.items()
        }
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    for out, data in posters.items():
        files.write_atomically(out, data)
    print(f"Wrote {len(posters)} A4 posters ({len(schedule.areas)} kecamatan x {len(roles)} roles) to {args.out}.")
    return 0


@operator_command
def cmd_purge(args, settings: cfg.Settings) -> int:
    schedule = load_schedule(settings.schedule)
    try:
        day = datetime.strptime(args.before, "%Y-%m-%d").date()
    except ValueError:
        raise BadInput(f"--before: {args.before!r} is not a date like 2025-03-01") from None
    tomorrow = datetime.now(schedule.election.tz).date() + timedelta(days=1)
    if day > tomorrow:  # a mistyped year would delete the records of the election still running
        raise BadInput(
            f"--before {day} is in the future: purge deletes records from before a date, "
            f"{tomorrow} at the latest (everything up to today)"
        )
    cutoff = datetime.combine(day, datetime.min.time(), schedule.election.tz).timestamp()
    open_store(settings).close()  # a mistyped path: one line, and no lock file or folder left behind
    # Never beside a running bot; the lock is not held while the question waits, so that a bot
    # started meanwhile is not refused (systemd would not restart it), and is checked again after.
    with files.exclusive(settings.database, "purge", "purging"):
        store = open_store(settings)
        try:
            n, p = store.count_purgeable(cutoff), store.count_purgeable_pledges(cutoff)
        finally:
            store.close()
    question = f"Delete {n:,} delivery records and {p:,} pledge records from before {day}? [y/N] "
    if (n or p) and not args.yes and not confirm(question):
        print("Cancelled, nothing deleted.")
        return 0
    with files.exclusive(settings.database, "purge", "purging"):
        store = open_store(settings)
        try:
            deleted, folded = store.purge(cutoff), store.purge_pledges(cutoff)
        finally:
            store.close()
    print(
        f"Deleted {deleted:,} delivery records and {folded:,} pledge records from before {day} "
        "(broadcast totals and pledge counts are kept, without chat ids)."
    )
    return 0


@operator_command
def cmd_backup(args, settings: cfg.Settings) -> int:
    from bot.ops import backup

    target = args.out
    if Path(target).is_dir():  # a folder: a new file named by the election's time (deploy/backup.sh)
        target = str(backup.dated_name(Path(target), backup.election_zone(settings.schedule)))
    out = files.output_path(target, settings)
    copy = backup.backup(settings.database, out)
    print(
        f"Backup of {settings.database} written to {target} (integrity ok; {copy.subscribers:,} subscribers, "
        f"{copy.in_flight:,} deliveries in flight)."
    )
    return 0


@operator_command
def cmd_restore(args, settings: cfg.Settings) -> int:
    from bot.ops import backup

    backup.check_backup(args.file)  # a bad file is refused before the lock is even asked for
    if files.same_file(args.file, settings.database):
        raise BadInput(f"{args.file} is the database itself: name a backup file (`python bot.py backup --out FILE`)")
    with files.exclusive(settings.database, "restore", "restoring (sudo systemctl stop pilkada-bot)", create=False):
        copy, kept = backup.restore(args.file, settings.database, backup.election_zone(settings.schedule))
    print(f"Restored {settings.database} from {args.file} ({copy.subscribers:,} subscribers).")
    if kept is not None:
        print(f"The replaced database is kept as {kept}.")
    if copy.in_flight:
        print(f"{copy.in_flight:,} deliveries were in flight at backup time: the bot sends them again when it starts.")
    return 0


def cmd_health(args, settings: cfg.Settings) -> int:
    """One line; exit 0 healthy, 1 not (or no heartbeat), 2 when the database file does not exist."""
    from bot.delivery.health import check

    code, line = check(settings.database)
    print(line)
    return code


def cmd_reload(args, settings: cfg.Settings) -> int:
    """Signal the bot on this database to reload its schedule; print the outcome it records."""
    from bot.ops.reload import request

    if getattr(args, "schedule", None):  # refused before the signal: a reload may send corrections
        raise BadInput(
            f"reload: --schedule {args.schedule} is not used: the running bot re-reads the file it was started "
            "with (BOT_SCHEDULE in its settings). Edit that file and reload, or change BOT_SCHEDULE and restart."
        )
    code, lines = request(settings.database, timeout=args.timeout)
    for line in lines:
        print(line, file=sys.stdout if code == 0 else sys.stderr)
    return code


def main(argv: list[str] | None = None) -> int:
    """Run one command; whatever it prints, and any traceback, leaves the process redacted."""
    with cfg.redacted_output():
        try:
            try:
                return run_command(argv)
            finally:
                sys.stdout.flush()  # a reader that went away (`| head`) shows here, not at exit
        except BrokenPipeError:
            return stdout_closed()
        except Exception:  # a bug: the traceback, redacted, and exit 1
            traceback.print_exc()
            return 1


def stdout_closed() -> int:
    """The reader of stdout went away: stop quietly (Python's recipe, in the signal module's docs)."""
    with contextlib.suppress(OSError, ValueError):  # ValueError: stdout is not a file (io.StringIO)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # what is still buffered goes there
    return 128 + signal.SIGPIPE  # 141, as the shell reports a tool that SIGPIPE stopped


def run_command(argv: list[str] | None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = load_settings(args)
    except cfg.SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    command = args.command or "run"
    handler = {
        "run": cmd_run, "demo": cmd_demo, "check": cmd_check, "plan": cmd_plan, "preview": cmd_preview,
        "stats": cmd_stats, "report": cmd_report, "broadcast": cmd_broadcast, "cancel": cmd_cancel,
        "export": cmd_export,
        "ics": cmd_ics, "poster": cmd_poster, "purge": cmd_purge, "health": cmd_health,
        "reload": cmd_reload, "new-election": cmd_new_election,
        "backup": cmd_backup, "restore": cmd_restore,
    }[command]  # fmt: skip
    try:
        return handler(args, settings)
    except BadInput as exc:
        print(exc, file=sys.stderr)
        return 2
    except Unavailable as exc:
        print(exc, file=sys.stderr)
        return 1
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    except KeyboardInterrupt:
        return 0
