"""What operators (and people deleting their data) see, end to end and in the texts."""

from __future__ import annotations

import asyncio

from icalendar import Calendar

from bot import store as st
from bot.content import operator_strings, operator_texts, telegram_html, texts
from tests.conftest import make_schedule
from tests.e2e import Harness
from tests.test_cli import bot
from tests.test_operators_e2e import buttons, compose, last

OP1, OP2, VOTER, GROUP, ADMIN, MEMBER = 7001, 7002, 301, -100500, 501, 502
PEOPLE = [(101, "asn"), (201, "kades"), (301, "pemilih"), (302, "pemilih")]


def schedule(soon):
    return make_schedule([{"id": "nanti", "at": soon(86400), "roles": ["pemilih"], "text": "nanti"}])


def statuses(h: Harness) -> list[str]:
    return [row["status"] for row in h.store.db.query("SELECT status FROM drafts ORDER BY id")]


# -- /batal and drafts -------------------------------------------------------------------------


async def test_batal_cancels_a_draft_in_every_state_before_sending(tmp_path, soon):
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1, OP2], approvals=2, subscribers=PEOPLE) as h:
        # choosing roles
        [menu] = await h.say(OP1, "/siaran")
        [reply] = await h.say(OP1, "/batal")
        assert reply["text"] == "Draf siaran Anda dibatalkan. Tidak ada yang dikirim."
        assert statuses(h) == [st.CANCELLED_DRAFT]
        answer = await h.press(OP1, menu, buttons(menu)["Lanjut ▶"])
        assert "sudah dibatalkan" in answer.get("text", "")

        # writing the text: after /batal the text is no longer taken as a broadcast
        [menu] = await h.say(OP1, "/siaran")
        await h.press(OP1, menu, buttons(last(h, OP1))["☐ Pemilih"])
        await h.press(OP1, menu, buttons(last(h, OP1))["Lanjut ▶"])
        await h.standin.wait_for(lambda: "Sekarang kirim teks" in last(h, OP1)["text"])
        [reply] = await h.say(OP1, "/batal")
        assert "dibatalkan" in reply["text"]
        [reply] = await h.say(OP1, "teks yang terlambat")
        assert reply["text"].startswith("Maaf, jawaban untuk pertanyaan itu belum ada.")  # a question, not a draft
        assert h.store.recent_broadcasts() == []

        # preview
        summary = await compose(h, OP1, ["pemilih"], "pratinjau saja")
        [reply] = await h.say(OP1, "/batal")
        assert "dibatalkan" in reply["text"]
        answer = await h.press(OP1, summary, buttons(summary)["Ajukan untuk disetujui"])
        assert "sudah dibatalkan" in answer.get("text", "")

        # awaiting another operator's approval
        summary = await compose(h, OP1, ["pemilih"], "menunggu persetujuan")
        await h.press(OP1, summary, buttons(summary)["Ajukan untuk disetujui"])
        await h.standin.wait_for(lambda: "Persetujuan diperlukan" in (h.texts_to(OP2) or [""])[-1])
        request = last(h, OP2)
        [reply] = await h.say(OP1, "/batal")
        assert "dibatalkan" in reply["text"]
        answer = await h.press(OP2, request, buttons(request)["Setujui"])
        assert "sudah dibatalkan" in answer.get("text", "")

        assert statuses(h) == [st.CANCELLED_DRAFT] * 4
        await asyncio.sleep(0.3)
        assert h.store.recent_broadcasts() == []
        assert not any("menunggu persetujuan" in h.texts_to(c) for c, _ in PEOPLE)
        [reply] = await h.say(OP1, "/batal")  # nothing left
        assert reply["text"] == "Tidak ada siaran mendadak yang sedang berjalan."


async def test_batal_leaves_another_operators_draft_alone(tmp_path, soon):
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1, OP2], subscribers=PEOPLE) as h:
        await h.say(OP2, "/siaran")
        [reply] = await h.say(OP1, "/batal", language_code="en")
        assert reply["text"] == "No urgent broadcast is running."
        assert statuses(h) == [st.CHOOSING]
        [reply] = await h.say(OP2, "/batal", language_code="en")
        assert reply["text"] == "Your broadcast draft was cancelled. Nothing was sent."


# -- the text of a broadcast -------------------------------------------------------------------


