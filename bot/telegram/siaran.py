"""/siaran: an operator's draft from the roles to the text, the areas, the preview, approval and sending."""

from __future__ import annotations

import logging

from telegram import (
    CallbackQuery,
    InlineKeyboardMarkup,
    Update,
)

from bot import store as st
from bot.content import button_data, catalogue, operator_strings, operator_texts, reports, telegram_html
from bot.content.button_data import AreaVerb, DraftAction
from bot.runtime import Runtime
from bot.schedule.model import ROLES
from bot.telegram import broadcast_areas
from bot.telegram.context import BotContext
from bot.telegram.faq import free_text
from bot.telegram.operator_replies import (
    area_names,
    button,
    draft_areas,
    draft_moved,
    draft_roles,
    edit_quietly,
    rate_of,
    record_action,
    state_note,
    user_id,
)
from bot.telegram.replies import (
    edit,
    lang,
    message_of,
    query_of,
    reply,
)
from bot.telegram.siaran_later import draft_time, later_button
from bot.telegram.siaran_send import review_draft, send_draft

log = logging.getLogger(__name__)


def roles_keyboard(draft_id: int, chosen: list[str], language: str = "id") -> InlineKeyboardMarkup:
    short = operator_strings.ROLE_SHORT[language]
    rows = [[button(("☑ " if r in chosen else "☐ ") + short[r], draft_id, button_data.toggle_role(r))] for r in ROLES]
    rows.append(
        [
            button(catalogue.say(language, "button_next"), draft_id, DraftAction.NEXT),
            button(catalogue.say(language, "button_cancel"), draft_id, DraftAction.CANCEL),
        ]
    )
    return InlineKeyboardMarkup(rows)


async def start_broadcast(update: Update, context: BotContext) -> None:
    rt = context.runtime
    draft_id = rt.store.create_draft(user_id(update))
    await record_action(rt, user_id(update), "siaran: mulai", f"draf-{draft_id}")
    language = lang(update, context)
    await reply(
        update, operator_texts.draft_roles_prompt([], language), reply_markup=roles_keyboard(draft_id, [], language)
    )


async def draft_text(update: Update, context: BotContext) -> None:
    """An operator's plain message: the text of their draft, or its send time, if one waits for it."""
    rt = context.runtime
    language = lang(update, context)
    draft = rt.store.typing_draft(user_id(update))
    if draft is None:  # not a broadcast's text: a question, as for anyone
        await free_text(update, context)
        return
    message = message_of(update)
    if message.text is None:  # the handler's filter lets only text through
        return
    if draft.status == st.TIMING:
        await draft_time(update, rt, draft, message.text, language)
        return
    # Formatting made with Telegram's own buttons arrives as entities; typed tags arrive as text.
    typed = (message.text_html if message.entities else message.text).strip()
    # A bare "&" ("Tom & Jerry") can only mean the character: written as &amp; instead of refused.
    text = telegram_html.escape_bare_ampersands(typed)
    problem = telegram_html.check(text)
    if problem:
        await reply(update, operator_texts.draft_refused(problem.text(language), language))
        return
    roles, refs = draft_roles(draft), draft_areas(draft)
    if not rt.store.move_draft(draft.id, st.WRITING, st.PREVIEW, text=text):
        return
    recipients = rt.store.count_audience(roles, refs)
    names = area_names(rt.schedule, refs)
    await message.reply_text(text)  # exactly what recipients will see
    needs = rt.settings.broadcast_approvals
    cancel = button(catalogue.say(language, "button_cancel"), draft.id, DraftAction.CANCEL)
    later = button(catalogue.say(language, "button_later"), draft.id, DraftAction.LATER)
    if recipients == 0:  # nothing to send now: say so, and offer no Send button (later, there may be some)
        answer = (
            operator_texts.no_recipients_text(roles, language, names)
            + "\n"
            + catalogue.say(language, "no_recipients_later")
        )
        await reply(update, answer, reply_markup=InlineKeyboardMarkup([[later, cancel]]))
        return
    send_label = catalogue.say(language, "button_submit" if needs > 1 else "button_send")
    seconds = reports.estimate_seconds(recipients, rate_of(rt))
    summary = operator_texts.preview_summary(roles, recipients, seconds, rate_of(rt), needs, language, names)
    if text != typed:
        summary += "\n" + catalogue.say(language, "ampersand_escaped")
    keyboard = InlineKeyboardMarkup([[button(send_label, draft.id, DraftAction.SEND), later, cancel]])
    await reply(update, summary, reply_markup=keyboard)


async def on_button(update: Update, context: BotContext) -> None:
    rt = context.runtime
    query = query_of(update)
    who = user_id(update)
    language = lang(update, context)
    parsed = button_data.unpack_draft(query.data) if who in rt.settings.admin_ids else None
    draft = rt.store.draft(parsed[0]) if parsed else None
    if parsed is None or draft is None:  # also to non-operators: the same answer whether or not it exists
        await query.answer(catalogue.say(language, "stale_button"))
        return
    raw = parsed[1]
    action = button_data.draft_action(raw)
    if action in (DraftAction.APPROVE, DraftAction.REJECT):
        await review_draft(update, context, draft, approve=action == DraftAction.APPROVE)
        return
    if who != draft.author:
        await query.answer(catalogue.say(language, "not_author"), show_alert=True)
        return
    role, area_press = button_data.toggled_role(raw), button_data.unpack_draft_area(raw)
    if role is not None or action == DraftAction.NEXT:
        await _choose(update, rt, draft, role, language)
    elif area_press is not None:
        await _choose_area(update, rt, draft, area_press, language)
    else:
        await _act(update, context, draft, action, language)


