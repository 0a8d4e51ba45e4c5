"""Subscribing: /start and its deep links, the role and language buttons, /berhenti, /bantuan, and a
group that became a supergroup.
"""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)

from bot.content import button_data, catalogue, deep_links, subscriber_strings, texts, tps_texts
from bot.content.button_data import AreaStep
from bot.runtime import Runtime
from bot.schedule.model import ROLES
from bot.store import ACTIVE
from bot.telegram import subscriber_areas, tps
from bot.telegram.context import BotContext
from bot.telegram.invite_buttons import with_invite_row
from bot.telegram.replies import (
    chat_of,
    edit,
    is_operator,
    lang,
    managed_press,
    may_manage,
    query_of,
    refuse_non_admin,
    reply,
)


def role_keyboard(language: str, current: str | None = None, offered: str | None = None) -> InlineKeyboardMarkup:
    """The role buttons; ``offered``: the kecamatan an invitation offers first once the role is chosen."""
    labels = subscriber_strings.ROLE_BUTTONS[language]
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    ("✓ " if role == current else "") + labels[role], callback_data=button_data.role(role, offered)
                )
            ]
            for role in ROLES
        ]
    )


async def start(update: Update, context: BotContext) -> None:
    rt = context.runtime
    chat_id = chat_of(update).id
    language = lang(update, context)
    # The tag as written (the bot packs them lowercase); the head is read case-insensitively.
    head, source = deep_links.split_source(context.args[0].strip() if context.args else "")
    head = head.lower()
    link = subscriber_areas.parse_start_link(head, rt.schedule)
    offered = deep_links.area_head(head, (a.id for a in rt.schedule.areas))
    # Where the person came from (counts only), from a link the bot or its posters could have made.
    made_here = not head or link is not None or offered is not None
    if source is not None and made_here and await may_manage(update, context):
        rt.store.remember_source(chat_id, source)
    if link is not None:  # a deep link: /start pemilih, /start pemilih-kedungwaru, ...-bangoan-007
        role, area, desa, _unknown, number = link  # an unknown area is simply asked for below
        if not await may_manage(update, context):
            await refuse_non_admin(update, context)
            return
        rt.store.subscribe(chat_id, role, language)
        if area is not None:
            rt.store.set_area(chat_id, area, desa)
        if number is not None:
            rt.store.set_tps(chat_id, number)
        text, markup = subscribed_with_area_step(rt, chat_id, role, language, area_just_set=area is not None)
        await reply(update, text, reply_markup=with_invite_row(markup, context, area, language))
        return
    sub = rt.store.subscriber(chat_id)
    if sub is not None and sub.status == ACTIVE and sub.role in ROLES:
        await reply(
            update, texts.already_subscribed_text(sub.role, language), reply_markup=role_keyboard(language, sub.role)
        )
    else:
        keyboard = role_keyboard(language, offered=offered)  # an invitation's kecamatan comes first
        await reply(update, texts.welcome_text(rt.schedule, language), reply_markup=keyboard)


def subscribed_with_area_step(
    rt: Runtime, chat_id: int, role: str, language: str, area_just_set: bool = False, offered: str | None = None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The subscription's confirmation, and under it the area stored or, if none yet, the area step."""
    text = texts.subscribed_text(role, rt.schedule, rt.today(), language)
    sub = rt.store.subscriber(chat_id)
    if not rt.schedule.areas or sub is None:
        return text, None
    if sub.area:
        known = catalogue.say(
            language,
            "area_saved" if area_just_set else "area_known",
            area=texts.area_label(rt.schedule, sub.area, sub.desa),
        )
        own = rt.schedule.tps_of(sub.area, sub.desa, sub.tps)
        if own is not None:
            return f"{text}\n\n{known}\n{tps_texts.saved_text(rt.schedule, own, language)}", None
        if (step := tps.tps_step(rt, chat_id, language, AreaStep.AFTER_START)) is not None:
            return f"{text}\n\n{known}\n\n{step[0]}", step[1]
        return f"{text}\n\n{known}", None
    areas = rt.schedule.areas
    first = next((a for a in areas if a.id == offered), None)  # an invitation's kecamatan, on top
    keyboard = subscriber_areas.kecamatan_keyboard(areas, AreaStep.AFTER_START, language, offered=first)
    return f"{text}\n\n{catalogue.say(language, 'area_prompt')}", keyboard


async def choose_role(update: Update, context: BotContext) -> None:
    if (pressed := await managed_press(update, context, button_data.unpack_role_offer)) is None:
        return
    ((role, offered), chat_id), query, language = pressed, query_of(update), lang(update, context)
    rt = context.runtime
    rt.store.subscribe(chat_id, role, language)
    await query.answer()
    text, keyboard = subscribed_with_area_step(rt, chat_id, role, language, offered=offered)
    sub = rt.store.subscriber(chat_id)
    await edit(query, text, with_invite_row(keyboard, context, sub.area if sub else None, language))


async def choose_language(update: Update, context: BotContext) -> None:
    if (pressed := await managed_press(update, context, button_data.unpack_language)) is None:
        return
    (chosen, chat_id), query = pressed, query_of(update)
    rt = context.runtime
    if not rt.store.set_language(chat_id, chosen):
        rt.store.remember_language(chat_id, chosen)
    await query.answer()
    await edit(query, catalogue.say(chosen, "language_set"))


async def stray_button(update: Update, context: BotContext) -> None:
    await query_of(update).answer(catalogue.say(lang(update, context), "stale_button"))


async def change_role(update: Update, context: BotContext) -> None:
    language = lang(update, context)
    sub = context.runtime.store.subscriber(chat_of(update).id)
    current = sub.role if sub is not None else None
    await reply(update, catalogue.say(language, "choose_role"), reply_markup=role_keyboard(language, current))


async def change_language(update: Update, context: BotContext) -> None:
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Bahasa Indonesia", callback_data=button_data.language("id")),
                InlineKeyboardButton("English", callback_data=button_data.language("en")),
            ]
        ]
    )
    await reply(update, catalogue.say(lang(update, context), "language_prompt"), reply_markup=keyboard)


async def stop(update: Update, context: BotContext) -> None:
    if not await may_manage(update, context):
        await refuse_non_admin(update, context)
        return
    known = context.runtime.store.stop(chat_of(update).id)
    await reply(update, catalogue.say(lang(update, context), "stopped" if known else "not_a_subscriber"))


async def help_command(update: Update, context: BotContext) -> None:
    await reply(update, texts.help_text(lang(update, context), operator=is_operator(update, context)))


async def unknown_command(update: Update, context: BotContext) -> None:
    await reply(update, catalogue.say(lang(update, context), "unknown_command"))


async def group_upgraded(update: Update, context: BotContext) -> None:
    """A group became a supergroup: its subscription moves to the new id now, not at the next send."""
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return
    context.runtime.store.migrate_chat(message.chat_id, message.migrate_to_chat_id)
