"""`plan`: start, recipients, duration, finish, and plain warnings for reminders that run late."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.content import formats
from bot.delivery import plan
from bot.schedule import loading
from tests.conftest import TZ, make_schedule
from tests.test_cli import bot

VOTING = loading.load("config/pilkada2024.toml")


def rows_by_id(rows):
    return {row.reminder.id: row for row in rows}


def test_small_audience_finishes_in_seconds_without_warnings():
    rows = plan.plan(VOTING, lambda roles: 120, 30)
    assert all(not row.late for row in rows)
    row = rows_by_id(rows)["tps-hari-h"]
    assert (row.recipients, round(row.duration)) == (120, 4)
    assert row.finish == datetime(2024, 11, 27, 6, 0, 4, tzinfo=TZ)
    assert "0 cannot reach everyone" in plan.render(rows, 30, "test")


@pytest.mark.parametrize("n", [1, 2, 18, 19, 47, 120, 1000, 12_345])
def test_any_small_audience_finishes_seconds_after_the_start_not_at_the_deadline(n):
    rows = plan.plan(VOTING, lambda roles: n, 30)
    for row in rows:
        together = sum(other.reminder.at == row.reminder.at for other in rows)  # they share the rate
        took = (row.finish - row.reminder.at).total_seconds()
        assert n / 30 - 1 < took < together * n / 30 + 1, row.reminder.id


def test_regency_audience_voting_reminders():
    per_role = plan.parse_audience("866030")
    rows = rows_by_id(plan.plan(VOTING, lambda roles: sum(per_role.get(r, 0) for r in roles), 30))
    eve = rows["malam-sebelum-pencoblosan"]
    assert eve.recipients == 866_030
    assert not eve.late
    assert eve.finish.strftime("%Y-%m-%d %H:%M") == "2024-11-26 20:01"  # before 21.00
    morning = rows["tps-hari-h"]
    assert morning.late
    assert morning.by_deadline == 108_000  # 06.00-07.00 at 30/s
    assert morning.by_expiry == 756_000  # 06.00-13.00
    text = plan.warning(morning, 30)
    assert text == (
        "WARNING tps-hari-h: 866,030 recipients at 30/s need 8 h 1 min; by deliver_by 07:00 only 108,000 "
        "(12.5%) are reached; 110,030 copies are dropped at expiry 13:00."
    )


def test_paid_broadcast_rate_reaches_everyone_on_voting_morning():
    rows = rows_by_id(plan.plan(VOTING, lambda roles: 866_030, 1000))
    assert not rows["tps-hari-h"].late
    assert formats.human_duration(rows["tps-hari-h"].duration) == "14 min"


def test_overlapping_broadcasts_serve_the_earliest_deadline_first():
    at = datetime(2030, 1, 1, 9, 0, tzinfo=TZ)
    schedule = make_schedule(
        [
            {"id": "lambat", "at": at, "expires": at.replace(hour=20), "roles": ["pemilih"]},
            {"id": "mendesak", "at": at.replace(minute=10), "expires": at.replace(minute=40), "roles": ["asn"]},
        ]
    )
    counts = {"pemilih": 36_000, "asn": 18_000}
    rows = rows_by_id(plan.plan(schedule, lambda roles: sum(counts[r] for r in roles), 30))
    assert rows["mendesak"].finish == at.replace(minute=20)  # 10 minutes of 30/s, ahead of the other
    assert rows["lambat"].finish == at.replace(minute=30)  # 20 + 10 minutes of work in all
    assert not rows["lambat"].late
    assert not rows["mendesak"].late


def test_plan_command_prints_the_table_and_the_warning(tmp_path):
    result = bot("plan", "--all", "--audience", "866030", "--database", str(tmp_path / "x.db"))
    assert result.returncode == 0, result.stderr
    assert "tps-hari-h" in result.stdout
    assert "only 108,000 (12.5%) are reached" in result.stdout
    eve = [line for line in result.stdout.splitlines() if line.startswith("malam-sebelum-pencoblosan ")]
    assert eve
    assert eve[0].split()[1:7] == ["2024-11-26", "12:00", "866,030", "8", "h", "1"]
    assert "2024-11-26 20:01" in eve[0]


def test_plan_columns_stay_aligned_with_long_ids():
    long_id = "pengingat-netralitas-asn-dan-kepala-desa-sebelum-masa-tenang"
    at = datetime(2024, 10, 3, 8, 0, tzinfo=TZ)
    schedule = make_schedule(
        [
            {"id": "pendek", "at": at, "roles": ["asn"], "text": "a"},
            {"id": long_id, "at": at.replace(hour=9), "roles": ["asn"], "text": "b"},
        ]
    )
    text = plan.render(plan.plan(schedule, lambda roles: 1200, 30), 30, "test")
    header, *rows = [line for line in text.splitlines() if line.startswith(("reminder ", "pendek ", long_id))]
    assert len(rows) == 2
    # Every row has its start date exactly under the header's "start", and its recipients end where
    # the header's "recipients" ends.
    start = header.index("start")
    recipients_end = header.index("recipients") + len("recipients")
    for row in rows:
        assert row[start : start + 16] == "2024-10-03 " + row[start + 11 : start + 16]
        assert row[start - 1] == " "
        assert row[:start].strip() in ("pendek", long_id)
        assert row[recipients_end - 5 : recipients_end] == "1,200"


def test_plan_command_uses_the_database_by_default(tmp_path):
    result = bot("plan", "--database", str(tmp_path / "x.db"))
    assert result.returncode == 0
    assert "use --all" in result.stdout  # the 2024 schedule is over


def test_nobody_subscribed_plans_zero_recipients_without_warnings():
    rows = plan.plan(VOTING, lambda roles: 0, 30)
    assert rows
    assert all(row.recipients == 0 and not row.late for row in rows)
