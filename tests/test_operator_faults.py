"""Operator buttons when Telegram or the database misbehave, and forged buttons, end to end."""

from __future__ import annotations

import asyncio
import logging

from tests.conftest import make_schedule
from tests.e2e import Harness
from tests.test_operators_e2e import NOBODY, OP1, OP2, PEOPLE, buttons, compose, last, schedule

STALE = "Tombol ini sudah tidak berlaku. Ketik /start untuk memulai lagi."
ERROR = "Maaf, terjadi kesalahan. Silakan coba lagi sebentar lagi."


def got(h: Harness, text: str, role: str) -> bool:
    """Every subscriber of `role` has `text`."""
    return all(text in h.texts_to(c) for c, r in PEOPLE if r == role)


async def test_send_goes_out_even_when_the_button_message_cannot_be_edited(tmp_path, soon):
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1], subscribers=PEOPLE) as h:
        summary = await compose(h, OP1, ["pemilih"], "walau pesan tombol hilang")
        h.standin.fail_next(1, 400, method="editMessageText")  # e.g. the message was deleted
        answer = await h.press(OP1, summary, buttons(summary)["Kirim"])
        assert answer.get("text") == "Dikirim."
        await h.standin.wait_for(lambda: got(h, "walau pesan tombol hilang", "pemilih"))
        await h.standin.wait_for(lambda: h.standin.faults["400"] == 1)  # the edit comes after the launch
        again = await h.press(OP1, summary, buttons(summary)["Kirim"])
        assert "sudah dikirim" in again.get("text", "")
        await asyncio.sleep(0.3)
        assert sum(h.texts_to(c).count("walau pesan tombol hilang") for c, _ in PEOPLE) == 4
        assert ERROR not in h.texts_to(OP1)


async def test_approval_paths_survive_a_failed_edit(tmp_path, soon):
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1, OP2], approvals=2, subscribers=PEOPLE) as h:
        summary = await compose(h, OP1, ["kades"], "disetujui walau gagal edit")
        h.standin.fail_next(1, 429, method="editMessageText")  # submitting: the other operator is still asked
        await h.press(OP1, summary, buttons(summary)["Ajukan untuk disetujui"])
        await h.standin.wait_for(lambda: "Persetujuan diperlukan" in (h.texts_to(OP2) or [""])[-1])
        request = last(h, OP2)
        h.standin.fail_next(1, 400, method="editMessageText")  # approving: the broadcast still goes out
        await h.press(OP2, request, buttons(request)["Setujui"])
        await h.standin.wait_for(lambda: got(h, "disetujui walau gagal edit", "kades"))
        await h.standin.wait_for(lambda: h.standin.faults["400"] == 1 and h.standin.faults["429"] == 1)
        assert sum(h.texts_to(c).count("disetujui walau gagal edit") for c, _ in PEOPLE) == 3
        assert ERROR not in h.texts_to(OP1) + h.texts_to(OP2)


async def test_a_launch_that_fails_in_the_database_can_be_pressed_again(tmp_path, soon):
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1], subscribers=PEOPLE) as h:
        summary = await compose(h, OP1, ["asn"], "setelah gangguan basis data")
        h.store.conn.execute(
            "CREATE TRIGGER broken BEFORE INSERT ON broadcasts BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"
        )
        answer = await h.press(OP1, summary, buttons(summary)["Kirim"])
        assert "belum dapat dimulai" in answer.get("text", "")
        assert answer.get("show_alert")
        assert h.store.recent_broadcasts() == []
        h.store.conn.execute("DROP TRIGGER broken")
        answer = await h.press(OP1, summary, buttons(summary)["Kirim"])  # the same button, pressed again
        assert answer.get("text") == "Dikirim."
        await h.standin.wait_for(lambda: got(h, "setelah gangguan basis data", "asn"))
        await asyncio.sleep(0.3)
        assert sum(h.texts_to(c).count("setelah gangguan basis data") for c, _ in PEOPLE) == 3
        assert [r["action"] for r in h.store.audit_trail()][::-1] == [
            "siaran: mulai",
            "siaran: gagal dimulai",
            "siaran: kirim",
        ]


async def test_approval_that_fails_in_the_database_can_be_approved_again(tmp_path, soon):
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1, OP2], approvals=2, subscribers=PEOPLE) as h:
        summary = await compose(h, OP1, ["kades"], "disetujui dua kali")
        await h.press(OP1, summary, buttons(summary)["Ajukan untuk disetujui"])
        await h.standin.wait_for(lambda: "Persetujuan diperlukan" in (h.texts_to(OP2) or [""])[-1])
        request = last(h, OP2)
        h.store.conn.execute(
            "CREATE TRIGGER broken BEFORE INSERT ON broadcasts BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"
        )
        answer = await h.press(OP2, request, buttons(request)["Setujui"])
        assert "belum dapat dimulai" in answer.get("text", "")
        h.store.conn.execute("DROP TRIGGER broken")
        await h.press(OP2, request, buttons(request)["Setujui"])
        await h.standin.wait_for(lambda: got(h, "disetujui dua kali", "kades"))
        await asyncio.sleep(0.3)
        assert sum(h.texts_to(c).count("disetujui dua kali") for c, _ in PEOPLE) == 3


