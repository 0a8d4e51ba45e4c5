"""Privacy: /privasi says what is kept, /hapus deletes it after a confirmation."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)

from bot.content import button_data, catalogue
from bot.content.button_data import Forget
from bot.telegram.context import BotContext
from bot.telegram.replies import (
    edit,
    lang,
    managed_press,
    may_manage,
    query_of,
    refuse_non_admin,
    reply,
)


async def privacy(update: Update, context: BotContext) -> None:
    await reply(update, catalogue.say(lang(update, context), "privacy"))


async def delete(update: Update, context: BotContext) -> None:
    """/hapus: ask first; the data goes only when "Ya, hapus" is pressed (see :func:`confirm_delete`)."""
    if not await may_manage(update, context):
        await refuse_non_admin(update, context)
        return
    language = lang(update, context)
    yes, no = button_data.forget(Forget.YES), button_data.forget(Forget.NO)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(catalogue.say(language, "delete_yes"), callback_data=yes),
                InlineKeyboardButton(catalogue.say(language, "delete_no"), callback_data=no),
            ]
        ]
    )
    await reply(update, catalogue.say(language, "delete_confirm"), reply_markup=keyboard)


async def confirm_delete(update: Update, context: BotContext) -> None:
    """A press on the /hapus question; in a group only its admins may answer it, as for /hapus itself."""
    if (pressed := await managed_press(update, context, button_data.unpack_forget)) is None:
        return
    (answer, chat_id), query, language = pressed, query_of(update), lang(update, context)
    await query.answer()
    if answer != Forget.YES:
        await edit(query, catalogue.say(language, "delete_kept"))
        return
    rt = context.runtime
    rt.store.forget(chat_id)
    rt.engine.wake()  # copies it cancelled may have been all that kept a broadcast open
    await edit(query, catalogue.say(language, "deleted"))
