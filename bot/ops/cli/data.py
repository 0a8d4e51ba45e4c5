"""The database's commands: `purge` of old delivery records, `backup` and `restore`."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta
from pathlib import Path

from bot import settings as cfg
from bot.ops import files
from bot.ops.cli.common import (
    Commands,
    confirm,
    load_schedule,
    open_store,
    operator_command,
)
from bot.ops.files import BadInput


@operator_command
def cmd_purge(args: argparse.Namespace, settings: cfg.Settings) -> int:
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
    with files.exclusive(settings.database, "purge", "purging"), open_store(settings) as store:
        n, p = store.count_purgeable(cutoff), store.count_purgeable_pledges(cutoff)
    question = f"Delete {n:,} delivery records and {p:,} pledge records from before {day}? [y/N] "
    if (n or p) and not args.yes and not confirm(question):
        print("Cancelled, nothing deleted.")
        return 0
    with files.exclusive(settings.database, "purge", "purging"), open_store(settings) as store:
        deleted, folded = store.purge(cutoff), store.purge_pledges(cutoff)
    print(
        f"Deleted {deleted:,} delivery records and {folded:,} pledge records from before {day} "
        "(broadcast totals and pledge counts are kept, without chat ids)."
    )
    return 0


@operator_command
def cmd_backup(args: argparse.Namespace, settings: cfg.Settings) -> int:
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
def cmd_restore(args: argparse.Namespace, settings: cfg.Settings) -> int:
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


def add_purge(sub: Commands, common: argparse.ArgumentParser) -> None:
    """`purge` and its options."""
    command = sub.add_parser(
        "purge", parents=[common], help="delete delivery records and pledges older than a date (their counts stay)"
    )
    command.add_argument("--before", required=True, metavar="YYYY-MM-DD", help="local date in the election time zone")
    command.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    command.set_defaults(handler=cmd_purge)


def add_backup(sub: Commands, common: argparse.ArgumentParser) -> None:
    """`backup` and its options."""
    command = sub.add_parser("backup", parents=[common], help="a checked copy of the database, safe while the bot runs")
    command.add_argument(
        "--out",
        required=True,
        metavar="FILE.db|DIR",
        help="backup file to write, or a folder for a new bot-2027-11-26T1900WIB.db (the election's time)",
    )
    command.set_defaults(handler=cmd_backup)


def add_restore(sub: Commands, common: argparse.ArgumentParser) -> None:
    """`restore` and its options."""
    command = sub.add_parser("restore", parents=[common], help="replace the database with a backup (bot stopped)")
    command.add_argument("file", metavar="FILE.db", help="backup file written by `backup`")
    command.set_defaults(handler=cmd_restore)
