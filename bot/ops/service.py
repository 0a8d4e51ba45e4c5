"""Running the bot as a service: updates, the delivery engine and the scheduler until told to stop.

``serve`` runs a built Application (bot/telegram/app.py) until a stop event: polling or the webhook,
the delivery engine, the heartbeat (which feeds systemd's watchdog) and the scheduler together, and
SIGHUP reloads the schedule file. The real bot, the offline demo and the end-to-end tests all go
through ``serve``.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import secrets
import signal
import threading
import time
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

from telegram import BotCommand, Update
from telegram.error import Conflict, TelegramError
from telegram.ext import Application, Updater

from bot.content import subscriber_strings
from bot.delivery import channel
from bot.delivery.health import Heartbeat
from bot.ops import systemd
from bot.runtime import Runtime
from bot.telegram import operators, progress
from bot.telegram.context import runtime_of

log = logging.getLogger(__name__)

CONFLICT = "conflict"
CONFLICT_HEALTH = "another bot polls with the same token (Conflict): two bots send every message twice"


class BackgroundTaskFailed(RuntimeError):
    """A background task (delivery engine, heartbeat) ended while the bot was running."""


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
            poll_interval=0.0,
            timeout=application.bot_data["poll_timeout"],
            allowed_updates=Update.ALL_TYPES,
            error_callback=polling_failed,
        )
        return
    await updater_of(application).start_webhook(
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        url_path=urlsplit(settings.webhook_url).path.strip("/"),
        webhook_url=settings.webhook_url,
        secret_token=webhook_secret(rt),
        allowed_updates=Update.ALL_TYPES,
    )
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
    from bot.ops.reload import reload_schedule

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


async def register_commands(application: Application) -> None:
    """The subscribers' command menu in both languages; a failure is logged and never stops the bot."""
    try:
        for language, commands in subscriber_strings.COMMANDS.items():
            await application.bot.set_my_commands(
                [BotCommand(n, d) for n, d in commands], language_code=None if language == "id" else language
            )
    except Exception:
        log.warning("could not register the command list with Telegram", exc_info=True)


def keep_startup_out_of_gc() -> None:
    """What start-up built (modules, the schedule, its texts) stays for good: out of the collector's
    sight, a full collection no longer stalls the loop for ~40 ms. Such a stall between a send slot
    and its request reaching Telegram let 31 copies land within one second: a 429 and a second lost
    (bench/README.md, figure 5 extra)."""
    gc.collect()
    gc.freeze()


async def serve(
    application: Application, stop: asyncio.Event, ready: asyncio.Event | None = None, *, reload_on_hup: bool = False
) -> None:
    """Run polling, the delivery engine and the scheduler until `stop` is set, then shut down.

    With `reload_on_hup`, SIGHUP reloads the schedule file (bot/ops/reload.py).

    On stop, requests already on the wire are allowed to finish and be recorded (a few
    seconds at most); copies still waiting for a send slot go back to the outbox. If a
    background task ends on its own (a bug: the engine survives any error), the bot stops and
    this raises :class:`BackgroundTaskFailed`.
    """
    rt = runtime_of(application)
    failures: list[str] = []
    heartbeat = Heartbeat(
        rt.store.reopen,
        lambda: (last_poll(application, rt), rt.engine.last_ran),
        on_beat=feed_watchdog,
        alerts=rt.alerts.active,
        interval=rt.heartbeat_interval,
    )
    async with application, reload_on_sighup(application, reload_on_hup):
        await receive_updates(application, rt)
        await application.start()
        rt.engine.username = application.bot.username  # known once initialised (getMe)
        for name, coro in (("delivery-engine", rt.engine.run()), ("heartbeat", heartbeat.run())):
            task = asyncio.create_task(coro, name=name)
            supervise(task, stop, failures)
            rt.tasks.append(task)
        await register_commands(application)
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
        await progress.resume(application)
        if ready is not None:
            ready.set()
        systemd.notify("READY=1", f"STATUS=serving {len(rt.schedule.reminders)} reminders")
        log.info("bot running (%s)", rt.schedule.summary())
        keep_startup_out_of_gc()
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
