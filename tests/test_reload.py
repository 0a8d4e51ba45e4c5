"""Reload without restart: SIGHUP (or `bot.py reload`) re-reads the schedule file; the real bot over
the stand-in, in this process and as a child process started and reloaded from the command line."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from bot.ops.reload import last_outcome, reload_schedule
from bot.schedule import loading
from bot.schedule.model import MAX_TEXT
from standin import StandIn
from tests import cli_runner
from tests.conftest import schedule_toml
from tests.e2e import TOKEN, Harness
from tests.test_cli import ROOT
from tests.test_corrections import daytime_clock, soon_by, stages

TOLD = [(300, "pemilih"), (301, "pemilih")]
VISITOR = 500  # asks /jadwal; gets no reminders, so its replies never mix with them
OPERATOR = 900
LONG_PAGE = "x" * (MAX_TEXT - 10)  # fine as a field; /netralitas with the hint is too long (bot/ops/preflight.py)


def broken(toml: str) -> str:
    """A schedule only the render checks refuse (bot/ops/preflight.py), as `check` does."""
    return toml.replace('netralitas_pemilih = "<b>Lapor pelanggaran</b> uji"', f'netralitas_pemilih = "{LONG_PAGE}"')


def check_lines(path: Path) -> list[str]:
    result = cli_runner.bot("check", str(path))
    assert result.returncode == 2
    return result.stderr.strip().splitlines()


def reminder(rid: str, at, **extra) -> dict:
    return {"id": rid, "at": at, "roles": ["pemilih"], "text": rid, **extra}


async def test_reload_schedules_new_unschedules_removed_moves_changed_and_corrects_dates(tmp_path, soon):
    clock = daytime_clock()
    soon = soon_by(clock)
    path = tmp_path / "jadwal.toml"
    kampanye = reminder("jelang-kampanye", soon(600), stage="kampanye")
    later = soon(3600)
    path.write_text(schedule_toml([kampanye, reminder("dihapus", later), reminder("digeser", later)], stages()))
    async with Harness(
        tmp_path, loading.load(path), subscribers=TOLD, clock=clock, overrides={"schedule": str(path)}
    ) as h:
        await h.reach("jelang-kampanye")
        await h.standin.wait_for(lambda: all("jelang-kampanye" in h.texts_to(c) for c, _ in TOLD))
        assert {job.name for job in h.runtime.scheduler.reminder_jobs()} == {"dihapus", "digeser"}
        [before] = await h.say(VISITOR, "/jadwal")
        assert "28 September 2030" not in before["text"]

        moved = [kampanye, reminder("digeser", soon(600)), reminder("baru", soon(600))]
        path.write_text(schedule_toml(moved, stages("2030-09-28")))
        reloading = asyncio.create_task(reload_schedule(h.application))
        [during] = await h.say(VISITOR, "/jadwal")  # replies keep going while the file is checked
        assert "Pemungutan suara" in during["text"]
        outcome = await reloading

        assert outcome.line() == f"reloaded {path}: 2 stages, 3 reminders; 1 new, 1 removed, 1 changed, 1 correction"
        assert last_outcome(h.db_path) == outcome  # what `bot.py reload` prints
        [after] = await h.say(VISITOR, "/jadwal")
        assert "28 September 2030" in after["text"]
        assert "dihapus" not in {job.name for job in h.runtime.scheduler.reminder_jobs()}
        await h.reach("digeser")
        await h.reach("baru")
        await h.standin.wait_for(
            lambda: (
                all({"baru", "digeser"} <= set(h.texts_to(c)) for c, _ in TOLD)
                and all(any("Ralat" in t for t in h.texts_to(c)) for c, _ in TOLD)
            ),
            timeout=15,
        )
        assert h.store.broadcast("dihapus") is None
        assert not h.texts_to(VISITOR)[3:]  # three /jadwal replies, nothing else
        # A restart with the same file sends nothing again: the reload did exactly what a restart does.
        sent = len(h.standin.messages)
        await h.stop_bot()
        await h.start_bot(loading.load(path))
        [again] = await h.say(VISITOR, "/jadwal")
        assert len(h.standin.messages) == sent + 1
        assert "28 September 2030" in again["text"]


async def test_an_invalid_file_keeps_the_running_schedule_logs_check_lines_and_tells_operators_once(
    tmp_path, soon, caplog
):
    path = tmp_path / "jadwal.toml"
    good = schedule_toml([reminder("nanti", soon(3600))], stages())
    path.write_text(good)
    async with Harness(tmp_path, loading.load(path), admin_ids=[OPERATOR], overrides={"schedule": str(path)}) as h:
        running = h.runtime.schedule
        path.write_text(broken(schedule_toml([reminder("nanti", soon(3600)), reminder("baru", soon(1))], stages())))
        expected = check_lines(path)
        assert len(expected) >= 1
        with caplog.at_level(logging.INFO, logger="bot.ops.reload"):
            outcome = await reload_schedule(h.application)

        assert not outcome.ok
        assert outcome.problems == expected
        logged = [r.getMessage() for r in caplog.records if r.name == "bot.ops.reload"]
        assert all(line in logged for line in expected)
        assert h.runtime.schedule is running
        assert h.runtime.scheduler.schedule is running
        assert {job.name for job in h.runtime.scheduler.reminder_jobs()} == {"nanti"}
        [notice] = h.standin.sent_to(OPERATOR)  # one message, however many problems
        assert "Jadwal tidak dimuat ulang" in notice["text"]
        assert "netralitas_pemilih" in notice["text"]
        [reply] = await h.say(VISITOR, "/jadwal")
        assert "Pemungutan suara" in reply["text"]
        assert last_outcome(h.db_path) == outcome
        await asyncio.sleep(1.5)  # "baru" would have fallen due by now
        assert h.store.broadcast("baru") is None


# --------------------------------------------------------------------------- as on a server


def bot_env(standin: StandIn, db: Path, schedule: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_", "NOTIFY_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=standin.base_url,
        BOT_DATABASE=str(db),
        BOT_SCHEDULE=str(schedule),
        **extra,
    )
    return env


async def bot_cli(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    """`bot.py ARGS` without blocking the stand-in, which runs in this event loop."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "bot.py", *args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), 90)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


