"""Each voter's own TPS, end to end through the stand-in: the step after the desa, /tps and its pin,
/wilayah, deep links, {my_tps} in reminders with their pins, and the correction when a TPS moves."""

from __future__ import annotations

import dataclasses
import time
from datetime import datetime, timedelta

import pytest

from bot.content import button_data
from bot.content.button_data import AreaStep, TpsAction
from bot.schedule import loading
from tests.conftest import TZ, schedule_toml
from tests.e2e import Harness, ShiftedClock
from tests.test_areas_subscribers import buttons, tap, welcome_and_role

ALICE, BUDI, CITRA = 201, 202, 203

AREAS = """
[[area]]
id = "kedungwaru"
name = "Kedungwaru"
desa = ["Bangoan", "Ketanon"]

[[area]]
id = "tulungagung"
name = "Tulungagung"
"""
CSV = """# CONTOH: data uji
Kecamatan;Desa/Kelurahan;No TPS;Lokasi;Latitude;Longitude;DPT
Kedungwaru;Bangoan;1;Halaman Balai Desa Bangoan;-8,0712;111,9021;412
Kedungwaru;Bangoan;007;Balai Dusun Krajan, RT 02 RW 01;-8,0751;111,9073;298
Kedungwaru;Ketanon;1;Gedung PKK Desa Ketanon;;;351
Tulungagung;Kepatihan;01;Pendopo Kelurahan Kepatihan;-8,0651;111,8998;402
"""
VOTING_EVE = {
    "id": "malam",
    "at": datetime(2040, 1, 1, 12, tzinfo=TZ),
    "roles": ["pemilih"],
    "text": "Besok memilih. 📍 {my_tps}",
}
FAR = {"id": "kelak", "at": datetime(2041, 1, 1, 8, tzinfo=TZ), "roles": ["pemilih"]}


def tps_schedule(tmp_path, csv: str = CSV, reminders=(FAR,), venue: bool = False):
    (tmp_path / "tps.csv").write_text(csv, encoding="utf-8")
    text = schedule_toml(list(reminders)).replace(
        'timezone = "Asia/Jakarta"',
        'timezone = "Asia/Jakarta"\ntps_file = "tps.csv"\ntps_open = "07:00"\ntps_close = "13:00"',
    )
    if venue:
        text = text.replace('id = "malam"', 'id = "malam"\nvenue = true')
    return loading.parse(text + AREAS, str(tmp_path / "jadwal.toml"), str(tmp_path))


@pytest.fixture
def schedule(tmp_path):
    return tps_schedule(tmp_path)


async def to_desa(h: Harness, chat_id: int, desa: str = "Bangoan", **kwargs) -> dict:
    step = await welcome_and_role(h, chat_id, **kwargs)
    step = await tap(h, chat_id, step, "Kedungwaru")
    return await tap(h, chat_id, step, desa)


# --- the step after the desa ----------------------------------------------------------------------------


async def test_after_the_desa_the_tps_is_asked_and_stored(tmp_path, schedule):
    async with Harness(tmp_path, schedule) as h:
        step = await to_desa(h, ALICE)
        assert "Wilayah disimpan: <b>Bangoan, Kedungwaru</b>" in step["text"]
        assert "Nomor TPS Anda?" in step["text"]
        assert list(buttons(step)) == ["TPS 001", "TPS 007", "Lewati"]
        step = await tap(h, ALICE, step, "TPS 007")
        assert "Anda terdaftar sebagai <b>Pemilih</b>" in step["text"]
        assert "TPS disimpan: <b>TPS 007 Bangoan</b>, Kec. Kedungwaru — Balai Dusun Krajan, RT 02 RW 01" in step["text"]
        sub = h.store.subscriber(ALICE)
        assert (sub.area, sub.desa, sub.tps) == ("kedungwaru", "bangoan", 7)


async def test_the_tps_step_can_be_skipped(tmp_path, schedule):
    async with Harness(tmp_path, schedule) as h:
        step = await to_desa(h, ALICE)
        step = await tap(h, ALICE, step, "Lewati")
        assert "Tanpa nomor TPS. Pilih kapan saja dengan /tps." in step["text"]
        assert h.store.subscriber(ALICE).tps is None
        assert h.store.subscriber(ALICE).desa == "bangoan"


