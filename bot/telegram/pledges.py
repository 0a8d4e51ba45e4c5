"""The one-tap pledge button of a reminder: recorded once, the message edited to thank."""

from __future__ import annotations

from html import escape

from telegram import (
    Message,
    Update,
)

from bot.content import button_data, catalogue, pledges, telegram_html
from bot.store import NOT_ASKED, REPEATED, UNKNOWN
from bot.telegram.context import BotContext
from bot.telegram.replies import (
    edit,
    ignoring_unchanged,
    lang,
    query_of,
)


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
        await query.answer(catalogue.say(language, "stale_button"))
        return
    rt = context.runtime
    outcome = rt.store.pledge(chat.id, ask, now=rt.clock())
    if outcome == NOT_ASKED:  # a button never sent to this chat (forged data): not counted
        await query.answer(catalogue.say(language, "stale_button"))
        return
    if outcome == UNKNOWN:  # the bot knows nothing of the chat (after /hapus): nothing to attach it to
        await query.answer(catalogue.say(language, "not_a_subscriber"), show_alert=True)
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
