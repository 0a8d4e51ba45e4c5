"""Dates, times, numbers and durations as a reader in Indonesian or English writes them (pure).

Babel (CLDR) knows the day and month names and the separators of both languages: Indonesians write
"Rabu, 27 November 2024", "866.030" and "0,5"; English readers "Wednesday, 27 November 2024",
"866,030" and "0.5". The patterns here only say which parts to show and in what order. Hours keep
the house style: "07.00" in Indonesian, "07:00" in English.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Literal

from babel.dates import format_date, format_datetime, get_month_names
from babel.numbers import format_decimal

LANGS = ("id", "en")
_ZONES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def _lang(lang: str) -> str:
    return lang if lang in LANGS else "id"


@functools.lru_cache(maxsize=8192)  # a schedule's texts name the same few dates many times
def long_date(d: dt.date, lang: str = "id") -> str:
    """'Rabu, 27 November 2024' / 'Wednesday, 27 November 2024'."""
    return format_date(d, "EEEE, d MMMM y", locale=_lang(lang))


@functools.lru_cache(maxsize=8192)  # a schedule's texts name the same few dates many times
def date_range(start: dt.date, end: dt.date, lang: str = "id") -> str:
    """One day in long form, or 'Rabu, 25 September – Sabtu, 23 November 2024'."""
    if start == end:
        return long_date(start, lang)
    if start.year == end.year:
        return f"{format_date(start, 'EEEE, d MMMM', locale=_lang(lang))} – {long_date(end, lang)}"
    return f"{long_date(start, lang)} – {long_date(end, lang)}"


@functools.lru_cache(maxsize=8192)  # a schedule's texts name the same few dates many times
def short_date(day: dt.date, lang: str = "id") -> str:
    """'27 Nov', '17 Agu' / '17 Aug': day and short month name."""
    return format_date(day, "d MMM", locale=_lang(lang))


@functools.lru_cache(maxsize=1024)
def week_span(monday: dt.date, lang: str = "id") -> str:
    """The week from ``monday`` to its Sunday: '7–13 Des', '30 Nov–6 Des' ('7–13 Dec' in English)."""
    sunday = monday + dt.timedelta(days=6)
    start = format_date(monday, "d" if monday.month == sunday.month else "d MMM", locale=_lang(lang))
    return f"{start}–{short_date(sunday, lang)}"


def medium_date(day: dt.date, lang: str = "id") -> str:
    """'7 Des 2026' / '7 Dec 2026': a date with its year, short enough for a chart."""
    return format_date(day, "d MMM y", locale=_lang(lang))


def month_names(lang: str, width: Literal["wide", "abbreviated"] = "wide") -> tuple[str, ...]:
    """The twelve month names, January first ('wide': 'Januari'; 'abbreviated': 'Jan')."""
    names = get_month_names(width, locale=_lang(lang))
    return tuple(names[m] for m in range(1, 13))


def time_of_day(t: dt.time | dt.datetime, lang: str = "id") -> str:
    """'07.00' as Indonesians write the hour, '07:00' in English."""
    return f"{t:%H:%M}" if lang == "en" else f"{t:%H.%M}"


def stamp(moment: dt.datetime, lang: str = "id", year: bool = True) -> str:
    """'27-11-2024 14.05' / '27 Nov 2024 14:05' (without the year: '27-11 14.05' / '27 Nov 14:05')."""
    if lang == "en":
        return format_datetime(moment, "d MMM y HH:mm" if year else "d MMM HH:mm", locale="en")
    return format_datetime(moment, "dd-MM-y HH.mm" if year else "dd-MM HH.mm", locale="id")


def stamp_at(ts: float | None, tz: dt.tzinfo | None, lang: str = "id") -> str:
    """:func:`stamp` of a Unix time in the zone `tz`; '-' for none."""
    return stamp(dt.datetime.fromtimestamp(ts, tz), lang) if ts else "-"


def num(n: float, lang: str = "id") -> str:
    """1.234.567, as Indonesians write thousands; 1,234,567 in English."""
    return format_decimal(n, locale=_lang(lang))


def decimal(value: float, lang: str = "id", places: int | None = None) -> str:
    """0.5 as '0,5' in Indonesian (decimal comma), '0.5' in English; `places` fixes the digits."""
    # Without `places`: up to six significant digits, as Python's "g" format. The exact binary value
    # (Decimal(value)) rounds as an f-string does: 3.45 is a hair above 3.45, so '3,5'.
    if places is None and value == 0:
        return "0"  # Babel's significant-digit pattern writes zero as "0.0"
    pattern = "@#####" if places is None else "0." + "0" * places if places else "0"
    return format_decimal(Decimal(value), format=pattern, locale=_lang(lang))


def percent(value: float, lang: str = "id") -> str:
    """3.42 as '3,4%' ('3.4%' in English); a share too small to show one decimal is '<0,1%'."""
    if 0 < value < 0.05:
        return f"<{decimal(0.1, lang, 1)}%"
    return f"{decimal(value, lang, 1)}%"


def duration(seconds: float, lang: str = "id") -> str:
    """'8 jam 1 menit', '14 menit', '40 detik', 'kurang dari 1 detik' ('8 h 1 min', '14 min', '40 s', 'under 1 s')."""
    en = lang == "en"
    seconds = round(seconds)
    if seconds < 1:
        return "under 1 s" if en else "kurang dari 1 detik"
    if seconds < 60:
        return f"{seconds} s" if en else f"{seconds} detik"
    hours, minutes = divmod(round(seconds / 60), 60)
    if en:
        return f"{hours} h {minutes} min" if hours else f"{minutes} min"
    return f"{hours} jam {minutes} menit" if hours else f"{minutes} menit"


def human_duration(seconds: float) -> str:
    """'8 h 1 min', '14 min', '40 s': the command line's durations (English, whole seconds)."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    return duration(seconds, "en")


def zone_abbreviation(timezone: str) -> str:
    """WIB/WITA/WIT for Indonesia's three zones, else the zone name itself."""
    return _ZONES.get(timezone, timezone)


_TAG = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """Telegram HTML as the reader sees it: tags removed, entities decoded."""
    return html.unescape(_TAG.sub("", text))


def words_of_months(langs: Iterable[str] = LANGS) -> dict[str, int]:
    """Every month name and abbreviation of `langs`, lower case, to its number (for reading dates)."""
    words: dict[str, int] = {}
    for lang in langs:
        for width in ("wide", "abbreviated"):
            for number, name in enumerate(month_names(lang, width), 1):
                words[name.lower().rstrip(".")] = number
    return words
