"""`bot.py backup` and `bot.py restore`, and deploy/backup.sh's retention."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
from asyncio.subprocess import PIPE, STDOUT
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.ops.lock import DatabaseLock
from bot.store import Store
from tests import cli_runner
from tests.e2e import add_subscribers
from tests.test_crash import PEOPLE, Scene

ROOT = Path(__file__).resolve().parent.parent


bot = cli_runner.bot  # in this process where a child process would behave the same


def chats(path: Path) -> set[int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {row[0] for row in conn.execute("SELECT chat_id FROM subscribers")}
    finally:
        conn.close()


def test_backup_of_a_mistyped_database_is_exit_2_and_writes_nothing(tmp_path):
    add_subscribers(str(tmp_path / "bot.db"), [(1, "asn")])
    result = bot("backup", "--database", str(tmp_path / "bott.db"), "--out", str(tmp_path / "b.db"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "bott.db does not exist" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bot.db"]  # no backup, no new database


def test_backup_is_a_checked_private_copy_and_never_replaces_the_database(tmp_path):
    db = tmp_path / "bot.db"
    add_subscribers(str(db), [(1, "asn"), (2, "pemilih")])
    result = bot("backup", "--database", str(db), "--out", str(tmp_path / "b.db"))
    assert result.returncode == 0, result.stderr
    assert "integrity ok" in result.stdout
    assert "2 subscribers" in result.stdout
    assert chats(tmp_path / "b.db") == {1, 2}
    assert stat.S_IMODE((tmp_path / "b.db").stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".b.db.*"))  # no temporary file left behind
    refused = bot("backup", "--database", str(db), "--out", str(db))
    assert refused.returncode == 2
    assert "the bot's database" in refused.stderr
    assert chats(db) == {1, 2}


def damaged_copy(db: Path, target: Path) -> None:
    """A copy of `db` with one page in the middle overwritten: SQLite opens it, the check fails."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    data = bytearray(db.read_bytes())
    page = len(data) // 4096 // 2
    data[page * 4096 : page * 4096 + 100] = b"\xff" * 100
    target.write_bytes(bytes(data))


def test_restore_refuses_a_damaged_file_or_one_that_is_not_a_bot_database(tmp_path):
    db, source = tmp_path / "bot.db", tmp_path / "source.db"
    add_subscribers(str(source), [(1000 + i, "pemilih") for i in range(3000)])
    add_subscribers(str(db), [(1, "asn")])
    damaged_copy(source, tmp_path / "damaged.db")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    for bad, why in [(tmp_path / "damaged.db", "damaged"), (other, "not a bot database"), (tmp_path / "x.db", "not")]:
        result = bot("restore", str(bad), "--database", str(db))
        assert result.returncode == 2, result.stderr
        assert result.stderr.count("\n") == 1
        assert why in result.stderr
    assert chats(db) == {1}
    assert not list(tmp_path.glob("bot.db.replaced-*"))


def test_restore_is_refused_while_a_bot_holds_the_database(tmp_path):
    db, backup = tmp_path / "bot.db", tmp_path / "b.db"
    add_subscribers(str(backup), [(1, "asn")])
    add_subscribers(str(db), [(2, "asn")])
    held = DatabaseLock(db, "run").acquire()
    try:
        result = bot("restore", str(backup), "--database", str(db))
    finally:
        held.release()
    assert result.returncode == 2
    assert f"in use by `bot.py run` (PID {os.getpid()})" in result.stderr
    assert "stop it before restoring" in result.stderr
    assert chats(db) == {2}


WRITE_AND_DIE = """
import os, sys
from bot.store import Store
from tests import cli_runner
store = Store(sys.argv[1])
store.conn.execute("PRAGMA wal_autocheckpoint=0")
store.subscribe(3, "kades")
os._exit(0)  # no close, no checkpoint: the new subscriber is only in the -wal file
"""


def test_restore_keeps_the_replaced_database_with_its_wal_and_installs_the_backup(tmp_path):
    db, backup = tmp_path / "bot.db", tmp_path / "b.db"
    add_subscribers(str(db), [(1, "asn")])
    assert bot("backup", "--database", str(db), "--out", str(backup)).returncode == 0
    add_subscribers(str(db), [(2, "asn")])
    subprocess.run([sys.executable, "-c", WRITE_AND_DIE, str(db)], cwd=ROOT, check=True)
    assert Path(f"{db}-wal").stat().st_size > 0
    result = bot("restore", str(backup), "--database", str(db))
    assert result.returncode == 0, result.stderr
    kept = list(tmp_path.glob("bot.db.replaced-*"))
    assert len(kept) == 1
    assert f"kept as {kept[0]}" in result.stdout
    assert chats(kept[0]) == {1, 2, 3}  # the -wal's subscriber folded in
    assert stat.S_IMODE(kept[0].stat().st_mode) == stat.S_IMODE(db.stat().st_mode) == 0o600
    assert chats(db) == {1}  # the old -wal was not replayed into the restored file
    store = Store(db)
    try:
        assert store.count_audience(["asn", "kades"]) == 1
    finally:
        store.close()


