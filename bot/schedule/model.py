"""The election's schedule as the bot holds it: Election, Stage, Reminder, Schedule (pure data).

No Telegram, no database, no network. A file is read by bot/schedule/loading.py and checked by
bot/schedule/validation.py (its readers in fields.py, reminder_checks.py and reply_checks.py);
every problem found is collected and raised together in one ``ScheduleError`` so an operator can
fix a file in one pass. The file format is a public contract.

Layout of a schedule file::

    [election]            name, region, timezone; optional tps_open, tps_close ("HH:MM"), voting_stage,
                          phone (the office's phone or WhatsApp number, shown where the bot says whom to ask),
                          tps_file (the TPS list, a CSV file relative to the schedule: bot/schedule/tps.py)
                          and tps_bounds ([south, west, north, east], the regency's rough bounds)
    [pages]               optional; keys from PAGE_KEYS; Telegram HTML texts
    [facts]               optional; named values texts refer to ("{invitation_form}"), see bot/content/render.py; a
                          table {text, text_en, from, until, date} is shown only in a date range (from/until,
                          which may name a stage) and, with `date`, only while voting day is that date
    [[stage]]             id, name, start (date), optional end (date); extra keys kept
    [[reminder]]          id, at, roles, text; optional expires, deliver_by, stage, silent,
                          repeat_days + repeat_until, areas, channel, ask (ASKS), venue, invite; extra keys kept
    [[area]]              optional; id, name, optional voters (DPT) and desa (names): see bot/schedule/areas.py
    [[faq]]               optional; id, questions, answer, optional questions_en, answer_en: see bot/schedule/faq.py

Date-times without an offset are local times in ``election.timezone``; date-times with
an offset are converted to it. A repeating reminder expands into one ``Reminder`` per
occurrence with id ``f"{id}@{YYYY-MM-DD}"``. Every date lies in FIRST_DATE..LAST_DATE (2000..2100),
and reminder ids the bot uses for its own broadcasts (``reserved_id_problem``) are refused.

A stage's start/end, a reminder's at/expires/deliver_by and repeat_until may instead be given
relative to a stage ("pemungutan-suara:H-1 18:00"). Texts are templates that name stage dates and
facts (bot/content/render.py); the Schedule holds them rendered for each reminder's date and language.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from bot.content import telegram_html
from bot.schedule.areas import Area
from bot.schedule.faq import FaqEntry
from bot.schedule.tps import Bounds, Tps, find_tps, tps_in

ROLES = ("asn", "kades", "pemilih")
PAGE_KEYS = ("netralitas_asn", "netralitas_kades", "netralitas_pemilih", "tps")
MAX_TEXT = telegram_html.MAX_TEXT

# A repeating reminder may not expand into more occurrences than this (guards against typos
# such as repeat_until in the wrong year producing thousands of messages).
MAX_OCCURRENCES = 1000
# ... nor the whole file into more than this: each is a message to every subscriber of its roles.
MAX_TOTAL_OCCURRENCES = 10_000

ID_RE = re.compile(r"[a-z0-9-]+")
HHMM_RE = re.compile(r"(\d{1,2}):(\d{2})")
# An Indonesian phone or WhatsApp number as people write it: +62 or 0, then 8-14 digits in groups.
PHONE = re.compile(r"(?:\+62|0)[\d\s().-]{7,20}")
TOP_KEYS = ("election", "pages", "facts", "stage", "reminder", "area", "faq")
STAGE_KEYS = ("id", "name", "start", "end")
REMINDER_KEYS = (
    "id",
    "at",
    "expires",
    "deliver_by",
    "roles",
    "text",
    "text_en",
    "stage",
    "silent",
    "night",
    "repeat_days",
    "repeat_until",
    "areas",
    "channel",
    "ask",
    "venue",
    "invite",
)
# A reminder may carry one button that records a pledge (bot/content/pledges.py): "I will vote", "I have voted".
ASKS = ("will_vote", "voted")
QUIET_START, QUIET_END = dt.time(21, 0), dt.time(6, 0)  # no reminder starts at night unless night = true


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Election:
    name: str
    region: str
    timezone: str
    tps_open: dt.time | None = None
    tps_close: dt.time | None = None
    voting_stage: str | None = None
    phone: str | None = None  # the commission's phone or WhatsApp number; None: not given
    tps_file: str | None = None  # the commission's TPS list (CSV), as written in the file; None: none
    tps_bounds: Bounds | None = None  # the regency's rough bounds, for the TPS coordinates

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class Stage:
    id: str
    name: str
    start: dt.date
    end: dt.date
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Reminder:
    """One reminder occurrence. All datetimes are timezone-aware in the election time zone."""

    id: str
    at: dt.datetime
    expires: dt.datetime
    deliver_by: dt.datetime
    roles: tuple[str, ...]
    text: str
    stage: str | None = None
    silent: bool = False
    series: str | None = None  # declared id of a repeating reminder, None for a one-off
    text_en: str | None = None  # English text; people who chose English get it, else `text`
    night: bool = False  # explicitly allowed to start between QUIET_START and QUIET_END
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    areas: tuple[str, ...] = ()  # kecamatan or "kecamatan/desa" references; () reaches everybody
    channel: bool = False  # also posted once to the commission's channel (BOT_CHANNEL_ID), in Indonesian
    ask: str | None = None  # one of ASKS: sent with a pledge button; None: no button
    venue: bool = False  # each copy is followed by the recipient's TPS location pin, where known
    invite: bool = False  # each copy carries the invite button (bot/content/invites.py), not the channel's


@dataclass(frozen=True)
class Schedule:
    election: Election
    stages: tuple[Stage, ...]  # in file order
    reminders: tuple[Reminder, ...]  # expanded occurrences, sorted by (at, id)
    pages: dict[str, str] = field(default_factory=dict, hash=False)
    source: str = "<string>"
    warnings: tuple[str, ...] = ()  # not errors: e.g. a reminder moved out of the night
    facts: dict[str, str] = field(default_factory=dict, hash=False)  # rendered; "<name>_en" in English
    # pages with dated facts (from/until): (date, text shown from it) in date order; `pages` holds the first
    page_versions: dict[str, tuple[tuple[dt.date, str], ...]] = field(default_factory=dict, hash=False)
    areas: tuple[Area, ...] = ()  # the kecamatan of [[area]], in file order
    faq: tuple[FaqEntry, ...] = ()  # [[faq]] entries, answers rendered, in file order
    tps: tuple[Tps, ...] = ()  # the TPS of [election] tps_file, by kecamatan, desa and number

    def page(self, key: str, today: dt.date | None = None) -> str | None:
        """Page ``key`` as shown on ``today`` (None: the first version, before any dated fact changes it)."""
        text = self.pages.get(key)
        if today is not None:
            for since, version in self.page_versions.get(key, ()):
                if since <= today:
                    text = version
        return text

    def fact(self, name: str, lang: str = "id") -> str | None:
        """A fact from [facts], rendered in ``lang`` (without parts shown only from a date)."""
        return self.facts.get(f"{name}_en" if lang == "en" else name)

    def stage(self, id: str) -> Stage | None:
        return next((s for s in self.stages if s.id == id), None)

    def reminder(self, id: str) -> Reminder | None:
        return next((r for r in self.reminders if r.id == id), None)

    def area(self, id: str | None) -> Area | None:
        return next((a for a in self.areas if a.id == id), None) if id else None

    def tps_of(self, area: str | None, desa: str | None, number: int | None) -> Tps | None:
        """The TPS a subscriber gave, if the TPS file (still) lists it."""
        return find_tps(self.tps, area, desa, number)

    def tps_in(self, area: str | None, desa: str | None) -> list[Tps]:
        """One desa's TPS, by number (none without a TPS file)."""
        return tps_in(self.tps, area, desa) if area and desa else []

    def faq_entry(self, id: str | None) -> FaqEntry | None:
        return next((e for e in self.faq if e.id == id), None) if id else None

    def voting_day(self) -> dt.date | None:
        """Start of ``election.voting_stage``, else of stage "pemungutan-suara", else None."""
        return voting_day_of(self.election, self.stages)

    def summary(self) -> str:
        e = self.election
        text = (
            f"{self.source}: {e.name}, {e.region} ({e.timezone}): "
            f"{plural(len(self.stages), 'stage')}, {plural(len(self.reminders), 'reminder')}"
        )
        if self.reminders:
            first = min(r.at for r in self.reminders).date()
            last = max(r.at for r in self.reminders).date()
            text += f" ({first.isoformat()} – {last.isoformat()})"
        return text


