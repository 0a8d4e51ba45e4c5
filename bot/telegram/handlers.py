"""Telegram handlers: parse the update, call the store and the texts, reply. Nothing else.

Every handler reads what it needs from ``context.runtime`` (:class:`bot.runtime.Runtime`). Replies are
in the subscriber's language: the one chosen with /bahasa, else their Telegram app's language.
Parse mode (HTML) and link previews (off) are the Application's defaults (see ``bot.telegram.app.build``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from html import escape
from typing import TYPE_CHECKING, TypeVar

from telegram import (
    CallbackQuery,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.content import button_data, faq_match, pages, pledges, telegram_html, texts
from bot.schedule.areas import find
from bot.schedule.faq import FaqEntry
from bot.schedule.model import ROLES
from bot.store import ACTIVE, NOT_ASKED, REPEATED, STOPPED, UNKNOWN
from bot.telegram import subscriber_areas
from bot.telegram.context import BotContext

T = TypeVar("T")

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)


def chat_of(update: Update) -> Chat:
    """The chat of a command; command handlers match messages only, and a message always has one."""
    if update.effective_chat is None:
        raise LookupError("an update without a chat reached a command handler")
    return update.effective_chat


def message_of(update: Update) -> Message:
    """The message of a command (see :func:`chat_of`)."""
    if update.effective_message is None:
        raise LookupError("an update without a message reached a command handler")
    return update.effective_message


def query_of(update: Update) -> CallbackQuery:
    """The button press of an update routed by a CallbackQueryHandler, which always has one."""
    if update.callback_query is None:
        raise LookupError("an update without a callback query reached a button handler")
    return update.callback_query


def lang(update: Update, context: BotContext) -> str:
    """The language to answer in: the subscriber's choice, else their Telegram app's."""
    chat = update.effective_chat
    sub = context.runtime.store.subscriber(chat.id) if chat else None
    if sub is not None and sub.language in texts.LANGS:
        return sub.language
    return texts.lang_of(update.effective_user.language_code if update.effective_user else None)


def role_keyboard(language: str, current: str | None = None) -> InlineKeyboardMarkup:
    labels = texts.ROLE_BUTTONS[language]
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    ("✓ " if role == current else "") + labels[role], callback_data=button_data.role(role)
                )
            ]
            for role in ROLES
        ]
    )


async def reply(update: Update, text: str, **kwargs) -> None:
    """Reply with ``text``; one longer than a message can be comes as several, the buttons under the last."""
    parts = pages.split(text)
    for part in parts[:-1]:
        await message_of(update).reply_text(part)
    await message_of(update).reply_text(parts[-1], **kwargs)


def page_keyboard(
    view: str, page: int, count: int, rows: Sequence[Sequence[InlineKeyboardButton]] = ()
) -> InlineKeyboardMarkup | None:
    """◀ ▶ for page ``page`` (0-based) of ``count``, above the reply's own ``rows`` of buttons."""
    turn = []
    if page > 0:
        turn.append(InlineKeyboardButton(pages.PREVIOUS, callback_data=button_data.page(view, page - 1)))
    if page < count - 1:
        turn.append(InlineKeyboardButton(pages.NEXT, callback_data=button_data.page(view, page + 1)))
    keyboard = ([turn] if turn else []) + [list(row) for row in rows]
    return InlineKeyboardMarkup(keyboard) if keyboard else None


async def reply_pages(
    update: Update, view: str, parts: list[str], language: str, rows: Sequence[Sequence[InlineKeyboardButton]] = ()
) -> None:
    """Reply with the first page of a paged reply; its ◀ ▶ buttons show the others (:func:`show_page`)."""
    await reply(update, pages.with_note(parts, 0, language), reply_markup=page_keyboard(view, 0, len(parts), rows))


async def show_page(
    query: CallbackQuery,
    view: str,
    parts: list[str],
    page: int,
    language: str,
    rows: Sequence[Sequence[InlineKeyboardButton]] = (),
) -> None:
    """Turn a paged reply to ``page``, rendered afresh (clamped if the reply has fewer pages now)."""
    page = min(page, len(parts) - 1)
    await query.answer()
    await edit(query, pages.with_note(parts, page, language), page_keyboard(view, page, len(parts), rows))


