"""Sending later ('Kirim nanti'): the typed time, its confirmation, the scheduled broadcast and its undoing."""

from __future__ import annotations

import logging
from datetime import datetime

from telegram import (
    CallbackQuery,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import TelegramError

from bot import store as st
from bot.content import catalogue, operator_texts
from bot.content.button_data import DraftAction
from bot.runtime import Runtime
from bot.schedule import send_time
from bot.telegram.context import BotContext
from bot.telegram.operator_replies import (
    answer_quietly,
    area_names,
    button,
    draft_areas,
    draft_moved,
    draft_roles,
    edit_quietly,
    local,
    state_note,
    user_id,
)
from bot.telegram.progress import unschedule_broadcast
from bot.telegram.replies import (
    edit,
    lang,
    query_of,
    reply,
)
from bot.telegram.siaran_send import launch_or_undo, submit_for_approval

log = logging.getLogger(__name__)


def time_keyboard(draft_id: int, language: str, confirm: str, action: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(catalogue.say(language, confirm), draft_id, action),
                button(catalogue.say(language, "button_retime"), draft_id, DraftAction.RETIME),
                button(catalogue.say(language, "button_cancel"), draft_id, DraftAction.CANCEL),
            ]
        ]
    )


def time_prompt(rt: Runtime, language: str) -> str:
    zone = operator_texts.zone_of(rt.schedule.election.timezone)
    return operator_texts.time_prompt(zone, send_time.example(local(rt, rt.clock())), language)


async def draft_time(update: Update, rt: Runtime, draft: st.Draft, typed: str, language: str) -> None:
    """The operator typed the send time: refused with the reason, or shown back to be confirmed."""
    now = local(rt, rt.clock())
    try:
        at = send_time.parse(typed, rt.schedule.election.timezone)
        send_time.check(at, now)
    except send_time.BadTime as exc:
        await reply(update, operator_texts.bad_send_time(exc.reason, exc.values, send_time.example(now), language))
        return
    if not rt.store.move_draft(draft.id, st.TIMING, st.TIMED, send_at=at.timestamp()):
        return
    roles, refs = draft_roles(draft), draft_areas(draft)
    recipients = rt.store.count_audience(roles, refs)
    night = send_time.at_night(at)
    confirm = "button_submit" if rt.settings.broadcast_approvals > 1 else "button_schedule"
    await reply(
        update,
        operator_texts.time_confirm(at, roles, recipients, night, language, area_names(rt.schedule, refs)),
        reply_markup=time_keyboard(draft.id, language, confirm, DraftAction.AT),
    )


async def later_button(update: Update, context: BotContext, draft: st.Draft, action: str) -> None:
    """The buttons of sending later: Kirim nanti, Jadwalkan (and its night confirmation), Ubah waktu,
    Batalkan jadwal."""
    rt = context.runtime
    query = query_of(update)
    language = lang(update, context)
    if action == DraftAction.UNSCHEDULE:
        await _unschedule_button(query, rt, draft, user_id(update), language)
        return
    if action in (DraftAction.LATER, DraftAction.RETIME):
        from_status = st.PREVIEW if action == DraftAction.LATER else st.TIMED
        if not await draft_moved(query, rt, language, draft.id, from_status, st.TIMING, send_at=None):
            return
        await query.answer()
        cancel = button(catalogue.say(language, "button_cancel"), draft.id, DraftAction.CANCEL)
        await edit(query, time_prompt(rt, language), InlineKeyboardMarkup([[cancel]]))
        return
    if draft.status != st.TIMED or draft.send_at is None:
        await query.answer(state_note(language, draft.status), show_alert=True)
        return
    at = local(rt, draft.send_at)
    try:  # the time may have passed while the confirmation waited
        send_time.check(at, local(rt, rt.clock()))
    except send_time.BadTime as exc:
        note = operator_texts.bad_send_time(exc.reason, exc.values, send_time.example(local(rt, rt.clock())), language)
        await query.answer(operator_texts.headline(note), show_alert=True)
        return
    if send_time.at_night(at) and action != DraftAction.NIGHT:  # the quiet hours: a second, explicit confirmation
        await query.answer()
        keyboard = time_keyboard(draft.id, language, "button_night", DraftAction.NIGHT)
        await edit(query, operator_texts.night_question(at, language), keyboard)
        return
    await _confirm_time(update, context, draft, at, night=action == DraftAction.NIGHT)


async def _confirm_time(update: Update, context: BotContext, draft: st.Draft, at: datetime, night: bool) -> None:
    """Jadwalkan: to the other operators for approval, or scheduled now."""
    rt = context.runtime
    query = query_of(update)
    who = user_id(update)
    language = lang(update, context)
    if rt.settings.broadcast_approvals > 1:
        when = f"waktu={at:%Y-%m-%d %H:%M} {operator_texts.zone_of(rt.schedule.election.timezone)}"
        await submit_for_approval(update, context, draft, st.TIMED, when)
        return
    if not await draft_moved(query, rt, language, draft.id, st.TIMED, st.SCHEDULED_DRAFT):
        return
    if not await launch_or_undo(query, context, draft.id, who, st.TIMED, language, author_language=language):
        return
    after = rt.store.draft(draft.id)
    broadcast_id = after.broadcast_id if after else None
    await answer_quietly(query, catalogue.say(language, "scheduled_answer"))
    if broadcast_id is not None:
        unschedule = button(catalogue.say(language, "button_unschedule"), draft.id, DraftAction.UNSCHEDULE)
        try:
            await edit(
                query, operator_texts.scheduled_text(broadcast_id, at, language), InlineKeyboardMarkup([[unschedule]])
            )
        except TelegramError as exc:  # scheduled all the same; /rencana shows it
            log.warning("could not edit an operator's message: %s", exc)


async def _unschedule_button(query: CallbackQuery, rt: Runtime, draft: st.Draft, who: int, language: str) -> None:
    """Batalkan jadwal under the scheduling message: refused, saying why, once it started."""
    if draft.broadcast_id is None:
        await query.answer(state_note(language, draft.status), show_alert=True)
        return
    cancelled, b = await unschedule_broadcast(rt, who, draft.broadcast_id)
    if not cancelled or b is None:
        status = b.status if b is not None else st.CANCELLED
        await query.answer(operator_texts.not_unscheduled_text(draft.broadcast_id, status, language), show_alert=True)
        return
    await answer_quietly(query)
    await edit_quietly(query, operator_texts.unscheduled_text(b.id, local(rt, b.at), language))
