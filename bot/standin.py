"""A local stand-in for the Telegram Bot API.

A small, fast HTTP/1.1 server on asyncio streams that answers Bot API requests the way
Telegram does, so python-telegram-bot (or plain httpx) can talk to it over real HTTP:

    standin = StandIn()
    await standin.start()
    async with telegram.Bot(standin.token, base_url=standin.base_url) as bot:
        await bot.send_message(42, "hi")
    assert standin.sent_to(42)[0]["text"] == "hi"

It keeps a record of what the bot did (``messages``, ``calls``, ``answers`` ...), lets tests
simulate users (``user_message``, ``press_button``) and inject faults (``block``, ``migrate``,
``fail_next``, ``fault_rate`` ...). Run as a process with ``python -m bot.standin --port 8081``;
other processes drive it through the JSON control API under ``/_control/``.

No third-party dependencies; the HTTP parser is hand-written (keep-alive, Content-Length and
chunked bodies; JSON, urlencoded and multipart/form-data payloads).
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import html
import json
import logging
import math
import mimetypes
import random
import re
import signal
import sys
import threading
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, unquote

__all__ = ["COUNTED_SENDS", "FAULT_KINDS", "StandIn", "main", "parse_html"]

log = logging.getLogger(__name__)

#: Methods Telegram rate-limits; they are "counted sends" for limits, faults and ``answers``.
COUNTED_SENDS = frozenset({"sendMessage", "sendPhoto", "sendDocument", "copyMessage", "forwardMessage"})
#: Fault kinds picked at random when ``fault_rate`` > 0 (keys of ``StandIn.faults``).
FAULT_KINDS = ("500", "502", "timeout", "drop", "429")

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_BODY = 64 * 1024 * 1024
MAX_CALLBACK_DATA = 64
MAX_POLL_TIMEOUT = 60.0

_DEFAULT_TOKEN = "123456:TEST-TOKEN"
_CLOSE = object()  # handler result: close the connection without answering
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_ENTITY_RE = re.compile(r"&(?:#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,7})|([a-zA-Z][a-zA-Z0-9]{0,31}));")
_SPECIAL_RE = re.compile(r"[<&]")
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
# HTML tag -> Telegram entity type.
_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
#: The user Telegram shows as the sender of an anonymous group admin's messages.
_ANONYMOUS_ADMIN = {"id": 1087968824, "is_bot": True, "first_name": "Group", "username": "GroupAnonymousBot"}
_FAULT_DESCRIPTIONS = {
    400: "Bad Request: injected fault",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: injected fault",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class _ApiError(Exception):
    """An error answer: ``{"ok": false, "error_code": code, "description": ...}``."""

    def __init__(self, code: int, description: str, parameters: dict | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


def _bad(description: str) -> _ApiError:
    return _ApiError(400, "Bad Request: " + description)


def _retry_error(retry_after: int) -> _ApiError:
    return _ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})


# --------------------------------------------------------------------------------------------
# HTTP helpers
# --------------------------------------------------------------------------------------------

_STATUS_LINES: dict[int, bytes] = {}


def _status_line(status: int) -> bytes:
    line = _STATUS_LINES.get(status)
    if line is None:
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Unknown"
        line = _STATUS_LINES[status] = f"HTTP/1.1 {status} {phrase}\r\n".encode()
    return line


def _http_response(status: int, body: bytes, *, close: bool = False, ctype: bytes = b"application/json") -> bytes:
    return b"".join(
        (
            _status_line(status),
            b"Server: standin\r\nContent-Type: ",
            ctype,
            b"\r\nContent-Length: ",
            str(len(body)).encode(),
            b"\r\nConnection: close\r\n\r\n" if close else b"\r\n\r\n",
            body,
        )
    )


def _json_bytes(obj: Any) -> bytes:
    return _ENCODER.encode(obj).encode()


def _ok(result: Any) -> tuple[int, bytes]:
    return 200, _json_bytes({"ok": True, "result": result})


def _err(error: _ApiError) -> tuple[int, bytes]:
    payload: dict[str, Any] = {"ok": False, "error_code": error.code, "description": error.description}
    if error.parameters:
        payload["parameters"] = error.parameters
    return error.code, _json_bytes(payload)


def _header_params(value: str) -> tuple[str, dict[str, str]]:
    """Split ``multipart/form-data; boundary=x`` into ("multipart/form-data", {"boundary": "x"})."""
    main_value, *rest = value.split(";")
    params: dict[str, str] = {}
    for item in rest:
        key, sep, val = item.strip().partition("=")
        if not sep:
            continue
        val = val.strip()
        if len(val) >= 2 and val[0] == val[-1] == '"':
            val = val[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        params[key.strip().lower()] = val
    return main_value.strip().lower(), params


def _parse_multipart(body: bytes, boundary: str) -> dict[str, Any]:
    """Parse multipart/form-data. Text fields become str, file fields a dict with the bytes."""
    result: dict[str, Any] = {}
    delimiter = b"--" + boundary.encode("latin-1")
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break  # closing delimiter
        if chunk.startswith(b"\r\n"):
            chunk = chunk[2:]
        raw_headers, sep, data = chunk.partition(b"\r\n\r\n")
        if not sep:
            continue
        if data.endswith(b"\r\n"):
            data = data[:-2]
        headers: dict[str, str] = {}
        for line in raw_headers.decode("utf-8", "replace").split("\r\n"):
            key, _, val = line.partition(":")
            headers[key.strip().lower()] = val.strip()
        _, disposition = _header_params(headers.get("content-disposition", ""))
        name = disposition.get("name")
        if name is None:
            continue
        filename = disposition.get("filename")
        if "filename*" in disposition:
            encoded = disposition["filename*"]
            filename = unquote(encoded.split("''", 1)[-1], errors="replace")
        elif filename is not None and "%" in filename:
            filename = unquote(filename)
        if filename is None and "content-type" not in headers:
            result[name] = data.decode("utf-8", "replace")
        else:
            result[name] = {
                "filename": filename,
                "data": data,
                "content_type": headers.get("content-type", "application/octet-stream"),
            }
    return result


# --------------------------------------------------------------------------------------------
# Telegram HTML
# --------------------------------------------------------------------------------------------


def _utf16_len(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode())


def parse_html(text: str) -> tuple[str, list[dict]]:
    """Parse Telegram-flavoured HTML into (plain text, entities) the way Telegram does.

    Raises ``ValueError`` with a Telegram-like message (without the "can't parse entities" prefix)
    for unsupported or unbalanced tags and for a bare ``<`` or ``&`` that is not a tag or one of
    the entities ``&lt; &gt; &amp; &quot;`` / numeric ``&#NN; &#xNN;``.
    """
    if "<" not in text and "&" not in text:
        return text, []
    out: list[str] = []
    pos16 = 0  # current offset in the plain text, in UTF-16 code units
    stack: list[tuple[str, int, dict[str, str]]] = []
    entities: list[dict] = []
    i = 0
    n = len(text)

    def emit(chunk: str) -> None:
        nonlocal pos16
        if chunk:
            out.append(chunk)
            pos16 += _utf16_len(chunk)

    while i < n:
        match = _SPECIAL_RE.search(text, i)
        if match is None:
            emit(text[i:])
            break
        j = match.start()
        emit(text[i:j])
        if text[j] == "&":
            ent = _ENTITY_RE.match(text, j)
            char = None
            if ent is not None:
                dec, hexa, name = ent.groups()
                if name is not None:
                    char = _NAMED_ENTITIES.get(name)
                else:
                    code = int(dec) if dec is not None else int(hexa, 16)
                    if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
                        char = chr(code)
            if char is None:
                raise ValueError(f'Character "&" at byte offset {_byte_offset(text, j)} must be escaped as "&amp;"')
            emit(char)
            i = ent.end()
            continue
        # A tag.
        begin = j
        if j + 1 < n and text[j + 1] == "/":
            close = text.find(">", j)
            if close < 0:
                raise ValueError(f"Unclosed end tag at byte offset {_byte_offset(text, begin)}")
            end_name = text[j + 2 : close].strip().lower()
            if not stack:
                raise ValueError(f"Unexpected end tag at byte offset {_byte_offset(text, begin)}")
            tag, start16, attrs = stack[-1]
            if end_name != tag:
                raise ValueError(
                    f'Unmatched end tag at byte offset {_byte_offset(text, begin)}, expected "</{tag}>", '
                    f'found "</{end_name}>"'
                )
            stack.pop()
            _close_entity(tag, start16, pos16, attrs, stack, entities)
            i = close + 1
            continue
        k = j + 1
        while k < n and not text[k].isspace() and text[k] != ">":
            k += 1
        if k >= n:
            raise ValueError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        tag = text[j + 1 : k].lower()
        if tag not in _HTML_TAGS:
            raise ValueError(f'Unsupported start tag "{tag}" at byte offset {_byte_offset(text, begin)}')
        attrs: dict[str, str] = {}
        while True:
            while k < n and text[k].isspace():
                k += 1
            if k >= n:
                raise ValueError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
            if text[k] == ">":
                k += 1
                break
            a = k
            while k < n and not text[k].isspace() and text[k] not in "=>":
                k += 1
            attr = text[a:k].lower()
            while k < n and text[k].isspace():
                k += 1
            if k >= n:
                raise ValueError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
            if text[k] != "=":
                if tag == "blockquote" and attr == "expandable":
                    attrs[attr] = ""
                    continue
                raise ValueError(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                    f"at byte offset {_byte_offset(text, begin)}"
                )
            k += 1
            while k < n and text[k].isspace():
                k += 1
            if k >= n:
                raise ValueError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
            if text[k] in "\"'":
                end = text.find(text[k], k + 1)
                if end < 0:
                    raise ValueError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
                value = text[k + 1 : end]
                k = end + 1
            else:
                v = k
                while k < n and not text[k].isspace() and text[k] != ">":
                    k += 1
                value = text[v:k]
            attrs[attr] = html.unescape(value)
        if tag == "span" and attrs.get("class") != "tg-spoiler":
            raise ValueError('Tag "span" must have class "tg-spoiler"')
        if tag == "tg-emoji" and not attrs.get("emoji-id"):
            raise ValueError('Tag "tg-emoji" must have attribute "emoji-id"')
        stack.append((tag, pos16, attrs))
        i = k
    if stack:
        raise ValueError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _close_entity(tag: str, start: int, end: int, attrs: dict[str, str], stack: list, entities: list[dict]) -> None:
    if tag == "code" and stack and stack[-1][0] == "pre" and attrs.get("class", "").startswith("language-"):
        stack[-1][2]["language"] = attrs["class"][len("language-") :]
        return
    if end <= start:
        return
    kind = _HTML_TAGS[tag]
    entity: dict[str, Any] = {"type": kind, "offset": start, "length": end - start}
    if tag == "a":
        url = attrs.get("href", "")
        if not url:
            return
        if url.startswith("tg://user?id="):
            entity = {"type": "text_mention", "offset": start, "length": end - start}
            entity["user"] = {"id": int(url.split("=", 1)[1] or 0), "is_bot": False, "first_name": ""}
        else:
            entity["url"] = url
    elif tag == "tg-emoji":
        entity["custom_emoji_id"] = attrs["emoji-id"]
    elif tag == "pre" and attrs.get("language"):
        entity["language"] = attrs["language"]
    elif tag == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    entities.append(entity)


# --------------------------------------------------------------------------------------------
# Parameter coercion (urlencoded and multipart values are strings; JSON ones are typed)
# --------------------------------------------------------------------------------------------


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def _as_json(value: Any, what: str) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise _bad(f"can't parse {what} JSON object") from None
    return value


def _opt_int(params: dict, name: str) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return int(value)
    try:
        return int(value)
    except (TypeError, ValueError):
        try:
            return int(float(value))
        except (TypeError, ValueError):
            raise _bad(f'field "{name}" must be of type Integer') from None


def _req_int(params: dict, name: str, missing: str | None = None) -> int:
    value = _opt_int(params, name)
    if value is None:
        raise _bad(missing or f"{name} is empty")
    return value


def _chat_id(params: dict, name: str = "chat_id") -> int:
    value = params.get(name)
    if value is None or value == "":
        raise _bad(f"{name} is empty")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        raise _bad("chat not found") from None


def _text_param(params: dict, name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _parse_mode(params: dict) -> str | None:
    mode = params.get("parse_mode")
    if not mode:
        return None
    mode = str(mode)
    if mode.lower() not in ("html", "markdown", "markdownv2"):
        raise _bad(f"unsupported parse_mode {mode!r}")
    return mode


def _format(text: str, parse_mode: str | None) -> tuple[str, list[dict]]:
    """Plain text and entities for ``text`` in ``parse_mode`` (only HTML is interpreted)."""
    if parse_mode is not None and parse_mode.lower() == "html":
        try:
            return parse_html(text)
        except ValueError as exc:
            raise _bad(f"can't parse entities: {exc}") from None
    return text, []


def _reply_markup(params: dict) -> dict | None:
    markup = _as_json(params.get("reply_markup"), "reply keyboard markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _bad("can't parse reply keyboard markup JSON object")
    keyboard = markup.get("inline_keyboard")
    if keyboard is not None:
        if not isinstance(keyboard, list) or not all(isinstance(row, list) for row in keyboard):
            raise _bad("can't parse inline keyboard button: InlineKeyboardMarkup must be an Array")
        for row in keyboard:
            for button in row:
                if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                    raise _bad("can't parse inline keyboard button: Text must be a String")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                    raise _bad("BUTTON_DATA_INVALID")
    return markup


def _dup_key(record: dict) -> tuple[int, str]:
    text = record.get("text")
    if text is None:
        attachment = record.get("document") or record.get("photo") or {}
        text = f"<{record['method']}:{attachment.get('filename')}>"
    return record["chat_id"], text


# --------------------------------------------------------------------------------------------
# The stand-in
# --------------------------------------------------------------------------------------------


class StandIn:
    """A fake Telegram Bot API server. See the module docstring."""

    def __init__(
        self,
        token: str = _DEFAULT_TOKEN,
        bot_username: str = "kpu_demo_bot",
        rate_limit: float | None = None,
        chat_limit: bool = False,
        fault_rate: float = 0.0,
        seed: int | None = None,
        fault_delay: float = 15.0,
    ):
        self.token = token
        self.bot_username = bot_username
        self.rate_limit = rate_limit
        self.chat_limit = chat_limit
        self.fault_rate = fault_rate
        #: How long a "timeout" fault holds the connection before closing it unanswered.
        self.fault_delay = fault_delay
        self.host = "127.0.0.1"
        self.port: int = 0
        try:
            bot_id = int(token.split(":", 1)[0])
        except ValueError:
            bot_id = 123456
        self.bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "KPU Demo",
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self._rng = random.Random(seed)
        # What the bot did.
        self.messages: list[dict] = []
        self.calls: Counter[str] = Counter()
        self.answers: Counter[int] = Counter()
        self.faults: Counter[str] = Counter()
        self.rate_limited: Counter[str] = Counter()  # "global" / "chat" -> 429s from the limiters
        self.callback_answers: list[dict] = []
        self.commands: dict[str, list[dict]] = {}
        self._by_chat: dict[int, list[dict]] = defaultdict(list)
        self._accepted: list[float] = []  # monotonic times of accepted counted sends
        self.first_get_updates: float | None = None  # monotonic time of the first getUpdates call
        # Chat state.
        self._next_id: dict[int, int] = defaultdict(int)
        self._tg_messages: dict[tuple[int, int], dict] = {}  # Telegram Message objects
        self._records: dict[tuple[int, int], dict] = {}  # bot messages: entries of self.messages
        self._chat_state: dict[int, _ApiError] = {}
        self._chat_names: dict[int, dict] = {}
        self._chat_windows: dict[int, deque[float]] = defaultdict(deque)
        self._window: deque[float] = deque()
        self._files: dict[str, dict] = {}
        self._file_seq = 0
        self._fail_queue: list[dict] = []
        self._admins: dict[int, list[int]] = {}  # group chat id -> its admins (creator first), for getChatMember
        # Updates.
        self._updates: deque[dict] = deque()
        self._update_seq = 0
        self._update_event = asyncio.Event()
        self._poll_generation = 0
        self._callback_seq = 0
        self._open_callbacks: set[str] = set()
        self._webhook_url = ""
        # Server.
        self._server: asyncio.base_events.Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._conn_tasks: set[asyncio.Task] = set()
        self.connections = 0  # TCP connections accepted so far
        self._closing = False
        self._wall_offset = time.time() - time.monotonic()
        self._methods: dict[str, tuple[str, Callable]] = {}
        for name, handler in (
            ("getMe", self._m_get_me),
            ("getUpdates", self._m_get_updates),
            ("sendMessage", self._m_send_message),
            ("sendDocument", self._m_send_document),
            ("sendPhoto", self._m_send_photo),
            ("copyMessage", self._m_copy_message),
            ("forwardMessage", self._m_forward_message),
            ("editMessageText", self._m_edit_message_text),
            ("editMessageReplyMarkup", self._m_edit_reply_markup),
            ("deleteMessage", self._m_delete_message),
            ("answerCallbackQuery", self._m_answer_callback_query),
            ("setMyCommands", self._m_set_my_commands),
            ("getMyCommands", self._m_get_my_commands),
            ("deleteMyCommands", self._m_delete_my_commands),
            ("sendChatAction", self._m_send_chat_action),
            ("setWebhook", self._m_set_webhook),
            ("deleteWebhook", self._m_delete_webhook),
            ("getWebhookInfo", self._m_get_webhook_info),
            ("getFile", self._m_get_file),
            ("getChatMember", self._m_get_chat_member),
            ("logOut", self._m_true),
            ("close", self._m_true),
        ):
            self._methods[name.lower()] = (name, handler)

    # ----------------------------------------------------------------------------------------
    # Lifecycle
    # ----------------------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Bind and start serving; ``self.port`` holds the bound port afterwards."""
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._closing = False
        self.host = host
        self._server = await asyncio.start_server(self._handle_connection, host, port, limit=1 << 20, backlog=2048)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening, wake long-polls and close every open connection."""
        self._closing = True
        self._wake_pollers()
        if self._server is not None:
            self._server.close()
        tasks = [t for t in self._conn_tasks if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> StandIn:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """Base URL for python-telegram-bot (it appends the token): ``http://127.0.0.1:PORT/bot``."""
        host = self.host if self.host not in ("", "0.0.0.0", "::") else "127.0.0.1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}/bot"

    @property
    def api_url(self) -> str:
        return self.base_url

    @property
    def base_file_url(self) -> str:
        """For ``telegram.Bot(base_file_url=...)``: files uploaded to the stand-in are served there."""
        return self.base_url[: -len("/bot")] + "/file/bot"

    @property
    def control_url(self) -> str:
        return self.base_url[: -len("/bot")] + "/_control"

    # ----------------------------------------------------------------------------------------
    # Simulating users
    # ----------------------------------------------------------------------------------------

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
    ) -> dict:
        """A user writes ``text`` in ``chat_id``; returns the queued update.

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
        if anonymous and chat_id < 0:
            message["from"] = dict(_ANONYMOUS_ADMIN)
            message["sender_chat"] = self._chat_obj(chat_id, chat_type)
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": _utf16_len(command)}]
        self._tg_messages[(chat_id, message["message_id"])] = message
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

    # ----------------------------------------------------------------------------------------
    # What the bot did
    # ----------------------------------------------------------------------------------------

    def sent_to(self, chat_id: int) -> list[dict]:
        """Bot messages in ``chat_id`` in their current state (edits applied, deleted ones left out)."""
        return [m for m in self._by_chat.get(chat_id, ()) if not m.get("deleted")]

    def max_in_window(self, window: float = 1.0) -> int:
        """Most accepted counted sends seen in any sliding ``window``-second interval."""
        times = self._accepted
        best = 0
        i = 0
        for j, tj in enumerate(times):
            while tj - times[i] >= window:
                i += 1
            if j - i + 1 > best:
                best = j - i + 1
        return best

    def _dup_counter(self) -> Counter:
        return Counter(_dup_key(m) for m in self.messages)

    def dup_count(self) -> int:
        """Extra copies: messages beyond the first with identical (chat_id, text)."""
        return sum(c - 1 for c in self._dup_counter().values() if c > 1)

    def dup_chats(self) -> int:
        """Number of chats that received some text more than once."""
        return len({chat for (chat, _), c in self._dup_counter().items() if c > 1})

    def stats(self) -> dict:
        counter = self._dup_counter()
        return {
            "calls": dict(self.calls),
            "answers": {str(k): v for k, v in sorted(self.answers.items())},
            "faults": dict(self.faults),
            "rate_limited": dict(self.rate_limited),
            "sent": len(self.messages),
            "max_in_window": self.max_in_window(),
            "per_chat_counts_over_1": len({chat for (chat, _), c in counter.items() if c > 1}),
            "dup_count": sum(c - 1 for c in counter.values() if c > 1),
            "pending_updates": len(self._updates),
            "callback_answers": len(self.callback_answers),
            "connections": self.connections,
            "open_connections": len(self._conn_tasks),
            # Wall-clock time (time.time()) of the first getUpdates call since start or reset_stats.
            "first_get_updates": (
                None if self.first_get_updates is None else self.first_get_updates + self._wall_offset
            ),
        }

    def reset_stats(self) -> None:
        """Forget what the bot did so far (messages, calls, answers, faults, callback answers).

        Chat state (message id counters, blocked chats, pending updates) is kept.
        """
        self.messages.clear()
        self._by_chat.clear()
        self._accepted.clear()
        self.calls.clear()
        self.answers.clear()
        self.faults.clear()
        self.rate_limited.clear()
        self.callback_answers.clear()
        self.first_get_updates = None

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0, *, interval: float = 0.005):
        """Poll until ``predicate()`` is truthy and return its value; TimeoutError otherwise."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if loop.time() >= deadline:
                name = getattr(predicate, "__qualname__", repr(predicate))
                raise TimeoutError(
                    f"StandIn.wait_for: {name} still false after {timeout}s "
                    f"(bot sent {len(self.messages)} messages; calls: {dict(self.calls)})"
                )
            await asyncio.sleep(interval)

    async def wait_messages(self, chat_id: int, n: int, timeout: float = 10.0) -> list[dict]:
        """Wait until ``sent_to(chat_id)`` has at least ``n`` messages and return them."""
        try:

            def enough() -> list[dict] | None:
                found = self.sent_to(chat_id)
                return found if len(found) >= n else None

            return await self.wait_for(enough, timeout)
        except TimeoutError:
            got = [m.get("text") for m in self.sent_to(chat_id)]
            raise TimeoutError(
                f"StandIn.wait_messages: expected >= {n} messages in chat {chat_id} within {timeout}s, "
                f"got {len(got)}: {got!r}"
            ) from None

    # ----------------------------------------------------------------------------------------
    # Fault injection
    # ----------------------------------------------------------------------------------------

    def block(self, chat_id: int) -> None:
        self._chat_state[chat_id] = _ApiError(403, "Forbidden: bot was blocked by the user")

    def deactivate(self, chat_id: int) -> None:
        self._chat_state[chat_id] = _ApiError(403, "Forbidden: user is deactivated")

    def forget(self, chat_id: int) -> None:
        self._chat_state[chat_id] = _bad("chat not found")

    def migrate(self, chat_id: int, new_chat_id: int) -> None:
        self._chat_state[chat_id] = _ApiError(
            400,
            "Bad Request: group chat was upgraded to a supergroup chat",
            {"migrate_to_chat_id": new_chat_id},
        )

    def unblock(self, chat_id: int) -> None:
        """Undo block/deactivate/forget/migrate for ``chat_id``."""
        self._chat_state.pop(chat_id, None)

    def fail_next(self, n: int, status: int | str = 429, retry_after: int = 1, method: str | None = None) -> None:
        """Answer the next ``n`` counted sends (or ``method`` calls) with an error.

        ``status`` is an HTTP status (429 carries ``retry_after``; 500/502 answer "Internal Server
        Error"/"Bad Gateway") or ``"timeout"`` / ``"drop"`` for the connection-level faults.
        """
        kind = str(status)
        if kind not in ("timeout", "drop"):
            kind = str(int(status))
        spec = {"kind": kind, "retry_after": int(retry_after), "method": method.lower() if method else None}
        self._fail_queue.extend(dict(spec) for _ in range(int(n)))

    def set_admins(self, chat_id: int, user_ids) -> None:
        """Make ``user_ids`` the administrators of group ``chat_id`` (the first one is its creator).

        getChatMember answers "creator"/"administrator" for them and "member" for anyone else.
        """
        self._admins[chat_id] = list(user_ids)

    # ----------------------------------------------------------------------------------------
    # Internals: chats and messages
    # ----------------------------------------------------------------------------------------

    @staticmethod
    def _group_type(chat_id: int) -> str:
        return "supergroup" if chat_id <= -1_000_000_000_000 else "group"

    def _chat_obj(self, chat_id: int, chat_type: str | None = None) -> dict:
        if chat_type is None:
            chat_type = "private" if chat_id > 0 else self._group_type(chat_id)
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        info = self._chat_names.get(chat_id)
        if chat_type == "private":
            chat["first_name"] = (info or {}).get("first_name", "Uji")
            if info and info.get("username"):
                chat["username"] = info["username"]
        else:
            chat["title"] = (info or {}).get("title", f"Group {chat_id}")
        return chat

    def _admit(self, chat_id: int) -> None:
        """Chat state and rate limits for a counted send; records acceptance when it passes."""
        state = self._chat_state.get(chat_id)
        if state is not None:
            raise state
        now = time.monotonic()
        chat_window = None
        if self.chat_limit:
            chat_window = self._chat_windows[chat_id]
            span, cap = (1.0, 1) if chat_id > 0 else (60.0, 20)
            while chat_window and now - chat_window[0] >= span:
                chat_window.popleft()
            if len(chat_window) >= cap:
                self.rate_limited["chat"] += 1
                raise _retry_error(max(1, math.ceil(chat_window[0] + span - now)))
        window = self._window
        while window and now - window[0] >= 1.0:
            window.popleft()
        if self.rate_limit is not None and len(window) + 1 > self.rate_limit:
            self.rate_limited["global"] += 1
            raise _retry_error(1)
        window.append(now)
        if chat_window is not None:
            chat_window.append(now)
        self._accepted.append(now)

    def _new_message(self, chat_id: int, **fields: Any) -> dict:
        self._next_id[chat_id] += 1
        message = {
            "message_id": self._next_id[chat_id],
            "from": self.bot_user,
            "chat": self._chat_obj(chat_id),
            "date": int(time.time()),
        }
        for key, value in fields.items():
            if value is not None and value != []:
                message[key] = value
        self._tg_messages[(chat_id, message["message_id"])] = message
        return message

    def _record(self, method: str, message: dict, params: dict, **fields: Any) -> dict:
        chat_id = message["chat"]["id"]
        record = {
            "message_id": message["message_id"],
            "chat_id": chat_id,
            "text": None,
            "parse_mode": None,
            "reply_markup": None,
            "disable_notification": _as_bool(params.get("disable_notification", False)),
            "allow_paid_broadcast": _as_bool(params.get("allow_paid_broadcast", False)),
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
            raise _bad(missing)
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
            "file_path": f"{kind}s/file_{self._file_seq}{_suffix(filename)}",
        }
        attachment = {"filename": filename, "data": data, "file_id": file_id}
        if isinstance(upload, str):
            attachment["source"] = upload
        return fields, attachment

    def _caption(self, params: dict) -> tuple[str | None, str | None, list[dict]]:
        caption = _text_param(params, "caption")
        parse_mode = _parse_mode(params)
        if not caption:
            return None, parse_mode, []
        plain, entities = _format(caption, parse_mode)
        if len(plain) > MAX_CAPTION:
            raise _bad("message caption is too long")
        return caption, parse_mode, entities

    # ----------------------------------------------------------------------------------------
    # Bot API methods
    # ----------------------------------------------------------------------------------------

    def _m_true(self, params: dict) -> bool:
        return True

    def _m_get_me(self, params: dict) -> dict:
        return self.bot_user

    async def _m_get_updates(self, params: dict) -> list[dict]:
        if self.first_get_updates is None:
            self.first_get_updates = time.monotonic()
        if self._webhook_url:
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = _opt_int(params, "offset")
        limit = _opt_int(params, "limit") or 100
        limit = max(1, min(100, limit))
        timeout = params.get("timeout")
        try:
            timeout = max(0.0, min(MAX_POLL_TIMEOUT, float(timeout))) if timeout not in (None, "") else 0.0
        except (TypeError, ValueError):
            raise _bad('field "timeout" must be of type Integer') from None
        allowed = _as_json(params.get("allowed_updates"), "allowed updates")
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
                raise _ApiError(
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
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                pass

    def _wake_pollers(self) -> None:
        event = self._update_event
        self._update_event = asyncio.Event()
        event.set()

    def _send_text_common(self, params: dict) -> tuple[int, str, str | None, str, list[dict], dict | None]:
        return (_chat_id(params), *self._text_fields(params))

    @staticmethod
    def _text_fields(params: dict) -> tuple[str, str | None, str, list[dict], dict | None]:
        """Text, parse mode, visible text, entities and markup of a send or edit, checked as Telegram does."""
        text = _text_param(params, "text")
        if text is None or not text.strip():
            raise _bad("message text is empty")
        parse_mode = _parse_mode(params)
        plain, entities = _format(text, parse_mode)
        if not plain.strip():
            raise _bad("text must be non-empty")
        if len(plain) > MAX_TEXT:
            raise _bad("message is too long")
        return text, parse_mode, plain, entities, _reply_markup(params)

    def _m_send_message(self, params: dict) -> dict:
        chat_id, text, parse_mode, plain, entities, markup = self._send_text_common(params)
        self._admit(chat_id)
        message = self._new_message(chat_id, text=plain, entities=entities, reply_markup=self._visible_markup(markup))
        self._record("sendMessage", message, params, text=text, parse_mode=parse_mode, reply_markup=markup)
        return message

    def _send_media(self, params: dict, kind: str, method: str) -> dict:
        chat_id = _chat_id(params)
        caption, parse_mode, entities = self._caption(params)
        markup = _reply_markup(params)
        upload = params.get(kind)
        if isinstance(upload, str) and upload.startswith("attach://"):
            upload = params.get(upload[len("attach://") :])
        if not isinstance(upload, dict) and not (isinstance(upload, str) and upload):
            raise _bad(f"there is no {kind} in the request")
        self._admit(chat_id)
        fields, attachment = self._store_file(upload, kind, f"there is no {kind} in the request")
        if kind == "photo":
            size = {k: fields[k] for k in ("file_id", "file_unique_id", "file_size")}
            content: Any = [dict(size, width=800, height=600)]
        else:
            content = fields
        plain_caption = _format(caption, parse_mode)[0] if caption else None
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
        from_chat = _chat_id(params, "from_chat_id")
        message_id = _req_int(params, "message_id", "message identifier is not specified")
        source = self._tg_messages.get((from_chat, message_id))
        record = self._records.get((from_chat, message_id))
        if source is None or (record is not None and record.get("deleted")):
            raise _bad(f"message to {what} not found")
        return source

    def _copy_content(self, source: dict) -> dict:
        fields = {k: copy.deepcopy(source[k]) for k in ("text", "entities", "document", "photo") if k in source}
        for key in ("caption", "caption_entities"):
            if key in source:
                fields[key] = copy.deepcopy(source[key])
        return fields

    def _m_copy_message(self, params: dict) -> dict:
        chat_id = _chat_id(params)
        source = self._source_message(params, "copy")
        markup = _reply_markup(params)
        fields = self._copy_content(source)
        caption = _text_param(params, "caption")
        parse_mode = _parse_mode(params)
        if caption is not None and "text" not in fields:
            plain, entities = _format(caption, parse_mode)
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
        chat_id = _chat_id(params)
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
            raise _bad("inline messages are not supported by the stand-in")
        chat_id = _chat_id(params)
        message_id = _req_int(params, "message_id", "message identifier is not specified")
        state = self._chat_state.get(chat_id)
        if state is not None:
            raise state
        message = self._tg_messages.get((chat_id, message_id))
        record = self._records.get((chat_id, message_id))
        if message is None or (record is not None and record.get("deleted")):
            raise _bad("message to edit not found")
        if record is None:
            raise _bad("message can't be edited")
        return chat_id, message, record

    @staticmethod
    def _set_markup(message: dict, record: dict, markup: dict | None) -> None:
        record["reply_markup"] = markup
        visible = StandIn._visible_markup(markup)
        if visible is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = visible

    def _m_edit_message_text(self, params: dict) -> dict:
        text, parse_mode, plain, entities, markup = self._text_fields(params)
        _, message, record = self._editable(params)
        if "text" not in message:
            raise _bad("there is no text in the message to edit")
        if message["text"] == plain and message.get("entities", []) == entities and record["reply_markup"] == markup:
            raise _bad("message is not modified")
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
        markup = _reply_markup(params)
        _, message, record = self._editable(params)
        if record["reply_markup"] == markup:
            raise _bad("message is not modified")
        self._set_markup(message, record, markup)
        message["edit_date"] = int(time.time())
        record.update(edited=True, edit_time=time.monotonic())
        return message

    def _m_delete_message(self, params: dict) -> bool:
        chat_id = _chat_id(params)
        message_id = _req_int(params, "message_id", "message identifier is not specified")
        record = self._records.get((chat_id, message_id))
        if (chat_id, message_id) not in self._tg_messages or (record is not None and record.get("deleted")):
            raise _bad("message to delete not found")
        if record is not None:
            record["deleted"] = True
        else:
            del self._tg_messages[(chat_id, message_id)]
        return True

    def _m_get_chat_member(self, params: dict) -> dict:
        """A member's status: groups know their admins from :meth:`set_admins`; a private chat its user."""
        chat_id = _chat_id(params)
        user_id = _req_int(params, "user_id", "user_id is not specified")
        state = self._chat_state.get(chat_id)
        if state is not None:
            raise state
        if chat_id > 0 and user_id not in (chat_id, self.bot_user["id"]):
            raise _bad("user not found")
        user = {"id": user_id, "is_bot": user_id == self.bot_user["id"], "first_name": "Uji"}
        admins = self._admins.get(chat_id, [])
        if admins and user_id == admins[0]:
            return {"status": "creator", "user": user, "is_anonymous": False}
        if user_id in admins:
            rights = (
                "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages", "can_manage_video_chats",
                "can_restrict_members", "can_promote_members", "can_change_info", "can_invite_users",
                "can_post_stories", "can_edit_stories", "can_delete_stories",
            )  # fmt: skip
            return {"status": "administrator", "user": user, **{r: r == "can_manage_chat" for r in rights}}
        return {"status": "member", "user": user}

    def _m_answer_callback_query(self, params: dict) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._open_callbacks:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        self._open_callbacks.discard(query_id)
        answer = dict(params)
        answer["callback_query_id"] = query_id
        if "show_alert" in answer:
            answer["show_alert"] = _as_bool(answer["show_alert"])
        if "cache_time" in answer:
            answer["cache_time"] = _opt_int(answer, "cache_time")
        self.callback_answers.append(answer)
        return True

    @staticmethod
    def _commands_key(params: dict) -> str:
        scope = _as_json(params.get("scope"), "scope")
        if not scope or (isinstance(scope, dict) and scope.get("type") == "default"):
            key = "default"
        else:
            key = json.dumps(scope, sort_keys=True)
        language = params.get("language_code")
        return f"{key}:{language}" if language else key

    def _m_set_my_commands(self, params: dict) -> bool:
        commands = _as_json(params.get("commands"), "commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad("can't parse commands JSON object")
        cleaned = []
        for item in commands:
            if not isinstance(item, dict):
                raise _bad("can't parse BotCommand")
            command, description = str(item.get("command", "")), str(item.get("description", ""))
            if not _COMMAND_RE.match(command):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
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
        chat_id = _chat_id(params)
        if not params.get("action"):
            raise _bad("action is empty")
        state = self._chat_state.get(chat_id)
        if state is not None:
            raise state
        return True

    def _m_set_webhook(self, params: dict) -> bool:
        self._webhook_url = str(params.get("url") or "")
        if _as_bool(params.get("drop_pending_updates", False)):
            self._updates.clear()
        return True

    def _m_delete_webhook(self, params: dict) -> bool:
        self._webhook_url = ""
        if _as_bool(params.get("drop_pending_updates", False)):
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
            raise _bad("invalid file_id")
        fields = stored["fields"]
        return {
            "file_id": file_id,
            "file_unique_id": fields["file_unique_id"],
            "file_size": fields["file_size"],
            "file_path": stored["file_path"],
        }

    # ----------------------------------------------------------------------------------------
    # HTTP server
    # ----------------------------------------------------------------------------------------

    async def _handle_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._conn_tasks.add(task)
        self.connections += 1
        try:
            while not self._closing:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                except asyncio.LimitOverrunError:
                    writer.write(_http_response(431, b'{"ok":false,"description":"headers too large"}', close=True))
                    return
                lines = head.decode("latin-1").split("\r\n")
                try:
                    verb, target, version = lines[0].split(" ", 2)
                except ValueError:
                    writer.write(_http_response(400, b'{"ok":false,"description":"bad request line"}', close=True))
                    return
                headers: dict[str, str] = {}
                for line in lines[1:]:
                    if line:
                        key, _, value = line.partition(":")
                        headers[key.strip().lower()] = value.strip()
                connection = headers.get("connection", "").lower()
                keep_alive = "close" not in connection if version == "HTTP/1.1" else "keep-alive" in connection
                if headers.get("expect", "").lower() == "100-continue":
                    writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                if "chunked" in headers.get("transfer-encoding", "").lower():
                    body = await self._read_chunked(reader)
                    if body is None:
                        writer.write(_http_response(413, b'{"ok":false,"description":"body too large"}', close=True))
                        return
                else:
                    try:
                        length = int(headers.get("content-length", "0") or 0)
                    except ValueError:
                        length = -1
                    if length < 0 or length > MAX_BODY:
                        writer.write(_http_response(413, b'{"ok":false,"description":"bad body length"}', close=True))
                        return
                    body = await reader.readexactly(length) if length else b""
                try:
                    answer = await self._route(verb, target, headers, body)
                except Exception:  # a bug in the stand-in must not kill the connection silently
                    log.exception("standin: error handling %s %s", verb, target)
                    answer = 500, b'{"ok":false,"error_code":500,"description":"Internal Server Error"}'
                if answer is _CLOSE:
                    return
                status, payload, *ctype = answer
                ctype_value = ctype[0] if ctype else b"application/json"
                writer.write(_http_response(status, payload, close=not keep_alive, ctype=ctype_value))
                if writer.transport.get_write_buffer_size() > 1 << 16:
                    await writer.drain()
                if not keep_alive:
                    return
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, ValueError):
            pass  # the peer went away or sent garbage (e.g. a bad chunk size): drop the connection
        except asyncio.CancelledError:
            pass  # stop() cancels open connections
        finally:
            self._conn_tasks.discard(task)
            try:
                writer.close()
            except Exception:  # closing an already broken transport
                pass

    @staticmethod
    async def _read_chunked(reader: asyncio.StreamReader) -> bytes | None:
        parts: list[bytes] = []
        total = 0
        while True:
            line = await reader.readuntil(b"\r\n")
            size = int(line.split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while (await reader.readuntil(b"\r\n")) != b"\r\n":
                    pass  # trailers
                return b"".join(parts)
            total += size
            if total > MAX_BODY:
                return None
            parts.append((await reader.readexactly(size + 2))[:-2])

    async def _route(self, verb: str, target: str, headers: dict[str, str], body: bytes) -> Any:
        path, _, query = target.partition("?")
        if path.startswith("/bot"):
            token, _, method = path[4:].partition("/")
            return await self._api(unquote(token), method.strip("/"), query, headers, body)
        if path.startswith("/_control/"):
            return await self._control(verb, path[len("/_control/") :].strip("/"), query, headers, body)
        if path.startswith("/file/bot"):
            token, _, file_path = path[len("/file/bot") :].partition("/")
            if unquote(token) != self.token:
                return _err(_ApiError(401, "Unauthorized"))
            for stored in self._files.values():
                if stored["file_path"] == file_path and stored["data"] is not None:
                    return 200, stored["data"], stored["mime_type"].encode()
            return _err(_ApiError(404, "Not Found"))
        return _err(_ApiError(404, "Not Found"))

    @staticmethod
    def _params(query: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
        params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True)) if query else {}
        if not body:
            return params
        ctype, ct_params = _header_params(headers.get("content-type", ""))
        if ctype == "application/json":
            try:
                data = json.loads(body)
            except ValueError:
                raise _bad("can't parse JSON request body") from None
            if not isinstance(data, dict):
                raise _bad("JSON request body must be an object")
            params.update(data)
        elif ctype == "multipart/form-data":
            boundary = ct_params.get("boundary")
            if not boundary:
                raise _bad("multipart boundary is missing")
            params.update(_parse_multipart(body, boundary))
        else:  # application/x-www-form-urlencoded (also the default without a content type)
            params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        return params

    def _take_injected_fault(self, method: str, counted: bool) -> dict | None:
        lowered = method.lower()
        for index, spec in enumerate(self._fail_queue):
            if spec["method"] == lowered or (spec["method"] is None and counted):
                return self._fail_queue.pop(index)
        return None

    async def _api(self, token: str, name: str, query: str, headers: dict[str, str], body: bytes) -> Any:
        entry = self._methods.get(name.lower())
        method = entry[0] if entry else name
        self.calls[method] += 1
        if token != self.token:
            return _err(_ApiError(401, "Unauthorized"))
        if entry is None:
            return _err(_ApiError(404, "Not Found: method not found"))
        counted = method in COUNTED_SENDS
        try:
            params = self._params(query, headers, body)
        except _ApiError as exc:
            if counted:
                self.answers[exc.code] += 1
            return _err(exc)
        fault = self._take_injected_fault(method, counted) if self._fail_queue else None
        if fault is None and counted and self.fault_rate > 0 and self._rng.random() < self.fault_rate:
            fault = {"kind": self._rng.choice(FAULT_KINDS), "retry_after": 1}
        if fault is not None:
            kind = fault["kind"]
            self.faults[kind] += 1
            if kind == "timeout":
                await asyncio.sleep(self.fault_delay)
                return _CLOSE
            if kind != "drop":
                status = int(kind)
                if counted:
                    self.answers[status] += 1
                if status == 429:
                    return _err(_retry_error(fault["retry_after"]))
                return _err(_ApiError(status, _FAULT_DESCRIPTIONS.get(status, "Injected fault")))
        try:
            result = entry[1](params)
            if asyncio.iscoroutine(result):
                result = await result
        except _ApiError as exc:
            if fault is not None:  # a dropped answer
                return _CLOSE
            if counted:
                self.answers[exc.code] += 1
            return _err(exc)
        if fault is not None:
            return _CLOSE
        if counted:
            self.answers[200] += 1
        return _ok(result)

    # ----------------------------------------------------------------------------------------
    # Control API (JSON in, JSON out) for other processes
    # ----------------------------------------------------------------------------------------

    def _public_record(self, seq: int, record: dict) -> dict:
        out: dict[str, Any] = {"seq": seq}
        for key, value in record.items():
            if key in ("time", "edit_time"):
                out[key] = value + self._wall_offset
            elif key in ("document", "photo") and isinstance(value, dict):
                data = value.get("data")
                out[key] = {
                    "filename": value.get("filename"),
                    "file_id": value.get("file_id"),
                    "size": len(data) if data is not None else None,
                }
            elif key == "source" and isinstance(value, tuple):
                out[key] = list(value)
            else:
                out[key] = value
        return out

    async def _control(self, verb: str, name: str, query: str, headers: dict[str, str], body: bytes) -> Any:
        try:
            params = self._params(query, headers, body)
            result = await self._control_action(name, params)
        except _ApiError as exc:
            return exc.code, _json_bytes({"ok": False, "description": exc.description})
        except (KeyError, ValueError, TypeError) as exc:
            return 400, _json_bytes({"ok": False, "description": f"{type(exc).__name__}: {exc}"})
        if result is None:
            return 404, _json_bytes({"ok": False, "description": f"unknown control endpoint {name!r}"})
        return 200, _json_bytes(result)

    async def _control_action(self, name: str, p: dict) -> Any:
        def chat(key: str = "chat_id") -> int:
            return int(p[key])

        if name == "message":
            kwargs = {k: p[k] for k in ("first_name", "language_code", "chat_type", "username") if p.get(k)}
            if p.get("user_id") not in (None, ""):
                kwargs["user_id"] = int(p["user_id"])
            return self.user_message(chat(), str(p["text"]), **kwargs)
        if name == "press":
            user_id = int(p["user_id"]) if p.get("user_id") not in (None, "") else None
            return self.press_button(chat(), int(p["message_id"]), str(p["data"]), user_id=user_id)
        if name == "update":
            update = p.get("update", p)
            return self.add_update(_as_json(update, "update") if isinstance(update, str) else dict(update))
        if name in ("block", "deactivate", "forget", "unblock"):
            getattr(self, name)(chat())
            return {"ok": True}
        if name == "migrate":
            self.migrate(chat(), chat("new_chat_id"))
            return {"ok": True}
        if name == "fail_next":
            self.fail_next(
                int(p.get("n", 1)),
                status=p.get("status", 429),
                retry_after=int(p.get("retry_after", 1)),
                method=p.get("method") or None,
            )
            return {"ok": True}
        if name == "messages":
            since = int(p.get("since") or 0)
            chat_id = int(p["chat_id"]) if p.get("chat_id") not in (None, "") else None
            return [
                self._public_record(seq, record)
                for seq, record in enumerate(self.messages[since:], start=since)
                if chat_id is None or record["chat_id"] == chat_id
            ]
        if name == "wait_messages":
            found = await self.wait_messages(chat(), int(p["n"]), float(p.get("timeout", 10.0)))
            return [self._public_record(-1, record) for record in found]
        if name == "stats":
            return self.stats()
        if name == "reset_stats":
            self.reset_stats()
            return {"ok": True}
        if name == "config":
            if "rate_limit" in p:
                self.rate_limit = None if p["rate_limit"] in (None, "", "none") else float(p["rate_limit"])
            if "chat_limit" in p:
                self.chat_limit = _as_bool(p["chat_limit"])
            if "fault_rate" in p:
                self.fault_rate = float(p["fault_rate"])
            if "fault_delay" in p:
                self.fault_delay = float(p["fault_delay"])
            return {
                "rate_limit": self.rate_limit,
                "chat_limit": self.chat_limit,
                "fault_rate": self.fault_rate,
                "fault_delay": self.fault_delay,
            }
        if name == "callback_answers":
            return self.callback_answers
        if name == "commands":
            return self.commands
        return None


def _suffix(filename: str | None) -> str:
    if filename and "." in filename:
        return "." + filename.rsplit(".", 1)[1][:10]
    return ""


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


async def _serve(args: argparse.Namespace) -> None:
    standin = StandIn(
        token=args.token,
        bot_username=args.bot_username,
        rate_limit=args.rate,
        chat_limit=args.chat_limit,
        fault_rate=args.fault_rate,
        seed=args.seed,
        fault_delay=args.fault_delay,
    )
    await standin.start(args.host, args.port)
    print(f"standin listening on {standin.base_url}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - non-POSIX
            pass
    try:
        await stop.wait()
    finally:
        await standin.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.standin", description="Local Telegram Bot API stand-in")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    parser.add_argument("--token", default=_DEFAULT_TOKEN)
    parser.add_argument("--bot-username", default="kpu_demo_bot")
    parser.add_argument("--rate", type=float, default=None, help="global limit, messages per second")
    parser.add_argument("--chat-limit", action="store_true", help="1 msg/s per private chat, 20/min per group")
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--fault-delay", type=float, default=15.0, help="seconds a 'timeout' fault holds on")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    try:
        asyncio.run(_serve(args))
    except KeyboardInterrupt:  # pragma: no cover
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
