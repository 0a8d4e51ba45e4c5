"""The operators' handlers, wired in one place, for the user ids in BOT_ADMIN_IDS only.

They live in operator_commands (figures), siaran, siaran_send and siaran_later (the /siaran
draft) and progress (a broadcast under way).

To anyone else these commands do not exist: the handlers carry a user filter, so other people's
/statistik falls through to the unknown-command reply. Ad-hoc broadcasts (/siaran) are drafts in
the database moved from state to state with compare-and-set, so a double-pressed button, a stale
button after a restart or two operators pressing at once never send anything twice.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import TYPE_CHECKING

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, TypeHandler, filters

from bot.content import button_data, formats, operator_strings, subscriber_strings
from bot.telegram.context import runtime_of
from bot.telegram.operator_commands import (
    OPERATOR_VIEWS,
    audit,
    cancel_running,
    report,
    statistics,
    turn_page,
    unanswered,
    upcoming,
)
from bot.telegram.operator_replies import (
    remember_name,
)
from bot.telegram.siaran import draft_text, on_button, start_broadcast

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)


# -- commands ---------------------------------------------------------------------------------


# -- buttons ----------------------------------------------------------------------------------


# -- sending later ("Kirim nanti") --------------------------------------------------------------
# The preview's "Kirim nanti" asks for a time (draft 'timing'); the typed time is read, checked and
# shown back (draft 'timed', with ``send_at``); Jadwalkan records a broadcast that waits as
# 'scheduled' until the scheduler starts it. A time in the quiet hours needs a second button.


# -- sending and progress ---------------------------------------------------------------------


async def register_commands(application: Application) -> None:
    """Show the operator commands in the command menu of each operator's private chat only."""
    rt = runtime_of(application)
    menus = {
        language: [
            BotCommand(n, d)
            for n, d in subscriber_strings.COMMANDS[language] + operator_strings.OPERATOR_COMMANDS[language]
        ]
        for language in formats.LANGS
    }
    for operator in rt.settings.admin_ids:
        try:
            for language, commands in menus.items():
                await application.bot.set_my_commands(
                    commands, scope=BotCommandScopeChat(operator), language_code=None if language == "id" else language
                )
        except TelegramError:
            log.warning("could not set the operator command menu for %s (has it pressed /start?)", operator)


def register(application: Application, admin_ids: Collection[int]) -> None:
    """Operator handlers; with no operator ids, none at all (the commands stay unknown)."""
    if not admin_ids:
        return
    operator = filters.User(user_id=list(admin_ids)) & filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    application.add_handler(TypeHandler(Update, remember_name), group=-1)
    for name, callback in [
        ("statistik", statistics),
        ("siaran", start_broadcast),
        ("batal", cancel_running),
        ("rencana", upcoming),
        ("laporan", report),
        ("audit", audit),
        ("pertanyaan", unanswered),
    ]:
        application.add_handler(CommandHandler(name, callback, filters=operator))
    application.add_handler(MessageHandler(operator & filters.TEXT & ~filters.COMMAND, draft_text))
    application.add_handler(CallbackQueryHandler(on_button, pattern=button_data.DRAFT_PATTERN))
    application.add_handler(CallbackQueryHandler(turn_page, pattern=button_data.page_pattern(*OPERATOR_VIEWS)))
