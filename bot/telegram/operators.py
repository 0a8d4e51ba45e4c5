"""Operator commands in Telegram, for the user ids in BOT_ADMIN_IDS only.

To anyone else these commands do not exist: the handlers carry a user filter, so other people's
/statistik falls through to the unknown-command reply. Ad-hoc broadcasts (/siaran) are drafts in
the database moved from state to state with compare-and-set, so a double-pressed button, a stale
button after a restart or two operators pressing at once never send anything twice.
"""

from __future__ import annotations

import asyncio
import html
import logging
import sqlite3
from datetime import datetime
from typing import TYPE_CHECKING

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Update,
    User,
)
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, TypeHandler, filters

from bot import store as st
from bot.content import button_data, reports, telegram_html, texts
from bot.delivery import plan
from bot.schedule import send_time
from bot.schedule.model import ROLES, Schedule
from bot.telegram import broadcast_areas
from bot.telegram.context import BotContext, job_queue_of, runtime_of
from bot.telegram.handlers import (
    edit,
    free_text,
    ignoring_unchanged,
    lang,
    message_of,
    query_of,
    reply,
    reply_pages,
    show_page,
)

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

# How far back /laporan and /audit go, in pages of ◀ ▶ (bounds the work of each press).
REPORTS_SHOWN = 500
AUDIT_SHOWN = 1000
QUESTIONS_SHOWN = 300
OPERATOR_VIEWS = ("rencana", "laporan", "audit", "pertanyaan")


def rate_of(rt: Runtime) -> float:
    return rt.settings.effective_rate


def user_id(update: Update) -> int:
    """Who typed or pressed: operator commands pass a user filter, and a button press always has a user."""
    if update.effective_user is None:
        raise LookupError("an update without a user reached an operator handler")
    return update.effective_user.id


def chat_lang(rt: Runtime, chat_id: int) -> str:
    """The language of someone the bot writes to unprompted: their stored choice, else Indonesian."""
    sub = rt.store.subscriber(chat_id)
    return sub.language if sub is not None and sub.language in texts.LANGS else "id"


def button(label: str, draft_id: int, action: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=button_data.draft(draft_id, action))


def roles_keyboard(draft_id: int, chosen: list[str], language: str = "id") -> InlineKeyboardMarkup:
    short = texts.ROLE_SHORT[language]
    rows = [[button(("☑ " if r in chosen else "☐ ") + short[r], draft_id, f"t:{r}")] for r in ROLES]
    rows.append(
        [button(texts.op_say(language, "button_next"), draft_id, "next"),
         button(texts.op_say(language, "button_cancel"), draft_id, "cancel")]
    )  # fmt: skip
    return InlineKeyboardMarkup(rows)


def state_note(language: str, status: str) -> str:
    """Why a button did nothing: the draft is no longer in the state the button belongs to."""
    return texts.op_say(language, f"draft_{status}")


async def _moved(
    query, rt: Runtime, language: str, draft_id: int, old: str | tuple[str, ...], new: str, **changes
) -> bool:
    """Move the draft from `old` to `new` (compare-and-set); if it was not in `old` any more (a
    double press, another operator), the button's answer says what state it is in."""
    if rt.store.move_draft(draft_id, old, new, **changes):
        return True
    await query.answer(state_note_now(rt, language, draft_id), show_alert=True)
    return False


def state_note_now(rt: Runtime, language: str, draft_id: int) -> str:
    """:func:`state_note` for the draft's state as stored now (a compare-and-set just failed)."""
    draft = rt.store.draft(draft_id)
    return state_note(language, draft.status if draft else st.CANCELLED_DRAFT)


def draft_roles(draft: st.Draft) -> list[str]:
    return draft.role_list


def draft_areas(draft: st.Draft) -> list[str]:
    """The draft's area references; none (also NULL, from before areas existed) means all areas."""
    return draft.area_list


def area_names(schedule: Schedule, refs: list[str]) -> list[str] | None:
    """Names of the chosen areas for a reply; None when the schedule has no areas and none were chosen."""
    if not refs and not schedule.areas:
        return None
    return broadcast_areas.names(schedule.areas, refs)


async def _audit(rt: Runtime, actor: int, action: str, subject: str | None = None, detail: str | None = None) -> None:
    rt.store.log_action(actor, action, subject, detail)


NAME_CHARS = 32  # an operator's name in /audit and /laporan


def telegram_name(user: User) -> str | None:
    """How /audit names a Telegram user: their first name, else @username (cut to NAME_CHARS)."""
    name = (user.first_name or "").strip() or (f"@{user.username}" if user.username else "")
    return name[:NAME_CHARS] or None


async def remember_name(update: Update, context: BotContext) -> None:
    """Keep the Telegram name of an operator who uses the bot, for /audit and /laporan.

    Runs before every other handler (group -1) and never stops them; the name is written only
    when it changed, and a failure to write it costs nothing but the name.
    """
    rt = context.runtime
    user = update.effective_user
    if user is None or user.id not in rt.settings.admin_ids:
        return
    name = telegram_name(user)
    if name is None:
        return
    try:
        rt.store.remember_operator_name(user.id, name)
    except sqlite3.Error:  # a busy database: the name waits for the operator's next command
        log.warning("could not keep an operator's name", exc_info=True)


