"""Every request to Telegram goes through the configured proxy: BOT_PROXY, else HTTP(S)_PROXY/NO_PROXY.

The bot runs against the stand-in through a small forward proxy started by the test, which counts
the requests it forwards by Bot API method. Both the stand-in and the proxy listen on 127.0.0.1:
neither httpx nor aiohttp exempts loopback from a proxy unless NO_PROXY names it, and the tests
show it.
"""

from __future__ import annotations

import asyncio
import base64
import os
import subprocess
import sys
from collections import Counter
from urllib.parse import urlsplit

import pytest

from bot.delivery.sender import Sender
from bot.store import DONE
from standin import StandIn
from tests.conftest import make_schedule
from tests.e2e import TOKEN, Harness
from tests.test_cli import ROOT

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")
HOP_BY_HOP = {"connection", "proxy-connection", "keep-alive", "proxy-authorization", "transfer-encoding", "te"}


class CountingProxy:
    """A tiny HTTP forward proxy (absolute-URI requests, keep-alive) that forwards to 127.0.0.1 only
    and counts what it forwards per Bot API method (the last part of the path)."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.credentials: set[str | None] = set()  # Proxy-Authorization values seen
        self.refused: list[tuple[str, str | None]] = []  # (request line, Proxy-Authorization), e.g. CONNECT
        self._writers: set[asyncio.StreamWriter] = set()

    async def __aenter__(self) -> CountingProxy:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(self, *exc_info) -> None:
        self.server.close()
        for writer in list(self._writers):
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        try:
            while (request := await read_message(reader)) is not None:
                line, headers, body = request
                method, target, _ = line.split(" ", 2)
                url = urlsplit(target)
                if url.scheme != "http" or url.hostname != "127.0.0.1":  # stay on this machine; no tunnels
                    self.refused.append((line, headers.get("proxy-authorization")))
                    writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    break
                self.calls[url.path.rsplit("/", 1)[-1]] += 1
                self.credentials.add(headers.get("proxy-authorization"))
                if upstream is None:
                    upstream = await asyncio.open_connection(url.hostname, url.port)
                path = url.path + (f"?{url.query}" if url.query else "")
                upstream[1].write(encode(f"{method} {path} HTTP/1.1", headers, body))
                answer = await read_message(upstream[0])
                if answer is None:  # the server dropped the connection: so does the proxy
                    break
                status, answer_headers, answer_body = answer
                writer.write(encode(status, answer_headers, answer_body))
                await writer.drain()
                if "close" in answer_headers.get("connection", "").lower():
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()
            if upstream is not None:
                upstream[1].close()


async def read_message(reader: asyncio.StreamReader) -> tuple[str, dict[str, str], bytes] | None:
    """One HTTP/1.1 request or response: (first line, lower-cased headers, body); None at EOF."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    first, *lines = head.decode("latin-1").split("\r\n")[:-2]
    headers = {}
    for header in lines:
        name, _, value = header.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            body += (await reader.readexactly(size + 2))[:-2]
        await reader.readuntil(b"\r\n")
    else:
        body = await reader.readexactly(int(headers.get("content-length", 0)))
    return first, headers, body


def encode(first: str, headers: dict[str, str], body: bytes) -> bytes:
    """The message to pass on: end-to-end headers only, with the body's length."""
    kept = [f"{name}: {value}" for name, value in headers.items() if name not in HOP_BY_HOP | {"content-length"}]
    return "\r\n".join([first, *kept, f"content-length: {len(body)}", "", ""]).encode("latin-1") + body