async def test_english_subscribers_get_the_tps_step_in_english(tmp_path, schedule):
    async with Harness(tmp_path, schedule) as h:
        step = await to_desa(h, ALICE, role_label="Voter", language_code="en")
        assert "Your polling station (TPS) number?" in step["text"]
        step = await tap(h, ALICE, step, "TPS 001")
        assert "TPS saved: <b>TPS 001 Bangoan</b>, Kedungwaru district — Halaman Balai Desa Bangoan" in step["text"]
        [answer, pin, _guide] = await h.say(ALICE, "/tps", n=3, language_code="en")
        assert "Your polling station: TPS 001" in answer["text"]
        assert pin["venue"]["title"] == "TPS 001 Bangoan"


async def test_a_desa_without_tps_in_the_file_asks_nothing_more(tmp_path, schedule):
    async with Harness(tmp_path, schedule) as h:
        step = await to_desa(h, ALICE, desa="Ketanon")
        assert "Nomor TPS Anda?" in step["text"]  # Ketanon has TPS 1
        step = await tap(h, ALICE, step, "TPS 001")
        [answer, guide] = await h.say(ALICE, "/tps", n=2)
        assert "Gedung PKK Desa Ketanon" in answer["text"]
        assert "Titik lokasi di peta belum tersedia untuk TPS ini." in answer["text"]  # no coordinates: no pin
        assert guide["text"].startswith("<b>TPS</b> buka")


# --- /tps -------------------------------------------------------------------------------------------------


async def test_tps_shows_the_own_tps_its_pin_and_the_guide(tmp_path, schedule):
    week_before = datetime(2024, 11, 20, 10, tzinfo=TZ).timestamp() - time.time()
    async with Harness(tmp_path, schedule, clock=ShiftedClock(week_before)) as h:
        await tap(h, ALICE, await to_desa(h, ALICE), "TPS 007")
        [answer, pin, guide] = await h.say(ALICE, "/tps", n=3)
        assert "<b>📍 TPS Anda: TPS 007</b>" in answer["text"]
        assert "Bangoan, Kec. Kedungwaru\nBalai Dusun Krajan, RT 02 RW 01" in answer["text"]
        assert "Buka pukul <b>07.00–13.00 WIB</b> pada Rabu, 27 November 2024." in answer["text"]
        assert "DPT TPS ini: 298 pemilih." in answer["text"]
        assert pin["method"] == "sendVenue"
        assert pin["venue"]["title"] == "TPS 007 Bangoan"
        assert pin["venue"]["address"] == "Balai Dusun Krajan, RT 02 RW 01"
        assert (pin["venue"]["latitude"], pin["venue"]["longitude"]) == (-8.0751, 111.9073)
        assert guide["text"] == "<b>TPS</b> buka 07.00–13.00 WIB"


async def test_tps_without_a_tps_lists_the_desa_and_picks_one(tmp_path, schedule):
    async with Harness(tmp_path, schedule) as h:
        await tap(h, ALICE, await to_desa(h, ALICE), "Lewati")
        [listing] = await h.say(ALICE, "/tps")
        assert "<b>TPS di Bangoan, Kec. Kedungwaru</b>" in listing["text"]
        assert "• <b>TPS 007</b>: Balai Dusun Krajan, RT 02 RW 01" in listing["text"]
        step = await tap(h, ALICE, listing, "TPS 001")
        assert "TPS disimpan: <b>TPS 001 Bangoan</b>" in step["text"]
        assert h.store.subscriber(ALICE).tps == 1


async def test_a_desa_with_many_tps_lists_one_page_at_a_time_within_telegrams_limit(tmp_path):
    place = "Gedung Serbaguna Dusun Krajan Kidul, Jalan Raya Kedungwaru-Bangoan, RT 02 RW 01, " * 2
    rows = "".join(f"Kedungwaru;Bangoan;{n};{place.strip()} ({n});-8,07;111,90;300\n" for n in range(1, 50))
    schedule = tps_schedule(tmp_path, CSV.split("Kedungwaru;Bangoan;1")[0] + rows)
    async with Harness(tmp_path, schedule) as h:
        await tap(h, ALICE, await to_desa(h, ALICE), "Lewati")
        [listing] = await h.say(ALICE, "/tps")
        assert len(listing["text"]) < 4096
        assert "• <b>TPS 012</b>" in listing["text"]
        assert "TPS 013" not in listing["text"]  # on the next page, with its button
        page = await tap(h, ALICE, listing, "▶")
        assert "• <b>TPS 013</b>" in page["text"]
        assert "• <b>TPS 012</b>" not in page["text"]
        assert "TPS 013" in buttons(page)
        await tap(h, ALICE, page, "TPS 020")
        assert h.store.subscriber(ALICE).tps == 20


