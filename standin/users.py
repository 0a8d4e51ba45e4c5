"""Simulated users: messages and button presses that the bot receives through getUpdates."""

from __future__ import annotations

import asyncio
import copy
import threading
import time
from typing import Any

from bot.content.telegram_html import utf16_len
from standin.state import State

#: The user Telegram shows as the sender of an anonymous group admin's messages.
ANONYMOUS_ADMIN = {"id": 1087968824, "is_bot": True, "first_name": "Group", "username": "GroupAnonymousBot"}


class Users(State):
    """Queue updates as Telegram would deliver them."""

    def add_update(self, update: dict) -> dict:
        """Queue a raw update for getUpdates; the stand-in assigns ``update_id``. Returns it."""
        self._update_seq += 1
        update["update_id"] = self._update_seq
        self._updates.append(update)
        loop = self._loop
        if loop is not None and threading.get_ident() != self._loop_thread and not loop.is_closed():
            loop.call_soon_threadsafe(self._wake_pollers)
        else:
            self._wake_pollers()
        return update

    def user_message(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        first_name: str = "Uji",
        language_code: str = "id",
        chat_type: str = "private",
        username: str | None = None,
        anonymous: bool = False,
        reply_to: int | None = None,
        sticker: str | None = None,
    ) -> dict:
        """A user writes ``text`` in ``chat_id``; returns the queued update.

        ``sticker``: the message is a sticker with that emoji instead of text (``text`` is ignored).

        ``reply_to``: the id of a message in the chat (the bot's, say) that this one answers.

        ``anonymous``: an anonymous group admin, who posts as the group (``sender_chat``) through
        Telegram's GroupAnonymousBot.
        """
        if chat_id < 0 and chat_type == "private":
            chat_type = self._group_type(chat_id)
        uid = user_id if user_id is not None else (chat_id if chat_id > 0 else abs(chat_id))
        user: dict[str, Any] = {
            "id": uid,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }
        if username:
            user["username"] = username
        if chat_type == "private":
            chat_info: dict[str, Any] = {"first_name": first_name}
            if username:
                chat_info["username"] = username
        else:
            chat_info = {"title": self._chat_names.get(chat_id, {}).get("title", f"Group {chat_id}")}
        chat_info["_user"] = user
        self._chat_names[chat_id] = chat_info
        self._next_id[chat_id] += 1
        message: dict[str, Any] = {
            "message_id": self._next_id[chat_id],
            "date": int(time.time()),
            "chat": self._chat_obj(chat_id, chat_type),
            "from": user,
            "text": text,
        }
        if sticker is not None:
            del message["text"]
            message["sticker"] = {
                "file_id": f"sticker-{message['message_id']}",
                "file_unique_id": f"s{message['message_id']}",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": sticker,
            }
        if anonymous and chat_id < 0:
            message["from"] = dict(ANONYMOUS_ADMIN)
            message["sender_chat"] = self._chat_obj(chat_id, chat_type)
        if reply_to is not None:
            message["reply_to_message"] = copy.deepcopy(self._tg_messages[(chat_id, reply_to)])
        if sticker is None and text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
        self._tg_messages[(chat_id, message["message_id"])] = message
        return self.add_update({"message": message})

    def group_upgraded(self, chat_id: int, new_chat_id: int) -> dict:
        """Group ``chat_id`` became supergroup ``new_chat_id``: the service message Telegram sends
        in the old group (``migrate_to_chat_id``); sends to the old id then fail (see ``migrate``)."""
        self.migrate(chat_id, new_chat_id)
        self._next_id[chat_id] += 1
        message = {
            "message_id": self._next_id[chat_id],
            "date": int(time.time()),
            "chat": self._chat_obj(chat_id, "group"),
            "from": {"id": abs(chat_id), "is_bot": False, "first_name": "Uji"},
            "migrate_to_chat_id": new_chat_id,
        }
        return self.add_update({"message": message})

    def press_button(self, chat_id: int, message_id: int, data: str, *, user_id: int | None = None) -> dict:
        """A user presses an inline button with ``data`` on message ``message_id``; returns the update."""
        message = self._tg_messages.get((chat_id, message_id))
        if message is None:
            raise KeyError(f"press_button: no message {message_id} in chat {chat_id}")
        known = self._chat_names.get(chat_id, {}).get("_user")
        if user_id is not None:
            user = {"id": user_id, "is_bot": False, "first_name": "Uji", "language_code": "id"}
            if known and known["id"] == user_id:
                user = dict(known)
        elif known:
            user = dict(known)
        else:
            uid = chat_id if chat_id > 0 else abs(chat_id)
            user = {"id": uid, "is_bot": False, "first_name": "Uji", "language_code": "id"}
        self._callback_seq += 1
        query_id = f"{4242000000000000000 + self._callback_seq}"
        self._open_callbacks.add(query_id)
        return self.add_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user,
                    "chat_instance": "ci",
                    "data": data,
                    "message": copy.deepcopy(message),
                }
            }
        )

    def _wake_pollers(self) -> None:
        event = self._update_event
        self._update_event = asyncio.Event()
        event.set()
