"""End to end: people talking to the real bot over HTTP through the local Telegram stand-in."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

import pytest

from bot.content import texts
from bot.schedule import loading
from tests.conftest import TZ, make_schedule
from tests.e2e import TOKEN, Harness

ASN, KADES, VOTER, OUTSIDER = 11, 22, 33, 44


@pytest.fixture
def default_schedule():
    return loading.load("config/pilkada2024.toml")


def buttons(message: dict) -> list[tuple[str, str]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [(b["text"], b["callback_data"]) for row in rows for b in row if "callback_data" in b]


async def subscribe_all(h: Harness) -> None:
    for chat_id, role in [(ASN, "asn"), (KADES, "kades"), (VOTER, "pemilih")]:
        await h.say(chat_id, f"/start {role}")


async def test_start_offers_roles_and_stores_the_choice(tmp_path, default_schedule):
    async with Harness(tmp_path, default_schedule) as h:
        [welcome] = await h.say(VOTER, "/start")
        assert "Selamat datang" in welcome["text"]
        assert texts.STORED["id"] in welcome["text"]  # says what it stores, as /privasi does
        assert buttons(welcome) == [
            ("ASN", "role:asn"),
            ("Kepala Desa & Perangkat Desa", "role:kades"),
            ("Pemilih", "role:pemilih"),
        ]
        await h.press(VOTER, welcome, "role:kades")
        await h.standin.wait_for(lambda: "Terima kasih" in h.standin.sent_to(VOTER)[-1]["text"])
        confirmation = h.standin.sent_to(VOTER)[-1]["text"]
        assert "Anda terdaftar sebagai <b>Kepala Desa &amp; Perangkat Desa</b>" in confirmation
        assert h.store.subscriber(VOTER).role == "kades"
        [again] = await h.say(VOTER, "/start")
        assert "sudah berlangganan" in again["text"]
        assert ("✓ Kepala Desa & Perangkat Desa", "role:kades") in buttons(again)
        assert h.store.subscriber(VOTER).role == "kades"


async def test_deep_link_subscribes_at_once(tmp_path, default_schedule):
    async with Harness(tmp_path, default_schedule) as h:
        [reply] = await h.say(KADES, "/start kades")
        assert "Anda terdaftar sebagai <b>Kepala Desa &amp; Perangkat Desa</b>" in reply["text"]
        assert h.store.subscriber(KADES).role == "kades"
        assert h.store.subscriber(KADES).status == "active"


async def test_jadwal_shows_the_official_dates(tmp_path, default_schedule):
    async with Harness(tmp_path, default_schedule) as h:
        [reply] = await h.say(VOTER, "/jadwal")
        text = reply["text"]
        assert "<b>Pemungutan suara</b>\n    Rabu, 27 November 2024" in text
        assert "Rabu, 25 September – Sabtu, 23 November 2024" in text
        assert "Semua tahapan telah selesai" in text  # today is after the 2024 election
        assert "27 Oktober" not in text


async def test_a_due_reminder_reaches_exactly_its_roles(tmp_path, soon):
    schedule = make_schedule(
        [
            {"id": "khusus-asn", "at": soon(600), "roles": ["asn"], "text": "<b>Netral</b> ASN"},
            {"id": "semua", "at": soon(600), "roles": ["asn", "kades", "pemilih"], "text": "<b>Ke TPS</b>"},
        ]
    )
    async with Harness(tmp_path, schedule) as h:
        await subscribe_all(h)
        await h.say(OUTSIDER, "/jadwal")  # talks to the bot but never subscribes
        await h.reach("semua")
        await h.standin.wait_for(lambda: h.texts_to(VOTER)[-1:] == ["<b>Ke TPS</b>"], timeout=15)
        await h.standin.wait_for(lambda: "<b>Netral</b> ASN" in h.texts_to(ASN), timeout=15)
        await h.standin.wait_for(lambda: "<b>Ke TPS</b>" in h.texts_to(KADES), timeout=15)
        await asyncio.sleep(1)
        assert h.texts_to(ASN).count("<b>Netral</b> ASN") == 1
        assert h.texts_to(ASN).count("<b>Ke TPS</b>") == 1
        assert "<b>Netral</b> ASN" not in h.texts_to(KADES) + h.texts_to(VOTER)
        assert len(h.texts_to(OUTSIDER)) == 1
        assert h.store.broadcast("semua").n_sent == 3


async def test_missed_reminder_is_sent_at_start_and_expired_one_never(tmp_path, soon):
    schedule = make_schedule(
        [
            {"id": "terlewat", "at": soon(-3600), "expires": soon(3600), "roles": ["pemilih"], "text": "telat"},
            {"id": "kedaluwarsa", "at": soon(-7200), "expires": soon(-60), "roles": ["pemilih"], "text": "basi"},
        ]
    )
    h = Harness(tmp_path, schedule)
    await h.standin.start()
    h.store = None
    from bot.store import Store

    store = Store(h.db_path)  # the person subscribed while the bot was down
    store.subscribe(VOTER, "pemilih")
    store.close()
    await h.start_bot()
    try:
        await h.standin.wait_for(lambda: "telat" in h.texts_to(VOTER), timeout=15)
        await asyncio.sleep(1)
        assert h.texts_to(VOTER) == ["telat"]
        assert h.store.broadcast("kedaluwarsa") is None
    finally:
        await h.stop_bot()
        await h.standin.stop()


async def test_restart_sends_nothing_twice(tmp_path, soon):
    schedule = make_schedule([{"id": "sekali", "at": soon(600), "roles": ["pemilih"], "text": "sekali saja"}])
    async with Harness(tmp_path, schedule, subscribers=[(VOTER, "pemilih")]) as h:
        await h.reach("sekali")
        await h.standin.wait_for(lambda: "sekali saja" in h.texts_to(VOTER), timeout=15)
        await h.stop_bot()
        await h.start_bot()
        await h.stop_bot()
        # the schedule edited, id kept: still not sent again
        edited = make_schedule([{"id": "sekali", "at": soon(-1), "roles": ["pemilih"], "text": "teks baru"}])
        await h.start_bot(edited)
        await asyncio.sleep(2)
        assert h.texts_to(VOTER).count("sekali saja") == 1
        assert "teks baru" not in h.texts_to(VOTER)


async def test_berhenti_stops_messages(tmp_path, soon):
    schedule = make_schedule([{"id": "nanti", "at": soon(600), "roles": ["pemilih"], "text": "untuk pemilih"}])
    async with Harness(tmp_path, schedule) as h:
        await h.say(VOTER, "/start pemilih")
        await h.say(ASN, "/start pemilih")
        [reply] = await h.say(VOTER, "/berhenti")
        assert "berhenti berlangganan" in reply["text"]
        await h.reach("nanti")
        await h.standin.wait_for(lambda: "untuk pemilih" in h.texts_to(ASN), timeout=15)
        await asyncio.sleep(0.5)
        assert "untuk pemilih" not in h.texts_to(VOTER)
        assert h.store.subscriber(VOTER).status == "stopped"
        [reply] = await h.say(OUTSIDER, "/stop")
        assert "belum berlangganan" in reply["text"]


async def test_hapus_leaves_no_row_about_the_person(tmp_path, soon):
    schedule = make_schedule([{"id": "r", "at": soon(600), "roles": ["pemilih"], "text": "halo"}])
    async with Harness(tmp_path, schedule, subscribers=[(VOTER, "pemilih")]) as h:
        await h.reach("r")
        await h.standin.wait_for(lambda: "halo" in h.texts_to(VOTER), timeout=15)
        assert "telah dihapus" in await h.forget(VOTER)
        db = h.store.db
        for table in db.table_names():
            columns = [c.name for c in db[table].columns]
            if "chat_id" in columns:
                assert db.execute(f"SELECT count(*) FROM [{table}] WHERE chat_id = ?", [VOTER]).fetchone()[0] == 0


async def test_a_chat_that_blocked_the_bot_is_marked_and_not_tried_again(tmp_path, soon):
    schedule = make_schedule(
        [
            {"id": "satu", "at": soon(600), "roles": ["pemilih"], "text": "satu"},
            {"id": "dua", "at": soon(1200), "roles": ["pemilih"], "text": "dua"},
        ]
    )
    h = Harness(tmp_path, schedule, subscribers=[(VOTER, "pemilih"), (ASN, "pemilih")])
    h.standin.block(VOTER)
    async with h:
        await h.reach("satu")
        await h.standin.wait_for(lambda: getattr(h.store.broadcast("satu"), "status", None) == "done", timeout=15)
        await h.reach("dua")
        await h.standin.wait_for(lambda: "dua" in h.texts_to(ASN), timeout=15)
        await asyncio.sleep(0.5)
        assert h.store.subscriber(VOTER).status == "blocked"
        assert h.store.broadcast("satu").n_blocked == 1
        # one attempt for "satu", none for "dua"
        assert [d["status"] for d in h.store.deliveries_of(VOTER)] == ["blocked"]


async def test_stray_updates_get_a_short_answer_or_nothing(tmp_path, default_schedule):
    async with Harness(tmp_path, default_schedule) as h:
        [reply] = await h.say(VOTER, "halo bot")
        assert "/bantuan" in reply["text"]
        [reply] = await h.say(VOTER, "/tidakada")
        assert "Perintah tidak dikenal" in reply["text"]
        [reply] = await h.say(VOTER, "/start guru")  # unknown deep-link payload: the normal welcome
        assert "Silakan pilih peran" in reply["text"]
        [welcome] = await h.say(VOTER, "/start")
        answer = await h.press(VOTER, welcome, "role:presiden")  # forged button data
        assert "tidak berlaku" in answer.get("text", "")
        answer = await h.press(VOTER, welcome, "xx" * 30)
        assert "tidak berlaku" in answer.get("text", "")
        assert h.store.subscriber(VOTER) is None
        h.standin.add_update(
            {
                "edited_message": {
                    "message_id": 99,
                    "date": 0,
                    "chat": {"id": VOTER, "type": "private"},
                    "from": {"id": VOTER, "is_bot": False, "first_name": "U"},
                    "text": "/jadwal",
                }
            }
        )
        h.standin.user_message(-500, "obrolan grup", chat_type="group", user_id=VOTER)
        [reply] = await h.say(VOTER, "/bantuan")  # still alive and answering
        assert "/jadwal" in reply["text"]
        assert len(h.standin.sent_to(-500)) == 0


async def test_the_token_never_appears_in_the_log(tmp_path, soon, caplog):
    from bot.log_privacy import setup_logging

    setup_logging(logging.DEBUG, token=TOKEN)
    schedule = make_schedule([{"id": "r", "at": soon(600), "roles": ["pemilih"], "text": "halo"}])
    caplog.set_level(logging.DEBUG)
    handler_texts = []

    class Capture(logging.Handler):
        def emit(self, record):
            handler_texts.append(self.format(record))

    capture = Capture()
    from bot.log_privacy import REDACT

    capture.addFilter(REDACT)
    logging.getLogger().addHandler(capture)
    logging.getLogger("httpx").setLevel(logging.DEBUG)
    try:
        async with Harness(tmp_path, schedule, subscribers=[(VOTER, "pemilih")]) as h:
            await h.say(VOTER, "/jadwal")
            h.standin.fail_next(1, status=500)
            await h.reach("r")
            await h.standin.wait_for(lambda: "halo" in h.texts_to(VOTER), timeout=20)
    finally:
        logging.getLogger().removeHandler(capture)
    assert any("sendMessage" in t or "getUpdates" in t for t in handler_texts)
    assert all(TOKEN not in t for t in handler_texts)
    assert any("[TOKEN]" in t for t in handler_texts)


async def test_commands_are_registered_with_telegram(tmp_path, default_schedule):
    async with Harness(tmp_path, default_schedule) as h:
        await h.standin.wait_for(lambda: h.standin.commands, timeout=5)
        names = [c["command"] for c in next(iter(h.standin.commands.values()))]
        assert {"start", "jadwal", "netralitas", "tps", "berhenti", "hapus", "bantuan", "peran"} <= set(names)


async def test_netralitas_and_tps_answer_from_the_schedule(tmp_path, default_schedule):
    async with Harness(tmp_path, default_schedule) as h:
        await h.say(ASN, "/start asn")
        today = datetime.now(TZ).date()  # pages show their dated parts (the local cases) from their date
        [reply] = await h.say(ASN, "/netralitas")
        assert reply["text"] == default_schedule.page("netralitas_asn", today)
        assert "Desember 2024" in reply["text"]  # shown today, long after the cases were decided
        [reply] = await h.say(KADES, "/netralitas")
        assert reply["text"].startswith(default_schedule.page("netralitas_pemilih", today))
        assert "/start" in reply["text"]
        [reply] = await h.say(VOTER, "/tps")
        assert reply["text"] == default_schedule.page("tps", today)


async def test_peran_changes_the_role(tmp_path, default_schedule):
    async with Harness(tmp_path, default_schedule) as h:
        await h.say(VOTER, "/start pemilih")
        [menu] = await h.say(VOTER, "/peran")
        assert menu["text"] == "Pilih peran Anda:"
        assert ("✓ Pemilih", "role:pemilih") in buttons(menu)
        await h.press(VOTER, menu, "role:asn")
        await h.standin.wait_for(lambda: "Anda terdaftar sebagai <b>ASN" in h.texts_to(VOTER)[-1])
        assert h.store.subscriber(VOTER).role == "asn"
