"""A lean Bot API client for high-rate broadcasts.

python-telegram-bot's ``Bot.send_message`` (httpx underneath) spends most of its time in the
connection pool and in building Telegram objects; it tops out well below 1,000 messages per
second on one core. Broadcasts therefore go through :class:`Sender`: a pool of persistent
HTTP/1.1 keep-alive connections on ``asyncio.open_connection`` that POSTs JSON and returns the
decoded ``result``. Replies to users keep using python-telegram-bot.

Errors are python-telegram-bot's own exception classes, mapped the way
``telegram/request/_baserequest.py`` maps them:

* ``parameters.migrate_to_chat_id`` -> :class:`~telegram.error.ChatMigrated`
* ``parameters.retry_after`` -> :class:`~telegram.error.RetryAfter`
* 403 -> :class:`~telegram.error.Forbidden`; 401/404 -> :class:`~telegram.error.InvalidToken`;
  400 -> :class:`~telegram.error.BadRequest`; 409 -> :class:`~telegram.error.Conflict`;
  anything else (5xx ...) -> :class:`~telegram.error.NetworkError`
* no complete answer within ``timeout`` -> :class:`~telegram.error.TimedOut`
* connection refused / reset / closed before a complete answer, or an answer that is not valid
  HTTP or JSON -> :class:`~telegram.error.NetworkError` (never ``TimedOut``), its ``__cause__``
  the transport error
* the connection could not even be opened (refused, unreachable, name not resolved, connect
  timed out) -> :class:`NotSent`, a ``NetworkError``: the request never left, so a retry cannot
  deliver it twice

The token is part of the request path; it never appears in an exception message.
"""

from __future__ import annotations

import asyncio
import json
import ssl
from collections import deque
from http import HTTPStatus
from urllib.parse import urlsplit

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

__all__ = ["NotSent", "Sender"]

# Same output as json.dumps(params, separators=(",", ":"), ensure_ascii=False), without building a
# new JSONEncoder on every call (json.dumps does that whenever it gets non-default arguments).
_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
_loads = json.loads

_STREAM_LIMIT = 1 << 20  # longest response head / chunk-size line the reader accepts
_MAX_ERROR_PAYLOAD = 200  # bytes of an unparsable error body quoted in the exception message


class NotSent(NetworkError):
    """No connection could be opened: the request never left this machine."""


class _ConnectionFailed(Exception):
    """Internal: the connection broke before a complete answer arrived."""


