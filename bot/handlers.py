"""Telegram handlers: parse the update, call the store and the texts, reply. Nothing else.

Every handler reads what it needs from the :class:`bot.app.Runtime` in ``bot_data``.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot import texts
from bot.schedule import ROLES
from bot.store import ACTIVE, STOPPED

log = logging.getLogger(__name__)

ROLE_PREFIX = "role:"


def runtime(context: ContextTypes.DEFAULT_TYPE):
    return context.application.bot_data["runtime"]


def role_keyboard(current: str | None = None) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(("✓ " if role == current else "") + texts.ROLE_BUTTONS[role],
                                  callback_data=ROLE_PREFIX + role)]
            for role in ROLES
        ]
    )  # fmt: skip


async def reply(update: Update, text: str, **kwargs) -> None:
    await update.effective_message.reply_text(
        text, parse_mode=ParseMode.HTML, link_preview_options={"is_disabled": True}, **kwargs
    )


def language_of(update: Update) -> str | None:
    user = update.effective_user
    return user.language_code if user else None


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    chat_id = update.effective_chat.id
    payload = context.args[0].strip().lower() if context.args else ""
    if payload in ROLES:
        rt.store.subscribe(chat_id, payload, language_of(update))
        await reply(update, texts.subscribed_text(payload, rt.schedule, rt.today()))
        return
    sub = rt.store.subscriber(chat_id)
    if sub is not None and sub.status == ACTIVE and sub.role in ROLES:
        await reply(update, texts.already_subscribed_text(sub.role), reply_markup=role_keyboard(sub.role))
    else:
        await reply(update, texts.welcome_text(rt.schedule), reply_markup=role_keyboard())


async def choose_role(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    role = (query.data or "").removeprefix(ROLE_PREFIX)
    if role not in ROLES or query.message is None:
        await query.answer(texts.STALE_BUTTON)
        return
    rt = runtime(context)
    rt.store.subscribe(query.message.chat.id, role, language_of(update))
    await query.answer()
    try:
        await query.edit_message_text(
            texts.subscribed_text(role, rt.schedule, rt.today()), parse_mode=ParseMode.HTML
        )
    except BadRequest as exc:  # pressed twice: the text is already the confirmation
        if "not modified" not in exc.message.lower():
            raise


async def stray_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer(texts.STALE_BUTTON)


async def change_role(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    sub = runtime(context).store.subscriber(update.effective_chat.id)
    await reply(update, texts.choose_role_text(), reply_markup=role_keyboard(sub.role if sub else None))


async def schedule(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    await reply(update, texts.schedule_text(rt.schedule, rt.today()))


async def neutrality(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    sub = rt.store.subscriber(update.effective_chat.id)
    subscribed = sub is not None and sub.status == ACTIVE
    text = texts.page_text(rt.schedule, texts.netralitas_key(sub.role if subscribed else None))
    await reply(update, text if subscribed else text + texts.NOT_SUBSCRIBED_HINT)


async def polling_station(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, texts.page_text(runtime(context).schedule, "tps"))


async def stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    known = runtime(context).store.set_status(update.effective_chat.id, STOPPED)
    await reply(update, texts.STOPPED if known else texts.NOT_A_SUBSCRIBER)


async def delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    runtime(context).store.forget(update.effective_chat.id)
    await reply(update, texts.DELETED)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, texts.help_text())


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, texts.UNKNOWN_COMMAND)


async def free_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, texts.FREE_TEXT)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The one error handler: log it (the log filter hides the token), tell the person briefly."""
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_message and update.effective_chat:
        try:
            await update.effective_message.reply_text(texts.ERROR)
        except Exception:  # the error may be that we cannot reach Telegram at all
            log.warning("could not tell the user about the error")


def register(application: Application) -> None:
    """Attach every handler. Edited messages and channel posts match nothing and are ignored."""
    message = filters.UpdateType.MESSAGE
    commands = [
        (["start"], start),
        (["jadwal"], schedule),
        (["peran"], change_role),
        (["netralitas"], neutrality),
        (["tps"], polling_station),
        (["berhenti", "stop"], stop),
        (["hapus"], delete),
        (["bantuan", "help"], help_command),
    ]
    for names, callback in commands:
        application.add_handler(CommandHandler(names, callback, filters=message))
    application.add_handler(CallbackQueryHandler(choose_role, pattern=f"^{ROLE_PREFIX}"))
    application.add_handler(CallbackQueryHandler(stray_button))
    application.add_handler(MessageHandler(message & filters.COMMAND, unknown_command))
    application.add_handler(MessageHandler(message & filters.ChatType.PRIVATE & ~filters.COMMAND, free_text))
    application.add_error_handler(on_error)
