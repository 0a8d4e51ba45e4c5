"""The command line cannot hurt: one bot per database, no token in any output, `--out` never over the
bot's own files, and start-up mistakes as one line with exit code 2."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest

from bot import log_privacy
from bot import settings as cfg
from bot.ops.lock import DatabaseBusy, DatabaseLock, lock_path
from bot.store import Store
from standin import StandIn
from tests import cli_runner
from tests.conftest import TZ, schedule_toml
from tests.e2e import TOKEN, add_subscribers
from tests.test_cli import ROOT, bot

BOT = str(ROOT / "bot.py")
SCHEDULE = schedule_toml([{"id": "nanti", "at": datetime.now(TZ) + timedelta(days=30), "roles": ["pemilih"]}])


def clean_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env.update(values)
    return env


def bot_in(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`bot.py ARGS` run from `cwd` (so `.env` and relative paths are the test's own)."""
    return cli_runner.bot(*args, env=env, cwd=cwd)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_line(result: subprocess.CompletedProcess) -> str:
    """The only line on stderr (asserting there is exactly one, and no traceback)."""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def place(tmp_path) -> Path:
    """A working folder with a database, a schedule and a `.env`, as on a server."""
    add_subscribers(str(tmp_path / "bot.db"), [(1, "pemilih"), (2, "asn")])
    (tmp_path / "s.toml").write_text(SCHEDULE, encoding="utf-8")
    (tmp_path / ".env").write_text("BOT_SCHEDULE=s.toml\nBOT_DATABASE=bot.db\n", encoding="utf-8")
    return tmp_path


# --- one process per database ------------------------------------------------------------------


def test_the_lock_names_its_holder_and_is_free_again_after_release(tmp_path):
    first = DatabaseLock(tmp_path / "bot.db", "run").acquire()
    with pytest.raises(DatabaseBusy) as info:
        DatabaseLock(str(tmp_path / "." / "bot.db"), "purge").acquire()  # another spelling, the same file
    assert (info.value.pid, info.value.command) == (os.getpid(), "run")
    assert f"`bot.py run` (PID {os.getpid()})" in str(info.value)
    first.release()
    with DatabaseLock(tmp_path / "bot.db", "purge"):
        assert lock_path(tmp_path / "bot.db").read_text() == f"{os.getpid()} purge\n"


class Bots:
    """`bot.py run` child processes on one database against a stand-in; none is left behind."""

    def __init__(self, place: Path, standin: StandIn):
        self.place, self.standin = place, standin
        self.processes: list[asyncio.subprocess.Process] = []

    async def start(self, *args: str) -> asyncio.subprocess.Process:
        env = clean_env(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=self.standin.base_url)
        log = self.log(len(self.processes))
        with log.open("wb") as fh:  # a file: a pipe nobody reads could stall the bot
            process = await asyncio.create_subprocess_exec(
                sys.executable, BOT, "run", *args, cwd=self.place, env=env, stdout=fh, stderr=fh
            )
        self.processes.append(process)
        return process

    def log(self, n: int) -> Path:
        return self.place / f"bot-{n}.log"

    async def running(self, n: int) -> None:
        await self.standin.wait_for(lambda: "bot running" in self.log(n).read_text(), timeout=30)

    async def close(self) -> None:
        for process in self.processes:
            if process.returncode is None:
                process.kill()
                await process.wait()


@pytest.mark.slow
async def test_a_second_bot_on_the_same_database_exits_2_naming_the_first_and_a_killed_one_blocks_nothing(place):
    async with StandIn(token=TOKEN) as standin:
        bots = Bots(place, standin)
        try:
            first = await bots.start()
            await bots.running(0)
            note = "BOT_ADMIN_IDS is empty: operator commands are off"  # logged once it runs, not on a failed start
            await standin.wait_for(lambda: note in bots.log(0).read_text())
            assert bots.log(0).read_text().count(note) == 1
            get_me = standin.calls["getMe"]
            second = await bots.start("--database", str(place / "bot.db"))  # the same file, spelled otherwise
            assert await asyncio.wait_for(second.wait(), 30) == 2
            line = bots.log(1).read_text().strip()
            assert "\n" not in line
            assert f"PID {first.pid}" in line
            assert "bot.db" in line
            assert standin.calls["getMe"] == get_me  # it never talked to Telegram

            purge = await asyncio.to_thread(bot_in, place, "purge", "--before", "2025-03-01", "--yes")
            assert purge.returncode == 2
            assert f"PID {first.pid}" in one_line(purge)

            first.send_signal(signal.SIGKILL)  # the lock dies with its holder
            await first.wait()
            third = await bots.start()
            await bots.running(2)
            third.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(third.wait(), 15) == 0
        finally:
            await bots.close()


