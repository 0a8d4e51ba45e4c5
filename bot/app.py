"""Wiring: one place that builds the python-telegram-bot Application and runs it.

``build`` makes the Application (pacer-backed rate limiter, HTML and no link previews as defaults,
handlers with a typed context, runtime in ``bot_data``);
``serve`` runs it until a stop event: polling, the delivery engine and the scheduler together.
The real bot, the offline demo and the end-to-end tests all go through ``serve``.

Database connections: the delivery engine, the scheduler and the heartbeat each use connections
of their own from worker threads, so a write lock held elsewhere (a backup, ``sqlite3`` in a
shell) never freezes the event loop. Handlers keep using ``Runtime.store`` on the event loop: reads
(/jadwal, /status ...) never wait in WAL mode, and that connection's writes (/start, /bahasa ...)
wait at most ``LOOP_BUSY_TIMEOUT`` for a lock, then fail with the usual error reply, instead of
freezing every reply for up to 30 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import secrets
import signal
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import Conflict, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults, Updater
from telegram.request import HTTPXRequest

from bot import channel, errors, handlers, operators, systemd, texts
from bot.context import RUNTIME_KEY, BotContext, job_queue_of, runtime_of
from bot.delivery import Engine
from bot.health import Alerts, Heartbeat, Outage, PollRecorder
from bot.pacer import REPLY, PacedRateLimiter, Pacer
from bot.schedule import Schedule
from bot.scheduler import Scheduler
from bot.sender import Sender, ptb_proxy_kwargs
from bot.settings import Settings
from bot.store import Store

log = logging.getLogger(__name__)

LOOP_BUSY_TIMEOUT = 1.0  # seconds the event loop's own connection waits for a write lock


class BackgroundTaskFailed(RuntimeError):
    """A background task (delivery engine, heartbeat) ended while the bot was running."""


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

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock() + self.calendar_offset, self.schedule.election.tz)

    def today(self) -> date:
        return self.now().date()


def concurrency_for(rate: float | None) -> int:
    """Requests in flight at once: enough to keep the rate with ~0.5 s round trips, bounded."""
    if not rate:
        return 64
    return max(8, min(128, math.ceil(rate / 2)))


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
    # BOT_PROXY, else HTTP(S)_PROXY/NO_PROXY from the environment (bot/sender.py).
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

    # Broadcasts bypass python-telegram-bot for a lean HTTP client (see bot/sender.py); both share the pacer.
    sender = Sender(settings.api_url, settings.token, pool_size=concurrency, proxy=settings.proxy)
    engine = Engine(
        store, sender, pacer, concurrency=concurrency, paid_broadcast=settings.paid_broadcast, notify=notify,
        clock=clock,
    )  # fmt: skip
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


CONFLICT, FLOOD_WAIT = "conflict", "flood_wait"
CONFLICT_HEALTH = "another bot polls with the same token (Conflict): two bots send every message twice"


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
    """One message to every operator about a condition to act on (see bot.health.Alerts)."""
    rt = runtime_of(application)
    task = asyncio.get_running_loop().create_task(
        errors.tell_each_operator(application, lambda language: texts.alert_text(kind, values, language), kind),
        name=f"tell-operators-{kind}",
    )
    rt.tasks.append(task)


def tell_operators(application: Application, part: str, event: str, detail: str) -> None:
    """One message to every operator: `part` of the bot started failing, or recovered."""
    rt = runtime_of(application)
    task = asyncio.get_running_loop().create_task(
        errors.tell_each_operator(application, lambda language: texts.outage_text(part, event, detail, language), part),
        name=f"tell-operators-{part}",
    )
    rt.tasks.append(task)


def updater_of(application: Application) -> Updater:
    """The Application's updater; ``build`` always makes one (it is None only when built without)."""
    if application.updater is None:
        raise RuntimeError("the Application was built without an updater")
    return application.updater


def webhook_secret(rt: Runtime) -> str:
    """BOT_WEBHOOK_SECRET, or one generated on first use and kept in the database."""
    secret = rt.settings.webhook_secret or rt.store.meta("webhook_secret", lambda: secrets.token_urlsafe(32))
    if not secret:  # meta() with a factory always returns a value
        raise RuntimeError("no webhook secret could be made")
    return secret


async def receive_updates(application: Application, rt: Runtime) -> None:
    """Long polling, or Telegram's webhook when BOT_WEBHOOK_URL is set.

    In webhook mode every request must carry the secret in X-Telegram-Bot-Api-Secret-Token;
    python-telegram-bot's webhook server answers 403 to any request without it.
    """
    settings = rt.settings
    if not settings.webhook_url:
        # One WARNING when polling starts failing (no traceback), one INFO when it answers again.
        def polling_failed(exc: TelegramError) -> None:
            if isinstance(exc, Conflict):  # another process polls with this token: not an outage
                rt.alerts.raised(CONFLICT, f"another bot is using this token: {exc.message}", CONFLICT_HEALTH)
                return
            rt.polling.failed(exc)

        await updater_of(application).start_polling(
            poll_interval=0.0, timeout=application.bot_data["poll_timeout"], allowed_updates=Update.ALL_TYPES,
            error_callback=polling_failed,
        )  # fmt: skip
        return
    await updater_of(application).start_webhook(
        listen=settings.webhook_listen, port=settings.webhook_port,
        url_path=urlsplit(settings.webhook_url).path.strip("/"), webhook_url=settings.webhook_url,
        secret_token=webhook_secret(rt), allowed_updates=Update.ALL_TYPES,
    )  # fmt: skip
    log.info("receiving updates by webhook on %s:%d", settings.webhook_listen, settings.webhook_port)


