"""The invite button under the subscription's confirmation, through its area and TPS steps (the share
dialog's URL is built by bot/content/invites.py)."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup

from bot.content import invites
from bot.telegram.context import BotContext
from bot.telegram.replies import edit


def invite_row(context: BotContext, area: str | None, language: str) -> list[InlineKeyboardButton]:
    """The invite button (Telegram's share dialog) as a keyboard row; none before the bot knows its name."""
    button = invites.invite_button(context.runtime.schedule, context.bot.username, area, language)
    return [InlineKeyboardButton(button["text"], url=button["url"])] if button else []


def with_invite_row(
    keyboard: InlineKeyboardMarkup | None, context: BotContext, area: str | None, language: str
) -> InlineKeyboardMarkup | None:
    """``keyboard`` with the invite button as its last row (the subscription's confirmation carries it)."""
    row = invite_row(context, area, language)
    if not row:
        return keyboard
    return InlineKeyboardMarkup([*(keyboard.inline_keyboard if keyboard else ()), row])


async def edit_step(
    query: CallbackQuery,
    context: BotContext,
    language: str,
    after_start: bool,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
) -> None:
    """Edit a step of the subscription: under /start the invite button stays as the last row, with the
    kecamatan the person has now."""
    if after_start and query.message is not None:
        sub = context.runtime.store.subscriber(query.message.chat.id)
        keyboard = with_invite_row(keyboard, context, sub.area if sub else None, language)
    await edit(query, text, keyboard)
