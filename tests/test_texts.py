"""What people read: dates in Indonesian, the /jadwal answer, the command list."""

from __future__ import annotations

from datetime import date

import pytest

from bot.content import catalogue, formats, subscriber_strings, texts
from bot.schedule import loading
from bot.schedule import model as sched


def default():
    return loading.load("config/pilkada2024.toml")


def test_long_date_is_indonesian():
    assert formats.long_date(date(2024, 11, 27)) == "Rabu, 27 November 2024"
    assert formats.long_date(date(2024, 9, 25)) == "Rabu, 25 September 2024"


def test_date_range_in_one_year():
    assert formats.date_range(date(2024, 9, 25), date(2024, 11, 23)) == "Rabu, 25 September – Sabtu, 23 November 2024"


def test_jadwal_marks_states_and_counts_down_to_the_next_stage():
    text = texts.schedule_text(default(), date(2024, 11, 22))
    assert "✅ <b>Penetapan pasangan calon</b>\n    Minggu, 22 September 2024 (selesai)" in text
    assert "▶️ <b>Masa kampanye</b>\n    Rabu, 25 September – Sabtu, 23 November 2024 (sedang berlangsung)" in text
    assert "🗓 <b>Masa tenang</b>\n    Minggu, 24 November – Selasa, 26 November 2024 (akan datang, H-2)" in text
    assert "🗓 <b>Pemungutan suara</b>\n    Rabu, 27 November 2024 (akan datang)" in text
    assert "Tahapan berikutnya: <b>Masa tenang</b>, Minggu, 24 November 2024 (H-2)." in text


def test_jadwal_lists_every_stage_with_its_dates():
    schedule = default()
    text = texts.schedule_text(schedule, date(2024, 8, 1))
    for stage in schedule.stages:
        assert stage.name in text
        assert formats.date_range(stage.start, stage.end) in text
    assert "27 Oktober" not in text


def test_jadwal_says_when_everything_is_over():
    assert "Semua tahapan telah selesai" in texts.schedule_text(default(), date(2026, 11, 27))


def test_every_text_is_html_telegram_accepts():
    schedule = default()
    samples = [
        texts.schedule_text(schedule, date(2024, 9, 1)),
        texts.welcome_text(schedule),
        texts.subscribed_text("kades", schedule, date(2024, 9, 1)),
        texts.already_subscribed_text("asn"),
        texts.help_text(),
        *[
            catalogue.say(lang, key)
            for lang in formats.LANGS
            for key, text in subscriber_strings.SUBSCRIBER[lang].items()
            if "{" not in text and not key.endswith("_button")  # a button's label is plain text, not HTML
        ],
        texts.schedule_text(schedule, date(2024, 9, 1), "en"),
        texts.welcome_text(schedule, "en"),
        texts.subscribed_text("kades", schedule, date(2024, 9, 1), "en"),
        texts.help_text("en"),
        texts.correction_text(schedule.stage("pemungutan-suara"), date(2024, 11, 20), date(2024, 11, 20)),
    ]
    for sample in samples:
        assert sched.html_problem(sample) is None, sample
        assert len(sample) < 4096


def test_english_dates_and_schedule():
    assert formats.long_date(date(2024, 11, 27), "en") == "Wednesday, 27 November 2024"
    text = texts.schedule_text(default(), date(2024, 11, 22), "en")
    assert "<b>Pilkada Serentak 2024 schedule</b>" in text
    assert "Wednesday, 27 November 2024 (upcoming)" in text
    assert "(under way)" in text


def test_both_languages_have_the_same_strings():
    assert subscriber_strings.SUBSCRIBER["id"].keys() == subscriber_strings.SUBSCRIBER["en"].keys()
    assert [n for n, _ in subscriber_strings.COMMANDS["id"]] == [n for n, _ in subscriber_strings.COMMANDS["en"]]


def test_correction_names_old_and_new_dates():
    stage = default().stage("pemungutan-suara")
    text = texts.correction_text(stage, date(2024, 11, 20), date(2024, 11, 20))
    assert text.startswith("<b>Ralat</b>")
    assert "<s>Rabu, 20 November 2024</s>" in text
    assert "<b>Rabu, 27 November 2024</b>" in text


def test_the_start_confirmation_promises_reminders_only_while_some_are_to_come():
    during = texts.subscribed_text("pemilih", default(), date(2024, 11, 20))
    assert "Anda akan menerima pengingat sesuai peran Anda." in during
    for lang, over, promise in (
        ("id", "Semua tahapan telah selesai", "akan menerima pengingat"),
        ("en", "All stages are over", "will receive the reminders"),
    ):
        after = texts.subscribed_text("pemilih", default(), date(2025, 3, 1), lang)
        assert over in after
        assert promise not in after
    assert "Semua pengingat pemilihan ini sudah dikirim. Bot akan memberi tahu Anda saat jadwal " in (
        texts.subscribed_text("asn", default(), date(2025, 3, 1))
    )


def test_every_key_belongs_to_one_catalogue_and_both_languages_have_it():
    seen: dict[str, int] = {}
    for number, catalogue_ in enumerate(catalogue.CATALOGUES):
        for key in catalogue_["id"]:
            assert key not in seen, f"{key} is in two catalogues"
            seen[key] = number
        for lang, strings in catalogue_.items():
            assert strings.keys() == catalogue_["id"].keys(), lang


def test_say_reads_a_missing_language_in_indonesian_and_refuses_an_unknown_key():
    assert catalogue.say("fr", "stale_button") == catalogue.say("id", "stale_button")
    assert (
        catalogue.say("en", "command_at_bot", command="/tps", username="kpu_bot")
        == '/tps di <a href="https://t.me/kpu_bot?start=_kanal">@kpu_bot</a>'
    )
    with pytest.raises(KeyError):
        catalogue.say("id", "no-such-key")