async def ignoring_unchanged(edit: Awaitable[object]) -> None:
    """Await an edit of a message; an edit that changes nothing (a button pressed twice) is not an error.

    Telegram answers such an edit with 400 "message is not modified", which python-telegram-bot
    raises as a plain BadRequest: no subclass, no code of its own. So its wording is checked here,
    in this one place, and every edit of the bot goes through this helper.
    """
    try:
        await edit
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


async def edit(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Replace the text (and buttons) of the message whose button was pressed."""
    await ignoring_unchanged(query.edit_message_text(text, reply_markup=markup))


async def may_manage(update: Update, context: BotContext) -> bool:
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


async def refuse_non_admin(update: Update, context: BotContext) -> None:
    """The polite answer to a group member who is not an admin."""
    text = texts.say(lang(update, context), "group_admins_only")
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await reply(update, text)


async def managed_press(
    update: Update, context: BotContext, unpack: Callable[[str | None], T | None]
) -> tuple[T, int] | None:
    """What a subscription button carries and its chat, once the checks such buttons share have passed.

    A button this bot did not pack (or whose message is gone) gets "no longer valid"; in a group
    only admins may press it. None when the press was already answered.
    """
    query = query_of(update)
    value = unpack(query.data)
    if value is None or query.message is None:
        await query.answer(texts.say(lang(update, context), "stale_button"))
        return None
    if not await may_manage(update, context):
        await refuse_non_admin(update, context)
        return None
    return value, query.message.chat.id


async def start(update: Update, context: BotContext) -> None:
    rt = context.runtime
    chat_id = chat_of(update).id
    language = lang(update, context)
    payload = context.args[0].strip().lower() if context.args else ""
    link = subscriber_areas.parse_start(payload, rt.schedule.areas)
    if link is not None:  # a deep link: /start pemilih, /start pemilih-kedungwaru
        role, area, desa, _unknown = link  # an unknown area is simply asked for below
        if not await may_manage(update, context):
            await refuse_non_admin(update, context)
            return
        rt.store.subscribe(chat_id, role, language)
        if area is not None:
            rt.store.set_area(chat_id, area, desa)
        text, markup = subscribed_with_area_step(rt, chat_id, role, language, area_just_set=area is not None)
        await reply(update, text, reply_markup=markup)
        return
    sub = rt.store.subscriber(chat_id)
    if sub is not None and sub.status == ACTIVE and sub.role in ROLES:
        await reply(
            update, texts.already_subscribed_text(sub.role, language), reply_markup=role_keyboard(language, sub.role)
        )
    else:
        await reply(update, texts.welcome_text(rt.schedule, language), reply_markup=role_keyboard(language))


def subscribed_with_area_step(
    rt: Runtime, chat_id: int, role: str, language: str, area_just_set: bool = False
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The subscription's confirmation, and under it the area stored or, if none yet, the area step."""
    text = texts.subscribed_text(role, rt.schedule, rt.today(), language)
    sub = rt.store.subscriber(chat_id)
    if not rt.schedule.areas or sub is None:
        return text, None
    if sub.area:
        known = texts.say(
            language,
            "area_saved" if area_just_set else "area_known",
            area=texts.area_label(rt.schedule, sub.area, sub.desa),
        )
        return f"{text}\n\n{known}", None
    keyboard = subscriber_areas.kecamatan_keyboard(rt.schedule.areas, button_data.AREA_AFTER_START, language)
    return f"{text}\n\n{texts.say(language, 'area_prompt')}", keyboard


async def choose_role(update: Update, context: BotContext) -> None:
    if (pressed := await managed_press(update, context, button_data.unpack_role)) is None:
        return
    (role, chat_id), query, language = pressed, query_of(update), lang(update, context)
    rt = context.runtime
    rt.store.subscribe(chat_id, role, language)
    await query.answer()
    await edit(query, *subscribed_with_area_step(rt, chat_id, role, language))


async def choose_language(update: Update, context: BotContext) -> None:
    if (pressed := await managed_press(update, context, button_data.unpack_language)) is None:
        return
    (chosen, chat_id), query = pressed, query_of(update)
    rt = context.runtime
    if not rt.store.set_language(chat_id, chosen):
        rt.store.remember_language(chat_id, chosen)
    await query.answer()
    await edit(query, texts.say(chosen, "language_set"))


async def stray_button(update: Update, context: BotContext) -> None:
    await query_of(update).answer(texts.say(lang(update, context), "stale_button"))


async def change_role(update: Update, context: BotContext) -> None:
    language = lang(update, context)
    sub = context.runtime.store.subscriber(chat_of(update).id)
    current = sub.role if sub is not None else None
    await reply(update, texts.say(language, "choose_role"), reply_markup=role_keyboard(language, current))


async def change_language(update: Update, context: BotContext) -> None:
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Bahasa Indonesia", callback_data=button_data.language("id")),
          InlineKeyboardButton("English", callback_data=button_data.language("en"))]]
    )  # fmt: skip
    await reply(update, texts.say(lang(update, context), "language_prompt"), reply_markup=keyboard)


