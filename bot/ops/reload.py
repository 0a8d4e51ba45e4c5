"""Reload the schedule file without a restart (SIGHUP, `systemctl reload`, `python bot.py reload`).

The file is checked exactly as `check` checks it (bot/ops/preflight.py). If it is invalid, the running
schedule stays, the log gets the lines `check` prints, and the operators get one message. If it is
valid, the scheduler switches to it as a restart would (bot/delivery/scheduler.py ``Scheduler.reload``):
corrections for moved stages, new reminders scheduled, removed ones unscheduled, moved ones
rescheduled; the runtime's schedule is swapped, so /jadwal and the rest show the new one at once.
The next election's file is refused like an invalid one: switching to it is `bot.py new-election`.
Polling and replies go on throughout: the file is read and checked in a worker thread.

Each reload's outcome is one meta row (``reload``), which `python bot.py reload` waits for.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import asdict, dataclass, field

from telegram.ext import Application

from bot.content import operator_texts
from bot.ops import elections, preflight, systemd
from bot.schedule.model import Schedule, ScheduleError
from bot.store import Store
from bot.telegram import errors
from bot.telegram.context import runtime_of

log = logging.getLogger(__name__)

META_KEY = "reload"


@dataclass(frozen=True)
class Outcome:
    """What one reload did; stored as JSON in the ``reload`` meta row."""

    started: float  # Unix time the reload began (after any reload before it finished)
    file: str
    ok: bool
    problems: list[str] = field(default_factory=list)  # when not ok: the lines `check` prints
    stages: int = 0
    reminders: int = 0
    new: int = 0
    removed: int = 0
    changed: int = 0
    corrections: int = 0

    def line(self) -> str:
        """One line for the log and `bot.py reload`."""
        if not self.ok:
            return f"not reloaded: {self.file} has {len(self.problems)} problem(s); the running schedule stays"
        corrections = f"{self.corrections} correction{'' if self.corrections == 1 else 's'}"
        return (
            f"reloaded {self.file}: {self.stages} stages, {self.reminders} reminders; {self.new} new, "
            f"{self.removed} removed, {self.changed} changed, {corrections}"
        )

    @classmethod
    def from_row(cls, row: dict) -> Outcome:
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in row.items() if k in known})


def differences(old: Schedule, new: Schedule) -> tuple[int, int, int]:
    """(new, removed, changed) reminders between two schedules, by id."""
    before = {r.id: r for r in old.reminders}
    after = {r.id: r for r in new.reminders}
    added = sum(1 for rid in after if rid not in before)
    removed = sum(1 for rid in before if rid not in after)
    changed = sum(1 for rid, r in after.items() if rid in before and before[rid] != r)
    return added, removed, changed


async def reload_schedule(application: Application, path: str | None = None) -> Outcome:
    """Check the schedule file and switch to it if valid; never raises. Reloads run one at a time."""
    rt = runtime_of(application)
    async with rt.reload_lock:
        started = time.time()
        file = path or rt.settings.schedule
        systemd.reloading()
        try:
            outcome = await _reload(application, file, started)
        except Exception as exc:  # a bug or a database failure: the bot keeps serving
            log.exception("schedule reload failed")
            outcome = Outcome(started, file, ok=False, problems=[f"reload failed: {type(exc).__name__}: {exc}"])
        finally:
            systemd.notify("READY=1")
        log.log(logging.INFO if outcome.ok else logging.ERROR, "%s", outcome.line())
        await _record(application, outcome)
        return outcome


async def _reload(application: Application, file: str, started: float) -> Outcome:
    rt = runtime_of(application)
    log.info("reloading the schedule from %s", file)
    try:
        schedule = await asyncio.to_thread(preflight.load, file)
    except ScheduleError as exc:
        for line in exc.problems:  # the same lines `check` prints
            log.error("%s", line)
        problems = list(exc.problems)
        await errors.tell_each_operator(
            application, lambda language: operator_texts.reload_refused_text(file, problems, language), "reload"
        )
        return Outcome(started, file, ok=False, problems=problems)
    old, reason = await asyncio.to_thread(_new_election, rt.store, schedule)
    if reason is not None:  # the next election's dates are not corrections: `new-election` switches
        line = elections.refusal(reason, file)
        log.error("%s", line)
        day, new, was = (
            schedule.voting_day(),
            schedule.election.name,
            old.name if old and old.name else rt.schedule.election.name,
        )
        await errors.tell_each_operator(
            application,
            lambda language: operator_texts.new_election_refused_text(file, was, new, day, language),
            "reload",
        )
        return Outcome(started, file, ok=False, problems=[line])
    for warning in schedule.warnings:
        log.warning("schedule: %s", warning)
    added, removed, changed = differences(rt.schedule, schedule)
    rt.use_schedule(schedule)
    corrections = await rt.scheduler.reload(schedule)
    log.info("schedule reloaded (%s)", schedule.summary())
    return Outcome(
        started,
        file,
        ok=True,
        stages=len(schedule.stages),
        reminders=len(schedule.reminders),
        new=added,
        removed=removed,
        changed=changed,
        corrections=len(corrections),
    )


def _new_election(store: Store, schedule: Schedule) -> tuple[elections.Identity | None, str | None]:
    """The election the database follows, and why `schedule` is another one (None: it is the same).

    On a connection of its own: this runs in a worker thread."""
    own = store.reopen()
    try:
        old = elections.followed(own, schedule)
        return old, elections.difference(old, elections.of_schedule(schedule))
    finally:
        own.close()


async def _record(application: Application, outcome: Outcome) -> None:
    """The outcome into the meta row, on a connection of its own; a failure is only logged."""
    rt = runtime_of(application)

    def write() -> None:
        with rt.store.reopen() as store:
            store.put_meta(META_KEY, asdict(outcome))

    try:
        await asyncio.to_thread(write)
    except Exception as exc:
        log.warning("could not record the reload's outcome: %s", exc)


# --------------------------------------------------------------------------- `python bot.py reload`


def last_outcome(database: str) -> Outcome | None:
    """The outcome of the last reload recorded in the database (read-only), if any."""
    from bot.store import read_meta

    row = read_meta(database, META_KEY)
    return None if row is None else Outcome.from_row(row)


def request(database: str, timeout: float = 60.0, interval: float = 0.2) -> tuple[int, list[str]]:
    """Ask the bot running on `database` to reload its schedule file and wait for the outcome.

    Returns (exit code, lines to print): 0 reloaded; 2 no bot runs on that database, it cannot be
    signalled, or the file is invalid (the lines `check` prints); 1 no outcome within `timeout`.
    """
    import os
    import signal

    from bot.ops import lock

    if not os.path.isfile(database):
        return 2, [f"database {database} does not exist (set BOT_DATABASE or --database)"]
    held = lock.holder(database)
    if held is None:
        return 2, [f"no bot is running on {database}: nothing to reload (the next start reads the file)"]
    pid, command = held
    if pid is None or command != "run":
        what = f"`bot.py {command}`" if command else "another process"
        return 2, [f"no bot is running on {database}: it is held by {what} (PID {pid or 'unknown'})"]
    sent = time.time()
    try:
        os.kill(pid, signal.SIGHUP)
    except PermissionError:
        return 2, [f"cannot signal the bot (PID {pid}): run this as the bot's user, e.g. sudo -u pilkada-bot"]
    except ProcessLookupError:
        return 2, [f"no bot is running on {database}: PID {pid} has just ended"]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        outcome = last_outcome(database)
        if outcome is not None and outcome.started >= sent - 0.001:
            if outcome.ok:
                return 0, [outcome.line()]
            return 2, [*outcome.problems, outcome.line()]
        time.sleep(interval)
    return 1, [f"the bot (PID {pid}) did not report a reload within {timeout:.0f} s; see its log"]
