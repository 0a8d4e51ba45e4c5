"""Install and server use: the Makefile's Python check, the settings file, no stray database, the demo."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests import cli_runner
from tests.e2e import add_subscribers

ROOT = Path(__file__).resolve().parent.parent


def bot(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None, input: str | None = None, timeout=60):
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), *args], cwd=cwd, capture_output=True, text=True, env=environ,
        input=input, timeout=timeout,
    )  # fmt: skip


# --- make: Python 3.11 or newer ------------------------------------------------------------------


def fake_python(path: Path, version: str, new_enough: bool) -> Path:
    """A `python` that tells `--version` and answers the Makefile's version test."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'#!/bin/sh\nif [ "$1" = "--version" ]; then echo "Python {version}"; exit 0; fi\n'
        f"exit {0 if new_enough else 1}\n"
    )
    path.chmod(0o755)
    return path


def make(folder: Path, *args: str) -> subprocess.CompletedProcess:
    shutil.copy(ROOT / "Makefile", folder / "Makefile")
    (folder / "requirements.txt").write_text("# nothing\n")
    # Under `make test` the parent make's variables would turn this into a sub-make that prints
    # "Entering directory" lines; run it as an operator would, from a plain shell.
    environ = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES")}
    return subprocess.run(["make", *args], cwd=folder, capture_output=True, text=True, timeout=60, env=environ)


def test_make_refuses_an_old_python_in_one_line_saying_how_to_get_3_11(tmp_path):
    old = fake_python(tmp_path / "bin" / "python3", "3.10.12", new_enough=False)
    result = make(tmp_path, "check", f"PYTHON={old}")
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if not line.startswith("make")]
    assert len(lines) == 1, result.stderr
    assert f"found Python 3.10.12 ({old})" in lines[0]
    assert "sudo apt install python3.11 python3.11-venv" in lines[0]
    assert not (tmp_path / ".venv").exists()


def test_make_rebuilds_a_venv_made_by_an_old_python_and_reuses_a_good_one(tmp_path):
    stamp = tmp_path / ".venv" / ".installed"
    fake_python(tmp_path / ".venv" / "bin" / "python", "3.10.12", new_enough=False)
    stamp.touch()
    os.utime(stamp, (2e9, 2e9))  # newer than requirements.txt: only the version makes it stale
    planned = make(tmp_path, "-n", "check").stdout
    assert "rebuilding it" in planned and "-m venv .venv" in planned
    fake_python(tmp_path / ".venv" / "bin" / "python", "3.12.3", new_enough=True)
    planned = make(tmp_path, "-n", "check").stdout
    assert planned.strip() == ".venv/bin/python bot.py check"


# --- the settings file ---------------------------------------------------------------------------

SCHEDULE = ROOT / "config" / "pilkada2024.toml"


def test_stats_reads_the_settings_file_given_by_flag_or_variable(tmp_path):
    db = tmp_path / "data" / "bot.db"
    add_subscribers(str(db), [(1, "pemilih"), (2, "pemilih"), (3, "asn")])
    env_file = tmp_path / "pilkada-bot.env"
    env_file.write_text(f"BOT_DATABASE={db}\nBOT_SCHEDULE={SCHEDULE}\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for result in (
        bot("stats", "--env-file", str(env_file), cwd=elsewhere),
        bot("stats", cwd=elsewhere, env={"BOT_ENV_FILE": str(env_file)}),
    ):
        assert result.returncode == 0, result.stderr
        assert re.search(r"^total +3$", result.stdout, re.MULTILINE), result.stdout
    assert not (elsewhere / "data").exists()


def test_relative_paths_in_the_settings_file_are_found_from_any_folder(tmp_path):
    """BOT_DATABASE=data/bot.db in /srv/kpu/bot.env is /srv/kpu/data/bot.db, wherever the command runs."""
    add_subscribers(str(tmp_path / "kpu" / "data" / "bot.db"), [(1, "pemilih"), (2, "asn")])
    shutil.copy(SCHEDULE, tmp_path / "kpu" / "jadwal.toml")
    env_file = tmp_path / "kpu" / "bot.env"
    env_file.write_text("BOT_DATABASE=data/bot.db\nBOT_SCHEDULE=jadwal.toml\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = cli_runner.bot("stats", "--env-file", env_file, cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert re.search(r"^total +2$", result.stdout, re.MULTILINE), result.stdout
    assert list(elsewhere.iterdir()) == []


def test_a_missing_settings_file_named_explicitly_is_exit_2_in_one_line(tmp_path):
    for result in (
        bot("stats", "--env-file", str(tmp_path / "nope.env"), cwd=tmp_path),
        bot("stats", cwd=tmp_path, env={"BOT_ENV_FILE": str(tmp_path / "nope.env")}),
    ):
        assert result.returncode == 2
        assert result.stderr == f"settings file {tmp_path / 'nope.env'} does not exist (--env-file or BOT_ENV_FILE)\n"


def test_an_out_file_never_replaces_the_settings_file_in_use(tmp_path):
    env_file = tmp_path / "pilkada-bot.env"
    env_file.write_text(f"BOT_SCHEDULE={SCHEDULE}\n")
    result = bot("ics", "--env-file", str(env_file), "--out", str(env_file), cwd=tmp_path)
    assert result.returncode == 2 and "the settings file" in result.stderr
    assert env_file.read_text() == f"BOT_SCHEDULE={SCHEDULE}\n"


# --- no stray database ---------------------------------------------------------------------------


def test_plan_creates_no_database(tmp_path):
    result = bot("plan", "--all", "--schedule", str(SCHEDULE), "--database", str(tmp_path / "data" / "bot.db"))
    assert result.returncode == 0, result.stderr
    assert "no database at" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_plan_counts_the_recipients_of_an_existing_database(tmp_path):
    db = tmp_path / "bot.db"
    add_subscribers(str(db), [(i, "pemilih") for i in range(1, 8)])
    result = bot("plan", "--all", "--schedule", str(SCHEDULE), "--database", str(db))
    assert result.returncode == 0, result.stderr
    assert f"recipients now in {db}" in result.stdout
    assert " 7 " in result.stdout


# --- the demo ------------------------------------------------------------------------------------


def test_demo_first_reminder_waits_until_the_person_has_subscribed():
    """Subscribing takes longer than --first-in: the first reminder still reaches the person."""
    result = bot(
        "demo", "--first-in", "1", "--spacing", "600", "--wait", "4",
        input="/start\n/tps\n/privasi\n3\n", timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Anda terdaftar sebagai Pemilih" in out
    assert out.index("Anda terdaftar sebagai Pemilih") < out.index("📣 pengingat terjadwal dari bot:")
    assert "Pendaftaran Pasangan Calon Dibuka Besok" in out


def test_demo_labels_english_reminders_too():
    result = bot(
        "demo", "--first-in", "1", "--spacing", "600", "--wait", "4",
        input="/language\n2\n/start pemilih\n", timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    label = "📣 scheduled reminder from the bot:\n"
    assert label in result.stdout
    assert "Candidate-Pair Registration Opens Tomorrow" in result.stdout.split(label, 1)[1]
