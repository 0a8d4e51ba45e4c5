"""What the running bot's parts share: settings, the schedule, the store, the engine (`Runtime`).

It lives outside every package so that the Telegram handlers, the service loop and the operator
tools can all import it without importing each other. python-telegram-bot keeps it in
``bot_data`` (bot/telegram/context.py).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.delivery.engine import Engine
from bot.delivery.health import Alerts, Outage, PollRecorder
from bot.delivery.pacer import Pacer
from bot.delivery.personal import Personaliser
from bot.delivery.scheduler import Scheduler
from bot.schedule.model import Schedule
from bot.settings import Settings
from bot.store import Store


@dataclass
class Runtime:
    """What handlers and services share: settings, the schedule, the store, the engine."""

    settings: Settings
    schedule: Schedule
    store: Store
    pacer: Pacer
    engine: Engine
    scheduler: Scheduler
    polls: PollRecorder  # the getUpdates request: when Telegram last answered a poll
    polling: Outage
    alerts: Alerts
    clock: Callable[[], float] = time.time
    status_interval: float = 10.0  # seconds between edits of an ad-hoc broadcast's status message
    heartbeat_interval: float = 5.0  # seconds between heartbeat rows (what `health` reads)
    calendar_offset: float = 0.0  # seconds added to "today" in replies (the demo replays 2024)
    tasks: list[asyncio.Task] = field(default_factory=list)
    error_notices: dict[tuple[str, str], float] = field(default_factory=dict)  # kind of error -> when told
    reload_lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one schedule reload at a time

    def use_schedule(self, schedule: Schedule) -> None:
        """From now on replies and copies follow ``schedule`` (the scheduler is told by its own reload)."""
        self.schedule = schedule
        self.engine.personal = Personaliser.of(schedule)

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock() + self.calendar_offset, self.schedule.election.tz)

    def today(self) -> date:
        return self.now().date()