def calendar_row(language: str) -> list[list[InlineKeyboardButton]]:
    return [[InlineKeyboardButton(texts.say(language, "calendar_button"), callback_data=button_data.CALENDAR)]]


async def schedule(update: Update, context: BotContext) -> None:
    rt = context.runtime
    language = lang(update, context)
    parts = texts.schedule_pages(rt.schedule, rt.today(), language)
    await reply_pages(update, "jadwal", parts, language, calendar_row(language))


async def schedule_page(update: Update, context: BotContext) -> None:
    """◀ ▶ under /jadwal: anyone in the chat may turn the pages."""
    rt = context.runtime
    query = query_of(update)
    language = lang(update, context)
    turn = button_data.unpack_page(query.data)
    if turn is None or turn[0] != "jadwal" or query.message is None:
        await query.answer(texts.say(language, "stale_button"))
        return
    parts = texts.schedule_pages(rt.schedule, rt.today(), language)
    await show_page(query, "jadwal", parts, turn[1], language, calendar_row(language))


async def send_calendar(update: Update, context: BotContext) -> None:
    rt = context.runtime
    query = query_of(update)
    language = lang(update, context)
    chat = update.effective_chat
    if chat is None:  # a button on a message sent in inline mode: no chat to send the file to
        await query.answer(texts.say(language, "stale_button"))
        return
    await query.answer()
    from bot.content import ics  # icalendar loads on first use, keeping start-up short

    data = await asyncio.to_thread(ics.schedule_ics, rt.schedule, language)
    await chat.send_document(
        InputFile(data, filename="jadwal-pilkada.ics"), caption=texts.say(language, "calendar_caption")
    )


async def neutrality(update: Update, context: BotContext) -> None:
    rt = context.runtime
    language = lang(update, context)
    sub = rt.store.subscriber(chat_of(update).id)
    subscribed = sub is not None and sub.status == ACTIVE
    key = texts.netralitas_key(sub.role if sub is not None and subscribed else None)
    text = texts.page_text(rt.schedule, key, language, rt.today())
    await reply(update, text if subscribed else text + texts.say(language, "not_subscribed_hint"))


async def polling_station(update: Update, context: BotContext) -> None:
    rt = context.runtime
    await reply(update, texts.page_text(rt.schedule, "tps", lang(update, context), rt.today()))


async def privacy(update: Update, context: BotContext) -> None:
    await reply(update, texts.say(lang(update, context), "privacy"))


async def stop(update: Update, context: BotContext) -> None:
    if not await may_manage(update, context):
        await refuse_non_admin(update, context)
        return
    known = context.runtime.store.set_status(chat_of(update).id, STOPPED)
    await reply(update, texts.say(lang(update, context), "stopped" if known else "not_a_subscriber"))


async def delete(update: Update, context: BotContext) -> None:
    """/hapus: ask first; the data goes only when "Ya, hapus" is pressed (see :func:`confirm_delete`)."""
    if not await may_manage(update, context):
        await refuse_non_admin(update, context)
        return
    language = lang(update, context)
    yes, no = button_data.forget(button_data.FORGET_YES), button_data.forget(button_data.FORGET_NO)
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.say(language, "delete_yes"), callback_data=yes),
          InlineKeyboardButton(texts.say(language, "delete_no"), callback_data=no)]]
    )  # fmt: skip
    await reply(update, texts.say(language, "delete_confirm"), reply_markup=keyboard)


