"""What the command groups share: the schedule as check loads it, the database, tables, confirmations."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from bot import settings as cfg
from bot.ops import files
from bot.ops.files import BadInput, Unavailable
from bot.schedule import model as sched

if TYPE_CHECKING:
    from bot.store import Store

# The sub-command action of the top parser; each group module adds its commands to it.
Commands = argparse._SubParsersAction

NO_TOKEN = (
    "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather in Telegram (/newbot), put its token "
    "in .env as TELEGRAM_BOT_TOKEN=..., or try the bot offline with `make demo`."
)


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


def open_store(settings: cfg.Settings) -> Store:
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


def local_time(ts: float | None, tz: tzinfo | None) -> str:
    return datetime.fromtimestamp(ts, tz).strftime("%Y-%m-%d %H:%M:%S %Z") if ts else "-"


def operator_command(fn: Callable[..., int]) -> Callable[[argparse.Namespace, cfg.Settings], int]:
    """Run an operator command: BadInput becomes its one line on stderr and exit code 2."""

    def run(args: argparse.Namespace, settings: cfg.Settings) -> int:
        try:
            return fn(args, settings)
        except BadInput as exc:
            print(exc, file=sys.stderr)
            return 2

    return run


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


def bot_username(settings: cfg.Settings) -> str:
    """The bot's username from Telegram (getMe); BadInput if there is no token to ask with."""

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


def checked_source(args: argparse.Namespace, schedule: sched.Schedule) -> str | None:
    """`--source`, refused (before Telegram is asked for the username) unless it fits every link of the schedule."""
    from bot.content.deep_links import source_problem

    problem = source_problem(args.source, schedule) if args.source is not None else None
    if problem:
        raise BadInput(f"--source: {problem}")
    return args.source
