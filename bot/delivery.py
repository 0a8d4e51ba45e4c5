"""Delivery: one pacer for every message the bot sends, and the engine that drains the outbox.

- ``Pacer`` hands out send slots: never more than ``rate`` messages in any 1-second window
  (minus a small safety margin), evenly spaced, at most one message a second to one private
  chat and 20 a minute to one group. Waiting requests are served by priority: replies to people
  first, then broadcasts by earliest deadline. A 429 pauses every slot for ``retry_after``.
- ``PacedRateLimiter`` plugs the pacer into python-telegram-bot, so handlers reply with the
  usual ``reply_text`` and still take the next free slot ahead of any broadcast.
- Broadcast copies go through ``bot.sender.Sender``, a lean keep-alive HTTP client, because
  python-telegram-bot's per-request overhead caps one process well below 1,000 messages/s.
- ``Engine`` takes due deliveries from the outbox in the store, sends them, and records each
  outcome: sent, blocked (403), gone (chat not found), expired, failed (after bounded retries).
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import math
import random
import time
import warnings
from collections import deque
from dataclasses import dataclass
from datetime import timedelta

from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

from bot import store as st
from bot.sender import Sender

log = logging.getLogger(__name__)

# Methods Telegram counts against the per-bot and per-chat message limits.
COUNTED = frozenset(
    {
        "sendMessage", "sendPhoto", "sendDocument", "sendVideo", "sendAudio", "sendVoice", "sendAnimation",
        "sendSticker", "sendMediaGroup", "sendLocation", "sendContact", "sendPoll", "copyMessage",
        "forwardMessage",
    }
)  # fmt: skip

REPLY, BROADCAST = 0, 1


def retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that the type will become timedelta
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def is_connection_error(exc: Exception) -> bool:
    """True when no HTTP answer came back (so Telegram may have taken the message), not a 5xx."""
    return "connection" in str(exc).lower()


class Expired(Exception):
    """A broadcast copy's slot came after its `expires`: it must not be sent late."""


class Pacer:
    """Send slots at an exact, smooth rate, with priorities and per-chat spacing."""

    def __init__(
        self,
        rate: float | None,
        *,
        chat_interval: float = 1.0,
        group_interval: float = 3.0,
        margin: float = 0.025,
        clock=time.monotonic,
    ):
        self.rate = rate
        self.clock = clock
        self.chat_interval = chat_interval
        self.group_interval = group_interval
        if rate:
            # "rate per second" as "n releases per span", so that rates below 1/s also work.
            self.n = max(1, math.floor(rate))
            self.span = self.n / rate + margin
            self.spacing = 0.9 / rate
        self._recent: deque[float] = deque(maxlen=self.n if rate else 1)
        self._last = -math.inf
        self._paused_until = -math.inf
        self._chat_free: dict[object, float] = {}
        self._heap: list = []
        self._seq = itertools.count()
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        if self._task is None:
            self._wake = asyncio.Event()
            self._task = asyncio.create_task(self._run(), name="pacer")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def pause(self, seconds: float) -> None:
        """Hold every slot for `seconds` (a 429 applies to the whole bot)."""
        self._paused_until = max(self._paused_until, self.clock() + seconds)
        self._wake.set()

    def _interval(self, chat_id) -> float:
        return self.group_interval if isinstance(chat_id, int) and chat_id < 0 else self.chat_interval

    async def acquire(self, chat_id, key: tuple) -> None:
        """Wait for a slot. `key` orders waiters: (REPLY, ...) before (BROADCAST, deadline)."""
        if self._task is None:
            self.start()
        fut = asyncio.get_running_loop().create_future()
        heapq.heappush(self._heap, (key, next(self._seq), chat_id, fut))
        self._wake.set()
        await fut

    def _global_ready(self) -> float:
        ready = self._paused_until
        if self.rate:
            ready = max(ready, self._last + self.spacing)
            if len(self._recent) == self.n:
                ready = max(ready, self._recent[0] + self.span)
        return ready

    async def _sleep(self, seconds: float | None) -> None:
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)

    async def _run(self) -> None:
        while True:
            while self._heap and self._heap[0][3].done():
                heapq.heappop(self._heap)
            if not self._heap:
                await self._sleep(None)
                continue
            now = self.clock()
            ready = self._global_ready()
            if ready > now:
                await asyncio.sleep(ready - now)
                continue
            chosen, skipped = None, []
            while self._heap:
                item = heapq.heappop(self._heap)
                if item[3].done():
                    continue
                if self._chat_free.get(item[2], -math.inf) <= now:
                    chosen = item
                    break
                skipped.append(item)
            for item in skipped:
                heapq.heappush(self._heap, item)
            if chosen is None:
                await self._sleep(min(self._chat_free[item[2]] for item in skipped) - now)
                continue
            chat_id, fut = chosen[2], chosen[3]
            # Count from the slot's due time, not from when the timer fired: timer lateness must not
            # add up into a lower rate. The 1-second window above still caps any catch-up.
            self._last = max(ready, now - self.spacing) if self.rate else now
            self._recent.append(now)
            self._chat_free[chat_id] = now + self._interval(chat_id)
            if len(self._chat_free) > 50_000:
                self._chat_free = {c: t for c, t in self._chat_free.items() if t > now}
            fut.set_result(None)


