"""The command line as a new operator uses it: option order, mistyped paths, a restore onto itself, `plan`."""

from __future__ import annotations

from datetime import datetime

from bot.delivery import plan
from bot.delivery.scheduler import enqueue_reminder
from bot.schedule.loading import load
from bot.store import Store
from tests.conftest import TZ
from tests.test_cli import bot


def test_options_before_the_command_count_like_options_after_it(tmp_path):
    missing = str(tmp_path / "nope.db")
    for args in (["--database", missing, "stats"], ["stats", "--database", missing]):
        result = bot(*args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert result.stderr.strip() == f"database {missing} does not exist (set BOT_DATABASE or --database)"
    result = bot("--schedule", str(tmp_path / "none.toml"), "check")
    assert result.returncode == 2
    assert "none.toml" in result.stderr


def test_purge_of_a_mistyped_database_leaves_no_folder_or_lock_file(tmp_path):
    database = tmp_path / "typo" / "sub" / "bot.db"
    result = bot("purge", "--before", "2025-03-01", "--yes", "--database", str(database))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "typo").exists()


def test_restore_of_the_database_onto_itself_is_refused(tmp_path):
    database = tmp_path / "bot.db"
    store = Store(database)
    store.subscribe(1, "pemilih")
    store.close()
    result = bot("restore", str(database), "--database", str(database))
    assert result.returncode == 2, result.stdout
    assert "is the database itself" in result.stderr
    assert not list(tmp_path.glob("bot.db.replaced-*"))


def test_plan_and_rencana_leave_out_reminders_that_already_went_out(tmp_path):
    schedule = load("config/pilkada2024.toml")
    store = Store(tmp_path / "bot.db")
    store.subscribe(1, "pemilih")
    first = schedule.reminders[0]
    enqueue_reminder(store, first, now=first.at.timestamp())
    before = datetime.combine(first.at.date(), datetime.min.time(), TZ)
    everything = [row.reminder.id for row in plan.plan(schedule, store.count_audience, 30, now=before)]
    upcoming = [
        row.reminder.id
        for row in plan.plan(schedule, store.count_audience, 30, now=before, recorded=store.recorded_reminders())
    ]
    store.close()
    assert first.id in everything
    assert first.id not in upcoming
    assert upcoming == everything[1:]