async def confirm_delete(update: Update, context: BotContext) -> None:
    """A press on the /hapus question; in a group only its admins may answer it, as for /hapus itself."""
    if (pressed := await managed_press(update, context, button_data.unpack_forget)) is None:
        return
    (answer, chat_id), query, language = pressed, query_of(update), lang(update, context)
    await query.answer()
    if answer != button_data.FORGET_YES:
        await edit(query, texts.say(language, "delete_kept"))
        return
    rt = context.runtime
    rt.store.forget(chat_id)
    rt.engine.wake()  # copies it cancelled may have been all that kept a broadcast open
    await edit(query, texts.say(language, "deleted"))


async def change_area(update: Update, context: BotContext) -> None:
    """/wilayah: the area stored now, and the kecamatan buttons to change (or remove) it."""
    rt = context.runtime
    language = lang(update, context)
    sub = rt.store.subscriber(chat_of(update).id)
    if not rt.schedule.areas:
        await reply(update, texts.say(language, "area_none"))
    elif sub is None or sub.status != ACTIVE or sub.role not in ROLES:
        await reply(update, texts.say(language, "not_a_subscriber"))
    else:
        keyboard = subscriber_areas.kecamatan_keyboard(
            rt.schedule.areas, button_data.AREA_COMMAND, language, removable=bool(sub.area)
        )
        await reply(update, texts.area_command_text(rt.schedule, sub.area, sub.desa, language), reply_markup=keyboard)


async def choose_area(update: Update, context: BotContext) -> None:
    """A kecamatan/desa button, under a subscription's confirmation or under /wilayah."""
    if (pressed := await managed_press(update, context, button_data.unpack_area)) is None:
        return
    (press, chat_id), query, language = pressed, query_of(update), lang(update, context)
    rt = context.runtime
    sub = rt.store.subscriber(chat_id)
    if sub is None or sub.status != ACTIVE or sub.role not in ROLES:
        await query.answer(texts.say(language, "not_a_subscriber"), show_alert=True)
        return
    after_start = press.where == button_data.AREA_AFTER_START
    # Under /start the confirmation stays at the top of the message; the step's outcome follows it.
    head = texts.subscribed_text(sub.role, rt.schedule, rt.today(), language) + "\n\n" if after_start else ""
    areas = rt.schedule.areas
    area = find(areas, press.area)
    if press.action in ("k", "q", "a", "d") and area is None:  # the schedule no longer has it
        await query.answer(texts.say(language, "stale_button"))
        return
    desa = area.find_desa(press.desa) if area is not None and press.desa else None
    if press.action == "d" and desa is None:
        await query.answer(texts.say(language, "stale_button"))
        return
    await query.answer()
    if press.action == "p":
        ask = (
            texts.say(language, "area_prompt")
            if after_start
            else texts.area_command_text(rt.schedule, sub.area, sub.desa, language)
        )
        keyboard = subscriber_areas.kecamatan_keyboard(
            areas, press.where, language, press.page, removable=bool(sub.area)
        )
        await edit(query, head + ask, keyboard)
    elif press.action == "skip":
        await edit(query, head + texts.say(language, "area_skipped" if after_start else "area_kept"))
    elif press.action == "del":
        rt.store.set_area(chat_id, None)
        await edit(query, texts.say(language, "area_removed"))
    elif area is not None and press.action == "k" and area.desa:
        rt.store.set_area(chat_id, area.id)  # kept even if the desa question is left unanswered
        keyboard = subscriber_areas.desa_keyboard(area, press.where, language)
        await edit(query, head + texts.desa_prompt_text(rt.schedule, area.id, language), keyboard)
    elif area is not None and press.action == "q":
        keyboard = subscriber_areas.desa_keyboard(area, press.where, language, press.page)
        await edit(query, head + texts.desa_prompt_text(rt.schedule, area.id, language), keyboard)
    elif area is not None:  # k without desa, a, d
        rt.store.set_area(chat_id, area.id, desa.id if desa else None)
        await edit(query, head + texts.area_saved_text(rt.schedule, area.id, desa.id if desa else None, language))


