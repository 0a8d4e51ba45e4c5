"""`broadcast --at` and `cancel` on the command line: what is stored, printed and refused."""

from __future__ import annotations

import getpass
import re
from datetime import datetime, timedelta

import pytest

from bot.store import Store
from tests.cli_runner import bot
from tests.conftest import TZ
from tests.e2e import add_subscribers

TEXT = "<b>Rapat koordinasi</b> kepala desa, Senin 09.00"


@pytest.fixture
def db(tmp_path) -> str:
    path = str(tmp_path / "bot.db")
    add_subscribers(path, [(11, "kades"), (12, "kades"), (13, "asn")])
    return path


@pytest.fixture
def message(tmp_path) -> str:
    path = tmp_path / "pesan.html"
    path.write_text(TEXT + "\n", encoding="utf-8")
    return str(path)


def day(days: int, hour: int) -> datetime:
    """A local time `days` from today at `hour`:00 (the command line reads the real clock)."""
    return (datetime.now(TZ) + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def broadcasts(db: str) -> list[dict]:
    store = Store(db)
    try:
        return list(store.db.query("SELECT id, status, at, total FROM broadcasts ORDER BY id"))
    finally:
        store.close()


def actions(db: str) -> list[tuple[str, str, str]]:
    store = Store(db)
    try:
        return [(r["action"], r["subject"], r["detail"]) for r in reversed(store.audit_trail())]
    finally:
        store.close()


def schedule(db: str, message: str, at: str, *extra: str):
    return bot("broadcast", "--roles", "kades", "--text-file", message, "--at", at, "--yes", *extra, "--database", db)


def test_broadcast_at_stores_it_scheduled_and_plan_lists_it(db, message):
    at = day(3, 10)
    result = schedule(db, message, at.strftime("%d/%m/%Y %H:%M"))
    assert result.returncode == 0, result.stderr
    assert f"Send at: {at:%Y-%m-%d %H:%M} WIB" in result.stdout
    assert "Scheduled broadcast siaran:1 for" in result.stdout
    assert "python bot.py cancel siaran:1" in result.stdout
    assert broadcasts(db) == [{"id": "siaran:1", "status": "scheduled", "at": at.timestamp(), "total": 0}]
    assert actions(db) == [("schedule", "siaran:1", f"at={at:%Y-%m-%d %H:%M} WIB; roles=kades")]
    plan = bot("plan", "--database", db)
    assert plan.returncode == 0, plan.stderr
    line = next(line for line in plan.stdout.splitlines() if line.startswith("siaran:1"))
    assert f"{at:%Y-%m-%d %H:%M}" in line
    assert " 2 " in line
    assert line.endswith("scheduled broadcast: Rapat koordinasi kepala desa, Senin 09.00")


@pytest.mark.parametrize(
    ("at", "error"),
    [
        (lambda: day(-1, 10).strftime("%Y-%m-%d %H:%M"), "has already passed"),
        (lambda: "besok jam 10", "is not a date and time like"),
        (lambda: day(400, 10).strftime("%Y-%m-%d %H:%M"), "too far ahead"),
        (lambda: day(2, 22).strftime("%Y-%m-%d %H:%M"), "quiet hours (21:00-06:00 WIB)"),
    ],
)
def test_broadcast_at_refuses_an_unusable_time_before_storing_anything(db, message, at, error):
    result = schedule(db, message, at())
    assert result.returncode == 2
    assert error in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert broadcasts(db) == []
    assert actions(db) == []


def test_broadcast_at_night_needs_night(db, message):
    at = day(2, 22)
    result = schedule(db, message, at.strftime("%d-%m-%Y %H.%M"), "--night")  # the form Indonesians write
    assert result.returncode == 0, result.stderr
    assert [b["at"] for b in broadcasts(db)] == [at.timestamp()]
    assert "in the quiet hours, confirmed with --night" in result.stdout
    assert [b["status"] for b in broadcasts(db)] == ["scheduled"]
    assert actions(db)[-1][2].endswith("; night")
    refused = bot("broadcast", "--roles", "kades", "--text-file", message, "--night", "--yes", "--database", db)
    assert refused.returncode == 2
    assert "--night goes with --at" in refused.stderr


def test_cancel_before_it_starts_and_refused_once_started(db, message):
    assert schedule(db, message, day(3, 10).strftime("%Y-%m-%d %H:%M")).returncode == 0
    cancelled = bot("cancel", "siaran:1", "--database", db)
    assert cancelled.returncode == 0, cancelled.stderr
    assert "Cancelled broadcast siaran:1" in cancelled.stdout
    assert "nothing was sent" in cancelled.stdout
    assert [b["status"] for b in broadcasts(db)] == ["cancelled"]
    assert actions(db)[-1][:2] == ("cancel", "siaran:1")
    assert "siaran:1" not in bot("plan", "--database", db).stdout
    again = bot("cancel", "siaran:1", "--database", db)
    assert again.returncode == 2
    assert "not scheduled any more (cancelled)" in again.stderr
    now = bot("broadcast", "--roles", "kades", "--text-file", message, "--yes", "--no-wait", "--database", db)
    assert now.returncode == 0, now.stderr
    started = bot("cancel", "siaran:2", "--database", db)
    assert started.returncode == 2
    assert "siaran:2 already started at" in started.stderr
    assert "it is not cancelled" in started.stderr
    assert broadcasts(db)[1]["status"] == "sending"
    unknown = bot("cancel", "siaran:9", "--database", db)
    assert unknown.returncode == 2
    assert "no broadcast with id siaran:9" in unknown.stderr
    assert [a for a, _, _ in actions(db)] == ["schedule", "cancel", "broadcast"]


def test_scheduling_for_roles_nobody_has_yet_is_allowed_recipients_come_later(db, message, tmp_path):
    result = bot(
        "broadcast",
        "--roles",
        "pemilih",
        "--text-file",
        message,
        "--at",
        day(3, 10).strftime("%Y-%m-%d %H:%M"),
        "--yes",
        "--database",
        db,
    )
    assert result.returncode == 0, result.stderr
    assert "Recipients now: 0 active subscribers (counted again at 10:00" in result.stdout


def test_report_and_export_show_no_share_done_for_a_broadcast_that_never_started_and_name_its_author(
    db, message, tmp_path
):
    assert schedule(db, message, day(3, 10).strftime("%Y-%m-%d %H:%M")).returncode == 0
    assert bot("cancel", "siaran:1", "--database", db).returncode == 0
    listed = bot("report", "--database", db).stdout
    [row] = [line for line in listed.splitlines() if line.startswith("siaran:1 ")]
    assert re.search(r"\s0\s+-\s+\d{4}-", row), row  # "done" is "-", not "100.0%"
    assert row.rstrip().endswith("cli:" + getpass.getuser())
    assert bot("export", "--out", str(tmp_path / "angka"), "--database", db).returncode == 0
    [header, line] = (tmp_path / "angka" / "siaran.csv").read_text(encoding="utf-8-sig").splitlines()
    assert header.endswith(";Tuntas (%)")
    assert line.endswith(";0;")
