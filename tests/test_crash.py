"""Kill the bot mid-broadcast (SIGKILL) and start it again; stop it politely (SIGTERM)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

from bot.app import concurrency_for
from bot.standin import StandIn
from bot.store import Store
from tests.conftest import local
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


async def start_bot(standin: StandIn, db: Path, schedule: Path, rate: int) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=standin.base_url, BOT_DATABASE=str(db),
        BOT_SCHEDULE=str(schedule), BOT_RATE_LIMIT=str(rate),
    )  # fmt: skip
    return await asyncio.create_subprocess_exec(
        sys.executable, "bot.py", "run", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def kill(process: asyncio.subprocess.Process | None) -> None:
    """Never leave a bot process behind, whatever the test did."""
    if process is not None and process.returncode is None:
        process.kill()
        await process.wait()


def delivered(standin: StandIn) -> int:
    return sum(1 for m in standin.messages if m["text"] == "<b>Ke TPS</b> besok")


async def test_sigkill_mid_broadcast_then_restart_delivers_everyone(tmp_path, soon):
    db, schedule = tmp_path / "bot.db", tmp_path / "s.toml"
    add_subscribers(str(db), PEOPLE)
    write_schedule(schedule, soon(1), soon(3600))
    standin = StandIn(token=TOKEN, rate_limit=100)
    await standin.start()
    bot = None
    try:
        bot = await start_bot(standin, db, schedule, rate=80)
        await standin.wait_for(lambda: delivered(standin) >= 120, timeout=30)
        bot.kill()  # SIGKILL: no chance to record anything
        await bot.wait()
        store = Store(db)
        in_flight = store.db.execute("SELECT count(*) FROM deliveries WHERE status = 'sending'").fetchone()[0]
        store.close()
        bot = await start_bot(standin, db, schedule, rate=80)
        await standin.wait_for(
            lambda: {m["chat_id"] for m in standin.messages} >= {c for c, _ in PEOPLE}, timeout=60
        )
        await asyncio.sleep(1)
        bot.send_signal(signal.SIGTERM)
        await asyncio.wait_for(bot.wait(), 10)
        store = Store(db)
        row = store.broadcast("siaran-besar")
        store.close()
        assert row["n_sent"] + row["n_failed"] == len(PEOPLE) and row["n_failed"] == 0
        assert row["n_resumed"] == in_flight  # the restart counted what was in flight
        assert standin.dup_count() <= in_flight  # the only duplicates: requests in flight at the kill
        assert 0 < in_flight <= concurrency_for(80)  # killed mid-flight; bounded by the engine's concurrency
    finally:
        await kill(bot)
        await standin.stop()


async def test_sigterm_finishes_in_flight_requests_and_exits_within_5_seconds(tmp_path, soon):
    db, schedule = tmp_path / "bot.db", tmp_path / "s.toml"
    add_subscribers(str(db), PEOPLE)
    write_schedule(schedule, soon(1), soon(3600))
    standin = StandIn(token=TOKEN, rate_limit=30)
    await standin.start()
    bot = None
    try:
        bot = await start_bot(standin, db, schedule, rate=25)
        await standin.wait_for(lambda: delivered(standin) >= 30, timeout=30)
        started = time.monotonic()
        bot.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(bot.wait(), 10)
        assert time.monotonic() - started < 5
        assert code == 0
        store = Store(db)
        counts = dict(store.db.execute("SELECT status, count(*) FROM deliveries GROUP BY status").fetchall())
        row = store.broadcast("siaran-besar")
        store.close()
        assert counts.get("sending", 0) == 0  # nothing left in an unknown state
        assert row["n_sent"] == delivered(standin)  # every accepted message is recorded
        assert counts["pending"] == len(PEOPLE) - row["n_sent"]
    finally:
        await kill(bot)
        await standin.stop()
