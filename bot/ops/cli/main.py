"""The command line's entry: the settings options every command takes, the commands in the order
`bot.py --help` lists them, and one command run with its exit code.

Exit codes: 0 ok, 2 bad input (one line says what), 1 anything else (a restart may cure it).
Everything the process prints goes through the token redaction (bot/log_privacy.py).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import traceback
from typing import Any, NoReturn

from bot import log_privacy
from bot import settings as cfg
from bot.ops.cli import broadcasts, data, figures, running, schedule_commands
from bot.ops.cli.common import Commands
from bot.ops.files import BadInput, Unavailable

log = logging.getLogger("bot")


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

    def add(*flags: str, help: str, **options: Any) -> None:
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


def describe_commands(sub: Commands) -> None:
    """Each command's --help: its summary on top, and where the settings options are."""
    for choice in sub._choices_actions:  # the summaries `bot.py --help` lists
        command = sub.choices[choice.dest]
        command.description = command.description or choice.help
        command.epilog = command.epilog or GLOBAL_OPTIONS


# The commands in the order `bot.py --help` lists them.
COMMANDS = (
    running.add_run,
    running.add_demo,
    schedule_commands.add_check,
    schedule_commands.add_preview,
    schedule_commands.add_plan,
    figures.add_stats,
    figures.add_report,
    broadcasts.add_broadcast,
    broadcasts.add_cancel,
    figures.add_export,
    schedule_commands.add_ics,
    figures.add_poster,
    running.add_health,
    running.add_reload,
    data.add_purge,
    schedule_commands.add_new_election,
    data.add_backup,
    data.add_restore,
)


def parser() -> argparse.ArgumentParser:
    top, common = common_options(defaults=True), common_options(defaults=False)
    p = OneLineParser(prog="bot.py", description="Pilkada reminder bot for Telegram.", parents=[top])
    sub = p.add_subparsers(dest="command")
    for add in COMMANDS:
        add(sub, common)
    describe_commands(sub)
    return p


def load_settings(args: argparse.Namespace) -> cfg.Settings:
    log_privacy.REDACT.add(args.token)
    env_file, named = cfg.env_file_of(args.env_file)
    settings = cfg.load(env_file=env_file, required=named, export_proxies=True)  # proxies as under systemd
    admin_ids = cfg.parse_admin_ids(args.admin_ids) if args.admin_ids is not None else None
    return cfg.validate(
        settings.with_overrides(
            token=args.token,
            api_url=args.api_url,
            schedule=args.schedule,
            database=args.database,
            admin_ids=admin_ids,
            rate_limit=args.rate_limit,
            proxy=args.proxy,
            channel_id=args.channel_id.strip() if args.channel_id else None,
        )
    )


# -- operator tools ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run one command; whatever it prints, and any traceback, leaves the process redacted."""
    with log_privacy.redacted_output():
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
    handler = getattr(args, "handler", running.cmd_run)  # no command: run
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
