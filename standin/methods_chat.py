"""Bot API methods besides messages: updates, members, callback answers, commands, webhooks, files."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time

from standin.protocol import ApiError, as_bool, as_json, bad, chat_id_param, opt_int, req_int
from standin.state import State

MAX_POLL_TIMEOUT = 60.0
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")


class ChatMethods(State):
    """getMe, getUpdates, getChat(Member), answerCallbackQuery, *MyCommands, sendChatAction, webhooks, getFile."""

    def _m_true(self, params: dict) -> bool:
        return True

    def _m_get_me(self, params: dict) -> dict:
        return self.bot_user

    async def _m_get_updates(self, params: dict) -> list[dict]:
        if self.first_get_updates is None:
            self.first_get_updates = time.monotonic()
        if self._webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = opt_int(params, "offset")
        limit = opt_int(params, "limit") or 100
        limit = max(1, min(100, limit))
        timeout = params.get("timeout")
        try:
            timeout = max(0.0, min(MAX_POLL_TIMEOUT, float(timeout))) if timeout not in (None, "") else 0.0
        except (TypeError, ValueError):
            raise bad('field "timeout" must be of type Integer') from None
        allowed = as_json(params.get("allowed_updates"), "allowed updates")
        updates = self._updates
        if offset is not None:
            if offset < 0:
                while len(updates) > -offset:
                    updates.popleft()
            else:
                while updates and updates[0]["update_id"] < offset:
                    updates.popleft()
        # A newer getUpdates terminates an older waiting one, like Telegram does.
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake_pollers()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
                )
            result = []
            for update in updates:
                if allowed and not any(key in allowed for key in update if key != "update_id"):
                    continue
                result.append(update)
                if len(result) >= limit:
                    break
            remaining = deadline - loop.time()
            if result or remaining <= 0 or self._closing:
                return result
            event = self._update_event
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    def _target_chat(self, params: dict) -> int:
        """chat_id as a number, or a public channel's @name (as Telegram takes it)."""
        value = params.get("chat_id")
        if isinstance(value, str) and value.strip().startswith("@"):
            chat_id = self._channels.get(value.strip()[1:].lower())
            if chat_id is None:
                raise bad("chat not found")
            return chat_id
        return chat_id_param(params)

    def _m_get_chat(self, params: dict) -> dict:
        """A ChatFullInfo: channels added with :meth:`add_channel`, chats that wrote to the bot."""
        chat_id = self._target_chat(params)
        state = self._chat_state.get(chat_id)
        if state is not None:
            raise state
        if chat_id not in self._chat_names:
            raise bad("chat not found")
        return {
            **self._chat_obj(chat_id),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _m_get_chat_member(self, params: dict) -> dict:
        """A member's status: groups and channels know their admins from :meth:`set_admins`; a private chat its user."""
        chat_id = self._target_chat(params)
        user_id = req_int(params, "user_id", "user_id is not specified")
        state = self._chat_state.get(chat_id)
        if state is not None:
            raise state
        if chat_id > 0 and user_id not in (chat_id, self.bot_user["id"]):
            raise bad("user not found")
        user = {"id": user_id, "is_bot": user_id == self.bot_user["id"], "first_name": "Uji"}
        admins = self._admins.get(chat_id, [])
        if admins and user_id == admins[0]:
            return {"status": "creator", "user": user, "is_anonymous": False}
        if user_id in admins:
            rights = (
                "can_be_edited",
                "is_anonymous",
                "can_manage_chat",
                "can_delete_messages",
                "can_manage_video_chats",
                "can_restrict_members",
                "can_promote_members",
                "can_change_info",
                "can_invite_users",
                "can_post_stories",
                "can_edit_stories",
                "can_delete_stories",
            )
            return {"status": "administrator", "user": user, **{r: r == "can_manage_chat" for r in rights}}
        return {"status": "member", "user": user}

    def _m_answer_callback_query(self, params: dict) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._open_callbacks:
            raise bad("query is too old and response timeout expired or query ID is invalid")
        self._open_callbacks.discard(query_id)
        answer = dict(params)
        answer["callback_query_id"] = query_id
        if "show_alert" in answer:
            answer["show_alert"] = as_bool(answer["show_alert"])
        if "cache_time" in answer:
            answer["cache_time"] = opt_int(answer, "cache_time")
        self.callback_answers.append(answer)
        return True

    @staticmethod
    def _commands_key(params: dict) -> str:
        scope = as_json(params.get("scope"), "scope")
        if not scope or (isinstance(scope, dict) and scope.get("type") == "default"):
            key = "default"
        else:
            key = json.dumps(scope, sort_keys=True)
        language = params.get("language_code")
        return f"{key}:{language}" if language else key

    def _m_set_my_commands(self, params: dict) -> bool:
        commands = as_json(params.get("commands"), "commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad("can't parse commands JSON object")
        cleaned = []
        for item in commands:
            if not isinstance(item, dict):
                raise bad("can't parse BotCommand")
            command, description = str(item.get("command", "")), str(item.get("description", ""))
            if not _COMMAND_RE.match(command):
                raise bad("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise bad("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": command, "description": description})
        key = self._commands_key(params)
        if cleaned:
            self.commands[key] = cleaned
        else:
            self.commands.pop(key, None)
        return True

    def _m_get_my_commands(self, params: dict) -> list[dict]:
        return self.commands.get(self._commands_key(params), [])

    def _m_delete_my_commands(self, params: dict) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    def _m_send_chat_action(self, params: dict) -> bool:
        chat_id = chat_id_param(params)
        if not params.get("action"):
            raise bad("action is empty")
        state = self._chat_state.get(chat_id)
        if state is not None:
            raise state
        return True

    def _m_set_webhook(self, params: dict) -> bool:
        self._webhook_url = str(params.get("url") or "")
        if as_bool(params.get("drop_pending_updates", False)):
            self._updates.clear()
        return True

    def _m_delete_webhook(self, params: dict) -> bool:
        self._webhook_url = ""
        if as_bool(params.get("drop_pending_updates", False)):
            self._updates.clear()
        return True

    def _m_get_webhook_info(self, params: dict) -> dict:
        return {
            "url": self._webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _m_get_file(self, params: dict) -> dict:
        file_id = str(params.get("file_id") or "")
        stored = self._files.get(file_id)
        if stored is None:
            raise bad("invalid file_id")
        fields = stored["fields"]
        return {
            "file_id": file_id,
            "file_unique_id": fields["file_unique_id"],
            "file_size": fields["file_size"],
            "file_path": stored["file_path"],
        }