async def test_tps_without_a_desa_asks_for_it_first(tmp_path, schedule):
    async with Harness(tmp_path, schedule) as h:
        step = await welcome_and_role(h, ALICE)
        await tap(h, ALICE, step, "Lewati")
        [question] = await h.say(ALICE, "/tps")
        assert "pilih dulu kecamatan dan desa/kelurahan Anda" in question["text"]
        step = await tap(h, ALICE, question, "Kedungwaru")
        step = await tap(h, ALICE, step, "Bangoan")
        assert "<b>TPS di Bangoan, Kec. Kedungwaru</b>" in step["text"]
        step = await tap(h, ALICE, step, "TPS 007")
        assert h.store.subscriber(ALICE).tps == 7


async def test_tps_for_someone_not_subscribed_is_the_guide_and_a_hint(tmp_path, schedule):
    async with Harness(tmp_path, schedule) as h:
        [answer] = await h.say(ALICE, "/tps")
        assert answer["text"].startswith("<b>TPS</b> buka 07.00–13.00 WIB")
        assert "berlangganan dulu dengan /start" in answer["text"]


async def test_without_a_tps_file_tps_is_the_guide_as_before(tmp_path):
    schedule = loading.parse(schedule_toml([FAR]) + AREAS)
    async with Harness(tmp_path, schedule) as h:
        step = await to_desa(h, ALICE)
        assert "Nomor TPS" not in step["text"]
        assert not buttons(step)
        [answer] = await h.say(ALICE, "/tps")
        assert answer["text"] == "<b>TPS</b> buka 07.00–13.00 WIB"


async def test_a_tps_button_of_another_desa_is_stale(tmp_path, schedule):
    async with Harness(tmp_path, schedule) as h:
        step = await to_desa(h, ALICE)
        h.store.set_area(ALICE, "kedungwaru", "ketanon")  # changed meanwhile, e.g. in another message
        answer = await h.press(ALICE, step, buttons(step)["TPS 007"])
        assert answer["text"] == "Tombol ini sudah tidak berlaku. Ketik /start untuk memulai lagi."
        assert h.store.subscriber(ALICE).tps is None
        forged = button_data.tps(AreaStep.AFTER_START, TpsAction.CHOOSE, 7, "abcdef")
        answer = await h.press(ALICE, step, forged)
        assert "tidak berlaku" in answer["text"]


# --- /wilayah, deep links, privacy --------------------------------------------------------------------------


async def test_wilayah_shows_changes_and_removes_the_tps(tmp_path, schedule):
    async with Harness(tmp_path, schedule) as h:
        await tap(h, ALICE, await to_desa(h, ALICE), "TPS 007")
        [area] = await h.say(ALICE, "/wilayah")
        assert "TPS Anda: <b>TPS 007 Bangoan</b>" in area["text"]
        step = await tap(h, ALICE, area, "Ganti TPS")
        assert list(buttons(step)) == ["TPS 001", "TPS 007", "Batal", "Hapus TPS"]
        step = await tap(h, ALICE, step, "TPS 001")
        assert h.store.subscriber(ALICE).tps == 1
        [area] = await h.say(ALICE, "/wilayah")
        step = await tap(h, ALICE, await tap(h, ALICE, area, "Ganti TPS"), "Hapus TPS")
        assert step["text"] == "Nomor TPS dihapus. Wilayah Anda tetap: <b>Bangoan, Kedungwaru</b>."
        assert h.store.subscriber(ALICE).tps is None
        # another desa drops the TPS of the old one
        h.store.set_tps(ALICE, 7)
        h.store.set_area(ALICE, "kedungwaru", "ketanon")
        assert h.store.subscriber(ALICE).tps is None


async def test_a_poster_link_at_one_tps_subscribes_with_that_tps(tmp_path, schedule):
    async with Harness(tmp_path, schedule) as h:
        [reply] = await h.say(ALICE, "/start pemilih-kedungwaru-bangoan-007")
        assert "Wilayah disimpan: <b>Bangoan, Kedungwaru</b>" in reply["text"]
        assert "TPS disimpan: <b>TPS 007 Bangoan</b>" in reply["text"]
        sub = h.store.subscriber(ALICE)
        assert (sub.role, sub.area, sub.desa, sub.tps) == ("pemilih", "kedungwaru", "bangoan", 7)
        [reply] = await h.say(BUDI, "/start pemilih-kedungwaru-bangoan-099")  # no such TPS: the desa's step
        assert "Nomor TPS Anda?" in reply["text"]
        step = await tap(h, BUDI, reply, "TPS 001")
        assert "TPS disimpan: <b>TPS 001 Bangoan</b>" in step["text"]


