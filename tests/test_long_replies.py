"""No reply is ever longer than Telegram's 4,096 characters: long ones come in pages.

Every reply is rendered the way the handlers render it (not through Telegram) with the shipped
schedule on every day of the campaign, a database with 200 broadcasts and 500 audit rows, in both
languages; each page must be valid Telegram HTML within the limit, and the pages together must
show every item exactly once, in order. One end-to-end test turns the pages of /rencana over the
stand-in, which refuses any message over the limit as Telegram does.
"""

from __future__ import annotations

import re
import time
from datetime import date, datetime, timedelta

import pytest

from bot.content import catalogue, formats, operator_texts, pages, reports, telegram_html, texts
from bot.delivery import plan
from bot.schedule import loading
from bot.schedule.model import ROLES
from bot.telegram import operator_commands
from tests.conftest import TZ, make_schedule
from tests.e2e import Harness

SHIPPED = loading.load("config/pilkada2024.toml")
FIRST, LAST = date(2024, 8, 1), date(2025, 2, 28)
DAYS = [FIRST + timedelta(days=n) for n in range((LAST - FIRST).days + 1)]
RATE = 30.0
# The commission's real audience: big numbers make the longest /rencana (late warnings included).
REAL_AUDIENCE = {"asn": 5000, "kades": 3000, "pemilih": 858030}


def sent(parts: list[str], lang: str) -> list[str]:
    """What the bot sends for a paged reply: each page with its 'page 2 of 5' note."""
    return [pages.with_note(parts, n, lang) for n in range(len(parts))]


def assert_sendable(messages: list[str], what: str) -> None:
    assert messages, what
    for n, text in enumerate(messages):
        problem = telegram_html.check(text)
        assert problem is None, f"{what}, page {n + 1}: {problem}"
        length = telegram_html.visible_length(text)
        assert length is not None, (what, n, length)
        assert length <= telegram_html.MAX_TEXT, (what, n, length)


def assert_each_once(messages: list[str], items: list[str], what: str) -> None:
    """Every item appears on exactly one page, whole, and the pages keep the items' order."""
    joined = "\n".join(messages)
    found = []
    for item in items:
        assert joined.count(item) == 1, f"{what}: {item!r} appears {joined.count(item)} times"
        found.append(joined.index(item))
    assert found == sorted(found), what


@pytest.fixture
def busy_store(store):
    """A database after a long campaign: subscribers, 200 broadcasts and 500 audit rows."""
    with store.transaction():
        for n in range(60):
            store.subscribe(1000 + n, ROLES[n % len(ROLES)], "id" if n % 2 else "en")
    start = datetime(2024, 8, 1, 8, tzinfo=TZ).timestamp()
    for n in range(200):
        store.create_adhoc(text=f"siaran {n}", roles=list(ROLES[: 1 + n % 3]), ttl=3600, now=start + n * 3600)
    with store.transaction():
        for n in range(500):
            detail = f"peran=asn,kades,pemilih; penerima={866030 + n}; disetujui=7002"
            if n % 97 == 0:  # now and then a long one (a long error, a long file path)
                detail = f"catatan {n}: " + "sangat panjang " * 60
            store.log_action(7000 + n % 3, "siaran: kirim", f"siaran:{n}-<x>&", detail, now=start + n * 600)
    return store


@pytest.mark.slow
def test_rencana_on_every_day_of_the_campaign_fits_in_pages(busy_store):
    ids_seen = set()
    audiences = [busy_store.count_audience, lambda roles: 0, lambda roles: sum(REAL_AUDIENCE[r] for r in roles)]
    for audience in audiences:
        for day in DAYS:
            now = datetime(day.year, day.month, day.day, 8, tzinfo=TZ)
            rows = plan.plan(SHIPPED, audience, RATE, now=now)
            for lang in formats.LANGS:
                parts = operator_texts.plan_pages(rows, RATE, TZ, lang)
                messages = sent(parts, lang)
                assert_sendable(messages, f"/rencana {day} {lang}")
                assert_each_once(messages, operator_texts.plan_items(rows, TZ, lang), f"/rencana {day}")
                ids_seen |= {row.reminder.id for row in rows}
    assert ids_seen == {r.id for r in SHIPPED.reminders}
    # The case of the issue: on 1 Aug 2024, before anyone subscribed, the plan does not fit in one message.
    rows = plan.plan(SHIPPED, lambda roles: 0, RATE, now=datetime(2024, 8, 1, 8, tzinfo=TZ))
    assert telegram_html.visible_length(operator_texts.plan_text(rows, RATE, TZ, "id")) > telegram_html.MAX_TEXT
    assert len(operator_texts.plan_pages(rows, RATE, TZ, "id")) >= 2


