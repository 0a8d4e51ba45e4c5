"""A broadcast under way: launched from a draft, and its live status message in the operator's chat."""

from __future__ import annotations

import asyncio
import logging

from telegram.error import BadRequest, TelegramError
from telegram.ext import Application

from bot import store as st
from bot.content import operator_texts, reports
from bot.runtime import Runtime
from bot.schedule import send_time
from bot.telegram.context import BotContext, job_queue_of, runtime_of
from bot.telegram.operator_replies import (
    draft_areas,
    draft_roles,
    local,
    record_action,
)
from bot.telegram.replies import (
    chat_lang,
    ignoring_unchanged,
)

log = logging.getLogger(__name__)


async def launch(
    context: BotContext, rt: Runtime, draft: st.Draft, actor: int, author_language: str | None = None
) -> None:
    """Put an approved draft in the outbox and start its status message.

    The status message is in the author's language: ``author_language`` when the author is the one
    who pressed Send (their Telegram app's language counts too), else their stored choice.
    """
    roles, refs = draft_roles(draft), draft_areas(draft)
    if draft.send_at is not None:
        await schedule_draft(rt, draft, actor)
        return

    def work() -> tuple[str, int]:
        with rt.store.reopen() as store:
            broadcast_id = store.create_adhoc(text=draft.text or "", roles=roles, ttl=reports.ADHOC_TTL, areas=refs)
            # Recorded before queuing: a draft with a broadcast is never sent a second time.
            store.update_draft(draft.id, broadcast_id=broadcast_id)
            return broadcast_id, store.enqueue(broadcast_id)

    broadcast_id, total = await asyncio.to_thread(work)
    detail = f"peran={','.join(roles)}; penerima={total}"
    if refs:
        detail += f"; wilayah={','.join(refs)}"
    if draft.approved_by:
        detail += f"; disetujui={draft.approved_by}"
    await record_action(rt, actor, "siaran: kirim", broadcast_id, detail)
    rt.engine.wake()
    figures = reports.broadcast_figures(rt.store, broadcast_id)
    if figures is None:  # only if the broadcast was deleted meanwhile
        return
    language = author_language or chat_lang(rt, draft.author)
    try:
        status = await context.bot.send_message(
            draft.author, operator_texts.progress_text(figures, rt.schedule.election.tz, language)
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
        _refresh,
        interval=rt.status_interval,
        first=rt.status_interval,
        data=(draft.id, language),
        name=f"status-{draft.id}",
    )


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
                operator_texts.progress_text(figures, rt.schedule.election.tz, language),
                chat_id=draft.status_chat_id,
                message_id=draft.status_message_id,
            )
        )
    except BadRequest as exc:
        log.warning("could not update a broadcast status message: %s", exc.message)
    if figures["status"] == st.DONE:
        job.schedule_removal()


async def resume(application: Application) -> None:
    """After a restart: keep updating the status messages of broadcasts still running."""
    rt = runtime_of(application)
    for draft in rt.store.status_drafts():
        watch(application, draft)


async def schedule_draft(rt: Runtime, draft: st.Draft, actor: int) -> str:
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
    detail = (
        f"waktu={at:%Y-%m-%d %H:%M} {operator_texts.zone_of(rt.schedule.election.timezone)}; peran={','.join(roles)}"
    )
    if refs:
        detail += f"; wilayah={','.join(refs)}"
    if send_time.at_night(at):
        detail += "; malam hari dikonfirmasi"
    if draft.approved_by:
        detail += f"; disetujui={draft.approved_by}"
    await record_action(rt, actor, "siaran: jadwalkan", broadcast_id, detail)
    return broadcast_id


async def unschedule_broadcast(rt: Runtime, who: int, broadcast_id: str) -> tuple[bool, st.Broadcast | None]:
    """Cancel a scheduled broadcast before it starts (recorded in the audit trail if it was)."""
    cancelled, b = rt.store.cancel_scheduled(broadcast_id, now=rt.clock())
    if cancelled and b is not None:
        detail = f"waktu={local(rt, b.at):%Y-%m-%d %H:%M} {operator_texts.zone_of(rt.schedule.election.timezone)}"
        await record_action(rt, who, "siaran: batal jadwal", broadcast_id, detail)
    return cancelled, b
