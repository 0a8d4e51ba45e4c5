"""`bot.py preview`, the proof-reading tool, and moving voting day in a copy of the default file."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import icalendar

from bot.content import formats, texts
from bot.content.ics import schedule_ics
from bot.delivery.scheduler import pending_corrections
from bot.schedule import loading
from bot.store import Store
from tests.test_cli import ROOT, bot
from tests.test_facts import blocks

DEFAULT = ROOT / "config" / "pilkada2024.toml"


def test_preview_prints_reminders_in_time_order_then_pages(tmp_path):
    database = tmp_path / "none.db"
    result = bot("preview", str(DEFAULT), env={"BOT_DATABASE": str(database)})  # no token in the environment
    assert result.returncode == 0, result.stderr
    assert not database.exists()  # it needs no database
    out = blocks(result.stdout)
    headers = list(out)
    schedule = loading.load(DEFAULT)
    reminder_headers = [h for h in headers if not h.startswith(("Page ", "FAQ "))]
    assert [h.split(" · ")[0] for h in reminder_headers] == [r.id for r in schedule.reminders]
    assert reminder_headers[0] == "jelang-pendaftaran-paslon · Senin, 26 Agustus 2024 09.00 WIB · asn, kades, pemilih"
    assert "tps-hari-h · Rabu, 27 November 2024 06.00 WIB · asn, kades, pemilih" in headers
    pages = [h.split(" · ")[0] for h in headers if h.startswith("Page ")]
    assert headers.index(reminder_headers[-1]) < headers.index(next(h for h in headers if h.startswith("Page ")))
    assert list(dict.fromkeys(pages)) == [
        "Page /tps",
        "Page /netralitas (asn)",
        "Page /netralitas (kades)",
        "Page /netralitas (pemilih)",
    ]
    assert "<b>" not in result.stdout
    assert "&amp;" not in result.stdout
    eve = out["malam-sebelum-pencoblosan · Selasa, 26 November 2024 12.00 WIB · asn, kades, pemilih"]
    assert eve.startswith("🗳️ Besok Kita Memilih!\n\nRabu, 27 November 2024 (hari libur nasional, Keppres 33/2024)")
    assert eve.endswith(
        "\n[button: ✅ Saya akan memilih]\n[also posted to the channel (in Indonesian)]"
        "\n[{my_tps}: each reader's own TPS]"
        "\n[followed by the reader's TPS location pin, where the TPS file gives one]"
        "\n[button: 📨 Ajak keluarga & tetangga (not in the channel's copy)]"
    )
    # Without a TPS file, {my_tps} is the schedule's line for readers who gave no TPS.
    assert "📍 Cek nomor dan lokasi TPS Anda pada formulir Model C.Pemberitahuan-KWK" in eve
    faq = [h for h in headers if h.startswith("FAQ ")]  # after the pages, one block per answer version
    assert headers.index(faq[0]) > max(headers.index(h) for h in headers if h.startswith("Page "))
    assert list(dict.fromkeys(h.split(":")[0].removeprefix("FAQ ") for h in faq)) == [e.id for e in schedule.faq]
    holiday = [h for h in faq if h.startswith("FAQ hari-libur: Apakah hari pemungutan suara libur?")]
    assert [h.split(" · ")[1] for h in holiday] == ["until Rabu, 20 November 2024", "from Kamis, 21 November 2024"]
    assert all("UU 1/2015 Pasal 84 ayat (3)" in out[h] for h in holiday)  # never "not decided yet"
    assert "Keppres 33/2024" in out[holiday[1]]
    assert "Keppres" not in out[holiday[0]]


def test_preview_in_english_for_one_role():
    result = bot("preview", str(DEFAULT), "--lang", "en", "--role", "kades")
    assert result.returncode == 0, result.stderr
    out = blocks(result.stdout)
    reminders = [h for h in out if not h.startswith(("Page ", "FAQ "))]
    assert reminders
    assert all("kades" in h.split(" · ")[2] for h in reminders)
    assert not any(h.endswith(" · asn") for h in out)
    assert "jelang-pendaftaran-paslon · Monday, 26 August 2024 09:00 WIB · asn, kades, pemilih" in out
    assert {h.split(" · ")[0] for h in out if h.startswith("Page ")} == {"Page /tps", "Page /netralitas (kades)"}
    assert out["Page /tps · until Wednesday, 20 November 2024"].startswith("🗳️ Voting Day Guide")
    assert out["FAQ hari-libur: Is voting day a holiday? · from Thursday, 21 November 2024"].startswith(
        "Voting day: Wednesday, 27 November 2024 (a national holiday, Keppres 33/2024)."
    )


def test_preview_refuses_an_invalid_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        DEFAULT.read_text(encoding="utf-8").replace("Bawa formulir {invitation_form}", "Bawa formulir {undangan}"),
        encoding="utf-8",
    )
    result = bot("preview", str(bad))
    assert result.returncode == 2
    assert result.stdout == ""
    assert 'field "calendar_tps": unknown placeholder {undangan}: no stage or fact "undangan"' in result.stderr


def moved_copy(tmp_path: Path, new_day: str) -> Path:
    """The default file with voting day's date changed, and nothing else."""
    text = DEFAULT.read_text(encoding="utf-8")
    moved, n = re.subn(r'(id = "pemungutan-suara"\n(?:.*\n)*?start = )2024-11-27', rf"\g<1>{new_day}", text)
    assert n == 1
    path = tmp_path / "moved.toml"
    path.write_text(moved, encoding="utf-8")
    return path


