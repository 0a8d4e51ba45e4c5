"""Shared fixtures: a schedule written in a test, a temporary store, the Telegram stand-in and a
python-telegram-bot Bot talking to it over real HTTP."""

from __future__ import annotations

import textwrap
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from telegram import Bot

from bot.schedule import loading
from bot.schedule import model as sched
from bot.store import Store
from standin import StandIn

TZ = ZoneInfo("Asia/Jakarta")


def local(dt: datetime) -> str:
    """A TOML local date-time for a datetime in Asia/Jakarta."""
    return dt.astimezone(TZ).replace(tzinfo=None, microsecond=0).isoformat()


def make_schedule(reminders: list[dict], stages: str | None = None) -> sched.Schedule:
    return loading.parse(schedule_toml(reminders, stages))


def schedule_toml(reminders: list[dict], stages: str | None = None) -> str:
    """A small valid schedule; each reminder dict gives id, at, roles and optionally expires/text."""
    parts = [
        textwrap.dedent(
            """
            [election]
            name = "Pilkada Uji"
            region = "Kabupaten Uji"
            timezone = "Asia/Jakarta"

            [pages]
            netralitas_asn = "<b>Netralitas ASN</b> uji"
            netralitas_kades = "<b>Netralitas Kades</b> uji"
            netralitas_pemilih = "<b>Lapor pelanggaran</b> uji"
            tps = "<b>TPS</b> buka 07.00–13.00 WIB"
            """
        ),
        stages
        or textwrap.dedent(
            """
            [[stage]]
            id = "kampanye"
            name = "Masa kampanye"
            start = 2024-09-25
            end = 2024-11-23

            [[stage]]
            id = "pemungutan-suara"
            name = "Pemungutan suara"
            start = 2024-11-27
            """
        ),
    ]
    for r in reminders:
        lines = [
            "[[reminder]]",
            f'id = "{r["id"]}"',
            f"at = {local(r['at'])}",
            f"roles = {list(r['roles'])!r}".replace("'", '"'),
            f'text = "{r.get("text", "<b>Pengingat</b> " + r["id"])}"',
            # tests run at any hour; the night rule has tests of its own
            f"night = {str(r.get('night', True)).lower()}",
        ]
        # The file's default (the next midnight) would expire a reminder due at 23:59 mid-test: tests
        # run at any hour, so they get a fixed margin; the default has tests of its own.
        lines.append(f"expires = {local(r.get('expires') or r['at'] + timedelta(hours=6))}")
        if "stage" in r:
            lines.append(f'stage = "{r["stage"]}"')
        if "silent" in r:
            lines.append(f"silent = {str(r['silent']).lower()}")
        if "channel" in r:
            lines.append(f"channel = {str(r['channel']).lower()}")
        if "text_en" in r:
            lines.append(f'text_en = "{r["text_en"]}"')
        if "ask" in r:
            lines.append(f'ask = "{r["ask"]}"')
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "data" / "bot.db")
    yield s
    s.close()


@pytest.fixture
def soon():
    """A function: now + seconds, as an aware datetime."""
    return lambda seconds: datetime.now(TZ) + timedelta(seconds=seconds)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that wait on real seconds (marked slow) go first: the workers start them early and
    fill the waits with the quick ones, instead of ending the run on a long test."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture
async def standin():
    server = StandIn()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def bot(standin):
    async with Bot(standin.token, base_url=standin.base_url) as telegram_bot:
        yield telegram_bot
