"""HTTP serving: routes ``/bot<token>/<method>``, ``/file/bot<token>/<path>`` and ``/_control/``.

A small HTTP/1.1 server on asyncio streams (keep-alive, pipelining, Content-Length and chunked
bodies), not aiohttp.web: measured on this machine, aiohttp.web served about 8,500 sendMessage
requests per CPU-second and this server about 19,500, and the stand-in must serve at least 1.5x
the bot's raw rate (bench figure 4b); see bench/README.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

from standin.faults import CLOSE
from standin.protocol import ApiError, err
from standin.state import State

log = logging.getLogger("standin")

MAX_BODY = 64 * 1024 * 1024
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


def http_response(status: int, body: bytes, *, close: bool = False, ctype: bytes = b"application/json") -> bytes:
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


class Serving(State):
    """Start and stop the HTTP server and turn requests into calls of the stand-in."""

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

    async def __aenter__(self) -> Any:
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

    @property
    def open_connections(self) -> int:
        return len(self._conn_tasks)

    async def _handle_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._conn_tasks.add(task)
        self.connections += 1
        try:
            while not self._closing:
                request = await self._read_request(reader, writer)
                if request is None:
                    return
                verb, target, headers, body, keep_alive = request
                try:
                    path, _, query = target.partition("?")
                    answer = await self._route(path, query, headers.get("content-type", ""), body)
                except Exception:  # a bug in the stand-in must not kill the connection silently
                    log.exception("standin: error handling %s %s", verb, target)
                    answer = 500, b'{"ok":false,"error_code":500,"description":"Internal Server Error"}'
                if answer is CLOSE:
                    return
                status, payload, *ctype = answer
                ctype_value = ctype[0].encode() if ctype else b"application/json"
                writer.write(http_response(status, payload, close=not keep_alive, ctype=ctype_value))
                self.answered()
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
            with contextlib.suppress(Exception):  # closing an already broken transport
                writer.close()

    async def _read_request(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> tuple[str, str, dict[str, str], bytes, bool] | None:
        """One HTTP request: (verb, target, headers, body, keep-alive); None when the connection ends
        (the peer left, or a malformed request got its error answer)."""
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            return None
        except asyncio.LimitOverrunError:
            writer.write(http_response(431, b'{"ok":false,"description":"headers too large"}', close=True))
            return None
        lines = head.decode("latin-1").split("\r\n")
        try:
            verb, target, version = lines[0].split(" ", 2)
        except ValueError:
            writer.write(http_response(400, b'{"ok":false,"description":"bad request line"}', close=True))
            return None
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if line:
                key, _, value = line.partition(":")
                headers[key.strip().lower()] = value.strip()
        connection = headers.get("connection", "").lower()
        keep_alive = "close" not in connection if version == "HTTP/1.1" else "keep-alive" in connection
        if headers.get("expect", "").lower() == "100-continue":
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        body = await self._read_body(reader, headers)
        if body is None:
            writer.write(http_response(413, b'{"ok":false,"description":"bad body length"}', close=True))
            return None
        return verb, target, headers, body, keep_alive

    async def _read_body(self, reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes | None:
        """The request's body, chunked or by Content-Length; None if it is too large or its length bad."""
        if "chunked" in headers.get("transfer-encoding", "").lower():
            return await self._read_chunked(reader)
        try:
            length = int(headers.get("content-length", "0") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            return None
        return await reader.readexactly(length) if length else b""

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

    async def _route(self, path: str, query: str, content_type: str, body: bytes) -> Any:
        if path.startswith("/bot"):
            token, _, method = path[4:].partition("/")
            return await self._api(unquote(token), method.strip("/"), query, content_type, body)
        if path.startswith("/_control/"):
            return await self._control(path[len("/_control/") :].strip("/"), query, content_type, body)
        if path.startswith("/file/bot"):
            token, _, file_path = path[len("/file/bot") :].partition("/")
            if unquote(token) != self.token:
                return err(ApiError(401, "Unauthorized"))
            for stored in self._files.values():
                if stored["file_path"] == file_path and stored["data"] is not None:
                    return 200, stored["data"], stored["mime_type"]
            return err(ApiError(404, "Not Found"))
        return err(ApiError(404, "Not Found"))