# -- commands ---------------------------------------------------------------------------------


async def statistics(update: Update, context: BotContext) -> None:
    rt = context.runtime
    tz = rt.schedule.election.tz
    language = lang(update, context)
    figures = rt.store.subscriber_stats(now=rt.clock(), tz=tz)
    areas = reports.area_figures(rt.store, rt.schedule.areas)
    pledged = reports.pledge_figures(rt.store, rt.schedule.areas)
    await reply(update, texts.stats_text(figures, rt.schedule.election.region, language, areas, pledged))
    growth = rt.store.growth_by_role(tz=tz)
    bars = reports.chart_bars(rt.store, rt.schedule, tz, language)
    from bot.content import charts  # matplotlib is big: load it on first use, not at start-up

    taken = datetime.fromtimestamp(rt.clock(), tz)  # when the figures were read, as the title says
    title = texts.chart_title(rt.schedule.election.region, taken, language)
    words = texts.chart_words(language)
    png = await asyncio.to_thread(charts.statistics_png, growth, bars, title=title, words=words, areas=areas)
    await message_of(update).reply_photo(
        InputFile(png, filename="statistik.png"), caption=texts.op_say(language, "stats_caption")
    )


async def start_broadcast(update: Update, context: BotContext) -> None:
    rt = context.runtime
    draft_id = rt.store.create_draft(user_id(update))
    await _audit(rt, user_id(update), "siaran: mulai", f"draf-{draft_id}")
    language = lang(update, context)
    await reply(update, texts.draft_roles_prompt([], language), reply_markup=roles_keyboard(draft_id, [], language))


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
        await _draft_time(update, rt, draft, message.text, language)
        return
    # Formatting made with Telegram's own buttons arrives as entities; typed tags arrive as text.
    typed = (message.text_html if message.entities else message.text).strip()
    # A bare "&" ("Tom & Jerry") can only mean the character: written as &amp; instead of refused.
    text = telegram_html.escape_bare_ampersands(typed)
    problem = telegram_html.check(text)
    if problem:
        await reply(update, texts.draft_refused(problem.text(language), language))
        return
    roles, refs = draft_roles(draft), draft_areas(draft)
    if not rt.store.move_draft(draft.id, st.WRITING, st.PREVIEW, text=text):
        return
    recipients = rt.store.count_audience(roles, refs)
    names = area_names(rt.schedule, refs)
    await message.reply_text(text)  # exactly what recipients will see
    needs = rt.settings.broadcast_approvals
    cancel = button(texts.op_say(language, "button_cancel"), draft.id, "cancel")
    later = button(texts.op_say(language, "button_later"), draft.id, "later")
    if recipients == 0:  # nothing to send now: say so, and offer no Send button (later, there may be some)
        answer = texts.no_recipients_text(roles, language, names) + "\n" + texts.op_say(language, "no_recipients_later")
        await reply(update, answer, reply_markup=InlineKeyboardMarkup([[later, cancel]]))
        return
    send_label = texts.op_say(language, "button_submit" if needs > 1 else "button_send")
    seconds = reports.estimate_seconds(recipients, rate_of(rt))
    summary = texts.preview_summary(roles, recipients, seconds, rate_of(rt), needs, language, names)
    if text != typed:
        summary += "\n" + texts.op_say(language, "ampersand_escaped")
    keyboard = InlineKeyboardMarkup([[button(send_label, draft.id, "send"), later, cancel]])
    await reply(update, summary, reply_markup=keyboard)


async def cancel_running(update: Update, context: BotContext) -> None:
    """/batal: the operator's own unsent drafts first (harmless to drop), else the running broadcast.

    With an id (/batal siaran:3) only that broadcast: cancelled if it waits for its time (sent
    later), stopped if it runs.
    """
    rt = context.runtime
    language = lang(update, context)
    wanted = context.args[0] if context.args else None
    named = rt.store.broadcast(wanted) if wanted else None
    if named is not None and named.status == st.SCHEDULED:
        cancelled, named = await _unschedule(rt, user_id(update), named.id)
        if cancelled and named is not None:
            await reply(update, texts.unscheduled_text(named.id, local(rt, named.at), language))
            return
        # It started meanwhile: stopped below, as any running broadcast named by its id.
    running = rt.store.running_adhoc()
    if wanted is None and await _cancel_drafts(update, rt, language, running):
        return
    targets = [b for b in running if b.id == wanted] if wanted else running[:1]
    if not targets:
        answer = texts.op_say(language, "nothing_to_cancel")
        if named is not None and named.status in st.NEVER_STARTED:  # cancelled or expired before
            answer = texts.not_unscheduled_text(named.id, named.status, language)
        elif wanted is None and rt.store.scheduled_broadcasts():
            answer += "\n" + texts.op_say(language, "scheduled_hint")
        await reply(update, answer)
        return
    broadcast_id = targets[0].id
    dropped = rt.store.cancel_broadcast(broadcast_id)
    await _audit(rt, user_id(update), "batal", broadcast_id, f"{dropped} salinan dibatalkan")
    rt.engine.wake()
    row = rt.store.broadcast(broadcast_id)
    sent = row.n_sent if row else 0
    await reply(update, texts.cancelled_broadcast(broadcast_id, dropped, sent, language))