def is_operator(update: Update, context: BotContext) -> bool:
    """An operator (BOT_ADMIN_IDS) writing in a private chat, where operator commands work."""
    chat, user = update.effective_chat, update.effective_user
    private = chat is not None and chat.type == ChatType.PRIVATE
    return private and user is not None and user.id in context.runtime.settings.admin_ids


async def help_command(update: Update, context: BotContext) -> None:
    await reply(update, texts.help_text(lang(update, context), operator=is_operator(update, context)))


async def unknown_command(update: Update, context: BotContext) -> None:
    await reply(update, texts.say(lang(update, context), "unknown_command"))


# -- questions in plain words (the FAQ) ---------------------------------------------------


def faq_keyboard(entries: Sequence[FaqEntry], language: str) -> InlineKeyboardMarkup | None:
    """One button per entry, labelled with its first example question in ``language``."""
    # Every entry has an example question, and an id that fits a button (`check` refuses the rest).
    rows = [
        [
            InlineKeyboardButton(
                texts.faq_button_label(entry.phrasings(language)[0]), callback_data=button_data.faq(entry.id)
            )
        ]
        for entry in entries
    ]
    return InlineKeyboardMarkup(rows) if rows else None


async def answer_question(update: Update, context: BotContext, text: str) -> None:
    """The FAQ's answer to ``text`` when the match is confident, else "not found" (and the question counted)."""
    rt = context.runtime
    language = lang(update, context)
    found = faq_match.match(rt.schedule.faq, text)
    if found.confident and found.entry is not None:
        answer = found.entry.answer(language, rt.today())
        await reply(update, answer, reply_markup=faq_keyboard(found.related, language))
        return
    rt.store.record_unanswered(text, now=rt.now().timestamp())
    maybe = [e for e in (found.entry, *found.related) if e is not None] if found.score >= SUGGEST_MIN else []
    keyboard = faq_keyboard(maybe, language)
    contact = rt.schedule.fact("contact", language)
    phone = rt.schedule.election.phone
    await reply(update, texts.faq_not_found_text(language, contact, keyboard is not None, phone), reply_markup=keyboard)


SUGGEST_MIN = 0.3  # below this, "did you mean" buttons would be noise


async def free_text(update: Update, context: BotContext) -> None:
    """A private message that is not a command: a question for the FAQ."""
    message = message_of(update)
    text = (message.text or message.caption or "").strip()
    if not text:  # a sticker, a photo without caption: nothing to look up
        await reply(update, texts.say(lang(update, context), "free_text"))
        return
    await answer_question(update, context, text)


def addressed_text(message: Message, username: str | None, bot_id: int) -> str | None:
    """A group message's text if it is meant for the bot (an @mention of it, or a reply to it), else None."""
    text = message.text or message.caption or ""
    replied = message.reply_to_message
    to_bot = replied is not None and replied.from_user is not None and replied.from_user.id == bot_id
    mention = f"@{username}".lower() if username else None
    if mention and mention in text.lower():
        start = text.lower().index(mention)
        return (text[:start] + text[start + len(mention) :]).strip()
    return text.strip() if to_bot else None


async def group_text(update: Update, context: BotContext) -> None:
    """A group message: answered only when it is for the bot; the rest of the group's talk is not ours."""
    text = addressed_text(message_of(update), context.bot.username, context.bot.id)
    if text:
        await answer_question(update, context, text)


async def faq_button(update: Update, context: BotContext) -> None:
    """A related question under an answer: its answer, as a new message, with its own related questions."""
    rt = context.runtime
    query = query_of(update)
    language = lang(update, context)
    entry = rt.schedule.faq_entry(button_data.unpack_faq(query.data))
    if entry is None or query.message is None:
        await query.answer(texts.say(language, "stale_button"))
        return
    await query.answer()
    related = faq_match.related_entries(rt.schedule.faq, entry)
    await context.bot.send_message(
        query.message.chat.id, entry.answer(language, rt.today()), reply_markup=faq_keyboard(related, language)
    )


async def purge_unanswered(context: BotContext) -> None:
    """Daily: unanswered questions older than 30 days go, even if nobody asks anything for a while."""
    rt = context.runtime
    rt.store.purge_unanswered(rt.now().timestamp())