class ScheduleError(Exception):
    """A schedule file is unreadable or invalid. ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str] | str, source: str = "<string>") -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.source = source
        super().__init__("\n".join(self.problems))

    def __str__(self) -> str:
        return "\n".join(self.problems)


# --------------------------------------------------------------------------- public functions


def html_problem(text: str) -> str | None:
    """None if Telegram would accept ``text`` with parse_mode=HTML, else a short reason (English).

    Strict version of Telegram's rules (see bot.content.telegram_html): only the documented tags and
    attributes, proper nesting, only &lt; &gt; &amp; &quot; and numeric entities, visible text
    1..MAX_TEXT long.
    """
    problem = telegram_html.check(text)
    return None if problem is None else problem.text("en")


def telegram_length(text: str) -> int | None:
    """The length Telegram counts for an HTML text (after entity parsing); None if it would refuse the HTML."""
    return telegram_html.visible_length(text)


# --------------------------------------------------------------------------- validation


# --------------------------------------------------------------------------- facts, relative dates, templates


def voting_day_of(election: Election, stages: list[Stage] | tuple[Stage, ...]) -> dt.date | None:
    """Start of ``election.voting_stage``, else of stage "pemungutan-suara", else None."""
    wanted = election.voting_stage or "pemungutan-suara"
    return next((s.start for s in stages if s.id == wanted), None)


# --------------------------------------------------------------------------- ranges and reserved ids

# Dates outside this range are typos (a year 9999 also overflows date arithmetic and the calendar).
FIRST_DATE, LAST_DATE = dt.date(2000, 1, 1), dt.date(2100, 12, 31)

# Ids the bot gives its own broadcasts. Current ones contain ":" ("siaran:7", "ralat:<stage>:<start>:<end>"),
# which schedule ids cannot; these patterns are the ids older versions used, still in deployed databases.
LEGACY_INTERNAL_IDS = (
    (re.compile(r"siaran-\d+"), "operators' ad-hoc broadcasts (/siaran)"),
    (re.compile(r"ralat-.*"), "date corrections (Ralat)"),
)


def date_range_problem(day: dt.date) -> str | None:
    """None for a date in FIRST_DATE..LAST_DATE, else why not (one phrase)."""
    if FIRST_DATE <= day <= LAST_DATE:
        return None
    return f"{day.isoformat()} is outside {FIRST_DATE.isoformat()}..{LAST_DATE.isoformat()}: check the year"


def reserved_id_problem(rid: str) -> str | None:
    """None if ``rid`` may be a reminder id, else why not: it looks like an id the bot gives its own broadcasts.

    A reminder under such an id would be taken for that broadcast: logged as enqueued, never sent.
    """
    for pattern, owner in LEGACY_INTERNAL_IDS:
        if pattern.fullmatch(rid):
            return (
                f'"{rid}" is reserved: the bot used ids like it for {owner}, so this reminder could be '
                f'taken for one and never sent; choose another id (e.g. "pengingat-{rid}")'
            )
    return None


# --------------------------------------------------------------------------- helpers


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