def view_pages(view: str, language: str, schedule: Schedule, store: st.Store, rate: float, now: datetime) -> list[str]:
    """The pages of the operator reply ``view`` ("rencana", "laporan", "audit" or "pertanyaan") as of ``now``."""
    tz = schedule.election.tz
    if view == "rencana":
        rows = plan.plan(
            schedule, store.count_audience, rate, now=now, recorded=store.recorded_reminders(),
            scheduled=store.scheduled_broadcasts(),
        )  # fmt: skip
        return texts.plan_pages(rows, rate, tz, language, schedule.areas)
    if view == "laporan":
        return texts.report_list_pages(reports.recent_reports(store, schedule, language, REPORTS_SHOWN), tz, language)
    if view == "audit":
        return texts.audit_pages(store.audit_trail(AUDIT_SHOWN), tz, language, store.operator_names())
    if view == "pertanyaan":
        return texts.unanswered_pages(store.unanswered(now.timestamp(), QUESTIONS_SHOWN), language)
    raise ValueError(f"no operator view {view!r}")


def pages_now(rt: Runtime, view: str, language: str) -> list[str]:
    return view_pages(view, language, rt.schedule, rt.store, rate_of(rt), rt.now())


async def _cancel_drafts(update: Update, rt: Runtime, language: str, running: list[st.Broadcast]) -> bool:
    """Cancel the operator's drafts still before sending; False if there was none."""
    who = user_id(update)
    cancelled = [d for d in rt.store.open_drafts(who) if rt.store.move_draft(d.id, st.OPEN_DRAFTS, st.CANCELLED_DRAFT)]
    if not cancelled:
        return False
    for draft in cancelled:
        await _audit(rt, who, "siaran: batal", f"draf-{draft.id}")
    answer = texts.op_say(language, "drafts_cancelled")
    if running:  # not touched: say how to stop it too
        answer += "\n" + texts.op_say(language, "still_running", name=texts.broadcast_name(running[0].id, language))
    await reply(update, answer)
    return True


async def upcoming(update: Update, context: BotContext) -> None:
    language = lang(update, context)
    await reply_pages(update, "rencana", pages_now(context.runtime, "rencana", language), language)


async def report(update: Update, context: BotContext) -> None:
    rt = context.runtime
    tz = rt.schedule.election.tz
    language = lang(update, context)
    if context.args:
        figures = reports.broadcast_report(rt.store, rt.schedule, context.args[0], language)
        answer = texts.report_detail(figures, tz, language) if figures else texts.op_say(language, "no_such_report")
        await reply(update, answer)
    else:
        await reply_pages(update, "laporan", pages_now(rt, "laporan", language), language)


async def audit(update: Update, context: BotContext) -> None:
    language = lang(update, context)
    await reply_pages(update, "audit", pages_now(context.runtime, "audit", language), language)


async def unanswered(update: Update, context: BotContext) -> None:
    """/pertanyaan: the most frequent questions of the last 30 days the FAQ could not answer."""
    language = lang(update, context)
    await reply_pages(update, "pertanyaan", pages_now(context.runtime, "pertanyaan", language), language)


async def turn_page(update: Update, context: BotContext) -> None:
    """◀ ▶ under /rencana, /laporan, /audit and /pertanyaan: operators only, like the commands."""
    rt = context.runtime
    query = query_of(update)
    language = lang(update, context)
    turn = button_data.unpack_page(query.data) if user_id(update) in rt.settings.admin_ids else None
    if turn is None or turn[0] not in OPERATOR_VIEWS or query.message is None:
        await query.answer(texts.say(language, "stale_button"))
        return
    await show_page(query, turn[0], pages_now(rt, turn[0], language), turn[1], language)


# -- buttons ----------------------------------------------------------------------------------