async def test_privacy_names_the_tps_and_hapus_deletes_it(tmp_path, schedule):
    async with Harness(tmp_path, schedule) as h:
        await tap(h, ALICE, await to_desa(h, ALICE), "TPS 007")
        [privacy] = await h.say(ALICE, "/privasi")
        assert "kecamatan/desa dan TPS (bila dipilih)" in privacy["text"]
        assert "wilayah dan TPS" in await h.forget(ALICE)
        assert h.store.subscriber(ALICE) is None


# --- {my_tps} and the pin in reminders -------------------------------------------------------------------------


async def test_a_reminder_names_each_recipients_own_tps_and_sends_the_pin(tmp_path):
    schedule = tps_schedule(tmp_path, reminders=[VOTING_EVE, FAR], venue=True)
    async with Harness(tmp_path, schedule) as h:
        await tap(h, ALICE, await to_desa(h, ALICE), "TPS 007")
        await tap(h, BUDI, await to_desa(h, BUDI, desa="Ketanon"), "TPS 001")  # no coordinates
        await tap(h, CITRA, await to_desa(h, CITRA, role_label="Voter", language_code="en"), "Skip")
        before = {c: len(h.standin.sent_to(c)) for c in (ALICE, BUDI, CITRA)}
        await h.reach("malam")
        [text, pin] = (await h.standin.wait_messages(ALICE, before[ALICE] + 2))[before[ALICE] :]
        assert text["text"] == (
            "Besok memilih. 📍 <b>TPS 007 Bangoan</b>, Kec. Kedungwaru — Balai Dusun Krajan, RT 02 RW 01"
        )
        assert pin["method"] == "sendVenue"
        assert pin["venue"]["address"] == "Balai Dusun Krajan, RT 02 RW 01"
        [text] = (await h.standin.wait_messages(BUDI, before[BUDI] + 1))[before[BUDI] :]
        assert "<b>TPS 001 Ketanon</b>" in text["text"]
        [text] = (await h.standin.wait_messages(CITRA, before[CITRA] + 1))[before[CITRA] :]
        assert text["text"].startswith("Besok memilih. 📍 Your TPS number and location are on your voting invitation.")
        await h.standin.wait_for(lambda: h.store.broadcast("malam").status == "done")
        assert len(h.standin.sent_to(BUDI)) == before[BUDI] + 1  # no pin without coordinates
        assert len(h.standin.sent_to(CITRA)) == before[CITRA] + 1


# --- when a TPS moves -------------------------------------------------------------------------------------------


async def test_a_moved_tps_is_corrected_once_for_those_who_chose_it(tmp_path, schedule):
    clock_day = datetime(2024, 11, 27, 8, tzinfo=TZ)  # voting day: corrections go at once
    async with Harness(tmp_path, schedule) as h:
        await tap(h, ALICE, await to_desa(h, ALICE), "TPS 007")
        await tap(h, BUDI, await to_desa(h, BUDI), "TPS 001")
        await tap(h, CITRA, await to_desa(h, CITRA, role_label="Voter", language_code="en"), "TPS 007")
        await h.stop_bot()
        moved = CSV.replace("Balai Dusun Krajan, RT 02 RW 01", "SDN 3 Bangoan (pindah karena banjir)")
        h.clock.offset = clock_day.timestamp() - datetime.now(TZ).timestamp()
        before = {c: len(h.standin.sent_to(c)) for c in (ALICE, BUDI, CITRA)}
        await h.start_bot(tps_schedule(tmp_path, moved))
        [notice] = (await h.standin.wait_messages(ALICE, before[ALICE] + 1))[before[ALICE] :]
        assert notice["text"].startswith("<b>Ralat lokasi TPS</b>")
        assert "<s>Balai Dusun Krajan, RT 02 RW 01</s>" in notice["text"]
        assert "<b>SDN 3 Bangoan (pindah karena banjir)</b>" in notice["text"]
        [notice] = (await h.standin.wait_messages(CITRA, before[CITRA] + 1))[before[CITRA] :]
        assert notice["text"].startswith("<b>Correction: polling station (TPS) location</b>")
        assert "TPS 007 Bangoan, Kedungwaru district has moved:\n<s>Balai Dusun Krajan" in notice["text"]
        await h.standin.wait_for(lambda: all(b.status == "done" for b in h.store.recent_broadcasts(5)))
        assert len(h.standin.sent_to(BUDI)) == before[BUDI]
        await h.stop_bot()
        await h.start_bot()  # the same file again: nothing more
        [tps] = await h.say(ALICE, "/tps", n=1)
        assert "SDN 3 Bangoan" in tps["text"]
        assert sum("Ralat lokasi TPS" in t for t in h.texts_to(ALICE)) == 1


