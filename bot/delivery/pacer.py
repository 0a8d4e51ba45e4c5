"""The pacer: one rate for every message the bot sends, shared by replies and broadcasts.

- ``Pacer`` hands out send slots: never more than ``rate`` messages in any 1-second window
  (minus a small safety margin), evenly spaced, at most one message a second to one private
  chat and 20 a minute to one group. Waiting requests are served by priority: replies to people
  first, then broadcasts by earliest deadline, except that broadcasts keep ``broadcast_share`` of
  the slots while both wait. A 429 on a broadcast copy holds broadcasts; one on a reply holds all.
- ``PacedRateLimiter`` plugs the pacer into python-telegram-bot, so handlers reply with the
  usual ``reply_text`` and still take the next free slot ahead of any broadcast.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import math
import time
import warnings
from collections import deque
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

# Methods Telegram counts against the per-bot and per-chat message limits.
COUNTED = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendVideo",
        "sendAudio",
        "sendVoice",
        "sendAnimation",
        "sendSticker",
        "sendMediaGroup",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendPoll",
        "copyMessage",
        "forwardMessage",
    }
)

REPLY, BROADCAST = 0, 1

# The share of send slots broadcast copies keep while replies are queued (BOT_BROADCAST_SHARE).
DEFAULT_BROADCAST_SHARE = 1 / 3
# A 429 asking for a longer pause than this is logged, told to the operators and named by `health`.
LONG_PAUSE = 30.0


def retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that the type will become timedelta
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class Pacer:
    """Send slots at an exact, smooth rate, with priorities, a broadcast share and per-chat spacing."""

    def __init__(
        self,
        rate: float | None,
        *,
        chat_interval: float = 1.0,
        group_interval: float = 3.0,
        margin: float = 0.025,
        broadcast_share: float = DEFAULT_BROADCAST_SHARE,
        clock: Callable[[], float] = time.monotonic,
        on_long_pause: Callable[[float, int], None] | None = None,
    ) -> None:
        self.rate = rate
        self.clock = clock
        self.chat_interval = chat_interval
        self.group_interval = group_interval
        # While broadcast copies wait, at least this share of the slots is theirs, however many
        # replies are queued: a flood of questions must not hold the voting-day reminder past expiry.
        self.broadcast_share = broadcast_share
        self.on_long_pause = on_long_pause  # (seconds, REPLY or BROADCAST) for a pause over LONG_PAUSE
        if rate:
            # "rate per second" as "n releases per span", so that rates below 1/s also work.
            self.n = max(1, math.floor(rate))
            self.span = self.n / rate + margin
            # Evenly spaced, so that every stretch of time gets the same share; the window below
            # (n per span, from the actual send times) is what keeps Telegram's limit.
            self.spacing = self.span / self.n
        self._recent: deque[float] = deque(maxlen=self.n if rate else 1)
        self._last = -math.inf
        # A 429 on a broadcast copy holds broadcasts; one on a reply holds everything.
        self._paused_until = {REPLY: -math.inf, BROADCAST: -math.inf}
        self._credit = 0.0  # the broadcasts' share earned while replies took the slots
        self._waiting = {REPLY: 0, BROADCAST: 0}  # waiters of each kind (done futures drop out)
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

    def pause(self, seconds: float, kind: int = REPLY) -> None:
        """Hold slots for `seconds` after a 429: every slot when a reply got it (Telegram limits the
        whole bot), only broadcast slots when a broadcast copy did, so that a reply waits no longer
        than Telegram requires for that reply (it gets its own 429 if it must wait too)."""
        until = self.clock() + seconds
        for held in (REPLY, BROADCAST) if kind == REPLY else (BROADCAST,):
            self._paused_until[held] = max(self._paused_until[held], until)
        if seconds > LONG_PAUSE and self.on_long_pause is not None:
            self.on_long_pause(seconds, kind)
        self._wake.set()

    def paused_until(self) -> float:
        """When the last pause ends (monotonic), for `health`; -inf when none was asked."""
        return max(self._paused_until.values())

    def _interval(self, chat_id: int | None) -> float:
        return self.group_interval if isinstance(chat_id, int) and chat_id < 0 else self.chat_interval

    async def acquire(self, chat_id: int | None, key: tuple) -> None:
        """Wait for a slot. `key` orders waiters: (REPLY, ...) before (BROADCAST, deadline)."""
        if self._task is None:
            self.start()
        fut = asyncio.get_running_loop().create_future()
        self._push(key, chat_id, fut)
        self._wake.set()
        await fut

    def _push(self, key: tuple, chat_id: int | None, fut: asyncio.Future) -> None:
        """Queue a waiter; it counts among its kind's waiters until its future is done."""
        kind = key[0]
        self._waiting[kind] += 1
        fut.add_done_callback(lambda _: self._waiting.__setitem__(kind, self._waiting[kind] - 1))
        heapq.heappush(self._heap, (key, next(self._seq), chat_id, fut))

    def _global_ready(self) -> float:
        ready = -math.inf
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
            chosen, wait = self._pick(now)
            if chosen is None:
                await self._sleep(wait)
                continue
            chat_id, fut = chosen[2], chosen[3]
            self._record(now, ready, chat_id)
            fut.set_result(None)

    def _pick(self, now: float) -> tuple[tuple | None, float | None]:
        """The waiter that gets the slot free at `now` (removed from the heap), or None and how long
        until one may be ready. Replies first, but while a broadcast copy is ready it gets at least
        `broadcast_share` of the slots (a credit that grows by the share with each reply served)."""
        best: dict[int, tuple] = {}
        skipped, soonest = [], math.inf
        kinds = sum(1 for n in self._waiting.values() if n > 0)  # look no further than needed
        while self._heap and len(best) < kinds:
            item = heapq.heappop(self._heap)
            if item[3].done():
                continue
            kind = item[0][0]
            free = max(self._chat_free.get(item[2], -math.inf), self._paused_until[kind])
            if kind in best or free > now:
                skipped.append(item)
                if kind not in best:
                    soonest = min(soonest, free)
                continue
            best[kind] = item
        reply, broadcast = best.get(REPLY), best.get(BROADCAST)
        if reply is not None:
            # A reply-only slot earns credit too (capped at one slot): between two copies the
            # engine's next one may not be queued yet, and that gap must not cost the broadcasts.
            self._credit = min(self._credit + self.broadcast_share, 1.0 if broadcast is None else math.inf)
            if broadcast is not None and self._credit >= 1.0:
                self._credit -= 1.0
                reply = None  # the broadcasts' turn
            else:
                broadcast = None
        else:
            self._credit = 0.0  # no reply waits: nothing to make up for later
        chosen = reply or broadcast
        for item in (*skipped, *(i for i in best.values() if i is not chosen)):
            heapq.heappush(self._heap, item)
        return chosen, (None if chosen is not None or soonest == math.inf else max(0.0, soonest - now))

    def _record(self, now: float, ready: float, chat_id: int | None) -> None:
        """A slot was given at `now` (due at `ready`) to `chat_id`."""
        # Count from the slot's due time, not from when the timer fired: timer lateness must not
        # add up into a lower rate. The window of _global_ready still caps any catch-up. A slot
        # due more than a window ago means the pacer was idle, not late: no credit for that.
        late = now - ready <= self.span if self.rate else False
        self._last = max(ready, now - self.spacing) if late else now
        self._recent.append(now)
        self._chat_free[chat_id] = now + self._interval(chat_id)
        if len(self._chat_free) > 50_000:
            self._chat_free = {c: t for c, t in self._chat_free.items() if t > now}


class PacedRateLimiter(BaseRateLimiter[dict]):
    """python-telegram-bot's rate-limiter hook, backed by the shared :class:`Pacer`.

    Everything python-telegram-bot sends is an answer to a person (broadcasts go through
    :class:`bot.delivery.sender.Sender`), so it takes the next free slot ahead of broadcast copies. A 429
    never turns a reply into an error: it waits out ``retry_after`` with everyone else and tries
    again, as often as it takes (only stopping the bot ends the wait).
    """

    def __init__(self, pacer: Pacer) -> None:
        self.pacer = pacer

    async def initialize(self) -> None:
        self.pacer.start()

    async def shutdown(self) -> None:
        await self.pacer.stop()

    async def process_request(
        self,
        callback: Callable[..., Any],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any,
    ) -> Any:
        if endpoint not in COUNTED:
            return await callback(*args, **kwargs)
        while True:
            await self.pacer.acquire(data.get("chat_id"), (REPLY, 0))
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                self.pacer.pause(retry_seconds(exc))
