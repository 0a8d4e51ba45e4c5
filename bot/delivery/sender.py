"""A lean Bot API client for high-rate broadcasts, on aiohttp.

python-telegram-bot's ``Bot.send_message`` (httpx underneath) spends most of its time in the
connection pool and in building Telegram objects; it tops out well below 1,000 messages per
second on one core. Broadcasts therefore go through :class:`Sender`: an aiohttp session with a
pool of keep-alive connections that POSTs JSON and returns the decoded ``result``. Replies to users
keep using python-telegram-bot.

**Proxies.** Every request honours ``BOT_PROXY`` (the ``proxy`` argument), else ``HTTP_PROXY`` /
``HTTPS_PROXY`` / ``NO_PROXY`` from the environment, read once when the session opens
(:func:`env_proxy`). aiohttp's ``trust_env=True`` would read the same variables, but on every
request, in worker threads, together with ``~/.netrc``: a cost on every broadcast copy.

**Errors** are python-telegram-bot's own exception classes, chosen by structure only (HTTP status,
Telegram's ``error_code`` and ``parameters``, the kind of transport exception) the way
``telegram/request/_baserequest.py`` chooses them:

* ``parameters.migrate_to_chat_id`` -> :class:`~telegram.error.ChatMigrated`
* ``parameters.retry_after`` -> :class:`~telegram.error.RetryAfter`
* 403 -> :class:`~telegram.error.Forbidden`; 401/404 -> :class:`~telegram.error.InvalidToken`;
  400 -> :class:`~telegram.error.BadRequest` (:class:`ChatNotFound` for an unknown chat, see
  :func:`telegram_error`); 409 -> :class:`~telegram.error.Conflict`;
  anything else (5xx ...) -> :class:`~telegram.error.NetworkError` without a ``__cause__``
* no answer within ``timeout`` once the request went out -> :class:`~telegram.error.TimedOut`
* the connection broke after the request went out (reset, closed, a truncated or malformed
  answer) -> :class:`~telegram.error.NetworkError` (never ``TimedOut``), its ``__cause__`` the
  transport error: Telegram may have taken the message
* no connection could be opened (refused, unreachable, name not resolved, connect timed out, the
  proxy refused the tunnel) -> :class:`NotSent`, a ``NetworkError``: the request never left, so a
  retry cannot deliver it twice

The token is part of the request path; it never appears in an exception message or its cause.
"""

from __future__ import annotations

import functools
import json
import ssl
from http import HTTPStatus
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

import aiohttp
import httpx
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
from yarl import URL

from bot.log_privacy import RedactFilter
from bot.settings import mask_password

__all__ = ["ChatNotFound", "NotSent", "Sender", "env_proxy", "ptb_proxy_kwargs", "telegram_error"]

# Same output as json.dumps(params, separators=(",", ":"), ensure_ascii=False), without building a
# new JSONEncoder on every call (json.dumps does that whenever it gets non-default arguments).
_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
_loads = json.loads

_MAX_ERROR_PAYLOAD = 200  # bytes of an unparsable error body quoted in the exception message
_HEADERS = {"Content-Type": "application/json"}

# Transport errors raised before any byte of the request was written: nothing reached Telegram.
# ClientConnectorError covers refused/unreachable/DNS/TLS handshake (and ClientProxyConnectionError,
# the proxy itself unreachable); ConnectionTimeoutError is the connect timeout; ClientHttpProxyError
# is the proxy answering its CONNECT tunnel with an error (the request is sent only inside a tunnel).
_NOTHING_SENT = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError, aiohttp.ClientHttpProxyError)


class NotSent(NetworkError):
    """No connection could be opened: the request never left this machine."""


class ChatNotFound(BadRequest):
    """Telegram answered 400 because the chat does not exist for this bot (deleted, never met)."""


def env_proxy(url: str) -> str | None:
    """The proxy the environment sets for ``url``: ``HTTP_PROXY`` or ``HTTPS_PROXY`` by its scheme,
    unless ``NO_PROXY`` names its host; None for a direct connection.

    The same variables and rules as aiohttp's and httpx's ``trust_env`` (both read them with
    ``urllib.request``): no host is exempt unless ``NO_PROXY`` names it, loopback included.
    """
    parts = urlsplit(url)
    proxy = getproxies().get(parts.scheme)
    if not proxy or (parts.hostname and proxy_bypass(parts.hostname)):
        return None
    return proxy if "://" in proxy else f"http://{proxy}"


