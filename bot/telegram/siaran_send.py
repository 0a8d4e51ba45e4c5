"""Sending an operator's draft: now, or after a second operator's approval, with a moment to undo."""

from __future__ import annotations

import html
import logging

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
    notify_chat,
    record_action,
    user_id,
)
from bot.telegram.progress import launch
from bot.telegram.replies import (
    chat_lang,
    lang,
    query_of,
)

log = logging.getLogger(__name__)


async def submit_for_approval(
    update: Update, context: BotContext, draft: st.Draft, status: str, detail: str | None = None
) -> None:
    """With BOT_BROADCAST_APPROVALS > 1: the draft (now in `status`) goes to the other operators."""
    rt, query, language = context.runtime, query_of(update), lang(update, context)
    if not await draft_moved(query, rt, language, draft.id, status, st.AWAITING_APPROVAL):
        return
    await record_action(rt, user_id(update), "siaran: ajukan persetujuan", f"draf-{draft.id}", detail)
    await answer_quietly(query)
    await ask_approval(context, rt, draft)
    await edit_quietly(query, catalogue.say(language, "awaiting"))


async def send_draft(update: Update, context: BotContext, draft: st.Draft) -> None:
    rt = context.runtime
    query = query_of(update)
    who = user_id(update)
    language = lang(update, context)
    # An old Send button of a preview that had no recipients:
    if draft.status == st.PREVIEW and rt.store.count_audience(draft_roles(draft), draft_areas(draft)) == 0:
        await query.answer(catalogue.say(language, "no_recipients_alert"), show_alert=True)
        return
    if rt.settings.broadcast_approvals > 1:
        await submit_for_approval(update, context, draft, st.PREVIEW)
        return
    if not await draft_moved(query, rt, language, draft.id, st.PREVIEW, st.SENDING_DRAFT):
        return
    # The broadcast first: what follows only tells the operator, and may fail without harm.
    if not await launch_or_undo(query, context, draft.id, who, st.PREVIEW, language, author_language=language):
        return
    await answer_quietly(query, catalogue.say(language, "sent_answer"))
    await edit_quietly(query, catalogue.say(language, "sent_status"))


async def launch_or_undo(
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
        await record_action(rt, actor, "siaran: gagal dimulai", f"draf-{draft_id}")
        note = catalogue.say(language, "launch_failed")
    else:
        note = catalogue.say(
            language, "launch_interrupted", broadcast=operator_texts.broadcast_name(str(broadcast_id), language)
        )
    await answer_quietly(query, note, show_alert=True)
    return False


async def ask_approval(context: BotContext, rt: Runtime, draft: st.Draft) -> None:
    draft = rt.store.draft(draft.id) or draft
    roles, refs = draft_roles(draft), draft_areas(draft)
    recipients = rt.store.count_audience(roles, refs)
    names = area_names(rt.schedule, refs)
    author = operator_texts.operator_label(str(draft.author), rt.store.operator_names())
    for operator in sorted(rt.settings.admin_ids - {draft.author}):
        language = chat_lang(rt, operator)
        keyboard = InlineKeyboardMarkup(
            [
                [
                    button(catalogue.say(language, "button_approve"), draft.id, DraftAction.APPROVE),
                    button(catalogue.say(language, "button_reject"), draft.id, DraftAction.REJECT),
                ]
            ]
        )
        try:
            await context.bot.send_message(operator, draft.text or "")
            at = local(rt, draft.send_at) if draft.send_at is not None else None
            await context.bot.send_message(
                operator,
                operator_texts.approval_request(author, roles, recipients, language, names, at),
                reply_markup=keyboard,
            )
        except TelegramError:
            log.warning("could not ask operator %s for approval", operator)


async def review_draft(update: Update, context: BotContext, draft: st.Draft, approve: bool) -> None:
    rt = context.runtime
    query = query_of(update)
    who = user_id(update)
    language = lang(update, context)
    if who == draft.author:
        await query.answer(catalogue.say(language, "self_approval"), show_alert=True)
        return
    later = draft.send_at is not None
    target = (st.SCHEDULED_DRAFT if later else st.SENDING_DRAFT) if approve else st.CANCELLED_DRAFT
    if not await draft_moved(query, rt, language, draft.id, st.AWAITING_APPROVAL, target, approved_by=who):
        return
    await record_action(rt, who, "siaran: disetujui" if approve else "siaran: ditolak", f"draf-{draft.id}")
    if approve and not await launch_or_undo(query, context, draft.id, who, st.AWAITING_APPROVAL, language):
        return
    await answer_quietly(query)
    done = ("approved_scheduled" if later else "approved") if approve else "rejected"
    await edit_quietly(query, catalogue.say(language, done))
    if not approve:
        by = operator_texts.operator_label(str(who), rt.store.operator_names())
        notice = catalogue.say(chat_lang(rt, draft.author), "rejected_notice", draft=draft.id, who=html.escape(by))
        await notify_chat(context, draft.author, notice)
    elif later and draft.send_at is not None:
        after = rt.store.draft(draft.id)
        if after is not None and after.broadcast_id:
            at, author_language = local(rt, draft.send_at), chat_lang(rt, draft.author)
            notice = operator_texts.scheduled_text(after.broadcast_id, at, author_language, approved_by=who)
            await notify_chat(context, draft.author, notice)
