"""What every handler shares: the update's chat, message and language, replies and pages, and who may manage a chat."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from telegram import (
    CallbackQuery,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, TelegramError

from bot.content import button_data, catalogue, formats, pages, texts
from bot.runtime import Runtime
from bot.schedule.model import ROLES
from bot.store import ACTIVE, Subscriber
from bot.telegram.context import BotContext

log = logging.getLogger(__name__)


T = TypeVar("T")


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
    if sub is not None and sub.language in formats.LANGS:
        return sub.language
    return texts.lang_of(update.effective_user.language_code if update.effective_user else None)


async def reply(update: Update, text: str, **kwargs: Any) -> None:
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
    text = catalogue.say(lang(update, context), "group_admins_only")
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
        await query.answer(catalogue.say(lang(update, context), "stale_button"))
        return None
    if not await may_manage(update, context):
        await refuse_non_admin(update, context)
        return None
    return value, query.message.chat.id


async def subscriber_press(
    update: Update, context: BotContext, unpack: Callable[[str | None], T | None]
) -> tuple[T, Subscriber] | None:
    """As :func:`managed_press`, for the buttons of a subscription (area, TPS): the chat must be an
    active subscriber with a role, else the press gets "not a subscriber" and None is returned."""
    if (pressed := await managed_press(update, context, unpack)) is None:
        return None
    value, chat_id = pressed
    sub = context.runtime.store.subscriber(chat_id)
    if sub is None or sub.status != ACTIVE or sub.role not in ROLES:
        await query_of(update).answer(catalogue.say(lang(update, context), "not_a_subscriber"), show_alert=True)
        return None
    return value, sub


def is_operator(update: Update, context: BotContext) -> bool:
    """An operator (BOT_ADMIN_IDS) writing in a private chat, where operator commands work."""
    chat, user = update.effective_chat, update.effective_user
    private = chat is not None and chat.type == ChatType.PRIVATE
    return private and user is not None and user.id in context.runtime.settings.admin_ids


def chat_lang(rt: Runtime, chat_id: int) -> str:
    """The language of someone the bot writes to unprompted: their stored choice, else Indonesian."""
    sub = rt.store.subscriber(chat_id)
    return sub.language if sub is not None and sub.language in formats.LANGS else "id"
