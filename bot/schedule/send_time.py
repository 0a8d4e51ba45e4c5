"""The time of an operator's broadcast sent later ("Kirim nanti", `broadcast --at`): read and checked (pure).

Operators type a local date and time of the election's time zone: "2027-11-26 19:00",
"26/11/2027 19:00", "26-11-2027 19.00" (also "pukul"/"jam" before the time, and the zone's own
abbreviation after it: "26-11-2027 19.00 WIB"). A time must lie ahead, and at most `HORIZON`
ahead. A time in the quiet hours (QUIET_START to QUIET_END, when no reminder starts unless its
file says ``night = true``) is not refused here: the caller asks for an explicit confirmation.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.content.formats import zone_abbreviation
from bot.schedule.model import QUIET_END, QUIET_START

# As far ahead as Telegram lets a channel schedule a post; a year more is a mistyped year.
HORIZON = timedelta(days=365)
FORMAT, NO_SUCH_TIME, ZONE, PAST, TOO_FAR = "format", "no_such_time", "zone", "past", "too_far"

_WHEN = re.compile(
    r"(?:(?P<y1>\d{4})-(?P<m1>\d{1,2})-(?P<d1>\d{1,2})|(?P<d2>\d{1,2})(?P<sep>[/.-])(?P<m2>\d{1,2})(?P=sep)(?P<y2>\d{4}))"
    r"(?:\s+|T)(?:(?:pukul|pkl\.?|jam|at)\s*)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:\s*(?P<zone>[a-z]+))?",
    re.IGNORECASE,
)


class BadTime(ValueError):
    """A send time that cannot be used; ``reason`` is one of the constants above, ``values`` fill its text.

    ``str()`` is a one-line English explanation (the command line prints it).
    """

    def __init__(self, reason: str, message: str, **values: Any) -> None:
        super().__init__(message)
        self.reason = reason
        self.values = values


def example(now: datetime) -> str:
    """A time to show in the prompt: tomorrow at 10.00, in the form typed most often here."""
    return f"{now + timedelta(days=1):%d-%m-%Y} 10.00"


def parse(text: str, timezone: str) -> datetime:
    """The moment `text` names in `timezone` (an aware datetime); BadTime if it names none."""
    m = _WHEN.fullmatch(text.strip())
    if m is None:
        raise BadTime(FORMAT, f"{text.strip()!r} is not a date and time like 2027-11-26 19:00 or 26-11-2027 19.00")
    zone = zone_abbreviation(timezone)
    if m["zone"] and m["zone"].upper() != zone.upper():
        raise BadTime(ZONE, f"times are in the election's time zone, {zone} ({timezone}), not {m['zone']}", zone=zone)
    year, month, day = (int(m[k] or m[k.replace("1", "2")]) for k in ("y1", "m1", "d1"))
    try:
        return datetime(year, month, day, int(m["hour"]), int(m["minute"]), tzinfo=ZoneInfo(timezone))
    except ValueError:
        raise BadTime(NO_SUCH_TIME, f"there is no such date or time: {text.strip()!r}", text=text.strip()) from None


def check(at: datetime, now: datetime) -> None:
    """BadTime unless `at` lies after `now` and at most HORIZON after it."""
    if at <= now:
        raise BadTime(PAST, f"{at:%Y-%m-%d %H:%M} has already passed (it is now {now:%Y-%m-%d %H:%M})", now=now)
    limit = now + HORIZON
    if at > limit:
        latest = f"{limit:%Y-%m-%d %H:%M} at the latest"
        raise BadTime(TOO_FAR, f"{at:%Y-%m-%d %H:%M} is too far ahead: {latest}", limit=limit)


def at_night(at: datetime) -> bool:
    """Does `at` (local time of its zone) fall in the quiet hours, when reminders never start?"""
    return not QUIET_END <= at.time() < QUIET_START