async def _act(update: Update, context: BotContext, draft: st.Draft, action: DraftAction | None, language: str) -> None:
    """Send, send later or cancel a draft; any other action is a stale button."""
    rt, query = context.runtime, query_of(update)
    match action:
        case DraftAction.SEND:
            await send_draft(update, context, draft)
        case DraftAction.LATER | DraftAction.AT | DraftAction.NIGHT | DraftAction.RETIME | DraftAction.UNSCHEDULE:
            await later_button(update, context, draft, action)
        case DraftAction.CANCEL:
            if not await draft_moved(query, rt, language, draft.id, st.OPEN_DRAFTS, st.CANCELLED_DRAFT):
                return
            await record_action(rt, user_id(update), "siaran: batal", f"draf-{draft.id}")
            await query.answer()
            await edit_quietly(query, catalogue.say(language, "cancelled"))
        case _:
            await query.answer(catalogue.say(language, "stale_button"))


async def _choose(update: Update, rt: Runtime, draft: st.Draft, role: str | None, language: str = "id") -> None:
    """A role button of the first step toggles that role; Next (``role`` None) goes on."""
    query = query_of(update)
    if draft.status != st.CHOOSING:
        await query.answer(state_note(language, draft.status), show_alert=True)
        return
    chosen = draft_roles(draft)
    if role is None:
        if not chosen:
            await query.answer(catalogue.say(language, "pick_role"), show_alert=True)
            return
        if rt.schedule.areas:  # the area step, starting from all areas
            if rt.store.move_draft(draft.id, st.CHOOSING, st.CHOOSING_AREAS, areas=""):
                await query.answer()
                await _show_areas(query, rt, draft.id, chosen, [], None, 0, language)
        elif rt.store.move_draft(draft.id, st.CHOOSING, st.WRITING, areas=""):
            await query.answer()
            await edit(query, operator_texts.draft_text_prompt(chosen, language))
        return
    chosen = [r for r in ROLES if (r in chosen) != (r == role)]
    rt.store.update_draft(draft.id, roles=",".join(chosen))
    await query.answer()
    await edit(query, operator_texts.draft_roles_prompt(chosen, language), roles_keyboard(draft.id, chosen, language))


async def _choose_area(
    update: Update, rt: Runtime, draft: st.Draft, action: tuple[AreaVerb, tuple[int, ...]], language: str
) -> None:
    """A button of the area step: change the choice or the page shown, or go on to the text."""
    query = query_of(update)
    if draft.status != st.CHOOSING_AREAS:
        await query.answer(state_note(language, draft.status), show_alert=True)
        return
    areas = rt.schedule.areas
    roles, refs = draft_roles(draft), broadcast_areas.canonical(areas, draft_areas(draft))
    verb, numbers = action
    if verb == AreaVerb.DONE:
        if rt.store.move_draft(draft.id, st.CHOOSING_AREAS, st.WRITING, areas=",".join(refs)):
            await query.answer()
            await edit(query, operator_texts.draft_text_prompt(roles, language, area_names(rt.schedule, refs)))
        return
    view: int | None = None
    page = numbers[-1] if verb in (AreaVerb.KECAMATAN_PAGE, AreaVerb.DESA_PAGE) else 0
    if verb == AreaVerb.ALL:
        refs = []
    elif verb != AreaVerb.KECAMATAN_PAGE:  # the verbs that name a kecamatan (and "ad" a desa of it)
        area = areas[numbers[0]] if numbers[0] < len(areas) else None
        if area is None or (verb == AreaVerb.DESA and numbers[1] >= len(area.desa)):
            await query.answer(catalogue.say(language, "stale_button"))  # forged, or the schedule changed
            return
        view = numbers[0]
        if verb == AreaVerb.KECAMATAN:
            refs, view, page = (
                broadcast_areas.toggle_area(areas, refs, area),
                None,
                numbers[0] // broadcast_areas.AREAS_PER_PAGE,
            )
        elif verb == AreaVerb.WHOLE_KECAMATAN:
            refs = broadcast_areas.toggle_whole(areas, refs, area)
        elif verb == AreaVerb.DESA:
            refs = broadcast_areas.toggle_desa(areas, refs, area, area.desa[numbers[1]].id)
            page = broadcast_areas.desa_page(area, numbers[1])
    if not await draft_moved(query, rt, language, draft.id, st.CHOOSING_AREAS, st.CHOOSING_AREAS, areas=",".join(refs)):
        return
    await query.answer()
    await _show_areas(query, rt, draft.id, roles, refs, view, page, language)


async def _show_areas(
    query: CallbackQuery,
    rt: Runtime,
    draft_id: int,
    roles: list[str],
    refs: list[str],
    view: int | None,
    page: int,
    language: str,
) -> None:
    """The kecamatan list (``view`` None) or the desa of kecamatan number ``view``, at ``page``."""
    areas = rt.schedule.areas
    names = broadcast_areas.names(areas, refs)
    if view is None:
        keyboard = broadcast_areas.list_keyboard(draft_id, areas, refs, page, language)
        await edit(query, operator_texts.draft_areas_prompt(roles, names, language), keyboard)
    else:
        keyboard = broadcast_areas.desa_keyboard(draft_id, areas, refs, view, page, language)
        await edit(query, operator_texts.draft_desa_prompt(areas[view].name, names, language), keyboard)