async def test_a_bare_ampersand_is_escaped_and_the_preview_shows_it(tmp_path, soon):
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1], subscribers=PEOPLE, rate_limit=50) as h:
        [menu] = await h.say(OP1, "/siaran")
        await h.press(OP1, menu, buttons(last(h, OP1))["☐ Pemilih"])
        await h.press(OP1, menu, buttons(last(h, OP1))["Lanjut ▶"])
        preview, summary = await h.say(OP1, "Rapat KPU & Bawaslu <b>besok</b>", n=2)
        assert preview["text"] == "Rapat KPU &amp; Bawaslu <b>besok</b>"  # Telegram shows "Rapat KPU & Bawaslu"
        assert "tanda &amp; ditulis sebagai &amp;amp;" in summary["text"]
        await h.press(OP1, summary, buttons(summary)["Kirim"])
        await h.standin.wait_for(lambda: all(h.texts_to(c) for c, r in PEOPLE if r == "pemilih"))
        assert h.texts_to(301) == ["Rapat KPU &amp; Bawaslu <b>besok</b>"]


async def test_refused_html_says_where_and_how_in_english(tmp_path, soon):
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1], subscribers=PEOPLE) as h:
        [menu] = await h.say(OP1, "/siaran", language_code="en")
        await h.press(OP1, menu, buttons(last(h, OP1))["☐ Voter"])
        await h.press(OP1, menu, buttons(last(h, OP1))["Next ▶"])
        [reply] = await h.say(OP1, "TPS 12\n<u>pindah", language_code="en")
        assert reply["text"].startswith("Text refused: unclosed tag")
        assert "at line 2, column 1" in reply["text"]
        assert "fix:" in reply["text"]


def test_escaping_keeps_real_entities_and_fixes_only_bare_ampersands():
    fix = telegram_html.escape_bare_ampersands
    assert fix("A & B &amp; C &lt;b&gt; &#169; &copy;") == "A &amp; B &amp; C &lt;b&gt; &#169; &amp;copy;"
    assert telegram_html.check(fix("Tom & Jerry & co")) is None
    link = '<a href="https://kpu.go.id/?a=1&b=2">x</a>'
    assert telegram_html.parse(fix(link)).entities[0]["url"] == "https://kpu.go.id/?a=1&b=2"


async def test_no_recipients_says_so_and_offers_no_send_button(tmp_path, soon):
    voters_only = [(301, "pemilih")]
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1], subscribers=voters_only) as h:
        [menu] = await h.say(OP1, "/siaran")
        await h.press(OP1, menu, buttons(last(h, OP1))["☐ ASN"])
        await h.press(OP1, menu, buttons(last(h, OP1))["Lanjut ▶"])
        _, summary = await h.say(OP1, "untuk ASN", n=2)
        assert summary["text"].startswith("<b>Tidak ada penerima</b>")
        assert set(buttons(summary)) == {"Kirim nanti", "Batal"}  # no Send now; later, there may be some
        answer = await h.press(OP1, summary, buttons(summary)["Batal"])
        assert "text" not in answer or not answer["text"]
        assert h.store.recent_broadcasts() == []


# -- /bantuan and /hapus ----------------------------------------------------------------------------


async def test_bantuan_lists_operator_commands_to_operators_only(tmp_path, soon):
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1], subscribers=PEOPLE) as h:
        [mine] = await h.say(OP1, "/bantuan")
        assert "<b>Perintah operator</b>" in mine["text"]
        for command, _ in operator_strings.OPERATOR_COMMANDS["id"]:
            assert f"/{command} – " in mine["text"]
        [theirs] = await h.say(VOTER, "/bantuan")
        assert theirs["text"] == texts.help_text("id")
        assert "/siaran" not in theirs["text"]
        [english] = await h.say(OP1, "/help", language_code="en")
        assert "<b>Operator commands</b>" in english["text"]
        assert "/statistik – Subscriber statistics" in english["text"]


async def test_hapus_asks_first_and_deletes_only_on_yes(tmp_path, soon):
    async with Harness(tmp_path, schedule(soon), subscribers=PEOPLE) as h:
        [question] = await h.say(VOTER, "/hapus")
        assert "Hapus <b>semua</b> data Anda" in question["text"]
        assert (
            "(ID chat, peran, bahasa, wilayah dan TPS, asal tautan, catatan pengiriman, dan tombol memilih)?"
            in question["text"]
        )
        assert list(buttons(question)) == ["Ya, hapus", "Batal"]
        assert h.store.subscriber(VOTER) is not None  # asking deletes nothing
        assert "tidak dihapus" in await h.forget(VOTER, button="Batal")
        assert h.store.subscriber(VOTER).status == st.ACTIVE
        done = await h.forget(VOTER)
        assert "telah dihapus" in done
        assert "tombol memilih" in done
        assert h.store.subscriber(VOTER) is None
        [question] = await h.say(302, "/hapus", language_code="en")
        assert list(buttons(question)) == ["Yes, delete", "Cancel"]


