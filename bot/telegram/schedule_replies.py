"""The schedule's replies: /jadwal and its pages, the calendar file, /netralitas and /tps."""

from __future__ import annotations

import asyncio

from telegram import (
    InlineKeyboardButton,
    InputFile,
    Update,
)

from bot.content import button_data, catalogue, texts
from bot.store import ACTIVE
from bot.telegram.context import BotContext
from bot.telegram.replies import (
    chat_of,
    lang,
    query_of,
    reply,
    reply_pages,
    show_page,
)


def calendar_row(language: str) -> list[list[InlineKeyboardButton]]:
    return [[InlineKeyboardButton(catalogue.say(language, "calendar_button"), callback_data=button_data.CALENDAR)]]


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
        await query.answer(catalogue.say(language, "stale_button"))
        return
    parts = texts.schedule_pages(rt.schedule, rt.today(), language)
    await show_page(query, "jadwal", parts, turn[1], language, calendar_row(language))


async def send_calendar(update: Update, context: BotContext) -> None:
    rt = context.runtime
    query = query_of(update)
    language = lang(update, context)
    chat = update.effective_chat
    if chat is None:  # a button on a message sent in inline mode: no chat to send the file to
        await query.answer(catalogue.say(language, "stale_button"))
        return
    await query.answer()
    from bot.content import ics  # icalendar loads on first use, keeping start-up short

    data = await asyncio.to_thread(ics.schedule_ics, rt.schedule, language)
    await chat.send_document(
        InputFile(data, filename="jadwal-pilkada.ics"), caption=catalogue.say(language, "calendar_caption")
    )


async def neutrality(update: Update, context: BotContext) -> None:
    rt = context.runtime
    language = lang(update, context)
    sub = rt.store.subscriber(chat_of(update).id)
    subscribed = sub is not None and sub.status == ACTIVE
    key = texts.netralitas_key(sub.role if sub is not None and subscribed else None)
    text = texts.page_text(rt.schedule, key, language, rt.today())
    await reply(update, text if subscribed else text + catalogue.say(language, "not_subscribed_hint"))
