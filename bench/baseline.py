#!/usr/bin/env python3
"""The baseline the benchmark compares against: the plainest python-telegram-bot broadcast bot.

- python-telegram-bot's own ``AIORateLimiter`` with its defaults (30 messages/s overall, 20/min
  per group, no retries);
- at start-up, a task with a plain loop ``for chat in chats: await bot.send_message(chat, text)``
  over every active subscriber in the bot's SQLite database (``subscribers`` table);
- a ``/jadwal`` CommandHandler that replies with a fixed schedule text.

Same environment as the real bot: TELEGRAM_BOT_TOKEN, TELEGRAM_API_URL, BOT_DATABASE; plus
BASELINE_TEXT (the broadcast text). SIGTERM / SIGINT stop it (``run_polling``'s own handling).
Failed sends (429 ...) are counted and logged, and the loop goes on with the next chat, so one
error does not end the broadcast.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import sys

from telegram import Update
from telegram.ext import AIORateLimiter, Application, CommandHandler, ContextTypes

log = logging.getLogger("baseline")

SCHEDULE_TEXT = (
    "<b>Jadwal Pilkada Serentak 2024</b>\n"
    "Pendaftaran paslon: 27–29 Agustus 2024\n"
    "Kampanye: 25 September – 23 November 2024\n"
    "Pemungutan suara: Rabu, 27 November 2024"
)


def load_chats(database: str) -> list[int]:
    conn = sqlite3.connect(database)
    try:
        rows = conn.execute("SELECT chat_id FROM subscribers WHERE status = 'active' ORDER BY chat_id").fetchall()
    finally:
        conn.close()
    return [row[0] for row in rows]


async def jadwal(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(SCHEDULE_TEXT, parse_mode="HTML")


async def broadcast(application: Application, chats: list[int], text: str) -> None:
    bot = application.bot
    sent = failed = 0
    for chat in chats:
        try:
            await bot.send_message(chat, text, parse_mode="HTML")
            sent += 1
        except Exception as exc:  # the plain loop: note it and go on
            failed += 1
            log.warning("send to a chat failed: %s: %s", type(exc).__name__, exc)
    log.info("baseline broadcast finished: %d sent, %d failed", sent, failed)


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    token = os.environ["TELEGRAM_BOT_TOKEN"]
    api_url = os.environ.get("TELEGRAM_API_URL", "https://api.telegram.org/bot")
    chats = load_chats(os.environ["BOT_DATABASE"])
    text = os.environ.get("BASELINE_TEXT", "Pengingat: datang ke TPS pada hari pemungutan suara.")
    tasks: list[asyncio.Task] = []

    async def post_init(application: Application) -> None:
        log.info("baseline: broadcasting to %d chats", len(chats))
        tasks.append(asyncio.create_task(broadcast(application, chats, text)))

    async def post_stop(application: Application) -> None:
        for task in tasks:
            task.cancel()

    application = (
        Application.builder()
        .token(token)
        .base_url(api_url)
        .rate_limiter(AIORateLimiter())
        .post_init(post_init)
        .post_stop(post_stop)
        .build()
    )
    application.add_handler(CommandHandler("jadwal", jadwal))
    application.run_polling(timeout=10, allowed_updates=Update.ALL_TYPES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