async def on_button(update: Update, context: BotContext) -> None:
    rt = context.runtime
    query = query_of(update)
    who = user_id(update)
    language = lang(update, context)
    parsed = button_data.unpack_draft(query.data) if who in rt.settings.admin_ids else None
    draft = rt.store.draft(parsed[0]) if parsed else None
    if parsed is None or draft is None:  # also to non-operators: the same answer whether or not it exists
        await query.answer(texts.say(language, "stale_button"))
        return
    action = parsed[1]
    if action in ("approve", "reject"):
        await _review(update, context, draft, approve=action == "approve")
        return
    if who != draft.author:
        await query.answer(texts.op_say(language, "not_author"), show_alert=True)
        return
    area_action = button_data.unpack_draft_area(action)
    if action.startswith("t:") or action == "next":
        await _choose(update, rt, draft, action, language)
    elif area_action is not None:
        await _choose_area(update, rt, draft, area_action, language)
    elif action == "send":
        await _send(update, context, draft)
    elif action in LATER_ACTIONS:
        await _later(update, context, draft, action)
    elif action == "cancel":
        if not await _moved(query, rt, language, draft.id, st.OPEN_DRAFTS, st.CANCELLED_DRAFT):
            return
        await _audit(rt, who, "siaran: batal", f"draf-{draft.id}")
        await query.answer()
        await _edit_quietly(query, texts.op_say(language, "cancelled"))
    else:
        await query.answer(texts.say(language, "stale_button"))


async def _choose(update: Update, rt: Runtime, draft: st.Draft, action: str, language: str = "id") -> None:
    query = query_of(update)
    if draft.status != st.CHOOSING:
        await query.answer(state_note(language, draft.status), show_alert=True)
        return
    chosen = draft_roles(draft)
    if action == "next":
        if not chosen:
            await query.answer(texts.op_say(language, "pick_role"), show_alert=True)
            return
        if rt.schedule.areas:  # the area step, starting from all areas
            if rt.store.move_draft(draft.id, st.CHOOSING, st.CHOOSING_AREAS, areas=""):
                await query.answer()
                await _show_areas(query, rt, draft.id, chosen, [], None, 0, language)
        elif rt.store.move_draft(draft.id, st.CHOOSING, st.WRITING, areas=""):
            await query.answer()
            await edit(query, texts.draft_text_prompt(chosen, language))
        return
    role = action[2:]
    if role not in ROLES:
        await query.answer(texts.say(language, "stale_button"))
        return
    chosen = [r for r in ROLES if (r in chosen) != (r == role)]
    rt.store.update_draft(draft.id, roles=",".join(chosen))
    await query.answer()
    await edit(query, texts.draft_roles_prompt(chosen, language), roles_keyboard(draft.id, chosen, language))


async def _choose_area(
    update: Update, rt: Runtime, draft: st.Draft, action: tuple[str, tuple[int, ...]], language: str
) -> None:
    """A button of the area step: change the choice or the page shown, or go on to the text."""
    query = query_of(update)
    if draft.status != st.CHOOSING_AREAS:
        await query.answer(state_note(language, draft.status), show_alert=True)
        return
    areas = rt.schedule.areas
    roles, refs = draft_roles(draft), broadcast_areas.canonical(areas, draft_areas(draft))
    verb, numbers = action
    if verb == "an":
        if rt.store.move_draft(draft.id, st.CHOOSING_AREAS, st.WRITING, areas=",".join(refs)):
            await query.answer()
            await edit(query, texts.draft_text_prompt(roles, language, area_names(rt.schedule, refs)))
        return
    view: int | None = None
    page = numbers[-1] if verb in ("al", "av") else 0
    if verb == "aa":
        refs = []
    elif verb != "al":  # the verbs that name a kecamatan (and "ad" a desa of it)
        area = areas[numbers[0]] if numbers[0] < len(areas) else None
        if area is None or (verb == "ad" and numbers[1] >= len(area.desa)):
            await query.answer(texts.say(language, "stale_button"))  # forged, or the schedule changed
            return
        view = numbers[0]
        if verb == "ak":
            refs, view, page = (
                broadcast_areas.toggle_area(areas, refs, area),
                None,
                numbers[0] // broadcast_areas.AREAS_PER_PAGE,
            )
        elif verb == "aw":
            refs = broadcast_areas.toggle_whole(areas, refs, area)
        elif verb == "ad":
            refs = broadcast_areas.toggle_desa(areas, refs, area, area.desa[numbers[1]].id)
            page = broadcast_areas.desa_page(area, numbers[1])
    if not await _moved(query, rt, language, draft.id, st.CHOOSING_AREAS, st.CHOOSING_AREAS, areas=",".join(refs)):
        return
    await query.answer()
    await _show_areas(query, rt, draft.id, roles, refs, view, page, language)


async def _show_areas(
    query: CallbackQuery, rt: Runtime, draft_id: int, roles: list[str], refs: list[str], view: int | None,
    page: int, language: str,
) -> None:  # fmt: skip
    """The kecamatan list (``view`` None) or the desa of kecamatan number ``view``, at ``page``."""
    areas = rt.schedule.areas
    names = broadcast_areas.names(areas, refs)
    if view is None:
        keyboard = broadcast_areas.list_keyboard(draft_id, areas, refs, page, language)
        await edit(query, texts.draft_areas_prompt(roles, names, language), keyboard)
    else:
        keyboard = broadcast_areas.desa_keyboard(draft_id, areas, refs, view, page, language)
        await edit(query, texts.draft_desa_prompt(areas[view].name, names, language), keyboard)


