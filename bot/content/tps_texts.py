"""A subscriber's own TPS in words: the /tps answer, the line {my_tps} becomes, the pin, the correction (pure).

Plain data in (a schedule, a TPS), Telegram HTML out; strings come from bot/content/tps_strings.py.
"""

from __future__ import annotations

import datetime as dt
import html
from html import escape
from typing import TypedDict

from bot.content.catalogue import say
from bot.content.formats import LANGS, long_date, num, time_of_day, zone_abbreviation
from bot.schedule.model import Schedule
from bot.schedule.tps import Tps

# The fact a schedule may give for the line {my_tps} becomes for people who gave no TPS.
GENERIC_FACT = "my_tps_none"


def names(schedule: Schedule, tps: Tps) -> tuple[str, str]:
    """(desa name, kecamatan name) of a TPS, escaped; its ids when the schedule no longer has them."""
    area = schedule.area(tps.area)
    desa = area.find_desa(tps.desa) if area else None
    return escape(desa.name if desa else tps.desa), escape(area.name if area else tps.area)


def _values(schedule: Schedule, tps: Tps, location: str | None = None) -> dict[str, str]:
    desa, kecamatan = names(schedule, tps)
    return {"label": tps.label, "desa": desa, "kecamatan": kecamatan, "location": escape(location or tps.location)}


def tps_line(schedule: Schedule, tps: Tps, lang: str = "id") -> str:
    """'<b>TPS 007 Bangoan</b>, Kec. Kedungwaru — Balai Dusun Krajan, RT 02 RW 01'."""
    return say(lang, "tps_line", **_values(schedule, tps))


def generic_line(schedule: Schedule, lang: str = "id") -> str:
    """What {my_tps} says to someone who gave no TPS: the schedule's fact, or the bot's own line."""
    return schedule.fact(GENERIC_FACT, lang) or schedule.fact(GENERIC_FACT) or say(lang, "tps_generic")


def personal_lines(schedule: Schedule) -> dict[tuple[str | None, str], str]:
    """{(TPS key, lang): line} for every TPS of the schedule, and {(None, lang): the generic line}."""
    lines: dict[tuple[str | None, str], str] = {(None, lang): generic_line(schedule, lang) for lang in LANGS}
    for tps in schedule.tps:
        for lang in LANGS:
            lines[(tps.key, lang)] = tps_line(schedule, tps, lang)
    return lines


def invitation(schedule: Schedule, lang: str = "id") -> str:
    """'formulir Model C.Pemberitahuan-KWK (undangan memilih)' when the schedule names the form."""
    form = schedule.fact("invitation_form", lang)
    return say(lang, "tps_invitation_form", form=f"<b>{form}</b>") if form else say(lang, "tps_invitation")


def tps_prompt(schedule: Schedule, lang: str = "id") -> str:
    return say(lang, "tps_prompt", invitation=invitation(schedule, lang))


def saved_text(schedule: Schedule, tps: Tps, lang: str = "id") -> str:
    return say(lang, "tps_saved", tps=tps_line(schedule, tps, lang))


def hours_line(schedule: Schedule, lang: str = "id", today: dt.date | None = None) -> str | None:
    """'Buka pukul 07.00–13.00 WIB pada Rabu, 27 November 2024' (the day only until it has passed)."""
    e = schedule.election
    if e.tps_open is None or e.tps_close is None:
        return None
    hours = say(
        lang,
        "tps_hours",
        open=time_of_day(e.tps_open, lang),
        close=time_of_day(e.tps_close, lang),
        zone=zone_abbreviation(e.timezone),
    )
    day = schedule.voting_day()
    if day is not None and (today is None or today <= day):
        hours += " " + say(lang, "tps_day", day=long_date(day, lang))
    return hours + "."


def tps_text(schedule: Schedule, tps: Tps, lang: str = "id", today: dt.date | None = None) -> str:
    """/tps for someone who gave their TPS: number, place, hours, and whether a pin follows."""
    values = _values(schedule, tps)
    lines = [say(lang, "tps_title", **values), say(lang, "tps_place", **values)]
    if (hours := hours_line(schedule, lang, today)) is not None:
        lines.append(hours)
    if tps.voters is not None:
        lines.append(say(lang, "tps_voters", voters=num(tps.voters, lang)))
    if not tps.has_pin:
        lines.append(say(lang, "tps_no_pin"))
    lines.append(say(lang, "tps_change_hint"))
    return "\n".join(lines)


def tps_list_text(
    schedule: Schedule, area: str, desa: str, lang: str = "id", page: int = 0, per_page: int | None = None
) -> str:
    """One desa's TPS with their locations, then the question: which is yours?

    With ``per_page``, only the TPS of that page (those whose buttons show): a desa of 50 TPS with
    long locations would not fit one message."""
    found = schedule.tps_in(area, desa)
    if not found:
        return say(lang, "tps_no_list", desa=escape(_desa_name(schedule, area, desa)))
    head = say(lang, "tps_list_title", **_values(schedule, found[0]))
    if per_page:
        page = min(max(page, 0), (len(found) - 1) // per_page)  # as the buttons' pages
        found = found[page * per_page : (page + 1) * per_page]
    rows = [f"• <b>{t.label}</b>: {escape(t.location)}" for t in found]
    return "\n".join([head, *rows, "", say(lang, "tps_pick", invitation=invitation(schedule, lang))])


def _desa_name(schedule: Schedule, area: str, desa: str) -> str:
    found = schedule.area(area)
    named = found.find_desa(desa) if found else None
    return named.name if named else desa


class Pin(TypedDict):
    """sendVenue's parameters, without the chat."""

    latitude: float
    longitude: float
    title: str
    address: str


def venue(schedule: Schedule, tps: Tps, lang: str = "id") -> Pin | None:
    """The sendVenue parameters of a TPS with coordinates (without chat_id), else None."""
    if tps.lat is None or tps.lon is None:
        return None
    desa, _ = names(schedule, tps)
    title = say(lang, "tps_venue_title", label=tps.label, desa=desa)
    return Pin(latitude=tps.lat, longitude=tps.lon, title=html.unescape(title), address=tps.location)


def moved_text(schedule: Schedule, tps: Tps, old_location: str, lang: str = "id") -> str:
    """'Ralat lokasi TPS': the old place struck through, the new one in bold."""
    values = _values(schedule, tps)
    return say(lang, "tps_moved", old=escape(old_location), new=values["location"], **values)