async def test_a_forged_draft_id_is_a_stale_button_not_an_error(tmp_path, soon, caplog):
    caplog.set_level(logging.WARNING)
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1], subscribers=PEOPLE) as h:
        [menu] = await h.say(OP1, "/siaran")
        for data in ["op:99999999999999999999:send", "op:-1:send", "op:1", "op:x:send", "op:٣:send"]:
            answer = await h.press(OP1, menu, data)
            assert answer.get("text") == STALE, data
        [reply] = await h.say(OP1, "/audit")  # still answering
        assert "siaran: mulai" in reply["text"]
        assert ERROR not in h.texts_to(OP1)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_non_operator_cannot_tell_a_real_draft_from_a_missing_one(tmp_path, soon):
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1], subscribers=PEOPLE) as h:
        summary = await compose(h, OP1, ["pemilih"], "rahasia")
        real = buttons(summary)["Kirim"]
        missing = "op:4242:send"
        [message] = await h.say(NOBODY, "/start")
        answers = [await h.press(NOBODY, message, data) for data in (real, missing, real.replace(":send", ":cancel"))]
        shown = [(a.get("text"), bool(a.get("show_alert"))) for a in answers]
        assert shown == [(STALE, False)] * 3
        answer = await h.press(OP1, summary, real)  # the draft is untouched
        assert answer.get("text") == "Dikirim."


async def test_a_copy_dropped_by_hapus_counts_as_cancelled_and_the_report_adds_up(tmp_path, soon):
    voter, other = 901, 902
    reminder = make_schedule([{"id": "r", "at": soon(600), "roles": ["pemilih"], "text": "pengingat"}])
    people = [(voter, "pemilih"), (other, "pemilih")]
    # The bot waits for the hang (not its usual 10 s), so the state below lasts however loaded the machine.
    async with Harness(
        tmp_path, reminder, admin_ids=[OP1], subscribers=people, fault_delay=60, sender_timeout=120
    ) as h:
        h.standin.fail_next(1, "timeout")  # the first copy hangs in flight until released
        await h.reach("r")

        def states():
            return sorted(d["status"] for c in (voter, other) for d in h.store.deliveries_of(c))

        await h.standin.wait_for(lambda: states() == ["sending", "sent"], timeout=30)
        [hanging] = [c for c in (voter, other) if h.store.deliveries_of(c)[0]["status"] == "sending"]
        assert "telah dihapus" in await h.forget(hanging)
        await h.standin.wait_for(lambda: h.store.broadcast("r").status == "done", timeout=30)
        h.standin.release_hangs()  # the hanging request ends now; its late outcome must not be counted
        await h.standin.wait_for(lambda: getattr(h.standin, "hangs_ended", 0) == 1, timeout=10)
        await asyncio.sleep(0.5)  # the bot handles that late outcome: nothing to wait on when it is ignored
        b = h.store.broadcast("r")
        assert (b.total, b.n_sent, b.n_cancelled, b.n_failed) == (2, 1, 1, 0)
        [report] = await h.say(OP1, "/laporan r")
        assert "Terkirim 1 dari 2 (100%)" in report["text"]
        assert "dibatalkan 1" in report["text"]
        assert "selesai" in report["text"]
        assert h.store.deliveries_of(hanging) == []


async def test_a_broadcast_recorded_but_not_queued_is_finished_after_a_restart_and_never_doubled(tmp_path, soon):
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1], subscribers=PEOPLE) as h:
        summary = await compose(h, OP1, ["pemilih"], "antrean terhenti")
        h.store.conn.execute(
            "CREATE TRIGGER broken BEFORE INSERT ON deliveries BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"
        )
        answer = await h.press(OP1, summary, buttons(summary)["Kirim"])
        assert "tercatat, tetapi antreannya terhenti" in answer.get("text", "")
        again = await h.press(OP1, summary, buttons(summary)["Kirim"])
        assert "sudah dikirim" in again.get("text", "")
        h.store.conn.execute("DROP TRIGGER broken")
        await h.stop_bot()
        await h.start_bot()
        await h.standin.wait_for(lambda: got(h, "antrean terhenti", "pemilih"))
        await asyncio.sleep(0.3)
        assert sum(h.texts_to(c).count("antrean terhenti") for c, _ in PEOPLE) == 4
        assert [b.id for b in h.store.recent_broadcasts()] == ["siaran:1"]
