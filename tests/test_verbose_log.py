"""`run -v` logs every update and request at DEBUG, without the names, usernames, phone numbers or
NIK people send: the bot runs as a process against the stand-in and its log file is read."""

from __future__ import annotations

import pytest

from bot.log_privacy import scrub
from standin import StandIn
from tests.e2e import TOKEN
from tests.test_cli_safety import Bots, place  # noqa: F401  (the fixture)

NIK = "3504012345678901"
PHONE = "0812-3456-7890"


@pytest.mark.slow
async def test_the_debug_log_has_no_name_username_nik_or_phone_number(place):  # noqa: F811
    async with StandIn(token=TOKEN) as standin:
        bots = Bots(place, standin)
        try:
            await bots.start("-v")
            await bots.running(0)
            for text in (f"NIK saya {NIK}, bisa memilih di mana?", f"nomor hp saya {PHONE}", "/start"):
                standin.user_message(4242, text, first_name="Siti Rahayu", username="sitirahayu88")
            await standin.wait_for(lambda: len(standin.sent_to(4242)) >= 3, timeout=30)
            # The last reply's answer from Telegram is logged after it arrives: wait for that line.
            await standin.wait_for(lambda: bots.log(0).read_text().count("endpoint `sendMessage` finished") >= 3)
        finally:
            await bots.close()
    log = bots.log(0).read_text()
    assert "DEBUG telegram.ext" in log
    assert "Processing update" in log
    assert "'text': 'NIK saya …, bisa memilih di mana?'" in log
    assert "nomor hp saya …" in log
    for secret in (NIK, PHONE, "Siti", "Rahayu", "sitirahayu88"):
        assert secret not in log


@pytest.mark.parametrize(
    ("line", "scrubbed"),
    [
        (
            """{'first_name': "D'Arcy", 'last_name': None, 'text': 'ok'}""",
            """{'first_name': "…", 'last_name': None, 'text': 'ok'}""",
        ),
        ("User(first_name='Siti', id=12345678, username='siti')", "User(first_name='…', id=12345678, username='…')"),
        ('{"text": "NIK 3504 0123 4567 8901", "chat_id": 123456789}', '{"text": "NIK …", "chat_id": 123456789}'),
        ("Contact(phone_number='+6281234567890', user_id=42)", "Contact(phone_number='…', user_id=42)"),
        ("text='pada 27-11-2024 jam 07.00'", "text='pada 27-11-2024 jam 07.00'"),  # a date is no NIK
        ("reminder b sent to 123456 chats", "reminder b sent to 123456 chats"),  # only in text fields
    ],
)
def test_scrub_drops_names_and_masks_numbers_only_in_text_values(line, scrubbed):
    assert scrub(line) == scrubbed