def last_poll(application: Application, rt: Runtime) -> float | None:
    """When Telegram last answered getUpdates; in webhook mode, now while the webhook server runs."""
    if rt.settings.webhook_url:
        return time.time() if updater_of(application).running else None
    return rt.polls.answered_at


def feed_watchdog(problems: list[str]) -> None:
    """After each heartbeat: WATCHDOG=1 to systemd only while `health` would say ok."""
    if problems:
        log.debug("watchdog not fed: %s", ", ".join(problems))
        return
    systemd.notify("WATCHDOG=1")


@contextlib.asynccontextmanager
async def reload_on_sighup(application: Application, wanted: bool) -> AsyncIterator[None]:
    """While serving, SIGHUP (`systemctl reload`, `bot.py reload`) reloads the schedule file.

    Only `bot.py run` asks for it (the demo keeps SIGHUP's default: a closed terminal ends it), and
    only the main thread can own a signal handler.
    """
    from bot.reload import reload_schedule

    rt = runtime_of(application)
    loop = asyncio.get_running_loop()

    def reload() -> None:
        rt.tasks.append(loop.create_task(reload_schedule(application), name="reload"))

    installed = wanted and threading.current_thread() is threading.main_thread()
    if installed:
        loop.add_signal_handler(signal.SIGHUP, reload)
    try:
        yield
    finally:
        if installed:
            loop.remove_signal_handler(signal.SIGHUP)


def supervise(task: asyncio.Task, stop: asyncio.Event, failures: list[str]) -> None:
    """A background task must run until `stop`: if it ends before, stop the bot (the CLI exits 1)."""

    def ended(t: asyncio.Task) -> None:
        if stop.is_set():
            return
        exc = None if t.cancelled() else t.exception()
        log.critical("background task %s ended while the bot was running; stopping", t.get_name(), exc_info=exc)
        failures.append(t.get_name())
        stop.set()

    task.add_done_callback(ended)


async def serve(
    application: Application, stop: asyncio.Event, ready: asyncio.Event | None = None, *, reload_on_hup: bool = False
) -> None:
    """Run polling, the delivery engine and the scheduler until `stop` is set, then shut down.

    With `reload_on_hup`, SIGHUP reloads the schedule file (bot/reload.py).

    On stop, requests already on the wire are allowed to finish and be recorded (a few
    seconds at most); copies still waiting for a send slot go back to the outbox. If a
    background task ends on its own (a bug: the engine survives any error), the bot stops and
    this raises :class:`BackgroundTaskFailed`.
    """
    rt = runtime_of(application)
    failures: list[str] = []
    heartbeat = Heartbeat(
        rt.store.reopen, lambda: (last_poll(application, rt), rt.engine.last_ran), on_beat=feed_watchdog,
        alerts=rt.alerts.active, interval=rt.heartbeat_interval,
    )  # fmt: skip
    async with application, reload_on_sighup(application, reload_on_hup):
        await receive_updates(application, rt)
        await application.start()
        rt.engine.username = application.bot.username  # known once initialised (getMe)
        for name, coro in (("delivery-engine", rt.engine.run()), ("heartbeat", heartbeat.run())):
            task = asyncio.create_task(coro, name=name)
            supervise(task, stop, failures)
            rt.tasks.append(task)
        try:
            for language, commands in texts.COMMANDS.items():
                await application.bot.set_my_commands(
                    [BotCommand(n, d) for n, d in commands], language_code=None if language == "id" else language
                )
        except Exception:
            log.warning("could not register the command list with Telegram", exc_info=True)
        try:  # before the scheduler, which writes the channel's outbox rows; never stops the bot
            rt.scheduler.channel = await channel.start(application.bot, rt.settings.channel_id, rt.store)
        except Exception:
            log.exception("could not set up the channel %s; reminders go to subscribers only", rt.settings.channel_id)
        await rt.scheduler.start()
        # After start(), which resumes interrupted enqueues: the two never write one outbox at once.
        scheduled = asyncio.create_task(rt.scheduler.run_scheduled(), name="scheduled-broadcasts")
        supervise(scheduled, stop, failures)
        rt.tasks.append(scheduled)
        await operators.register_commands(application)
        await operators.resume(application)
        if ready is not None:
            ready.set()
        systemd.notify("READY=1", f"STATUS=serving {len(rt.schedule.reminders)} reminders")
        log.info("bot running (%s)", rt.schedule.summary())
        await stop.wait()
        log.info("stopping")
        systemd.notify("STOPPING=1")
        await updater_of(application).stop()
        await rt.engine.stop()
        await rt.engine.sender.close()
        for task in rt.tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):  # a failure was logged when it ended
                await task
        await heartbeat.close()
        await application.stop()
    if failures:
        raise BackgroundTaskFailed(f"{', '.join(failures)} ended unexpectedly; see the log above")
