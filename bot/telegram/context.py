"""The context python-telegram-bot hands every handler and job: the default one plus a typed ``runtime``.

The runtime (settings, schedule, store, engine) lives in ``bot_data``; this module is the one place
that knows the key, so handlers write ``context.runtime`` and get :class:`bot.runtime.Runtime` back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

if TYPE_CHECKING:
    from bot.runtime import Runtime

RUNTIME_KEY = "runtime"


class BotContext(CallbackContext[ExtBot, dict, dict, dict]):
    """Handlers' and jobs' context (installed with ``ContextTypes(context=BotContext)``)."""

    @property
    def runtime(self) -> Runtime:
        return runtime_of(self.application)


def runtime_of(application: Application[Any, Any, Any, Any, Any, Any]) -> Runtime:
    """The runtime of an application built by :func:`bot.telegram.app.build`."""
    return application.bot_data[RUNTIME_KEY]


def job_queue_of(application: Application[Any, Any, Any, Any, Any, Any]) -> JobQueue:
    """The application's job queue; python-telegram-bot has one when installed with its [job-queue] extra."""
    if application.job_queue is None:
        raise RuntimeError("python-telegram-bot was installed without its job queue (the [job-queue] extra)")
    return application.job_queue
