"""`check` refuses what would break the bot: reserved ids, absurd dates, replies Telegram would refuse.

The crash cases run `bot.py check FILE` as an operator would.
"""

from __future__ import annotations

import textwrap
import time
from datetime import date, datetime, timedelta

import pytest

from bot.content import texts
from bot.delivery.scheduler import enqueue_adhoc, enqueue_reminder, pending_corrections, send_corrections
from bot.ops import preflight
from bot.schedule import loading
from bot.schedule import model as sched
from tests.conftest import TZ
from tests.test_cli import bot

ELECTION = """\
[election]
name = "{name}"
region = "Kabupaten Tulungagung"
timezone = "Asia/Jakarta"
"""

STAGE = """
[[stage]]
id = "{id}"
name = "{name}"
start = {start}
end = {end}
"""

REMINDER = """
[[reminder]]
id = "{id}"
at = {at}
roles = ["pemilih"]
text = "Ayo ke TPS"
"""


def toml(
    name="Pilkada Serentak 2024",
    stages=(("pemungutan-suara", "Pemungutan suara", "2024-11-27", "2024-11-27"),),
    reminders=(("tps-hari-h", "2024-11-27T06:00:00"),),
    extra="",
) -> str:
    text = ELECTION.format(name=name)
    text += "".join(STAGE.format(id=i, name=n, start=s, end=e) for i, n, s, e in stages)
    text += "".join(REMINDER.format(id=i, at=at) for i, at in reminders)
    return text + textwrap.dedent(extra)


def check(tmp_path, text: str):
    path = tmp_path / "schedule.toml"
    path.write_text(text, encoding="utf-8")
    return bot("check", str(path))


def lines(result) -> list[str]:
    return result.stderr.strip().splitlines()


# --------------------------------------------------------------------------- reserved ids


def test_check_refuses_reminder_ids_older_versions_gave_their_own_broadcasts(tmp_path):
    text = toml(
        reminders=[
            ("siaran-1", "2024-11-27T07:00:00"),
            ("ralat-x", "2024-11-27T08:00:00"),
            ("siaran-besar", "2024-11-27T09:00:00"),
        ]
    )
    result = check(tmp_path, text)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    [siaran, ralat] = lines(result)  # "siaran-besar" was never an internal id: accepted
    assert siaran.startswith('reminder "siaran-1": field "id": "siaran-1" is reserved')
    assert "ad-hoc broadcasts" in siaran
    assert "never sent" in siaran
    assert "choose another id" in siaran
    assert ralat.startswith('reminder "ralat-x": field "id": "ralat-x" is reserved')
    assert "corrections" in ralat
    assert "choose another id" in ralat


def test_an_adhoc_broadcast_and_a_reminder_with_its_former_id_are_both_sent(store):
    store.subscribe(1, "pemilih")
    now = time.time()
    adhoc_id, recipients = enqueue_adhoc(store, "<b>TPS 12 pindah</b>", ["pemilih"], ttl=3600, now=now)
    assert recipients == 1
    at = datetime.fromtimestamp(now, TZ)
    # Built directly: `check` now refuses this id, but older schedules may still be loaded in tests of the store.
    reminder = sched.Reminder("siaran-1", at, at + timedelta(hours=1), at + timedelta(hours=1), ("pemilih",), "Ayo")
    assert enqueue_reminder(store, reminder, now=now) == 1
    queued = store.db.execute(
        "SELECT b.id, b.text FROM deliveries d JOIN broadcasts b ON b.id = d.broadcast_id WHERE d.chat_id = 1 "
        "ORDER BY b.id"
    ).fetchall()
    assert sorted(queued) == sorted([(adhoc_id, "<b>TPS 12 pindah</b>"), ("siaran-1", "Ayo")])
    assert ":" in adhoc_id
    assert not loading.parse(toml()).reminder(adhoc_id)


def test_adhoc_numbering_goes_on_after_the_old_ids_of_a_deployed_database(store):
    for n in (1, 2):  # what an older version recorded
        store.create_broadcast(f"siaran-{n}", text="lama", roles=["pemilih"], at=0, expires=1, kind="adhoc")
    assert store.create_adhoc(text="baru", roles=["pemilih"], ttl=60) == "siaran:3"
    assert store.create_adhoc(text="baru", roles=["pemilih"], ttl=60) == "siaran:4"
    assert [b["id"] for b in store.db["broadcasts"].rows_where(order_by="id")] == [
        "siaran-1",
        "siaran-2",
        "siaran:3",
        "siaran:4",
    ]


