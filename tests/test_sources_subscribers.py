"""Where subscribers come from, end to end through the stand-in: the invite button and its share URL,
opening an invitation as a new user, source tags of links (first one kept, forged ones ignored), the
invite button under reminders with invite = true and not in the channel's copy."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.content import deep_links
from bot.schedule import loading
from tests.conftest import TZ, schedule_toml
from tests.e2e import Harness
from tests.test_areas_subscribers import AREAS, OTHERS, buttons, tap, welcome_and_role

ALICE, BUDI, CITRA = 301, 302, 303
CHANNEL = -1001234567890
AREA_NAMES = OTHERS  # after Kedungwaru, in the schedule's order
FAR = {"id": "kelak", "at": datetime(2040, 1, 1, 8, tzinfo=TZ), "roles": ["pemilih"]}


def schedule(reminders=(FAR,), invite: bool = False):
    text = schedule_toml(list(reminders)) + AREAS
    if invite:
        text = text.replace('id = "ajak-teman"', 'id = "ajak-teman"\ninvite = true')
    return loading.parse(text)


def invite_links(message: dict) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b["url"] for row in rows for b in row if "url" in b]


def shared(url: str) -> tuple[str, str]:
    """(the link, the text) a share-dialog URL carries."""
    parts = urlsplit(url)
    assert (parts.netloc, parts.path) == ("t.me", "/share/url")
    query = parse_qs(parts.query)
    return query["url"][0], query["text"][0]


async def test_the_confirmation_carries_an_invite_that_names_the_kecamatan_and_nobody(tmp_path):
    async with Harness(tmp_path, schedule()) as h:
        step = await welcome_and_role(h, ALICE)
        [url] = invite_links(step)
        link, text = shared(url)
        assert link == f"https://t.me/{h.standin.bot_username}?start=_ajak"  # no kecamatan yet
        assert text.startswith("Dapatkan pengingat resmi Pilkada Uji dari KPU Kabupaten Uji di Telegram")
        step = await tap(h, ALICE, step, "Kedungwaru")
        step = await tap(h, ALICE, step, "Bangoan")
        [url] = invite_links(step)  # still there once the area step is done, now with the kecamatan
        link, _ = shared(url)
        assert link == f"https://t.me/{h.standin.bot_username}?start=kedungwaru_ajak"
        assert str(ALICE) not in url  # nothing in it identifies the person who shares it
        assert [b["text"] for row in step["reply_markup"]["inline_keyboard"] for b in row] == [
            "📨 Ajak keluarga & tetangga"
        ]


async def test_an_invitation_opened_by_a_new_user_offers_the_kecamatan_first_and_counts_as_ajak(tmp_path):
    async with Harness(tmp_path, schedule()) as h:
        [welcome] = await h.say(BUDI, "/start kedungwaru_ajak")
        assert "Silakan pilih peran Anda" in welcome["text"]
        step = await tap(h, BUDI, welcome, "Pemilih")
        assert next(iter(buttons(step))) == "📍 Kedungwaru"  # the sharer's kecamatan comes first
        assert h.store.subscriber(BUDI).source == "ajak"
        assert h.store.subscriber(BUDI).role == "pemilih"


async def test_english_invitations_are_in_english(tmp_path):
    async with Harness(tmp_path, schedule()) as h:
        step = await welcome_and_role(h, CITRA, "Voter", language_code="en")
        [url] = invite_links(step)
        assert "📨 Invite family & neighbours" in [
            b["text"] for row in step["reply_markup"]["inline_keyboard"] for b in row
        ]
        _, text = shared(url)
        assert text.startswith("Get the official Pilkada Uji reminders from the KPU of Kabupaten Uji on Telegram")


async def test_the_first_source_is_kept_and_forged_or_long_tags_are_ignored(tmp_path):
    async with Harness(tmp_path, schedule()) as h:
        await h.say(ALICE, "/start pemilih-kedungwaru_balai-bangoan")
        await h.say(ALICE, "/start pemilih_kanal")
        assert h.store.subscriber(ALICE).source == "balai-bangoan"  # never overwritten
        await h.say(BUDI, "/start pemilih_<script>")
        await h.say(BUDI, "/start pemilih_" + "x" * 70)
        await h.say(BUDI, "/start pemilih_a_b")
        assert h.store.subscriber(BUDI).role == "pemilih"  # the role still works
        assert h.store.subscriber(BUDI).source is None
        await h.say(CITRA, "/start")
        await h.say(CITRA, "/start _kanal")  # the channel's link, before a role: kept for when one is chosen
        assert h.store.subscriber(CITRA).source == "kanal"
        assert "asal tautan" in await h.forget(ALICE)
        assert h.store.subscriber(ALICE) is None  # /hapus removes the source with the rest


async def test_a_reminder_with_invite_carries_the_button_but_not_in_the_channel(tmp_path):
    reminder = {"id": "ajak-teman", "at": datetime(2039, 12, 31, 9, tzinfo=TZ), "roles": ["pemilih"], "channel": True}
    h = Harness(tmp_path, schedule([reminder, FAR], invite=True), overrides={"channel_id": str(CHANNEL)})
    h.standin.add_channel(CHANNEL, "nama_kanal")
    async with h:
        step = await welcome_and_role(h, ALICE)
        await tap(h, ALICE, await tap(h, ALICE, step, "Kedungwaru"), "Bangoan")
        before = len(h.standin.sent_to(ALICE))
        await h.reach("ajak-teman")
        [copy] = (await h.standin.wait_messages(ALICE, before + 1))[before:]
        [url] = invite_links(copy)
        assert shared(url)[0].endswith("?start=kedungwaru_ajak")
        [post] = await h.standin.wait_messages(CHANNEL, 1)
        assert invite_links(post) == []


def test_a_start_parameter_is_packed_within_telegrams_limit():
    assert deep_links.start_payload("pemilih", "kedungwaru", "bangoan", 7, "balai-x") == (
        "pemilih-kedungwaru-bangoan-007_balai-x"
    )
    assert deep_links.split_source("pemilih-kedungwaru_balai-x") == ("pemilih-kedungwaru", "balai-x")
    assert deep_links.split_source("pemilih_Balai") == ("pemilih", None)
    with pytest.raises(ValueError, match="over Telegram's limit of 64"):
        deep_links.start_payload("pemilih", "k" * 50, source="x" * 20)


async def test_an_invitation_shared_and_opened_moves_the_counts_in_stats(tmp_path):
    import asyncio

    from tests import cli_runner

    async with Harness(tmp_path, schedule()) as h:
        step = await welcome_and_role(h, ALICE, "Voter", language_code="en")
        step = await tap(h, ALICE, step, "Kedungwaru")
        [url] = invite_links(step)
        link, _ = shared(url)
        payload = urlsplit(link).query.removeprefix("start=")
        assert payload == "kedungwaru_ajak"
        [welcome] = await h.say(BUDI, f"/start {payload}", language_code="en")  # the invitee, a new user
        assert "Please choose your role" in welcome["text"]
        step = await tap(h, BUDI, welcome, "Voter")
        assert next(iter(buttons(step))) == "📍 Kedungwaru"
        result = await asyncio.to_thread(cli_runner.bot, "stats", "--database", h.db_path)
        assert result.returncode == 0, result.stderr
        assert "Invitations (ajak)          0      0        1       1  50.0%" in result.stdout
        assert "From invitations (ajak): 1 of 2 active subscribers (50.0%)" in result.stdout


async def test_an_invitations_kecamatan_sits_on_top_and_the_pages_still_show_every_kecamatan_once(tmp_path):
    async with Harness(tmp_path, schedule()) as h:
        [welcome] = await h.say(BUDI, "/start ngunut_ajak")
        step = await tap(h, BUDI, welcome, "Pemilih")
        first_page = list(buttons(step))
        assert first_page[0] == "📍 Ngunut"
        step = await tap(h, BUDI, step, "▶")
        names = [n for n in first_page[1:] + list(buttons(step)) if n not in ("▶", "◀", "Lewati")]
        assert names == ["Kedungwaru", *AREA_NAMES]  # the schedule's order, each once
        [welcome] = await h.say(CITRA, "/start ngunut_ajak")
        await tap(h, CITRA, await tap(h, CITRA, welcome, "Pemilih"), "📍 Ngunut")
        assert h.store.subscriber(CITRA).area == "ngunut"


async def test_a_link_opened_after_subscribing_without_one_does_not_become_the_source(tmp_path):
    async with Harness(tmp_path, schedule()) as h:
        await welcome_and_role(h, ALICE)  # a plain /start
        await h.say(ALICE, "/start _kanal")
        await h.say(ALICE, "/start kedungwaru_ajak")  # their own invitation, opened to try it
        assert h.store.subscriber(ALICE).source is None


async def test_a_tag_needs_a_link_the_bot_could_have_made_and_is_taken_as_written(tmp_path):
    async with Harness(tmp_path, schedule()) as h:
        await h.say(ALICE, "/start zzzz_kpu-curang")  # no role, kecamatan or empty head before the tag
        assert h.store.subscriber(ALICE) is None
        await h.say(BUDI, "/start PEMILIH_BALAI")  # tags are lowercase; the head is read either way
        assert (h.store.subscriber(BUDI).role, h.store.subscriber(BUDI).source) == ("pemilih", None)
        await h.say(CITRA, "/start Pemilih-Kedungwaru_balai-bangoan")
        assert (h.store.subscriber(CITRA).area, h.store.subscriber(CITRA).source) == ("kedungwaru", "balai-bangoan")


async def test_someone_who_only_opened_a_link_is_neither_new_nor_stopped(tmp_path):
    async with Harness(tmp_path, schedule()) as h:
        await welcome_and_role(h, ALICE)
        [welcome] = await h.say(BUDI, "/start _kanal")  # opens the channel's link, picks no role
        assert "Silakan pilih peran Anda" in welcome["text"]
        [answer] = await h.say(BUDI, "/berhenti")
        assert "belum berlangganan" in answer["text"].lower()
        stats = h.store.subscriber_stats(tz=TZ)
        assert (stats["new_today"], stats["stopped"], stats["total_active"]) == (1, 0, 1)
        assert h.store.subscriber(BUDI).source == "kanal"  # kept for when they choose a role
