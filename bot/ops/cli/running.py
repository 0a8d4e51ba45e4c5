"""Running the bot: `run` against Telegram, the offline `demo`, `health` and `reload` of a running bot."""

from __future__ import annotations

import argparse
import asyncio
import errno
import logging
import signal
import socket
import sys
from typing import TYPE_CHECKING

from bot import log_privacy
from bot import settings as cfg
from bot.ops import files
from bot.ops.cli.common import (
    NO_TOKEN,
    Commands,
    load_schedule,
    unreachable,
)
from bot.ops.cli.schedule_commands import refuse_new_election
from bot.ops.files import BadInput, Unavailable

if TYPE_CHECKING:
    from telegram.ext import Application

    from bot.schedule import model as sched

log = logging.getLogger(__name__)


def cmd_run(args: argparse.Namespace, settings: cfg.Settings) -> int:
    if not settings.token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    log_privacy.setup_logging(logging.DEBUG if args.verbose else logging.INFO, token=settings.token)
    schedule = load_schedule(settings.schedule)
    doing = "starting another bot (two bots on one database send messages twice)"
    with files.exclusive(settings.database, "run", doing), files.open_database(settings.database) as store:
        refuse_new_election(store, schedule)
        from bot.telegram.app import build  # python-telegram-bot: imported once nothing refuses the start

        serve_until_stopped(build(settings, schedule, store), settings)
    return 0


def serve_until_stopped(application: Application, settings: cfg.Settings) -> None:
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


WEBHOOK_BIND_ERRORS = (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL)


def cmd_demo(args: argparse.Namespace, settings: cfg.Settings) -> int:
    from bot.ops.demo import run_demo

    schedule = with_example_tps(load_schedule(settings.schedule))
    return run_demo(
        schedule, settings, first_in=args.first_in, spacing=args.spacing, wait=args.wait, operator=args.operator
    )


def with_example_tps(schedule: sched.Schedule) -> sched.Schedule:
    """The demo's schedule: with the example TPS file (made-up data) when the schedule names none."""
    from bot.ops.demo import EXAMPLE_TPS
    from bot.schedule import loading

    if schedule.tps:
        return schedule
    with_tps, problems = loading.with_tps(schedule, str(EXAMPLE_TPS))
    if problems:  # another regency's schedule: the example's kecamatan are not its own
        return schedule
    return with_tps


def cmd_health(args: argparse.Namespace, settings: cfg.Settings) -> int:
    """One line; exit 0 healthy, 1 not (or no heartbeat), 2 when the database file does not exist."""
    from bot.delivery.health import check

    code, line = check(settings.database)
    print(line)
    return code


def cmd_reload(args: argparse.Namespace, settings: cfg.Settings) -> int:
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


def add_run(sub: Commands, common: argparse.ArgumentParser) -> None:
    """`run` and its options."""
    command = sub.add_parser("run", parents=[common], help="run the bot against Telegram (default)")
    command.set_defaults(handler=cmd_run)


def add_demo(sub: Commands, common: argparse.ArgumentParser) -> None:
    """`demo` and its options."""
    command = sub.add_parser("demo", parents=[common], help="run offline against the built-in Telegram stand-in")
    command.add_argument("--first-in", type=float, default=20.0, help="seconds until the first demo reminder")
    command.add_argument("--spacing", type=float, default=15.0, help="seconds between demo reminders")
    command.add_argument("--operator", action="store_true", help="make the demo user an operator (try /siaran)")
    command.add_argument(
        "--wait",
        type=float,
        default=None,
        help="when stdin is not a terminal: seconds to keep running after end of input",
    )
    command.set_defaults(handler=cmd_demo)


def add_health(sub: Commands, common: argparse.ArgumentParser) -> None:
    """`health` and its options."""
    command = sub.add_parser(
        "health", parents=[common], help="exit 0 if a bot on the database polled and ran in the last 60 s"
    )
    command.set_defaults(handler=cmd_health)


def add_reload(sub: Commands, common: argparse.ArgumentParser) -> None:
    """`reload` and its options."""
    command = sub.add_parser(
        "reload", parents=[common], help="make the bot running on the database re-read its schedule file (SIGHUP)"
    )
    command.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS", help="wait this long (60)")
    command.set_defaults(handler=cmd_reload)
