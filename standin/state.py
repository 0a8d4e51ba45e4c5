"""What the stand-in's parts share: the state StandIn.__init__ sets, and the methods one part calls on another.

Each part (serving, the Bot API methods, faults, users, chats, queries, control) is a mixin of
``StandIn``; this base declares what they use of each other, so each part type-checks on its own.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter, deque
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from standin.protocol import ApiError


class State:
    """The attributes every part of the stand-in reads or writes (set in ``StandIn.__init__``)."""

    token: str
    bot_username: str
    rate_limit: float | None
    chat_limit: bool
    fault_rate: float
    fault_delay: float
    latency: float
    host: str
    port: int
    bot_user: dict[str, Any]
    _rng: random.Random
    messages: list[dict]
    calls: Counter[str]
    answers: Counter[int]
    faults: Counter[str]
    rate_limited: Counter[str]
    callback_answers: list[dict]
    commands: dict[str, list[dict]]
    _by_chat: dict[int, list[dict]]
    _accepted: list[float]
    first_get_updates: float | None
    _next_id: dict[int, int]
    _tg_messages: dict[tuple[int, int], dict]
    _records: dict[tuple[int, int], dict]
    _chat_state: dict[int, ApiError]
    _chat_names: dict[int, dict]
    _chat_windows: dict[int, deque[float]]
    _window: deque[float]
    _files: dict[str, dict]
    _file_seq: int
    _fail_queue: list[dict]
    _admins: dict[int, list[int]]
    _channels: dict[str, int]
    _updates: deque[dict]
    _update_seq: int
    _update_event: asyncio.Event
    _poll_generation: int
    _callback_seq: int
    _open_callbacks: set[str]
    _webhook_url: str
    _server: asyncio.base_events.Server | None
    _loop: asyncio.AbstractEventLoop | None
    _loop_thread: int | None
    _conn_tasks: set[asyncio.Task]
    connections: int
    _closing: bool
    _wall_offset: float
    _methods: dict[str, Any]

    if TYPE_CHECKING:  # defined by one part, called by another

        def _admit(self, chat_id: int) -> None: ...
        async def _api(self, token: str, name: str, query: str, content_type: str, body: bytes) -> Any: ...
        def _caption(self, params: dict) -> tuple[str | None, str | None, list[dict]]: ...
        def _chat_obj(self, chat_id: int, chat_type: str | None = None) -> dict: ...
        async def _control(self, name: str, query: str, content_type: str, body: bytes) -> tuple[int, bytes]: ...
        async def _fault_answer(self, fault: dict, counted: bool) -> Any: ...
        @staticmethod
        def _group_type(chat_id: int) -> str: ...
        def _new_message(self, chat_id: int, **fields: Any) -> dict: ...
        def _pick_fault(self, method: str, counted: bool) -> dict | None: ...
        def _record(self, method: str, message: dict, params: dict, **fields: Any) -> dict: ...
        def _store_file(self, upload: Any, kind: str, missing: str) -> tuple[dict, dict]: ...
        @staticmethod
        def _visible_markup(markup: dict | None) -> dict | None: ...
        def _wake_pollers(self) -> None: ...
        def add_channel(
            self, chat_id: int, username: str | None = None, title: str = "Kanal", admins: Iterable[int] | None = None
        ) -> None: ...
        def add_update(self, update: dict) -> dict: ...
        def answered(self) -> None: ...
        def fail_next(
            self, n: int, status: int | str = 429, retry_after: int = 1, method: str | None = None
        ) -> None: ...
        def migrate(self, chat_id: int, new_chat_id: int) -> None: ...
        def block(self, chat_id: int) -> None: ...
        def deactivate(self, chat_id: int) -> None: ...
        def forget(self, chat_id: int) -> None: ...
        def unblock(self, chat_id: int) -> None: ...
        @property
        def open_connections(self) -> int: ...
        def press_button(self, chat_id: int, message_id: int, data: str, *, user_id: int | None = None) -> dict: ...
        def reset_stats(self) -> None: ...
        def stats(self) -> dict: ...
        def user_message(
            self,
            chat_id: int,
            text: str,
            *,
            user_id: int | None = None,
            first_name: str = "Uji",
            language_code: str = "id",
            chat_type: str = "private",
            username: str | None = None,
            anonymous: bool = False,
            reply_to: int | None = None,
            sticker: str | None = None,
        ) -> dict: ...
        async def wait_messages(self, chat_id: int, n: int, timeout: float = 10.0) -> list[dict]: ...
