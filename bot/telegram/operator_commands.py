"""The operators' commands that show figures, page by page (/statistik, /rencana, /laporan, /audit,
/pertanyaan), and /batal of a running broadcast.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from telegram import (
    InputFile,
    Update,
)

from bot import store as st
from bot.content import button_data, catalogue, operator_texts, reports, source_reports, tps_reports
from bot.delivery import plan
from bot.runtime import Runtime
from bot.schedule.model import Schedule
from bot.telegram.context import BotContext
from bot.telegram.operator_replies import (
    local,
    rate_of,
    record_action,
    user_id,
)
from bot.telegram.progress import unschedule_broadcast
from bot.telegram.replies import (
    lang,
    message_of,
    query_of,
    reply,
    reply_pages,
    show_page,
)

# How far back /laporan and /audit go, in pages of ◀ ▶ (bounds the work of each press).
REPORTS_SHOWN = 500


AUDIT_SHOWN = 1000


QUESTIONS_SHOWN = 300


OPERATOR_VIEWS = ("rencana", "laporan", "audit", "pertanyaan")


async def statistics(update: Update, context: BotContext) -> None:
    rt = context.runtime
    tz = rt.schedule.election.tz
    language = lang(update, context)
    figures = rt.store.subscriber_stats(now=rt.clock(), tz=tz)
    areas = reports.area_figures(rt.store, rt.schedule.areas)
    pledged = reports.pledge_figures(rt.store, rt.schedule.areas)
    text = operator_texts.stats_text(figures, rt.schedule.election.region, language, areas, pledged)
    sources = source_reports.read_figures(rt.store, tz, rt.clock())
    source_lines = source_reports.stats_lines(sources, language)
    messages = tps_reports.stats_messages(text, source_lines) if source_lines else [text]
    if rt.schedule.tps:  # each voter's TPS: only with a TPS file
        tps_lines = tps_reports.stats_lines(rt.schedule, rt.store.tps_counts(), language)
        messages[-1:] = tps_reports.stats_messages(messages[-1], tps_lines)
    for message in messages:
        await reply(update, message)
    growth = rt.store.growth_by_role(tz=tz)
    bars = reports.chart_bars(rt.store, rt.schedule, tz, language)
    from bot.content import charts  # matplotlib is big: load it on first use, not at start-up

    taken = datetime.fromtimestamp(rt.clock(), tz)  # when the figures were read, as the title says
    title = operator_texts.chart_title(rt.schedule.election.region, taken, language)
    words = operator_texts.chart_words(language)
    weekly = source_reports.chart_data(sources, taken.date(), language)
    png = await asyncio.to_thread(
        charts.statistics_png, growth, bars, title=title, words=words, areas=areas, sources=weekly
    )
    await message_of(update).reply_photo(
        InputFile(png, filename="statistik.png"), caption=catalogue.say(language, "stats_caption")
    )


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
        cancelled, named = await unschedule_broadcast(rt, user_id(update), named.id)
        if cancelled and named is not None:
            await reply(update, operator_texts.unscheduled_text(named.id, local(rt, named.at), language))
            return
        # It started meanwhile: stopped below, as any running broadcast named by its id.
    running = rt.store.running_adhoc()
    if wanted is None and await _cancel_drafts(update, rt, language, running):
        return
    targets = [b for b in running if b.id == wanted] if wanted else running[:1]
    if not targets:
        answer = catalogue.say(language, "nothing_to_cancel")
        if named is not None and named.status in st.NEVER_STARTED:  # cancelled or expired before
            answer = operator_texts.not_unscheduled_text(named.id, named.status, language)
        elif wanted is None and rt.store.scheduled_broadcasts():
            answer += "\n" + catalogue.say(language, "scheduled_hint")
        await reply(update, answer)
        return
    broadcast_id = targets[0].id
    # The engine first: copies it took but has not sent yet are stopped too, before the rest of the outbox.
    dropped = rt.engine.drop(broadcast_id) + rt.store.cancel_broadcast(broadcast_id)
    await record_action(rt, user_id(update), "batal", broadcast_id, f"{dropped} salinan dibatalkan")
    rt.engine.wake()
    row = rt.store.broadcast(broadcast_id)
    sent = row.n_sent if row else 0
    await reply(update, operator_texts.cancelled_broadcast(broadcast_id, dropped, sent, language))


def view_pages(view: str, language: str, schedule: Schedule, store: st.Store, rate: float, now: datetime) -> list[str]:
    """The pages of the operator reply ``view`` ("rencana", "laporan", "audit" or "pertanyaan") as of ``now``."""
    tz = schedule.election.tz
    if view == "rencana":
        rows = plan.plan(
            schedule,
            store.count_audience,
            rate,
            now=now,
            recorded=store.recorded_reminders(),
            scheduled=store.scheduled_broadcasts(),
            pins=plan.pin_count(schedule, store.tps_counts()),
        )
        return operator_texts.plan_pages(rows, rate, tz, language, schedule.areas)
    if view == "laporan":
        items = reports.recent_reports(store, schedule, language, REPORTS_SHOWN)
        sources = source_reports.read_figures(store, tz, now.timestamp(), weeks=0)
        return source_reports.report_pages(items, tz, language, source_reports.report_lines(sources, language))
    if view == "audit":
        return operator_texts.audit_pages(store.audit_trail(AUDIT_SHOWN), tz, language, store.operator_names())
    if view == "pertanyaan":
        return operator_texts.unanswered_pages(store.unanswered(now.timestamp(), QUESTIONS_SHOWN), language)
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
        await record_action(rt, who, "siaran: batal", f"draf-{draft.id}")
    answer = catalogue.say(language, "drafts_cancelled")
    if running:  # not touched: say how to stop it too
        answer += "\n" + catalogue.say(
            language, "still_running", name=operator_texts.broadcast_name(running[0].id, language)
        )
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
        answer = (
            operator_texts.report_detail(figures, tz, language)
            if figures
            else catalogue.say(language, "no_such_report")
        )
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
        await query.answer(catalogue.say(language, "stale_button"))
        return
    await show_page(query, turn[0], pages_now(rt, turn[0], language), turn[1], language)
