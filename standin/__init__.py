"""A local stand-in for the Telegram Bot API.

An HTTP server (aiohttp.web) that answers Bot API requests the way
Telegram does, so python-telegram-bot (or plain httpx) can talk to it over real HTTP:

    standin = StandIn()
    await standin.start()
    async with telegram.Bot(standin.token, base_url=standin.base_url) as bot:
        await bot.send_message(42, "hi")
    assert standin.sent_to(42)[0]["text"] == "hi"

It keeps a record of what the bot did (``messages``, ``calls``, ``answers`` ...), lets tests
simulate users (``user_message``, ``press_button``), add channels (``add_channel``: getChat by
@name, getChatMember, posts only as an administrator) and inject faults (``block``, ``migrate``,
``fail_next``, ``fault_rate`` ...). Run as a process with ``python -m standin --port 8081``;
other processes drive it through the JSON control API under ``/_control/``.

Telegram HTML is checked by bot.content.telegram_html, the same checker the bot uses before it sends.
"""

from __future__ import annotations

from standin.cli import main
from standin.faults import FAULT_KINDS
from standin.methods import COUNTED_SENDS
from standin.protocol import parse_html
from standin.server import StandIn

__all__ = ["COUNTED_SENDS", "FAULT_KINDS", "StandIn", "main", "parse_html"]