# Voting day moves two weeks, so that no date derived from the new one falls on an old one.
OLD = ("27 November 2024", "27 November", "November 27", "2024-11-27", "20241127", "27/11")
OLD_DERIVED = ("20 November 2024", "28 Oktober 2024", "28 October 2024")  # H-7, H-30


def assert_no_old_date(text: str, where: str) -> None:
    for old in OLD + OLD_DERIVED:
        assert old not in text, f"{where} still shows {old}"


def test_moving_voting_day_moves_every_text_time_page_calendar_and_jadwal(tmp_path):
    path = moved_copy(tmp_path, "2024-12-11")
    check = bot("check", str(path), env={"BOT_CHANNEL_ID": "@nama_kanal"})  # else: the channel reminders' warning
    assert check.returncode == 0, check.stderr
    # Only the facts of the 27 November vote (the holiday, the figures ...) are left behind: tests/test_stale.py
    for warning in check.stderr.splitlines():
        assert re.match(r'warning: facts: field "[a-z_]+": date 2024-11-27 is not voting day 2024-12-11', warning)
    schedule = loading.load(path)
    tz = schedule.election.tz

    assert schedule.voting_day() == dt.date(2024, 12, 11)
    assert schedule.reminder("tps-hari-h").at == dt.datetime(2024, 12, 11, 6, 0, tzinfo=tz)
    assert schedule.reminder("malam-sebelum-pencoblosan").at == dt.datetime(2024, 12, 10, 12, 0, tzinfo=tz)
    assert schedule.reminder("pindah-memilih-h30").at.date() == dt.date(2024, 11, 4)  # a week before H-30
    assert (schedule.stage("masa-tenang").start, schedule.stage("kampanye").end) == (
        dt.date(2024, 12, 8),
        dt.date(2024, 12, 7),
    )

    for r in schedule.reminders:
        for text in (r.text, r.text_en):
            assert_no_old_date(text, r.id)
    assert "Rabu, 11 Desember 2024" in schedule.reminder("tps-hari-h").text
    assert "Wednesday, 4 December 2024" in schedule.reminder("batas-pindah-memilih").text_en  # H-7
    for key in schedule.pages:
        versions = [schedule.page(key)] + [text for _, text in schedule.page_versions.get(key, ())]
        for text in versions:
            assert_no_old_date(text, key)
    assert "Rabu, 11 Desember 2024" in texts.page_text(schedule, "tps", "id", dt.date(2024, 12, 1))
    for lang in formats.LANGS:
        for today in (dt.date(2024, 9, 1), dt.date(2024, 11, 27), dt.date(2024, 12, 11)):
            jadwal = texts.schedule_text(schedule, today, lang)
            assert_no_old_date(jadwal.replace(formats.long_date(today, lang), ""), f"/jadwal {lang} {today}")
        assert formats.long_date(dt.date(2024, 12, 11), lang) in texts.schedule_text(
            schedule, dt.date(2024, 9, 1), lang
        )
        data = schedule_ics(schedule, lang)
        assert_no_old_date(data.decode("utf-8"), f"calendar {lang}")
        tps = [e for e in icalendar.Calendar.from_ical(data).walk("VEVENT") if str(e["UID"]).startswith("tps-hours")]
        assert tps[0]["DTSTART"].dt == dt.datetime(2024, 12, 11, 7, 0, tzinfo=tz)
        preview = bot("preview", str(path), "--lang", lang)
        assert preview.returncode == 0, preview.stderr
        for header, body in blocks(preview.stdout).items():
            assert_no_old_date(body, f"preview {lang}: {header}")


def test_moving_voting_day_sends_the_correction_to_those_told(tmp_path):
    store = Store(tmp_path / "bot.db")
    try:
        store.subscribe(1, "pemilih")
        for stage in loading.load(DEFAULT).stages:  # what a running bot announced from the default file
            store.remember_stage_dates(stage.id, stage.start.isoformat(), stage.end.isoformat(), now=0)
            # ... and told subscriber 1 about (a moved stage nobody was told about needs no 'Ralat')
            store.create_broadcast(f"r-{stage.id}", text="x", roles=["pemilih"], at=0, expires=1, stage=stage.id)
            store.enqueue(f"r-{stage.id}", now=0)
            store.finish(f"r-{stage.id}", 1, "sent")
        moved = loading.load(moved_copy(tmp_path, "2024-12-11"))
        corrections = {c.stage.id: c for c in pending_corrections(moved, store)}
    finally:
        store.close()
    assert set(corrections) == {
        "pemungutan-suara",
        "pindah-memilih",
        "kampanye",
        "masa-tenang",
        "penghitungan-rekapitulasi",
    }
    c = corrections["pemungutan-suara"]
    text = texts.correction_text(c.stage, c.old_start, c.old_end, "id")
    assert "<s>Rabu, 27 November 2024</s>" in text
    assert "<b>Rabu, 11 Desember 2024</b>" in text
