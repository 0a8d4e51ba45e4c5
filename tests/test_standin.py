"""Tests for the stand-in (standin/): python-telegram-bot and httpx talk to it over real HTTP."""

import asyncio
import datetime as dtm
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from standin import StandIn, parse_html

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456:TEST-TOKEN"


# PTB 22 warns that RetryAfter.retry_after will become a timedelta.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


def seconds(error: RetryAfter) -> float:
    value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


async def test_get_me(standin, bot):
    assert bot.username == "kpu_demo_bot"
    me = await bot.get_me()
    assert me.is_bot
    assert me.first_name == "KPU Demo"
    assert me.can_join_groups
    assert standin.calls["getMe"] >= 2
    assert standin.base_url == standin.api_url == f"http://127.0.0.1:{standin.port}/bot"


async def test_send_message_ids_and_record(standin, bot):
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ya", callback_data="yes")]])
    first = await bot.send_message(42, "<b>Halo</b> &amp; selamat", parse_mode="HTML", reply_markup=markup)
    second = await bot.send_message(42, "kedua", disable_notification=True)
    other = await bot.send_message(-1001234567890, "grup")
    assert (first.message_id, second.message_id, other.message_id) == (1, 2, 1)
    assert first.text == "Halo & selamat"
    assert first.entities[0].type == "bold"
    assert first.entities[0].length == 4
    assert first.reply_markup == markup
    assert first.chat.type == "private"
    assert other.chat.type == "supergroup"
    assert first.from_user.username == "kpu_demo_bot"
    sent = standin.sent_to(42)
    assert [m["text"] for m in sent] == ["<b>Halo</b> &amp; selamat", "kedua"]
    assert sent[0]["parse_mode"] == "HTML"
    assert sent[0]["reply_markup"]["inline_keyboard"][0][0]["text"] == "Ya"
    assert sent[1]["disable_notification"] is True
    assert sent[0]["disable_notification"] is False
    assert sent[0]["method"] == "sendMessage"
    assert sent[0]["edited"] is False
    assert standin.calls["sendMessage"] == 3
    assert standin.answers == {200: 3}


async def test_text_validation(standin, bot):
    bad = ("<b>unclosed", "<br>", "a < b", "AT&T", "<b><i>x</b></i>", "</b>", '<span class="x">s</span>')
    for bad_html in bad:
        with pytest.raises(BadRequest, match="Can't parse entities"):
            await bot.send_message(1, bad_html, parse_mode="HTML")
    with pytest.raises(BadRequest, match=r'(?i)unsupported start tag "br" at byte offset 2'):
        await bot.send_message(1, "é<br>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(1, "x" * 4097)
    with pytest.raises(BadRequest, match="text is empty"):
        await bot.send_message(1, "   ")
    await bot.send_message(1, "x" * 4096)
    ok = '<a href="https://kpu.go.id?a=1&amp;b=2">KPU</a> <tg-spoiler>s</tg-spoiler> &#128512; &lt;3 <pre>p</pre>'
    message = await bot.send_message(1, ok, parse_mode="HTML")
    assert message.text == "KPU s \U0001f600 <3 p"
    assert message.entities[0].url == "https://kpu.go.id?a=1&b=2"
    assert standin.answers == {400: 10, 200: 2}
    assert len(standin.sent_to(1)) == 2


def test_parse_html_offsets():
    text, entities = parse_html("\U0001f600 <b>x</b><blockquote expandable>q</blockquote>")
    assert text == "\U0001f600 xq"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 1},
        {"type": "expandable_blockquote", "offset": 4, "length": 1},
    ]
    with pytest.raises(ValueError, match=r'(?i)unsupported start tag "br" at byte offset 2'):
        parse_html("ab<br>")


async def test_chat_state_errors(standin, bot):
    standin.block(10)
    standin.deactivate(11)
    standin.forget(12)
    standin.migrate(-13, -1000000000013)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(10, "x")
    with pytest.raises(Forbidden, match="user is deactivated"):
        await bot.send_message(11, "x")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(12, "x")
    with pytest.raises(ChatMigrated) as migrated:
        await bot.send_message(-13, "x")
    assert migrated.value.new_chat_id == -1000000000013
    await bot.send_message(-1000000000013, "x")
    standin.unblock(10)
    await bot.send_message(10, "x")
    assert standin.answers == {403: 2, 400: 2, 200: 2}
    assert standin.sent_to(12) == []
    assert len(standin.messages) == 2