@pytest.fixture
def environ(monkeypatch):
    """The proxy variables, cleared (both spellings); set what a test needs with the returned function."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch.setenv


def voters(n: int) -> list[tuple[int, str]]:
    return [(1000 + i, "pemilih") for i in range(n)]


async def reply_and_broadcast(h: Harness, n: int) -> None:
    """A /start reply, then the scheduled broadcast to the n voters, then the bot stops."""
    [welcome] = await h.say(77, "/start asn")  # not a recipient of the broadcast
    assert welcome["text"]
    await h.reach("b")
    await h.standin.wait_for(lambda: getattr(h.store.broadcast("b"), "status", None) == DONE, timeout=30)
    assert h.store.broadcast("b").n_sent == n
    await h.stop_bot()  # no request in flight while the counts are compared


async def test_replies_broadcasts_and_polling_go_through_the_environment_proxy(tmp_path, soon, environ):
    n = 40
    schedule = make_schedule([{"id": "b", "at": soon(600), "roles": ["pemilih"], "text": "lewat proxy"}])
    async with CountingProxy() as proxy:
        environ("HTTP_PROXY", proxy.url)  # the stand-in is http://127.0.0.1:...; not exempt from the proxy
        async with Harness(tmp_path, schedule, rate_limit=200, subscribers=voters(n)) as h:
            await reply_and_broadcast(h, n)
            assert all(h.texts_to(chat) == ["lewat proxy"] for chat, _ in voters(n))
            assert h.standin.calls["sendMessage"] == n + 1  # the broadcast and the /start reply
            assert h.standin.calls["getUpdates"] >= 2
            # Every request the stand-in answered came through the proxy: polling, replies, broadcasts.
            assert proxy.calls == h.standin.calls


async def test_bot_proxy_overrides_the_environment(tmp_path, soon, environ):
    n = 10
    schedule = make_schedule([{"id": "b", "at": soon(600), "roles": ["pemilih"], "text": "lewat BOT_PROXY"}])
    async with CountingProxy() as chosen, CountingProxy() as ignored:
        environ("HTTP_PROXY", ignored.url)
        url = chosen.url.replace("http://", "http://kpu:rahasia@")  # credentials go with every request
        async with Harness(tmp_path, schedule, subscribers=voters(n), overrides={"proxy": url}) as h:
            await reply_and_broadcast(h, n)
            assert chosen.calls == h.standin.calls
            assert chosen.calls["sendMessage"] == n + 1
    assert sum(ignored.calls.values()) == 0
    assert chosen.credentials == {"Basic " + base64.b64encode(b"kpu:rahasia").decode()}


async def test_no_proxy_exempts_a_host(tmp_path, soon, environ):
    schedule = make_schedule([{"id": "b", "at": soon(600), "roles": ["pemilih"], "text": "langsung"}])
    async with CountingProxy() as proxy:
        environ("HTTP_PROXY", proxy.url)
        environ("NO_PROXY", "127.0.0.1")
        async with Harness(tmp_path, schedule, subscribers=voters(3)) as h:
            await reply_and_broadcast(h, 3)
    assert sum(proxy.calls.values()) == 0


async def test_an_unreachable_proxy_means_nothing_was_sent(environ):
    from bot.delivery.sender import NotSent
    from tests.test_resilience import closed_port

    async with StandIn(token=TOKEN) as standin:
        async with Sender(standin.base_url, TOKEN, timeout=2.0, proxy=f"http://127.0.0.1:{closed_port()}") as sender:
            with pytest.raises(NotSent) as exc:
                await sender.send_message(1, "x")
        assert standin.calls["sendMessage"] == 0
        assert "Cannot connect to the proxy 127.0.0.1:" in exc.value.message
        assert "nothing was sent" in exc.value.message


def test_messages_name_the_proxy_and_where_it_was_set_without_its_password(environ):
    from bot.delivery.sender import proxy_route

    telegram = "https://api.telegram.org/bot"
    assert proxy_route(telegram, None) == " directly (no proxy set: BOT_PROXY, HTTPS_PROXY)"
    environ("HTTPS_PROXY", "http://kpu:rahasia@proxy.kantor:3128")
    assert proxy_route(telegram, None) == " through the proxy http://kpu:***@proxy.kantor:3128 (HTTPS_PROXY)"
    local = "http://127.0.0.1:8081/bot"
    assert proxy_route(local, None) == " directly (no proxy set: BOT_PROXY, HTTP_PROXY)"  # HTTP_PROXY is not set
    assert proxy_route(telegram, "http://a:b@lain:8080") == " through the proxy http://a:***@lain:8080 (BOT_PROXY)"
    environ("NO_PROXY", "api.telegram.org")
    assert proxy_route(telegram, None) == " directly (NO_PROXY exempts api.telegram.org)"


def test_a_bot_that_cannot_reach_its_proxy_says_so_in_one_line(tmp_path, environ):
    from tests.test_resilience import closed_port

    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env["HTTP_PROXY"] = f"http://kpu:rahasia@127.0.0.1:{closed_port()}"
    result = subprocess.run(
        [
            sys.executable,
            "bot.py",
            "run",
            "--token",
            TOKEN,
            "--api-url",
            "http://127.0.0.1:9/bot",
            "--database",
            str(tmp_path / "bot.db"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("cannot start: Telegram is unreachable at http://127.0.0.1:9/bot through the proxy ")
    assert "(HTTP_PROXY): check the proxy's address" in line
    assert "rahasia" not in line


@pytest.mark.parametrize("through", ["the file's proxy", "no proxy"])
def test_the_cli_with_a_settings_file_goes_through_its_proxy_and_says_which_way_it_went(tmp_path, environ, through):
    """HTTP_PROXY in the file given with --env-file (any case) is used, as systemd's EnvironmentFile= makes
    the service use it; an unreachable Telegram is one line naming the way, the password masked."""
    from tests.cli_runner import bot
    from tests.test_resilience import closed_port

    proxy = f"http://kpu:rahasia@127.0.0.1:{closed_port()}"
    env_file = tmp_path / "pilkada-bot.env"
    env_file.write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\n" + (f"http_proxy={proxy}\n" if through != "no proxy" else ""))
    result = bot(
        "poster",
        "--env-file",
        env_file,
        "--role",
        "asn",
        "--out",
        tmp_path / "p.png",
        "--api-url",
        f"http://127.0.0.1:{closed_port()}/bot",
    )
    assert result.returncode == 1
    assert "rahasia" not in result.stdout + result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("cannot ask for the bot's username: Telegram is unreachable at http://127.0.0.1:")
    if through == "no proxy":
        assert "/bot directly (no proxy set: BOT_PROXY, HTTP_PROXY): check this server's connection" in line
    else:
        assert f"/bot through the proxy {proxy.replace('rahasia', '***')} (HTTP_PROXY): check the proxy's" in line
    assert not (tmp_path / "p.png").exists()


async def test_a_refused_tunnel_means_nothing_was_sent_and_carried_the_credentials(environ):
    from bot.delivery.sender import NotSent

    async with CountingProxy() as proxy:
        url = proxy.url.replace("http://", "http://kpu:rahasia@")
        async with Sender("https://127.0.0.1:9/bot", TOKEN, timeout=2.0, proxy=url) as sender:
            with pytest.raises(NotSent):  # the proxy answered the CONNECT with 403: nothing went to Telegram
                await sender.send_message(1, "x")
    [(line, credentials)] = proxy.refused
    assert line.startswith("CONNECT 127.0.0.1:9 ")
    assert credentials == "Basic " + base64.b64encode(b"kpu:rahasia").decode()


@pytest.mark.parametrize("how", ["--proxy", "HTTP_PROXY", "the settings file"])
@pytest.mark.slow
async def test_the_poster_command_asks_getme_through_the_proxy(tmp_path, environ, how):
    async with StandIn(token=TOKEN, bot_username="kpu_proxy_bot") as standin, CountingProxy() as proxy:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
        flags = ["--proxy", proxy.url] if how == "--proxy" else []
        if how == "HTTP_PROXY":
            env["HTTP_PROXY"] = proxy.url
        if how == "the settings file":  # as systemd's EnvironmentFile= gives it to the service
            (tmp_path / "bot.env").write_text(f"HTTP_PROXY={proxy.url}\n")
            flags = ["--env-file", str(tmp_path / "bot.env")]
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "bot.py",
            "poster",
            "--role",
            "pemilih",
            "--out",
            str(tmp_path / "p.png"),
            "--token",
            TOKEN,
            "--api-url",
            standin.base_url,
            *flags,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 0, stderr.decode()
        assert "https://t.me/kpu_proxy_bot?start=pemilih" in stdout.decode()
        assert standin.calls["getMe"] == 1
        assert proxy.calls["getMe"] == 1
