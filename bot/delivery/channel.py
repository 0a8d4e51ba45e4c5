"""The commission's channel (BOT_CHANNEL_ID): found once at start, and checked that the bot may post.

A reminder with ``channel = true`` is also posted once to the channel: the scheduler writes one more
outbox row for the channel's chat id (bot/store/broadcasts.py), so the copy goes through the same
ledger and pacer as the subscribers' (a negative chat id gets the pacer's group spacing).

An ``@name`` is resolved with getChat; the answer is kept in the database, so that a Telegram
hiccup at a later start still finds the channel. Nothing here stops the bot: a channel that cannot
be found is logged once and its copies are skipped; a bot that is not an admin there is logged once
(its copies will be refused, and recorded as such, like any other chat's).

Reminder texts speak to subscribers ("ketik /tps"); a channel reader cannot send a command there, so
the channel's copy names the bot after each command (``texts.channel_text``, applied by the engine).
"""

from __future__ import annotations

import json
import logging

from telegram import Bot
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError

from bot.settings import channel_number
from bot.store import Store

log = logging.getLogger(__name__)

META_KEY = "channel"  # {"ref": "@name", "chat_id": -100...}: the last resolution of an @name
ADMIN = frozenset({ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER})


def remembered(store: Store, ref: str) -> int | None:
    """The chat id `ref` was last resolved to, if it was."""
    raw = store.meta(META_KEY)
    value = json.loads(raw) if raw else {}
    return value.get("chat_id") if value.get("ref", "").lower() == ref.lower() else None


async def resolve(bot: Bot, ref: str | None, store: Store) -> int | None:
    """The channel's chat id, or None (no channel, or an @name Telegram does not know and never did)."""
    if ref is None:
        return None
    number = channel_number(ref)
    if number is not None:
        return number
    try:
        chat = await bot.get_chat(ref)
    except TelegramError as exc:
        known = remembered(store, ref)
        if known is None:
            log.warning(
                "BOT_CHANNEL_ID %s: Telegram cannot find that channel (%s); reminders with channel = true "
                "go to subscribers only. Check the name, or give the channel's numeric id.",
                ref,
                exc,
            )
        else:
            log.warning("BOT_CHANNEL_ID %s: could not look it up (%s); using %d found before", ref, exc, known)
        return known
    store.put_meta(META_KEY, {"ref": ref, "chat_id": chat.id})
    log.info("channel %s is chat %d", ref, chat.id)
    return chat.id


async def check_admin(bot: Bot, chat_id: int, ref: str) -> bool:
    """True if the bot is an administrator of the channel; logs once why not."""
    try:
        member = await bot.get_chat_member(chat_id, bot.id)
    except TelegramError as exc:
        log.warning(
            "channel %s: cannot check the bot's rights there (%s); make the bot an administrator who may post",
            ref,
            exc,
        )
        return False
    if member.status in ADMIN:
        return True
    log.warning(
        "channel %s: the bot is not an administrator there (status %s); its posts will be refused until it is "
        "made one with the right to post messages",
        ref,
        member.status,
    )
    return False


async def start(bot: Bot, ref: str | None, store: Store) -> int | None:
    """At start: the channel's chat id for the scheduler (None: no channel copies), rights checked."""
    if ref is None:
        return None
    chat_id = await resolve(bot, ref, store)
    if chat_id is not None:
        await check_admin(bot, chat_id, ref)
    return chat_id
