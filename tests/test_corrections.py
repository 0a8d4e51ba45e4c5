"""A changed stage date: one correction to those told, listed beforehand by `check` and `plan`."""

from __future__ import annotations

import asyncio
import socket
import textwrap
from datetime import datetime

from bot.schedule import loading
from tests.conftest import TZ, make_schedule, schedule_toml
from tests.e2e import Harness, ShiftedClock, add_subscribers
from tests.test_cli import bot

EN, ID_USER = 61, 62

STAGES = textwrap.dedent(
    """
    [[stage]]
    id = "kampanye"
    name = "Masa kampanye"
    name_en = "Campaign period"
    start = {kampanye_start}
    end = 2030-11-23

    [[stage]]
    id = "pemungutan-suara"
    name = "Pemungutan suara"
    start = 2030-11-27
    """
)


def stages(kampanye_start="2030-09-25"):
    return STAGES.format(kampanye_start=kampanye_start)


def buttons(message: dict) -> dict[str, str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row if "callback_data" in b}


def daytime_clock():
    """A clock a few hours behind when it is night in Jakarta, so corrections are not held for 06.00."""
    now = datetime.now(TZ)
    if 6 <= now.hour < 21:
        return ShiftedClock()
    behind = (now - now.replace(hour=12, minute=0, second=0, microsecond=0)).total_seconds() % 86400
    return ShiftedClock(-behind)


def soon_by(clock):
    """Like the `soon` fixture, on ``clock``: reminder times must follow the clock the bot is given."""
    return lambda seconds: datetime.fromtimestamp(clock() + seconds, TZ)


async def test_a_changed_stage_date_sends_one_correction_to_those_told(tmp_path, soon):
    clock = daytime_clock()
    soon = soon_by(clock)
    told = [(300 + i, "pemilih") for i in range(3)]
    later = [(400, "pemilih")]
    schedule = make_schedule(
        [{"id": "jelang-kampanye", "at": soon(600), "roles": ["pemilih"], "stage": "kampanye", "text": "kampanye"}],
        stages(),
    )
    async with Harness(tmp_path, schedule, subscribers=told, clock=clock) as h:
        await h.reach("jelang-kampanye")
        await h.standin.wait_for(lambda: all("kampanye" in h.texts_to(c) for c, _ in told))
        await h.stop_bot()
        add_subscribers(h.db_path, later)  # subscribed after the announcement: never told the old date
        moved = make_schedule(
            [{"id": "jelang-kampanye", "at": soon(-60), "roles": ["pemilih"], "stage": "kampanye", "text": "x"}],
            stages("2030-09-28"),
        )
        await h.start_bot(moved)
        await h.standin.wait_for(lambda: all(any("Ralat" in t for t in h.texts_to(c)) for c, _ in told), 15)
        correction = next(t for t in h.texts_to(300) if "Ralat" in t)
        assert "<s>Rabu, 25 September – Sabtu, 23 November 2030</s>" in correction
        assert "<b>Sabtu, 28 September – Sabtu, 23 November 2030</b>" in correction
        await h.stop_bot()
        await h.start_bot(moved)  # a second start sends nothing again
        await asyncio.sleep(1.5)
        for chat, _ in told:
            assert sum("Ralat" in t for t in h.texts_to(chat)) == 1
        assert not any("Ralat" in t for t in h.texts_to(400))


def test_check_and_plan_list_pending_corrections(tmp_path, soon):
    from bot.delivery.scheduler import send_corrections
    from bot.store import Store

    db = tmp_path / "bot.db"
    first = tmp_path / "first.toml"
    first.write_text(schedule_toml([{"id": "r", "at": soon(60), "roles": ["asn"]}], stages()), encoding="utf-8")
    store = Store(db)
    send_corrections(loading.load(first), store)  # the bot started once with these dates
    store.subscribe(1, "asn")  # ... and told subscriber 1 about the stage (nobody told: nothing to correct)
    store.create_broadcast("r", text="x", roles=["asn"], at=0, expires=1, stage="kampanye")
    store.enqueue("r", now=0)
    store.finish("r", 1, "sent")
    store.close()
    second = tmp_path / "second.toml"
    second.write_text(
        schedule_toml([{"id": "r", "at": soon(60), "roles": ["asn"]}], stages("2030-09-28")), encoding="utf-8"
    )
    for command in (["check", str(second)], ["plan", "--schedule", str(second)]):
        result = bot(*command, "--database", str(db))
        assert result.returncode == 0, result.stderr
        assert "correction pending: stage kampanye moved from 2030-09-25..2030-11-23 to 2030-09-28" in result.stdout
        assert "1 subscribers who were told will get a 'Ralat'" in result.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
