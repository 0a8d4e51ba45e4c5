"""Kill the bot mid-broadcast (SIGKILL) and start it again; stop it politely (SIGTERM)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.store import Store
from bot.telegram.app import concurrency_for
from standin import StandIn
from tests.conftest import TZ, local
from tests.e2e import TOKEN, add_subscribers

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = [(5000 + i, "pemilih") for i in range(400)]


def write_schedule(path: Path, at, expires) -> None:
    path.write_text(
        f"""
[election]
name = "Pilkada Uji"
region = "Kabupaten Uji"
timezone = "Asia/Jakarta"

[[reminder]]
id = "siaran-besar"
at = {local(at)}
expires = {local(expires)}
roles = ["pemilih"]
night = true
text = "<b>Ke TPS</b> besok"
""",
        encoding="utf-8",
    )


class Scene:
    """A stand-in in this process and the bot as a child process on one database; cleans up after itself."""

    def __init__(self, tmp_path: Path, standin_rate: int):
        self.tmp_path = tmp_path
        self.db, self.schedule = tmp_path / "bot.db", tmp_path / "s.toml"
        self.standin = StandIn(token=TOKEN, rate_limit=standin_rate)
        self.bots: list[asyncio.subprocess.Process] = []

    async def __aenter__(self) -> Scene:
        add_subscribers(str(self.db), PEOPLE)
        write_schedule(self.schedule, datetime.now(TZ) + timedelta(seconds=1), datetime.now(TZ) + timedelta(hours=1))
        await self.standin.start()
        return self

    async def __aexit__(self, *exc) -> None:
        for process in self.bots:  # never leave a bot process behind, whatever the test did
            if process.returncode is None:
                process.kill()
                await process.wait()
        await self.standin.stop()

    async def start_bot(self, rate: int) -> asyncio.subprocess.Process:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
        env.update(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=self.standin.base_url,
            BOT_DATABASE=str(self.db),
            BOT_SCHEDULE=str(self.schedule),
            BOT_RATE_LIMIT=str(rate),
        )
        # The log goes to a file: a pipe nobody reads can fill up and stall the bot.
        with (self.tmp_path / f"bot-{len(self.bots)}.log").open("wb") as log:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "bot.py", "run", cwd=ROOT, env=env, stdout=log, stderr=log
            )
        self.bots.append(process)
        return process

    def delivered(self) -> int:
        return sum(1 for m in self.standin.messages if m["text"] == "<b>Ke TPS</b> besok")

    def figures(self) -> tuple[dict, dict]:
        """The broadcast row and its deliveries counted by status."""
        store = Store(self.db)
        try:
            counts = dict(store.db.execute("SELECT status, count(*) FROM deliveries GROUP BY status").fetchall())
            return store.broadcast("siaran-besar"), counts
        finally:
            store.close()


@pytest.mark.slow
async def test_sigkill_mid_broadcast_then_restart_delivers_everyone(tmp_path):
    async with Scene(tmp_path, standin_rate=100) as scene:
        bot = await scene.start_bot(rate=80)
        await scene.standin.wait_for(lambda: scene.delivered() >= 120, timeout=30)
        bot.kill()  # SIGKILL: no chance to record anything
        await bot.wait()
        in_flight = scene.figures()[1].get("sending", 0)
        bot = await scene.start_bot(rate=80)
        await scene.standin.wait_for(
            lambda: {m["chat_id"] for m in scene.standin.messages} >= {c for c, _ in PEOPLE}, timeout=60
        )
        await asyncio.sleep(1)
        bot.send_signal(signal.SIGTERM)
        await asyncio.wait_for(bot.wait(), 10)
        row, _ = scene.figures()
        assert row.n_sent + row.n_failed == len(PEOPLE)
        assert row.n_failed == 0
        assert row.n_resumed == in_flight  # the restart counted what was in flight
        assert scene.standin.dup_count() <= in_flight  # the only duplicates: requests in flight at the kill
        assert 0 < in_flight <= concurrency_for(80)  # killed mid-flight; bounded by the engine's concurrency


async def test_sigterm_finishes_in_flight_requests_and_exits_within_5_seconds(tmp_path):
    async with Scene(tmp_path, standin_rate=30) as scene:
        bot = await scene.start_bot(rate=25)
        await scene.standin.wait_for(lambda: scene.delivered() >= 30, timeout=30)
        started = time.monotonic()
        bot.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(bot.wait(), 10)
        assert time.monotonic() - started < 5
        assert code == 0
        row, counts = scene.figures()
        assert counts.get("sending", 0) == 0  # nothing left in an unknown state
        assert row.n_sent == scene.delivered()  # every accepted message is recorded
        assert counts["pending"] == len(PEOPLE) - row.n_sent
