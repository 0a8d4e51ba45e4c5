"""bot.content.ics: the schedule as an iCalendar file, checked by parsing it back with icalendar."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.content.ics import schedule_ics
from bot.schedule import loading
from bot.schedule import model as sched

CONFIG = Path(__file__).resolve().parent.parent / "config" / "pilkada2024.toml"
JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.fixture(scope="module")
def default() -> sched.Schedule:
    return loading.load(CONFIG)


def small(timezone: str = "Asia/Jakarta", tps: bool = True, stage_extra: str = "") -> sched.Schedule:
    hours = 'tps_open = "08:00"\ntps_close = "14:00"\n' if tps else ""
    text = textwrap.dedent(
        """
        [election]
        name = "Pilkada Uji"
        region = "Kota Uji"
        timezone = "{timezone}"
        {hours}
        [[stage]]
        id = "kampanye"
        name = "Masa kampanye"
        start = 2024-09-25
        end = 2024-11-23
        {stage_extra}

        [[stage]]
        id = "pemungutan-suara"
        name = "Pemungutan suara"
        start = 2024-11-27

        [[reminder]]
        id = "r1"
        at = 2024-11-26T09:00:00
        roles = ["pemilih"]
        text = "Besok memilih"
        """
    ).format(timezone=timezone, hours=hours, stage_extra=stage_extra)
    return loading.parse(text)


def events(data: bytes) -> list:
    return Calendar.from_ical(data).walk("VEVENT")


def tps_event(data: bytes):
    [event] = [e for e in events(data) if str(e["UID"]).startswith("tps-hours@")]
    return event


def stage_events(data: bytes) -> dict:
    return {str(e["UID"]).split("@")[0]: e for e in events(data) if not str(e["UID"]).startswith("tps-hours@")}


def test_calendar_properties(default):
    cal = Calendar.from_ical(schedule_ics(default))
    assert str(cal["PRODID"]) == "-//KPU Kabupaten//Pengingat Pilkada//ID"
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == "Pilkada Serentak 2024 – Kabupaten Tulungagung"
    assert str(cal["X-WR-TIMEZONE"]) == "Asia/Jakarta"


def test_vtimezone_for_election_zone(default):
    data = schedule_ics(default)
    cal = Calendar.from_ical(data)
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Jakarta"]
    assert cal.get_missing_tzids() == set()
    assert b"TZNAME:WIB" in data
    # the time zone comes before the events that refer to it
    assert data.index(b"BEGIN:VTIMEZONE") < data.index(b"BEGIN:VEVENT")


def test_vtimezone_present_without_tps_hours():
    cal = Calendar.from_ical(schedule_ics(small(tps=False)))
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Jakarta"]


def test_one_all_day_event_per_stage(default):
    by_id = stage_events(schedule_ics(default))
    assert set(by_id) == {s.id for s in default.stages}
    assert len(by_id) == len(default.stages)
    for stage in default.stages:
        event = by_id[stage.id]
        start, end = event["DTSTART"].dt, event["DTEND"].dt
        assert type(start) is dt.date, stage.id
        assert type(end) is dt.date, stage.id
        assert start == stage.start
        assert end == stage.end + dt.timedelta(days=1)
        assert str(event["SUMMARY"]) == stage.name
        assert str(event["TRANSP"]) == "TRANSPARENT"
        assert event["DTSTART"].params.get("VALUE") == "DATE"


def test_multi_day_and_single_day_stage(default):
    by_id = stage_events(schedule_ics(default))
    kampanye = by_id["kampanye"]
    assert kampanye["DTSTART"].dt == dt.date(2024, 9, 25)
    assert kampanye["DTEND"].dt == dt.date(2024, 11, 24)
    voting = by_id["pemungutan-suara"]
    assert (voting["DTSTART"].dt, voting["DTEND"].dt) == (dt.date(2024, 11, 27), dt.date(2024, 11, 28))


def test_stage_description_mentions_election_and_source(default):
    by_id = stage_events(schedule_ics(default))
    assert str(by_id["kampanye"]["DESCRIPTION"]) == (
        "Tahapan Pilkada Serentak 2024, Kabupaten Tulungagung. Sumber: PKPU 2/2024."
    )
    english = stage_events(schedule_ics(default, "en"))
    assert str(english["kampanye"]["DESCRIPTION"]) == (
        "Stage of Pilkada Serentak 2024, Kabupaten Tulungagung. Source: PKPU 2/2024."
    )


def test_stage_without_source():
    by_id = stage_events(schedule_ics(small()))
    assert str(by_id["pemungutan-suara"]["DESCRIPTION"]) == "Tahapan Pilkada Uji, Kota Uji."


def test_tps_event_hours_and_alarm(default):
    event = tps_event(schedule_ics(default))
    start, end = event["DTSTART"].dt, event["DTEND"].dt
    assert start == dt.datetime(2024, 11, 27, 7, 0, tzinfo=JAKARTA)
    assert end == dt.datetime(2024, 11, 27, 13, 0, tzinfo=JAKARTA)
    assert start.utcoffset() == dt.timedelta(hours=7)
    assert event["DTSTART"].params["TZID"] == "Asia/Jakarta"
    assert str(event["SUMMARY"]) == "Pemungutan suara: TPS buka 07.00–13.00 WIB"
    description = str(event["DESCRIPTION"])
    for needle in ("Model C.Pemberitahuan-KWK", "KTP-el", "Biodata Penduduk", "cekdptonline.kpu.go.id"):
        assert needle in description
    [alarm] = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm["TRIGGER"].dt == dt.timedelta(hours=-1)
    assert str(alarm["DESCRIPTION"])


def test_uids_unique_and_output_deterministic(default):
    first = schedule_ics(default)
    second = schedule_ics(loading.load(CONFIG))
    assert first == second
    uids = [str(e["UID"]) for e in events(first)]
    assert len(uids) == len(set(uids)) == len(default.stages) + 1
    assert "kampanye@kabupaten-tulungagung.pilkada-serentak-2024.pilkada-bot" in uids
    assert "tps-hours@kabupaten-tulungagung.pilkada-serentak-2024.pilkada-bot" in uids
    stamps = {e["DTSTAMP"].dt for e in events(first)}
    assert len(stamps) == 1
    assert next(iter(stamps)).utcoffset() == dt.timedelta(0)


def test_uids_stable_when_texts_change(default):
    english = schedule_ics(default, "en")
    assert [str(e["UID"]) for e in events(english)] == [str(e["UID"]) for e in events(schedule_ics(default))]


def test_makassar_shows_wita():
    data = schedule_ics(small("Asia/Makassar"))
    event = tps_event(data)
    assert str(event["SUMMARY"]) == "Pemungutan suara: TPS buka 08.00–14.00 WITA"
    assert event["DTSTART"].dt == dt.datetime(2024, 11, 27, 8, 0, tzinfo=ZoneInfo("Asia/Makassar"))
    cal = Calendar.from_ical(data)
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Makassar"]
    assert str(cal["X-WR-TIMEZONE"]) == "Asia/Makassar"


def test_jayapura_and_other_zones():
    assert "14.00 WIT" in str(tps_event(schedule_ics(small("Asia/Jayapura")))["SUMMARY"])
    assert "14.00 Asia/Pontianak" in str(tps_event(schedule_ics(small("Asia/Pontianak")))["SUMMARY"])


def test_english_variant(default):
    data = schedule_ics(default, "en")
    assert str(tps_event(data)["SUMMARY"]) == "Voting: polling stations open 07:00–13:00 WIB"
    assert "cekdptonline.kpu.go.id" in str(tps_event(data)["DESCRIPTION"])
    # stage names come from name_en where the stage offers it, else stay as in the file
    kampanye = default.stage("kampanye")
    assert str(stage_events(data)["kampanye"]["SUMMARY"]) == kampanye.extra.get("name_en", kampanye.name)


def test_english_stage_name_from_name_en():
    schedule = small(stage_extra='name_en = "Campaign period"')
    assert str(stage_events(schedule_ics(schedule, "en"))["kampanye"]["SUMMARY"]) == "Campaign period"
    assert str(stage_events(schedule_ics(schedule, "id"))["kampanye"]["SUMMARY"]) == "Masa kampanye"


def test_no_tps_event_without_hours():
    data = schedule_ics(small(tps=False))
    assert not any(str(e["UID"]).startswith("tps-hours@") for e in events(data))
    assert len(events(data)) == 2


def test_unknown_language(default):
    with pytest.raises(ValueError, match="language"):
        schedule_ics(default, "fr")


def test_size_and_format(default):
    data = schedule_ics(default)
    assert len(data) < 20_000
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    data.decode("utf-8")