def _told_about_kampanye(store, old: sched.Schedule) -> None:
    """The bot announced the stage with its old dates, and subscriber 1 got a reminder about it."""
    store.subscribe(1, "pemilih")
    store.create_broadcast(
        "jelang-kampanye", text="kampanye", roles=["pemilih"], at=0, expires=1, kind="reminder", stage="kampanye"
    )
    store.enqueue("jelang-kampanye", now=0)
    store.finish("jelang-kampanye", 1, "sent")
    send_corrections(old, store)  # remembers the announced dates


def _kampanye(start: str) -> sched.Schedule:
    return loading.parse(
        toml(stages=[("kampanye", "Masa kampanye", start, "2030-11-23")], reminders=[("r", "2030-11-27T07:00:00")])
    )


def test_a_correction_gets_an_id_no_reminder_can_have(store):
    _told_about_kampanye(store, _kampanye("2030-09-25"))
    [correction] = send_corrections(_kampanye("2030-09-28"), store)
    assert correction.broadcast_id == "ralat:kampanye:2030-09-28:2030-11-23"
    assert store.broadcast(correction.broadcast_id).total == 1


def test_a_correction_recorded_under_its_old_id_is_not_sent_again_after_the_upgrade(store):
    moved = _kampanye("2030-09-28")
    _told_about_kampanye(store, _kampanye("2030-09-25"))
    # An older version recorded the correction, then stopped before it remembered the new dates.
    legacy = "ralat-kampanye-2030-09-28-2030-11-23"
    store.create_broadcast(
        legacy, text="Ralat", roles=["pemilih"], at=0, expires=1, kind="correction", stage="kampanye"
    )
    store.enqueue_told_about_stage(legacy, "kampanye", not_before=0)
    [pending] = pending_corrections(moved, store)
    assert pending.broadcast_id == legacy
    send_corrections(moved, store)
    kinds = store.db.execute("SELECT id FROM broadcasts WHERE kind = 'correction'").fetchall()
    assert kinds == [(legacy,)]
    assert store.db.execute("SELECT count(*) FROM deliveries WHERE chat_id = 1").fetchone()[0] == 2
    assert pending_corrections(moved, store) == []


# --------------------------------------------------------------------------- dates out of range


def test_a_stage_ending_in_9999_is_refused_with_one_line(tmp_path):
    text = toml(stages=[("kampanye", "Masa kampanye", "2024-09-25", "9999-12-31")])
    result = check(tmp_path, text)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert lines(result) == [
        'stage "kampanye": field "end": 9999-12-31 is outside 2000-01-01..2100-12-31: check the year'
    ]


def test_a_reminder_at_9999_is_refused_with_one_line(tmp_path):
    result = check(tmp_path, toml(reminders=[("tps-hari-h", "9999-12-31T10:00:00")]))
    assert result.returncode == 2
    assert "OverflowError" not in result.stderr
    assert lines(result) == [
        'reminder "tps-hari-h": field "at": 9999-12-31 is outside 2000-01-01..2100-12-31: check the year'
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("expires", "0001-01-01T00:00:00+07:00"),  # converting it to the zone would overflow
        ("deliver_by", "2101-01-01T00:00:00"),
        ("repeat_until", "1999-12-31"),
    ],
)
def test_every_reminder_date_out_of_range_is_one_line(field, value):
    extra = "repeat_days = 7\n" if field == "repeat_until" else ""
    text = toml(reminders=[]) + REMINDER.format(id="r", at="2024-11-27T07:00:00") + extra + f"{field} = {value}\n"
    with pytest.raises(sched.ScheduleError) as info:
        loading.parse(text)
    assert info.value.problems == [
        f'reminder "r": field "{field}": {value[:10]} is outside 2000-01-01..2100-12-31: check the year'
    ]


def test_a_century_of_daily_repeats_is_refused_quickly(tmp_path):
    extra = REMINDER.format(id="harian", at="2001-01-01T07:00:00") + "repeat_days = 1\nrepeat_until = 2100-12-31\n"
    started = time.monotonic()
    result = check(tmp_path, toml() + extra)
    assert time.monotonic() - started < 10
    assert result.returncode == 2
    assert lines(result) == [
        'reminder "harian": field "repeat_until": 36524 occurrences, at most 1000 allowed per reminder'
    ]


