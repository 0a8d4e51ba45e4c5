"""The command line's help, and its output read by a pipe that closes early (`| head`)."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys

import pytest

from bot.ops.cli import main as cli
from tests import cli_runner
from tests.e2e import add_subscribers
from tests.test_cli import ROOT, bot

SETTINGS_OPTIONS = re.compile(r"^\s+(--token|--api-url|--schedule|--database|--env-file|--proxy|-v, --verbose)\b")


def commands() -> dict[str, argparse.ArgumentParser]:
    [sub] = [a for a in cli.parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def test_settings_options_are_listed_once_at_the_top_and_every_option_says_what_it_does():
    top = bot("--help")
    assert top.returncode == 0
    assert len([line for line in top.stdout.splitlines() if SETTINGS_OPTIONS.match(line)]) == 7
    for name, command in commands().items():
        shown = cli_runner.run_in_process([name, "--help"], input=None, env=cli_runner.clean_env(), cwd=ROOT)
        assert shown.returncode == 0, shown.stderr
        assert not [line for line in shown.stdout.splitlines() if SETTINGS_OPTIONS.match(line)], name
        assert "see `python bot.py --help`" in " ".join(shown.stdout.split()), name
        for action in command._actions:
            if action.help != argparse.SUPPRESS:
                assert action.help, f"{name} {'/'.join(action.option_strings) or action.dest} has no help"


def test_settings_options_after_the_command_still_work(tmp_path):
    result = bot("ics", "--out", str(tmp_path / "j.ics"), "--lang", "en", "--schedule", "config/pilkada2024.toml")
    assert result.returncode == 0, result.stderr
    assert "SUMMARY:Voting day" in (tmp_path / "j.ics").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", ["preview", "stats"])
def test_output_into_a_pipe_that_closed_ends_quietly(tmp_path, command):
    """`bot.py preview | head -1`: the reader is gone before the command writes (its read end is closed)."""
    db = tmp_path / "bot.db"
    add_subscribers(str(db), [(1, "pemilih")])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    read, write = os.pipe()
    os.close(read)
    try:
        result = subprocess.run(
            [sys.executable, str(ROOT / "bot.py"), command, "--database", str(db)],
            cwd=ROOT,
            env=env,
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write)
    assert result.stderr == ""
    assert result.returncode == 141  # as the shell reports a tool stopped by SIGPIPE
