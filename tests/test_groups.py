"""A group's subscription is changed by the group's admins only, end to end through the stand-in."""

from __future__ import annotations

import pytest

from bot.schedule import loading
from tests.e2e import Harness

GROUP, ADMIN, OWNER, MEMBER = -500, 51, 50, 52
REFUSED = "Maaf, di grup hanya admin grup yang dapat mengubah langganan grup ini."


@pytest.fixture
def default_schedule():
    return loading.load("config/pilkada2024.toml")


async def press(h: Harness, message: dict, data: str, user_id: int) -> dict:
    """`user_id` presses a button in the group; returns the answer to the callback query."""
    before = len(h.standin.callback_answers)
    h.standin.press_button(GROUP, message["message_id"], data, user_id=user_id)
    await h.standin.wait_for(lambda: len(h.standin.callback_answers) > before, timeout=10)
    return h.standin.callback_answers[before]


def quick(h: Harness) -> Harness:
    """Replies to a group are paced 3 s apart, as Telegram wants; tests need not wait that long."""
    h.runtime.pacer.group_interval = 0.05
    return h


def buttons(message: dict) -> dict[str, str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row if "callback_data" in b}


async def test_members_who_are_not_admins_cannot_subscribe_stop_or_delete_a_group(tmp_path, default_schedule):
    async with Harness(tmp_path, default_schedule) as h:
        quick(h)
        h.standin.set_admins(GROUP, [OWNER, ADMIN])
        [reply] = await h.say(GROUP, "/start pemilih", user_id=MEMBER, language_code="en")
        assert reply["text"] == "Sorry, in a group only the group's admins can change its subscription."
        [reply] = await h.say(GROUP, "/start pemilih", user_id=MEMBER)
        assert reply["text"] == REFUSED
        assert h.store.subscriber(GROUP) is None
        [reply] = await h.say(GROUP, "/start kades", user_id=ADMIN)
        assert "Anda terdaftar sebagai <b>Kepala Desa" in reply["text"]
        for command in ["/berhenti", "/stop", "/hapus"]:
            [reply] = await h.say(GROUP, command, user_id=MEMBER)
            assert reply["text"] == REFUSED, command
        assert (h.store.subscriber(GROUP).role, h.store.subscriber(GROUP).status) == ("kades", "active")

        [menu] = await h.say(GROUP, "/peran", user_id=MEMBER)  # showing the menu changes nothing
        answer = await press(h, menu, buttons(menu)["Pemilih"], MEMBER)
        assert answer.get("text") == REFUSED
        assert answer.get("show_alert")
        [languages] = await h.say(GROUP, "/bahasa", user_id=MEMBER)
        answer = await press(h, languages, buttons(languages)["English"], MEMBER)
        assert answer.get("text") == REFUSED
        sub = h.store.subscriber(GROUP)
        assert (sub.role, sub.language, sub.status) == ("kades", "id", "active")

        answer = await press(h, menu, buttons(menu)["Pemilih"], OWNER)  # the creator may
        assert not answer.get("show_alert")
        await h.standin.wait_for(lambda: h.store.subscriber(GROUP).role == "pemilih")
        assert "telah dihapus" in await h.forget(GROUP, user_id=ADMIN)
        assert h.store.subscriber(GROUP) is None


async def test_an_anonymous_admin_counts_as_an_admin(tmp_path, default_schedule):
    async with Harness(tmp_path, default_schedule) as h:
        quick(h)
        h.standin.set_admins(GROUP, [OWNER])
        [reply] = await h.say(GROUP, "/start asn", anonymous=True)
        assert "Anda terdaftar sebagai <b>ASN" in reply["text"]
        [reply] = await h.say(GROUP, "/berhenti", anonymous=True)
        assert "berhenti berlangganan" in reply["text"]
        assert h.store.subscriber(GROUP).status == "stopped"


async def test_private_chats_never_ask_telegram_about_members(tmp_path, default_schedule):
    async with Harness(tmp_path, default_schedule) as h:
        await h.say(MEMBER, "/start pemilih")
        await h.say(MEMBER, "/berhenti")
        assert "telah dihapus" in await h.forget(MEMBER)
        assert h.standin.calls["getChatMember"] == 0