def voter_at_tps_007(store) -> None:
    """Chat 1: a voter who gave TPS 007 Bangoan, Kedungwaru."""
    store.subscribe(1, "pemilih")
    store.set_area(1, "kedungwaru", "bangoan")
    store.set_tps(1, 7)


def test_a_correction_waits_for_the_morning_unless_it_is_voting_day(tmp_path):
    from bot.delivery.scheduler import send_corrections
    from bot.store import Store

    schedule = tps_schedule(tmp_path)
    with Store(tmp_path / "moves.db") as store:
        voter_at_tps_007(store)
        night = datetime(2024, 11, 20, 23, 30, tzinfo=TZ)
        send_corrections(schedule, store, night.timestamp())
        tps = dataclasses.replace(schedule.tps[1], location="Tempat baru")
        moved = dataclasses.replace(schedule, tps=(schedule.tps[0], tps, *schedule.tps[2:]))
        [move] = send_corrections(moved, store, night.timestamp())
        b = store.broadcast(move.broadcast_id)
        assert datetime.fromtimestamp(b.at, TZ) == datetime(2024, 11, 21, 6, tzinfo=TZ)
        assert b.total == 1
        assert send_corrections(moved, store, (night + timedelta(hours=1)).timestamp()) == []


def at_location(schedule, place: str):
    """The schedule with TPS 007 Bangoan at ``place``."""
    tps = dataclasses.replace(schedule.tps[1], location=place)
    return dataclasses.replace(schedule, tps=(schedule.tps[0], tps, *schedule.tps[2:]))


def test_a_tps_that_moves_back_and_forth_is_corrected_every_time(tmp_path):
    from bot.delivery.scheduler import send_corrections
    from bot.store import Store

    schedule = tps_schedule(tmp_path)
    with Store(tmp_path / "moves.db") as store:
        voter_at_tps_007(store)
        day = datetime(2024, 11, 20, 9, tzinfo=TZ)
        send_corrections(schedule, store, day.timestamp())
        sent = []
        for hour, place in enumerate(["SDN 3 Bangoan", "Balai Dusun Krajan", "SDN 3 Bangoan"], start=1):
            [move] = send_corrections(at_location(schedule, place), store, (day + timedelta(hours=hour)).timestamp())
            sent.append((move.old_location, move.tps.location, store.broadcast(move.broadcast_id).total))
        assert sent == [  # the flood comes, goes and comes back: three notices, the last one right
            ("Balai Dusun Krajan, RT 02 RW 01", "SDN 3 Bangoan", 1),
            ("SDN 3 Bangoan", "Balai Dusun Krajan", 1),
            ("Balai Dusun Krajan", "SDN 3 Bangoan", 1),
        ]


def test_a_tps_moved_on_voting_day_after_the_close_sends_nothing(tmp_path):
    from bot.delivery.scheduler import send_corrections
    from bot.store import Store

    schedule = tps_schedule(tmp_path)
    with Store(tmp_path / "moves.db") as store:
        voter_at_tps_007(store)
        send_corrections(schedule, store, datetime(2024, 11, 27, 6, tzinfo=TZ).timestamp())
        evening = datetime(2024, 11, 27, 22, 30, tzinfo=TZ)  # counting is over, people are asleep
        assert send_corrections(at_location(schedule, "SDN 3 Bangoan"), store, evening.timestamp()) == []
        assert store.known_tps_locations()["kedungwaru/bangoan/007"][0] == "SDN 3 Bangoan"
        assert not any(b.id.startswith("ralat-tps:") for b in store.recent_broadcasts(10))


def test_a_new_election_forgets_every_tps_number_but_keeps_the_desa(tmp_path):
    from bot.store import Store

    with Store(tmp_path / "bot.db") as store:
        voter_at_tps_007(store)
        store.remember_tps_locations([("kedungwaru/bangoan/007", "Balai Dusun Krajan", None, None)])
        store.archive_election("Pilkada Uji", "2024-11-27")
        sub = store.subscriber(1)
        assert (sub.area, sub.desa, sub.tps) == ("kedungwaru", "bangoan", None)
        assert store.known_tps_locations() == {}
        assert not store.set_tps(2, 7)  # no such subscriber
