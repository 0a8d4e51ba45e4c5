"""Staying alive and saying so: outages with capped backoff, the heartbeat, and `bot.py health`.

- :class:`Outage` follows one part of the bot (delivery engine, scheduler, polling, the network
  as the engine sees it) through a failure: the first error logs one WARNING line (no traceback
  for a database lock or a network error) and tells the operators once; later errors of the same
  outage log at DEBUG; once it works and no error followed for 30 s, one INFO line says how long
  it lasted (and the operators are told). It also says how long to wait before the next try:
  exponential, capped at 60 s.
- :class:`PollRecorder` is the request object python-telegram-bot uses for ``getUpdates`` only;
  it notes when a call last came back with an answer, which is what "polled" means in a heartbeat.
- :class:`Heartbeat` writes a row to the database every few seconds: pid, last poll, last
  engine loop. :func:`check` reads it (read-only) for ``python bot.py health``; after each beat
  ``on_beat`` gets the same verdict (:func:`problems`), which feeds systemd's watchdog.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any

from telegram.error import NetworkError
from telegram.request import HTTPXRequest

from bot import store as st

log = logging.getLogger(__name__)

BACKOFF_CAP = 60.0
MAX_AGE = 60.0  # `health` fails when the last poll or engine loop is older than this


def backoff(failures: int, base: float = 1.0, cap: float = BACKOFF_CAP) -> float:
    """Seconds to wait after the `failures`-th consecutive failure: 1, 2, 4, ... never above `cap`."""
    return min(cap, base * 2 ** min(max(failures - 1, 0), 32))


def expected(exc: BaseException) -> bool:
    """Failures the outside world causes (a lock held too long, a network down): no traceback."""
    return isinstance(exc, sqlite3.OperationalError | NetworkError | OSError | TimeoutError)


class Outage:
    """One part of the bot through failures and recovery; see the module docstring.

    Hysteresis, so that intermittent errors (say 30 % of requests failing) make one outage, not a
    WARNING and an INFO line per error: an outage begins at a failure while none is open, and ends
    only once a success came and no failure followed for `quiet` seconds. The end is noticed at the
    next call, or by a timer on the running event loop (a quiet part makes no more calls).
    """

    QUIET = 30.0  # seconds without a failure, after a success, before an outage counts as over

    def __init__(
        self,
        name: str,
        notify: Callable[[str, str, str], None] | None = None,
        *,
        base: float = 1.0,
        cap: float = BACKOFF_CAP,
        clock: Callable[[], float] = time.monotonic,
        quiet: float | None = None,
    ) -> None:
        self.name = name
        self.notify = notify
        self.base = base
        self.cap = cap
        self.clock = clock
        self.quiet = self.QUIET if quiet is None else quiet
        self.failures = 0  # consecutive: sets the backoff
        self.attempts = 0  # failed in this outage, for its recovery line
        self.since: float | None = None  # when the outage began
        self.failed_at: float | None = None  # its latest failure
        self.back_at: float | None = None  # the first success after that failure
        self._timer: asyncio.TimerHandle | None = None

    @property
    def down(self) -> bool:
        return self.since is not None

    def failed(self, exc: BaseException) -> float:
        """Record a failure; returns the seconds to wait before trying again."""
        self.failures += 1
        self.attempts += 1
        self.failed_at, self.back_at = self.clock(), None
        if self.since is None:
            self.since = self.failed_at
            if expected(exc):
                log.warning("%s failing: %s: %s; retrying with backoff", self.name, type(exc).__name__, exc)
            else:
                log.error("%s failing; retrying with backoff", self.name, exc_info=exc)
            self._tell("down", f"{type(exc).__name__}: {exc}")
        else:
            log.debug("%s still failing (%d): %s", self.name, self.attempts, exc)
        return backoff(self.failures, self.base, self.cap)

    def ok(self) -> None:
        """Record a success; the outage ends once no failure followed one for `quiet` seconds."""
        self.failures = 0
        if self.since is None:
            return
        if self.back_at is None:
            self.back_at = self.clock()
        if self._timer is None or self._left() <= 0:  # one timer at a time, however many successes
            self._settle()

    def _left(self) -> float:
        """Seconds until the outage has been quiet long enough to end."""
        return (self.failed_at or 0.0) + self.quiet - self.clock()

    def _settle(self) -> None:
        """End the outage if it has been quiet long enough, else look again when it will have been."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.since is None or self.back_at is None:
            return  # over already, or failing again: the next success looks again
        left = self._left()
        if left <= 0:
            self._recovered()
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (a command, a test): the next call looks again
            return
        self._timer = loop.call_later(left, self._settle)

    def _recovered(self) -> None:
        if self.since is None or self.back_at is None:
            return
        lasted = self.back_at - self.since
        log.info("%s recovered after %.1f s (%d failed attempts)", self.name, lasted, self.attempts)
        self.since = self.failed_at = self.back_at = None
        self.attempts = 0
        self._tell("up", f"{lasted:.0f}")

    def _tell(self, event: str, detail: str) -> None:
        if self.notify is None:
            return
        try:
            self.notify(self.name, event, detail)
        except Exception:  # telling operators must never take the component down with it
            log.warning("could not notify operators about %s", self.name, exc_info=True)


