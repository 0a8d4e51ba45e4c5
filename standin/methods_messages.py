"""Bot API methods that send, copy, edit and delete messages."""

from __future__ import annotations

import copy
import time
from typing import Any

from standin.chats import Chats
from standin.protocol import (
    bad,
    chat_id_param,
    format_text,
    parse_mode_param,
    reply_markup,
    req_int,
    text_param,
)
from standin.state import State

MAX_TEXT = 4096


class MessageMethods(State):
    """sendMessage, sendDocument, sendPhoto, copyMessage, forwardMessage, edit* and deleteMessage."""

    def _send_text_common(self, params: dict) -> tuple[int, str, str | None, str, list[dict], dict | None]:
        return (chat_id_param(params), *self._text_fields(params))

    @staticmethod
    def _text_fields(params: dict) -> tuple[str, str | None, str, list[dict], dict | None]:
        """Text, parse mode, visible text, entities and markup of a send or edit, checked as Telegram does."""
        text = text_param(params, "text")
        if text is None or not text.strip():
            raise bad("message text is empty")
        parse_mode = parse_mode_param(params)
        plain, entities = format_text(text, parse_mode)
        if not plain.strip():
            raise bad("text must be non-empty")
        if len(plain) > MAX_TEXT:
            raise bad("message is too long")
        return text, parse_mode, plain, entities, reply_markup(params)

    def _m_send_message(self, params: dict) -> dict:
        chat_id, text, parse_mode, plain, entities, markup = self._send_text_common(params)
        self._admit(chat_id)
        message = self._new_message(chat_id, text=plain, entities=entities, reply_markup=self._visible_markup(markup))
        self._record("sendMessage", message, params, text=text, parse_mode=parse_mode, reply_markup=markup)
        return message

    def _send_media(self, params: dict, kind: str, method: str) -> dict:
        chat_id = chat_id_param(params)
        caption, parse_mode, entities = self._caption(params)
        markup = reply_markup(params)
        upload = params.get(kind)
        if isinstance(upload, str) and upload.startswith("attach://"):
            upload = params.get(upload[len("attach://") :])
        if not isinstance(upload, dict) and not (isinstance(upload, str) and upload):
            raise bad(f"there is no {kind} in the request")
        self._admit(chat_id)
        fields, attachment = self._store_file(upload, kind, f"there is no {kind} in the request")
        if kind == "photo":
            size = {k: fields[k] for k in ("file_id", "file_unique_id", "file_size")}
            content: Any = [dict(size, width=800, height=600)]
        else:
            content = fields
        plain_caption = format_text(caption, parse_mode)[0] if caption else None
        message = self._new_message(
            chat_id,
            **{kind: content},
            caption=plain_caption,
            caption_entities=entities,
            reply_markup=self._visible_markup(markup),
        )
        self._record(
            method,
            message,
            params,
            text=caption,
            caption=caption,
            parse_mode=parse_mode,
            reply_markup=markup,
            **{kind: attachment},
        )
        return message

    def _m_send_document(self, params: dict) -> dict:
        return self._send_media(params, "document", "sendDocument")

    def _m_send_photo(self, params: dict) -> dict:
        return self._send_media(params, "photo", "sendPhoto")

    def _source_message(self, params: dict, what: str) -> dict:
        from_chat = chat_id_param(params, "from_chat_id")
        message_id = req_int(params, "message_id", "message identifier is not specified")
        source = self._tg_messages.get((from_chat, message_id))
        record = self._records.get((from_chat, message_id))
        if source is None or (record is not None and record.get("deleted")):
            raise bad(f"message to {what} not found")
        return source

    def _copy_content(self, source: dict) -> dict:
        fields = {
            k: copy.deepcopy(source[k])
            for k in ("text", "entities", "document", "photo", "location", "venue")
            if k in source
        }
        for key in ("caption", "caption_entities"):
            if key in source:
                fields[key] = copy.deepcopy(source[key])
        return fields

    def _m_copy_message(self, params: dict) -> dict:
        chat_id = chat_id_param(params)
        source = self._source_message(params, "copy")
        markup = reply_markup(params)
        fields = self._copy_content(source)
        caption = text_param(params, "caption")
        parse_mode = parse_mode_param(params)
        if caption is not None and "text" not in fields:
            plain, entities = format_text(caption, parse_mode)
            fields["caption"], fields["caption_entities"] = plain, entities
        self._admit(chat_id)
        message = self._new_message(chat_id, reply_markup=self._visible_markup(markup), **fields)
        self._record(
            "copyMessage",
            message,
            params,
            text=fields.get("text", fields.get("caption")),
            parse_mode=None,
            reply_markup=markup,
            source=(source["chat"]["id"], source["message_id"]),
        )
        return {"message_id": message["message_id"]}

    def _m_forward_message(self, params: dict) -> dict:
        chat_id = chat_id_param(params)
        source = self._source_message(params, "forward")
        fields = self._copy_content(source)
        sender = source.get("from", self.bot_user)
        self._admit(chat_id)
        message = self._new_message(
            chat_id, forward_origin={"type": "user", "sender_user": sender, "date": source["date"]}, **fields
        )
        self._record(
            "forwardMessage",
            message,
            params,
            text=fields.get("text", fields.get("caption")),
            source=(source["chat"]["id"], source["message_id"]),
        )
        return message

    def _editable(self, params: dict) -> tuple[int, dict, dict]:
        if params.get("inline_message_id"):
            raise bad("inline messages are not supported by the stand-in")
        chat_id = chat_id_param(params)
        message_id = req_int(params, "message_id", "message identifier is not specified")
        state = self._chat_state.get(chat_id)
        if state is not None:
            raise state
        message = self._tg_messages.get((chat_id, message_id))
        record = self._records.get((chat_id, message_id))
        if message is None or (record is not None and record.get("deleted")):
            raise bad("message to edit not found")
        if record is None:
            raise bad("message can't be edited")
        return chat_id, message, record

    @staticmethod
    def _set_markup(message: dict, record: dict, markup: dict | None) -> None:
        record["reply_markup"] = markup
        visible = Chats._visible_markup(markup)
        if visible is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = visible

    def _m_edit_message_text(self, params: dict) -> dict:
        text, parse_mode, plain, entities, markup = self._text_fields(params)
        _, message, record = self._editable(params)
        if "text" not in message:
            raise bad("there is no text in the message to edit")
        if message["text"] == plain and message.get("entities", []) == entities and record["reply_markup"] == markup:
            raise bad("message is not modified")
        message["text"] = plain
        if entities:
            message["entities"] = entities
        else:
            message.pop("entities", None)
        self._set_markup(message, record, markup)
        message["edit_date"] = int(time.time())
        record.update(text=text, parse_mode=parse_mode, edited=True, edit_time=time.monotonic())
        return message

    def _m_edit_reply_markup(self, params: dict) -> dict:
        markup = reply_markup(params)
        _, message, record = self._editable(params)
        if record["reply_markup"] == markup:
            raise bad("message is not modified")
        self._set_markup(message, record, markup)
        message["edit_date"] = int(time.time())
        record.update(edited=True, edit_time=time.monotonic())
        return message

    def _m_delete_message(self, params: dict) -> bool:
        chat_id = chat_id_param(params)
        message_id = req_int(params, "message_id", "message identifier is not specified")
        record = self._records.get((chat_id, message_id))
        if (chat_id, message_id) not in self._tg_messages or (record is not None and record.get("deleted")):
            raise bad("message to delete not found")
        if record is not None:
            record["deleted"] = True
        else:
            del self._tg_messages[(chat_id, message_id)]
        return True
