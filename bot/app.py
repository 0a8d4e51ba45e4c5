"""Wiring: one place that builds the python-telegram-bot Application and runs it.

``build`` makes the Application (pacer-backed rate limiter, handlers, runtime in ``bot_data``);
``serve`` runs it until a stop event: polling, the delivery engine and the scheduler together.
The real bot, the offline demo and the end-to-end tests all go through ``serve``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit

from telegram import BotCommand, Update
from telegram.ext import Application, ApplicationBuilder

from bot import handlers, operators, texts
from bot.delivery import Engine, PacedRateLimiter, Pacer
from bot.schedule import Schedule
from bot.scheduler import Scheduler
from bot.sender import Sender
from bot.settings import Settings
from bot.store import Store

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """What handlers and services share: settings, the schedule, the store, the engine."""

    settings: Settings
    schedule: Schedule
    store: Store
    pacer: Pacer
    clock: Callable[[], float] = time.time
    status_interval: float = 10.0  # seconds between edits of an ad-hoc broadcast's status message
    calendar_offset: float = 0.0  # seconds added to "today" in replies (the demo replays 2024)
    engine: Engine | None = None
    scheduler: Scheduler | None = None
    tasks: list[asyncio.Task] = field(default_factory=list)

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock() + self.calendar_offset, self.schedule.election.tz)

    def today(self) -> date:
        return self.now().date()


def concurrency_for(rate: float | None) -> int:
    """Requests in flight at once: enough to keep the rate with ~0.5 s round trips, bounded."""
    if not rate:
        return 64
    return max(8, min(128, math.ceil(rate / 2)))


def build(settings: Settings, schedule: Schedule, store: Store, *, clock: Callable[[], float] = time.time,
          poll_timeout: float = 10.0) -> Application:
    """The Application with handlers, the shared pacer and the runtime; nothing is started."""
    rate = 1000.0 if settings.paid_broadcast else settings.rate_limit
    pacer = Pacer(rate)
    concurrency = concurrency_for(rate)
    application = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.api_url)
        .rate_limiter(PacedRateLimiter(pacer))
        .connection_pool_size(concurrency + 16)
        .pool_timeout(30)
        .get_updates_read_timeout(poll_timeout + 5)
        .concurrent_updates(64)
        .build()
    )
    rt = Runtime(settings=settings, schedule=schedule, store=store, pacer=pacer, clock=clock)
    # Broadcasts bypass python-telegram-bot for a lean HTTP client (see bot/sender.py); both share the pacer.
    sender = Sender(settings.api_url, settings.token, pool_size=concurrency)
    rt.engine = Engine(store, sender, pacer, concurrency=concurrency, paid_broadcast=settings.paid_broadcast)
    rt.scheduler = Scheduler(schedule, store, application.job_queue, rt.engine.wake, clock=clock)
    application.bot_data["runtime"] = rt
    application.bot_data["poll_timeout"] = poll_timeout
    operators.register(application, settings.admin_ids)  # before the catch-all handlers
    handlers.register(application)
    return application


def webhook_secret(rt: Runtime) -> str:
    """BOT_WEBHOOK_SECRET, or one generated on first use and kept in the database."""
    return rt.settings.webhook_secret or rt.store.meta("webhook_secret", lambda: secrets.token_urlsafe(32))


async def receive_updates(application: Application, rt: Runtime) -> None:
    """Long polling, or Telegram's webhook when BOT_WEBHOOK_URL is set.

    In webhook mode every request must carry the secret in X-Telegram-Bot-Api-Secret-Token;
    python-telegram-bot's webhook server answers 403 to any request without it.
    """
    settings = rt.settings
    if not settings.webhook_url:
        await application.updater.start_polling(
            poll_interval=0.0, timeout=application.bot_data["poll_timeout"], allowed_updates=Update.ALL_TYPES
        )
        return
    await application.updater.start_webhook(
        listen=settings.webhook_listen, port=settings.webhook_port,
        url_path=urlsplit(settings.webhook_url).path.strip("/"), webhook_url=settings.webhook_url,
        secret_token=webhook_secret(rt), allowed_updates=Update.ALL_TYPES,
    )  # fmt: skip
    log.info("receiving updates by webhook on %s:%d", settings.webhook_listen, settings.webhook_port)


async def serve(application: Application, stop: asyncio.Event, ready: asyncio.Event | None = None) -> None:
    """Run polling, the delivery engine and the scheduler until `stop` is set, then shut down.

    On stop, requests already on the wire are allowed to finish and be recorded (a few
    seconds at most); copies still waiting for a send slot go back to the outbox.
    """
    rt: Runtime = application.bot_data["runtime"]
    async with application:
        await receive_updates(application, rt)
        await application.start()
        rt.tasks.append(asyncio.create_task(rt.engine.run(), name="delivery-engine"))
        try:
            for language, commands in texts.COMMANDS.items():
                await application.bot.set_my_commands(
                    [BotCommand(n, d) for n, d in commands], language_code=None if language == "id" else language
                )
        except Exception:
            log.warning("could not register the command list with Telegram", exc_info=True)
        await rt.scheduler.start()
        await operators.register_commands(application)
        await operators.resume(application)
        if ready is not None:
            ready.set()
        log.info("bot running (%s)", rt.schedule.summary())
        await stop.wait()
        log.info("stopping")
        await application.updater.stop()
        await rt.engine.stop()
        await rt.engine.sender.close()
        for task in rt.tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await application.stop()
