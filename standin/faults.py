"""Fault injection: chats that refuse messages, rate limits, and failures on demand."""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Iterable
from typing import Any

from standin.protocol import ApiError, bad, retry_error
from standin.protocol import err as err_answer
from standin.state import State

#: Fault kinds picked at random when ``fault_rate`` > 0 (keys of ``StandIn.faults``).
FAULT_KINDS = ("500", "502", "timeout", "drop", "429")
FAULT_DESCRIPTIONS = {
    400: "Bad Request: injected fault",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: injected fault",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
#: An answer meaning "close the connection without answering" (a dropped answer or a timeout).
CLOSE: Any = object()


class Faults(State):
    """Chat states (blocked, migrated ...), Telegram's rate limits and injected failures."""

    def block(self, chat_id: int) -> None:
        self._chat_state[chat_id] = ApiError(403, "Forbidden: bot was blocked by the user")

    def deactivate(self, chat_id: int) -> None:
        self._chat_state[chat_id] = ApiError(403, "Forbidden: user is deactivated")

    def forget(self, chat_id: int) -> None:
        self._chat_state[chat_id] = bad("chat not found")

    def migrate(self, chat_id: int, new_chat_id: int) -> None:
        self._chat_state[chat_id] = ApiError(
            400,
            "Bad Request: group chat was upgraded to a supergroup chat",
            {"migrate_to_chat_id": new_chat_id},
        )

    def release_hangs(self) -> None:
        """End every "timeout" fault now instead of after ``fault_delay`` (tests wait on this, not on sleeps)."""
        released = getattr(self, "_hang_release", None)
        if released is not None:
            released.set()
        self._hang_release = asyncio.Event()

    def unblock(self, chat_id: int) -> None:
        """Undo block/deactivate/forget/migrate for ``chat_id``."""
        self._chat_state.pop(chat_id, None)

    def fail_next(self, n: int, status: int | str = 429, retry_after: int = 1, method: str | None = None) -> None:
        """Answer the next ``n`` counted sends (or ``method`` calls) with an error.

        ``status`` is an HTTP status (429 carries ``retry_after``; 500/502 answer "Internal Server
        Error"/"Bad Gateway") or ``"timeout"`` / ``"drop"`` for the connection-level faults.
        """
        kind = str(status)
        if kind not in ("timeout", "drop"):
            kind = str(int(status))
        spec = {"kind": kind, "retry_after": int(retry_after), "method": method.lower() if method else None}
        self._fail_queue.extend(dict(spec) for _ in range(int(n)))

    def set_admins(self, chat_id: int, user_ids: Iterable[int]) -> None:
        """Make ``user_ids`` the administrators of group ``chat_id`` (the first one is its creator).

        getChatMember answers "creator"/"administrator" for them and "member" for anyone else.
        """
        self._admins[chat_id] = list(user_ids)

    def add_channel(
        self, chat_id: int, username: str | None = None, title: str = "Kanal", admins: Iterable[int] | None = None
    ) -> None:
        """A channel ``chat_id`` (public as ``@username`` if given) the bot can post to.

        ``admins`` as for :meth:`set_admins`; the default makes the bot its only administrator
        (a bot can post to a channel only as one). getChat answers for the id and the @name.
        """
        self._chat_names[chat_id] = {"title": title, "username": username, "_channel": True}
        if username:
            self._channels[username.lstrip("@").lower()] = chat_id
        self.set_admins(chat_id, [self.bot_user["id"]] if admins is None else admins)

    def _admit(self, chat_id: int) -> None:
        """Chat state and rate limits for a counted send; records acceptance when it passes."""
        state = self._chat_state.get(chat_id)
        if state is not None:
            raise state
        if self._chat_names.get(chat_id, {}).get("_channel") and self.bot_user["id"] not in self._admins.get(
            chat_id, []
        ):
            raise bad("need administrator rights in the channel chat")  # only administrators post to a channel
        now = time.monotonic()
        chat_window = None
        if self.chat_limit:
            chat_window = self._chat_windows[chat_id]
            span, cap = (1.0, 1) if chat_id > 0 else (60.0, 20)
            while chat_window and now - chat_window[0] >= span:
                chat_window.popleft()
            if len(chat_window) >= cap:
                self.rate_limited["chat"] += 1
                raise retry_error(max(1, math.ceil(chat_window[0] + span - now)))
        window = self._window
        while window and now - window[0] >= 1.0:
            window.popleft()
        if self.rate_limit is not None and len(window) + 1 > self.rate_limit:
            self.rate_limited["global"] += 1
            raise retry_error(1)
        window.append(now)
        if chat_window is not None:
            chat_window.append(now)
        self._accepted.append(now)

    def _take_injected_fault(self, method: str, counted: bool) -> dict | None:
        lowered = method.lower()
        for index, spec in enumerate(self._fail_queue):
            if spec["method"] == lowered or (spec["method"] is None and counted):
                return self._fail_queue.pop(index)
        return None

    def _pick_fault(self, method: str, counted: bool) -> dict | None:
        """The fault for this call: a queued one (fail_next) or, at ``fault_rate``, a random one."""
        fault = self._take_injected_fault(method, counted) if self._fail_queue else None
        if fault is None and counted and self.fault_rate > 0 and self._rng.random() < self.fault_rate:
            fault = {"kind": self._rng.choice(FAULT_KINDS), "retry_after": 1}
        return fault

    async def _fault_answer(self, fault: dict, counted: bool) -> Any:
        """The answer of a fault: an error, or CLOSE for "timeout" (after ``fault_delay``); None for "drop".

        A dropped call still runs (the bot's message is delivered) but its answer is lost.
        """
        kind = fault["kind"]
        self.faults[kind] += 1
        if kind == "timeout":
            if getattr(self, "_hang_release", None) is None:
                self._hang_release = asyncio.Event()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._hang_release.wait(), self.fault_delay)
            self.hangs_ended = getattr(self, "hangs_ended", 0) + 1
            return CLOSE
        if kind == "drop":
            return None
        status = int(kind)
        if counted:
            self.answers[status] += 1
        if status == 429:
            return err_answer(retry_error(fault["retry_after"]))
        return err_answer(ApiError(status, FAULT_DESCRIPTIONS.get(status, "Injected fault")))
