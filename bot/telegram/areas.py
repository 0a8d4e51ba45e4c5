"""The area step: /wilayah and the kecamatan/desa buttons of a subscription (keyboards in subscriber_areas)."""

from __future__ import annotations

import functools

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.content import button_data, catalogue, texts, tps_texts
from bot.content.button_data import AreaAction, AreaStep, TpsAction
from bot.schedule.areas import find
from bot.schedule.model import ROLES
from bot.store import ACTIVE
from bot.telegram import subscriber_areas, tps
from bot.telegram.context import BotContext
from bot.telegram.invite_buttons import edit_step
from bot.telegram.replies import (
    chat_of,
    lang,
    query_of,
    reply,
    subscriber_press,
)


async def change_area(update: Update, context: BotContext) -> None:
    """/wilayah: the area stored now, and the kecamatan buttons to change (or remove) it."""
    rt = context.runtime
    language = lang(update, context)
    sub = rt.store.subscriber(chat_of(update).id)
    if not rt.schedule.areas:
        await reply(update, catalogue.say(language, "area_none"))
    elif sub is None or sub.status != ACTIVE or sub.role not in ROLES:
        await reply(update, catalogue.say(language, "not_a_subscriber"))
    else:
        keyboard = subscriber_areas.kecamatan_keyboard(
            rt.schedule.areas, AreaStep.COMMAND, language, removable=bool(sub.area)
        )
        own = rt.schedule.tps_of(sub.area, sub.desa, sub.tps)
        own_line = tps_texts.tps_line(rt.schedule, own, language) if own else None
        text = texts.area_command_text(rt.schedule, sub.area, sub.desa, language, own_line)
        if tps.tps_keyboard(rt, sub, AreaStep.COMMAND, language) is not None and sub.area and sub.desa:
            guard = button_data.desa_guard(sub.area, sub.desa)
            change = button_data.tps(AreaStep.COMMAND, TpsAction.PAGE, 0, guard)
            row = [InlineKeyboardButton(catalogue.say(language, "tps_button_change"), callback_data=change)]
            keyboard = InlineKeyboardMarkup([*keyboard.inline_keyboard, row])
        await reply(update, text, reply_markup=keyboard)


async def choose_area(update: Update, context: BotContext) -> None:
    """A kecamatan/desa button, under a subscription's confirmation or under /wilayah."""
    if (pressed := await subscriber_press(update, context, button_data.unpack_area)) is None:
        return
    (press, sub), query, language = pressed, query_of(update), lang(update, context)
    rt, chat_id = context.runtime, sub.chat_id
    after_start = press.where == AreaStep.AFTER_START
    # Under /start the confirmation stays at the top of the message; the step's outcome follows it.
    head = texts.subscribed_text(sub.role or "", rt.schedule, rt.today(), language) + "\n\n" if after_start else ""
    areas = rt.schedule.areas
    area = find(areas, press.area)
    names_area = press.action in (AreaAction.KECAMATAN, AreaAction.DESA_PAGE, AreaAction.KECAMATAN_ONLY)
    desa = area.find_desa(press.desa) if area is not None and press.desa else None
    if (names_area and area is None) or (press.action == AreaAction.DESA and desa is None):
        await query.answer(catalogue.say(language, "stale_button"))  # the schedule no longer has it
        return
    await query.answer()
    show = functools.partial(edit_step, query, context, language, after_start)
    if press.action == AreaAction.PAGE:
        ask = catalogue.say(language, "area_prompt") if after_start else None
        ask = ask or texts.area_command_text(rt.schedule, sub.area, sub.desa, language)
        await show(
            head + ask, subscriber_areas.kecamatan_keyboard(areas, press.where, language, press.page, bool(sub.area))
        )
    elif press.action == AreaAction.SKIP:
        await show(head + catalogue.say(language, "area_skipped" if after_start else "area_kept"))
    elif press.action == AreaAction.REMOVE:
        rt.store.set_area(chat_id, None)
        await show(catalogue.say(language, "area_removed"))
    elif area is not None and press.action in (AreaAction.KECAMATAN, AreaAction.DESA_PAGE) and area.desa:
        if press.action == AreaAction.KECAMATAN:
            rt.store.set_area(chat_id, area.id)  # kept even if the desa question is left unanswered
        keyboard = subscriber_areas.desa_keyboard(area, press.where, language, press.page)
        await show(head + texts.desa_prompt_text(rt.schedule, area.id, language), keyboard)
    elif area is not None:  # k without desa, a, d
        rt.store.set_area(chat_id, area.id, desa.id if desa else None)
        saved = head + texts.area_saved_text(rt.schedule, area.id, desa.id if desa else None, language)
        step = tps.tps_step(rt, chat_id, language, press.where) if desa else None
        if step is None:
            await show(saved)
        else:  # the desa's TPS are asked next
            await show(f"{saved}\n\n{step[0]}", step[1])
