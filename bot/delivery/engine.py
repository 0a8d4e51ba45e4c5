"""Delivery: the engine that drains the outbox, through the pacer (``bot.delivery.pacer``).

- Broadcast copies go through ``bot.delivery.sender.Sender``, a lean aiohttp keep-alive client, because
  python-telegram-bot's per-request overhead caps one process well below 1,000 messages/s.
- ``Engine`` takes due deliveries from the outbox in the store, sends them, and records each
  outcome: sent, blocked (403), gone (chat not found), expired, failed (after bounded retries).
  Its database work runs on a thread of its own, and it survives any failure (see ``Engine``).
  What a failed send becomes is ``bot.delivery.failures``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram.error import RetryAfter

from bot import store as st
from bot.content import pledges, texts
from bot.delivery.failures import CANCELLED_BY_OPERATOR, NETWORK_WAIT_CAP, Expired, FailureHandling
from bot.delivery.health import BACKOFF_CAP, Outage
from bot.delivery.outcomes import Finished, Outcome, Released, copy, record
from bot.delivery.pacer import BROADCAST, Pacer, retry_seconds
from bot.delivery.personal import Personaliser, Pins
from bot.delivery.sender import Sender

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass
class Progress:
    """Where a broadcast stood at the previous progress report (wall time)."""

    sent: int
    at: float


# An outcome to record: the name of a Store method and its arguments. Written in batches by the
# engine's database thread (one transaction per round), not one by one on the event loop.
Op = Outcome  # what one send or stop leaves to be written


class Engine(FailureHandling):
    """Drains the outbox: takes due deliveries, sends them through the pacer, records outcomes.

    Every database call runs on one worker thread with a connection of its own, so a write lock
    held elsewhere (a backup, ``sqlite3`` in a shell) never freezes the event loop. Any failure of
    a round (``database is locked`` included) is logged once, told to the operators once, and
    retried with capped exponential backoff (:class:`bot.delivery.health.Outage`); the engine never ends
    before :meth:`stop`.
    """

    def __init__(
        self,
        store: st.Store,
        sender: Sender,
        pacer: Pacer,
        *,
        concurrency: int = 16,
        queue: int | None = None,
        max_attempts: int = 6,
        backoff_base: float = 1.0,
        backoff_cap: float = BACKOFF_CAP,
        paid_broadcast: bool = False,
        progress_interval: float = 10.0,
        network_wait_cap: float = NETWORK_WAIT_CAP,
        notify: Callable[[str, str, str], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store  # only its path is used: the engine opens its own connection
        self.sender = sender
        self.pacer = pacer
        self.concurrency = concurrency  # copies taken at once: waiting for a send slot or on the wire
        # Of those, at most this many wait for a slot: enough to never leave the pacer without a copy,
        # few enough that a slow network's round trips, not a long queue, use up `concurrency`.
        self.queue = concurrency if queue is None else max(1, min(queue, concurrency))
        self._queued = 0  # copies waiting for a send slot now
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.paid_broadcast = paid_broadcast
        self.progress_interval = progress_interval
        self.clock = clock  # wall time, as the scheduler's: expiry, retry times, progress (tests shift it)
        self.outage = Outage("delivery engine", notify)
        self.network = Outage("Telegram connection (broadcasts)")
        self.network_wait_cap = network_wait_cap
        self._offline_until = -math.inf  # while the network is down: no new work before this (wall time)
        self.last_ran: float | None = None  # wall time of the last round that completed
        self._wake = asyncio.Event()
        self._stop_event = asyncio.Event()
        self._tasks: dict[asyncio.Task, tuple[st.Job, dict]] = {}
        self._ops: list[Op] = []  # outcomes of finished sends, not yet written
        self._stopping = False
        self._loop_done: asyncio.Event | None = None  # set when run() has left its last round
        self._progress: dict[str, Progress] = {}
        self._dropped: set[str] = set()  # broadcasts an operator stopped (/batal): copies taken are not sent
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine-db")
        self._db_store: st.Store | None = None
        self._recovered = False
        self._last_housekeeping = -math.inf
        self._last_progress = time.monotonic()
        self.recovered = 0
        self.username: str | None = None  # the bot's @name, named in the channel's copies: set at start
        self.personal = Personaliser()  # each recipient's TPS in the copies: set from the schedule
        self.pins = Pins(sender, pacer)

    def wake(self) -> None:
        """Something was enqueued: look at the outbox now rather than at the next poll."""
        self._wake.set()

    def drop(self, broadcast_id: str) -> int:
        """An operator stopped the broadcast: its copies taken but still waiting for a send slot are
        recorded as cancelled, not sent (those on the wire finish). Returns how many were waiting.

        Up to ``queue`` copies (half a second of sends) wait there: /batal must stop them too."""
        self._dropped.add(broadcast_id)
        waiting = [
            (task, args)
            for task, (job, args) in self._tasks.items()
            if job.broadcast_id == broadcast_id and not args.get("started")
        ]
        for task, args in waiting:
            args["dropped"] = True
            task.cancel()
        return len(waiting)

    # -- the database thread ---------------------------------------------------------------------

    async def _db(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    def _conn(self) -> st.Store:
        """The engine's own connection (database thread only)."""
        if self._db_store is None:
            self._db_store = self.store.reopen()
        if self._db_store.conn.in_transaction:  # a COMMIT that failed leaves one open
            self._db_store.conn.execute("ROLLBACK")
        return self._db_store

    def _round(
        self, batch: list[Op], free: int, housekeeping: bool, progress: bool, want_due: bool
    ) -> tuple[list[Any], float | None]:
        """Database thread: record outcomes, take new work, housekeeping; one call per round."""
        store = self._conn()
        if not self._recovered:
            self.recovered = store.recover_in_flight()
            self._recovered = True
            if self.recovered:
                log.warning(
                    "%d deliveries were in flight when the bot last stopped; sending them again "
                    "(at most %d people may get a message twice)",
                    self.recovered,
                    self.recovered,
                )
        apply_outcomes(store, batch)
        if housekeeping:
            store.expire_overdue(now=self.clock())
            for b in store.close_finished(now=self.clock()):
                self._progress.pop(b.id, None)
                log.info("broadcast %s finished: %s", b.id, summary_line(b))
        if progress:
            self._log_progress(store)
        due = store.next_due() if want_due else None
        # Last: once taken, copies are 'sending', and nothing after this may fail and strand them.
        jobs = store.take(free, now=self.clock()) if free > 0 else []
        return jobs, due

    def _close_conn(self) -> None:
        if self._db_store is not None:
            self._db_store.close()
            self._db_store = None

    # -- the loop --------------------------------------------------------------------------------

    async def run(self) -> None:
        """Rounds until :meth:`stop`; a failed round is retried after a backoff, never fatal."""
        self._loop_done = asyncio.Event()
        try:
            while not self._stopping:
                try:
                    idle, due = await self._step()
                except Exception as exc:
                    await self._pause(self.outage.failed(exc))
                    continue
                self.outage.ok()
                self.last_ran = time.time()  # for the heartbeat file, read by other processes: real time
                if idle:
                    await self._idle(due)
        finally:
            self._loop_done.set()

    async def _pause(self, seconds: float) -> None:
        """Wait `seconds` before the next try, or less if the engine is stopped."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop_event.wait(), seconds)

    async def _step(self) -> tuple[bool, float | None]:
        """One round; returns whether to idle and, if nothing is in flight, the next retry time."""
        self._wake.clear()  # before the database call: a send that ends during it wakes the idle
        now = time.monotonic()
        housekeeping = now - self._last_housekeeping >= 0.5 or not self._tasks
        progress = now - self._last_progress >= self.progress_interval
        free = min(self.concurrency - len(self._tasks), self.queue - self._queued)
        if self.clock() < self._offline_until:  # the network is down: wait for the next probe
            free = 0
        batch, self._ops = self._ops, []
        try:
            jobs, due = await self._db(self._round, batch, free, housekeeping, progress, not self._tasks)
        except BaseException:
            self._ops[:0] = batch  # what was not written is tried again next round
            raise
        if housekeeping:
            self._last_housekeeping = now
        if progress:
            self._last_progress = now
        if self._stopping:  # stop() came during the call: these were never attempted
            self._ops.extend(Released(job.broadcast_id, job.chat_id) for job in jobs)
            return False, None
        for job in jobs:
            if job.broadcast_id in self._dropped:  # taken by a round that ran while /batal came
                self._ops.append(Finished(job.broadcast_id, job.chat_id, st.CANCELLED, CANCELLED_BY_OPERATOR))
                continue
            args: dict = {"started": False}  # set once the request is on the wire
            self._queued += 1
            args["queued"] = True  # until it has a slot (or ends without one: see _unqueue)
            task = asyncio.create_task(self._deliver(job, args))
            self._tasks[task] = (job, args)
            task.add_done_callback(self._done)
        return (not jobs or len(self._tasks) >= self.concurrency or self._queued >= self.queue), due

    def _unqueue(self, args: dict) -> None:
        """A copy no longer waits for a slot (it got one, or ended, even cancelled before it ran)."""
        if args.pop("queued", False):
            self._queued -= 1
            if self._queued <= self.queue // 2:  # refill before the pacer runs dry, not after a round trip
                self._wake.set()

    def _done(self, task: asyncio.Task) -> None:
        if (entry := self._tasks.pop(task, None)) is not None:
            self._unqueue(entry[1])
        if not task.cancelled():
            self._ops.extend(task.result())
        self._wake.set()

    async def _idle(self, due: float | None) -> None:
        timeout = 1.0
        if due is not None:  # only with nothing in flight can the next retry be what we wait for
            timeout = min(timeout, max(0.0, due - self.clock()))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout)

    def _log_progress(self, store: st.Store) -> None:
        now = self.clock()
        for b in store.active_broadcasts():
            p = self._progress.setdefault(b.id, Progress(0, b.enqueued_at or b.created_at))
            rate = (b.n_sent - p.sent) / max(1e-9, now - p.at)
            p.sent, p.at = b.n_sent, now
            pending = st.undelivered(b)
            eta = now + pending / rate if rate > 0 else None
            store.record_progress(b.id, rate, eta)
            eta_text = time.strftime("%H:%M:%S", time.localtime(eta)) if eta else "?"
            log.info(
                "broadcast %s: sent %d, pending %d, blocked %d, failed %d, %.1f msg/s, estimated finish %s",
                b.id, b.n_sent, pending, b.n_blocked + b.n_gone, b.n_failed, rate, eta_text,
            )  # fmt: skip

    async def _deliver(self, job: st.Job, args: dict) -> list[Op]:
        """Send one copy; returns the outcome to record (written later, in a batch)."""
        try:
            await self._send(job, args)
        except asyncio.CancelledError:
            if args.get("dropped"):
                self._ops.append(Finished(job.broadcast_id, job.chat_id, st.CANCELLED, CANCELLED_BY_OPERATOR))
            elif not args.get("started"):
                self._ops.append(Released(job.broadcast_id, job.chat_id))
            raise
        except Exception as exc:
            return self._failure(job, exc)
        self._network_ok()
        if (pin := self.personal.pin(job)) is not None:
            self.pins.follow(job, pin)
        return [Finished(job.broadcast_id, job.chat_id, st.SENT)]

    async def _send(self, job: st.Job, args: dict) -> None:
        """Wait for a send slot, then send the copy (``args["started"]`` once it is on its way)."""
        chat_id = job.chat_id
        try:
            await self.pacer.acquire(chat_id, (BROADCAST, job.deliver_by))
        finally:
            self._unqueue(args)
        if self.clock() >= job.expires:
            raise Expired()
        args["started"] = True
        text = texts.channel_text(self.personal.text(job), self.username) if job.to_channel else self.personal.text(job)
        try:
            await self.sender.send_message(
                chat_id, text, disable_notification=job.silent, allow_paid_broadcast=self.paid_broadcast,
                reply_markup=self.personal.markup(job, pledges.markup(job.ask, chat_id, job.language), self.username),
            )  # fmt: skip
        except RetryAfter as exc:
            self.pacer.pause(retry_seconds(exc), BROADCAST)
            raise

    async def stop(self, timeout: float = 4.0) -> None:
        """Stop taking work; let requests already on the wire finish (up to `timeout`) and record them."""
        self._stopping = True
        self._stop_event.set()
        self._wake.set()
        waiting = [t for t, (_, args) in self._tasks.items() if not args.get("started")]
        for task in waiting:
            task.cancel()
        self.pins.stop()
        deadline = time.monotonic() + timeout
        if self._loop_done is not None:
            # A round in the database thread may have just taken jobs; it hands them back (as
            # 'release' outcomes) when it returns, and those must be in the batch written below.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._loop_done.wait(), timeout)
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=max(0.1, deadline - time.monotonic()))
        left = list(self._tasks)
        for task in left:  # still on the wire: stays 'sending', resumed after the restart
            task.cancel()
        if left:
            await asyncio.wait(left, timeout=0.5)
        batch, self._ops = self._ops, []
        try:
            await asyncio.wait_for(self._db(self._apply_and_close, batch), 3.0)
        except Exception as exc:  # a lock held elsewhere: those copies are resumed after the restart
            log.warning("could not record %d delivery outcomes at stop: %s", len(batch), exc)
        self._executor.shutdown(wait=False)

    def _apply_and_close(self, batch: list[Op]) -> None:
        try:
            apply_outcomes(self._conn(), batch)
        finally:
            self._close_conn()


def apply_outcomes(store: st.Store, batch: list[Outcome]) -> None:
    """Write a batch of outcomes in one transaction; applied ones are removed from `batch`.

    A lock or I/O error leaves the whole batch to be tried again; a bug in one outcome must not
    hold back the others, so then they are written one by one and the broken one is skipped.
    """
    if not batch:
        return
    try:
        with store.transaction():
            for outcome in batch:
                record(store, outcome)
    except sqlite3.OperationalError:
        raise
    except Exception:
        log.exception("recording %d delivery outcomes failed; recording them one by one", len(batch))
        while batch:
            outcome = batch[0]
            try:
                with store.transaction():
                    record(store, outcome)
            except sqlite3.OperationalError:
                raise
            except Exception:
                log.exception("could not record %s; the copy goes back in line", type(outcome).__name__)
                release_after_failure(store, outcome)
            batch.pop(0)
    batch.clear()


def release_after_failure(store: st.Store, outcome: Outcome) -> None:
    """An outcome that could not be recorded must not leave its copy 'sending' for ever: it goes
    back to pending (sent again; a duplicate is better than a copy that never ends)."""
    row = copy(outcome)
    if row is None:
        return
    try:
        with store.transaction():
            store.release(*row)
    except sqlite3.OperationalError:
        raise
    except Exception:
        log.exception("could not put %s back in line either", row[0])


def summary_line(b: st.Broadcast) -> str:
    """One line of final figures for a broadcast row."""
    return (
        f"{b.total} recipients: {b.n_sent} sent, {b.n_blocked} blocked, {b.n_gone} gone, "
        f"{b.n_expired} expired, {b.n_failed} failed, {b.n_cancelled} cancelled "
        f"({b.n_retries} retries, {b.n_resumed} resumed after a restart)"
    )
