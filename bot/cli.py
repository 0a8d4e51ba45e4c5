"""The command line: `python bot.py [run|demo|check FILE]`.

Exit codes: 0 ok, 2 bad input (one line says what), 1 anything else.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from bot import schedule as sched
from bot import settings as cfg

log = logging.getLogger("bot")

NO_TOKEN = (
    "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather in Telegram (/newbot), put its token "
    "in .env as TELEGRAM_BOT_TOKEN=..., or try the bot offline with `make demo`."
)


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--token", help="bot token (default: TELEGRAM_BOT_TOKEN)")
    common.add_argument("--api-url", help="Bot API base URL (default: TELEGRAM_API_URL or Telegram's)")
    common.add_argument("--schedule", help="schedule file (default: BOT_SCHEDULE or config/pilkada2024.toml)")
    common.add_argument("--database", help="SQLite file (default: BOT_DATABASE or data/bot.db)")
    common.add_argument("--admin-ids", help="comma-separated operator user ids (default: BOT_ADMIN_IDS)")
    common.add_argument("--rate-limit", type=float, help="messages per second (default: BOT_RATE_LIMIT or 30)")
    common.add_argument("-v", "--verbose", action="store_true", help="debug logging")

    p = argparse.ArgumentParser(prog="bot.py", description="Pilkada reminder bot for Telegram.", parents=[common])
    sub = p.add_subparsers(dest="command")
    sub.add_parser("run", parents=[common], help="run the bot against Telegram (default)")
    demo = sub.add_parser("demo", parents=[common], help="run offline against the built-in Telegram stand-in")
    demo.add_argument("--first-in", type=float, default=20.0, help="seconds until the first demo reminder")
    demo.add_argument("--spacing", type=float, default=15.0, help="seconds between demo reminders")
    demo.add_argument("--wait", type=float, default=None,
                      help="when stdin is not a terminal: seconds to keep running after end of input")
    check = sub.add_parser("check", parents=[common], help="validate a schedule file")
    check.add_argument("file", nargs="?", help="schedule file (default: the configured one)")
    plan = sub.add_parser("plan", parents=[common], help="print when each reminder starts and finishes")
    plan.add_argument("--audience", metavar="N|ROLE=N,...",
                      help="model an audience instead of the database: N voters (role pemilih), "
                           "or counts per role such as asn=5000,kades=3000,pemilih=858030")
    plan.add_argument("--all", action="store_true", help="include reminders that have already expired")
    return p


def load_settings(args: argparse.Namespace) -> cfg.Settings:
    settings = cfg.load()
    admin_ids = cfg.parse_admin_ids(args.admin_ids) if args.admin_ids is not None else None
    return settings.with_overrides(
        token=args.token, api_url=args.api_url, schedule=args.schedule, database=args.database,
        admin_ids=admin_ids, rate_limit=args.rate_limit,
    )  # fmt: skip


def load_schedule(path: str) -> sched.Schedule:
    """The schedule, or exit 2 printing every problem (the same lines `check` prints)."""
    try:
        return sched.load(path)
    except sched.ScheduleError as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        raise SystemExit(2) from None


def cmd_check(args, settings: cfg.Settings) -> int:
    schedule = load_schedule(args.file or settings.schedule)
    print(schedule.summary())
    return 0


def cmd_plan(args, settings: cfg.Settings) -> int:
    from datetime import datetime

    from bot import plan
    from bot.store import Store

    schedule = load_schedule(settings.schedule)
    rate = 1000.0 if settings.paid_broadcast else settings.rate_limit
    if args.audience is not None:
        try:
            per_role = plan.parse_audience(args.audience)
        except ValueError as exc:
            print(f"--audience: {exc}", file=sys.stderr)
            return 2
        audience = lambda roles: sum(per_role.get(role, 0) for role in roles)  # noqa: E731
        source = "modelled audience: " + ", ".join(f"{role} {n:,}" for role, n in per_role.items())
    else:
        store = Store(settings.database)
        audience, source = store.count_audience, f"recipients now in {settings.database}"
    now = None if args.all else datetime.now(schedule.election.tz)
    rows = plan.plan(schedule, audience, rate, now=now)
    print(plan.render(rows, rate, source))
    if not rows and not args.all:
        print("All reminders have expired; use --all to plan the whole schedule.")
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
    from bot.app import build, serve
    from bot.store import Store

    store = Store(settings.database)
    application = build(settings, schedule, store)
    if not settings.admin_ids:
        log.info("BOT_ADMIN_IDS is empty: operator commands are off")

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await serve(application, stop)

    asyncio.run(main())
    store.close()
    return 0


def cmd_demo(args, settings: cfg.Settings) -> int:
    from bot.demo import run_demo

    schedule = load_schedule(settings.schedule)
    return run_demo(schedule, settings, first_in=args.first_in, spacing=args.spacing, wait=args.wait)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = load_settings(args)
    except cfg.SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    command = args.command or "run"
    handler = {"run": cmd_run, "demo": cmd_demo, "check": cmd_check, "plan": cmd_plan}[command]
    try:
        return handler(args, settings)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    except KeyboardInterrupt:
        return 0
