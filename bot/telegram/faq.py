"""Questions in plain words: the FAQ answer, its 'did you mean' buttons, and questions in groups."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)

from bot.content import button_data, catalogue, faq_match, texts
from bot.schedule.faq import FaqEntry
from bot.telegram.context import BotContext
from bot.telegram.replies import (
    lang,
    message_of,
    query_of,
    reply,
)


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
        await reply(update, catalogue.say(lang(update, context), "free_text"))
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
        await query.answer(catalogue.say(language, "stale_button"))
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