def test_backup_script_names_backups_in_the_elections_time_and_keeps_the_newest_of_both_namings(tmp_path):
    db, folder = tmp_path / "bot.db", tmp_path / "backups"
    add_subscribers(str(db), [(1, "asn")])
    folder.mkdir()
    # Older releases named backups in the server's time (UTC); then come the ones named in WIB.
    written = {
        "bot-20241101-023000.db": "2024-11-01T02:30:00+00:00",
        "bot-20241102-023000.db": "2024-11-02T02:30:00+00:00",
        "bot-2024-11-03T0930WIB.db": "2024-11-03T02:30:00+00:00",
        "notes.txt": "2024-10-01T00:00:00+00:00",
    }
    for name, when in written.items():
        (folder / name).write_text("old")
        os.utime(folder / name, (datetime.fromisoformat(when).timestamp(),) * 2)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env.update(BOT_DATABASE=str(db), PYTHON=sys.executable)  # the default schedule: Asia/Jakarta
    before = datetime.now(ZoneInfo("Asia/Jakarta"))
    result = subprocess.run(
        [str(ROOT / "deploy" / "backup.sh"), str(folder), "3"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    after = datetime.now(ZoneInfo("Asia/Jakarta"))
    assert result.returncode == 0, result.stderr
    [new] = set(p.name for p in folder.iterdir()) - set(written)
    assert new in {f"bot-{t:%Y-%m-%dT%H%M}WIB.db" for t in (before, after)}
    assert chats(folder / new) == {1}  # a real backup
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [new, "bot-2024-11-03T0930WIB.db", "bot-20241102-023000.db", "notes.txt"]
    )
    assert result.stdout.endswith(f"removed old backup {folder}/bot-20241101-023000.db\n")
    missing = subprocess.run(
        [str(ROOT / "deploy" / "backup.sh"), str(tmp_path / "nope"), "2"], cwd=ROOT, env=env, capture_output=True
    )
    assert missing.returncode == 2


def test_backup_into_a_folder_and_the_replaced_database_are_named_in_the_elections_time(tmp_path):
    db, folder = tmp_path / "bot.db", tmp_path / "backups"
    add_subscribers(str(db), [(1, "asn")])
    folder.mkdir()
    schedule = tmp_path / "jadwal.toml"  # only the time zone is read: a backup needs no valid schedule
    schedule.write_text('[election]\ntimezone = "Asia/Makassar"\n')
    flags = ["--database", str(db), "--schedule", str(schedule)]
    before = datetime.now(ZoneInfo("Asia/Makassar"))
    first, second = (cli_runner.bot("backup", "--out", str(folder), *flags) for _ in range(2))
    after = datetime.now(ZoneInfo("Asia/Makassar"))
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    stamps = {f"{t:%Y-%m-%dT%H%M}WITA" for t in (before, after)}
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 2
    assert {n.removesuffix(".db").removesuffix("-2").removeprefix("bot-") for n in names} <= stamps
    assert f"written to {folder / names[0]} " in first.stdout + second.stdout
    restored = cli_runner.bot("restore", str(folder / names[0]), *flags)
    assert restored.returncode == 0, restored.stderr
    [kept] = tmp_path.glob("bot.db.replaced-*")
    assert kept.name.removeprefix("bot.db.replaced-") in stamps | {f"{s}-2" for s in stamps}


def test_backup_of_a_copied_database_file_is_identical_in_content(tmp_path):
    """A restore of a backup gives the same rows back (the round trip an operator relies on)."""
    db = tmp_path / "bot.db"
    add_subscribers(str(db), [(i, "pemilih") for i in range(1, 51)])
    assert bot("backup", "--database", str(db), "--out", str(tmp_path / "b.db")).returncode == 0
    shutil.move(db, tmp_path / "lost.db")
    result = bot("restore", str(tmp_path / "b.db"), "--database", str(db))
    assert result.returncode == 0, result.stderr
    assert "replaced" not in result.stdout  # nothing was there to keep
    assert chats(db) == set(range(1, 51))


async def run_cli(*args: str) -> tuple[int, str]:
    """`bot.py ARGS` as a child process, without blocking the stand-in that runs in this event loop."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "bot.py", *args, cwd=ROOT, env=environ, stdout=PIPE, stderr=STDOUT
    )
    out, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode()


def deliveries(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return dict(conn.execute("SELECT status, count(*) FROM deliveries GROUP BY status").fetchall())
    finally:
        conn.close()


@pytest.mark.slow
async def test_backup_mid_broadcast_delete_restore_restart_delivers_everyone(tmp_path):
    async with Scene(tmp_path, standin_rate=100) as scene:
        bot = await scene.start_bot(rate=60)
        await scene.standin.wait_for(lambda: scene.delivered() >= 60, timeout=30)
        # While it sends: the copy is consistent although the bot writes throughout.
        code, out = await run_cli("backup", "--database", str(scene.db), "--out", str(tmp_path / "live.db"))
        assert code == 0, out
        assert "integrity ok" in out, out
        assert deliveries(tmp_path / "live.db").get("pending", 0) > 0  # taken mid-broadcast
        # The last backup before the database is lost: the bot is frozen (as a dying machine would be),
        # so nothing is sent between this copy and the loss; what is in flight is all that can repeat.
        bot.send_signal(signal.SIGSTOP)
        code, out = await run_cli("backup", "--database", str(scene.db), "--out", str(tmp_path / "last.db"))
        assert code == 0, out
        bot.kill()
        await bot.wait()
        in_flight = deliveries(tmp_path / "last.db").get("sending", 0)
        assert deliveries(tmp_path / "last.db").get("pending", 0) > 0
        for lost in tmp_path.glob("bot.db*"):
            lost.unlink()
        code, out = await run_cli("restore", str(tmp_path / "last.db"), "--database", str(scene.db))
        assert code == 0, out
        assert "Restored" in out, out
        bot = await scene.start_bot(rate=60)
        everyone = {chat for chat, _ in PEOPLE}
        await scene.standin.wait_for(lambda: {m["chat_id"] for m in scene.standin.messages} >= everyone, timeout=60)
        bot.send_signal(signal.SIGTERM)
        await asyncio.wait_for(bot.wait(), 10)
        _, counts = scene.figures()
        assert counts == {"sent": len(PEOPLE)}  # every copy delivered and recorded once
        assert scene.standin.dup_count() <= in_flight