async def test_hapus_confirmation_in_a_group_is_for_its_admins(tmp_path, soon):
    async with Harness(tmp_path, schedule(soon)) as h:
        h.standin.set_admins(GROUP, [ADMIN])
        await h.say(GROUP, "/start pemilih", user_id=ADMIN)
        [question] = await h.say(GROUP, "/hapus", user_id=ADMIN)
        answer = await h.press(GROUP, question, buttons(question)["Ya, hapus"], user_id=MEMBER)
        assert answer.get("show_alert")
        assert "hanya admin grup" in answer["text"]
        assert h.store.subscriber(GROUP) is not None
        await h.press(GROUP, question, buttons(question)["Ya, hapus"], user_id=ADMIN)
        await h.standin.wait_for(lambda: h.store.subscriber(GROUP) is None)


# -- wording -----------------------------------------------------------------------------------


async def test_status_message_names_an_urgent_broadcast_once(tmp_path, soon):
    many = [(1000 + i, "pemilih") for i in range(60)]
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1], subscribers=many, rate_limit=20) as h:
        summary = await compose(h, OP1, ["pemilih"], "siaran panjang")
        await h.press(OP1, summary, buttons(summary)["Kirim"])
        await h.standin.wait_for(lambda: last(h, OP1)["text"].startswith("<b>Siaran 1</b> · "))
        status = last(h, OP1)["text"]
        assert "siaran:1" not in status
        assert "Siaran siaran" not in status
        assert "Laju " in status
        assert "." not in status.split("Laju ")[1].split(" ")[0]
        [reply] = await h.say(OP1, "/batal")
        assert reply["text"].startswith("Siaran 1 dihentikan:")


def test_rates_use_a_decimal_comma_in_indonesian():
    figures = {
        "id": "siaran:4",
        "status": st.RUNNING,
        "percent": 0.0,
        "rate": 0.0,
        "eta": None,
        "finished_at": None,
        "sent": 0,
        "total": 9,
        "blocked": 0,
        "failed": 0,
        "expired": 0,
        "cancelled": 0,
    }
    assert "Laju 0,0 pesan/detik" in operator_texts.progress_text(figures, None, "id")
    assert "Rate 0.0 messages/second" in operator_texts.progress_text(figures, None, "en")
    assert "pada 0,5 pesan/detik" in operator_texts.preview_summary(["asn"], 3, 6, 0.5, 1, "id")
    assert "at 0.5 messages/second" in operator_texts.preview_summary(["asn"], 3, 6, 0.5, 1, "en")


def test_broadcast_names_say_the_kind_once():
    assert operator_texts.broadcast_name("siaran:12", "id") == "Siaran 12"
    assert operator_texts.broadcast_name("siaran:12", "en") == "Broadcast 12"
    assert operator_texts.broadcast_name("siaran-3", "id") == "Siaran 3"
    assert operator_texts.broadcast_name("tps-hari-h", "id") == "Pengingat <code>tps-hari-h</code>"
    assert operator_texts.broadcast_name("ralat:tps", "en") == "Correction <code>tps</code>"


def test_english_role_label_of_village_heads_includes_officials():
    assert operator_strings.ROLE_SHORT["en"]["kades"] == "Village head / official"
    assert "Village head / official: <b>2</b>" in operator_texts.stats_text(
        {"active": {"kades": 2}, "total_active": 2, "stopped": 0, "blocked": 0, "new_today": 0, "new_days": 0},
        "Tulungagung",
        "en",
    )


def test_ics_command_counts_the_events_it_writes(tmp_path):
    out = tmp_path / "jadwal.ics"
    result = bot("ics", "--out", str(out), "--database", str(tmp_path / "x.db"))
    assert result.returncode == 0, result.stderr
    events = [c for c in Calendar.from_ical(out.read_bytes()).walk() if c.name == "VEVENT"]
    assert result.stdout.strip() == f"Wrote {len(events)} events to {out}."
