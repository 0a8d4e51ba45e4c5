"""What the operators' handlers share: who pressed, their name, the draft's state, the audit trail,
and edits that fail quietly.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from typing import Any

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    Update,
    User,
)
from telegram.error import TelegramError

from bot import store as st
from bot.content import button_data, catalogue
from bot.runtime import Runtime
from bot.schedule.model import Schedule
from bot.telegram import broadcast_areas
from bot.telegram.context import BotContext
from bot.telegram.replies import (
    edit,
)

log = logging.getLogger(__name__)


def rate_of(rt: Runtime) -> float:
    return rt.settings.effective_rate


def user_id(update: Update) -> int:
    """Who typed or pressed: operator commands pass a user filter, and a button press always has a user."""
    if update.effective_user is None:
        raise LookupError("an update without a user reached an operator handler")
    return update.effective_user.id


def button(label: str, draft_id: int, action: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=button_data.draft(draft_id, action))


def state_note(language: str, status: str) -> str:
    """Why a button did nothing: the draft is no longer in the state the button belongs to."""
    return catalogue.say(language, f"draft_{status}")


async def draft_moved(
    query: CallbackQuery,
    rt: Runtime,
    language: str,
    draft_id: int,
    old: str | tuple[str, ...],
    new: str,
    **changes: Any,
) -> bool:
    """Move the draft from `old` to `new` (compare-and-set); if it was not in `old` any more (a
    double press, another operator), the button's answer says what state it is in."""
    if rt.store.move_draft(draft_id, old, new, **changes):
        return True
    await query.answer(state_note_now(rt, language, draft_id), show_alert=True)
    return False


def state_note_now(rt: Runtime, language: str, draft_id: int) -> str:
    """:func:`state_note` for the draft's state as stored now (a compare-and-set just failed)."""
    draft = rt.store.draft(draft_id)
    return state_note(language, draft.status if draft else st.CANCELLED_DRAFT)


def draft_roles(draft: st.Draft) -> list[str]:
    return draft.role_list


def draft_areas(draft: st.Draft) -> list[str]:
    """The draft's area references; none (also NULL, from before areas existed) means all areas."""
    return draft.area_list


def area_names(schedule: Schedule, refs: list[str]) -> list[str] | None:
    """Names of the chosen areas for a reply; None when the schedule has no areas and none were chosen."""
    if not refs and not schedule.areas:
        return None
    return broadcast_areas.names(schedule.areas, refs)


async def record_action(
    rt: Runtime, actor: int, action: str, subject: str | None = None, detail: str | None = None
) -> None:
    rt.store.log_action(actor, action, subject, detail)


NAME_CHARS = 32  # an operator's name in /audit and /laporan


def telegram_name(user: User) -> str | None:
    """How /audit names a Telegram user: their first name, else @username (cut to NAME_CHARS)."""
    name = (user.first_name or "").strip() or (f"@{user.username}" if user.username else "")
    return name[:NAME_CHARS] or None


async def remember_name(update: Update, context: BotContext) -> None:
    """Keep the Telegram name of an operator who uses the bot, for /audit and /laporan.

    Runs before every other handler (group -1) and never stops them; the name is written only
    when it changed, and a failure to write it costs nothing but the name.
    """
    rt = context.runtime
    user = update.effective_user
    if user is None or user.id not in rt.settings.admin_ids:
        return
    name = telegram_name(user)
    if name is None:
        return
    try:
        rt.store.remember_operator_name(user.id, name)
    except sqlite3.Error:  # a busy database: the name waits for the operator's next command
        log.warning("could not keep an operator's name", exc_info=True)


async def notify_chat(context: BotContext, chat_id: int, text: str) -> None:
    try:
        await context.bot.send_message(chat_id, text)
    except TelegramError:
        log.warning("could not notify operator %s", chat_id)


async def edit_quietly(query: CallbackQuery, text: str) -> None:
    """An edit that only tells what already happened: a failure (message gone, 429) is just logged."""
    try:
        await edit(query, text)
    except TelegramError as exc:
        log.warning("could not edit an operator's message: %s", exc)


async def answer_quietly(query: CallbackQuery, text: str | None = None, show_alert: bool = False) -> None:
    """A callback answer after the work is done; a failure (query too old) must not undo that work."""
    try:
        await query.answer(text, show_alert=show_alert)
    except TelegramError as exc:
        log.warning("could not answer an operator's button: %s", exc)


def local(rt: Runtime, ts: float) -> datetime:
    """A Unix time as an aware datetime of the election's time zone."""
    return datetime.fromtimestamp(ts, rt.schedule.election.tz)
