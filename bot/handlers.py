"""Telegram handlers: parse the update, call the store and the texts, reply. Nothing else.

Every handler reads what it needs from the :class:`bot.app.Runtime` in ``bot_data``. Replies are
in the subscriber's language: the one chosen with /bahasa, else their Telegram app's language.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot import texts
from bot.schedule import ROLES
from bot.store import ACTIVE, STOPPED

log = logging.getLogger(__name__)

ROLE_PREFIX = "role:"
LANG_PREFIX = "lang:"
CALENDAR = "ics"


def runtime(context: ContextTypes.DEFAULT_TYPE):
    return context.application.bot_data["runtime"]


def lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The language to answer in: the subscriber's choice, else their Telegram app's."""
    chat = update.effective_chat
    sub = runtime(context).store.subscriber(chat.id) if chat else None
    if sub is not None and sub.language in texts.LANGS:
        return sub.language
    return texts.lang_of(update.effective_user.language_code if update.effective_user else None)


def role_keyboard(language: str, current: str | None = None) -> InlineKeyboardMarkup:
    labels = texts.ROLE_BUTTONS[language]
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(("✓ " if role == current else "") + labels[role], callback_data=ROLE_PREFIX + role)]
            for role in ROLES
        ]
    )


async def reply(update: Update, text: str, **kwargs) -> None:
    await update.effective_message.reply_text(
        text, parse_mode=ParseMode.HTML, link_preview_options={"is_disabled": True}, **kwargs
    )


async def may_manage(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """May the sender change the chat's subscription? Anyone in a private chat; in a group, its admins.

    An anonymous admin posts as the group itself (``sender_chat``) and counts as an admin. A
    group that cannot be asked (network, the bot removed) is treated as "not an admin".
    """
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return True
    message = update.message  # a command; for a button press the sender is the user below
    if message is not None and message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True
    user = update.effective_user
    if user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError as exc:
        log.warning("could not check a group member's rights: %s", exc)
        return False
    return member.status in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)