# -- pledges


async def pledge(update: Update, context: BotContext) -> None:
    """A press on a reminder's pledge button: recorded once per person and ask; the message thanks them.

    The first press edits the message (its text, then the thanks; the button goes). A repeated
    press (a double tap, the same ask under another reminder) only answers with the thanks.
    """
    query = query_of(update)
    language = lang(update, context)
    ask = button_data.unpack_pledge(query.data)
    chat = update.effective_chat
    if ask is None or query.message is None or chat is None or not pledges.gets_button(chat.id):
        await query.answer(texts.say(language, "stale_button"))
        return
    rt = context.runtime
    outcome = rt.store.pledge(chat.id, ask, now=rt.clock())
    if outcome == NOT_ASKED:  # a button never sent to this chat (forged data): not counted
        await query.answer(texts.say(language, "stale_button"))
        return
    if outcome == UNKNOWN:  # the bot knows nothing of the chat (after /hapus): nothing to attach it to
        await query.answer(texts.say(language, "not_a_subscriber"), show_alert=True)
        return
    thanks = pledges.thanks(ask, language)
    await query.answer(thanks)
    if outcome == REPEATED:
        return
    message = query.message
    if isinstance(message, Message) and message.text:
        text = f"{message.text_html}\n\n<b>{escape(thanks)}</b>"
        if telegram_html.utf16_len(f"{message.text}\n\n{thanks}") <= telegram_html.MAX_TEXT:
            await edit(query, text)
            return
    # Too long for the thanks, or a message the update does not show: the button goes, the text stays.
    await ignoring_unchanged(
        context.bot.edit_message_reply_markup(chat_id=chat.id, message_id=message.message_id, reply_markup=None)
    )


async def group_upgraded(update: Update, context: BotContext) -> None:
    """A group became a supergroup: its subscription moves to the new id now, not at the next send."""
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return
    context.runtime.store.migrate_chat(message.chat_id, message.migrate_to_chat_id)


def register(application: Application) -> None:
    """Attach every handler. Edited messages and channel posts match nothing and are ignored."""
    message = filters.UpdateType.MESSAGE
    commands = [
        (["start"], start),
        (["jadwal"], schedule),
        (["peran"], change_role),
        (["wilayah"], change_area),
        (["bahasa", "language"], change_language),
        (["netralitas"], neutrality),
        (["tps"], polling_station),
        (["privasi", "privacy"], privacy),
        (["berhenti", "stop"], stop),
        (["hapus"], delete),
        (["bantuan", "help"], help_command),
    ]
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, group_upgraded))
    for names, callback in commands:
        application.add_handler(CommandHandler(names, callback, filters=message))
    application.add_handler(CallbackQueryHandler(choose_role, pattern=button_data.ROLE_PATTERN))
    application.add_handler(CallbackQueryHandler(choose_language, pattern=button_data.LANGUAGE_PATTERN))
    application.add_handler(CallbackQueryHandler(send_calendar, pattern=button_data.CALENDAR_PATTERN))
    application.add_handler(CallbackQueryHandler(schedule_page, pattern=button_data.page_pattern("jadwal")))
    application.add_handler(CallbackQueryHandler(confirm_delete, pattern=button_data.FORGET_PATTERN))
    application.add_handler(CallbackQueryHandler(choose_area, pattern=button_data.AREA_PATTERN))
    application.add_handler(CallbackQueryHandler(pledge, pattern=button_data.PLEDGE_PATTERN))
    application.add_handler(CallbackQueryHandler(faq_button, pattern=button_data.FAQ_PATTERN))
    application.add_handler(CallbackQueryHandler(stray_button))
    application.add_handler(MessageHandler(message & filters.COMMAND, unknown_command))
    application.add_handler(MessageHandler(message & filters.ChatType.PRIVATE & ~filters.COMMAND, free_text))
    application.add_handler(MessageHandler(message & filters.ChatType.GROUPS & ~filters.COMMAND, group_text))
    if application.job_queue is not None:
        application.job_queue.run_repeating(purge_unanswered, interval=86400, first=60, name="purge-unanswered")
