"""Export the election schedule as an iCalendar (.ics) file.

Pure module: a ``Schedule`` in, .ics bytes out; no Telegram, no database, no clock.

Every stage becomes an all-day event (exclusive DTEND, so a multi-day stage spans all its
days); voting day also gets a timed event for the polling-station (TPS) hours with a one-hour
reminder. UIDs are derived from stage ids, region and election name, so re-importing an
updated file updates events instead of duplicating them. DTSTAMP is derived from the schedule,
not the clock, so the same schedule always gives byte-identical output.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import unicodedata

from icalendar import Alarm, Calendar, Event, Timezone

from bot.content.formats import LANGS, plain
from bot.content.formats import zone_abbreviation as zone_abbreviation
from bot.content.subscriber_strings import CALENDAR
from bot.schedule.model import Schedule, Stage

__all__ = ["LANGS", "PRODID", "schedule_ics", "zone_abbreviation"]

PRODID = "-//KPU Kabupaten//Pengingat Pilkada//ID"
_FALLBACK_STAMP = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def schedule_ics(schedule: Schedule, lang: str = "id") -> bytes:
    """The schedule as an iCalendar file (UTF-8, CRLF line endings).

    ``lang`` ("id" or "en") selects the language of descriptions and of the TPS event; a stage's
    summary is its ``name_en`` extra key in English when present, else its name from the file.
    """
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r} (use one of: {', '.join(LANGS)})")
    texts = CALENDAR[lang]
    election = schedule.election
    uid_suffix = f"{_slug(election.region)}.{_slug(election.name)}.pilkada-bot"
    stamp = _stamp(schedule)

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{election.name} – {election.region}")
    cal.add("x-wr-timezone", election.timezone)

    first, last = _date_range(schedule)
    with contextlib.suppress(ValueError):  # a zone icalendar cannot describe: events still carry their TZID
        cal.add_component(Timezone.from_tzid(election.timezone, first_date=first, last_date=last))

    for stage in schedule.stages:
        cal.add_component(_stage_event(stage, schedule, texts, lang, uid_suffix, stamp))

    tps = _tps_event(schedule, texts, lang, uid_suffix, stamp)
    if tps is not None:
        cal.add_component(tps)

    cal.add_missing_timezones(first_date=first, last_date=last)  # no-op unless a zone is missing
    return cal.to_ical()


# --------------------------------------------------------------------------- helpers


def _stage_event(
    stage: Stage, schedule: Schedule, texts: dict, lang: str, uid_suffix: str, stamp: dt.datetime
) -> Event:
    election = schedule.election
    summary = stage.extra.get("name_en", stage.name) if lang == "en" else stage.name
    description = texts["stage"].format(election=election.name, region=election.region)
    source = stage.extra.get("source")
    if isinstance(source, str) and source.strip():
        description += " " + texts["source"].format(source=source.strip().rstrip("."))
    event = Event()
    event.add("uid", f"{stage.id}@{uid_suffix}")
    event.add("dtstamp", stamp)
    event.add("dtstart", stage.start)
    event.add("dtend", stage.end + dt.timedelta(days=1))
    event.add("summary", str(summary))
    event.add("description", description)
    event.add("transp", "TRANSPARENT")
    return event


def _tps_event(schedule: Schedule, texts: dict, lang: str, uid_suffix: str, stamp: dt.datetime) -> Event | None:
    election = schedule.election
    day = schedule.voting_day()
    if day is None or election.tps_open is None or election.tps_close is None:
        return None
    tz = election.tz
    start = dt.datetime.combine(day, election.tps_open, tzinfo=tz)
    end = dt.datetime.combine(day, election.tps_close, tzinfo=tz)
    summary = texts["tps"].format(
        open=election.tps_open.strftime(texts["time_format"]),
        close=election.tps_close.strftime(texts["time_format"]),
        zone=zone_abbreviation(election.timezone),
    )
    event = Event()
    event.add("uid", f"tps-hours@{uid_suffix}")
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary)
    description = schedule.fact("calendar_tps", lang)  # what to bring: an election fact of the schedule file
    if description:
        event.add("description", plain(description))
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", dt.timedelta(hours=-1))
    alarm.add("description", summary)
    event.add_component(alarm)
    return event


def _stamp(schedule: Schedule) -> dt.datetime:
    """Deterministic DTSTAMP: 00:00 UTC on the day after the last stage ends."""
    if not schedule.stages:
        return _FALLBACK_STAMP
    last = max(s.end for s in schedule.stages) + dt.timedelta(days=1)
    return dt.datetime.combine(last, dt.time(0), tzinfo=dt.UTC)


def _date_range(schedule: Schedule) -> tuple[dt.date, dt.date]:
    """Validity range for the VTIMEZONE: whole years around every date in the schedule."""
    dates = [d for s in schedule.stages for d in (s.start, s.end)]
    if (day := schedule.voting_day()) is not None:
        dates.append(day)
    if not dates:
        return Timezone.DEFAULT_FIRST_DATE, Timezone.DEFAULT_LAST_DATE
    return dt.date(min(dates).year, 1, 1), dt.date(max(dates).year + 2, 1, 1)


def _slug(text: str) -> str:
    """ASCII lowercase words joined by "-": "Kabupaten Tulungagung" -> "kabupaten-tulungagung"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"