async def refuse_non_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The polite answer to a group member who is not an admin."""
    text = texts.say(lang(update, context), "group_admins_only")
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await reply(update, text)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    chat_id = update.effective_chat.id
    language = lang(update, context)
    payload = context.args[0].strip().lower() if context.args else ""
    if payload in ROLES:
        if not await may_manage(update, context):
            await refuse_non_admin(update, context)
            return
        rt.store.subscribe(chat_id, payload, language)
        await reply(update, texts.subscribed_text(payload, rt.schedule, rt.today(), language))
        return
    sub = rt.store.subscriber(chat_id)
    if sub is not None and sub.status == ACTIVE and sub.role in ROLES:
        await reply(
            update, texts.already_subscribed_text(sub.role, language), reply_markup=role_keyboard(language, sub.role)
        )
    else:
        await reply(update, texts.welcome_text(rt.schedule, language), reply_markup=role_keyboard(language))


async def choose_role(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    language = lang(update, context)
    role = (query.data or "").removeprefix(ROLE_PREFIX)
    if role not in ROLES or query.message is None:
        await query.answer(texts.say(language, "stale_button"))
        return
    if not await may_manage(update, context):
        await refuse_non_admin(update, context)
        return
    rt = runtime(context)
    rt.store.subscribe(query.message.chat.id, role, language)
    await query.answer()
    await edit(query, texts.subscribed_text(role, rt.schedule, rt.today(), language))


async def choose_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    chosen = (query.data or "").removeprefix(LANG_PREFIX)
    if chosen not in texts.LANGS or query.message is None:
        await query.answer(texts.say(lang(update, context), "stale_button"))
        return
    if not await may_manage(update, context):
        await refuse_non_admin(update, context)
        return
    rt = runtime(context)
    if not rt.store.set_language(query.message.chat.id, chosen):
        rt.store.remember_language(query.message.chat.id, chosen)
    await query.answer()
    await edit(query, texts.say(chosen, "language_set"))


async def edit(query, text: str) -> None:
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML)
    except BadRequest as exc:  # pressed twice: the text is already the confirmation
        if "not modified" not in exc.message.lower():
            raise


async def stray_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer(texts.say(lang(update, context), "stale_button"))


async def change_role(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    language = lang(update, context)
    sub = runtime(context).store.subscriber(update.effective_chat.id)
    await reply(update, texts.say(language, "choose_role"), reply_markup=role_keyboard(language, sub and sub.role))


async def change_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Bahasa Indonesia", callback_data=LANG_PREFIX + "id"),
          InlineKeyboardButton("English", callback_data=LANG_PREFIX + "en")]]
    )  # fmt: skip
    await reply(update, texts.say(lang(update, context), "language_prompt"), reply_markup=keyboard)


async def schedule(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    language = lang(update, context)
    button = InlineKeyboardButton(texts.say(language, "calendar_button"), callback_data=CALENDAR)
    await reply(
        update, texts.schedule_text(rt.schedule, rt.today(), language), reply_markup=InlineKeyboardMarkup([[button]])
    )


async def send_calendar(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    language = lang(update, context)
    await update.callback_query.answer()
    from bot import ics  # icalendar loads on first use, keeping start-up short

    data = await asyncio.to_thread(ics.schedule_ics, rt.schedule, language)
    await update.effective_chat.send_document(
        InputFile(data, filename="jadwal-pilkada.ics"), caption=texts.say(language, "calendar_caption")
    )


async def neutrality(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    language = lang(update, context)
    sub = rt.store.subscriber(update.effective_chat.id)
    subscribed = sub is not None and sub.status == ACTIVE
    key = texts.netralitas_key(sub.role if subscribed else None)
    text = texts.page_text(rt.schedule, key, language, rt.today())
    await reply(update, text if subscribed else text + texts.say(language, "not_subscribed_hint"))


async def polling_station(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    await reply(update, texts.page_text(rt.schedule, "tps", lang(update, context), rt.today()))


async def privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, texts.say(lang(update, context), "privacy"))


async def stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await may_manage(update, context):
        await refuse_non_admin(update, context)
        return
    known = runtime(context).store.set_status(update.effective_chat.id, STOPPED)
    await reply(update, texts.say(lang(update, context), "stopped" if known else "not_a_subscriber"))


async def delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await may_manage(update, context):
        await refuse_non_admin(update, context)
        return
    language = lang(update, context)
    rt = runtime(context)
    rt.store.forget(update.effective_chat.id)
    rt.engine.wake()  # copies it cancelled may have been all that kept a broadcast open
    await reply(update, texts.say(language, "deleted"))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, texts.help_text(lang(update, context)))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, texts.say(lang(update, context), "unknown_command"))


async def free_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, texts.say(lang(update, context), "free_text"))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The one error handler: log it (the log filter hides the token), tell the person briefly."""
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_message and update.effective_chat:
        try:
            await update.effective_message.reply_text(texts.say("id", "error"))
        except Exception:  # the error may be that we cannot reach Telegram at all
            log.warning("could not tell the user about the error")


def register(application: Application) -> None:
    """Attach every handler. Edited messages and channel posts match nothing and are ignored."""
    message = filters.UpdateType.MESSAGE
    commands = [
        (["start"], start),
        (["jadwal"], schedule),
        (["peran"], change_role),
        (["bahasa", "language"], change_language),
        (["netralitas"], neutrality),
        (["tps"], polling_station),
        (["privasi", "privacy"], privacy),
        (["berhenti", "stop"], stop),
        (["hapus"], delete),
        (["bantuan", "help"], help_command),
    ]
    for names, callback in commands:
        application.add_handler(CommandHandler(names, callback, filters=message))
    application.add_handler(CallbackQueryHandler(choose_role, pattern=f"^{ROLE_PREFIX}"))
    application.add_handler(CallbackQueryHandler(choose_language, pattern=f"^{LANG_PREFIX}"))
    application.add_handler(CallbackQueryHandler(send_calendar, pattern=f"^{CALENDAR}$"))
    application.add_handler(CallbackQueryHandler(stray_button))
    application.add_handler(MessageHandler(message & filters.COMMAND, unknown_command))
    application.add_handler(MessageHandler(message & filters.ChatType.PRIVATE & ~filters.COMMAND, free_text))
    application.add_error_handler(on_error)