def proxy_route(url: str, proxy: str | None) -> str:
    """How requests to ``url`` leave this machine, for messages: " through the proxy
    http://kpu:***@host:port (BOT_PROXY)" (or "(HTTPS_PROXY)"), never with the proxy's password;
    " directly (no proxy set: BOT_PROXY, HTTPS_PROXY)", or " directly (NO_PROXY exempts host)" when
    the environment's proxy is not used for it."""
    variable = f"{urlsplit(url).scheme.upper()}_PROXY"
    chosen, source = (proxy, "BOT_PROXY") if proxy else (env_proxy(url), variable)
    if chosen is not None:
        return f" through the proxy {mask_password(chosen)} ({source})"
    if getproxies().get(urlsplit(url).scheme):
        return f" directly (NO_PROXY exempts {urlsplit(url).hostname})"
    return f" directly (no proxy set: BOT_PROXY, {variable})"


def _split_proxy(proxy: str | None) -> tuple[str | None, dict | None]:
    """aiohttp wants a proxy's user and password apart from its URL, as a Proxy-Authorization header."""
    if proxy is None:
        return None, None
    url = URL(proxy)
    if url.user is None:
        return proxy, None
    return str(url.with_user(None)), {"Proxy-Authorization": aiohttp.encode_basic_auth(url.user, url.password or "")}