# Run the bot with writable+executable memory refused (PR_SET_MDWE, what MemoryDenyWriteExecute=
# does on current kernels), inherited across exec: the unit's sandboxing must not break it.
MDWE = (
    "import ctypes, os, sys; libc = ctypes.CDLL(None, use_errno=True); "
    "sys.exit('no PR_SET_MDWE') if libc.prctl(65, 1, 0, 0, 0) else os.execv(sys.argv[1], sys.argv[1:])"
)


def mdwe_works() -> bool:
    """Whether this kernel refuses W+X memory after the MDWE wrapper, across exec (Linux 6.3+)."""
    probe = "import ctypes; print(ctypes.CDLL(None).prctl(66, 0, 0, 0, 0))"  # PR_GET_MDWE
    result = subprocess.run(
        [sys.executable, "-c", MDWE, sys.executable, "-c", probe], capture_output=True, text=True, timeout=30
    )
    return result.returncode == 0 and result.stdout.strip() == "1"


async def next_states(sock: socket.socket, wanted: str, timeout: float = 30) -> list[str]:
    """Notify messages until one holding `wanted` arrives; every state seen, in order."""
    loop = asyncio.get_running_loop()
    seen: list[str] = []
    async with asyncio.timeout(timeout):
        while wanted not in seen:
            seen += (await loop.sock_recv(sock, 4096)).decode().split("\n")
    return seen


@pytest.mark.slow
async def test_bot_py_reload_against_a_running_bot_with_systemd_notify_under_mdwe(tmp_path, soon):
    db, path = tmp_path / "bot.db", tmp_path / "jadwal.toml"
    nanti = reminder("nanti", soon(3600))
    path.write_text(schedule_toml([nanti], stages()))
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    name = f"pilkada-test-{uuid.uuid4().hex}"
    sock.bind("\0" + name)
    sock.setblocking(False)
    standin = StandIn(token=TOKEN)
    await standin.start()
    env = bot_env(standin, db, path, BOT_ADMIN_IDS=str(OPERATOR))
    log = (tmp_path / "bot.log").open("wb")
    python = [sys.executable, "-c", MDWE, sys.executable] if mdwe_works() else [sys.executable]
    bot = await asyncio.create_subprocess_exec(
        *python, "bot.py", "run", cwd=ROOT, env={**env, "NOTIFY_SOCKET": f"@{name}"}, stdout=log, stderr=log
    )
    try:
        assert "READY=1" in await next_states(sock, "READY=1")
        standin.user_message(VISITOR, "/start pemilih")  # answers the long poll at once
        await standin.wait_messages(VISITOR, 1)
        assert "WATCHDOG=1" in await next_states(sock, "WATCHDOG=1")  # polling and the engine are healthy

        path.write_text(schedule_toml([nanti, reminder("baru", soon(1))], stages()))
        code, out, err = await bot_cli(env, "reload")
        assert (code, err) == (0, "")
        assert out.strip() == f"reloaded {path}: 2 stages, 2 reminders; 1 new, 0 removed, 0 changed, 0 corrections"
        states = await next_states(sock, "READY=1")
        assert states.index("RELOADING=1") < states.index("READY=1")
        await standin.wait_for(lambda: "baru" in [m["text"] for m in standin.sent_to(VISITOR)], timeout=15)

        path.write_text(broken(path.read_text()))
        code, out, err = await bot_cli(env, "reload")
        assert code == 2
        assert out == ""
        expected = check_lines(path)
        summary = f"not reloaded: {path} has {len(expected)} problem(s); the running schedule stays"
        assert err.strip().splitlines() == [*expected, summary]
        await standin.wait_for(lambda: len(standin.sent_to(OPERATOR)) == 1)
        before = last_outcome(str(db))
        code, out, err = await bot_cli(env, "reload", "--schedule", str(tmp_path / "lain.toml"))
        assert (code, out) == (2, "")
        assert "re-reads the file it was started with" in err
        assert last_outcome(str(db)) == before  # refused before the bot was signalled
        standin.user_message(OPERATOR, "/statistik")  # a chart: matplotlib under the sandbox
        await standin.wait_for(lambda: any(m.get("photo") for m in standin.sent_to(OPERATOR)), timeout=30)

        bot.send_signal(signal.SIGTERM)
        assert "STOPPING=1" in await next_states(sock, "STOPPING=1")
        assert await asyncio.wait_for(bot.wait(), 15) == 0
        code, out, err = await bot_cli(env, "reload")
        assert (code, out) == (2, "")
        assert err.strip() == f"no bot is running on {db}: nothing to reload (the next start reads the file)"
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
        sock.close()
        log.close()
        await standin.stop()
