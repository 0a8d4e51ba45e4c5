"""Questions in plain words, end to end through the stand-in: answers, related buttons, groups, /pertanyaan."""

from __future__ import annotations

import dataclasses

import pytest

from bot.content import catalogue, texts
from bot.schedule import loading
from bot.schedule import model as sched
from bot.store.questions import DAY
from tests.e2e import Harness

VOTER, OTHER, OPERATOR, GROUP, MEMBER = 33, 34, 900, -700, 71
NOT_FOUND_ID = "Maaf, jawaban untuk pertanyaan itu belum ada."


@pytest.fixture
def default_schedule():
    return loading.load("config/pilkada2024.toml")


def buttons(message: dict) -> dict[str, str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row if "callback_data" in b}


def entry(schedule: sched.Schedule, entry_id: str):
    found = schedule.faq_entry(entry_id)
    assert found is not None
    return found


async def test_kapan_coblosan_gets_the_voting_day_with_related_questions(tmp_path, default_schedule):
    async with Harness(tmp_path, default_schedule) as h:
        [answer] = await h.say(VOTER, "kapan coblosan?")
        assert answer["text"] == entry(default_schedule, "kapan-pemungutan").answer("id", h.runtime.today())
        assert "27 November 2024" in answer["text"]
        related = buttons(answer)
        assert 1 <= len(related) <= 3
        assert "faq:kapan-pemungutan" not in related.values()
        label, data = next(iter(related.items()))
        pressed = entry(default_schedule, data.removeprefix("faq:"))
        assert label == texts.faq_button_label(pressed.phrasings("id")[0])
        before = len(h.standin.sent_to(VOTER))
        await h.press(VOTER, answer, data)
        [shown] = (await h.standin.wait_messages(VOTER, before + 1, timeout=10))[before:]
        assert shown["text"] == pressed.answer("id", h.runtime.today())
        assert h.store.unanswered() == []


async def test_an_english_question_with_typos_gets_the_english_answer(tmp_path, default_schedule):
    async with Harness(tmp_path, default_schedule) as h:
        [answer] = await h.say(VOTER, "wen is the votng day?", language_code="en")
        assert answer["text"] == entry(default_schedule, "kapan-pemungutan").answer("en", h.runtime.today())
        assert "Wednesday, 27 November 2024" in answer["text"]
        for label in buttons(answer):  # related questions in English too
            assert any(label == texts.faq_button_label(e.phrasings("en")[0]) for e in default_schedule.faq)


async def test_off_topic_gets_not_found_with_bantuan_and_contact_and_is_counted(tmp_path, default_schedule):
    async with Harness(tmp_path, default_schedule, admin_ids=[OPERATOR]) as h:
        [reply] = await h.say(VOTER, "jual pulsa murah 🙂")
        assert reply["text"].startswith(NOT_FOUND_ID)
        assert "/bantuan" in reply["text"]
        contact = default_schedule.fact("contact", "id")
        assert contact is None or contact in reply["text"]
        await h.say(OTHER, "Jual pulsa murah!")
        [row] = h.store.unanswered()
        assert row[:2] == ("jual pulsa murah", 2)
        columns = [r[1] for r in h.store.conn.execute("PRAGMA table_info(unanswered)")]
        assert not any("chat" in c or "user" in c for c in columns)

        [listing] = await h.say(OPERATOR, "/pertanyaan")
        assert "<b>Pertanyaan tanpa jawaban</b>" in listing["text"]
        assert "2× jual pulsa murah" in listing["text"]
        [english] = await h.say(OPERATOR, "/pertanyaan", language_code="en")
        assert "Unanswered questions" in english["text"]
        [refused] = await h.say(VOTER, "/pertanyaan")  # not an operator: an unknown command
        assert refused["text"] == catalogue.say("id", "unknown_command")


async def test_a_sticker_is_asked_to_be_a_written_question_and_is_not_counted(tmp_path, default_schedule):
    async with Harness(tmp_path, default_schedule) as h:
        [reply] = await h.say(VOTER, "", sticker="👍")
        assert (
            reply["text"]
            == "Maaf, bot ini hanya membaca tulisan. Ketik pertanyaan Anda, atau /bantuan untuk daftar perintah."
        )
        [english] = await h.say(OTHER, "", sticker="👍", language_code="en")
        assert english["text"].startswith("Sorry, this bot only reads text. Type your question")
        assert h.store.unanswered() == []