class PacedRateLimiter(BaseRateLimiter[dict]):
    """python-telegram-bot's rate-limiter hook, backed by the shared :class:`Pacer`.

    Everything python-telegram-bot sends is an answer to a person (broadcasts go through
    :class:`bot.sender.Sender`), so it takes the next free slot ahead of broadcast copies and is
    retried after a 429.
    """

    def __init__(self, pacer: Pacer, reply_attempts: int = 3):
        self.pacer = pacer
        self.reply_attempts = reply_attempts

    async def initialize(self) -> None:
        self.pacer.start()

    async def shutdown(self) -> None:
        await self.pacer.stop()

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):
        if endpoint not in COUNTED:
            return await callback(*args, **kwargs)
        for attempt in itertools.count(1):
            await self.pacer.acquire(data.get("chat_id"), (REPLY, 0))
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                self.pacer.pause(retry_seconds(exc))
                if attempt >= self.reply_attempts:
                    raise


@dataclass
class Progress:
    """Where a broadcast stood at the previous progress report (wall time)."""

    sent: int
    at: float


class Engine:
    """Drains the outbox: takes due deliveries, sends them through the pacer, records outcomes."""

    def __init__(
        self,
        store: st.Store,
        sender: Sender,
        pacer: Pacer,
        *,
        concurrency: int = 16,
        max_attempts: int = 6,
        backoff_base: float = 1.0,
        backoff_cap: float = 120.0,
        paid_broadcast: bool = False,
        progress_interval: float = 10.0,
    ):
        self.store = store
        self.sender = sender
        self.pacer = pacer
        self.concurrency = concurrency
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.paid_broadcast = paid_broadcast
        self.progress_interval = progress_interval
        self._wake = asyncio.Event()
        self._tasks: dict[asyncio.Task, tuple[st.Job, dict]] = {}
        self._stopping = False
        self._progress: dict[str, Progress] = {}
        self.recovered = 0

    def wake(self) -> None:
        """Something was enqueued: look at the outbox now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        self.recovered = self.store.recover_in_flight()
        if self.recovered:
            log.warning(
                "%d deliveries were in flight when the bot last stopped; sending them again "
                "(at most %d people may get a message twice)",
                self.recovered,
                self.recovered,
            )
        last_progress = last_housekeeping = time.monotonic()
        self._housekeeping()
        while not self._stopping:
            if time.monotonic() - last_housekeeping >= 0.5 or not self._tasks:
                last_housekeeping = time.monotonic()
                self._housekeeping()
            free = self.concurrency - len(self._tasks)
            jobs = self.store.take(free) if free > 0 else []
            for job in jobs:
                args: dict = {"started": False}  # set once the request is on the wire
                task = asyncio.create_task(self._deliver(job, args))
                self._tasks[task] = (job, args)
                task.add_done_callback(self._done)
            if time.monotonic() - last_progress >= self.progress_interval:
                last_progress = time.monotonic()
                self.log_progress()
            if not jobs or len(self._tasks) >= self.concurrency:
                await self._idle()

    def _done(self, task: asyncio.Task) -> None:
        self._tasks.pop(task, None)
        self._wake.set()

    async def _idle(self) -> None:
        timeout = 1.0
        if not self._tasks:  # only then can the next retry be what we wait for
            due = self.store.next_due()
            if due is not None:
                timeout = min(timeout, max(0.0, due - time.time()))
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout)

    def _housekeeping(self) -> None:
        self.store.expire_overdue()
        for b in self.store.close_finished():
            self._progress.pop(b["id"], None)
            log.info("broadcast %s finished: %s", b["id"], summary_line(b))

    def log_progress(self) -> None:
        now = time.time()
        for b in self.store.active_broadcasts():
            p = self._progress.setdefault(b["id"], Progress(0, b["enqueued_at"] or b["created_at"]))
            rate = (b["n_sent"] - p.sent) / max(1e-9, now - p.at)
            p.sent, p.at = b["n_sent"], now
            pending = st.undelivered(b)
            eta = time.time() + pending / rate if rate > 0 else None
            self.store.record_progress(b["id"], rate, eta)
            eta_text = time.strftime("%H:%M:%S", time.localtime(eta)) if eta else "?"
            log.info(
                "broadcast %s: sent %d, pending %d, blocked %d, failed %d, %.1f msg/s, estimated finish %s",
                b["id"], b["n_sent"], pending, b["n_blocked"] + b["n_gone"], b["n_failed"], rate, eta_text,
            )  # fmt: skip

    async def _deliver(self, job: st.Job, args: dict) -> None:
        chat_id = job.chat_id
        try:
            await self.pacer.acquire(chat_id, (BROADCAST, job.deliver_by))
            if time.time() >= job.expires:
                raise Expired()
            args["started"] = True
            try:
                await self.sender.send_message(
                    chat_id, job.text, disable_notification=job.silent, allow_paid_broadcast=self.paid_broadcast
                )
            except RetryAfter as exc:
                self.pacer.pause(retry_seconds(exc))
                raise
        except asyncio.CancelledError:
            if not args.get("started"):
                self.store.release(job.broadcast_id, chat_id)
            raise
        except Expired:
            self.store.finish(job.broadcast_id, chat_id, st.EXPIRED, "expired before a send slot was free")
        except ChatMigrated as exc:
            self.store.migrate_chat(chat_id, exc.new_chat_id)
            self.store.retry_later(job.broadcast_id, exc.new_chat_id, 0, f"migrated to {exc.new_chat_id}")
        except Forbidden as exc:
            self.store.finish(job.broadcast_id, chat_id, st.BLOCKED, exc.message)
        except RetryAfter as exc:
            # The pacer already holds every slot; this copy goes back to the front of the line.
            self.store.retry_later(job.broadcast_id, chat_id, time.time() + retry_seconds(exc), str(exc))
        except BadRequest as exc:
            outcome = st.GONE if "chat not found" in exc.message.lower() else st.FAILED
            if outcome == st.GONE:
                self.store.set_status(chat_id, "gone")
            self.store.finish(job.broadcast_id, chat_id, outcome, exc.message)
        except InvalidToken as exc:
            log.error("Telegram refused the bot token; deliveries wait until it is fixed")
            self.store.retry_later(job.broadcast_id, chat_id, time.time() + 60, exc.message)
        except TimedOut as exc:
            self._retry_or_fail(job, f"TimedOut: {exc.message}", ambiguous=True)
        except NetworkError as exc:
            self._retry_or_fail(job, f"NetworkError: {exc.message}", ambiguous=is_connection_error(exc))
        except Exception as exc:  # keep the engine alive whatever one send does
            log.exception("unexpected error delivering %s to a chat", job.broadcast_id)
            self._retry_or_fail(job, f"{type(exc).__name__}: {exc}")
        else:
            self.store.finish(job.broadcast_id, chat_id, st.SENT)

    def _retry_or_fail(self, job: st.Job, error: str, ambiguous: bool = False) -> None:
        attempt = job.attempts + 1
        if attempt >= self.max_attempts:
            self.store.finish(job.broadcast_id, job.chat_id, st.FAILED, error)
            return
        delay = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1)) * random.uniform(0.5, 1.5)
        self.store.retry_later(job.broadcast_id, job.chat_id, time.time() + delay, error, ambiguous=ambiguous)

    async def stop(self, timeout: float = 4.0) -> None:
        """Stop taking work; let requests already on the wire finish (up to `timeout`)."""
        self._stopping = True
        self._wake.set()
        waiting = [t for t, (_, args) in self._tasks.items() if not args.get("started")]
        for task in waiting:
            task.cancel()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=timeout)
        for task in list(self._tasks):
            task.cancel()


def summary_line(b: dict) -> str:
    """One line of final figures for a broadcast row."""
    return (
        f"{b['total']} recipients: {b['n_sent']} sent, {b['n_blocked']} blocked, {b['n_gone']} gone, "
        f"{b['n_expired']} expired, {b['n_failed']} failed, {b['n_cancelled']} cancelled "
        f"({b['n_retries']} retries, {b['n_resumed']} resumed after a restart)"
    )
