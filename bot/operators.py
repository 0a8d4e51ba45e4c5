"""Operator commands in Telegram, for the user ids in BOT_ADMIN_IDS only.

To anyone else these commands do not exist: the handlers carry a user filter, so other people's
/statistik falls through to the unknown-command reply. Ad-hoc broadcasts (/siaran) are drafts in
the database moved from state to state with compare-and-set, so a double-pressed button, a stale
button after a restart or two operators pressing at once never send anything twice.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot import plan, reports, texts
from bot import store as st
from bot.handlers import reply, runtime
from bot.schedule import ROLES, html_problem
from bot.scheduler import enqueue_adhoc

log = logging.getLogger(__name__)

PREFIX = "op:"


def rate_of(rt) -> float:
    return 1000.0 if rt.settings.paid_broadcast else rt.settings.rate_limit


def user_id(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user else None


def button(label: str, draft_id: int, action: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=f"{PREFIX}{draft_id}:{action}")


def roles_keyboard(draft_id: int, chosen: list[str]) -> InlineKeyboardMarkup:
    rows = [[button(("☑ " if r in chosen else "☐ ") + texts.ROLE_SHORT[r], draft_id, f"t:{r}")] for r in ROLES]
    rows.append([button("Lanjut ▶", draft_id, "next"), button("Batal", draft_id, "cancel")])
    return InlineKeyboardMarkup(rows)


def draft_roles(draft: dict) -> list[str]:
    return [r for r in (draft["roles"] or "").split(",") if r]


async def _audit(rt, actor, action, subject=None, detail=None) -> None:
    rt.store.log_action(actor, action, subject, detail)


# -- commands ---------------------------------------------------------------------------------


async def statistics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    tz = rt.schedule.election.tz
    figures = rt.store.subscriber_stats(now=rt.clock(), tz=tz)
    await reply(update, texts.stats_text(figures, rt.schedule.election.region))
    growth = rt.store.growth_by_role(tz=tz)
    recent = [
        {k: f[k] for k in ("id", "sent", "blocked", "failed", "expired")} for f in reports.recent_figures(rt.store, 8)
    ]
    from bot import charts  # matplotlib is big: load it on first use, not at start-up

    png = await asyncio.to_thread(charts.statistics_png, growth, recent, title=rt.schedule.election.region)
    await update.effective_message.reply_photo(
        InputFile(png, filename="statistik.png"), caption="Pelanggan per peran dan hasil siaran terakhir"
    )


async def start_broadcast(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    draft_id = rt.store.create_draft(user_id(update))
    await _audit(rt, user_id(update), "siaran: mulai", f"draf-{draft_id}")
    await reply(update, texts.draft_roles_prompt([]), reply_markup=roles_keyboard(draft_id, []))


async def draft_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An operator's plain message: the text of their draft, if one waits for it."""
    rt = runtime(context)
    draft = rt.store.writing_draft(user_id(update))
    if draft is None:
        await reply(update, texts.say("id", "free_text"))
        return
    message = update.effective_message
    # Formatting made with Telegram's own buttons arrives as entities; typed tags arrive as text.
    text = (message.text_html if message.entities else message.text).strip()
    problem = html_problem(text)
    if problem:
        await reply(update, texts.draft_refused(problem))
        return
    roles = draft_roles(draft)
    if not rt.store.move_draft(draft["id"], st.WRITING, st.PREVIEW, text=text):
        return
    recipients = rt.store.count_audience(roles)
    await message.reply_text(text, parse_mode=ParseMode.HTML)  # exactly what recipients will see
    needs = rt.settings.broadcast_approvals
    send_label = "Ajukan untuk disetujui" if needs > 1 else "Kirim"
    await reply(
        update,
        texts.preview_summary(roles, recipients, reports.estimate_seconds(recipients, rate_of(rt)), rate_of(rt), needs),
        reply_markup=InlineKeyboardMarkup(
            [[button(send_label, draft["id"], "send"), button("Batal", draft["id"], "cancel")]]
        ),
    )