def ptb_proxy_kwargs(proxy: str | None) -> dict:
    """Arguments for python-telegram-bot's ``HTTPXRequest`` so that it takes the same way as
    :class:`Sender`: ``proxy`` (BOT_PROXY) for every request, else the environment.

    httpx reads ``HTTP_PROXY``/``HTTPS_PROXY``/``ALL_PROXY``/``NO_PROXY`` only while ``trust_env``
    is on (its default; said here so that nobody turns it off by accident). An explicit proxy
    takes precedence over the environment, ``NO_PROXY`` included.
    """
    return {"proxy": proxy, "httpx_kwargs": {"trust_env": True, "verify": tls_context()}}


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The TLS settings httpx would make for every client (its CA bundle, SSL_CERT_FILE and
    SSL_CERT_DIR honoured), made once per process: reading the bundle costs ~30 ms of CPU, and the
    bot makes two clients at each start."""
    return httpx.create_ssl_context()


def telegram_error(code: int, data: dict | None, message: str) -> TelegramError:
    """The exception python-telegram-bot raises for Telegram's error answer.

    ``code`` is Telegram's ``error_code`` (else the HTTP status), ``data`` the decoded answer if
    it was a JSON object, ``message`` the description to use.

    One case needs the description: a 400 is all Telegram says both for a bad message (entities
    that do not parse, an empty text) and for a chat that does not exist for the bot. An operator
    needs them apart: the chat is "gone" and never written to again, while a bad message must
    never mark its recipients gone (every one would fail alike). The Bot API documents no
    error_code or parameter for it, so this function, and only this one, recognises Telegram's
    fixed description "Bad Request: chat not found" and says so with a class, :class:`ChatNotFound`.
    """
    parameters = data.get("parameters") if data is not None else None
    if parameters and type(parameters) is dict:
        migrate_to_chat_id = parameters.get("migrate_to_chat_id")
        if migrate_to_chat_id:
            return ChatMigrated(migrate_to_chat_id)
        retry_after = parameters.get("retry_after")
        if retry_after:
            return RetryAfter(retry_after)
    if parameters:
        message += f". The server response contained unknown parameters: {parameters}"
    if code == 403:
        return Forbidden(message)
    if code == 401 or code == 404:
        return InvalidToken(message)
    if code == 400:
        description = data.get("description") if data is not None else None
        if isinstance(description, str) and description.strip().lower() == "bad request: chat not found":
            return ChatNotFound(message)
        return BadRequest(message)
    if code == 409:
        return Conflict(message)
    return NetworkError(message)


class Sender:
    """Minimal, fast Bot API client: JSON POSTs over aiohttp's pool of keep-alive connections.

    ``base_url`` has python-telegram-bot's meaning (``"https://api.telegram.org/bot"``,
    ``"http://127.0.0.1:8081/bot"``); a request goes to ``f"{base_url}{token}/{method}"``.

    At most ``pool_size`` connections are open at once; they are opened lazily. A call waits for
    a free connection first (without a time limit: every request in flight ends within about
    ``timeout``); then connecting may take ``timeout`` seconds, and the answer may keep Telegram
    silent for at most ``timeout`` seconds. ``proxy`` (``http://[user:password@]host:port``)
    carries every request; None means the environment's (:func:`env_proxy`).
    """

    def __init__(
        self, base_url: str, token: str, *, pool_size: int = 64, timeout: float = 10.0, proxy: str | None = None
    ) -> None:
        if pool_size < 1:
            raise ValueError("pool_size must be at least 1")
        url = urlsplit(base_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError("base_url must be an http:// or https:// URL")
        self._prefix = f"{base_url}{token}/"
        self._redactor = RedactFilter([token])
        self._pool_size = pool_size
        self.timeout = timeout  # seconds; read at each request
        self._proxy, proxy_auth = _split_proxy(proxy or env_proxy(base_url))
        # The proxy's credentials: for https://, on the CONNECT that opens the tunnel (never inside it,
        # to Telegram); for http://, on each request, which the proxy itself forwards. aiohttp
        # deprecates `proxy_auth`, and takes `proxy_headers` only for a CONNECT.
        tunnel = url.scheme == "https"
        self._proxy_headers = proxy_auth if tunnel else None
        self._headers = _HEADERS if tunnel or proxy_auth is None else {**_HEADERS, **proxy_auth}
        self._session: aiohttp.ClientSession | None = None  # opened on first use, in the running loop
        self._closed = False

    @property
    def proxy(self) -> str | None:
        """The proxy every request goes through (without credentials), or None."""
        return self._proxy

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
        session = self._open()
        error: TelegramError
        try:
            async with session.post(
                self._prefix + method,
                data=_encode(params).encode(),
                headers=self._headers,
                proxy=self._proxy,
                proxy_headers=self._proxy_headers,
            ) as response:
                status = response.status
                payload = await response.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = self._transport_error(method, exc)
        else:
            return self._result(method, status, payload)
        # Raised outside the `except` block: aiohttp's exceptions may quote the URL, and with it the
        # token; this way none of them is the error's __context__.
        raise error

    async def close(self) -> None:
        """Close the pool; later calls raise NetworkError."""
        self._closed = True
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def __aenter__(self) -> Sender:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # ----------------------------------------------------------------------------------------
    # Internals
    # ----------------------------------------------------------------------------------------

    def _open(self) -> aiohttp.ClientSession:
        if self._closed:
            raise NetworkError("Sender is closed")
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                # No `total`: waiting for a free connection is not bounded (see the class docstring).
                timeout=aiohttp.ClientTimeout(total=None, sock_connect=self.timeout, sock_read=self.timeout),
                trust_env=False,  # the proxy was chosen once in __init__ (module docstring)
                skip_auto_headers=("User-Agent",),
            )
        return self._session

    def _transport_error(self, method: str, exc: BaseException) -> NetworkError:
        """The exception for a request that got no HTTP answer, by the kind of `exc`."""
        if isinstance(exc, _NOTHING_SENT):
            # The OS error (ConnectionRefusedError, socket.gaierror ...) says why, without the URL.
            cause = exc.os_error if isinstance(exc, aiohttp.ClientConnectorError) else exc.__cause__
            if isinstance(exc, aiohttp.ClientProxyConnectionError):  # the proxy itself, not Telegram
                what = f"Cannot connect to the proxy {exc.host}:{exc.port} ({exc.os_error.strerror or exc.os_error})"
            elif isinstance(exc, TimeoutError):
                what = "Timed out connecting"
            else:
                what = f"Cannot connect: {exc}"
            error: NetworkError = NotSent(self._scrub(f"{what} for {method}; nothing was sent"))
        elif isinstance(exc, TimeoutError):  # SocketTimeoutError: no answer within `timeout`
            error, cause = TimedOut(f"Timed out: no answer to {method} within {self.timeout:g} s"), None
        else:
            # Reset/closed/malformed answer. The cause says "the transport failed" (not an HTTP
            # answer) to bot.delivery.engine; rebuilt when its text quotes the URL.
            shown = f"{exc}{exc!r}"
            cause = exc if self._scrub(shown) == shown else ConnectionError(self._scrub(repr(exc)))
            error = NetworkError(self._scrub(f"Connection error during {method}: {exc!r}"))
        error.__cause__ = cause
        return error

    def _result(self, method: str, status: int, payload: bytes) -> object:
        """``result`` of a 2xx ``{"ok": true}`` answer; else the exception for the answer."""
        try:
            data = _loads(payload.decode("utf-8", "replace"))
        except ValueError:
            data = None
        if type(data) is not dict:
            data = None
        if 200 <= status <= 299:
            if data is None:
                raise NetworkError(self._error_text(f"Invalid server response to {method}", payload))
            if data.get("ok") is True and "result" in data:
                return data["result"]
            code = data.get("error_code")
            status = code if type(code) is int and code >= 400 else 500
        try:
            message = f"{HTTPStatus(status).phrase} ({status})"
        except ValueError:
            message = f"Unknown HTTPError ({status})"
        message = self._error_text(message, payload) if data is None else str(data.get("description") or message)
        raise telegram_error(status, data, self._scrub(message))

    def _scrub(self, text: str) -> str:
        """`text` without the token, also URL-encoded (an error page may echo the request path)."""
        return self._redactor.redact(text)

    def _error_text(self, message: str, payload: bytes) -> str:
        quoted = payload[:_MAX_ERROR_PAYLOAD] + (b"..." if len(payload) > _MAX_ERROR_PAYLOAD else b"")
        return self._scrub(f"{message}. Parsing the server response {quoted!r} failed")
