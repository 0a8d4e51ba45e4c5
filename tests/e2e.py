"""A harness for end-to-end tests: the real bot, over real HTTP, against the local stand-in."""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import datetime

from bot.ops.service import serve
from bot.settings import Settings
from bot.store import Store
from bot.telegram.app import build
from standin import StandIn

TOKEN = "4242:SECRET-TOKEN-e2e"


class ShiftedClock:
    """Wall time plus an offset a test moves forward: minutes of the bot's clock in no real time."""

    def __init__(self, offset: float = 0.0) -> None:
        self.offset = offset

    def __call__(self) -> float:
        return time.time() + self.offset


def add_subscribers(db_path: str, subscribers) -> None:
    """Subscribe (chat_id, role) pairs straight in the database, as if they had pressed /start."""
    store = Store(db_path)
    with store.transaction():
        for chat_id, role in subscribers:
            store.subscribe(chat_id, role)
    store.close()


class Harness:
    """Starts the stand-in once; starts and stops the bot (same database) as often as a test likes."""

    def __init__(
        self,
        tmp_path,
        schedule,
        rate_limit: float = 30.0,
        clock=None,
        subscribers=(),
        admin_ids=(),
        approvals: int = 1,
        overrides: dict | None = None,
        chat_interval: float = 0.05,
        sender_timeout: float | None = None,
        **standin_kwargs,
    ):
        self.chat_interval = chat_interval
        self.sender_timeout = sender_timeout  # seconds the engine waits for an answer (default: the Sender's)
        self.overrides = overrides or {}
        self.admin_ids = frozenset(admin_ids)
        self.approvals = approvals
        self.db_path = str(tmp_path / "bot.db")
        add_subscribers(self.db_path, subscribers)
        self.schedule = schedule
        self.rate_limit = rate_limit
        self.clock = clock if clock is not None else ShiftedClock()
        self.standin = StandIn(token=TOKEN, **standin_kwargs)
        self.application = None
        self.store: Store | None = None
        self._stop: asyncio.Event | None = None
        self._task: asyncio.Task | None = None

    async def __aenter__(self):
        await self.standin.start()
        await self.start_bot()
        return self

    async def __aexit__(self, *exc):
        await self.stop_bot()
        await self.standin.stop()

    @property
    def settings(self) -> Settings:
        return Settings(
            token=TOKEN,
            api_url=self.standin.base_url,
            database=self.db_path,
            rate_limit=self.rate_limit,
            admin_ids=self.admin_ids,
            broadcast_approvals=self.approvals,
        ).with_overrides(**self.overrides)

    @property
    def runtime(self):
        return self.application.bot_data["runtime"]

    async def start_bot(self, schedule=None) -> None:
        if schedule is not None:
            self.schedule = schedule
        self.store = Store(self.db_path)
        self.application = build(self.settings, self.schedule, self.store, clock=self.clock, poll_timeout=0.5)
        self.runtime.status_interval = 0.5
        self.runtime.heartbeat_interval = 0.5
        # Telegram's one message a second per chat would make every exchange of n replies take n-1 s.
        self.runtime.pacer.chat_interval = self.chat_interval
        if self.sender_timeout is not None:
            self.runtime.engine.sender.timeout = self.sender_timeout
        self._stop, ready = asyncio.Event(), asyncio.Event()
        self._task = asyncio.create_task(serve(self.application, self._stop, ready))
        done, _ = await asyncio.wait(
            [self._task, asyncio.ensure_future(ready.wait())], timeout=20, return_when=asyncio.FIRST_COMPLETED
        )
        if self._task in done:
            self._task.result()  # raises what went wrong
        assert ready.is_set(), "the bot did not start"

    async def stop_bot(self) -> None:
        if self._task is None:
            return
        self._stop.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(self._task, 20)
        self._task = None
        self.store.close()

    async def reach(self, moment: datetime | str) -> None:
        """Move the bot's clock on to `moment`, or to the time of the reminder of that id (if it is
        not there yet): what is due by then fires now, instead of the test waiting in real seconds."""
        assert isinstance(self.clock, ShiftedClock), "reach() needs the harness's own clock"
        if isinstance(moment, str):
            reminder = self.runtime.schedule.reminder(moment)  # the running one: a reload may change it
            assert reminder is not None, moment
            moment = reminder.at
        self.clock.offset = max(self.clock.offset, moment.timestamp() - time.time())
        self.runtime.scheduler.follow_clock()
        self.runtime.engine.wake()

    async def say(self, chat_id: int, text: str, *, n: int = 1, **kwargs) -> list[dict]:
        """Type a message as a user; return the bot's next `n` messages to that chat."""
        before = len(self.standin.sent_to(chat_id))
        self.standin.user_message(chat_id, text, **kwargs)
        messages = await self.standin.wait_messages(chat_id, before + n, timeout=10)
        return messages[before:]

    async def press(self, chat_id: int, message: dict, data: str, *, user_id: int | None = None) -> dict:
        """Press an inline button (as `user_id`, else the chat's user); return the answer to the callback query."""
        before = len(self.standin.callback_answers)
        self.standin.press_button(chat_id, message["message_id"], data, user_id=user_id)
        await self.standin.wait_for(lambda: len(self.standin.callback_answers) > before, timeout=10)
        return self.standin.callback_answers[before]

    async def forget(self, chat_id: int, *, button: str = "Ya, hapus", user_id: int | None = None) -> str:
        """/hapus, then press `button` on the question; return the question's text once the press edited it."""
        [question] = await self.say(chat_id, "/hapus", user_id=user_id)
        rows = (question.get("reply_markup") or {}).get("inline_keyboard", [])
        data = {b["text"]: b["callback_data"] for row in rows for b in row if "callback_data" in b}[button]
        await self.press(chat_id, question, data, user_id=user_id)

        def now() -> dict:
            return next(m for m in self.standin.sent_to(chat_id) if m["message_id"] == question["message_id"])

        await self.standin.wait_for(lambda: now().get("edited"), timeout=10)
        return now()["text"]

    def texts_to(self, chat_id: int) -> list[str]:
        return [m["text"] for m in self.standin.sent_to(chat_id)]
