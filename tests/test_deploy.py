"""The systemd units: notify with a watchdog fed by the heartbeat, reload by SIGHUP, and sandboxing
that `systemd-analyze security` scores at most 2.5 (the backup unit's too); the sd_notify code
against a real socket."""

from __future__ import annotations

import asyncio
import re
import shutil
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest

from bot.delivery.health import Heartbeat
from bot.ops import systemd
from tests.test_cli import ROOT

UNIT = ROOT / "deploy" / "pilkada-bot.service"
BACKUP_UNIT = ROOT / "deploy" / "pilkada-bot-backup.service"


def unit_settings(path: Path = UNIT) -> dict[str, list[str]]:
    """Every `Key=value` of the unit, values in order (systemd allows a key more than once)."""
    found: dict[str, list[str]] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith(("#", ";", "[")) and "=" in line:
            key, _, value = line.partition("=")
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def seconds(value: str) -> float:
    """A systemd time span such as '90', '90s', '1min 30s'."""
    units = {"": 1, "s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600}
    return sum(float(n) * units[u] for n, u in re.findall(r"(\d+(?:\.\d+)?)\s*([a-z]*)", value))


def test_the_unit_is_notify_with_a_watchdog_the_heartbeat_can_feed_and_reload_by_sighup():
    unit = unit_settings()
    assert unit["Type"] == ["notify"]
    watchdog = seconds(unit["WatchdogSec"][0])
    heartbeat = Heartbeat(lambda: None, lambda: (None, None)).interval  # type: ignore[arg-type, return-value]
    assert heartbeat * 3 <= watchdog  # a beat or two may be late without a restart
    assert unit["ExecReload"] == ["/bin/kill -HUP $MAINPID"]
    assert unit["RestartPreventExitStatus"] == ["2"]
    assert unit["Restart"] == ["on-failure"]
    assert "AF_INET" in unit["RestrictAddressFamilies"][0].split()  # Telegram is on the internet
    assert "AF_UNIX" in unit["RestrictAddressFamilies"][0].split()  # the notify socket
    assert "IPAddressDeny" not in unit
    assert "PrivateNetwork" not in unit


# What the main unit may have that the backup unit must not copy: it talks to Telegram and systemd.
NETWORK_AND_LIFECYCLE = {
    "RestrictAddressFamilies",
    "ReadWritePaths",
    "Type",
    "NotifyAccess",
    "WatchdogSec",
    "WatchdogSignal",
    "ExecStart",
    "ExecReload",
    "KillSignal",
    "TimeoutStopSec",
    "Restart",
    "RestartSec",
    "RestartPreventExitStatus",
    "After",
    "Wants",
    "Description",
    "WantedBy",
}


def test_the_backup_unit_is_sandboxed_like_the_bot_without_network_and_writes_only_its_two_folders():
    bot, backup = unit_settings(), unit_settings(BACKUP_UNIT)
    for key, values in bot.items():
        if key not in NETWORK_AND_LIFECYCLE:
            assert backup.get(key) == values, key
    assert backup["PrivateNetwork"] == ["true"]
    assert backup["RestrictAddressFamilies"] == ["AF_UNIX"]
    [folders] = backup["ReadWritePaths"]
    assert folders.split() == ["/opt/pilkada-bot/data", "/var/backups/pilkada-bot"]  # the -shm file, the copies
    assert backup["ExecStart"][0].split()[1] == "/var/backups/pilkada-bot"


def comments(path: Path) -> str:
    """The `#` comments of a file as one line of text."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return " ".join(line.lstrip("#").strip() for line in lines if line.startswith("#"))


def test_the_settings_file_permissions_agree_in_the_unit_the_template_and_the_readme():
    """systemd reads /etc/pilkada-bot.env as root; `bot.py --env-file` reads it as the bot's user, through
    its group: owner root, group of the unit, mode 0640, wherever the file's permissions are stated."""
    [group] = unit_settings()["Group"]
    for source in (UNIT, ROOT / "deploy" / "pilkada-bot.env.example"):
        text = comments(source)
        assert re.findall(r"mode (0\d{3})", text) == ["0640"], source.name
        assert f"owner root, group {group}, mode 0640" in text, source.name
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    installs = re.findall(r"install -m (\d+) -o (\S+) -g (\S+)\s+deploy/pilkada-bot\.env\.example", readme)
    assert installs == [("640", "root", group)]
    assert "0600" not in readme.split("## Deploy for real", 1)[1].split("\n## ", 1)[0]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
@pytest.mark.parametrize("source", [UNIT, BACKUP_UNIT], ids=lambda path: path.name)
def test_systemd_analyze_security_scores_the_unit_at_most_2_5(tmp_path, source):
    unit = tmp_path / source.name
    unit.write_bytes(source.read_bytes())
    result = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", "--no-pager", str(unit)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    found = re.search(rf"Overall exposure level for {re.escape(source.name)}: (\d+\.\d+)", result.stdout)
    if found is None and "--offline" in result.stderr:
        pytest.skip("this systemd-analyze has no --offline (systemd < 250)")
    assert found, result.stdout + result.stderr
    assert float(found.group(1)) <= 2.5, result.stdout


@pytest.fixture
def listener(tmp_path):
    """A Unix datagram socket standing in for systemd's notify socket: (address for NOTIFY_SOCKET, socket)."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    name = f"pilkada-test-{uuid.uuid4().hex}"
    sock.bind("\0" + name)
    sock.settimeout(5)
    yield f"@{name}", sock
    sock.close()


def test_notify_sends_to_an_abstract_socket(listener, monkeypatch):
    address, sock = listener
    monkeypatch.setenv("NOTIFY_SOCKET", address)
    assert systemd.notify("READY=1", "STATUS=serving")
    assert sock.recv(4096) == b"READY=1\nSTATUS=serving"
    assert systemd.reloading()
    first, second = sock.recv(4096).decode().split("\n")
    assert first == "RELOADING=1"
    assert re.fullmatch(r"MONOTONIC_USEC=\d+", second)


def test_notify_sends_to_a_socket_file(tmp_path, monkeypatch):
    path = tmp_path / "n.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(path))
        monkeypatch.setenv("NOTIFY_SOCKET", str(path))
        assert systemd.notify("WATCHDOG=1")
        assert sock.recv(100) == b"WATCHDOG=1"


def test_notify_without_systemd_or_with_a_dead_socket_does_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert not systemd.notify("READY=1")
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "gone.sock"))
    assert not systemd.notify("READY=1")  # logged at debug, never raised


def test_the_watchdog_is_fed_only_when_health_would_say_ok(listener, monkeypatch):
    from bot.ops.service import feed_watchdog

    address, sock = listener
    monkeypatch.setenv("NOTIFY_SOCKET", address)
    values: dict[str, tuple[float | None, float | None]] = {"now": (1.0, 1.0)}
    beat = Heartbeat(lambda: None, lambda: values["now"], on_beat=feed_watchdog)  # type: ignore[arg-type, return-value]
    values["now"] = (time.time() - 2, time.time() - 1)
    beat.beat()
    assert sock.recv(100) == b"WATCHDOG=1"
    sock.settimeout(0.3)
    for stale in [(None, time.time()), (time.time(), time.time() - 120), (time.time() - 61, time.time())]:
        values["now"] = stale
        beat.beat()
        with pytest.raises(TimeoutError):
            sock.recv(100)


async def test_a_starting_bot_beats_every_half_second_until_healthy_then_every_interval(monkeypatch):
    """systemd hears WATCHDOG=1 within half a second of the first poll, not a whole interval later."""
    beats: list[list[str]] = []
    beaten = asyncio.Event()
    values: dict[str, tuple[float | None, float | None]] = {"now": (None, None)}  # not polled yet

    def on_beat(problems: list[str]) -> None:
        beats.append(problems)
        beaten.set()

    async def next_beat() -> list[str]:
        beaten.clear()
        await asyncio.wait_for(beaten.wait(), 2)
        return beats[-1]

    beat = Heartbeat(lambda: None, lambda: values["now"], interval=60, on_beat=on_beat)  # type: ignore[arg-type, return-value]
    monkeypatch.setattr(beat, "write", lambda stopped=False: asyncio.sleep(0))
    task = asyncio.create_task(beat.run())
    try:
        assert await next_beat()  # unhealthy at start
        assert await next_beat()  # half a second later, still unhealthy
        values["now"] = (time.time(), time.time())  # the first poll answered, the engine ran
        assert await next_beat() == []
        with pytest.raises(TimeoutError):  # once healthy, the heartbeat keeps its interval
            await asyncio.wait_for(next_beat(), 0.8)
    finally:
        task.cancel()


class SlowHeartbeatStore:
    """Stands in for the heartbeat's connection: notes two threads in it at once, or a close mid-write."""

    def __init__(self) -> None:
        self.inside = 0
        self.overlaps = 0
        self.closed = False
        self.rows: list[dict] = []
        self.first_write = threading.Event()

    def write_heartbeat(self, row: dict) -> None:
        self.inside += 1
        self.overlaps += self.inside > 1 or self.closed
        self.first_write.set()
        time.sleep(0.2)
        self.rows.append(row)
        self.inside -= 1

    def close(self) -> None:
        self.overlaps += self.inside > 0
        self.closed = True


async def test_a_heartbeat_write_cut_short_by_stop_never_shares_or_loses_its_connection():
    """Stopping cancels the heartbeat task while its write still runs in a thread: the last row and
    the close wait for it (two threads in one SQLite connection can crash the bot at stop)."""
    store = SlowHeartbeatStore()
    beat = Heartbeat(lambda: store, lambda: (1.0, 1.0))  # type: ignore[arg-type, return-value]
    task = asyncio.create_task(beat.run())
    await asyncio.to_thread(store.first_write.wait, 5)
    task.cancel()
    await beat.close()
    assert store.overlaps == 0
    assert store.closed
    assert [bool(row.get("stopped_at")) for row in store.rows] == [False, True]
    await beat.write()  # a late beat after the close writes nothing
    assert len(store.rows) == 2