async def _submit_for_approval(
    update: Update, context: BotContext, draft: st.Draft, status: str, detail: str | None = None
) -> None:
    """With BOT_BROADCAST_APPROVALS > 1: the draft (now in `status`) goes to the other operators."""
    rt, query, language = context.runtime, query_of(update), lang(update, context)
    if not await _moved(query, rt, language, draft.id, status, st.AWAITING_APPROVAL):
        return
    await _audit(rt, user_id(update), "siaran: ajukan persetujuan", f"draf-{draft.id}", detail)
    await _answer_quietly(query)
    await _ask_approval(context, rt, draft)
    await _edit_quietly(query, texts.op_say(language, "awaiting"))


async def _send(update: Update, context: BotContext, draft: st.Draft) -> None:
    rt = context.runtime
    query = query_of(update)
    who = user_id(update)
    language = lang(update, context)
    # An old Send button of a preview that had no recipients:
    if draft.status == st.PREVIEW and rt.store.count_audience(draft_roles(draft), draft_areas(draft)) == 0:
        await query.answer(texts.op_say(language, "no_recipients_alert"), show_alert=True)
        return
    if rt.settings.broadcast_approvals > 1:
        await _submit_for_approval(update, context, draft, st.PREVIEW)
        return
    if not await _moved(query, rt, language, draft.id, st.PREVIEW, st.SENDING_DRAFT):
        return
    # The broadcast first: what follows only tells the operator, and may fail without harm.
    if not await _launch_or_undo(query, context, draft.id, who, st.PREVIEW, language, author_language=language):
        return
    await _answer_quietly(query, texts.op_say(language, "sent_answer"))
    await _edit_quietly(query, texts.op_say(language, "sent_status"))


async def _launch_or_undo(
    query: CallbackQuery,
    context: BotContext,
    draft_id: int,
    actor: int,
    undo_to: str,
    language: str,
    author_language: str | None = None,
) -> bool:
    """Launch a draft just moved to 'sent'; False (and the operator told) if that failed.

    If no broadcast was recorded, the draft goes back to `undo_to`, so pressing the same button
    again retries; if one was, it stays sent (its queuing resumes at the next start).
    """
    rt = context.runtime
    try:
        draft = rt.store.draft(draft_id)
        if draft is None:
            raise LookupError(f"draft {draft_id} is gone")
        await launch(context, rt, draft, actor, author_language=author_language)
        return True
    except Exception:
        log.exception("could not start the broadcast of draft %s", draft_id)
    after = rt.store.draft(draft_id)
    broadcast_id = after.broadcast_id if after else None
    broadcast = rt.store.broadcast(broadcast_id) if broadcast_id is not None else None
    if broadcast is not None and broadcast.status != st.ENQUEUING:
        rt.engine.wake()
        return True  # queued in full; only the bookkeeping after that failed
    handed = (st.SENDING_DRAFT, st.SCHEDULED_DRAFT)
    if broadcast_id is None and rt.store.move_draft(draft_id, handed, undo_to, approved_by=None):
        await _audit(rt, actor, "siaran: gagal dimulai", f"draf-{draft_id}")
        note = texts.op_say(language, "launch_failed")
    else:
        note = texts.op_say(language, "launch_interrupted", broadcast=texts.broadcast_name(str(broadcast_id), language))
    await _answer_quietly(query, note, show_alert=True)
    return False


async def _ask_approval(context: BotContext, rt: Runtime, draft: st.Draft) -> None:
    draft = rt.store.draft(draft.id) or draft
    roles, refs = draft_roles(draft), draft_areas(draft)
    recipients = rt.store.count_audience(roles, refs)
    names = area_names(rt.schedule, refs)
    author = texts.operator_label(str(draft.author), rt.store.operator_names())
    for operator in sorted(rt.settings.admin_ids - {draft.author}):
        language = chat_lang(rt, operator)
        keyboard = InlineKeyboardMarkup(
            [[button(texts.op_say(language, "button_approve"), draft.id, "approve"),
              button(texts.op_say(language, "button_reject"), draft.id, "reject")]]
        )  # fmt: skip
        try:
            await context.bot.send_message(operator, draft.text or "")
            at = local(rt, draft.send_at) if draft.send_at is not None else None
            await context.bot.send_message(
                operator,
                texts.approval_request(author, roles, recipients, language, names, at),
                reply_markup=keyboard,
            )
        except TelegramError:
            log.warning("could not ask operator %s for approval", operator)


