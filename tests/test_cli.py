"""The command line as an operator uses it: check, run without a token, the demo fed from stdin."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import cli_runner

ROOT = Path(__file__).resolve().parent.parent


def bot(*args, input=None, env=None, timeout=60):
    """`bot.py ARGS` from the repository (in-process where that is the same; see tests/cli_runner.py)."""
    return cli_runner.bot(*args, input=input, env=env, timeout=timeout)


def test_check_accepts_the_default_schedule_with_one_summary_line():
    # With a channel set: the default schedule's channel = true reminders warn without one (test_channel.py).
    result = bot("check", "config/pilkada2024.toml", env={"BOT_CHANNEL_ID": "@nama_kanal"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().count("\n") == 0
    # the 13 stages of PKPU 2/2024 plus the general deadline for moving to vote elsewhere (H-30)
    assert "14 stages" in result.stdout
    assert "Pilkada Serentak 2024" in result.stdout
    assert "warning" not in result.stderr  # no stage date written out by hand


def test_check_names_entry_and_field_of_every_problem(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        """
[election]
name = "X"
region = "Y"
timezone = "Asia/Jakart"

[[stage]]
id = "a"
name = "A"
start = 2024-09-25
end = 2024-09-01

[[reminder]]
id = "r1"
at = 2024-11-27T06:00:00
expires = 2024-11-27T05:00:00
roles = ["guru"]
text = "<b>halo"

[[reminder]]
id = "r1"
at = 2024-11-27T06:00:00
roles = ["asn"]
text = ""
""",
        encoding="utf-8",
    )
    result = bot("check", str(bad))
    assert result.returncode == 2
    err = result.stderr
    assert 'election: field "timezone"' in err
    assert "Asia/Jakart" in err
    assert 'stage "a": field "end"' in err
    assert 'reminder "r1": field "expires"' in err
    assert 'reminder "r1": field "roles"' in err
    assert "guru" in err
    assert 'reminder "r1": field "text"' in err
    assert 'field "id": duplicate' in err


def test_check_reports_the_toml_line_of_a_syntax_error(tmp_path):
    bad = tmp_path / "broken.toml"
    bad.write_text('[election]\nname = "X"\nregion = \n', encoding="utf-8")
    result = bot("check", str(bad))
    assert result.returncode == 2
    assert "line 3" in result.stderr


def test_run_refuses_an_invalid_schedule_before_starting(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[election]\nname = "X"\n', encoding="utf-8")
    result = bot("run", "--schedule", str(bad), env={"TELEGRAM_BOT_TOKEN": "1:x"})
    assert result.returncode == 2
    assert 'election: field "timezone": missing' in result.stderr


def test_run_without_token_exits_2_with_one_clear_line(tmp_path):
    result = bot("run", env={"HOME": str(tmp_path)})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "@BotFather" in lines[0]
    assert "make demo" in lines[0]


@pytest.mark.slow
def test_demo_fed_from_stdin_shows_replies_and_a_scheduled_broadcast():
    result = bot("demo", "--first-in", "2", "--spacing", "3", "--wait", "3", input="/start\n3\n/jadwal\n", timeout=90)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "DIGESER" in out  # says the schedule is shifted
    assert "[1] ASN" in out
    assert "[3] Pemilih" in out
    assert "Anda terdaftar sebagai Pemilih" in out
    assert "Pemungutan suara\n    Rabu, 27 November 2024" in out
    assert "📣 pengingat terjadwal dari bot:" in out
    assert out.rstrip().endswith("Demo selesai.")


@pytest.mark.slow
def test_demo_as_operator_shows_statistics_and_the_chart():
    # --wait: the chart comes a while after the figures, longer on a loaded machine
    result = bot(
        "demo", "--operator", "--first-in", "300", "--wait", "6", input="/start pemilih\n/statistik\n", timeout=90
    )
    assert result.returncode == 0, result.stderr
    assert "Anda juga OPERATOR" in result.stdout
    assert "Pemilih: 1" in result.stdout
    assert "Total aktif: 1" in result.stdout
    assert "[photo: statistik.png" in result.stdout


def test_following_a_broadcast_that_stalls_ends_after_the_timeout(tmp_path, capsys):
    from bot.delivery.scheduler import enqueue_adhoc
    from bot.ops.cli import broadcasts
    from bot.store import SENT, Store

    store = Store(tmp_path / "bot.db")
    for chat_id in (1, 2):
        store.subscribe(chat_id, "kades")
    broadcast_id, total = enqueue_adhoc(store, "rapat", ["kades"], ttl=3600)
    first, _ = store.take(2)
    store.finish(broadcast_id, first.chat_id, SENT)  # one copy done, the other left in flight
    assert broadcasts.follow(store, broadcast_id, total, timeout=0.3, interval=0.05) == 0
    said = capsys.readouterr().out
    assert "No progress for 0.3 s" in said
    assert "1 of 2 copies are still pending" in said
    store.close()