class _Connection:
    __slots__ = ("reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader = reader
        self.writer = writer

    def close(self) -> None:
        try:
            self.writer.close()
        except Exception:  # an already broken transport
            pass

    async def wait_closed(self) -> None:
        try:
            await self.writer.wait_closed()
        except Exception:  # a reset while closing changes nothing
            pass

    def reusable(self) -> bool:
        """False when the server closed this idle connection or sent something unsolicited."""
        reader = self.reader
        # A buffered byte on an idle connection means a protocol mix-up; don't trust it either.
        return not (self.writer.transport.is_closing() or reader.at_eof() or reader._buffer)


class Sender:
    """Minimal, fast Bot API client: JSON POSTs over a pool of keep-alive connections.

    ``base_url`` has python-telegram-bot's meaning (``"https://api.telegram.org/bot"``,
    ``"http://127.0.0.1:8081/bot"``); a request goes to ``f"{base_url}{token}/{method}"``.

    At most ``pool_size`` connections are open at once; they are opened lazily. A call waits for
    a free connection first (without a time limit: every request in flight ends within
    ``timeout``), then ``timeout`` seconds bound the whole exchange (connect, send, answer).
    """

    def __init__(self, base_url: str, token: str, *, pool_size: int = 64, timeout: float = 10.0):
        if pool_size < 1:
            raise ValueError("pool_size must be at least 1")
        url = urlsplit(base_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError("base_url must be an http:// or https:// URL")
        self._host = url.hostname
        self._tls = url.scheme == "https"
        default_port = 443 if self._tls else 80
        self._port = url.port or default_port
        self._ssl: ssl.SSLContext | None = ssl.create_default_context() if self._tls else None
        host_header = f"[{self._host}]" if ":" in self._host else self._host
        if self._port != default_port:
            host_header = f"{host_header}:{self._port}"
        self._token = token
        self._pool_size = pool_size
        self._timeout = timeout
        # Everything of the request head that does not depend on the call, split around the method.
        self._head_start = f"POST {url.path}{token}/"
        self._head_middle = f" HTTP/1.1\r\nHost: {host_header}\r\nContent-Type: application/json\r\nContent-Length: "
        self._idle: list[_Connection] = []  # LIFO: the most recently used connection is the warmest
        self._open = 0  # connections open or being opened (idle + busy)
        self._waiters: deque[asyncio.Future] = deque()
        self._closed = False

    # ----------------------------------------------------------------------------------------
    # Public API
    # ----------------------------------------------------------------------------------------

    async def send_message(
        self,
        chat_id: int | str,
        text: str,
        *,
        parse_mode: str | None = "HTML",
        disable_notification: bool = False,
        allow_paid_broadcast: bool = False,
        reply_markup: dict | None = None,
    ) -> dict:
        """``sendMessage``; returns the sent message as a dict. False/None options are omitted."""
        params: dict = {"chat_id": chat_id, "text": text}
        if parse_mode:
            params["parse_mode"] = parse_mode
        if disable_notification:
            params["disable_notification"] = True
        if allow_paid_broadcast:
            params["allow_paid_broadcast"] = True
        if reply_markup:
            params["reply_markup"] = reply_markup
        return await self.call("sendMessage", params)  # type: ignore[return-value]

    async def call(self, method: str, params: dict) -> object:
        """POST ``params`` as JSON to ``method``; returns ``result`` of the ``{"ok": true}`` answer."""
        body = _encode(params).encode()
        request = f"{self._head_start}{method}{self._head_middle}{len(body)}\r\n\r\n".encode() + body
        conn = await self._acquire()
        connected = conn is not None
        try:
            async with asyncio.timeout(self._timeout):
                if conn is None:
                    conn = await self._connect()
                    connected = True
                conn.writer.write(request)
                status, payload, keep_alive = await self._read_response(conn.reader)
        except BaseException as exc:
            # Whatever happened (including cancellation), the connection is in an unknown state.
            self._discard(conn)
            if not connected and isinstance(exc, OSError):  # TimeoutError included
                what = "Timed out connecting" if isinstance(exc, TimeoutError) else f"Cannot connect: {exc!r}"
                raise NotSent(self._scrub(f"{what} for {method}; nothing was sent")) from exc
            if isinstance(exc, TimeoutError):  # before OSError: TimeoutError is one
                raise TimedOut(f"Timed out: no complete answer to {method} within {self._timeout:g} s") from None
            if isinstance(exc, (OSError, EOFError, ValueError, asyncio.LimitOverrunError, _ConnectionFailed)):
                # Refused/reset/closed; IncompleteReadError is an EOFError; malformed HTTP is a ValueError.
                detail = str(exc) if isinstance(exc, _ConnectionFailed) else repr(exc)
                # The cause says "the transport failed" (not an HTTP answer) to bot.delivery.
                raise NetworkError(self._scrub(f"Connection error during {method}: {detail}")) from exc
            raise
        if keep_alive and not self._closed:
            self._pass_on(conn)
        else:
            self._discard(conn)
        if 200 <= status <= 299:
            try:
                data = _loads(payload.decode("utf-8", "replace"))
            except ValueError:
                raise NetworkError(self._error_text(f"Invalid server response to {method}", payload)) from None
            if type(data) is dict and data.get("ok") is True and "result" in data:
                return data["result"]
            if type(data) is not dict:
                raise NetworkError(self._error_text(f"Invalid server response to {method}", payload))
            code = data.get("error_code")
            status = code if type(code) is int and code >= 400 else 500
            raise self._error(status, payload, data)
        raise self._error(status, payload, None)

    async def close(self) -> None:
        """Close every idle connection; busy ones close when their request ends."""
        self._closed = True
        idle, self._idle = self._idle, []
        self._open -= len(idle)
        for conn in idle:
            conn.close()
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_exception(NetworkError("Sender is closed"))
        if idle:  # let the transports finish closing, but don't hang on a TLS shutdown
            await asyncio.wait([asyncio.ensure_future(c.wait_closed()) for c in idle], timeout=2.0)

    async def __aenter__(self) -> Sender:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # ----------------------------------------------------------------------------------------
    # Connection pool
    # ----------------------------------------------------------------------------------------

    async def _acquire(self) -> _Connection | None:
        """An idle connection, or None: the caller may open a new one (a slot is reserved)."""
        if self._closed:
            raise NetworkError("Sender is closed")
        idle = self._idle
        while idle:
            conn = idle.pop()
            if conn.reusable():
                return conn
            conn.close()
            self._open -= 1
        if self._open < self._pool_size:
            self._open += 1
            return None
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            conn = await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._pass_on(waiter.result())  # handed over just as we were cancelled
            raise
        if conn is not None and not conn.reusable():
            conn.close()
            return None  # keep the slot, open a fresh connection instead
        return conn

    def _discard(self, conn: _Connection | None) -> None:
        if conn is not None:
            conn.close()
        self._pass_on(None)

    def _pass_on(self, conn: _Connection | None) -> None:
        """Give a connection (or, for None, the slot of a closed one) to a waiter, else free it."""
        waiters = self._waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(conn)
                return
        if conn is None:
            self._open -= 1
        elif self._closed:
            conn.close()
            self._open -= 1
        else:
            self._idle.append(conn)

    async def _connect(self) -> _Connection:
        if self._tls:
            reader, writer = await asyncio.open_connection(
                self._host, self._port, ssl=self._ssl, server_hostname=self._host, limit=_STREAM_LIMIT
            )
        else:
            reader, writer = await asyncio.open_connection(self._host, self._port, limit=_STREAM_LIMIT)
        return _Connection(reader, writer)

    # ----------------------------------------------------------------------------------------
    # HTTP/1.1 response
    # ----------------------------------------------------------------------------------------

    @staticmethod
    async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
        """Read one response: (status, body, whether the connection may be reused)."""
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError as exc:
                if exc.partial:
                    raise _ConnectionFailed("connection closed in the middle of the response head") from None
                raise _ConnectionFailed("connection closed by the server before any answer") from None
            if head[:5] != b"HTTP/" or head[8:9] != b" ":
                raise ValueError("malformed HTTP status line")
            status = int(head[9:12])
            if status >= 200:
                break
            # 1xx interim answer (100 Continue ...): the real one follows.
        lowered = head.lower()
        keep_alive = head[5:8] == b"1.1"
        i = lowered.find(b"\r\nconnection:")
        if i >= 0:
            value = lowered[i + 13 : lowered.find(b"\r\n", i + 2)]
            if b"close" in value:
                keep_alive = False
            elif b"keep-alive" in value:
                keep_alive = True
        if status == 204 or status == 304:
            return status, b"", keep_alive
        i = lowered.find(b"\r\ntransfer-encoding:")
        if i >= 0 and b"chunked" in lowered[i + 20 : lowered.find(b"\r\n", i + 2)]:
            parts = []
            while True:
                line = await reader.readuntil(b"\r\n")
                size = int(line.split(b";", 1)[0], 16)  # ValueError on garbage
                if size == 0:
                    while await reader.readuntil(b"\r\n") != b"\r\n":
                        pass  # trailer fields
                    return status, b"".join(parts), keep_alive
                chunk = await reader.readexactly(size + 2)
                if chunk[-2:] != b"\r\n":
                    raise ValueError("malformed chunk")
                parts.append(chunk[:-2])
        i = lowered.find(b"\r\ncontent-length:")
        if i >= 0:
            length = int(lowered[i + 17 : lowered.find(b"\r\n", i + 2)])
            if length < 0:
                raise ValueError("negative Content-Length")
            return status, (await reader.readexactly(length) if length else b""), keep_alive
        # Neither: the body runs until the server closes the connection.
        return status, await reader.read(), False

    # ----------------------------------------------------------------------------------------
    # Errors
    # ----------------------------------------------------------------------------------------

    def _scrub(self, text: str) -> str:
        token = self._token
        return text.replace(token, "<token>") if token and token in text else text

    def _error_text(self, message: str, payload: bytes) -> str:
        quoted = payload[:_MAX_ERROR_PAYLOAD] + (b"..." if len(payload) > _MAX_ERROR_PAYLOAD else b"")
        return self._scrub(f"{message}. Parsing the server response {quoted!r} failed")

    def _error(self, code: int, payload: bytes, data: dict | None) -> TelegramError:
        """The exception python-telegram-bot raises for this error answer."""
        try:
            message = f"{HTTPStatus(code).phrase} ({code})"
        except ValueError:
            message = f"Unknown HTTPError ({code})"
        if data is None:
            try:
                data = _loads(payload.decode("utf-8", "replace"))
            except ValueError:
                data = None
            if type(data) is not dict:
                data = None
                message = self._error_text(message, payload)
        if data is not None:
            message = data.get("description") or message
            parameters = data.get("parameters")
            if parameters and type(parameters) is dict:
                migrate_to_chat_id = parameters.get("migrate_to_chat_id")
                if migrate_to_chat_id:
                    return ChatMigrated(migrate_to_chat_id)
                retry_after = parameters.get("retry_after")
                if retry_after:
                    return RetryAfter(retry_after)
                message += f". The server response contained unknown parameters: {parameters}"
            elif parameters:
                message += f". The server response contained unknown parameters: {parameters}"
        message = self._scrub(str(message))
        if code == 403:
            return Forbidden(message)
        if code == 401 or code == 404:
            return InvalidToken(message)
        if code == 400:
            return BadRequest(message)
        if code == 409:
            return Conflict(message)
        return NetworkError(message)