async def _review(update: Update, context: BotContext, draft: st.Draft, approve: bool) -> None:
    rt = context.runtime
    query = query_of(update)
    who = user_id(update)
    language = lang(update, context)
    if who == draft.author:
        await query.answer(texts.op_say(language, "self_approval"), show_alert=True)
        return
    later = draft.send_at is not None
    target = (st.SCHEDULED_DRAFT if later else st.SENDING_DRAFT) if approve else st.CANCELLED_DRAFT
    if not await _moved(query, rt, language, draft.id, st.AWAITING_APPROVAL, target, approved_by=who):
        return
    await _audit(rt, who, "siaran: disetujui" if approve else "siaran: ditolak", f"draf-{draft.id}")
    if approve and not await _launch_or_undo(query, context, draft.id, who, st.AWAITING_APPROVAL, language):
        return
    await _answer_quietly(query)
    done = ("approved_scheduled" if later else "approved") if approve else "rejected"
    await _edit_quietly(query, texts.op_say(language, done))
    if not approve:
        by = texts.operator_label(str(who), rt.store.operator_names())
        notice = texts.op_say(chat_lang(rt, draft.author), "rejected_notice", draft=draft.id, who=html.escape(by))
        await _notify(context, draft.author, notice)
    elif later and draft.send_at is not None:
        after = rt.store.draft(draft.id)
        if after is not None and after.broadcast_id:
            at, author_language = local(rt, draft.send_at), chat_lang(rt, draft.author)
            notice = texts.scheduled_text(after.broadcast_id, at, author_language, approved_by=who)
            await _notify(context, draft.author, notice)


async def _notify(context: BotContext, chat_id: int, text: str) -> None:
    try:
        await context.bot.send_message(chat_id, text)
    except TelegramError:
        log.warning("could not notify operator %s", chat_id)


async def _edit_quietly(query: CallbackQuery, text: str) -> None:
    """An edit that only tells what already happened: a failure (message gone, 429) is just logged."""
    try:
        await edit(query, text)
    except TelegramError as exc:
        log.warning("could not edit an operator's message: %s", exc)


async def _answer_quietly(query: CallbackQuery, text: str | None = None, show_alert: bool = False) -> None:
    """A callback answer after the work is done; a failure (query too old) must not undo that work."""
    try:
        await query.answer(text, show_alert=show_alert)
    except TelegramError as exc:
        log.warning("could not answer an operator's button: %s", exc)


# -- sending later ("Kirim nanti") --------------------------------------------------------------
# The preview's "Kirim nanti" asks for a time (draft 'timing'); the typed time is read, checked and
# shown back (draft 'timed', with ``send_at``); Jadwalkan records a broadcast that waits as
# 'scheduled' until the scheduler starts it. A time in the quiet hours needs a second button.

LATER_ACTIONS = ("later", "at", "night", "retime", "unschedule")


def local(rt: Runtime, ts: float) -> datetime:
    """A Unix time as an aware datetime of the election's time zone."""
    return datetime.fromtimestamp(ts, rt.schedule.election.tz)


def time_keyboard(draft_id: int, language: str, confirm: str, action: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(texts.op_say(language, confirm), draft_id, action),
          button(texts.op_say(language, "button_retime"), draft_id, "retime"),
          button(texts.op_say(language, "button_cancel"), draft_id, "cancel")]]
    )  # fmt: skip


def time_prompt(rt: Runtime, language: str) -> str:
    zone = texts.zone_of(rt.schedule.election.timezone)
    return texts.time_prompt(zone, send_time.example(local(rt, rt.clock())), language)


async def _draft_time(update: Update, rt: Runtime, draft: st.Draft, typed: str, language: str) -> None:
    """The operator typed the send time: refused with the reason, or shown back to be confirmed."""
    now = local(rt, rt.clock())
    try:
        at = send_time.parse(typed, rt.schedule.election.timezone)
        send_time.check(at, now)
    except send_time.BadTime as exc:
        await reply(update, texts.bad_send_time(exc.reason, exc.values, send_time.example(now), language))
        return
    if not rt.store.move_draft(draft.id, st.TIMING, st.TIMED, send_at=at.timestamp()):
        return
    roles, refs = draft_roles(draft), draft_areas(draft)
    recipients = rt.store.count_audience(roles, refs)
    night = send_time.at_night(at)
    confirm = "button_submit" if rt.settings.broadcast_approvals > 1 else "button_schedule"
    await reply(
        update,
        texts.time_confirm(at, roles, recipients, night, language, area_names(rt.schedule, refs)),
        reply_markup=time_keyboard(draft.id, language, confirm, "at"),
    )


async def _later(update: Update, context: BotContext, draft: st.Draft, action: str) -> None:
    """The buttons of sending later: Kirim nanti, Jadwalkan (and its night confirmation), Ubah waktu,
    Batalkan jadwal."""
    rt = context.runtime
    query = query_of(update)
    language = lang(update, context)
    if action == "unschedule":
        await _unschedule_button(query, rt, draft, user_id(update), language)
        return
    if action in ("later", "retime"):
        from_status = st.PREVIEW if action == "later" else st.TIMED
        if not await _moved(query, rt, language, draft.id, from_status, st.TIMING, send_at=None):
            return
        await query.answer()
        cancel = button(texts.op_say(language, "button_cancel"), draft.id, "cancel")
        await edit(query, time_prompt(rt, language), InlineKeyboardMarkup([[cancel]]))
        return
    if draft.status != st.TIMED or draft.send_at is None:
        await query.answer(state_note(language, draft.status), show_alert=True)
        return
    at = local(rt, draft.send_at)
    try:  # the time may have passed while the confirmation waited
        send_time.check(at, local(rt, rt.clock()))
    except send_time.BadTime as exc:
        note = texts.bad_send_time(exc.reason, exc.values, send_time.example(local(rt, rt.clock())), language)
        await query.answer(texts.headline(note), show_alert=True)
        return
    if send_time.at_night(at) and action != "night":  # the quiet hours: a second, explicit confirmation
        await query.answer()
        keyboard = time_keyboard(draft.id, language, "button_night", "night")
        await edit(query, texts.night_question(at, language), keyboard)
        return
    await _confirm_time(update, context, draft, at, night=action == "night")


