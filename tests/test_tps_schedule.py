"""The TPS file as a schedule names it: `check` and `preview` through the command line, a broken file that
changes nothing on reload, a moved TPS that `check` lists before a start sends its correction, and the
rules for {my_tps} and tps_bounds in the schedule file."""

from __future__ import annotations

import asyncio

import pytest

from bot.ops.reload import reload_schedule
from bot.schedule import loading
from bot.schedule.model import ScheduleError
from bot.store import Store
from tests import cli_runner
from tests.e2e import Harness
from tests.test_tps_subscribers import AREAS, CSV, FAR, tps_schedule


def write(tmp_path, csv: str = CSV, election: str = 'tps_file = "tps.csv"', text: str | None = None):
    """A schedule file and its TPS file in tmp_path; returns the schedule's path."""
    from tests.conftest import schedule_toml

    (tmp_path / "tps.csv").write_text(csv, encoding="utf-8")
    reminders = [dict(FAR, text=text)] if text else [FAR]
    toml = schedule_toml(reminders).replace('timezone = "Asia/Jakarta"', f'timezone = "Asia/Jakarta"\n{election}')
    path = tmp_path / "jadwal.toml"
    path.write_text(toml + AREAS, encoding="utf-8")
    return path


def test_check_names_each_problem_of_the_tps_file_by_line_and_column(tmp_path):
    broken = CSV.replace("Bangoan;007;Balai Dusun Krajan, RT 02 RW 01", "Bangon;007;").replace(
        "-8,0712;111,9021", "111,9021;-8,0712"
    )
    result = cli_runner.bot("check", str(write(tmp_path, broken)))
    assert result.returncode == 2
    assert result.stderr.count("tps.csv line") == 3, result.stderr
    assert "tps.csv line 3: latitude 111,9021 and longitude -8,0712 look swapped" in result.stderr
    assert 'tps.csv line 4, column "Desa/Kelurahan": unknown desa "Bangon"' in result.stderr
    assert 'tps.csv line 4, column "Lokasi": empty location' in result.stderr


def test_check_accepts_a_good_file_and_says_what_it_holds(tmp_path):
    result = cli_runner.bot("check", str(write(tmp_path)))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1] == "TPS file: 4 TPS in 2 kecamatan, 3 with coordinates"


def test_a_mistyped_tps_file_is_named_with_where_it_was_looked_for(tmp_path):
    path = write(tmp_path, election='tps_file = "tps-tulungagng.csv"')
    result = cli_runner.bot("check", str(path))
    assert result.returncode == 2
    assert (
        f'election: field "tps_file": "tps-tulungagng.csv" not found (looked for {tmp_path}/tps-tulungagng.csv)'
        in result.stderr
    )


def test_preview_summarises_the_tps_per_kecamatan(tmp_path):
    result = cli_runner.bot("preview", str(write(tmp_path)))
    assert result.returncode == 0, result.stderr
    assert "Kedungwaru: 3 TPS in 2 desa, 2 with coordinates, DPT 1,061" in result.stdout
    assert "TPS file: 4 TPS in 2 kecamatan, 3 with coordinates" in result.stdout


def test_my_tps_only_in_reminders_and_bounds_are_checked(tmp_path):
    page = write(tmp_path).read_text().replace('tps = "<b>TPS</b> buka', 'tps = "{my_tps} <b>TPS</b> buka')
    with pytest.raises(ScheduleError) as refused:
        loading.parse(page, "jadwal.toml", str(tmp_path))
    assert "only a [[reminder]]'s text can use it" in str(refused.value)
    far = write(tmp_path, election='tps_file = "tps.csv"\ntps_bounds = [-8.4, 111.6, -7.75, 112.2]')
    loading.load(far)  # the example's coordinates lie in Tulungagung
    elsewhere = write(tmp_path, election='tps_file = "tps.csv"\ntps_bounds = [-7.0, 110.0, -6.5, 110.5]')
    with pytest.raises(ScheduleError) as refused:
        loading.load(elsewhere)
    assert "outside the regency's rough bounds" in str(refused.value)
    with pytest.raises(ScheduleError) as refused:
        loading.load(write(tmp_path, election="tps_bounds = [1, 2, 3]"))
    assert 'election: field "tps_bounds": expected [south, west, north, east]' in str(refused.value)


def test_a_long_tps_line_must_still_fit_the_message(tmp_path):
    long_text = "x" * 3900 + " {my_tps}"
    with pytest.raises(ScheduleError) as refused:
        loading.load(write(tmp_path, text=long_text))
    assert "Telegram allows at most 4096" in str(refused.value)


async def test_a_reload_with_a_broken_tps_file_changes_nothing(tmp_path):
    path = write(tmp_path)
    async with Harness(tmp_path, loading.load(path), overrides={"schedule": str(path)}) as h:
        (tmp_path / "tps.csv").write_text(
            CSV.replace("Balai Dusun Krajan", "Balai Baru") + "Kedungwaru;Bangoan;7;Dobel;;;\n"
        )
        outcome = await reload_schedule(h.application)
        assert not outcome.ok
        assert outcome.problems == [
            'tps.csv line 7, column "No TPS": TPS 007 of Bangoan, Kedungwaru is already on line 4'
        ]
        assert h.runtime.schedule.tps_of("kedungwaru", "bangoan", 7).location == "Balai Dusun Krajan, RT 02 RW 01"


async def test_check_lists_a_moved_tps_before_the_start_that_corrects_it(tmp_path):
    path = write(tmp_path)
    schedule = tps_schedule(tmp_path)
    async with Harness(tmp_path, schedule):
        pass  # the start remembers every TPS's location
    with Store(tmp_path / "bot.db") as store:
        store.subscribe(7, "pemilih")
        store.set_area(7, "kedungwaru", "bangoan")
        store.set_tps(7, 7)
    write(tmp_path, CSV.replace("Balai Dusun Krajan, RT 02 RW 01", "SDN 3 Bangoan"))
    result = await asyncio.to_thread(cli_runner.bot, "check", str(path), env={"BOT_DATABASE": str(tmp_path / "bot.db")})
    assert result.returncode == 0, result.stderr
    assert (
        'correction pending: TPS 007 of kedungwaru/bangoan moved from "Balai Dusun Krajan, RT 02 RW 01" to '
        "\"SDN 3 Bangoan\"; 1 subscribers who chose it will get a 'Ralat lokasi TPS'"
    ) in result.stdout


def test_the_plan_counts_the_pins_that_follow_a_venue_reminder(tmp_path):
    from bot.delivery import plan
    from tests.test_tps_subscribers import VOTING_EVE

    schedule = tps_schedule(tmp_path, reminders=[VOTING_EVE, FAR], venue=True)
    pins = plan.pin_count(schedule, {"kedungwaru/bangoan/007": 500, "kedungwaru/ketanon/001": 300})
    assert pins == 500  # Ketanon's TPS 001 has no coordinates: no pin follows
    everyone = lambda roles, areas=(): 1000  # noqa: E731
    [eve, _] = plan.plan(schedule, everyone, rate=10)
    [eve_with_pins, far] = plan.plan(schedule, everyone, rate=10, pins=pins)
    assert eve.duration == 100
    assert eve_with_pins.duration == 150  # 1,000 texts and 500 pins at 10 a second
    assert far.duration == 100  # no venue: no pins