async def cancel_running(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    running = rt.store.running_adhoc()
    wanted = context.args[0] if context.args else None
    targets = [b for b in running if b["id"] == wanted] if wanted else running[:1]
    if not targets:
        await reply(update, texts.OP_NOTHING_TO_CANCEL)
        return
    broadcast_id = targets[0]["id"]
    dropped = rt.store.cancel_broadcast(broadcast_id)
    await _audit(rt, user_id(update), "batal", broadcast_id, f"{dropped} salinan dibatalkan")
    rt.engine.wake()
    sent = rt.store.broadcast(broadcast_id)["n_sent"]
    await reply(update, texts.cancelled_broadcast(broadcast_id, dropped, sent))


async def upcoming(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    rows = plan.plan(rt.schedule, rt.store.count_audience, rate_of(rt), now=rt.now())
    await reply(update, texts.plan_text(rows, rate_of(rt), rt.schedule.election.tz))


async def report(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    tz = rt.schedule.election.tz
    if context.args:
        figures = reports.broadcast_figures(rt.store, context.args[0])
        await reply(update, texts.progress_text(figures, tz) if figures else texts.OP_NO_SUCH_REPORT)
    else:
        await reply(update, texts.report_list_text(reports.recent_figures(rt.store, 10), tz))


async def audit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    await reply(update, texts.audit_text(rt.store.audit_trail(20), rt.schedule.election.tz))


# -- buttons ----------------------------------------------------------------------------------


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    query = update.callback_query
    who = user_id(update)
    try:
        draft_part, action = query.data.removeprefix(PREFIX).split(":", 1)
        draft = rt.store.draft(int(draft_part))
    except ValueError:
        draft = None
    if draft is None:
        await query.answer(texts.say("id", "stale_button"))
        return
    if who not in rt.settings.admin_ids:
        await query.answer(texts.OP_NOT_OPERATOR, show_alert=True)
        return
    if action in ("approve", "reject"):
        await _review(update, context, draft, approve=action == "approve")
        return
    if who != draft["author"]:
        await query.answer(texts.OP_NOT_AUTHOR, show_alert=True)
        return
    if action.startswith("t:") or action == "next":
        await _choose(update, rt, draft, action)
    elif action == "send":
        await _send(update, context, draft)
    elif action == "cancel":
        moved = rt.store.move_draft(
            draft["id"], (st.CHOOSING, st.WRITING, st.PREVIEW, st.AWAITING_APPROVAL), st.CANCELLED_DRAFT
        )
        if not moved:
            await query.answer(texts.OP_DRAFT_STATE[rt.store.draft(draft["id"])["status"]], show_alert=True)
            return
        await _audit(rt, who, "siaran: batal", f"draf-{draft['id']}")
        await query.answer()
        await _edit(query, texts.OP_CANCELLED)
    else:
        await query.answer(texts.say("id", "stale_button"))


async def _choose(update: Update, rt, draft: dict, action: str) -> None:
    query = update.callback_query
    if draft["status"] != st.CHOOSING:
        await query.answer(texts.OP_DRAFT_STATE[draft["status"]], show_alert=True)
        return
    chosen = draft_roles(draft)
    if action == "next":
        if not chosen:
            await query.answer(texts.OP_PICK_ROLE, show_alert=True)
            return
        if rt.store.move_draft(draft["id"], st.CHOOSING, st.WRITING):
            await query.answer()
            await _edit(query, texts.draft_text_prompt(chosen))
        return
    role = action[2:]
    if role not in ROLES:
        await query.answer(texts.say("id", "stale_button"))
        return
    chosen = [r for r in ROLES if (r in chosen) != (r == role)]
    rt.store.update_draft(draft["id"], roles=",".join(chosen))
    await query.answer()
    await _edit(query, texts.draft_roles_prompt(chosen), roles_keyboard(draft["id"], chosen))


async def _send(update: Update, context, draft: dict) -> None:
    rt = runtime(context)
    query = update.callback_query
    who = user_id(update)
    if rt.settings.broadcast_approvals > 1:
        if not rt.store.move_draft(draft["id"], st.PREVIEW, st.AWAITING_APPROVAL):
            await query.answer(texts.OP_DRAFT_STATE[rt.store.draft(draft["id"])["status"]], show_alert=True)
            return
        await _audit(rt, who, "siaran: ajukan persetujuan", f"draf-{draft['id']}")
        await query.answer()
        await _edit(query, texts.OP_AWAITING)
        await _ask_approval(context, rt, draft)
        return
    if not rt.store.move_draft(draft["id"], st.PREVIEW, st.SENDING_DRAFT):
        await query.answer(texts.OP_DRAFT_STATE[rt.store.draft(draft["id"])["status"]], show_alert=True)
        return
    await query.answer("Dikirim.")
    await _edit(query, "Siaran dikirim. Kemajuan di pesan berikut.")
    await launch(context, rt, rt.store.draft(draft["id"]), who)


async def _ask_approval(context, rt, draft: dict) -> None:
    draft = rt.store.draft(draft["id"])
    roles = draft_roles(draft)
    recipients = rt.store.count_audience(roles)
    keyboard = InlineKeyboardMarkup(
        [[button("Setujui", draft["id"], "approve"), button("Tolak", draft["id"], "reject")]]
    )
    for operator in sorted(rt.settings.admin_ids - {draft["author"]}):
        try:
            await context.bot.send_message(operator, draft["text"], parse_mode=ParseMode.HTML)
            await context.bot.send_message(
                operator, texts.approval_request(draft["author"], roles, recipients),
                parse_mode=ParseMode.HTML, reply_markup=keyboard,
            )  # fmt: skip
        except TelegramError:
            log.warning("could not ask operator %s for approval", operator)


async def _review(update: Update, context, draft: dict, approve: bool) -> None:
    rt = runtime(context)
    query = update.callback_query
    who = user_id(update)
    if who == draft["author"]:
        await query.answer(texts.OP_SELF_APPROVAL, show_alert=True)
        return
    target = st.SENDING_DRAFT if approve else st.CANCELLED_DRAFT
    if not rt.store.move_draft(draft["id"], st.AWAITING_APPROVAL, target, approved_by=who):
        await query.answer(texts.OP_DRAFT_STATE[rt.store.draft(draft["id"])["status"]], show_alert=True)
        return
    await _audit(rt, who, "siaran: disetujui" if approve else "siaran: ditolak", f"draf-{draft['id']}")
    await query.answer()
    await _edit(query, "Disetujui dan dikirim." if approve else "Ditolak. Tidak ada yang dikirim.")
    if approve:
        await launch(context, rt, rt.store.draft(draft["id"]), who)
    else:
        await _notify(context, draft["author"], f"Siaran draf-{draft['id']} ditolak oleh operator {who}.")


async def _notify(context, chat_id: int, text: str) -> None:
    try:
        await context.bot.send_message(chat_id, text)
    except TelegramError:
        log.warning("could not notify operator %s", chat_id)


async def _edit(query, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


# -- sending and progress ---------------------------------------------------------------------


async def launch(context, rt, draft: dict, actor: int) -> None:
    """Put an approved draft in the outbox and start its status message."""
    roles = draft_roles(draft)

    def work() -> tuple[str, int]:
        store = rt.store.reopen()
        try:
            return enqueue_adhoc(store, draft["text"], roles, ttl=reports.ADHOC_TTL)
        finally:
            store.close()

    broadcast_id, total = await asyncio.to_thread(work)
    rt.store.update_draft(draft["id"], broadcast_id=broadcast_id)
    detail = f"peran={','.join(roles)}; penerima={total}"
    if draft["approved_by"]:
        detail += f"; disetujui={draft['approved_by']}"
    await _audit(rt, actor, "siaran: kirim", broadcast_id, detail)
    rt.engine.wake()
    figures = reports.broadcast_figures(rt.store, broadcast_id)
    status = await context.bot.send_message(
        draft["author"], texts.progress_text(figures, rt.schedule.election.tz), parse_mode=ParseMode.HTML
    )
    rt.store.update_draft(draft["id"], status_chat_id=status.chat_id, status_message_id=status.message_id)
    watch(context.application, rt.store.draft(draft["id"]))


def watch(application: Application, draft: dict) -> None:
    """Edit the draft's status message every `status_interval` seconds until the broadcast is done."""
    rt = application.bot_data["runtime"]
    application.job_queue.run_repeating(
        _refresh, interval=rt.status_interval, first=rt.status_interval, data=draft["id"],
        name=f"status-{draft['id']}",
    )  # fmt: skip


async def _refresh(context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    draft = rt.store.draft(context.job.data)
    figures = reports.broadcast_figures(rt.store, draft["broadcast_id"]) if draft else None
    if figures is None:
        context.job.schedule_removal()
        return
    try:
        await context.bot.edit_message_text(
            texts.progress_text(figures, rt.schedule.election.tz), chat_id=draft["status_chat_id"],
            message_id=draft["status_message_id"], parse_mode=ParseMode.HTML,
        )  # fmt: skip
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            log.warning("could not update a broadcast status message: %s", exc.message)
    if figures["status"] == "done":
        context.job.schedule_removal()


async def resume(application: Application) -> None:
    """After a restart: keep updating the status messages of broadcasts still running."""
    rt = application.bot_data["runtime"]
    for draft in rt.store.status_drafts():
        watch(application, draft)


async def register_commands(application: Application) -> None:
    """Show the operator commands in the command menu of each operator's private chat only."""
    rt = application.bot_data["runtime"]
    commands = [BotCommand(n, d) for n, d in texts.COMMANDS["id"] + texts.OPERATOR_COMMANDS]
    for operator in rt.settings.admin_ids:
        try:
            await application.bot.set_my_commands(commands, scope=BotCommandScopeChat(operator))
        except TelegramError:
            log.warning("could not set the operator command menu for %s (has it pressed /start?)", operator)


def register(application: Application, admin_ids) -> None:
    """Operator handlers; with no operator ids, none at all (the commands stay unknown)."""
    if not admin_ids:
        return
    operator = filters.User(user_id=list(admin_ids)) & filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    for name, callback in [
        ("statistik", statistics), ("siaran", start_broadcast), ("batal", cancel_running),
        ("rencana", upcoming), ("laporan", report), ("audit", audit),
    ]:  # fmt: skip
        application.add_handler(CommandHandler(name, callback, filters=operator))
    application.add_handler(MessageHandler(operator & filters.TEXT & ~filters.COMMAND, draft_text))
    application.add_handler(CallbackQueryHandler(on_button, pattern=f"^{PREFIX}"))