async def test_fail_next(standin, bot):
    standin.fail_next(2, status=429, retry_after=7)
    for _ in range(2):
        with pytest.raises(RetryAfter) as exc:
            await bot.send_message(5, "x")
        assert seconds(exc.value) == 7
    standin.fail_next(1, status=500)
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_message(5, "x")
    standin.fail_next(1, status=502, method="sendChatAction")
    await bot.send_message(5, "x")  # not a sendChatAction: unaffected
    with pytest.raises(NetworkError):
        await bot.send_chat_action(5, "typing")
    assert standin.answers == {429: 2, 500: 1, 200: 1}
    assert standin.faults == {"429": 2, "500": 1, "502": 1}
    assert len(standin.sent_to(5)) == 1


async def test_dropped_answer_and_timeout_faults(standin):
    request = HTTPXRequest(read_timeout=0.3, connect_timeout=1)
    async with Bot(standin.token, base_url=standin.base_url, request=request) as bot:
        standin.fail_next(1, status="drop")
        with pytest.raises(NetworkError):
            await bot.send_message(7, "lost answer")
        assert [m["text"] for m in standin.sent_to(7)] == ["lost answer"]  # delivered anyway
        standin.fault_delay = 1.0
        standin.fail_next(1, status="timeout")
        with pytest.raises(TimedOut):
            await bot.send_message(7, "never")
        assert len(standin.sent_to(7)) == 1
        await bot.send_message(7, "after")
    assert standin.faults == {"drop": 1, "timeout": 1}


async def test_random_faults_are_counted():
    standin = StandIn(fault_rate=0.5, seed=7, fault_delay=0.05)
    await standin.start()
    try:
        await send_with_random_faults(standin)
    finally:
        await standin.stop()


async def send_with_random_faults(standin):
    async with httpx.AsyncClient(base_url=standin.base_url + standin.token) as client:
        outcomes = []
        for i in range(60):
            try:
                response = await client.post("/sendMessage", json={"chat_id": 3, "text": f"m{i}"})
                outcomes.append(response.status_code)
            except httpx.HTTPError:
                outcomes.append("closed")
    assert sum(standin.faults.values()) == sum(1 for o in outcomes if o != 200)
    assert 10 < sum(standin.faults.values()) < 50
    assert set(standin.faults) <= {"500", "502", "timeout", "drop", "429"}
    assert len(standin.sent_to(3)) == outcomes.count(200) + standin.faults["drop"]


async def test_get_updates_long_poll_and_offsets(standin, bot):
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()
    standin.user_message(42, "/start ref", first_name="Budi", username="budi")
    updates = await asyncio.wait_for(poll, 2)
    assert loop.time() - started < 1.5
    assert len(updates) == 1
    message = updates[0].message
    assert message.text == "/start ref"
    assert message.from_user.first_name == "Budi"
    assert message.chat.id == 42
    assert message.chat.type == "private"
    assert message.entities[0].type == "bot_command"
    assert message.entities[0].length == 6
    # Not confirmed yet: returned again; user message ids share the per-chat counter.
    standin.user_message(42, "dua")
    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [updates[0].update_id, updates[0].update_id + 1]
    assert again[1].message.message_id == 2
    sent = await bot.send_message(42, "balas")
    assert sent.message_id == 3
    after = await bot.get_updates(offset=again[-1].update_id + 1, timeout=0)
    assert after == ()
    assert standin.stats()["pending_updates"] == 0


async def test_a_message_with_a_lone_surrogate_is_delivered_with_a_replacement_and_polling_goes_on(standin, bot):
    # Telegram carries only valid UTF-8: a lone surrogate a test injects arrives as U+FFFD.
    standin.user_message(42, "rusak \ud800 di sini")
    async with httpx.AsyncClient(base_url=standin.control_url) as control:
        raw = b'{"chat_id": 43, "text": "juga \\udfff rusak", "first_name": "\\ud83d\\ude00 \\udc00"}'
        response = await control.post("/message", content=raw, headers={"Content-Type": "application/json"})
        assert response.status_code == 200
        assert response.json()["message"]["text"] == "juga \ufffd rusak"
    updates = await bot.get_updates(timeout=0)
    assert [u.message.text for u in updates] == ["rusak \ufffd di sini", "juga \ufffd rusak"]
    assert updates[1].message.from_user.first_name == "\U0001f600 \ufffd"  # a valid pair stays one emoji
    standin.user_message(42, "berikutnya")
    after = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    assert [u.message.text for u in after] == ["berikutnya"]


