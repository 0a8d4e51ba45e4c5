"""Reminders that keep quiet: silent ones go without a notification, none starts at night."""

from __future__ import annotations

import textwrap

from bot.schedule import loading
from tests.conftest import make_schedule
from tests.e2e import Harness
from tests.test_cli import bot


async def test_silent_reminders_go_without_notification(tmp_path, soon):
    schedule = make_schedule(
        [
            {"id": "tip", "at": soon(600), "roles": ["asn"], "text": "tip", "silent": True},
            {"id": "penting", "at": soon(600), "roles": ["asn"], "text": "penting"},
        ]
    )
    async with Harness(tmp_path, schedule, subscribers=[(500, "asn")]) as h:
        await h.reach("penting")  # both due at once
        await h.standin.wait_messages(500, 2)
        by_text = {m["text"]: m for m in h.standin.sent_to(500)}
        assert by_text["tip"]["disable_notification"] is True
        assert not by_text["penting"]["disable_notification"]


def test_check_warns_about_night_reminders_and_moves_them_to_morning(tmp_path):
    path = tmp_path / "night.toml"
    path.write_text(
        textwrap.dedent(
            """
            [election]
            name = "X"
            region = "Y"
            timezone = "Asia/Jakarta"

            [[reminder]]
            id = "larut"
            at = 2030-01-01T22:30:00
            expires = 2030-01-02T12:00:00
            roles = ["asn"]
            text = "malam"

            [[reminder]]
            id = "sengaja"
            at = 2030-01-01T23:00:00
            night = true
            roles = ["asn"]
            text = "malam"
            """
        ),
        encoding="utf-8",
    )
    result = bot("check", str(path))
    assert result.returncode == 0
    assert 'warning: reminder "larut": field "at": 2030-01-01 22:30 is at night' in result.stderr
    assert "starts at 2030-01-02 06:00" in result.stderr
    assert "sengaja" not in result.stderr
    moved = loading.load(path).reminder("larut")
    assert (moved.at.hour, moved.at.day) == (6, 2)
    assert loading.load(path).reminder("sengaja").at.hour == 23