class Alerts:
    """Conditions an operator must act on, though the bot keeps running: another bot polling with
    the same token, a long flood-wait from Telegram. Each kind is logged once (one line) and told to
    the operators once, until it has been quiet for `quiet` seconds; `health` names every kind seen
    in the last `MAX_AGE` seconds (see :meth:`active`)."""

    def __init__(
        self,
        notify: Callable[[str, dict], None] | None = None,
        *,
        quiet: float = 600.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.notify = notify  # (kind, values for its text): tell the operators
        self.quiet = quiet
        self.clock = clock
        self.seen: dict[str, tuple[float, str]] = {}  # kind -> (named until, what health says)

    def raised(self, kind: str, detail: str, said: str, lasts: float = 0.0, **values: object) -> None:
        """`kind` happened now: `detail` goes to the log, `values` into the operators' text, `said` to
        `health` (for `lasts` seconds, then MAX_AGE more)."""
        now = self.clock()
        last = self.seen.get(kind)
        self.seen[kind] = (now + lasts, said)
        if last is not None and now - last[0] < self.quiet:
            return
        log.warning("%s", detail)
        if self.notify is not None:
            try:
                self.notify(kind, values)
            except Exception:  # telling operators must never take the bot down with it
                log.warning("could not notify operators about %s", kind, exc_info=True)

    def active(self, max_age: float = MAX_AGE) -> list[str]:
        """What `health` reports: each kind seen in the last `max_age` seconds."""
        now = self.clock()
        return [said for until, said in self.seen.values() if now - until <= max_age]


class PollRecorder(HTTPXRequest):
    """The ``getUpdates`` request object: remembers when Telegram last answered a poll."""

    def __init__(self, *args: Any, on_answer: Callable[[], None] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.answered_at: float | None = None
        self.on_answer = on_answer

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        result = await super().do_request(*args, **kwargs)
        if result[0] == 200:
            self.answered_at = time.time()
            if self.on_answer is not None:
                self.on_answer()
        return result


STARTUP_BEAT = 0.5  # seconds between heartbeats until the first healthy one


class Heartbeat:
    """Writes pid, last poll and last engine loop to the database every `interval` seconds.

    `values` returns the current (polled_at, engine_at). The row is written from a worker thread on
    a connection of its own (`open_store`); a write that fails (database locked) is skipped: the
    row simply gets older, which is what `health` should then see. One lock serialises the writes
    and the close: a write whose task was cancelled at stop still runs in its thread, and a
    connection used by two threads at once, or closed under a running statement, can crash Python.
    """

    def __init__(
        self,
        open_store: Callable[[], st.Store],
        values: Callable[[], tuple[float | None, float | None]],
        interval: float = 5.0,
        on_beat: Callable[[list[str]], None] | None = None,
        alerts: Callable[[], list[str]] = list,
    ) -> None:
        self.open_store = open_store
        self.values = values
        self.alerts = alerts  # conditions `health` must name though the bot runs (see Alerts)
        self.interval = interval
        self.on_beat = on_beat  # gets the problems `health` would report (none: healthy)
        self.pid = os.getpid()
        self._store: st.Store | None = None
        self._lock = threading.Lock()
        self._closed = False

    def row(self, stopped: bool = False) -> dict:
        polled_at, engine_at = self.values()
        row: dict = {"pid": self.pid, "polled_at": polled_at, "engine_at": engine_at, "written_at": time.time()}
        row["alerts"] = self.alerts()
        if stopped:
            row["stopped_at"] = time.time()
        return row

    def _write(self, row: dict) -> None:
        with self._lock:
            if self._closed:
                return
            if self._store is None:
                self._store = self.open_store()
            self._store.write_heartbeat(row)

    def _close(self) -> None:
        with self._lock:
            self._closed = True
            store, self._store = self._store, None
            if store is not None:
                store.close()

    async def write(self, stopped: bool = False) -> None:
        try:
            await asyncio.to_thread(self._write, self.row(stopped))
        except sqlite3.Error as exc:
            log.debug("heartbeat not written: %s", exc)

    async def run(self) -> None:
        healthy_once = False
        while True:
            await self.write()
            healthy_once = self.beat() or healthy_once
            # Until the first healthy beat (the first poll answered, the engine ran), beat often:
            # systemd's watchdog and `health` see a starting bot well within one interval.
            await asyncio.sleep(self.interval if healthy_once else min(self.interval, STARTUP_BEAT))

    def beat(self) -> bool:
        """Tell `on_beat` what `health` would say about the current values (a hung loop never gets
        here); returns whether that is healthy."""
        polled_at, engine_at = self.values()
        now = time.time()
        # Liveness only: an alert (a conflict, a flood-wait) is not cured by a restart.
        found = problems(_age(polled_at, now), _age(engine_at, now))
        if self.on_beat is not None:
            try:
                self.on_beat(found)
            except Exception:
                log.warning("heartbeat hook failed", exc_info=True)
        return not found

    async def close(self) -> None:
        """Write the last row (the bot stopped) and close the connection."""
        await self.write(stopped=True)
        await asyncio.to_thread(self._close)


def _age(ts: float | None, now: float) -> float | None:
    return None if ts is None else max(0.0, now - ts)


def problems(polled: float | None, engine: float | None, max_age: float = MAX_AGE) -> list[str]:
    """What makes a bot unhealthy, given the ages (seconds) of its last poll and engine loop."""
    found = []
    if polled is None or polled > max_age:
        found.append("never polled" if polled is None else f"last polled {polled:.0f} s ago")
    if engine is None or engine > max_age:
        found.append("engine never ran" if engine is None else f"engine last ran {engine:.0f} s ago")
    return found


def check(database: str, now: float | None = None, max_age: float = MAX_AGE) -> tuple[int, str]:
    """(exit code, one line) for `python bot.py health`: 0 when a bot on this database polled and
    its engine ran in the last `max_age` seconds, 1 otherwise, 2 when the file does not exist."""
    now = time.time() if now is None else now
    try:
        beat = st.read_heartbeat(database)
    except FileNotFoundError:
        return 2, f"database {database} does not exist (set BOT_DATABASE or --database)"
    except sqlite3.Error as exc:
        return 1, f"unhealthy: cannot read {database}: {exc}"
    if beat is None:
        return 1, f"unhealthy: no bot has run on {database}"
    pid = beat.get("pid")
    if beat.get("stopped_at"):
        return 1, f"unhealthy: bot pid {pid} stopped {_age(beat['stopped_at'], now):.0f} s ago"
    polled, engine = _age(beat.get("polled_at"), now), _age(beat.get("engine_at"), now)
    found = problems(polled, engine, max_age) + list(beat.get("alerts") or [])
    if found:
        return 1, f"unhealthy: bot pid {pid} " + ", ".join(found)
    return 0, f"ok: bot pid {pid} polled {polled:.0f} s ago, engine ran {engine:.0f} s ago"
