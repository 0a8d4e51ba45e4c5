"""An operator's broadcast from the shell: `broadcast` (now, or later with `--at`) and `cancel`."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot import settings as cfg
from bot.content import telegram_html
from bot.ops.cli.common import (
    Commands,
    audit_actor,
    confirm,
    load_schedule,
    open_store,
    operator_command,
)
from bot.ops.files import BadInput
from bot.schedule import model as sched

if TYPE_CHECKING:
    from bot.store import Store


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


@operator_command
def cmd_broadcast(args: argparse.Namespace, settings: cfg.Settings) -> int:
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
    with open_store(settings) as store:
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


def parse_at(raw: str | None, night: bool, schedule: sched.Schedule) -> datetime | None:
    """The time of `broadcast --at` (None: at once); BadInput if it is unusable or, without --night, at night."""
    from bot.content.formats import zone_abbreviation
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


def schedule_broadcast(
    args: argparse.Namespace,
    store: Store,
    schedule: sched.Schedule,
    text: str,
    roles: Iterable[str],
    refs: list[str],
    at: datetime,
    n: int,
) -> int:
    """`broadcast --at`: confirm, then record the broadcast to be sent at `at` (the running bot starts it)."""
    from bot.content import reports
    from bot.content.operator_texts import zone_of
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
def cmd_cancel(args: argparse.Namespace, settings: cfg.Settings) -> int:
    """Cancel a scheduled broadcast before it starts; exit 2, saying why, when it cannot be."""
    from bot.content.operator_texts import zone_of
    from bot.store import ADHOC, DONE, UNFINISHED

    schedule = load_schedule(settings.schedule)
    tz, zone = schedule.election.tz, zone_of(schedule.election.timezone)

    def when(ts: float) -> str:
        return f"{datetime.fromtimestamp(ts, tz):%Y-%m-%d %H:%M} {zone}"

    with open_store(settings) as store:
        cancelled, b = store.cancel_scheduled(args.id)
        if cancelled and b is not None:
            store.log_action(audit_actor(), "cancel", b.id, f"at={when(b.at)}")
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


def follow(store: Store, broadcast_id: str, total: int, timeout: float, interval: float = 0.5) -> int:
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
    finished = store.broadcast(broadcast_id)
    if finished is not None:
        print(summary_line(finished))
    return 0


def add_broadcast(sub: Commands, common: argparse.ArgumentParser) -> None:
    """`broadcast` and its options."""
    command = sub.add_parser(
        "broadcast",
        parents=[common],
        help="send an ad-hoc message to subscribers of some roles (the running bot delivers it)",
    )
    command.add_argument("--roles", required=True, help=f"comma-separated roles: {', '.join(sched.ROLES)}")
    command.add_argument("--text-file", required=True, help="file with the message in Telegram HTML (UTF-8)")
    command.add_argument(
        "--areas",
        metavar="REF,...",
        help="only these kecamatan or desa, e.g. kedungwaru,ngunut/kaliwungu (default: everybody, "
        "also people who gave no area)",
    )
    command.add_argument(
        "--at",
        metavar="'YYYY-MM-DD HH:MM'",
        help="send it later, at this local time of the election's time zone (also 'DD/MM/YYYY HH:MM' or "
        "'DD-MM-YYYY HH.MM'); recipients are counted then. Cancel it before with `cancel ID`",
    )
    command.add_argument(
        "--night",
        action="store_true",
        help="with --at: the time may be in the quiet hours (21:00-06:00), when reminders never start",
    )
    command.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    command.add_argument("--no-wait", action="store_true", help="queue it and exit without following its progress")
    command.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="stop following it when no copy reaches an outcome within this time (default 30); it stays queued",
    )
    command.set_defaults(handler=cmd_broadcast)


def add_cancel(sub: Commands, common: argparse.ArgumentParser) -> None:
    """`cancel` and its options."""
    command = sub.add_parser(
        "cancel", parents=[common], help="cancel a broadcast scheduled with `broadcast --at` before it starts"
    )
    command.add_argument("id", help="its id, as `broadcast --at` and `plan` print it (siaran:N)")
    command.set_defaults(handler=cmd_cancel)