async def test_a_second_bot_through_a_hard_link_to_the_database_exits_2_naming_the_first(place):
    (place / "hl").mkdir()
    os.link(place / "bot.db", place / "hl" / "bot.db")
    assert bot_in(place, "backup", "--out", "copy.db").returncode == 0
    async with StandIn(token=TOKEN) as standin:
        bots = Bots(place, standin)
        try:
            first = await bots.start()
            await bots.running(0)
            get_me = standin.calls["getMe"]
            second = await bots.start("--database", str(place / "hl" / "bot.db"))
            assert await asyncio.wait_for(second.wait(), 30) == 2
            line = bots.log(1).read_text().strip()
            assert "\n" not in line
            assert f"PID {first.pid}" in line
            assert "hard link" in line
            assert standin.calls["getMe"] == get_me  # it never talked to Telegram
            restore = await asyncio.to_thread(
                bot_in, place, "restore", "--database", str(place / "hl" / "bot.db"), str(place / "copy.db")
            )
            assert restore.returncode == 2
            assert f"PID {first.pid}" in one_line(restore)
        finally:
            await bots.close()


def test_the_lock_holds_the_database_file_itself_whatever_its_path(tmp_path):
    db = tmp_path / "a.db"
    db.write_bytes(b"")
    os.link(db, tmp_path / "b.db")
    with DatabaseLock(db, "run"):
        with pytest.raises(DatabaseBusy) as busy:
            DatabaseLock(tmp_path / "b.db", "run").acquire()
        assert busy.value.pid == os.getpid()
    DatabaseLock(tmp_path / "b.db", "run").acquire().release()  # free again once released


def test_purge_runs_when_no_bot_holds_the_database(place):
    result = bot_in(place, "purge", "--before", "2025-03-01", "--yes")
    assert result.returncode == 0, result.stderr
    assert "Deleted 0 delivery records" in result.stdout


# --- the token never leaves the process --------------------------------------------------------


@pytest.mark.parametrize("command", [["run"], ["poster", "--role", "asn", "--out", "asn.png"]])
@pytest.mark.parametrize("telegram", ["closed port", "refuses the token"])
async def test_the_token_is_in_no_output_of_a_command_that_talks_to_telegram(place, command, telegram):
    async with StandIn(token="4242:ANOTHER-TOKEN") as standin:
        url = standin.base_url if telegram == "refuses the token" else f"http://127.0.0.1:{closed_port()}/bot"
        result = await asyncio.to_thread(
            bot_in, place, *command, env={"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": url}
        )
    assert TOKEN not in result.stdout + result.stderr
    line = one_line(result)
    if telegram == "refuses the token":
        assert result.returncode == 2
        assert "refused the token" in line
        assert "TELEGRAM_BOT_TOKEN" in line
    else:  # a restart may cure it: exit 1, so systemd tries again
        assert result.returncode == 1
        assert "127.0.0.1" in line
    assert not (place / "asn.png").exists()


def test_a_token_shaped_secret_in_a_traceback_is_hidden_too():
    text = "request to https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe failed"
    assert log_privacy.RedactFilter().redact(text) == "request to https://api.telegram.org/bot[TOKEN]/getMe failed"


# --- --out never replaces the bot's own files --------------------------------------------------

FILE_OUTPUTS = {
    "ics": ["ics"],
    "poster": ["poster", "--role", "asn", "--username", "kpu_uji_bot"],
}
OUTPUTS = {**FILE_OUTPUTS, "export": ["export"]}  # export writes a folder of files


@pytest.mark.parametrize("command", sorted(OUTPUTS))
@pytest.mark.parametrize("target", ["bot.db", "bot.db-wal", "bot.db-shm", "bot.db.lock", "s.toml", ".env", "link"])
def test_out_refuses_the_database_the_schedule_and_the_settings_file(place, command, target):
    if target == "link":  # a symbolic link to the database is the database
        (place / "link").symlink_to(place / "bot.db")
    path = place / target
    before = path.read_bytes() if path.exists() else None
    result = bot_in(place, *OUTPUTS[command], "--out", target)
    assert result.returncode == 2
    assert target in one_line(result)
    assert (path.read_bytes() if path.exists() else None) == before
    store = Store(place / "bot.db")
    assert store.count_audience(["pemilih", "asn"]) == 2  # the database still works
    store.close()