def test_the_handlers_operator_views_fit_in_pages(busy_store):
    for lang in formats.LANGS:
        for view in operator_commands.OPERATOR_VIEWS:
            for day in (FIRST, date(2024, 11, 27), LAST):
                now = datetime(day.year, day.month, day.day, 8, tzinfo=TZ)
                parts = operator_commands.view_pages(view, lang, SHIPPED, busy_store, RATE, now)
                assert_sendable(sent(parts, lang), f"/{view} {day} {lang}")
        audit_rows = busy_store.audit_trail(operator_commands.AUDIT_SHOWN)
        assert len(audit_rows) == 500
        audit = sent(operator_texts.audit_pages(audit_rows, TZ, lang), lang)
        assert len(audit) > 1
        assert_sendable(audit, f"/audit {lang}")
        lines = operator_texts.audit_lines(audit_rows, TZ, lang)
        short = [line for line in lines if telegram_html.visible_length(line) < 500]  # long ones may be cut
        assert_each_once(audit, short, f"/audit {lang}")
        figures = reports.recent_figures(busy_store, operator_commands.REPORTS_SHOWN)
        assert len(figures) == 200
        listing = sent(operator_texts.report_list_pages(figures, TZ, lang), lang)
        assert_sendable(listing, f"/laporan {lang}")
        assert_each_once(listing, [f"<code>{f['id']}</code> " for f in figures], f"/laporan {lang}")
        for f in figures:
            assert_sendable([operator_texts.progress_text(f, TZ, lang)], f"/laporan {f['id']} {lang}")


def test_a_long_audit_line_is_cut_between_words_and_loses_nothing(busy_store):
    busy_store.log_action(7000, "catatan", "x", "kata " * 2000)
    rows = busy_store.audit_trail(1)
    parts = operator_texts.audit_pages(rows, TZ, "en")
    assert len(parts) == 3
    assert_sendable(sent(parts, "en"), "/audit")
    visible = "".join(telegram_html.parse(p).text for p in parts)
    assert visible.count("kata") == 2000


def test_subscriber_replies_on_every_day_fit(busy_store):
    hint = {lang: catalogue.say(lang, "not_subscribed_hint") for lang in formats.LANGS}
    for lang in formats.LANGS:
        fixed = [texts.welcome_text(SHIPPED, lang), texts.help_text(lang), catalogue.say(lang, "privacy")]
        fixed += [texts.already_subscribed_text(role, lang) for role in ROLES]
        fixed += [texts.correction_text(s, s.start - timedelta(days=3), s.end, lang) for s in SHIPPED.stages]
        fixed.append(operator_texts.stats_text(busy_store.subscriber_stats(tz=TZ), SHIPPED.election.region, lang))
        assert_sendable(fixed, f"fixed replies {lang}")
        for day in DAYS:
            schedule_pages = sent(texts.schedule_pages(SHIPPED, day, lang), lang)
            assert_sendable(schedule_pages, f"/jadwal {day} {lang}")
            stages = sorted(SHIPPED.stages, key=lambda s: (s.start, s.end))
            marks = [f" <b>{texts.escape(texts.stage_name(s, lang))}</b>\n" for s in stages]
            assert_each_once(schedule_pages, marks, f"/jadwal {day} {lang}")
            assert_sendable([texts.subscribed_text(role, SHIPPED, day, lang) for role in ROLES], f"/start {day}")
            for key in [texts.netralitas_key(role) for role in ROLES] + ["tps"]:
                page = texts.page_text(SHIPPED, key, lang, day)
                assert_sendable(pages.split(page), f"/{key} {day} {lang}")
                assert_sendable(pages.split(page + hint[lang]), f"/{key} (not subscribed) {day} {lang}")


def test_a_schedule_with_many_stages_gets_jadwal_in_pages():
    stages = "\n".join(
        f'[[stage]]\nid = "tahap-{n}"\nname = "Tahapan nomor {n} dengan nama yang cukup panjang"\n'
        f"start = {date(2024, 8, 1) + timedelta(days=2 * n)}\nend = {date(2024, 8, 2) + timedelta(days=2 * n)}\n"
        for n in range(80)
    )
    reminder = {"id": "r", "at": datetime(2024, 9, 1, 9, tzinfo=TZ), "roles": ["pemilih"]}
    schedule = make_schedule([reminder], stages)
    for lang in formats.LANGS:
        messages = sent(texts.schedule_pages(schedule, date(2024, 9, 1), lang), lang)
        assert len(messages) >= 2
        assert_sendable(messages, f"/jadwal {lang}")
        assert_each_once(messages, [f"nomor {n} dengan nama yang cukup panjang</b>\n" for n in range(80)], "/jadwal")
        assert all(m.startswith("<b>") and catalogue.say(lang, "legend") in m for m in messages)


@pytest.mark.parametrize(
    "text",
    [
        "<b>" + "\n".join(f"baris {n} &amp; lagi" for n in range(1500)) + "</b>",
        "<blockquote><i>" + "kata " * 3000 + "</i></blockquote>",
        "😀" * 5000,
        "\n\n\n" + "x" * 4096 + "\n\n\n" + "y" * 10,
        '<a href="https://kpu.go.id">' + "tautan " * 1000 + "</a>",
    ],
)
def test_split_makes_valid_pages_that_keep_every_character(text):
    parts = pages.split(text)
    assert len(parts) >= 2
    assert_sendable(parts, "split")
    whole = telegram_html.parse(text).text
    shown = "".join(telegram_html.parse(p).text for p in parts)
    assert "".join(shown.split()) == "".join(whole.split())


