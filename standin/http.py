"""HTTP serving on aiohttp.web: routes ``/bot<token>/<method>``, ``/file/bot<token>/<path>`` and ``/_control/``."""

from __future__ import annotations

import asyncio
import logging
import threading
import weakref
from typing import Any
from urllib.parse import unquote

from aiohttp import web

from standin.faults import CLOSE
from standin.protocol import ApiError, err

log = logging.getLogger("standin")

MAX_BODY = 64 * 1024 * 1024
_INTERNAL_ERROR = 500, b'{"ok":false,"error_code":500,"description":"Internal Server Error"}'


class Serving:
    """Start and stop the HTTP server and turn requests into calls of the stand-in."""

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Bind and start serving; ``self.port`` holds the bound port afterwards."""
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._closing = False
        self.host = host
        # The low-level server: no router or middlewares, every request goes to _handle.
        server = web.Server(self._handle, access_log=None, max_field_size=1 << 16)
        self._runner = web.ServerRunner(server, handle_signals=False, shutdown_timeout=0.2)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port, backlog=2048)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Stop listening, wake long-polls and close every open connection."""
        self._closing = True
        self._wake_pollers()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

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
        return sum(1 for transport in self._transports if not transport.is_closing())

    def _count_connection(self, request: web.BaseRequest) -> None:
        transport = request.transport
        if transport is not None and transport not in self._transports:
            self._transports.add(transport)
            self.connections += 1

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        self._count_connection(request)
        if request.content_length is not None and request.content_length > MAX_BODY:
            return _response(413, b'{"ok":false,"description":"body too large"}')
        body = await request.content.read() if request.body_exists else b""
        if len(body) > MAX_BODY:
            return _response(413, b'{"ok":false,"description":"body too large"}')
        try:
            ctype = request.headers.get("Content-Type", "")
            answer = await self._route(request.rel_url.raw_path, request.query_string, ctype, body)
        except Exception:  # a bug in the stand-in must not kill the connection silently
            log.exception("standin: error handling %s %s", request.method, request.path)
            answer = _INTERNAL_ERROR
        if answer is CLOSE:
            # Close without answering: aiohttp then finds the transport closing and skips the answer.
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=500)
        status, payload, *ctype = answer
        return _response(status, payload, ctype[0] if ctype else "application/json")

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


def _response(status: int, body: bytes, content_type: str = "application/json") -> web.Response:
    return web.Response(status=status, body=body, content_type=content_type, headers={"Server": "standin"})


def new_transport_set() -> weakref.WeakSet:
    """Transports seen so far (weak: a closed connection is forgotten once collected)."""
    return weakref.WeakSet()