async def _confirm_time(update: Update, context: BotContext, draft: st.Draft, at: datetime, night: bool) -> None:
    """Jadwalkan: to the other operators for approval, or scheduled now."""
    rt = context.runtime
    query = query_of(update)
    who = user_id(update)
    language = lang(update, context)
    if rt.settings.broadcast_approvals > 1:
        when = f"waktu={at:%Y-%m-%d %H:%M} {texts.zone_of(rt.schedule.election.timezone)}"
        await _submit_for_approval(update, context, draft, st.TIMED, when)
        return
    if not await _moved(query, rt, language, draft.id, st.TIMED, st.SCHEDULED_DRAFT):
        return
    if not await _launch_or_undo(query, context, draft.id, who, st.TIMED, language, author_language=language):
        return
    after = rt.store.draft(draft.id)
    broadcast_id = after.broadcast_id if after else None
    await _answer_quietly(query, texts.op_say(language, "scheduled_answer"))
    if broadcast_id is not None:
        unschedule = button(texts.op_say(language, "button_unschedule"), draft.id, "unschedule")
        try:
            await edit(query, texts.scheduled_text(broadcast_id, at, language), InlineKeyboardMarkup([[unschedule]]))
        except TelegramError as exc:  # scheduled all the same; /rencana shows it
            log.warning("could not edit an operator's message: %s", exc)


async def _schedule_draft(rt: Runtime, draft: st.Draft, actor: int) -> str:
    """Record a confirmed (and approved) draft as a broadcast sent later; returns its id."""
    roles, refs = draft_roles(draft), draft_areas(draft)
    send_at = draft.send_at
    if send_at is None:
        raise ValueError(f"draft {draft.id} has no send time")

    def work() -> str:
        with rt.store.reopen() as store:
            with store.transaction():  # the broadcast and the draft's link to it, or neither
                broadcast_id = store.create_adhoc(
                    text=draft.text or "", roles=roles, ttl=reports.ADHOC_TTL, areas=refs, at=send_at, now=rt.clock()
                )
                store.update_draft(draft.id, broadcast_id=broadcast_id)
            return broadcast_id

    broadcast_id = await asyncio.to_thread(work)
    at = local(rt, send_at)
    detail = f"waktu={at:%Y-%m-%d %H:%M} {texts.zone_of(rt.schedule.election.timezone)}; peran={','.join(roles)}"
    if refs:
        detail += f"; wilayah={','.join(refs)}"
    if send_time.at_night(at):
        detail += "; malam hari dikonfirmasi"
    if draft.approved_by:
        detail += f"; disetujui={draft.approved_by}"
    await _audit(rt, actor, "siaran: jadwalkan", broadcast_id, detail)
    return broadcast_id


async def _unschedule(rt: Runtime, who: int, broadcast_id: str) -> tuple[bool, st.Broadcast | None]:
    """Cancel a scheduled broadcast before it starts (recorded in the audit trail if it was)."""
    cancelled, b = rt.store.cancel_scheduled(broadcast_id, now=rt.clock())
    if cancelled and b is not None:
        detail = f"waktu={local(rt, b.at):%Y-%m-%d %H:%M} {texts.zone_of(rt.schedule.election.timezone)}"
        await _audit(rt, who, "siaran: batal jadwal", broadcast_id, detail)
    return cancelled, b


async def _unschedule_button(query: CallbackQuery, rt: Runtime, draft: st.Draft, who: int, language: str) -> None:
    """Batalkan jadwal under the scheduling message: refused, saying why, once it started."""
    if draft.broadcast_id is None:
        await query.answer(state_note(language, draft.status), show_alert=True)
        return
    cancelled, b = await _unschedule(rt, who, draft.broadcast_id)
    if not cancelled or b is None:
        status = b.status if b is not None else st.CANCELLED
        await query.answer(texts.not_unscheduled_text(draft.broadcast_id, status, language), show_alert=True)
        return
    await _answer_quietly(query)
    await _edit_quietly(query, texts.unscheduled_text(b.id, local(rt, b.at), language))


# -- sending and progress ---------------------------------------------------------------------


