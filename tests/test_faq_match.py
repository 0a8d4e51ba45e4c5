"""FAQ matching (bot/content/faq_match.py), unanswered questions in the store, and the FAQ buttons' data."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time

import pytest

from bot.content import button_data, faq_match
from bot.schedule import loading
from bot.schedule.faq import FaqEntry
from bot.store import Store
from bot.store.questions import DAY, question_text


def entry(id: str, questions: list[str], questions_en: list[str]) -> FaqEntry:
    return FaqEntry(id, tuple(questions), tuple(questions_en), ((dt.date.min, id),), ((dt.date.min, id + " (en)"),))


TOY = (
    entry("kapan", ["kapan pemungutan suara?", "tanggal berapa nyoblos"], ["when is voting day?"]),
    entry("jam", ["jam berapa TPS buka?", "TPS tutup jam berapa"], ["what time do polling stations open?"]),
    entry("bawa", ["apa yang harus dibawa ke TPS?"], ["what should I bring to vote?"]),
    entry("ktp", ["tidak punya KTP-el, bisa memilih?"], ["can I vote without an ID card?"]),
    entry("kades", ["apa larangan kepala desa?", "kades boleh kampanye?"], ["what may a village head not do?"]),
)


def test_normalise_folds_informal_regional_and_english_words():
    assert faq_match.normalise("Kpn NYOBLOS???") == ["kapan", "coblos"]
    assert faq_match.normalise("dmn tps sy 🙏") == ["mana", "tps", "saya"]
    assert faq_match.normalise("Kepala Desa gk boleh kampanye") == ["kades", "tidak", "boleh", "kampanye"]
    assert faq_match.normalise("piye yen ora nggawa e-KTP") == ["bagaimana", "yen", "tidak", "bawa", "ktp"]
    assert faq_match.normalise("haloooo!!") == ["halo"]
    assert faq_match.normalise("") == []


@pytest.mark.parametrize(
    ("question", "expect"),
    [
        ("kapan coblosan?", "kapan"),
        ("kpn nyoblos", "kapan"),
        ("wehn is votng day", "kapan"),
        ("jam brp tps buka", "jam"),
        ("kades blh kampanye gk", "kades"),
        ("gk punya ktp gmn", "ktp"),
        ("what to bring", "bawa"),
    ],
)
def test_typos_and_informal_questions_find_their_entry(question, expect):
    found = faq_match.Matcher(TOY).match(question)
    assert found.entry is not None, found
    assert found.entry.id == expect, found
    assert found.confident, found
    assert found.entry not in found.related
    assert len(found.related) <= 3


@pytest.mark.parametrize("message", ["halo", "jual pulsa murah", "apa kabar", "🙂", "", "asdfgh"])
def test_off_topic_messages_are_not_answered(message):
    assert not faq_match.Matcher(TOY).match(message).confident


def test_an_empty_faq_answers_nothing():
    found = faq_match.Matcher(()).match("kapan coblosan")
    assert found.entry is None
    assert not found.confident
    assert found.related == ()


def test_the_margin_over_the_runner_up_is_required():
    twins = (entry("a", ["kapan pemungutan suara"], []), entry("b", ["kapan pemungutan suara"], []))
    found = faq_match.Matcher(twins).match("kapan pemungutan suara")
    assert found.score >= faq_match.THRESHOLD
    assert not found.confident


def test_one_matcher_per_faq_and_a_new_one_after_a_reload():
    default = loading.load("config/pilkada2024.toml")
    assert faq_match.matcher_for(default.faq) is faq_match.matcher_for(default.faq)
    reloaded = loading.load("config/pilkada2024.toml")
    assert faq_match.matcher_for(reloaded.faq).faq is reloaded.faq


def test_answering_takes_under_5_ms_with_the_default_faq():
    faq = loading.load("config/pilkada2024.toml").faq
    matcher = faq_match.Matcher(faq)
    questions = ["kapan coblosan?", "kades blh ikut kampanye gk ya", "jual pulsa murah meriah", "wehn is votng day"]
    times = []
    for _ in range(20):
        for q in questions:
            t = time.perf_counter()
            matcher.match(q)
            times.append(time.perf_counter() - t)
    times.sort()
    assert times[len(times) // 2] < 0.005


@pytest.fixture(scope="module")
def default_matcher() -> faq_match.Matcher:
    return faq_match.Matcher(loading.load("config/pilkada2024.toml").faq)


@pytest.mark.parametrize(
    ("question", "expect"),
    [
        # The phone in the voting booth: asked often, and once answered with the list of what to bring.
        ("Boleh bawa HP ke bilik suara?", "hp-bilik-suara"),
        ("hp boleh dibawa ke tps gak", "hp-bilik-suara"),
        ("Can I take my phone into the booth?", "hp-bilik-suara"),
        # Moving house in everyday words, once answered "belum ada jawaban".
        ("saya pindah domisili bisa nyoblos dimana?", "pindah-memilih"),
        # Voting in the afternoon: the hours.
        ("bisa nyoblos siang?", "jam-tps"),
    ],
)
def test_everyday_voting_day_questions_get_their_answer_from_the_default_faq(default_matcher, question, expect):
    found = default_matcher.match(question)
    assert found.entry is not None, (found.entry, found.score)
    assert found.entry.id == expect, (found.entry, found.score)
    assert found.confident, (found.entry, found.score)


def test_the_phone_number_question_still_gets_the_privacy_answer(default_matcher):
    # "hp" now belongs to the booth rule too; a question about the bot keeping one's number is not about it.
    found = default_matcher.match("bot ini simpan nomor hp saya?")
    assert found.entry is not None
    assert found.entry.id == "data-pribadi"
    assert found.confident


# -- the buttons' data ------------------------------------------------------------------------------


def test_faq_button_data_round_trips_and_refuses_forgeries():
    assert button_data.unpack_faq(button_data.faq("kapan-pemungutan")) == "kapan-pemungutan"
    for bad in [None, "faq:", "faq:Kapan", "faq:a b", "role:asn", "faq:" + "a" * 70]:
        assert button_data.unpack_faq(bad) is None, bad
    with pytest.raises(ValueError, match=r"64 bytes|not an FAQ id"):
        button_data.faq("a" * 70)


# -- unanswered questions in the store --------------------------------------------------------------


def test_question_text_keeps_what_was_asked_not_who():
    assert question_text("  Jual PULSA murah!!! 🙂 ") == "jual pulsa murah"
    assert question_text("NIK saya 3504123456789012 terdaftar?") == "nik saya … terdaftar"
    assert question_text("wa 081234567890") == "wa …"
    assert question_text("?!") == ""
    assert len(question_text("x" * 1000)) == 200


def test_unanswered_questions_are_counted_without_a_chat_id_and_dropped_after_30_days(tmp_path):
    store = Store(tmp_path / "bot.db")
    now = 1_732_000_000.0
    store.record_unanswered("Jual pulsa?", now=now - 40 * DAY)
    store.record_unanswered("jual pulsa", now=now - 2 * DAY)
    store.record_unanswered("JUAL PULSA!!", now=now - DAY)
    store.record_unanswered("kapan libur", now=now)
    assert not store.record_unanswered("🙂", now=now)
    assert [(t, n) for t, n, _ in store.unanswered(now)] == [("jual pulsa", 2), ("kapan libur", 1)]
    columns = [r[1] for r in store.conn.execute("PRAGMA table_info(unanswered)")]
    assert columns == ["text", "day", "count", "last_seen"]  # no chat id, no user id
    raw = sqlite3.connect(tmp_path / "bot.db")
    days = sorted(r[0] for r in raw.execute("SELECT day FROM unanswered WHERE text = 'jual pulsa'"))
    raw.close()
    assert days == [int((now - 2 * DAY) // DAY), int((now - DAY) // DAY)]  # the 40-day-old one was deleted
    assert store.unanswered(now + 29 * DAY) != []
    assert store.purge_unanswered(now + 40 * DAY) == 3
    assert store.unanswered(now + 40 * DAY) == []
    store.close()
