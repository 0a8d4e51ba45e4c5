"""What happens when a handler or a job fails: a log entry without the token, a word to the person,
and a notice to the operators, at most once per kind of failure per :data:`NOTICE_INTERVAL`.

A kind is the exception's type and the bot function it escaped from (found in the traceback), so a
database that fails every /start tells the operators once, not once per voter.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

from telegram import Update
from telegram.ext import Application

from bot.content import catalogue, operator_texts, texts
from bot.log_privacy import RedactFilter
from bot.telegram import replies
from bot.telegram.context import BotContext, runtime_of

log = logging.getLogger(__name__)

NOTICE_INTERVAL = 600.0  # seconds: the same kind of failure is told to the operators once in this time


def failing_function(error: BaseException) -> str:
    """Where `error` escaped from: the outermost frame of the bot's own code, e.g. ``subscribe.start``."""
    for frame, _ in traceback.walk_tb(error.__traceback__):
        module = frame.f_globals.get("__name__", "")
        if module.startswith("bot."):
            return f"{module.removeprefix('bot.')}.{frame.f_code.co_name}"
    return "python-telegram-bot"


def describe(error: BaseException, token: str | None) -> str:
    """The traceback as text, with the token (and anything shaped like one) replaced.

    The log's handlers redact too (``setup_logging``); this does not rely on how logging is set up.
    """
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return RedactFilter([token] if token else []).redact(text)


def first_in_a_while(notices: dict[tuple[str, str], float], kind: tuple[str, str], now: float) -> bool:
    """True if operators were not told about this kind of failure in the last NOTICE_INTERVAL; records it."""
    last = notices.get(kind)
    if last is not None and now - last < NOTICE_INTERVAL:
        return False
    notices[kind] = now
    return True


async def on_error(update: object, context: BotContext) -> None:
    """The one error handler of the Application (handlers and jobs)."""
    error = context.error
    if error is None:
        return
    rt = context.runtime
    where = failing_function(error)
    log.error("error in %s while handling an update:\n%s", where, describe(error, rt.settings.token).rstrip())
    tell = first_in_a_while(rt.error_notices, (type(error).__name__, where), rt.clock())  # decided before any await
    if isinstance(update, Update) and update.effective_message and update.effective_chat:
        try:
            language = replies.lang(update, context)
        except Exception:  # the database may be what failed
            user = update.effective_user
            language = texts.lang_of(user.language_code if user else None)
        try:
            await update.effective_message.reply_text(catalogue.say(language, "error"))
        except Exception:  # the error may be that we cannot reach Telegram at all
            log.warning("could not tell the user about the error")
    if tell:
        name = type(error).__name__
        await tell_each_operator(
            context.application, lambda lang: operator_texts.handler_error_text(where, name, lang), where
        )


async def tell_each_operator(application: Application, text_of: Callable[[str], str], about: str) -> None:
    """Send every operator `text_of(their language)`; a failure is logged, never raised."""
    rt = runtime_of(application)
    for chat_id in sorted(rt.settings.admin_ids):
        try:
            language = replies.chat_lang(rt, chat_id)
        except Exception:  # the database may be what is failing
            language = "id"
        try:
            await application.bot.send_message(chat_id, text_of(language))
        except Exception as exc:
            log.warning("could not tell operator %s about %s: %s", chat_id, about, exc)
