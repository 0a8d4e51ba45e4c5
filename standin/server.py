"""The stand-in: state shared by its parts, put together in one object.

Each part is a mixin in its own module: HTTP serving (standin.http), the Bot API methods
(standin.methods*), fault injection (standin.faults), the control API (standin.control),
simulated users (standin.users), chats and messages (standin.chats) and the test queries
(standin.queries).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter, defaultdict, deque
from typing import Any

from standin.chats import Chats
from standin.control import Control
from standin.faults import Faults
from standin.http import Serving
from standin.methods import BotApi
from standin.protocol import ApiError
from standin.queries import Queries
from standin.users import Users

DEFAULT_TOKEN = "123456:TEST-TOKEN"


class StandIn(Serving, BotApi, Control, Faults, Users, Queries, Chats):
    """A fake Telegram Bot API server. See the package docstring."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "kpu_demo_bot",
        rate_limit: float | None = None,
        chat_limit: bool = False,
        fault_rate: float = 0.0,
        seed: int | None = None,
        fault_delay: float = 15.0,
        latency: float = 0.0,
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self.rate_limit = rate_limit
        self.chat_limit = chat_limit
        self.fault_rate = fault_rate
        #: How long a "timeout" fault holds the connection before closing it unanswered.
        self.fault_delay = fault_delay
        #: Seconds each answer (but getUpdates') is held back: the round trip to Telegram's servers.
        self.latency = latency
        self.host = "127.0.0.1"
        self.port: int = 0
        try:
            bot_id = int(token.split(":", 1)[0])
        except ValueError:
            bot_id = 123456
        self.bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "KPU Demo",
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self._rng = random.Random(seed)
        # What the bot did.
        self.messages: list[dict] = []
        self.calls: Counter[str] = Counter()
        self.answers: Counter[int] = Counter()
        self.faults: Counter[str] = Counter()
        self.rate_limited: Counter[str] = Counter()  # "global" / "chat" -> 429s from the limiters
        self.callback_answers: list[dict] = []
        self.commands: dict[str, list[dict]] = {}
        self._by_chat: dict[int, list[dict]] = defaultdict(list)
        self._accepted: list[float] = []  # monotonic times of accepted counted sends
        self.first_get_updates: float | None = None  # monotonic time of the first getUpdates call
        # Chat state.
        self._next_id: dict[int, int] = defaultdict(int)
        self._tg_messages: dict[tuple[int, int], dict] = {}  # Telegram Message objects
        self._records: dict[tuple[int, int], dict] = {}  # bot messages: entries of self.messages
        self._chat_state: dict[int, ApiError] = {}
        self._chat_names: dict[int, dict] = {}
        self._chat_windows: dict[int, deque[float]] = defaultdict(deque)
        self._window: deque[float] = deque()
        self._files: dict[str, dict] = {}
        self._file_seq = 0
        self._fail_queue: list[dict] = []
        self._admins: dict[int, list[int]] = {}  # group chat id -> its admins (creator first), for getChatMember
        self._channels: dict[str, int] = {}  # lower-cased @name of a public channel -> its chat id
        # Updates.
        self._updates: deque[dict] = deque()
        self._update_seq = 0
        self._update_event = asyncio.Event()
        self._poll_generation = 0
        self._callback_seq = 0
        self._open_callbacks: set[str] = set()
        self._webhook_url = ""
        # Server.
        self._server: asyncio.base_events.Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._conn_tasks: set[asyncio.Task] = set()
        self.connections = 0  # TCP connections accepted so far
        self._closing = False
        self._wall_offset = time.time() - time.monotonic()
        self._methods = self._method_table()
