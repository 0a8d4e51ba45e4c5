"""An outage with hysteresis: intermittent errors are one outage, logged "failing" once and
"recovered" once, the latter only after a quiet period without errors (a fake clock here)."""

from __future__ import annotations

import asyncio
import logging
import random
import sqlite3
from datetime import datetime, timedelta

from telegram.error import NetworkError

from bot.delivery.health import Outage
from bot.delivery.scheduler import Scheduler
from tests.conftest import TZ, make_schedule


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def lines(caplog, level: int) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "bot.delivery.health" and r.levelno == level]


def test_a_30_percent_fault_rate_for_35_s_is_one_failing_line_and_one_recovered_line(caplog):
    caplog.set_level(logging.INFO, logger="bot.delivery.health")
    clock, told = Clock(), []
    outage = Outage("polling Telegram", lambda part, event, detail: told.append((event, detail)), clock=clock)
    faults = random.Random(7)
    failures: list[float] = []
    while clock.now < 1035.0:  # 35 s, a request every 0.3 s, 30 % of them failing
        if faults.random() < 0.3:
            outage.failed(NetworkError("Bad Gateway"))
            failures.append(clock.now)
        else:
            outage.ok()
        clock.now += 0.3
    assert len(failures) > 30
    assert outage.down
    while clock.now < failures[-1] + outage.QUIET:  # it works again, but not yet for the quiet period
        outage.ok()
        assert outage.down
        clock.now += 0.3
    assert lines(caplog, logging.INFO) == []
    outage.ok()
    assert not outage.down
    [failing] = lines(caplog, logging.WARNING)
    assert failing == "polling Telegram failing: NetworkError: Bad Gateway; retrying with backoff"
    lasted = failures[-1] + 0.3 - failures[0]  # until the first success after the last failure
    [recovered] = lines(caplog, logging.INFO)
    assert recovered == f"polling Telegram recovered after {lasted:.1f} s ({len(failures)} failed attempts)"
    assert told == [("down", "NetworkError: Bad Gateway"), ("up", f"{lasted:.0f}")]


def test_backoff_follows_consecutive_failures_and_a_new_outage_after_recovery_is_told_again(caplog):
    caplog.set_level(logging.INFO, logger="bot.delivery.health")
    clock = Clock()
    outage = Outage("delivery engine", clock=clock, quiet=10)
    locked = sqlite3.OperationalError("database is locked")
    assert [outage.failed(locked) for _ in range(4)] == [1, 2, 4, 8]
    outage.ok()
    assert outage.failed(locked) == 1  # a success between: the backoff starts again, the outage goes on
    clock.now += 9
    outage.ok()
    clock.now += 2  # 11 s since the last failure
    outage.ok()
    assert not outage.down
    clock.now += 60
    outage.failed(locked)
    assert len(lines(caplog, logging.WARNING)) == 2
    assert len(lines(caplog, logging.INFO)) == 1
    [first_recovery] = lines(caplog, logging.INFO)
    assert first_recovery == "delivery engine recovered after 9.0 s (5 failed attempts)"


async def test_a_part_that_goes_quiet_after_it_works_again_still_logs_its_recovery():
    recovered = asyncio.Event()

    def notify(part: str, event: str, detail: str) -> None:
        if event == "up":
            recovered.set()

    outage = Outage("scheduler", notify, quiet=0.2)
    outage.failed(sqlite3.OperationalError("database is locked"))
    outage.ok()  # the last call it makes for hours: the event loop ends the outage
    await asyncio.wait_for(recovered.wait(), 5)
    assert not outage.down


async def test_the_scheduler_is_not_back_while_one_of_its_tasks_still_fails(store, monkeypatch):
    """A poll's reads succeed during a write lock while an enqueue keeps failing: no "back" yet."""
    monkeypatch.setattr(Outage, "QUIET", 0.0)
    told: list[str] = []
    schedule = make_schedule([{"id": "hari-h", "at": datetime.now(TZ) + timedelta(days=1), "roles": ["pemilih"]}])
    scheduler = Scheduler(schedule, store, None, lambda: None, notify=lambda part, event, detail: told.append(event))  # type: ignore[arg-type]
    scheduler.outage.base = 0.01
    lock_held = asyncio.Event()
    failures = {"left": 5}

    def enqueue(_store) -> str:
        if failures["left"]:
            failures["left"] -= 1
            lock_held.set()
            raise sqlite3.OperationalError("database is locked")
        return "enqueued"

    enqueueing = asyncio.create_task(scheduler._retrying("enqueue of hari-h", enqueue))
    await lock_held.wait()
    assert await scheduler._retrying("scheduled broadcasts", lambda _store: "read") == "read"
    assert told == ["down"], "a read that worked does not end the outage of a write that fails"
    assert scheduler.outage.down
    assert await enqueueing == "enqueued"
    assert told == ["down", "up"]
    assert not scheduler.outage.down