def test_too_many_occurrences_in_all_are_refused_with_one_line():
    extra = "".join(
        REMINDER.format(id=f"r{i}", at="2024-01-01T07:00:00") + "repeat_days = 1\nrepeat_until = 2026-09-01\n"
        for i in range(20)
    )
    started = time.monotonic()
    with pytest.raises(sched.ScheduleError) as info:
        loading.parse(toml() + extra)
    assert time.monotonic() - started < 5
    assert info.value.problems == [
        "reminder: 19,501 occurrences in all, at most 10,000 allowed in one file (check repeat_days and repeat_until)"
    ]


# --------------------------------------------------------------------------- replies every file must render


def test_a_5000_character_election_name_is_refused_for_start_and_jadwal(tmp_path):
    result = check(tmp_path, toml(name="P" * 5000))
    assert result.returncode == 2
    refused = lines(result)
    assert all(line.startswith('election: field "name": ') for line in refused), refused
    assert any("the welcome message (/start) would be" in line and "in English" in line for line in refused)
    jadwal = [line for line in refused if "/jadwal would be" in line]
    assert len(jadwal) == 2
    assert "in Indonesian on 2024-11-26" in jadwal[0]
    assert "(Telegram's limit is 4,096)" in jadwal[0]
    length = int(jadwal[0].split("would be ")[1].split(" characters")[0].replace(",", ""))
    assert length == sched.telegram_length(
        texts.schedule_text(loading.parse(toml(name="P" * 5000)), date(2024, 11, 26))
    )


@pytest.mark.slow
def test_run_and_demo_refuse_the_same_file_with_the_same_lines(tmp_path):
    path = tmp_path / "schedule.toml"
    path.write_text(toml(name="P" * 5000), encoding="utf-8")
    checked = bot("check", str(path))
    run = bot(
        "run",
        "--schedule",
        str(path),
        env={"TELEGRAM_BOT_TOKEN": "123:abc", "TELEGRAM_API_URL": "http://127.0.0.1:9/bot"},
    )
    demo = bot("demo", "--schedule", str(path), input="")
    assert checked.returncode == run.returncode == demo.returncode == 2
    assert run.stderr == demo.stderr == checked.stderr


def test_200_stages_are_refused_as_too_long_for_one_jadwal():
    start = date(2024, 1, 1)
    stages = [(f"t{i}", f"Tahapan {i}", start + timedelta(days=i), start + timedelta(days=i)) for i in range(200)]
    schedule = loading.parse(toml(stages=stages))  # each field is fine on its own
    refused = preflight.problems(schedule)
    assert len(refused) == 2, refused
    for line, language in zip(refused, ("Indonesian", "English"), strict=True):
        assert line.startswith("stage: /jadwal would be ")
        assert f"characters in {language} on 2023-12-31" in line
        assert "200 stages" in line


def test_a_page_that_only_fits_without_the_not_subscribed_hint_is_refused():
    page = "x" * (sched.MAX_TEXT - 10)
    schedule = loading.parse(toml(extra=f'\n[pages]\nnetralitas_pemilih = "{page}"\n'))  # fine as a field
    refused = preflight.problems(schedule)
    assert refused
    assert all(line.startswith('pages: field "netralitas_pemilih": ') for line in refused)
    assert "/netralitas for someone not subscribed would be" in refused[0]
    assert "in Indonesian" in refused[0]


def test_a_stage_name_en_that_is_not_text_is_refused():
    extra = STAGE.format(id="kampanye", name="Masa kampanye", start="2024-09-25", end="2024-11-23") + "name_en = 7\n"
    with pytest.raises(sched.ScheduleError) as info:
        loading.parse(toml() + extra)
    assert info.value.problems == ['stage "kampanye": field "name_en": expected a string, got 7']


def test_the_default_schedule_passes_with_no_problem():
    schedule = loading.load("config/pilkada2024.toml")
    assert preflight.problems(schedule) == []
    assert len(preflight.render_days(schedule)) > 2 * len(schedule.stages)


def test_the_latest_dates_allowed_still_render_everything():
    text = toml(stages=[("akhir", "Akhir", "2100-12-30", "2100-12-31")], reminders=[("r", "2100-12-31T12:00:00")])
    assert preflight.problems(loading.parse(text)) == []


def test_a_stage_name_too_long_for_jadwal_is_named_by_its_field():
    stages = [
        ("kampanye", "K" * 4100, "2024-09-25", "2024-11-23"),
        ("pemungutan-suara", "Pemungutan", "2024-11-27", "2024-11-27"),
    ]
    refused = preflight.problems(loading.parse(toml(stages=stages)))
    assert refused, refused
    assert all(line.startswith('stage "kampanye": field "name": ') for line in refused), refused
    assert len(refused) == 6  # /jadwal, the role confirmation and the 'Ralat' notice, in both languages