async def test_concurrent_get_updates_conflict(standin, bot):
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{standin.base_url}{standin.token}/getUpdates", data={"timeout": 0})
    assert response.json() == {"ok": True, "result": []}
    from telegram.error import Conflict

    with pytest.raises(Conflict):
        await asyncio.wait_for(first, 2)


async def test_press_button_and_answer(standin, bot):
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Daftar", callback_data="reg:1")]])
    sent = await bot.send_message(42, "Pilih", reply_markup=markup)
    update_dict = standin.press_button(42, sent.message_id, "reg:1")
    second = standin.press_button(42, sent.message_id, "reg:1")
    assert update_dict["callback_query"]["id"] != second["callback_query"]["id"]
    update = Update.de_json(json.loads(json.dumps(update_dict)), bot)
    query = update.callback_query
    assert query.data == "reg:1"
    assert query.from_user.id == 42
    assert query.message.message_id == sent.message_id
    assert query.message.reply_markup == markup
    updates = await bot.get_updates(timeout=0)
    assert updates[0].callback_query.data == "reg:1"
    assert await bot.answer_callback_query(query.id, text="Oke", show_alert=True)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query.id)
    assert standin.callback_answers == [{"callback_query_id": query.id, "text": "Oke", "show_alert": True}]
    with pytest.raises(KeyError):
        standin.press_button(42, 99, "x")


async def test_edit_and_delete(standin, bot):
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
    sent = await bot.send_message(42, "satu", reply_markup=markup)
    edited = await bot.edit_message_text("dua", chat_id=42, message_id=sent.message_id, reply_markup=markup)
    assert edited.text == "dua"
    assert edited.edit_date is not None
    record = standin.sent_to(42)[0]
    assert record["text"] == "dua"
    assert record["edited"] is True
    assert record["reply_markup"] is not None
    assert standin.messages[0] is record
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("dua", chat_id=42, message_id=sent.message_id, reply_markup=markup)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=42, message_id=77)
    await bot.edit_message_reply_markup(chat_id=42, message_id=sent.message_id, reply_markup=None)
    assert standin.sent_to(42)[0]["reply_markup"] is None
    # The callback query carries the edited message.
    query = standin.press_button(42, sent.message_id, "a")["callback_query"]
    assert query["message"]["text"] == "dua"
    assert "reply_markup" not in query["message"]
    assert await bot.delete_message(42, sent.message_id)
    assert standin.sent_to(42) == []
    assert len(standin.messages) == 1
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(42, sent.message_id)


async def test_send_document_and_photo_multipart(standin):
    bot = Bot(standin.token, base_url=standin.base_url, base_file_url=standin.base_file_url)
    async with bot:
        await check_uploads(standin, bot)


async def check_uploads(standin, bot):
    payload = b"nama,tps\nBudi,12\n" * 100
    message = await bot.send_document(42, payload, filename="dpt.csv", caption="<i>DPT</i>", parse_mode="HTML")
    assert message.document.file_name == "dpt.csv"
    assert message.document.file_size == len(payload)
    assert message.caption == "DPT"
    photo = await bot.send_photo(42, b"\x89PNG\r\n\x1a\n" + bytes(range(256)), filename="tps.png")
    assert photo.photo[0].file_size == 264
    record, photo_record = standin.sent_to(42)
    assert record["document"]["filename"] == "dpt.csv"
    assert record["document"]["data"] == payload
    assert record["method"] == "sendDocument"
    assert record["text"] == "<i>DPT</i>"
    assert photo_record["photo"]["data"].startswith(b"\x89PNG")
    assert photo_record["method"] == "sendPhoto"
    # Re-sending by file_id works; the file can be downloaded.
    again = await bot.send_document(43, message.document.file_id)
    assert again.document.file_id == message.document.file_id
    file = await bot.get_file(message.document.file_id)
    assert bytes(await file.download_as_bytearray()) == payload
    assert standin.answers == {200: 3}


