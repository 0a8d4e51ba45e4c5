"""The stage dates as a calendar file (button and `ics`), and the posters' links."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import icalendar

from bot.schedule import loading
from tests.e2e import TOKEN, Harness, add_subscribers
from tests.test_cli import ROOT, bot
from tests.test_corrections import ID_USER, buttons


async def test_calendar_button_sends_an_ics_file_matching_the_schedule(tmp_path, soon):
    schedule = loading.load("config/pilkada2024.toml")
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


def test_cli_ics_poster_and_purge(tmp_path, soon):
    import zxingcpp
    from PIL import Image

    out = tmp_path / "jadwal.ics"
    assert bot("ics", "--out", str(out)).returncode == 0
    schedule = loading.load("config/pilkada2024.toml")
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
    assert store.deliveries_of(1) == []
    assert store.broadcast("lama").n_sent == 2
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
            sys.executable,
            "bot.py",
            "poster",
            "--role",
            "kades",
            "--out",
            str(out),
            "--token",
            TOKEN,
            "--api-url",
            standin.base_url,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 0, stderr.decode()
        link = "https://t.me/kpu_uji_bot?start=kades"
        assert link in stdout.decode()
        [code] = zxingcpp.read_barcodes(Image.open(out))
        assert code.text == link
        assert standin.calls["getMe"] == 1
    finally:
        await standin.stop()