async def launch(
    context: BotContext, rt: Runtime, draft: st.Draft, actor: int, author_language: str | None = None
) -> None:
    """Put an approved draft in the outbox and start its status message.

    The status message is in the author's language: ``author_language`` when the author is the one
    who pressed Send (their Telegram app's language counts too), else their stored choice.
    """
    roles, refs = draft_roles(draft), draft_areas(draft)
    if draft.send_at is not None:
        await _schedule_draft(rt, draft, actor)
        return

    def work() -> tuple[str, int]:
        with rt.store.reopen() as store:
            broadcast_id = store.create_adhoc(text=draft.text, roles=roles, ttl=reports.ADHOC_TTL, areas=refs)
            # Recorded before queuing: a draft with a broadcast is never sent a second time.
            store.update_draft(draft.id, broadcast_id=broadcast_id)
            return broadcast_id, store.enqueue(broadcast_id)

    broadcast_id, total = await asyncio.to_thread(work)
    detail = f"peran={','.join(roles)}; penerima={total}"
    if refs:
        detail += f"; wilayah={','.join(refs)}"
    if draft.approved_by:
        detail += f"; disetujui={draft.approved_by}"
    await _audit(rt, actor, "siaran: kirim", broadcast_id, detail)
    rt.engine.wake()
    figures = reports.broadcast_figures(rt.store, broadcast_id)
    if figures is None:  # only if the broadcast was deleted meanwhile
        return
    language = author_language or chat_lang(rt, draft.author)
    try:
        status = await context.bot.send_message(
            draft.author, texts.progress_text(figures, rt.schedule.election.tz, language)
        )
    except TelegramError as exc:  # the broadcast runs anyway; /laporan shows its progress
        log.warning("could not send a broadcast's status message: %s", exc)
        return
    rt.store.update_draft(draft.id, status_chat_id=status.chat_id, status_message_id=status.message_id)
    watch(context.application, draft, language)


def watch(application: Application, draft: st.Draft, language: str | None = None) -> None:
    """Edit the draft's status message every `status_interval` seconds until the broadcast is done.

    The edits keep the language the status message was sent in (after a restart: the author's
    stored choice, else Indonesian).
    """
    rt = runtime_of(application)
    language = language or chat_lang(rt, draft.author)
    job_queue_of(application).run_repeating(
        _refresh, interval=rt.status_interval, first=rt.status_interval, data=(draft.id, language),
        name=f"status-{draft.id}",
    )  # fmt: skip


async def _refresh(context: BotContext) -> None:
    rt = context.runtime
    job = context.job
    if job is None or not isinstance(job.data, tuple):  # always set by watch()
        return
    draft_id, language = job.data
    draft = rt.store.draft(draft_id)
    figures = reports.broadcast_figures(rt.store, draft.broadcast_id) if draft and draft.broadcast_id else None
    if draft is None or figures is None:
        job.schedule_removal()
        return
    try:
        await ignoring_unchanged(
            context.bot.edit_message_text(
                texts.progress_text(figures, rt.schedule.election.tz, language), chat_id=draft.status_chat_id,
                message_id=draft.status_message_id,
            )
        )  # fmt: skip
    except BadRequest as exc:
        log.warning("could not update a broadcast status message: %s", exc.message)
    if figures["status"] == st.DONE:
        job.schedule_removal()


async def resume(application: Application) -> None:
    """After a restart: keep updating the status messages of broadcasts still running."""
    rt = runtime_of(application)
    for draft in rt.store.status_drafts():
        watch(application, draft)


async def register_commands(application: Application) -> None:
    """Show the operator commands in the command menu of each operator's private chat only."""
    rt = runtime_of(application)
    menus = {
        language: [BotCommand(n, d) for n, d in texts.COMMANDS[language] + texts.OPERATOR_COMMANDS[language]]
        for language in texts.LANGS
    }
    for operator in rt.settings.admin_ids:
        try:
            for language, commands in menus.items():
                await application.bot.set_my_commands(
                    commands, scope=BotCommandScopeChat(operator), language_code=None if language == "id" else language
                )
        except TelegramError:
            log.warning("could not set the operator command menu for %s (has it pressed /start?)", operator)


def register(application: Application, admin_ids) -> None:
    """Operator handlers; with no operator ids, none at all (the commands stay unknown)."""
    if not admin_ids:
        return
    operator = filters.User(user_id=list(admin_ids)) & filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    application.add_handler(TypeHandler(Update, remember_name), group=-1)
    for name, callback in [
        ("statistik", statistics), ("siaran", start_broadcast), ("batal", cancel_running),
        ("rencana", upcoming), ("laporan", report), ("audit", audit),
        ("pertanyaan", unanswered),
    ]:  # fmt: skip
        application.add_handler(CommandHandler(name, callback, filters=operator))
    application.add_handler(MessageHandler(operator & filters.TEXT & ~filters.COMMAND, draft_text))
    application.add_handler(CallbackQueryHandler(on_button, pattern=button_data.DRAFT_PATTERN))
    application.add_handler(CallbackQueryHandler(turn_page, pattern=button_data.page_pattern(*OPERATOR_VIEWS)))
