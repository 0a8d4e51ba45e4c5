"""Wiring: the one place that builds the python-telegram-bot Application.

``build`` makes the Application (pacer-backed rate limiter, HTML and no link previews as defaults,
handlers with a typed context, the :class:`bot.runtime.Runtime` in ``bot_data``); nothing is started.
bot/ops/service.py runs it.

Database connections: the delivery engine, the scheduler and the heartbeat each use connections
of their own from worker threads, so a write lock held elsewhere (a backup, ``sqlite3`` in a
shell) never freezes the event loop. Handlers keep using ``Runtime.store`` on the event loop: reads
(/jadwal, /status ...) never wait in WAL mode, and that connection's writes (/start, /bahasa ...)
wait at most ``LOOP_BUSY_TIMEOUT`` for a lock, then fail with the usual error reply, instead of
freezing every reply for up to 30 s.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import HTTPXRequest

from bot.content import operator_texts
from bot.delivery.engine import Engine
from bot.delivery.health import Alerts, Outage, PollRecorder
from bot.delivery.pacer import REPLY, PacedRateLimiter, Pacer
from bot.delivery.personal import Personaliser
from bot.delivery.scheduler import Scheduler
from bot.delivery.sender import Sender, ptb_proxy_kwargs
from bot.runtime import Runtime
from bot.schedule.model import Schedule
from bot.settings import Settings
from bot.store import Store
from bot.telegram import errors, handlers, operators
from bot.telegram.context import RUNTIME_KEY, BotContext, job_queue_of, runtime_of

log = logging.getLogger(__name__)

LOOP_BUSY_TIMEOUT = 1.0  # seconds the event loop's own connection waits for a write lock


# Seconds a send may take, there and back, while the bot still keeps its rate. Telegram's servers are
# in Europe: from an office in Indonesia, behind a proxy, on a busy voting morning, 0.5-1 s is usual.
ROUND_TRIP_ALLOWANCE = 2.0
MAX_IN_FLIGHT = 512


def queue_for(rate: float | None) -> int:
    """Copies waiting for a send slot at once: half a second of sends (the pacer is never without one)."""
    return 64 if not rate else max(8, min(MAX_IN_FLIGHT, math.ceil(rate / 2)))


def concurrency_for(rate: float | None) -> int:
    """Requests in flight at once: enough to keep the rate with round trips up to ROUND_TRIP_ALLOWANCE.

    Connections are opened only as needed, so a fast link uses few of them (bench figures 1c, 1d)."""
    if not rate:
        return 64
    return max(8, min(MAX_IN_FLIGHT, math.ceil(rate * ROUND_TRIP_ALLOWANCE)))


def build(
    settings: Settings,
    schedule: Schedule,
    store: Store,
    *,
    clock: Callable[[], float] = time.time,
    poll_timeout: float = 10.0,
) -> Application:
    """The Application with handlers, the shared pacer and the runtime; nothing is started."""
    if not settings.token:
        raise ValueError("a bot token is needed to build the bot")
    rate = settings.effective_rate
    pacer = Pacer(rate, broadcast_share=settings.broadcast_share)
    concurrency = concurrency_for(rate)
    # Every request (replies, uploads, webhook setup, polling, broadcasts) takes the same way out:
    # BOT_PROXY, else HTTP(S)_PROXY/NO_PROXY from the environment (bot/delivery/sender.py).
    proxy = ptb_proxy_kwargs(settings.proxy)
    polling = Outage("polling Telegram")
    polls = PollRecorder(connection_pool_size=1, read_timeout=poll_timeout + 5, on_answer=polling.ok, **proxy)
    application = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.api_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .context_types(ContextTypes(context=BotContext))
        .rate_limiter(PacedRateLimiter(pacer))
        .request(HTTPXRequest(connection_pool_size=concurrency + 16, pool_timeout=30, **proxy))
        .get_updates_request(polls)
        .concurrent_updates(64)
        .build()
    )
    store.set_busy_timeout(LOOP_BUSY_TIMEOUT)

    def notify(part: str, event: str, detail: str) -> None:
        tell_operators(application, part, event, detail)

    # Broadcasts bypass python-telegram-bot for a lean HTTP client (see bot/delivery/sender.py); both share the pacer.
    sender = Sender(settings.api_url, settings.token, pool_size=concurrency, proxy=settings.proxy)
    engine = Engine(
        store, sender, pacer, concurrency=concurrency, queue=queue_for(rate), paid_broadcast=settings.paid_broadcast,
        notify=notify, clock=clock,
    )  # fmt: skip
    engine.personal = Personaliser.of(schedule)
    scheduler = Scheduler(schedule, store, job_queue_of(application), engine.wake, clock=clock, notify=notify)
    alerts = Alerts(lambda kind, values: alert_operators(application, kind, values))

    pacer.on_long_pause = lambda seconds, kind: flood_wait(alerts, seconds, kind)
    application.bot_data[RUNTIME_KEY] = Runtime(
        settings=settings, schedule=schedule, store=store, pacer=pacer, engine=engine, scheduler=scheduler,
        polls=polls, polling=polling, alerts=alerts, clock=clock,
    )  # fmt: skip
    application.bot_data["poll_timeout"] = poll_timeout
    operators.register(application, settings.admin_ids)  # before the catch-all handlers
    handlers.register(application)
    application.add_error_handler(errors.on_error)
    return application


FLOOD_WAIT = "flood_wait"


def flood_wait(alerts: Alerts, seconds: float, kind: int) -> None:
    """Telegram asked for a pause longer than the pacer's LONG_PAUSE: say so (log, operators, health)."""
    until = time.strftime("%H:%M:%S", time.localtime(time.time() + seconds))
    what = "a reply" if kind == REPLY else "a broadcast copy"
    alerts.raised(
        FLOOD_WAIT, f"Telegram asked for a pause of {seconds:.0f} s (429 on {what}); sending resumes at {until}",
        f"Telegram flood-wait: {seconds:.0f} s pause until {until}", lasts=seconds, seconds=f"{seconds:.0f}",
        until=until,
    )  # fmt: skip


def alert_operators(application: Application, kind: str, values: dict) -> None:
    """One message to every operator about a condition to act on (see bot.delivery.health.Alerts)."""
    rt = runtime_of(application)
    task = asyncio.get_running_loop().create_task(
        errors.tell_each_operator(
            application, lambda language: operator_texts.alert_text(kind, values, language), kind
        ),
        name=f"tell-operators-{kind}",
    )
    rt.tasks.append(task)


def tell_operators(application: Application, part: str, event: str, detail: str) -> None:
    """One message to every operator: `part` of the bot started failing, or recovered."""
    rt = runtime_of(application)
    task = asyncio.get_running_loop().create_task(
        errors.tell_each_operator(
            application, lambda language: operator_texts.outage_text(part, event, detail, language), part
        ),
        name=f"tell-operators-{part}",
    )
    rt.tasks.append(task)
