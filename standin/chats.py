"""Chats and messages: the stand-in's memory of what exists and what the bot sent."""

from __future__ import annotations

import mimetypes
import time
from typing import Any

from standin.protocol import as_bool, bad, format_text, parse_mode_param, text_param
from standin.state import State

MAX_CAPTION = 1024


def suffix(filename: str | None) -> str:
    if filename and "." in filename:
        return "." + filename.rsplit(".", 1)[1][:10]
    return ""


class Chats(State):
    """Telegram objects for chats and messages, records of the bot's messages, and stored files."""

    @staticmethod
    def _group_type(chat_id: int) -> str:
        return "supergroup" if chat_id <= -1_000_000_000_000 else "group"

    def _chat_obj(self, chat_id: int, chat_type: str | None = None) -> dict:
        info = self._chat_names.get(chat_id)
        if chat_type is None and info and info.get("_channel"):
            chat_type = "channel"
        if chat_type is None:
            chat_type = "private" if chat_id > 0 else self._group_type(chat_id)
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = (info or {}).get("first_name", "Uji")
            if info and info.get("username"):
                chat["username"] = info["username"]
        else:
            chat["title"] = (info or {}).get("title", f"Group {chat_id}")
            if chat_type == "channel" and info and info.get("username"):
                chat["username"] = info["username"].lstrip("@")
        return chat

    def _new_message(self, chat_id: int, **fields: Any) -> dict:
        self._next_id[chat_id] += 1
        message_id = self._next_id[chat_id]
        message: dict[str, Any] = {
            "message_id": message_id,
            "from": self.bot_user,
            "chat": self._chat_obj(chat_id),
            "date": int(time.time()),
        }
        for key, value in fields.items():
            if value is not None and value != []:
                message[key] = value
        self._tg_messages[(chat_id, message_id)] = message
        return message

    def _record(self, method: str, message: dict, params: dict, **fields: Any) -> dict:
        chat_id = message["chat"]["id"]
        record = {
            "message_id": message["message_id"],
            "chat_id": chat_id,
            "text": None,
            "parse_mode": None,
            "reply_markup": None,
            "disable_notification": as_bool(params.get("disable_notification", False)),
            "allow_paid_broadcast": as_bool(params.get("allow_paid_broadcast", False)),
            "method": method,
            "time": time.monotonic(),
            "edited": False,
        }
        record.update(fields)
        self.messages.append(record)
        self._by_chat[chat_id].append(record)
        self._records[(chat_id, message["message_id"])] = record
        return record

    @staticmethod
    def _visible_markup(markup: dict | None) -> dict | None:
        # Telegram only echoes inline keyboards in the returned Message.
        if markup and "inline_keyboard" in markup:
            return markup
        return None

    def _store_file(self, upload: Any, kind: str, missing: str) -> tuple[dict, dict]:
        """(Telegram file fields, record attachment) for an uploaded file or a file_id/URL string."""
        if isinstance(upload, dict) and isinstance(upload.get("data"), bytes):
            data = upload["data"]
            filename = upload.get("filename") or kind
            mime = upload.get("content_type") or "application/octet-stream"
            if mime == "application/octet-stream":
                mime = mimetypes.guess_type(filename)[0] or mime
        elif isinstance(upload, str) and upload:
            known = self._files.get(upload)
            data = known["data"] if known else None
            filename = known["filename"] if known else None
            mime = known["mime_type"] if known else "application/octet-stream"
            if known:
                return known["fields"], {"filename": filename, "data": data, "file_id": upload}
        else:
            raise bad(missing)
        self._file_seq += 1
        prefix = "AgAC" if kind == "photo" else "BQAC"
        file_id = f"{prefix}standin{self._file_seq:08d}"
        fields = {
            "file_id": file_id,
            "file_unique_id": f"AQAD{self._file_seq:08d}",
            "file_size": len(data) if data is not None else 0,
        }
        if kind == "document":
            fields["file_name"] = filename
            fields["mime_type"] = mime
        self._files[file_id] = {
            "data": data,
            "filename": filename,
            "mime_type": mime,
            "fields": fields,
            "file_path": f"{kind}s/file_{self._file_seq}{suffix(filename)}",
        }
        attachment = {"filename": filename, "data": data, "file_id": file_id}
        if isinstance(upload, str):
            attachment["source"] = upload
        return fields, attachment

    def _caption(self, params: dict) -> tuple[str | None, str | None, list[dict]]:
        caption = text_param(params, "caption")
        parse_mode = parse_mode_param(params)
        if not caption:
            return None, parse_mode, []
        plain, entities = format_text(caption, parse_mode)
        if len(plain) > MAX_CAPTION:
            raise bad("message caption is too long")
        return caption, parse_mode, entities
