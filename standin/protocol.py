"""The Bot API's wire format: error answers, request parameters and their coercion.

Telegram answers ``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": ...,
"description": ..., "parameters": ...}``. Parameters arrive as a query string, JSON,
urlencoded or multipart/form-data; the helpers here turn them into typed values and raise
:class:`ApiError` with Telegram's wording when they are wrong.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, unquote

from bot.content import telegram_html

MAX_CALLBACK_DATA = 64

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


class ApiError(Exception):
    """An error answer: ``{"ok": false, "error_code": code, "description": ...}``."""

    def __init__(self, code: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


def bad(description: str) -> ApiError:
    """A 400 answer: "Bad Request: <description>"."""
    return ApiError(400, "Bad Request: " + description)


def retry_error(retry_after: int) -> ApiError:
    """A 429 answer carrying ``retry_after``."""
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})


def json_bytes(obj: Any) -> bytes:
    """`obj` as UTF-8 JSON. Telegram carries only valid UTF-8: a lone surrogate (say "\\ud800" in a
    message a test injected) goes out as U+FFFD, so that one bad string never fails every answer
    that holds it (getUpdates would return 500 until a restart)."""
    text = _ENCODER.encode(obj)
    try:
        return text.encode()
    except UnicodeEncodeError:
        # Through UTF-16, pairs of surrogates join into one character and lone ones become U+FFFD.
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace").encode()


def ok(result: Any) -> tuple[int, bytes]:
    """(HTTP status, body) of a successful answer."""
    return 200, json_bytes({"ok": True, "result": result})


def err(error: ApiError) -> tuple[int, bytes]:
    """(HTTP status, body) of an error answer."""
    payload: dict[str, Any] = {"ok": False, "error_code": error.code, "description": error.description}
    if error.parameters:
        payload["parameters"] = error.parameters
    return error.code, json_bytes(payload)


def request_params(query: str, content_type: str, body: bytes) -> dict[str, Any]:
    """The parameters of a request: query string plus a JSON, urlencoded or multipart body."""
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True)) if query else {}
    if not body:
        return params
    ctype, ct_params = header_params(content_type)
    if ctype == "application/json":
        try:
            data = json.loads(body)
        except ValueError:
            raise bad("can't parse JSON request body") from None
        if not isinstance(data, dict):
            raise bad("JSON request body must be an object")
        params.update(data)
    elif ctype == "multipart/form-data":
        boundary = ct_params.get("boundary")
        if not boundary:
            raise bad("multipart boundary is missing")
        params.update(parse_multipart(body, boundary))
    else:  # application/x-www-form-urlencoded (also the default without a content type)
        params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return params


def header_params(value: str) -> tuple[str, dict[str, str]]:
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


def parse_multipart(body: bytes, boundary: str) -> dict[str, Any]:
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
        _, disposition = header_params(headers.get("content-disposition", ""))
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


def as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def as_json(value: Any, what: str) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise bad(f"can't parse {what} JSON object") from None
    return value


def opt_int(params: dict, name: str) -> int | None:
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
            raise bad(f'field "{name}" must be of type Integer') from None


def req_int(params: dict, name: str, missing: str | None = None) -> int:
    value = opt_int(params, name)
    if value is None:
        raise bad(missing or f"{name} is empty")
    return value


def opt_float(params: dict, name: str) -> float | None:
    """A Float parameter (JSON number or text); None when absent or blank, as Telegram trims it."""
    value = params.get(name)
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise bad(f'field "{name}" must be of type Float')
    try:
        return float(value)
    except (TypeError, ValueError):
        raise bad(f'field "{name}" must be of type Float') from None


def chat_id_param(params: dict, name: str = "chat_id") -> int:
    value = params.get(name)
    if value is None or value == "":
        raise bad(f"{name} is empty")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        raise bad("chat not found") from None


def text_param(params: dict, name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def parse_mode_param(params: dict) -> str | None:
    mode = params.get("parse_mode")
    if not mode:
        return None
    mode = str(mode)
    if mode.lower() not in ("html", "markdown", "markdownv2"):
        raise bad(f"unsupported parse_mode {mode!r}")
    return mode


def parse_html(text: str) -> tuple[str, list[dict]]:
    """(visible text, entities) of Telegram HTML; ValueError with Telegram's description if it refuses it."""
    parsed = telegram_html.parse(text, strict=False)
    return parsed.text, parsed.entities


def format_text(text: str, parse_mode: str | None) -> tuple[str, list[dict]]:
    """Plain text and entities for ``text`` in ``parse_mode`` (only HTML is interpreted)."""
    if parse_mode is not None and parse_mode.lower() == "html":
        try:
            return parse_html(text)
        except telegram_html.HtmlError as exc:
            raise bad(f"can't parse entities: {exc.problem.telegram()}") from None
    return text, []


def reply_markup(params: dict) -> dict | None:
    markup = as_json(params.get("reply_markup"), "reply keyboard markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad("can't parse reply keyboard markup JSON object")
    keyboard = markup.get("inline_keyboard")
    if keyboard is not None:
        if not isinstance(keyboard, list) or not all(isinstance(row, list) for row in keyboard):
            raise bad("can't parse inline keyboard button: InlineKeyboardMarkup must be an Array")
        for row in keyboard:
            for button in row:
                if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                    raise bad("can't parse inline keyboard button: Text must be a String")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                    raise bad("BUTTON_DATA_INVALID")
    return markup