@pytest.mark.parametrize("command", sorted(FILE_OUTPUTS))
def test_out_refuses_a_folder_with_one_line(place, command):
    (place / "keluaran").mkdir()
    result = bot_in(place, *OUTPUTS[command], "--out", "keluaran")
    assert result.returncode == 2
    assert one_line(result) == "--out: keluaran is a folder; give a file name"


@pytest.mark.parametrize("command", sorted(FILE_OUTPUTS))
def test_out_replaces_a_file_whole_so_a_reader_of_the_old_one_sees_it_intact(place, command):
    out = place / "hasil.bin"
    out.write_bytes(b"old figures\n" * 1000)
    with out.open("rb") as reader:  # e.g. a copy to a USB stick still running
        result = bot_in(place, *OUTPUTS[command], "--out", "hasil.bin")
        assert result.returncode == 0, result.stderr
        assert reader.read() == b"old figures\n" * 1000
    assert out.read_bytes() != b"old figures\n" * 1000
    assert out.stat().st_size > 0
    assert sorted(p.name for p in place.iterdir() if p.name.startswith(".hasil")) == []  # no temporary left


# --- start-up mistakes: one line, exit 2 -------------------------------------------------------


def corrupt(place: Path) -> str:
    (place / "bot.db").write_bytes(b"this is no database\n" * 200)
    return "bot.db"


def folder(place: Path) -> str:
    (place / "data.db").mkdir()
    return "data.db"


def under_a_file(place: Path) -> str:
    (place / "data").write_text("not a folder")
    return "data/bot.db"


def unwritable(place: Path) -> str:
    (place / "ro").mkdir(mode=0o500)
    return "ro/bot.db"


@pytest.mark.parametrize(
    ("command", "make", "words"),
    [
        ("run", corrupt, "damaged"),
        ("stats", corrupt, "damaged"),
        ("run", folder, "is a folder"),
        ("stats", folder, "is a folder"),
        ("run", under_a_file, "not a folder"),
        ("run", unwritable, "writable"),
    ],
)
def test_a_database_that_cannot_be_used_is_one_line_and_exit_2(place, command, make, words):
    if make is unwritable and os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    database = make(place)
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": f"http://127.0.0.1:{closed_port()}/bot"}
    result = bot_in(place, command, "--database", database, env=env)
    assert result.returncode == 2
    line = one_line(result)
    assert database in line
    assert words in line


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"BOT_RATE_LIMIT": "nan"}, "BOT_RATE_LIMIT"),
        ({"BOT_RATE_LIMIT": "inf"}, "BOT_RATE_LIMIT"),
        ({"BOT_RATE_LIMIT": "1e999"}, "BOT_RATE_LIMIT"),
        ({"TELEGRAM_API_URL": "api.telegram.org/bot"}, "TELEGRAM_API_URL"),
        ({"TELEGRAM_API_URL": "http://127.0.0.1:port/bot"}, "TELEGRAM_API_URL"),
        ({"TELEGRAM_API_URL": "ftp://127.0.0.1/bot"}, "TELEGRAM_API_URL"),
        (
            {"TELEGRAM_API_URL": "http://127.0.0.1:{closed}"},
            "TELEGRAM_API_URL",
        ),  # no /bot: the token would join the host
    ],
)
def test_a_setting_the_bot_cannot_use_is_one_line_and_exit_2(place, env, words):
    env = {k: v.format(closed=closed_port()) for k, v in env.items()}
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": f"http://127.0.0.1:{closed_port()}/bot"} | env
    result = bot_in(place, "run", env=env)
    assert result.returncode == 2
    assert words in one_line(result)


def test_a_rate_given_as_a_flag_is_checked_too(place):
    result = bot_in(place, "stats", "--rate-limit", "nan")
    assert result.returncode == 2
    assert "BOT_RATE_LIMIT (--rate-limit)" in one_line(result)


