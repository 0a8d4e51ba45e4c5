"""Install and server use: the Makefile's Python check, the settings file, no stray database, the demo."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests import cli_runner
from tests.e2e import add_subscribers

ROOT = Path(__file__).resolve().parent.parent


bot = cli_runner.bot  # in this process where a child process would behave the same


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


def make(folder: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    shutil.copy(ROOT / "Makefile", folder / "Makefile")
    for name in ("requirements.txt", "requirements-dev.txt"):
        if not (folder / name).exists():
            (folder / name).write_text("# nothing\n")
    # Under `make test` the parent make's variables would turn this into a sub-make that prints
    # "Entering directory" lines; run it as an operator would, from a plain shell.
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES") and not k.startswith("BOT_")
    }
    environ.update(env or {})
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
    stamp = tmp_path / ".venv" / ".installed-requirements.txt"
    fake_python(tmp_path / ".venv" / "bin" / "python", "3.10.12", new_enough=False)
    stamp.touch()
    os.utime(stamp, (2e9, 2e9))  # newer than requirements.txt: only the version makes it stale
    planned = make(tmp_path, "-n", "check").stdout
    assert "rebuilding it" in planned
    assert "-m venv .venv" in planned
    fake_python(tmp_path / ".venv" / "bin" / "python", "3.12.3", new_enough=True)
    planned = make(tmp_path, "-n", "check").stdout
    assert planned.strip() == ".venv/bin/python bot.py check"


def python_that_logs(folder: Path) -> Path:
    """A new enough `python` whose `-m venv` makes a .venv of such fakes (python, ruff, mypy); every
    other call it makes is appended to folder/calls.log ("python -m pip install ... -r requirements.txt")."""
    path = folder / "bin" / "python3"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "Python 3.12.3"; exit 0; fi\n'
        'if [ "$1" = "-c" ]; then exit 0; fi\n'
        'if [ "$1 $2" = "-m venv" ]; then mkdir -p "$3/bin"; for f in python ruff mypy; do cp "$0" "$3/bin/$f"; done; '
        "exit 0; fi\n"
        f'echo "$(basename "$0") $*" >> {folder / "calls.log"}\n'
    )
    path.chmod(0o755)
    return path


def calls(folder: Path) -> list[str]:
    """What the fake python, ruff and mypy were asked since the last look."""
    log = folder / "calls.log"
    lines = log.read_text().splitlines() if log.exists() else []
    log.unlink(missing_ok=True)
    return [line.replace(" --quiet --disable-pip-version-check", "").strip() for line in lines]


RUNTIME_INSTALL = "python -m pip install -r requirements.txt"
DEV_INSTALL = "python -m pip install -r requirements-dev.txt"


def test_make_installs_the_runtime_for_run_demo_and_check_and_the_dev_requirements_for_test_lint_and_bench(tmp_path):
    server, clone = tmp_path / "server", tmp_path / "clone"
    for folder in (server, clone):
        folder.mkdir()
        python_that_logs(folder)
    assert make(server, "run", f"PYTHON={server / 'bin' / 'python3'}").returncode == 0
    assert calls(server) == [RUNTIME_INSTALL, "python bot.py run"]
    assert make(clone, "test", f"PYTHON={clone / 'bin' / 'python3'}").returncode == 0  # CI: a fresh clone
    lint = ["ruff check .", "ruff format --check .", "mypy"]
    tests = ["python -m pytest -q --collect-only", "python -m pytest -q -n 5 --dist worksteal"]
    assert calls(clone) == [RUNTIME_INSTALL, DEV_INSTALL, *lint, *tests]
    for target in ("run", "demo", "check"):  # each requirements file has its own stamp
        assert make(clone, target).returncode == 0
        assert calls(clone) == [f"python bot.py {target}"]
    os.utime(clone / "requirements-dev.txt", (2e9, 2e9))
    assert make(clone, "run").returncode == 0
    assert calls(clone) == ["python bot.py run"]
    assert make(clone, "bench").returncode == 0
    assert calls(clone) == [DEV_INSTALL, "python bench/faq_eval.py --strict", "python bench/bench.py"]
    os.utime(clone / "requirements.txt", (2.1e9, 2.1e9))
    assert make(clone, "lint").returncode == 0
    assert calls(clone) == [RUNTIME_INSTALL, DEV_INSTALL, *lint]


def test_runtime_requirements_hold_no_test_tools_and_dev_requirements_include_them():
    runtime = (ROOT / "requirements.txt").read_text().splitlines()
    dev = (ROOT / "requirements-dev.txt").read_text().splitlines()
    pins = [line for line in runtime + dev if line.strip() and not line.startswith(("#", "-r "))]
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+(\[[a-z,-]+\])?==[0-9][0-9A-Za-z.]*", pin) for pin in pins), pins
    dev_only = {"pytest", "pytest-asyncio", "pytest-xdist", "mypy", "ruff", "zxing-cpp"}
    assert not dev_only & {pin.split("==")[0] for pin in runtime if "==" in pin}
    assert dev_only <= {pin.split("==")[0] for pin in dev if "==" in pin}
    assert "-r requirements.txt" in dev
    # What the bot, the demo and the stand-in import is not among them (nor the benchmark's aiolimiter).
    imported = {
        found
        for path in [ROOT / "bot.py", *ROOT.glob("bot/**/*.py"), *ROOT.glob("standin/*.py")]
        for found in re.findall(r"^\s*(?:import|from) ([a-z_]+)", path.read_text(), re.MULTILINE)
    }
    assert not imported & {"pytest", "pytest_asyncio", "xdist", "mypy", "ruff", "zxingcpp", "aiolimiter"}


def test_make_passes_the_settings_file_to_check_run_and_demo(tmp_path):
    python = str(python_that_logs(tmp_path))
    assert make(tmp_path, "check", f"PYTHON={python}").returncode == 0
    assert calls(tmp_path)[-1] == "python bot.py check"  # without one: .env and the bundled schedule
    assert make(tmp_path, "check", "ENV_FILE=/etc/pilkada-bot.env").returncode == 0
    assert calls(tmp_path) == ["python bot.py check --env-file /etc/pilkada-bot.env"]
    for target in ("run", "demo"):  # BOT_ENV_FILE as a variable of make or of the environment
        assert make(tmp_path, target, "BOT_ENV_FILE=/etc/pilkada-bot.env").returncode == 0
        assert make(tmp_path, target, env={"BOT_ENV_FILE": "/srv/kpu.env"}).returncode == 0
        assert calls(tmp_path) == [
            f"python bot.py {target} --env-file {f}" for f in ("/etc/pilkada-bot.env", "/srv/kpu.env")
        ]


def test_make_does_not_build_the_venv_as_root_where_the_service_user_exists(tmp_path):
    python = str(python_that_logs(tmp_path))
    fake_id = tmp_path / "fake-id" / "id"  # root, and the user pilkada-bot exists
    fake_id.parent.mkdir()
    fake_id.write_text("#!/bin/sh\necho 0\n")
    fake_id.chmod(0o755)
    as_root = {"PATH": f"{fake_id.parent}:{os.environ['PATH']}"}
    refused = make(tmp_path, "check", f"PYTHON={python}", env=as_root)
    assert refused.returncode != 0
    assert not (tmp_path / ".venv").exists()
    [line] = [line for line in refused.stderr.splitlines() if not line.startswith("make")]
    assert line.startswith("refusing to build .venv as root")
    assert "sudo -u pilkada-bot make check" in line
    assert "ALLOW_ROOT=1" in line
    assert make(tmp_path, "check", f"PYTHON={python}", "ALLOW_ROOT=1", env=as_root).returncode == 0
    assert calls(tmp_path) == [RUNTIME_INSTALL, "python bot.py check"]
    assert make(tmp_path, "test", env=as_root).returncode != 0  # nor adds the dev requirements to it
    assert calls(tmp_path) == []
    assert make(tmp_path, "check", env=as_root).returncode == 0  # a .venv up to date is only used
    assert calls(tmp_path) == ["python bot.py check"]


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
    assert result.returncode == 2
    assert "the settings file" in result.stderr
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


@pytest.mark.slow
def test_demo_first_reminder_waits_until_the_person_has_subscribed():
    """Subscribing takes longer than --first-in: the first reminder still reaches the person."""
    result = bot(
        "demo",
        "--first-in",
        "1",
        "--spacing",
        "600",
        "--wait",
        "4",
        input="/start\n/tps\n/privasi\n3\n",
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Anda terdaftar sebagai Pemilih" in out
    assert out.index("Anda terdaftar sebagai Pemilih") < out.index("📣 pengingat terjadwal dari bot:")
    assert "Pendaftaran Pasangan Calon Dibuka Besok" in out


@pytest.mark.slow
def test_demo_labels_english_reminders_too():
    result = bot(
        "demo",
        "--first-in",
        "1",
        "--spacing",
        "600",
        "--wait",
        "4",
        input="/language\n2\n/start pemilih\n",
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    label = "📣 scheduled reminder from the bot:\n"
    assert label in result.stdout
    assert "Candidate-Pair Registration Opens Tomorrow" in result.stdout.split(label, 1)[1]
