"""Test queries: what the bot did, and waiting for it."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Callable
from typing import Any

from standin.state import State


def dup_key(record: dict) -> tuple[int, str]:
    """(chat, text) of a recorded message; attachments count by file name, places by title or coordinates."""
    text = record.get("text")
    place = record.get("venue") or record.get("location")
    if text is None and place is not None:
        text = f"<{record['method']}:{place.get('title') or (place['latitude'], place['longitude'])}>"
    elif text is None:
        attachment = record.get("document") or record.get("photo") or {}
        text = f"<{record['method']}:{attachment.get('filename')}>"
    return record["chat_id"], text


class Queries(State):
    """Read what the bot sent (``sent_to``, ``stats`` ...) and wait for it (``wait_for``, ``wait_messages``)."""

    def sent_to(self, chat_id: int) -> list[dict]:
        """Bot messages in ``chat_id`` in their current state (edits applied, deleted ones left out)."""
        return [m for m in self._by_chat.get(chat_id, ()) if not m.get("deleted")]

    def max_in_window(self, window: float = 1.0) -> int:
        """Most accepted counted sends seen in any sliding ``window``-second interval."""
        times = self._accepted
        best = 0
        i = 0
        for j, tj in enumerate(times):
            while tj - times[i] >= window:
                i += 1
            if j - i + 1 > best:
                best = j - i + 1
        return best

    def _dup_counter(self) -> Counter:
        return Counter(dup_key(m) for m in self.messages)

    def dup_count(self) -> int:
        """Extra copies: messages beyond the first with identical (chat_id, text)."""
        return sum(c - 1 for c in self._dup_counter().values() if c > 1)

    def dup_chats(self) -> int:
        """Number of chats that received some text more than once."""
        return len({chat for (chat, _), c in self._dup_counter().items() if c > 1})

    def stats(self) -> dict:
        counter = self._dup_counter()
        return {
            "calls": dict(self.calls),
            "answers": {str(k): v for k, v in sorted(self.answers.items())},
            "faults": dict(self.faults),
            "rate_limited": dict(self.rate_limited),
            "sent": len(self.messages),
            "max_in_window": self.max_in_window(),
            "per_chat_counts_over_1": len({chat for (chat, _), c in counter.items() if c > 1}),
            "dup_count": sum(c - 1 for c in counter.values() if c > 1),
            "pending_updates": len(self._updates),
            "callback_answers": len(self.callback_answers),
            "connections": self.connections,
            "open_connections": self.open_connections,
            # Wall-clock time (time.time()) of the first getUpdates call since start or reset_stats.
            "first_get_updates": (
                None if self.first_get_updates is None else self.first_get_updates + self._wall_offset
            ),
        }

    def reset_stats(self) -> None:
        """Forget what the bot did so far (messages, calls, answers, faults, callback answers).

        Chat state (message id counters, blocked chats, pending updates) is kept.
        """
        self.messages.clear()
        self._by_chat.clear()
        self._accepted.clear()
        self.calls.clear()
        self.answers.clear()
        self.faults.clear()
        self.rate_limited.clear()
        self.callback_answers.clear()
        self.first_get_updates = None

    _answered: asyncio.Event | None = None

    def answered(self) -> None:
        """A request was answered: waiters look again at once (see ``wait_for``)."""
        if self._answered is not None:
            self._answered.set()

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0, *, interval: float = 0.05) -> Any:
        """Until ``predicate()`` is truthy, return its value; TimeoutError otherwise.

        Looked at again as soon as the stand-in answers a request (what the bot does shows there
        first), and every ``interval`` seconds for what shows elsewhere (the bot's database).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        if self._answered is None:
            self._answered = asyncio.Event()
        while True:
            self._answered.clear()
            value = predicate()
            if value:
                return value
            left = deadline - loop.time()
            if left <= 0:
                name = getattr(predicate, "__qualname__", repr(predicate))
                raise TimeoutError(
                    f"StandIn.wait_for: {name} still false after {timeout}s "
                    f"(bot sent {len(self.messages)} messages; calls: {dict(self.calls)})"
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._answered.wait(), min(interval, left))

    async def wait_messages(self, chat_id: int, n: int, timeout: float = 10.0) -> list[dict]:
        """Wait until ``sent_to(chat_id)`` has at least ``n`` messages and return them."""
        try:

            def enough() -> list[dict] | None:
                found = self.sent_to(chat_id)
                return found if len(found) >= n else None

            return await self.wait_for(enough, timeout)
        except TimeoutError:
            got = [m.get("text") for m in self.sent_to(chat_id)]
            raise TimeoutError(
                f"StandIn.wait_messages: expected >= {n} messages in chat {chat_id} within {timeout}s, "
                f"got {len(got)}: {got!r}"
            ) from None
