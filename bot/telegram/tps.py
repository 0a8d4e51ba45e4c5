"""A subscriber's own TPS: the step after the desa, /tps with its location pin, and the TPS buttons.

Only with a TPS file (``[election] tps_file``); without one /tps shows the voting-day guide as before.
The TPS buttons act on the desa the subscriber has stored; their guard makes a button shown for
another desa stale (bot/content/button_data.py).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.content import button_data, catalogue, texts, tps_texts
from bot.content.button_data import AreaStep, TpsAction
from bot.runtime import Runtime
from bot.schedule.model import ROLES
from bot.store import ACTIVE, Subscriber
from bot.telegram import subscriber_areas
from bot.telegram.context import BotContext
from bot.telegram.invite_buttons import edit_step
from bot.telegram.replies import chat_of, lang, message_of, query_of, reply, subscriber_press

TPS_COLUMNS = 3  # TPS numbers are short: three to a row


def tps_keyboard(
    rt: Runtime, sub: Subscriber, where: AreaStep, language: str, page: int = 0
) -> InlineKeyboardMarkup | None:
    """The TPS numbers of the subscriber's desa, then Lewati (after /start) or Batal, and Hapus TPS."""
    if not sub.area or not sub.desa or not (found := rt.schedule.tps_in(sub.area, sub.desa)):
        return None
    guard = button_data.desa_guard(sub.area, sub.desa)
    buttons = [
        InlineKeyboardButton(t.label, callback_data=button_data.tps(where, TpsAction.CHOOSE, t.number, guard))
        for t in found
    ]
    skip = "area_skip" if where == AreaStep.AFTER_START else "area_cancel"
    last = [InlineKeyboardButton(catalogue.say(language, skip), callback_data=button_data.tps(where, TpsAction.SKIP))]
    if sub.tps is not None:
        remove = button_data.tps(where, TpsAction.REMOVE)
        last.append(InlineKeyboardButton(catalogue.say(language, "tps_button_remove"), callback_data=remove))
    return subscriber_areas.choices(
        buttons, page, lambda n: button_data.tps(where, TpsAction.PAGE, n, guard), last, columns=TPS_COLUMNS
    )


def tps_step(
    rt: Runtime, chat_id: int, language: str, where: AreaStep, page: int = 0
) -> tuple[str, InlineKeyboardMarkup] | None:
    """The TPS question for the subscriber's desa, when the TPS file lists TPS there."""
    sub = rt.store.subscriber(chat_id)
    if sub is None or (keyboard := tps_keyboard(rt, sub, where, language, page)) is None:
        return None
    if where == AreaStep.AFTER_START:
        return tps_texts.tps_prompt(rt.schedule, language), keyboard
    per_page = subscriber_areas.PER_PAGE * TPS_COLUMNS // subscriber_areas.COLUMNS  # as choices() pages them
    text = tps_texts.tps_list_text(rt.schedule, sub.area or "", sub.desa or "", language, page, per_page)
    return text, keyboard


async def show_tps(update: Update, context: BotContext) -> None:
    """/tps: the subscriber's own TPS and its pin, then the voting-day guide; or the way to choose one."""
    rt = context.runtime
    language = lang(update, context)
    guide = texts.page_text(rt.schedule, "tps", language, rt.today())
    sub = rt.store.subscriber(chat_of(update).id)
    subscribed = sub is not None and sub.status == ACTIVE and sub.role in ROLES
    if not rt.schedule.tps or sub is None or not subscribed:
        hint = f"\n\n{catalogue.say(language, 'tps_not_subscribed')}" if rt.schedule.tps and not subscribed else ""
        await reply(update, guide + hint)
        return
    own = rt.schedule.tps_of(sub.area, sub.desa, sub.tps)
    if own is not None:
        await reply(update, tps_texts.tps_text(rt.schedule, own, language, rt.today()))
        if (pin := tps_texts.venue(rt.schedule, own, language)) is not None:
            await message_of(update).reply_venue(**pin)
        await reply(update, guide)
    elif (step := tps_step(rt, sub.chat_id, language, AreaStep.COMMAND)) is not None:
        await reply(update, step[0], reply_markup=step[1])
    elif sub.desa:
        desa = texts.area_label(rt.schedule, sub.area, sub.desa) or ""
        await reply(update, f"{catalogue.say(language, 'tps_no_list', desa=desa)}\n\n{guide}")
    else:
        keyboard = subscriber_areas.kecamatan_keyboard(rt.schedule.areas, AreaStep.COMMAND, language)
        await reply(update, catalogue.say(language, "tps_need_desa"), reply_markup=keyboard)


async def choose_tps(update: Update, context: BotContext) -> None:
    """A TPS button: under the subscription's confirmation, under /tps or /wilayah."""
    if (pressed := await subscriber_press(update, context, button_data.unpack_tps)) is None:
        return
    (press, sub), query, language = pressed, query_of(update), lang(update, context)
    rt, chat_id = context.runtime, sub.chat_id
    here = sub.area and sub.desa and press.guard in ("", button_data.desa_guard(sub.area, sub.desa))
    chosen = rt.schedule.tps_of(sub.area, sub.desa, press.number) if press.action == TpsAction.CHOOSE else None
    if not here or (press.action == TpsAction.CHOOSE and chosen is None):
        await query.answer(catalogue.say(language, "stale_button"))
        return
    await query.answer()
    after_start = press.where == AreaStep.AFTER_START
    head = texts.subscribed_text(sub.role or "", rt.schedule, rt.today(), language) + "\n\n" if after_start else ""
    area = texts.area_label(rt.schedule, sub.area, sub.desa) or ""
    if press.action == TpsAction.PAGE:
        if (step := tps_step(rt, chat_id, language, press.where, press.number)) is not None:
            await edit_step(query, context, language, after_start, head + step[0], step[1])
    elif press.action == TpsAction.SKIP:
        saved = catalogue.say(language, "area_saved", area=area)
        await edit_step(
            query,
            context,
            language,
            after_start,
            head + saved + ("\n" + catalogue.say(language, "tps_skipped") if after_start else ""),
        )
    elif press.action == TpsAction.REMOVE:
        rt.store.set_tps(chat_id, None)
        await edit_step(query, context, language, after_start, catalogue.say(language, "tps_removed", area=area))
    elif chosen is not None:
        rt.store.set_tps(chat_id, chosen.number)
        await edit_step(
            query, context, language, after_start, head + tps_texts.saved_text(rt.schedule, chosen, language)
        )
