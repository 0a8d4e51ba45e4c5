"""What stays secret: the webhook's secret, the token in crash output; and /privasi on what is stored."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import httpx

from tests.conftest import make_schedule
from tests.e2e import TOKEN, Harness
from tests.test_cli import ROOT
from tests.test_corrections import ID_USER, free_port


async def test_webhook_refuses_requests_without_the_secret(tmp_path, soon):
    schedule = make_schedule([{"id": "r", "at": soon(3600), "roles": ["asn"]}])
    port = free_port()
    overrides = {
        "webhook_url": "https://bot.example.go.id/tg-hook",
        "webhook_port": port,
        "webhook_secret": "rahasia-123",
    }
    h = Harness(tmp_path, schedule, overrides=overrides)
    await h.standin.start()
    try:
        await h.start_bot()
        update = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 77, "type": "private"},
                "from": {"id": 77, "is_bot": False, "first_name": "A"},
                "text": "/bantuan",
                "entities": [{"type": "bot_command", "offset": 0, "length": 8}],
            },
        }
        url = f"http://127.0.0.1:{port}/tg-hook"
        async with httpx.AsyncClient() as client:
            missing = await client.post(url, json=update)
            wrong = await client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "salah"})
            assert (missing.status_code, wrong.status_code) == (403, 403)
            await asyncio.sleep(0.5)
            assert h.standin.sent_to(77) == []
            right = await client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "rahasia-123"})
            assert right.status_code == 200
        await h.standin.wait_messages(77, 1)
        assert "Daftar perintah" in h.texts_to(77)[0]
        assert h.standin.calls["setWebhook"] == 1
    finally:
        await h.stop_bot()
        await h.standin.stop()


def test_the_token_stays_out_of_crash_output(tmp_path):
    closed = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=f"http://127.0.0.1:{closed}/bot", BOT_DATABASE=str(tmp_path / "x.db")
    )
    result = subprocess.run(
        [sys.executable, "bot.py", "run"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "cannot start: Telegram is unreachable at http://127.0.0.1" in output
    assert TOKEN not in output
    assert output.count("cannot start") == 1
    assert len(output.strip().splitlines()) == 1


def test_an_uncaught_exception_is_redacted_too():
    code = (
        "from bot.log_privacy import setup_logging\n"
        f"setup_logging(token={TOKEN!r})\n"
        f"raise RuntimeError('request to https://api.telegram.org/bot{TOKEN}/getMe failed')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert "RuntimeError: request to https://api.telegram.org/bot[TOKEN]/getMe failed" in result.stderr
    assert TOKEN not in result.stderr


async def test_privasi_says_what_is_stored(tmp_path, soon):
    async with Harness(tmp_path, make_schedule([{"id": "r", "at": soon(3600), "roles": ["asn"]}])) as h:
        [reply] = await h.say(ID_USER, "/privasi")
        assert "tidak</b> menyimpan NIK, nomor telepon" in reply["text"]
        assert "UU 27/2022" in reply["text"]
        [welcome] = await h.say(ID_USER, "/start")
        assert "/privasi" in welcome["text"]
