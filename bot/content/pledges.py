"""One-tap pledges: the button a reminder with ``ask`` carries, as the Bot API wants it (pure).

A reminder with ``ask = "will_vote"`` or ``"voted"`` (``schedule.ASKS``) goes out with one inline
button in the recipient's language; pressing it records the pledge once (``Store.pledge``), and
the handler in bot/telegram/handlers.py edits the message to thank them. Only private chats get the
button: in a group one member's tap would speak for everybody.
"""

from __future__ import annotations

from bot.content import button_data, catalogue


def gets_button(chat_id: int) -> bool:
    """Private chats (positive ids) get the button; groups (negative ids) do not."""
    return chat_id > 0


def button_label(ask: str, lang: str = "id") -> str:
    return catalogue.say(lang, f"pledge_{ask}")


def markup(ask: str | None, chat_id: int, lang: str = "id") -> dict | None:
    """The ``reply_markup`` of a copy of a broadcast carrying `ask` to `chat_id`, or None for no button."""
    if ask is None or not gets_button(chat_id):
        return None
    return {"inline_keyboard": [[{"text": button_label(ask, lang), "callback_data": button_data.pledge(ask)}]]}


def thanks(ask: str, lang: str = "id") -> str:
    """What a press is answered with (plain text: it is also the callback's short answer)."""
    return catalogue.say(lang, f"pledge_thanks_{ask}")
