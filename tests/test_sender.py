"""Tests for bot.delivery.sender: the aiohttp Bot API client used for broadcasts, against the local stand-in."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.delivery.sender import ChatNotFound, NotSent, Sender
from standin import StandIn

TOKEN = "654321:SECRET-sender-token"

# PTB 22 warns that RetryAfter.retry_after will become a timedelta.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@pytest.fixture
async def standin():
    server = StandIn(token=TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def sender(standin):
    client = Sender(standin.base_url, TOKEN, timeout=5.0)
    yield client
    await client.close()


def assert_no_token(exc: BaseException) -> None:
    texts = [str(exc), repr(exc), getattr(exc, "message", "")]
    for linked in (exc.__cause__, exc.__context__):
        if linked is not None:
            texts += [str(linked), repr(linked)]
    for text in texts:
        assert TOKEN not in text
        assert TOKEN.split(":", 1)[1] not in text


async def raises(exc_type: type[TelegramError], coro) -> TelegramError:
    """Await ``coro``; it must raise exactly ``exc_type`` (not a subclass), without the token in it."""
    with pytest.raises(TelegramError) as info:
        await coro
    assert type(info.value) is exc_type, repr(info.value)
    assert_no_token(info.value)
    return info.value


# --------------------------------------------------------------------------------------------
# Delivering
# --------------------------------------------------------------------------------------------


async def test_send_message_delivers(standin, sender):
    message = await sender.send_message(42, "<b>Halo</b> pemilih", disable_notification=True)
    assert message["chat"]["id"] == 42
    assert message["text"] == "Halo pemilih"
    assert message["entities"][0]["type"] == "bold"
    [record] = standin.sent_to(42)
    assert record["text"] == "<b>Halo</b> pemilih"
    assert record["parse_mode"] == "HTML"
    assert record["disable_notification"] is True


async def test_send_message_defaults_and_options(standin, sender):
    await sender.send_message(7, "plain <not a tag", parse_mode=None)
    markup = {"inline_keyboard": [[{"text": "Buka", "callback_data": "open"}]]}
    message = await sender.send_message(7, "with <i>button</i> — ünïcode ✓", reply_markup=markup)
    assert message["reply_markup"] == markup
    first, second = standin.sent_to(7)
    assert first["parse_mode"] is None
    assert first["disable_notification"] is False
    assert second["text"] == "with <i>button</i> — ünïcode ✓"
    assert second["reply_markup"] == markup


async def test_call_generic_method(standin, sender):
    me = await sender.call("getMe", {})
    assert me["is_bot"] is True
    assert me["id"] == 654321
    assert await sender.call("sendChatAction", {"chat_id": 5, "action": "typing"}) is True


async def test_connections_are_reused(standin, sender):
    for i in range(200):
        await sender.send_message(100 + i % 7, f"pesan {i}")
    assert len(standin.messages) == 200
    assert standin.connections == 1  # sequential sends share one keep-alive connection


async def test_error_answers_keep_the_connection(standin, sender):
    standin.block(1)
    for _ in range(5):
        await raises(Forbidden, sender.send_message(1, "x"))
        await sender.send_message(2, "y")
    assert standin.connections == 1


async def test_pool_size_bounds_connections(standin):
    async with Sender(standin.base_url, TOKEN, pool_size=4) as client:
        await asyncio.gather(*(client.send_message(i, f"m{i}") for i in range(1, 101)))
    assert len(standin.messages) == 100
    assert standin.connections <= 4


# --------------------------------------------------------------------------------------------
# Error mapping
# --------------------------------------------------------------------------------------------


async def test_forbidden(standin, sender):
    standin.block(10)
    exc = await raises(Forbidden, sender.send_message(10, "x"))
    assert "blocked" in exc.message


async def test_chat_not_found_is_its_own_bad_request(standin, sender):
    standin.forget(11)
    exc = await raises(ChatNotFound, sender.send_message(11, "x"))
    assert isinstance(exc, BadRequest)  # what python-telegram-bot raises, only more precise
    assert "chat not found" in exc.message.lower()


async def test_bad_html_is_bad_request(sender):
    exc = await raises(BadRequest, sender.send_message(12, "<b>unclosed"))
    assert "parse entities" in exc.message or "end tag" in exc.message


async def test_migrated(standin, sender):
    standin.migrate(-13, -1001234567890)
    exc = await raises(ChatMigrated, sender.send_message(-13, "x"))
    assert exc.new_chat_id == -1001234567890


async def test_retry_after(standin, sender):
    standin.fail_next(1, status=429, retry_after=7)
    exc = await raises(RetryAfter, sender.send_message(14, "x"))
    assert exc.retry_after == 7
    await sender.send_message(14, "x")  # only the next one failed


@pytest.mark.parametrize(("status", "word"), [(500, "Internal Server Error"), (502, "Bad Gateway")])
async def test_server_errors_are_network_errors(standin, sender, status, word):
    standin.fail_next(1, status=status)
    exc = await raises(NetworkError, sender.send_message(15, "x"))
    assert word in exc.message


async def test_timeout(standin):
    standin.fault_delay = 2.0
    standin.fail_next(1, status="timeout")
    async with Sender(standin.base_url, TOKEN, timeout=0.2) as client:
        started = time.monotonic()
        await raises(TimedOut, client.send_message(16, "x"))
        assert time.monotonic() - started < 1.5
        assert (await client.send_message(16, "again"))["chat"]["id"] == 16  # a fresh connection
    assert standin.connections == 2


async def test_dropped_answer_is_network_error_not_timeout(standin, sender):
    standin.fail_next(1, status="drop")
    exc = await raises(NetworkError, sender.send_message(17, "x"))
    assert "connection" in exc.message.lower()
    await sender.send_message(17, "again")
    assert standin.connections == 2


async def test_wrong_token_is_invalid_token(standin):
    async with Sender(standin.base_url, "999:WRONG-" + TOKEN) as client:
        with pytest.raises(InvalidToken) as info:
            await client.send_message(18, "x")
    assert "WRONG" not in str(info.value)
    assert TOKEN not in repr(info.value)


async def test_unknown_method_is_invalid_token(sender):
    # Telegram answers 404 for an unknown method; python-telegram-bot maps 404 to InvalidToken too.
    await raises(InvalidToken, sender.call("noSuchMethod", {}))


async def test_connection_refused():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with Sender(f"http://127.0.0.1:{port}/bot", TOKEN, timeout=2.0) as client:
        exc = await raises(NotSent, client.send_message(1, "x"))  # a NetworkError that says nothing left
    assert "connect" in exc.message.lower()
    assert isinstance(exc.__cause__, ConnectionRefusedError)


async def test_closed_sender_refuses(standin):
    client = Sender(standin.base_url, TOKEN)
    await client.send_message(1, "x")
    await client.close()
    await raises(NetworkError, client.send_message(1, "x"))


async def test_cancelled_call_frees_its_slot(standin):
    standin.fault_delay = 5.0
    standin.fail_next(1, status="timeout")
    async with Sender(standin.base_url, TOKEN, pool_size=1) as client:
        task = asyncio.create_task(client.send_message(19, "hangs"))
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.wait_for(client.send_message(19, "ok"), 2.0)
    assert standin.sent_to(19)[-1]["text"] == "ok"


# --------------------------------------------------------------------------------------------
# HTTP details, with a hand-written server
# --------------------------------------------------------------------------------------------


class RawServer:
    """A tiny HTTP server answering each request with ``answer(n)`` (raw bytes) and then,
    if ``close_after`` is set, closing the connection."""

    def __init__(self, answer, close_after: bool = False):
        self.answer = answer
        self.close_after = close_after
        self.connections = 0
        self.requests: list[bytes] = []

    async def __aenter__(self) -> RawServer:
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        self.base_url = f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}/bot"
        return self

    async def __aexit__(self, *exc_info) -> None:
        self.server.close()

    async def handle(self, reader, writer) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
                self.requests.append(head + await reader.readexactly(length))
                writer.write(self.answer(len(self.requests)))
                await writer.drain()
                if self.close_after:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


def chunked_answer(n: int) -> bytes:
    body = b'{"ok":true,"result":{"message_id":%d,"text":"chunked \xe2\x9c\x93"}}' % n
    first, second = body[:10], body[10:]
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        + b"%x\r\n%s\r\n" % (len(first), first)
        + b"%X;ext=1\r\n%s\r\n" % (len(second), second)
        + b"0\r\nX-Trailer: yes\r\n\r\n"
    )


async def test_chunked_response():
    async with RawServer(chunked_answer) as server, Sender(server.base_url, TOKEN) as client:
        for n in (1, 2, 3):
            assert await client.call("sendMessage", {"chat_id": 1, "text": "x"}) == {
                "message_id": n,
                "text": "chunked ✓",
            }
    assert server.connections == 1
    request = server.requests[0]
    assert request.startswith(f"POST /bot{TOKEN}/sendMessage HTTP/1.1\r\n".encode())
    assert b"\r\nContent-Type: application/json\r\n" in request
    assert request.endswith(b'\r\n\r\n{"chat_id":1,"text":"x"}')


async def test_connection_close_header_discards_connection():
    def answer(n: int) -> bytes:
        body = b'{"ok":true,"result":%d}' % n
        return b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)

    async with RawServer(answer) as server, Sender(server.base_url, TOKEN) as client:
        assert await client.call("getMe", {}) == 1
        assert await client.call("getMe", {}) == 2
    assert server.connections == 2


async def test_idle_connection_closed_by_server_is_not_reused():
    def answer(n: int) -> bytes:
        body = b'{"ok":true,"result":%d}' % n
        return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)

    async with RawServer(answer, close_after=True) as server, Sender(server.base_url, TOKEN) as client:
        assert await client.call("getMe", {}) == 1
        await asyncio.sleep(0.05)  # the server's FIN arrives while the connection is idle
        assert await client.call("getMe", {}) == 2
    assert server.connections == 2


async def test_invalid_json_is_network_error():
    def answer(n: int) -> bytes:
        return b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nnot json!"

    async with RawServer(answer) as server, Sender(server.base_url, TOKEN) as client:
        exc = await raises(NetworkError, client.call("getMe", {}))
    assert "Invalid server response" in exc.message


async def test_unparsable_error_page_is_mapped_by_status():
    def answer(n: int) -> bytes:
        body = f"<html>502 Bad Gateway for /bot{TOKEN}/getMe</html>".encode()
        return b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)

    async with RawServer(answer) as server, Sender(server.base_url, TOKEN) as client:
        exc = await raises(NetworkError, client.call("getMe", {}))
    assert "Bad Gateway (502)" in exc.message  # and assert_no_token checked the echoed URL is scrubbed


# --------------------------------------------------------------------------------------------
# Throughput (informational)
# --------------------------------------------------------------------------------------------


async def test_throughput_print(standin):
    n, concurrency = 5000, 64
    chats = iter(range(n))
    async with Sender(standin.base_url, TOKEN) as client:
        await client.send_message(1, "warm-up")

        async def worker() -> None:
            for i in chats:
                await client.send_message(10_000 + i, "<b>Pengingat</b>: besok pemungutan suara di TPS")

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    assert len(standin.messages) == n + 1
    print(f"\nSender throughput: {n} sends, {concurrency} tasks, stand-in in-process: {n / elapsed:,.0f} msg/s")


@pytest.mark.parametrize("status", [b"502 Bad Gateway", b"400 Bad Request"])
async def test_an_error_page_echoing_the_url_encoded_token_is_scrubbed_from_the_error(status):
    from tests.test_cli_safety import REAL_SHAPED_TOKEN, echoing_gateway

    async with await echoing_gateway(status) as server:
        port = server.sockets[0].getsockname()[1]
        async with Sender(f"http://127.0.0.1:{port}/bot", REAL_SHAPED_TOKEN) as sender:
            with pytest.raises(TelegramError) as raised:
                await sender.send_message(1, "halo")
    secret = REAL_SHAPED_TOKEN.split(":")[1]
    assert secret.lower() not in str(raised.value).lower()
    assert "[TOKEN]" in str(raised.value)