def test_a_reply_that_fits_is_one_message_unchanged():
    text = "<b>Jadwal</b>\nsatu\ndua"
    assert pages.split(text) == [text]
    assert pages.with_note([text], 0, "id") == text


# -- end to end ---------------------------------------------------------------------------------

OPERATOR = 7001
ITEM_HEAD = re.compile(r"<b>([^<]*)</b>\n  (\S+ \S+) ·")  # a reminder of /rencana: its title and time


def buttons(message: dict) -> dict[str, str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row if "callback_data" in b}


async def test_rencana_on_1_august_2024_comes_in_pages_turned_with_buttons(tmp_path):
    offset = datetime(2024, 8, 1, 9, tzinfo=TZ).timestamp() - time.time()
    subscribers = [(100 + n, ROLES[n % 3]) for n in range(9)]
    async with Harness(
        tmp_path, SHIPPED, admin_ids=[OPERATOR], subscribers=subscribers, clock=lambda: time.time() + offset
    ) as h:
        rt = h.runtime
        rows = plan.plan(SHIPPED, rt.store.count_audience, rt.settings.effective_rate, now=rt.now())
        assert telegram_html.visible_length(operator_texts.plan_text(rows, rt.settings.effective_rate, TZ, "id")) > 4096
        [first] = await h.say(OPERATOR, "/rencana")
        assert telegram_html.visible_length(first["text"]) <= 4096
        assert first["text"].startswith("<b>Pengingat terjadwal</b>")
        assert "Halaman 1 dari 2" in first["text"]
        assert set(buttons(first)) == {pages.NEXT}
        every = set(ITEM_HEAD.findall(operator_texts.plan_text(rows, rt.settings.effective_rate, TZ, "id")))
        shown_first = set(ITEM_HEAD.findall(first["text"]))
        assert shown_first
        assert len(every) == len(rows)
        answer = await h.press(OPERATOR, first, buttons(first)[pages.NEXT])
        assert not answer.get("show_alert")
        await h.standin.wait_for(lambda: "Halaman 2 dari 2" in h.standin.sent_to(OPERATOR)[-1]["text"])
        second = h.standin.sent_to(OPERATOR)[-1]
        assert second["message_id"] == first["message_id"]  # the same message, edited
        assert second["text"].startswith("<b>Pengingat terjadwal</b>")
        assert set(buttons(second)) == {pages.PREVIOUS}
        shown_second = set(ITEM_HEAD.findall(second["text"]))
        assert shown_first.isdisjoint(shown_second)
        assert shown_first | shown_second == every
        await h.press(OPERATOR, second, buttons(second)[pages.PREVIOUS])
        await h.standin.wait_for(lambda: "Halaman 1 dari 2" in h.standin.sent_to(OPERATOR)[-1]["text"])
        # Anyone else pressing a page button of an operator view gets nothing.
        before = len(h.standin.callback_answers)
        h.standin.press_button(OPERATOR, first["message_id"], buttons(first)[pages.NEXT], user_id=100)
        await h.standin.wait_for(lambda: len(h.standin.callback_answers) > before)
        assert h.standin.callback_answers[before].get("text") == catalogue.say("id", "stale_button")
        assert "Halaman 1 dari 2" in h.standin.sent_to(OPERATOR)[-1]["text"]


async def test_a_refusal_quoting_a_4000_character_tag_comes_as_several_messages(tmp_path):
    """The refusal of a /siaran text quotes what is wrong; quoting a huge tag must not break the reply."""
    text = "<" + "x" * 4000 + ">"
    problem = telegram_html.check(text)
    assert problem is not None
    expected = pages.split(operator_texts.draft_refused(problem.text("id"), "id"))
    assert len(expected) >= 2  # one message would be refused by Telegram
    async with Harness(tmp_path, SHIPPED, admin_ids=[OPERATOR], subscribers=[(100, "pemilih")]) as h:
        [menu] = await h.say(OPERATOR, "/siaran")
        await h.press(OPERATOR, menu, buttons(h.standin.sent_to(OPERATOR)[-1])["☐ Pemilih"])
        await h.press(OPERATOR, menu, buttons(h.standin.sent_to(OPERATOR)[-1])["Lanjut ▶"])
        # The shipped schedule lists areas: once the area step is shown, go on with all areas.
        await h.standin.wait_for(lambda: "Pilih wilayah" in h.standin.sent_to(OPERATOR)[-1]["text"])
        await h.press(OPERATOR, menu, buttons(h.standin.sent_to(OPERATOR)[-1])["Lanjut ▶"])
        replies = await h.say(OPERATOR, text, n=len(expected))
        assert [r["text"] for r in replies] == expected
        assert all(telegram_html.visible_length(r["text"]) <= 4096 for r in replies)
        assert catalogue.say("id", "error") not in h.texts_to(OPERATOR)