async def test_without_a_contact_fact_the_not_found_reply_leaves_it_out(tmp_path, default_schedule):
    facts = {k: v for k, v in default_schedule.facts.items() if not k.startswith("contact")}
    schedule = dataclasses.replace(default_schedule, facts=facts)
    async with Harness(tmp_path, schedule) as h:
        [reply] = await h.say(VOTER, "jual pulsa")
        assert reply["text"] == texts.faq_not_found_text("id", None, suggestions=bool(buttons(reply)))


async def test_old_unanswered_questions_are_gone_after_30_days(tmp_path, default_schedule):
    now = [1_732_000_000.0]
    async with Harness(tmp_path, default_schedule, admin_ids=[OPERATOR], clock=lambda: now[0]) as h:
        await h.say(VOTER, "jual pulsa")
        now[0] += 31 * DAY
        await h.say(VOTER, "beli token listrik")
        assert [t for t, _, _ in h.store.unanswered(now[0])] == ["beli token listrik"]
        assert h.store.conn.execute("SELECT COUNT(*) FROM unanswered").fetchone()[0] == 1  # deleted, not hidden
        [listing] = await h.say(OPERATOR, "/pertanyaan")
        assert "jual pulsa" not in listing["text"]
        assert "beli token listrik" in listing["text"]


async def test_groups_get_answers_only_when_the_bot_is_mentioned_or_replied_to(tmp_path, default_schedule):
    async with Harness(tmp_path, default_schedule) as h:
        h.runtime.pacer.group_interval = 0.05
        h.standin.user_message(GROUP, "kapan coblosan?", user_id=MEMBER)
        [answer] = await h.say(GROUP, "@kpu_demo_bot kapan coblosan?", user_id=MEMBER)  # the first got nothing
        assert "27 November 2024" in answer["text"]
        [reply] = await h.say(GROUP, "jual pulsa @KPU_demo_bot", user_id=MEMBER)
        assert reply["text"].startswith(NOT_FOUND_ID)
        [again] = await h.say(GROUP, "kpn nyoblos", user_id=MEMBER, reply_to=answer["message_id"])
        assert "27 November 2024" in again["text"]
        assert [m["text"] for m in h.standin.sent_to(GROUP)] == [answer["text"], reply["text"], again["text"]]
        assert [t for t, _, _ in h.store.unanswered()] == ["jual pulsa"]


async def test_an_operators_broadcast_text_is_still_a_draft_not_a_question(tmp_path, default_schedule):
    schedule = dataclasses.replace(default_schedule, areas=())  # straight from roles to the text
    async with Harness(tmp_path, schedule, admin_ids=[OPERATOR], subscribers=[(VOTER, "pemilih")]) as h:
        [menu] = await h.say(OPERATOR, "/siaran")
        await h.press(OPERATOR, menu, buttons(h.standin.sent_to(OPERATOR)[-1])["☐ Pemilih"])
        await h.press(OPERATOR, menu, buttons(h.standin.sent_to(OPERATOR)[-1])["Lanjut ▶"])
        await h.standin.wait_for(lambda: "Sekarang kirim teks" in h.standin.sent_to(OPERATOR)[-1]["text"])
        replies = await h.say(OPERATOR, "kapan coblosan?", n=2)
        assert replies[0]["text"] == "kapan coblosan?"  # the preview of the broadcast
        assert not any("27 November 2024" in r["text"] for r in replies)
        assert h.store.unanswered() == []
        [answer] = await h.say(OPERATOR, "kapan coblosan?")  # no draft waits: now it is a question
        assert "27 November 2024" in answer["text"]


async def test_privacy_says_unanswered_questions_are_kept_30_days_without_chat_id(tmp_path, default_schedule):
    async with Harness(tmp_path, default_schedule) as h:
        [privacy] = await h.say(VOTER, "/privasi")
        assert texts.UNANSWERED_KEPT["id"] in privacy["text"]
        assert "30 hari" in privacy["text"]
        [english] = await h.say(VOTER, "/privacy", language_code="en")
        assert texts.UNANSWERED_KEPT["en"] in english["text"]
        assert "30 days" in english["text"]