@pytest.mark.parametrize("raw", ["nan", "inf", "-inf", "0", "-3"])
def test_settings_refuse_a_rate_that_is_not_a_positive_number(raw):
    with pytest.raises(cfg.SettingsError, match="BOT_RATE_LIMIT"):
        cfg.load(environ={"BOT_RATE_LIMIT": raw}, env_file=None)


@pytest.mark.parametrize(
    "url", ["https://api.telegram.org/bot", "http://127.0.0.1:8081/bot", "https://x.example/tg/bot"]
)
def test_settings_accept_bot_api_base_urls(url):
    assert cfg.load(environ={"TELEGRAM_API_URL": url}, env_file=None).api_url == url


async def test_a_webhook_port_in_use_is_one_line_naming_the_port_and_exit_2(place):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with StandIn(token=TOKEN) as standin:
            env = {
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_API_URL": standin.base_url,
                "BOT_WEBHOOK_URL": "https://example.invalid/hook",
                "BOT_WEBHOOK_PORT": str(port),
            }
            result = await asyncio.to_thread(bot_in, place, "run", env=env)
    assert result.returncode == 2
    line = one_line(result)
    assert f"127.0.0.1:{port}" in line
    assert "BOT_WEBHOOK_PORT" in line


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["purge"], "bot.py purge: the following arguments are required: --before"),
        (["stat"], "bot.py: argument command: invalid choice: 'stat'"),
        (["stats", "--rate-limit", "x"], "bot.py stats: argument --rate-limit: invalid float value: 'x'"),
    ],
)
def test_a_mistyped_command_line_is_one_line_with_where_to_look(argv, said):
    result = bot(*argv)
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(said)
    assert line.endswith("--help)")


REAL_SHAPED_TOKEN = "7712345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