async def test_copy_forward_and_commands(standin, bot):
    from telegram import BotCommand, BotCommandScopeChat

    sent = await bot.send_message(42, "sumber")
    copied = await bot.copy_message(43, 42, sent.message_id)
    forwarded = await bot.forward_message(44, 42, sent.message_id)
    assert copied.message_id == 1
    assert forwarded.text == "sumber"
    assert standin.sent_to(43)[0]["text"] == "sumber"
    assert standin.sent_to(44)[0]["method"] == "forwardMessage"
    assert standin.calls["copyMessage"] == 1
    assert standin.answers[200] == 3
    assert await bot.set_my_commands([BotCommand("start", "Mulai"), BotCommand("jadwal", "Jadwal")])
    assert await bot.set_my_commands([BotCommand("admin", "Admin")], scope=BotCommandScopeChat(42))
    assert [c.command for c in await bot.get_my_commands()] == ["start", "jadwal"]
    assert standin.commands["default"][1] == {"command": "jadwal", "description": "Jadwal"}
    scoped = standin.commands['{"chat_id": 42, "type": "chat"}']
    assert scoped == [{"command": "admin", "description": "Admin"}]
    with pytest.raises(BadRequest):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()
    assert await bot.send_chat_action(42, "typing")
    assert await bot.delete_webhook()
    info = await bot.get_webhook_info()
    assert info.url == ""
    assert info.pending_update_count == 0


async def test_global_rate_limit():
    server = StandIn(rate_limit=10)
    await server.start()
    try:
        async with Bot(server.token, base_url=server.base_url) as bot:
            results = await asyncio.gather(
                *(bot.send_message(100 + i, f"m{i}") for i in range(30)), return_exceptions=True
            )
        accepted = [r for r in results if not isinstance(r, BaseException)]
        limited = [r for r in results if isinstance(r, RetryAfter)]
        # 30 at once: 10 in the first second; on a loaded machine the burst may straddle a second,
        # so a few more can pass, but never more than 10 in any 1-second window.
        assert len(accepted) + len(limited) == 30
        assert 10 <= len(accepted) <= 15
        assert all(seconds(r) == 1 for r in limited)
        assert server.answers == {200: len(accepted), 429: len(limited)}
        assert server.max_in_window() == 10
        assert server.rate_limited == {"global": len(limited)}
    finally:
        await server.stop()


async def test_chat_limit():
    server = StandIn(chat_limit=True)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"{server.base_url}{server.token}") as client:
            first = await client.post("/sendMessage", json={"chat_id": 1, "text": "a"})
            second = await client.post("/sendMessage", json={"chat_id": 1, "text": "b"})
            other = await client.post("/sendMessage", json={"chat_id": 2, "text": "a"})
            group = [await client.post("/sendMessage", json={"chat_id": -5, "text": str(i)}) for i in range(21)]
        assert first.status_code == 200
        assert other.status_code == 200
        assert second.status_code == 429
        assert second.json() == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        }
        assert [r.status_code for r in group] == [200] * 20 + [429]
        assert group[-1].json()["parameters"]["retry_after"] > 50
    finally:
        await server.stop()


def test_max_in_window_and_duplicates():
    server = StandIn()
    server._accepted.extend([0.0, 0.1, 0.5, 0.99, 1.0, 1.05, 1.2, 3.0])
    assert server.max_in_window() == 5  # 0.1 .. 1.05 (a gap of exactly 1.0 s is outside)
    for chat_id, text in [(1, "a"), (1, "a"), (1, "a"), (1, "b"), (2, "a"), (3, "c"), (3, "c")]:
        server.messages.append({"chat_id": chat_id, "text": text, "method": "sendMessage"})
    assert server.dup_count() == 3
    assert server.stats()["per_chat_counts_over_1"] == 2
    server._accepted[:] = [i / 64 for i in range(100_000)]  # 64 per second (exact floats), 100k entries
    started = time.perf_counter()
    assert server.max_in_window() == 64
    assert time.perf_counter() - started < 1.0


