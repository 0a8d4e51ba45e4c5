"""Reach and trust: English, calendar, corrections, quiet tips, webhook, secrets."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import textwrap
import time
from datetime import datetime

import httpx
import icalendar

from bot.schedule import model as sched
from tests.conftest import TZ, make_schedule, schedule_toml
from tests.e2e import TOKEN, Harness, add_subscribers
from tests.test_cli import ROOT, bot

EN, ID_USER = 61, 62

STAGES = textwrap.dedent(
    """
    [[stage]]
    id = "kampanye"
    name = "Masa kampanye"
    name_en = "Campaign period"
    start = {kampanye_start}
    end = 2030-11-23

    [[stage]]
    id = "pemungutan-suara"
    name = "Pemungutan suara"
    start = 2030-11-27
    """
)


def stages(kampanye_start="2030-09-25"):
    return STAGES.format(kampanye_start=kampanye_start)


def buttons(message: dict) -> dict[str, str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row}


async def test_english_user_gets_english_and_bahasa_switches(tmp_path, soon):
    schedule = make_schedule(
        [{"id": "r", "at": soon(3), "roles": ["pemilih"], "text": "<b>Ke TPS</b>", "text_en": "<b>Go vote</b>"}],
        stages(),
    )
    async with Harness(tmp_path, schedule) as h:
        [welcome] = await h.say(EN, "/start", language_code="en-GB")
        assert "Welcome" in welcome["text"] and "Please choose your role" in welcome["text"]
        assert "Voter" in buttons(welcome)
        await h.say(ID_USER, "/start pemilih", language_code="id")
        await h.press(EN, welcome, buttons(welcome)["Voter"])
        await h.standin.wait_for(lambda: "You are registered as <b>Voter</b>" in h.texts_to(EN)[-1])
        [schedule_reply] = await h.say(EN, "/jadwal")
        assert "Campaign period" in schedule_reply["text"] and "Wednesday, 27 November 2030" in schedule_reply["text"]
        await h.standin.wait_for(lambda: "<b>Go vote</b>" in h.texts_to(EN) and "<b>Ke TPS</b>" in h.texts_to(ID_USER))
        [prompt] = await h.say(EN, "/bahasa")
        await h.press(EN, prompt, buttons(prompt)["Bahasa Indonesia"])
        await h.standin.wait_for(lambda: "Bahasa diubah" in h.texts_to(EN)[-1])
        [reply] = await h.say(EN, "/jadwal", language_code="en")  # the choice beats the app's language
        assert "Masa kampanye" in reply["text"] and "Rabu, 27 November 2030" in reply["text"]
        assert h.store.subscriber(EN).language == "id"
        [help_reply] = await h.say(ID_USER, "/help")
        assert "Daftar perintah" in help_reply["text"]


async def test_calendar_button_sends_an_ics_file_matching_the_schedule(tmp_path, soon):
    schedule = sched.load("config/pilkada2024.toml")
    async with Harness(tmp_path, schedule) as h:
        [reply] = await h.say(ID_USER, "/jadwal")
        await h.press(ID_USER, reply, buttons(reply)["📅 Tambah ke kalender"])
        await h.standin.wait_for(lambda: h.standin.sent_to(ID_USER)[-1].get("document"))
        doc = h.standin.sent_to(ID_USER)[-1]["document"]
        assert doc["filename"] == "jadwal-pilkada.ics"
        cal = icalendar.Calendar.from_ical(doc["data"])
        events = {str(e["UID"]).split("@")[0]: e for e in cal.walk("VEVENT")}
        for stage in schedule.stages:
            event = events[stage.id]
            assert event["DTSTART"].dt == stage.start
            assert (event["DTEND"].dt - stage.end).days == 1


def daytime_clock():
    """A clock a few hours behind when it is night in Jakarta, so corrections are not held for 06.00."""
    now = datetime.now(TZ)
    if 6 <= now.hour < 21:
        return time.time
    behind = (now - now.replace(hour=12, minute=0, second=0, microsecond=0)).total_seconds() % 86400
    return lambda: time.time() - behind


def soon_by(clock):
    """Like the `soon` fixture, on ``clock``: reminder times must follow the clock the bot is given."""
    return lambda seconds: datetime.fromtimestamp(clock() + seconds, TZ)


async def test_a_changed_stage_date_sends_one_correction_to_those_told(tmp_path, soon):
    clock = daytime_clock()
    soon = soon_by(clock)
    told = [(300 + i, "pemilih") for i in range(3)]
    later = [(400, "pemilih")]
    schedule = make_schedule(
        [{"id": "jelang-kampanye", "at": soon(1), "roles": ["pemilih"], "stage": "kampanye", "text": "kampanye"}],
        stages(),
    )
    async with Harness(tmp_path, schedule, subscribers=told, clock=clock) as h:
        await h.standin.wait_for(lambda: all("kampanye" in h.texts_to(c) for c, _ in told))
        await h.stop_bot()
        add_subscribers(h.db_path, later)  # subscribed after the announcement: never told the old date
        moved = make_schedule(
            [{"id": "jelang-kampanye", "at": soon(-60), "roles": ["pemilih"], "stage": "kampanye", "text": "x"}],
            stages("2030-09-28"),
        )
        await h.start_bot(moved)
        await h.standin.wait_for(lambda: all(any("Ralat" in t for t in h.texts_to(c)) for c, _ in told), 15)
        correction = [t for t in h.texts_to(300) if "Ralat" in t][0]
        assert "<s>Rabu, 25 September – Sabtu, 23 November 2030</s>" in correction
        assert "<b>Sabtu, 28 September – Sabtu, 23 November 2030</b>" in correction
        await h.stop_bot()
        await h.start_bot(moved)  # a second start sends nothing again
        await asyncio.sleep(1.5)
        for chat, _ in told:
            assert sum("Ralat" in t for t in h.texts_to(chat)) == 1
        assert not any("Ralat" in t for t in h.texts_to(400))


def test_check_and_plan_list_pending_corrections(tmp_path, soon):
    from bot.delivery.scheduler import send_corrections
    from bot.store import Store

    db = tmp_path / "bot.db"
    first = tmp_path / "first.toml"
    first.write_text(schedule_toml([{"id": "r", "at": soon(60), "roles": ["asn"]}], stages()), encoding="utf-8")
    store = Store(db)
    send_corrections(sched.load(first), store)  # the bot started once with these dates
    store.subscribe(1, "asn")  # ... and told subscriber 1 about the stage (nobody told: nothing to correct)
    store.create_broadcast("r", text="x", roles=["asn"], at=0, expires=1, stage="kampanye")
    store.enqueue("r", now=0)
    store.finish("r", 1, "sent")
    store.close()
    second = tmp_path / "second.toml"
    second.write_text(
        schedule_toml([{"id": "r", "at": soon(60), "roles": ["asn"]}], stages("2030-09-28")), encoding="utf-8"
    )
    for command in (["check", str(second)], ["plan", "--schedule", str(second)]):
        result = bot(*command, "--database", str(db))
        assert result.returncode == 0, result.stderr
        assert "correction pending: stage kampanye moved from 2030-09-25..2030-11-23 to 2030-09-28" in result.stdout
        assert "1 subscribers who were told will get a 'Ralat'" in result.stdout


async def test_silent_reminders_go_without_notification(tmp_path, soon):
    schedule = make_schedule(
        [
            {"id": "tip", "at": soon(1), "roles": ["asn"], "text": "tip", "silent": True},
            {"id": "penting", "at": soon(1), "roles": ["asn"], "text": "penting"},
        ]
    )
    async with Harness(tmp_path, schedule, subscribers=[(500, "asn")]) as h:
        await h.standin.wait_messages(500, 2)
        by_text = {m["text"]: m for m in h.standin.sent_to(500)}
        assert by_text["tip"]["disable_notification"] is True
        assert not by_text["penting"]["disable_notification"]


def test_check_warns_about_night_reminders_and_moves_them_to_morning(tmp_path):
    path = tmp_path / "night.toml"
    path.write_text(
        textwrap.dedent(
            """
            [election]
            name = "X"
            region = "Y"
            timezone = "Asia/Jakarta"

            [[reminder]]
            id = "larut"
            at = 2030-01-01T22:30:00
            expires = 2030-01-02T12:00:00
            roles = ["asn"]
            text = "malam"

            [[reminder]]
            id = "sengaja"
            at = 2030-01-01T23:00:00
            night = true
            roles = ["asn"]
            text = "malam"
            """
        ),
        encoding="utf-8",
    )
    result = bot("check", str(path))
    assert result.returncode == 0
    assert 'warning: reminder "larut": field "at": 2030-01-01 22:30 is at night' in result.stderr
    assert "starts at 2030-01-02 06:00" in result.stderr
    assert "sengaja" not in result.stderr
    moved = sched.load(path).reminder("larut")
    assert (moved.at.hour, moved.at.day) == (6, 2)
    assert sched.load(path).reminder("sengaja").at.hour == 23


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_webhook_refuses_requests_without_the_secret(tmp_path, soon):
    schedule = make_schedule([{"id": "r", "at": soon(3600), "roles": ["asn"]}])
    port = free_port()
    overrides = {"webhook_url": "https://bot.example.go.id/tg-hook", "webhook_port": port,
                 "webhook_secret": "rahasia-123"}  # fmt: skip
    h = Harness(tmp_path, schedule, overrides=overrides)
    await h.standin.start()
    try:
        await h.start_bot()
        update = {
            "update_id": 1,
            "message": {"message_id": 1, "date": 0, "chat": {"id": 77, "type": "private"},
                        "from": {"id": 77, "is_bot": False, "first_name": "A"}, "text": "/bantuan",
                        "entities": [{"type": "bot_command", "offset": 0, "length": 8}]},
        }  # fmt: skip
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
    assert output.count("cannot start") == 1 and len(output.strip().splitlines()) == 1  # one line, logged once


def test_an_uncaught_exception_is_redacted_too():
    code = (
        "from bot.settings import setup_logging\n"
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
        assert "tidak</b> menyimpan NIK, nomor telepon" in reply["text"] and "UU 27/2022" in reply["text"]
        [welcome] = await h.say(ID_USER, "/start")
        assert "/privasi" in welcome["text"]


def test_cli_ics_poster_and_purge(tmp_path, soon):
    import zxingcpp
    from PIL import Image

    out = tmp_path / "jadwal.ics"
    assert bot("ics", "--out", str(out)).returncode == 0
    schedule = sched.load("config/pilkada2024.toml")
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    assert len([e for e in cal.walk("VEVENT")]) == len(schedule.stages) + 1  # plus the TPS hours
    poster = tmp_path / "asn.png"
    result = bot("poster", "--role", "asn", "--out", str(poster), "--username", "kpu_tulungagung_bot")
    assert result.returncode == 0, result.stderr
    [code] = zxingcpp.read_barcodes(Image.open(poster))
    assert code.text == "https://t.me/kpu_tulungagung_bot?start=asn"
    assert bot("poster", "--role", "guru", "--out", str(poster), "--username", "x_bot_x").returncode == 2

    from bot.store import SENT, Store

    db = tmp_path / "bot.db"
    add_subscribers(str(db), [(1, "asn"), (2, "asn")])
    store = Store(db)
    store.create_broadcast("lama", text="x", roles=["asn"], at=0, expires=10)
    store.enqueue("lama", now=0)
    for job in store.take(10, now=0):
        store.finish("lama", job.chat_id, SENT, now=100)
    store.close()
    result = bot("purge", "--before", "2025-03-01", "--yes", "--database", str(db))
    assert result.returncode == 0, result.stderr
    assert "Deleted 2 delivery records" in result.stdout
    store = Store(db)
    assert store.deliveries_of(1) == [] and store.broadcast("lama").n_sent == 2
    store.close()
    assert bot("purge", "--before", "kemarin", "--database", str(db)).returncode == 2


async def test_poster_asks_telegram_for_the_username(tmp_path):
    import zxingcpp
    from PIL import Image

    from standin import StandIn

    standin = StandIn(token=TOKEN, bot_username="kpu_uji_bot")
    await standin.start()
    try:
        out = tmp_path / "kades.png"
        process = await asyncio.create_subprocess_exec(
            sys.executable, "bot.py", "poster", "--role", "kades", "--out", str(out), "--token", TOKEN,
            "--api-url", standin.base_url, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 0, stderr.decode()
        link = "https://t.me/kpu_uji_bot?start=kades"
        assert link in stdout.decode()
        [code] = zxingcpp.read_barcodes(Image.open(out))
        assert code.text == link
        assert standin.calls["getMe"] == 1
    finally:
        await standin.stop()
