"""The Bot API: one dispatcher from a method name to its handler, with faults and answer counts."""

from __future__ import annotations

import asyncio
from typing import Any

from standin.faults import CLOSE
from standin.methods_chat import ChatMethods
from standin.methods_messages import MessageMethods
from standin.methods_places import PlaceMethods
from standin.protocol import ApiError, err, ok, request_params

#: Methods Telegram rate-limits; they are "counted sends" for limits, faults and ``answers``.
COUNTED_SENDS = frozenset(
    {"sendMessage", "sendPhoto", "sendDocument", "sendLocation", "sendVenue", "copyMessage", "forwardMessage"}
)


class BotApi(MessageMethods, PlaceMethods, ChatMethods):
    """``/bot<token>/<method>``: the methods the bot uses, answered the way Telegram answers them."""

    def _method_table(self) -> dict[str, tuple[str, Any]]:
        """Lower-cased method name -> (Telegram's spelling, handler); Telegram ignores the case."""
        table = {
            "getMe": self._m_get_me,
            "getUpdates": self._m_get_updates,
            "sendMessage": self._m_send_message,
            "sendDocument": self._m_send_document,
            "sendPhoto": self._m_send_photo,
            "sendLocation": self._m_send_location,
            "sendVenue": self._m_send_venue,
            "copyMessage": self._m_copy_message,
            "forwardMessage": self._m_forward_message,
            "editMessageText": self._m_edit_message_text,
            "editMessageReplyMarkup": self._m_edit_reply_markup,
            "deleteMessage": self._m_delete_message,
            "answerCallbackQuery": self._m_answer_callback_query,
            "setMyCommands": self._m_set_my_commands,
            "getMyCommands": self._m_get_my_commands,
            "deleteMyCommands": self._m_delete_my_commands,
            "sendChatAction": self._m_send_chat_action,
            "setWebhook": self._m_set_webhook,
            "deleteWebhook": self._m_delete_webhook,
            "getWebhookInfo": self._m_get_webhook_info,
            "getFile": self._m_get_file,
            "getChatMember": self._m_get_chat_member,
            "getChat": self._m_get_chat,
            "logOut": self._m_true,
            "close": self._m_true,
        }
        return {name.lower(): (name, handler) for name, handler in table.items()}

    async def _api(self, token: str, name: str, query: str, content_type: str, body: bytes) -> Any:
        """Answer one Bot API call: (HTTP status, JSON body), or CLOSE to drop the connection.

        With ``latency``, the answer leaves that long after the call was taken (and counted against
        the limits): a far-away server, as Telegram's are from Indonesia. A long poll waits anyway."""
        answer = await self._answer(token, name, query, content_type, body)
        if self.latency and name.lower() != "getupdates":
            await asyncio.sleep(self.latency)
        return answer

    async def _answer(self, token: str, name: str, query: str, content_type: str, body: bytes) -> Any:
        entry = self._methods.get(name.lower())
        method = entry[0] if entry else name
        self.calls[method] += 1
        if token != self.token:
            return err(ApiError(401, "Unauthorized"))
        if entry is None:
            return err(ApiError(404, "Not Found: method not found"))
        counted = method in COUNTED_SENDS
        try:
            params = request_params(query, content_type, body)
        except ApiError as exc:
            if counted:
                self.answers[exc.code] += 1
            return err(exc)
        fault = self._pick_fault(method, counted)
        if fault is not None:
            answer = await self._fault_answer(fault, counted)
            if answer is not None:
                return answer
        try:
            result = entry[1](params)
            if asyncio.iscoroutine(result):
                result = await result
        except ApiError as exc:
            if fault is not None:  # a dropped answer
                return CLOSE
            if counted:
                self.answers[exc.code] += 1
            return err(exc)
        if fault is not None:
            return CLOSE
        if counted:
            self.answers[200] += 1
        return ok(result)
