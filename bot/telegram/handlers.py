"""The subscribers' handlers, wired in one place: which update goes to which handler.

The handlers live by feature (subscribe, schedule_replies, areas, faq, pledges, privacy); each
parses the update, calls the store and the texts, and replies. Each reads what it needs from ``context.runtime``
(:class:`bot.runtime.Runtime`). Replies are
in the subscriber's language: the one chosen with /bahasa, else their Telegram app's language.
Parse mode (HTML) and link previews (off) are the Application's defaults (see ``bot.telegram.app.build``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.content import button_data
from bot.telegram.areas import change_area, choose_area
from bot.telegram.faq import faq_button, free_text, group_text, purge_unanswered
from bot.telegram.pledges import pledge
from bot.telegram.privacy import confirm_delete, delete, privacy
from bot.telegram.schedule_replies import neutrality, schedule, schedule_page, send_calendar
from bot.telegram.subscribe import (
    change_language,
    change_role,
    choose_language,
    choose_role,
    group_upgraded,
    help_command,
    start,
    stop,
    stray_button,
    unknown_command,
)
from bot.telegram.tps import choose_tps, show_tps

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)


# -- questions in plain words (the FAQ) ---------------------------------------------------


# -- pledges


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
        (["tps"], show_tps),
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
    application.add_handler(CallbackQueryHandler(choose_tps, pattern=button_data.TPS_PATTERN))
    application.add_handler(CallbackQueryHandler(pledge, pattern=button_data.PLEDGE_PATTERN))
    application.add_handler(CallbackQueryHandler(faq_button, pattern=button_data.FAQ_PATTERN))
    application.add_handler(CallbackQueryHandler(stray_button))
    application.add_handler(MessageHandler(message & filters.COMMAND, unknown_command))
    application.add_handler(MessageHandler(message & filters.ChatType.PRIVATE & ~filters.COMMAND, free_text))
    application.add_handler(MessageHandler(message & filters.ChatType.GROUPS & ~filters.COMMAND, group_text))
    if application.job_queue is not None:
        application.job_queue.run_repeating(purge_unanswered, interval=86400, first=60, name="purge-unanswered")