async def echoing_gateway(status: bytes):
    """An HTTP server answering every request with an HTML error page that quotes the request path
    URL-encoded, as some proxies and gateways do; returns the server (use `async with`)."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await reader.readuntil(b"\r\n\r\n")
        path = request.split(b" ")[1].decode()
        body = f"<html>{status.decode()} ({quote(path, safe='')})</html>".encode()
        writer.write(b"HTTP/1.1 %s\r\nContent-Type: text/html\r\nContent-Length: %d\r\n" % (status, len(body)))
        writer.write(b"Connection: close\r\n\r\n" + body)
        await writer.drain()
        writer.close()

    return await asyncio.start_server(answer, "127.0.0.1", 0)


@pytest.mark.parametrize("status", [b"502 Bad Gateway", b"400 Bad Request"])
async def test_a_gateway_that_echoes_the_url_encoded_token_leaks_nothing_and_says_one_line(place, status):
    async with await echoing_gateway(status) as server:
        port = server.sockets[0].getsockname()[1]
        env = {"TELEGRAM_BOT_TOKEN": REAL_SHAPED_TOKEN, "TELEGRAM_API_URL": f"http://127.0.0.1:{port}/bot"}
        result = await asyncio.to_thread(bot_in, place, "run", env=env)
    output = result.stdout + result.stderr
    secret = REAL_SHAPED_TOKEN.split(":")[1]
    assert secret not in output
    assert secret.lower() not in output.lower()
    line = one_line(result)
    assert result.returncode in (1, 2)
    assert "127.0.0.1" in line


@pytest.mark.parametrize("form", [quote(REAL_SHAPED_TOKEN, safe=""), quote(REAL_SHAPED_TOKEN, safe="").lower()])
def test_the_url_encoded_token_is_redacted_in_upper_and_lower_case(form):
    redactor = log_privacy.RedactFilter([REAL_SHAPED_TOKEN])
    assert redactor.redact(f"GET /bot{form}/getMe") == "GET /bot[TOKEN]/getMe"
    assert log_privacy.RedactFilter().redact(f"GET %2Fbot{form}%2FgetMe") == "GET %2Fbot[TOKEN]%2FgetMe"


@pytest.mark.parametrize(
    ("variable", "url"),
    [
        ("BOT_PROXY", "http://kpu:Sup3rS3cretPw@proxy.kantor:notaport"),
        ("BOT_PROXY", "socks5://kpu:Sup3rS3cretPw@proxy.kantor:1080"),
        ("BOT_PROXY", "http://kpu:Sup3rS3cretPw@proxy kantor:3128"),
        ("HTTPS_PROXY", "http://kpu:Sup3rS3cretPw@proxy.kantor:notaport"),
    ],
)
def test_a_bad_proxy_url_is_refused_in_one_line_without_its_password(place, variable, url):
    result = bot_in(place, "run", env={"TELEGRAM_BOT_TOKEN": TOKEN, variable: url, "NO_PROXY": ""})
    assert "Sup3rS3cretPw" not in result.stdout + result.stderr
    line = one_line(result)
    assert result.returncode == 2
    assert variable in line
    assert "kpu:***@proxy" in line


# --- a database that is not the bot's, and a path that does not exist ----------------------------

READERS = {
    "stats": ["stats"],
    "report": ["report"],
    "plan": ["plan"],
    "export": ["export", "--out", "angka"],
    "backup": ["backup", "--out", "cadangan.db"],
    "broadcast": ["broadcast", "--roles", "asn", "--text-file", "pesan.html", "--yes", "--no-wait"],
    "purge": ["purge", "--before", "2025-03-01", "--yes"],
}


def tables(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return sorted(row[0] for row in conn.execute("SELECT name FROM sqlite_master"))
    finally:
        conn.close()


@pytest.mark.parametrize("command", sorted(READERS))
def test_a_command_refuses_an_sqlite_file_that_is_not_the_bots_and_adds_no_table_to_it(place, command):
    other = place / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE inventaris (barang TEXT)")
    conn.commit()
    conn.close()
    before = other.read_bytes()
    (place / "pesan.html").write_text("Halo", encoding="utf-8")
    result = bot_in(place, *READERS[command], "--database", "other.db")
    assert result.returncode == 2, result.stdout
    assert one_line(result) == (
        "database other.db is not a bot database (no table broadcasts, deliveries, meta, subscribers): "
        "set BOT_DATABASE (or --database) to the bot's file"
    )
    assert tables(other) == ["inventaris"]
    assert other.read_bytes() == before
    assert sorted(p.name for p in place.iterdir() if p.name.startswith("other.db")) == ["other.db"]
    assert not (place / "angka").exists()
    assert not (place / "cadangan.db").exists()


@pytest.mark.parametrize("command", sorted(READERS))
def test_a_command_on_a_database_that_does_not_exist_creates_none(place, command):
    (place / "pesan.html").write_text("Halo", encoding="utf-8")
    result = bot_in(place, *READERS[command], "--database", "data/typo.db")
    if command == "plan":  # plans with no recipients, and says so
        assert result.returncode == 0
        assert "no database at data/typo.db yet" in result.stdout
    else:
        assert result.returncode == 2
        assert one_line(result) == "database data/typo.db does not exist (set BOT_DATABASE or --database)"
    assert not (place / "data").exists()


# --- an --out the command cannot write ---------------------------------------------------------

# What each writer is given: export a folder (read-only, or one nobody can create files in), backup a file there.
WRITERS = {"export": ["export", "--out", "{folder}"], "backup": ["backup", "--out", "{folder}/hasil.bin"]}


def writer_args(command: str, folder: str) -> list[str]:
    return [arg.format(folder=folder) for arg in WRITERS[command]]


def on_a_read_only_disk(place: Path, *args: str) -> subprocess.CompletedProcess:
    """`bot.py ARGS` with a read-only file system mounted on `place/ro` (unprivileged: a user namespace)."""
    (place / "ro").mkdir()
    mount = 'mount -t tmpfs -o ro tmpfs ro && exec "$@"'
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", mount, "sh", "true"], cwd=place, capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot mount a read-only file system here: {probe.stderr.decode().strip()}")
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", mount, "sh", sys.executable, BOT, *args],
        cwd=place,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare (util-linux)")
@pytest.mark.parametrize("command", sorted(WRITERS))
def test_an_out_on_a_read_only_disk_is_one_line_naming_the_folder(place, command):
    result = on_a_read_only_disk(place, *writer_args(command, "ro"))
    assert result.returncode == 2, result.stdout
    assert one_line(result) == f"--out: cannot write in folder {place / 'ro'} (read-only file system)"


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
@pytest.mark.parametrize("command", sorted(WRITERS))
def test_an_out_in_a_folder_nobody_can_create_files_in_is_one_line_even_for_root(place, command):
    result = bot_in(place, *writer_args(command, "/proc"))
    assert result.returncode == 2, result.stdout
    assert one_line(result).startswith("--out: cannot write in folder /proc (")
