"""Operator tools in Telegram, end to end through the stand-in."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta

from bot.content import operator_strings, operator_texts
from tests.conftest import TZ, make_schedule
from tests.e2e import Harness

OP1, OP2, NOBODY = 7001, 7002, 7003
PEOPLE = (
    [(100 + i, "asn") for i in range(3)]
    + [(200 + i, "kades") for i in range(3)]
    + [(300 + i, "pemilih") for i in range(4)]
)


def schedule(soon):
    return make_schedule([{"id": "nanti", "at": soon(86400), "roles": ["pemilih"], "text": "nanti"}])


def buttons(message: dict) -> dict[str, str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row if "callback_data" in b}


def last(h: Harness, chat_id: int) -> dict:
    return h.standin.sent_to(chat_id)[-1]


async def compose(h: Harness, op: int, roles: list[str], text: str) -> dict:
    """Go through /siaran up to the preview; return the message with Send / Cancel."""
    [menu] = await h.say(op, "/siaran")
    labels = {"asn": "☐ ASN", "kades": "☐ Kepala Desa", "pemilih": "☐ Pemilih"}
    for role in roles:
        await h.press(op, menu, buttons(last(h, op))[labels[role]])
    await h.press(op, menu, buttons(last(h, op))["Lanjut ▶"])
    preview, summary = await h.say(op, text, n=2)
    assert preview["text"] == text  # exactly what recipients will see
    return summary


async def test_operator_commands_are_unknown_to_everyone_else(tmp_path, soon):
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1]) as h:
        for command in ["/statistik", "/siaran", "/batal", "/rencana", "/laporan", "/audit"]:
            [reply] = await h.say(NOBODY, command)
            assert reply["text"] == "Perintah tidak dikenal. Ketik /bantuan untuk daftar perintah."
        scoped = [k for k in h.standin.commands if str(OP1) in k]
        assert scoped, h.standin.commands.keys()
        assert "siaran" in [c["command"] for c in h.standin.commands[scoped[0]]]
        default = h.standin.commands["default"]
        assert "siaran" not in [c["command"] for c in default]


async def test_siaran_flow_reaches_exactly_the_chosen_roles(tmp_path, soon):
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1], subscribers=PEOPLE, rate_limit=50) as h:
        summary = await compose(h, OP1, ["asn", "kades"], "<b>TPS 12 pindah</b> ke balai desa")
        assert "Penerima: <b>6</b> (ASN, Kepala Desa)" in summary["text"]
        assert "Perkiraan durasi" in summary["text"]
        await h.press(OP1, summary, buttons(summary)["Kirim"])
        await h.standin.wait_for(lambda: "selesai" in last(h, OP1)["text"] and last(h, OP1).get("edited"), 20)
        status = last(h, OP1)["text"]
        assert "Terkirim 6 dari 6 (100%)" in status
        for chat, role in PEOPLE:
            got = "<b>TPS 12 pindah</b> ke balai desa" in h.texts_to(chat)
            assert got == (role in ("asn", "kades")), (chat, role)
        # The bot keeps the name an operator has in Telegram when they use it, and shows it with the id.
        [listing] = await h.say(OP1, "/laporan", first_name="Siti")
        assert "6/6 terkirim" in listing["text"]
        assert "siaran:1" in listing["text"]
        assert "\n  TPS 12 pindah ke balai desa\n  oleh Siti (7001)" in listing["text"]
        [detail] = await h.say(OP1, "/laporan siaran:1", first_name="Siti")  # the id as listed, typed back
        assert "Terkirim 6 dari 6" in detail["text"]
        assert detail["text"].endswith("\noleh Siti (7001)")
        actions = [r["action"] for r in h.store.audit_trail()]
        assert actions[::-1] == ["siaran: mulai", "siaran: kirim"]
        [trail] = await h.say(OP1, "/audit", first_name="Siti")
        assert " · Siti (7001) · siaran: kirim siaran:1 " in trail["text"]


async def test_bad_html_is_refused_before_the_preview(tmp_path, soon):
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1], subscribers=PEOPLE) as h:
        [menu] = await h.say(OP1, "/siaran")
        await h.press(OP1, menu, buttons(last(h, OP1))["☐ Pemilih"])
        await h.press(OP1, menu, buttons(last(h, OP1))["Lanjut ▶"])
        [reply] = await h.say(OP1, "<b>tidak ditutup")
        assert reply["text"].startswith("Teks ditolak:")
        # Where the problem is and how to fix it, in the operator's language.
        assert "baris 1, kolom 1" in reply["text"]
        assert "tambahkan &lt;/b&gt;" in reply["text"]
        [reply] = await h.say(OP1, "x" * 5000)
        assert "4096" in reply["text"]
        assert h.store.recent_broadcasts() == []


async def test_double_send_sends_once_and_stale_buttons_are_explained(tmp_path, soon):
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1], subscribers=PEOPLE) as h:
        summary = await compose(h, OP1, ["pemilih"], "sekali saja")
        send = buttons(summary)["Kirim"]
        first = await h.press(OP1, summary, send)
        second = await h.press(OP1, summary, send)
        assert "sudah dikirim" in second.get("text", "")
        assert first.get("text") == "Dikirim."
        await h.standin.wait_for(lambda: all("sekali saja" in h.texts_to(c) for c, r in PEOPLE if r == "pemilih"))
        await h.stop_bot()
        await h.start_bot()  # a stale button after a restart
        again = await h.press(OP1, summary, send)
        assert "sudah dikirim" in again.get("text", "")
        await asyncio.sleep(0.5)
        assert sum(h.texts_to(c).count("sekali saja") for c, _ in PEOPLE) == 4
        assert len([b for b in h.store.recent_broadcasts() if b.kind == "adhoc"]) == 1


async def test_two_operator_approval_and_no_self_approval(tmp_path, soon):
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1, OP2], approvals=2, subscribers=PEOPLE) as h:
        summary = await compose(h, OP1, ["kades"], "perlu disetujui")
        await h.press(OP1, summary, buttons(summary)["Ajukan untuk disetujui"])
        await h.standin.wait_for(lambda: "Persetujuan diperlukan" in (h.texts_to(OP2) or [""])[-1])
        request = last(h, OP2)
        assert f"Operator Uji ({OP1}) ingin mengirim siaran di atas" in request["text"]  # named, as in /audit
        approve = buttons(request)["Setujui"]
        answer = await h.press(OP1, request, approve)  # the author presses Approve on the same draft
        assert "tidak dapat menyetujui siaran Anda sendiri" in answer.get("text", "")
        await asyncio.sleep(0.3)
        assert not any("perlu disetujui" in h.texts_to(c) for c, _ in PEOPLE)
        await h.press(OP2, request, approve)
        await h.standin.wait_for(lambda: all("perlu disetujui" in h.texts_to(c) for c, r in PEOPLE if r == "kades"))
        actions = [(r["actor"], r["action"]) for r in h.store.audit_trail()][::-1]
        assert (str(OP2), "siaran: disetujui") in actions
        assert actions[-1] == (str(OP2), "siaran: kirim")


async def test_batal_stops_a_running_broadcast(tmp_path, soon):
    many = [(1000 + i, "pemilih") for i in range(200)]
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1], subscribers=many, rate_limit=20) as h:
        summary = await compose(h, OP1, ["pemilih"], "siaran panjang")
        await h.press(OP1, summary, buttons(summary)["Kirim"])
        await h.standin.wait_for(lambda: "<b>Siaran 1</b>" in last(h, OP1)["text"])  # the status message
        await h.standin.wait_for(lambda: sum(m["text"] == "siaran panjang" for m in h.standin.messages) >= 10)
        [reply] = await h.say(OP1, "/batal")
        assert "dihentikan" in reply["text"]
        await asyncio.sleep(1.5)
        count = sum(m["text"] == "siaran panjang" and m["chat_id"] != OP1 for m in h.standin.messages)
        b = h.store.recent_broadcasts()[0]
        assert count < 200
        assert b.n_sent == count
        assert b.n_sent + b.n_cancelled == 200
        assert "batal" in [r["action"] for r in h.store.audit_trail()]


async def test_statistik_sends_figures_and_a_png_chart(tmp_path, soon):
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1], subscribers=PEOPLE) as h:
        text, photo = await h.say(OP1, "/statistik", n=2)
        assert "ASN: <b>3</b>" in text["text"]
        assert "Pemilih: <b>4</b>" in text["text"]
        assert "Total aktif: <b>10</b>" in text["text"]
        assert photo["photo"]["data"][:8] == b"\x89PNG\r\n\x1a\n"
        assert 10_000 < len(photo["photo"]["data"]) < 400_000


async def test_rencana_and_audit(tmp_path, soon):
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1], subscribers=PEOPLE) as h:
        [reply] = await h.say(OP1, "/rencana")
        assert "<b>nanti</b>" in reply["text"]
        assert "4 penerima" in reply["text"]
        [reply] = await h.say(OP1, "/audit")
        assert "Belum ada tindakan operator" in reply["text"]


async def test_two_operators_broadcasting_at_once_both_complete_counted_separately(tmp_path, soon):
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1, OP2], subscribers=PEOPLE, rate_limit=50) as h:
        first = await compose(h, OP1, ["asn"], "dari operator satu")
        second = await compose(h, OP2, ["pemilih"], "dari operator dua")
        await asyncio.gather(
            h.press(OP1, first, buttons(first)["Kirim"]), h.press(OP2, second, buttons(second)["Kirim"])
        )
        await h.standin.wait_for(lambda: len([b for b in h.store.recent_broadcasts() if b.status == "done"]) == 2)
        by_text = {b.text: b for b in h.store.recent_broadcasts()}
        assert (by_text["dari operator satu"].n_sent, by_text["dari operator dua"].n_sent) == (3, 4)
        assert by_text["dari operator satu"].id != by_text["dari operator dua"].id
        for chat, role in PEOPLE:
            assert h.texts_to(chat).count("dari operator satu") == (role == "asn")
            assert h.texts_to(chat).count("dari operator dua") == (role == "pemilih")


async def test_an_english_operator_gets_every_screen_in_english(tmp_path, soon):
    assert operator_strings.OP_STRINGS["id"].keys() == operator_strings.OP_STRINGS["en"].keys()
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1], subscribers=PEOPLE, rate_limit=50) as h:
        [menu] = await h.say(OP1, "/siaran", language_code="en")  # never subscribed: the app's language decides
        assert menu["text"].startswith("<b>New broadcast</b>\nChoose the roles (at least one), then press Next.")
        assert set(buttons(menu)) == {"☐ ASN", "☐ Village head / official", "☐ Voter", "Next ▶", "Cancel"}
        await h.press(OP1, menu, buttons(menu)["☐ ASN"])
        await h.standin.wait_for(lambda: "Selected: ASN" in last(h, OP1)["text"])
        await h.press(OP1, menu, buttons(last(h, OP1))["Next ▶"])
        await h.standin.wait_for(lambda: "Now send the text" in last(h, OP1)["text"])
        preview, summary = await h.say(OP1, "<b>TPS 12</b> has moved", n=2, language_code="en")
        assert preview["text"] == "<b>TPS 12</b> has moved"
        assert summary["text"].startswith("<b>Preview</b>: the message above is exactly what recipients will see.")
        assert "Recipients: <b>3</b> (ASN)" in summary["text"]
        assert "Estimated duration: under 1 s at 50 messages/second." in summary["text"]
        assert set(buttons(summary)) == {"Send", "Send later", "Cancel"}
        assert buttons(summary)["Send"].startswith("op:")
        assert buttons(summary)["Send"].endswith(":send")
        answer = await h.press(OP1, summary, buttons(summary)["Send"])
        assert answer.get("text") == "Sent."
        await h.standin.wait_for(lambda: "· done" in last(h, OP1)["text"] and last(h, OP1).get("edited"), 20)
        status = last(h, OP1)["text"]
        assert status.startswith("<b>Broadcast 1</b>")
        assert "Sent 3 of 3 (100%)" in status
        assert "Finished " in status
        assert sum("<b>TPS 12</b> has moved" in h.texts_to(c) for c, _ in PEOPLE) == 3
        [listing] = await h.say(OP1, "/laporan", language_code="en")
        assert listing["text"].startswith("<b>Latest broadcasts</b>")
        assert "3/3 sent" in listing["text"]
        text, photo = await h.say(OP1, "/statistik", n=2, language_code="en")
        assert text["text"].startswith("<b>Subscriber statistics</b>")
        assert "Voter: <b>4</b>" in text["text"]
        assert "Active subscribers: <b>10</b>" in text["text"]
        assert photo["caption"] == "Subscribers per role and results of the latest broadcasts"
        [reply] = await h.say(OP1, "/audit", language_code="en")
        assert reply["text"].startswith("<b>Latest operator actions</b>")
        assert "siaran: kirim" in reply["text"]
        english_menu = [v for k, v in h.standin.commands.items() if str(OP1) in k and k.endswith(":en")]
        assert english_menu
        assert {"command": "siaran", "description": "Send an urgent broadcast"} in english_menu[0]


async def test_kirim_nanti_schedules_it_and_it_goes_out_at_its_time_to_who_subscribed_by_then(tmp_path, soon):
    shift = [0.0]  # seconds the bot's clock runs ahead of the real one
    now = datetime.now(TZ)
    at = (now + timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    night = at.replace(hour=22)
    async with Harness(
        tmp_path,
        schedule(soon),
        admin_ids=[OP1],
        subscribers=PEOPLE,
        rate_limit=50,
        clock=lambda: time.time() + shift[0],
    ) as h:
        summary = await compose(h, OP1, ["kades"], "<b>Rapat desa</b> di balai")
        assert set(buttons(summary)) == {"Kirim", "Kirim nanti", "Batal"}
        await h.press(OP1, summary, buttons(summary)["Kirim nanti"])
        await h.standin.wait_for(lambda: "Ketik tanggal dan jam kirim (WIB)" in last(h, OP1)["text"])
        [refused] = await h.say(OP1, f"{now - timedelta(days=1):%d-%m-%Y} 10.00")
        assert refused["text"].startswith("Waktu itu sudah lewat")
        [confirm] = await h.say(OP1, f"{at:%d/%m/%Y} 10:00")
        assert f"<b>Kirim nanti</b>: {operator_texts.send_when(at)}" in confirm["text"]
        assert "Penerima saat ini: <b>3</b> (Kepala Desa)" in confirm["text"]
        assert set(buttons(confirm)) == {"Jadwalkan", "Ubah waktu", "Batal"}
        assert (await h.press(OP1, confirm, buttons(confirm)["Jadwalkan"])).get("text") == "Dijadwalkan."
        await h.standin.wait_for(lambda: "🕒 <b>Siaran 1</b> dijadwalkan" in last(h, OP1)["text"])
        scheduled = last(h, OP1)
        assert set(buttons(scheduled)) == {"Batalkan jadwal"}

        # One at night needs a second confirmation, then is cancelled before it starts.
        second = await compose(h, OP1, ["asn"], "pesan malam")
        await h.press(OP1, second, buttons(second)["Kirim nanti"])
        [confirm] = await h.say(OP1, f"{night:%Y-%m-%d} 22:00")
        assert "jam tenang (21.00–06.00)" in confirm["text"]
        await h.press(OP1, confirm, buttons(confirm)["Jadwalkan"])
        await h.standin.wait_for(lambda: "Kirim pada malam hari?" in last(h, OP1)["text"])
        assert h.store.broadcast("siaran:2") is None  # not without the explicit confirmation
        await h.press(OP1, confirm, buttons(last(h, OP1))["🌙 Ya, kirim malam hari"])
        await h.standin.wait_for(lambda: "<b>Siaran 2</b> dijadwalkan" in last(h, OP1)["text"])

        [plan] = await h.say(OP1, "/rencana")
        assert "🕒 <b>Siaran 1</b> · siaran terjadwal" in plan["text"]
        assert "«Rapat desa di balai»" in plan["text"]
        assert f"{at:%d-%m-%Y} 10.00 · Kepala Desa · 3 penerima" in plan["text"]
        assert "<code>/batal siaran:2</code>" in plan["text"]
        [reply] = await h.say(OP1, "/batal siaran:2")
        assert reply["text"].startswith("Siaran 2 dibatalkan sebelum mulai; tidak ada yang dikirim")
        [reply] = await h.say(OP1, "/batal siaran:2")
        assert reply["text"] == "Siaran 2 tidak sedang dijadwalkan (dibatalkan sebelum mulai); tidak ada yang diubah."

        h.store.subscribe(250, "kades")  # subscribes after it was scheduled, before its time
        shift[0] = at.timestamp() - time.time() + 1  # the bot's clock reaches its time
        kades = [c for c, r in PEOPLE if r == "kades"] + [250]
        await h.standin.wait_for(lambda: all("<b>Rapat desa</b> di balai" in h.texts_to(c) for c in kades), 10)
        assert not any("pesan malam" in h.texts_to(c) for c, _ in PEOPLE)
        assert sum("<b>Rapat desa</b> di balai" in h.texts_to(c) for c, _ in PEOPLE) == 3
        assert (h.store.broadcast("siaran:1").total, h.store.broadcast("siaran:2").status) == (4, "cancelled")
        late = await h.press(OP1, scheduled, buttons(scheduled)["Batalkan jadwal"])
        assert late.get("text", "").startswith("Siaran 1 sudah mulai dikirim; tidak dibatalkan.")
        actions = [(r["action"], r["subject"]) for r in h.store.audit_trail()][::-1]
        assert ("siaran: jadwalkan", "siaran:1") in actions
        assert ("siaran: jadwalkan", "siaran:2") in actions
        assert actions[-1] == ("siaran: batal jadwal", "siaran:2")
