"""What the command groups share: the schedule as check loads it, the database, tables, confirmations."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from bot import settings as cfg
from bot.ops import files
from bot.ops.files import BadInput
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