async def test_raw_http(standin):
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{standin.port}") as client:
        response = await client.get("/botWRONG:TOKEN/getMe")
        assert response.status_code == 401
        assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
        response = await client.post(f"/bot{TOKEN}/noSuchMethod")
        assert response.status_code == 404
        assert response.json()["description"] == "Not Found: method not found"
        # Method names are case-insensitive; query string and JSON params work.
        response = await client.get(f"/bot{TOKEN}/GETME")
        assert response.json()["result"]["username"] == "kpu_demo_bot"
        response = await client.get(f"/bot{TOKEN}/sendmessage?chat_id=9&text=hai")
        assert response.json()["result"]["message_id"] == 1
        markup = {"inline_keyboard": [[{"text": "x", "callback_data": "d" * 65}]]}
        response = await client.post(
            f"/bot{TOKEN}/sendMessage", json={"chat_id": 9, "text": "t", "reply_markup": markup}
        )
        assert response.json()["description"] == "Bad Request: BUTTON_DATA_INVALID"

        async def chunks():
            yield b'{"chat_id": 9, '
            yield b'"text": "chunked"}'

        response = await client.post(
            f"/bot{TOKEN}/sendMessage", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert response.json()["result"]["text"] == "chunked"
        assert (await client.get(f"/file/bot{TOKEN}/documents/nothing.csv")).status_code == 404
    assert standin.calls["sendMessage"] == 3
    assert standin.calls["noSuchMethod"] == 1

    # Keep-alive: several requests over one raw connection.
    reader, writer = await asyncio.open_connection("127.0.0.1", standin.port)
    body = b"chat_id=9&text=ka"
    request = (
        f"POST /bot{TOKEN}/sendMessage HTTP/1.1\r\nHost: x\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    writer.write(request * 3)
    for _ in range(3):
        head = await reader.readuntil(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200 OK")
        length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
        assert json.loads(await reader.readexactly(length))["ok"] is True
    writer.close()
    assert len(standin.sent_to(9)) == 5


async def test_control_api(standin, bot):
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{standin.port}/_control") as control:
        user = {"chat_id": 77, "text": "/start", "first_name": "Sari"}
        response = await control.post("/message", json=user)
        assert response.status_code == 200
        assert response.json()["message"]["text"] == "/start"
        updates = await bot.get_updates(timeout=1)
        assert updates[0].message.from_user.first_name == "Sari"
        sent = await bot.send_message(77, "Halo Sari")
        await bot.send_message(78, "Halo")
        await bot.send_message(78, "Halo")

        press = {"chat_id": 77, "message_id": sent.message_id, "data": "x"}
        response = await control.post("/press", json=press)
        assert response.json()["callback_query"]["message"]["text"] == "Halo Sari"

        messages = (await control.get("/messages", params={"chat_id": 78})).json()
        assert [m["text"] for m in messages] == ["Halo", "Halo"]
        assert abs(messages[0]["time"] - time.time()) < 5
        assert [m["seq"] for m in (await control.get("/messages", params={"since": 2})).json()] == [2]

        assert (await control.post("/block", json={"chat_id": 79})).json() == {"ok": True}
        with pytest.raises(Forbidden):
            await bot.send_message(79, "x")
        await control.post("/migrate", json={"chat_id": -80, "new_chat_id": -1000000000080})
        with pytest.raises(ChatMigrated):
            await bot.send_message(-80, "x")
        await control.post("/fail_next", json={"n": 1, "status": 429, "retry_after": 3})
        with pytest.raises(RetryAfter):
            await bot.send_message(77, "x")

        stats = (await control.get("/stats")).json()
        assert stats["calls"]["sendMessage"] == 6
        assert stats["answers"] == {"200": 3, "400": 1, "403": 1, "429": 1}
        assert stats["faults"] == {"429": 1}
        assert stats["sent"] == 3
        assert stats["max_in_window"] == 3
        assert stats["per_chat_counts_over_1"] == 1
        assert stats["dup_count"] == 1

        assert (await control.post("/reset_stats")).json() == {"ok": True}
        stats = (await control.get("/stats")).json()
        assert stats["sent"] == 0
        assert stats["calls"] == {}
        assert stats["answers"] == {}
        assert (await control.get("/nope")).status_code == 404
        assert (await control.post("/message", json={"text": "no chat"})).status_code == 400


async def test_wait_helpers(standin, bot):
    async def later():
        await asyncio.sleep(0.05)
        await bot.send_message(5, "a")
        await bot.send_message(5, "b")

    task = asyncio.create_task(later())
    messages = await standin.wait_messages(5, 2, timeout=2)
    assert [m["text"] for m in messages] == ["a", "b"]
    await task
    with pytest.raises(TimeoutError, match="expected >= 3 messages in chat 5"):
        await standin.wait_messages(5, 3, timeout=0.05)
    with pytest.raises(TimeoutError):
        await standin.wait_for(lambda: False, timeout=0.05)


def test_command_line_process():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH")))))
    process = subprocess.Popen(
        [sys.executable, "-m", "standin", "--port", "0", "--rate", "30"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline().strip()
        assert line.startswith("standin listening on http://127.0.0.1:")
        assert line.endswith("/bot")
        base = line.split()[-1][: -len("/bot")]
        with httpx.Client(base_url=base) as client:
            client.post("/_control/message", json={"chat_id": 1, "text": "hi"})
            updates = client.post(f"/bot{TOKEN}/getUpdates", json={"timeout": 0}).json()["result"]
            assert updates[0]["message"]["text"] == "hi"
            client.post(f"/bot{TOKEN}/sendMessage", data={"chat_id": 1, "text": "halo"})
            stats = client.get("/_control/stats").json()
            assert stats["sent"] == 1
            assert stats["calls"] == {"getUpdates": 1, "sendMessage": 1}
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=5) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


async def test_application_polling_end_to_end(standin):
    from telegram.ext import Application, CallbackQueryHandler, CommandHandler

    async def start(update, context):
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ya", callback_data="yes")]])
        await update.message.reply_text(f"Halo {update.effective_user.first_name}", reply_markup=markup)

    async def button(update, context):
        await update.callback_query.answer("Oke")
        await update.callback_query.edit_message_text("Terima kasih")

    app = Application.builder().token(standin.token).base_url(standin.base_url).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(button))
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        standin.user_message(42, "/start", first_name="Budi")
        (message,) = await standin.wait_messages(42, 1, timeout=5)
        assert message["text"] == "Halo Budi"
        standin.press_button(42, message["message_id"], "yes")
        await standin.wait_for(lambda: standin.sent_to(42)[0]["edited"], timeout=5)
        assert standin.sent_to(42)[0]["text"] == "Terima kasih"
        assert standin.callback_answers[0]["text"] == "Oke"
        await app.updater.stop()
        await app.stop()
    assert standin.stats()["pending_updates"] == 0


async def test_get_chat_member_knows_the_group_admins_set_by_the_test(standin, bot):
    standin.set_admins(-70, [1, 2])
    statuses = [(await bot.get_chat_member(-70, user)).status for user in (1, 2, 3)]
    assert statuses == ["creator", "administrator", "member"]
    assert (await bot.get_chat_member(5, 5)).status == "member"  # a private chat: its user
    standin.block(-70)
    with pytest.raises(Forbidden):
        await bot.get_chat_member(-70, 1)


def test_every_control_endpoint_is_in_the_readme_and_nothing_else_is():
    """README.md, "The Telegram stand-in and its control API", lists the endpoints standin/control.py serves."""
    root = Path(__file__).resolve().parent.parent
    code = (root / "standin" / "control.py").read_text(encoding="utf-8")
    served = set(re.findall(r'name == "(\w+)"', code))
    for group in re.findall(r"name in \(([^)]*)\)", code):
        served |= set(re.findall(r'"(\w+)"', group))
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The Telegram stand-in and its control API", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    documented = {name for row in rows for name in re.findall(r"`(\w+)`", row)}
    assert len(served) >= 15
    assert documented == served
    assert "curl" in section
    assert "/_control/" in section


async def test_latency_holds_each_answer_back_but_the_message_arrives_at_once():
    far = StandIn(latency=0.3)
    await far.start()
    try:
        async with Bot(far.token, base_url=far.base_url) as telegram_bot:
            sending = asyncio.create_task(telegram_bot.send_message(5, "jauh"))
            await far.wait_for(lambda: far.messages or None, timeout=5)  # taken (and counted) on arrival
            assert not sending.done()  # the answer is still on its way back
            assert (await sending).text == "jauh"
    finally:
        await far.stop()
