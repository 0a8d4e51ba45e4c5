"""The invite button ("📨 Ajak keluarga & tetangga"): Telegram's share dialog with a short invitation and
a deep link to the bot (pure).

The link carries the sharer's kecamatan (when they gave one, so it is offered first to the invitee)
and the source tag ``ajak``: nothing that identifies the person who shared it. The button goes under
the /start confirmation and under reminders with ``invite = true``; never in the channel's copy,
where nobody can press a command.
"""

from __future__ import annotations

from html import unescape

from bot.content import deep_links
from bot.content.catalogue import say
from bot.schedule.model import Schedule


def invite_url(schedule: Schedule, username: str, area: str | None, lang: str = "id") -> str:
    """The share dialog's URL: the invitation in ``lang`` and the bot's link with ``area`` and ``ajak``."""
    known = area if schedule.area(area) is not None else None
    link = deep_links.link(username, deep_links.start_payload(area=known, source=deep_links.INVITE))
    text = say(lang, "invite_text", election=unescape(schedule.election.name), region=schedule.election.region)
    return deep_links.share_url(link, text)


def invite_button(schedule: Schedule, username: str | None, area: str | None, lang: str = "id") -> dict | None:
    """The button as the Bot API wants it, or None without the bot's username (not known yet)."""
    if not username:
        return None
    return {"text": say(lang, "invite_button"), "url": invite_url(schedule, username, area, lang)}


def with_invite(markup: dict | None, button: dict | None) -> dict | None:
    """``markup`` (an inline keyboard or None) with the invite button as its last row."""
    if button is None:
        return markup
    rows = list((markup or {}).get("inline_keyboard", []))
    return {"inline_keyboard": [*rows, [button]]}
