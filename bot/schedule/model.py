"""Parse and validate the election schedule file (TOML).

Pure module: no Telegram, no database, no network. The file format is a public
contract; see ``parse`` for what is checked. Every problem found is collected and
raised together in one ``ScheduleError`` so an operator can fix a file in one pass.

Layout of a schedule file::

    [election]            name, region, timezone; optional tps_open, tps_close ("HH:MM"), voting_stage,
                          phone (the office's phone or WhatsApp number, shown where the bot says whom to ask)
    [pages]               optional; keys from PAGE_KEYS; Telegram HTML texts
    [facts]               optional; named values texts refer to ("{invitation_form}"), see bot/content/render.py; a
                          table {text, text_en, from, until, date} is shown only in a date range (from/until,
                          which may name a stage) and, with `date`, only while voting day is that date
    [[stage]]             id, name, start (date), optional end (date); extra keys kept
    [[reminder]]          id, at, roles, text; optional expires, deliver_by, stage, silent,
                          repeat_days + repeat_until, areas, channel, ask (ASKS); extra keys kept
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

import dataclasses
import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeGuard
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.content import formats, privacy, render, telegram_html
from bot.schedule import problems as schedule_problems
from bot.schedule import stale
from bot.schedule.areas import Area, parse_areas, ref_problem
from bot.schedule.faq import FAQ_KEYS, MAX_FAQ_ID, FaqEntry

__all__ = [
    "ROLES",
    "PAGE_KEYS",
    "MAX_TEXT",
    "Election",
    "Stage",
    "Reminder",
    "Schedule",
    "ScheduleError",
    "parse",
    "load",
    "html_problem",
    "telegram_length",
    "shifted",
    "FIRST_DATE",
    "LAST_DATE",
    "reserved_id_problem",
]

ROLES = ("asn", "kades", "pemilih")
PAGE_KEYS = ("netralitas_asn", "netralitas_kades", "netralitas_pemilih", "tps")
MAX_TEXT = telegram_html.MAX_TEXT

# A repeating reminder may not expand into more occurrences than this (guards against typos
# such as repeat_until in the wrong year producing thousands of messages).
MAX_OCCURRENCES = 1000
# ... nor the whole file into more than this: each is a message to every subscriber of its roles.
MAX_TOTAL_OCCURRENCES = 10_000

_ID_RE = re.compile(r"[a-z0-9-]+")
_HHMM_RE = re.compile(r"(\d{1,2}):(\d{2})")
_ELECTION_KEYS = ("name", "region", "timezone", "tps_open", "tps_close", "voting_stage", "phone")
# An Indonesian phone or WhatsApp number as people write it: +62 or 0, then 8-14 digits in groups.
_PHONE = re.compile(r"(?:\+62|0)[\d\s().-]{7,20}")
_TOP_KEYS = ("election", "pages", "facts", "stage", "reminder", "area", "faq")
_STAGE_KEYS = ("id", "name", "start", "end")
_REMINDER_KEYS = (
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

    def faq_entry(self, id: str | None) -> FaqEntry | None:
        return next((e for e in self.faq if e.id == id), None) if id else None

    def voting_day(self) -> dt.date | None:
        """Start of ``election.voting_stage``, else of stage "pemungutan-suara", else None."""
        return voting_day_of(self.election, self.stages)

    def summary(self) -> str:
        e = self.election
        text = (
            f"{self.source}: {e.name}, {e.region} ({e.timezone}): "
            f"{_plural(len(self.stages), 'stage')}, {_plural(len(self.reminders), 'reminder')}"
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


def load(path: str | os.PathLike[str]) -> Schedule:
    """Read and parse a schedule file. Any failure raises ``ScheduleError``."""
    source = os.fspath(path)
    try:
        with open(source, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise ScheduleError(f"{source}: file not found", source) from None
    except OSError as exc:
        raise ScheduleError(f"{source}: cannot read file: {exc.strerror or exc}", source) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScheduleError(f"{source}: not UTF-8 text (bad byte at offset {exc.start})", source) from None
    return parse(text, source)


def parse(text: str, source: str = "<string>") -> Schedule:
    """Parse and validate schedule TOML. Raises ``ScheduleError`` listing all problems found."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScheduleError(_syntax_problem(source, exc), source) from None
    checker = _Checker()
    schedule = checker.schedule(doc, source)
    if checker.problems or schedule is None:
        stages = doc.get("stage")
        tables = stages if isinstance(stages, list) else []
        declared = [t["id"] for t in tables if isinstance(t, dict) and isinstance(t.get("id"), str)]
        raise ScheduleError(
            schedule_problems.condensed(checker.problems, declared) or [f"{source}: invalid schedule"], source
        )
    return schedule


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


def shifted(
    schedule: Schedule,
    now: dt.datetime,
    *,
    first_in: dt.timedelta = dt.timedelta(seconds=20),
    spacing: dt.timedelta = dt.timedelta(seconds=15),
) -> Schedule:
    """Copy of ``schedule`` compressed into a live demo starting at ``now``.

    Reminders (in their original order) fall due at ``now + first_in``, then every
    ``spacing``. Each keeps its expires/deliver_by offset from ``at``, but at least one hour,
    so nothing expires during the demo. Ids are unchanged (the demo uses a fresh database).
    Stages move by whole days: today minus the local date of the original first reminder,
    so stages keep their position relative to the reminders' calendar. A naive ``now`` is
    taken as local time in the election time zone.
    """
    tz = schedule.election.tz
    now = now.astimezone(tz) if now.tzinfo else now.replace(tzinfo=tz)
    reminders = sorted(schedule.reminders, key=lambda r: (r.at.timestamp(), r.id))
    min_life = dt.timedelta(hours=1)
    moved = []
    for i, r in enumerate(reminders):
        at = _add(now, first_in + i * spacing, tz)
        moved.append(
            dataclasses.replace(
                r,
                at=at,
                expires=_add(at, max(r.expires - r.at, min_life), tz),
                deliver_by=_add(at, max(r.deliver_by - r.at, min_life), tz),
            )
        )
    days = dt.timedelta(days=(now.date() - reminders[0].at.astimezone(tz).date()).days) if reminders else None
    stages = schedule.stages
    if days:
        stages = tuple(dataclasses.replace(s, start=s.start + days, end=s.end + days) for s in stages)
    return dataclasses.replace(schedule, stages=stages, reminders=tuple(moved))


# --------------------------------------------------------------------------- validation

_MISSING = object()
_INVALID = object()  # a relative date that could not be worked out; already reported


# --------------------------------------------------------------------------- facts, relative dates, templates

_FACT_NAME_RE = re.compile(r"[a-z][a-z0-9_]*")
_FACT_TABLE_KEYS = ("text", "text_en", "from", "until", "date")
_BUILTIN_FACTS = ("election", "region", "zone", "tps_open", "tps_close", *privacy.FACTS)
_RELATIVE_RE = re.compile(r"([a-z0-9-]+)(?=[:\s]|$)")
_DATE_HELP = 'a date like 2024-11-27 or a date relative to a stage like "pemungutan-suara:H-3"'
_MOMENT_HELP = 'a date-time like 2024-11-27T06:00:00 or a time relative to a stage like "pemungutan-suara:H-1 18:00"'


class _TextChecks:
    """[facts], dates relative to a stage, and text templates; mixed into ``_Checker``."""

    problems: list[str]
    warnings: list[str]

    if TYPE_CHECKING:  # provided by _Checker

        def add(self, place: str, key: str | None, message: str) -> None: ...
        def string(self, table: dict, key: str, place: str, *, required: bool = True) -> str | None: ...
        def date(self, table: dict, key: str, place: str, *, required: bool = True) -> dt.date | None: ...
        def ident(self, table: dict, place: str) -> str | None: ...
        def html(self, value: str, key: str, place: str) -> str: ...
        def _array(self, value: Any, name: str) -> list[tuple[int, dict]]: ...

    def add_once(self, place: str, key: str | None, message: str) -> None:
        """Report a problem once, however many occurrences of a repeating reminder share it."""
        line = f'{place}: field "{key}": {message}' if key else f"{place}: {message}"
        if line not in self.problems:
            self.problems.append(line)

    # -- dates relative to a stage

    def anchored(self, doc: dict) -> dict:
        """``doc`` with every date written relative to a stage replaced by the date it names.

        Stage dates may build on one another (masa-tenang starts at "pemungutan-suara:H-3"). A value
        that cannot be worked out is reported here and then skipped by the other checks.
        """
        doc = dict(doc)
        tables = {}
        for kind in ("stage", "reminder"):
            if isinstance(doc.get(kind), list):
                doc[kind] = [dict(t) if isinstance(t, dict) else t for t in doc[kind]]
                tables[kind] = [(n, t) for n, t in enumerate(doc[kind], 1) if isinstance(t, dict)]
        stage_ids = {t["id"] for _, t in tables.get("stage", []) if isinstance(t.get("id"), str)}
        known: dict[tuple[str, str], dt.date] = {}
        pending = []
        for n, table in tables.get("stage", []):
            sid, place = table.get("id"), _place("stage", n, table)
            for key in ("start", "end"):
                value = table.get(key)
                if self._relative(value, stage_ids):
                    anchor = self._anchor(table, key, place, value, render.parse_anchor, _DATE_HELP)
                    if anchor is not None:
                        pending.append((place, table, sid, key, anchor))
                elif isinstance(value, dt.date) and not isinstance(value, dt.datetime) and isinstance(sid, str):
                    known[(sid, key)] = value
            if isinstance(sid, str) and "end" not in table and (sid, "start") in known:
                known[(sid, "end")] = known[(sid, "start")]
        while pending:
            resolved = []
            for item in pending:
                place, table, sid, key, anchor = item
                base = known.get((anchor.stage, "end" if anchor.end else "start"))
                if base is not None:
                    table[key] = day = base + dt.timedelta(days=anchor.days)
                    if isinstance(sid, str):  # a stage without an id is reported elsewhere
                        known[(sid, key)] = day
                        if key == "start" and "end" not in table:
                            known[(sid, "end")] = day
                    resolved.append(item)
            if not resolved:
                break
            pending = [item for item in pending if item not in resolved]
        for place, table, _, key, anchor in pending:
            self.add(place, key, f'refers to stage "{anchor.stage}", whose dates cannot be worked out')
            table[key] = _INVALID
        stage_dates = {  # a stage whose end cannot be worked out has no dates to build on
            sid: (known[(sid, "start")], known[(sid, "end")])
            for sid, k in known
            if k == "start" and (sid, "end") in known
        }
        moments = ("at", "expires", "deliver_by")
        for n, table in tables.get("reminder", []):
            keys = (*moments, "repeat_until")
            self._anchored_dates(table, _place("reminder", n, table), keys, moments, stage_ids, stage_dates)
        if isinstance(doc.get("facts"), dict):  # a dated fact's from/until ("penetapan-dpt:H+1")
            doc["facts"] = {k: dict(v) if isinstance(v, dict) else v for k, v in doc["facts"].items()}
            for name, table in doc["facts"].items():
                if isinstance(table, dict):
                    place = f'facts: field "{name}"'
                    self._anchored_dates(table, place, ("from", "until"), (), stage_ids, stage_dates)
        return doc

    def _anchored_dates(self, table: dict, place: str, keys, moments, stage_ids: set[str], stage_dates: dict):
        """Replace each of ``keys`` written relative to a stage by its date (a date-time for ``moments``)."""
        for key in keys:
            value = table.get(key)
            if not self._relative(value, stage_ids):
                continue
            if key not in moments:
                anchor, moment = self._anchor(table, key, place, value, render.parse_anchor, _DATE_HELP), None
            else:
                parsed = self._anchor(table, key, place, value, render.parse_moment, _MOMENT_HELP)
                anchor, moment = parsed if parsed is not None else (None, None)
            if anchor is None:
                continue
            if anchor.stage not in stage_dates:
                self.add(place, key, f'refers to stage "{anchor.stage}", whose dates cannot be worked out')
                table[key] = _INVALID
                continue
            day = anchor.date(stage_dates)
            table[key] = day if moment is None else dt.datetime.combine(day, moment)

    @staticmethod
    def _relative(value: Any, stage_ids: set[str]) -> TypeGuard[str]:
        """A string meant as a stage-relative date: it starts with a stage id or uses "id:..."."""
        m = _RELATIVE_RE.match(value) if isinstance(value, str) else None
        return m is not None and (m[1] in stage_ids or ":" in value.split()[0])

    def _anchor(self, table: dict, key: str, place: str, value: str, parse, help_text: str):
        try:
            result = parse(value)
        except ValueError:
            self.add(place, key, f"expected {help_text}, got {_show(value)}")
            table[key] = _INVALID
            return None
        return result

    # -- [facts]

    def facts(self, table: Any) -> dict[str, render.Fact]:
        """Named values texts refer to: text (a template), a number, a time, or {text, text_en, from, until, date}."""
        place = "facts"
        if not isinstance(table, dict):
            self.add(place, None, f"expected a [facts] table, got {_show(table)}")
            return {}
        facts: dict[str, render.Fact] = {}
        english: dict[str, Any] = {}
        for key, value in table.items():
            if not _FACT_NAME_RE.fullmatch(key):
                self.add(place, key, "invalid name (use a-z, 0-9 and _, starting with a letter)")
            elif key in _BUILTIN_FACTS:
                self.add(place, key, f"reserved name: {{{key}}} comes from [election]")
            elif key.endswith("_en") and key[:-3] in table:
                if isinstance(value, dict) or isinstance(table[key[:-3]], dict):
                    self.add(place, key, f'write the English text as text_en inside the table "{key[:-3]}"')
                elif (fact := self.fact_value(value, key, place)) is not None:
                    english[key[:-3]] = fact.value
            elif (fact := self.fact_value(value, key, place)) is not None:
                facts[key] = fact
        for name, value in english.items():
            if name in facts:
                facts[name] = dataclasses.replace(facts[name], value_en=value)
        return facts

    def fact_value(self, value: Any, key: str, place: str) -> render.Fact | None:
        if isinstance(value, str) and value.strip():
            return render.Fact(value.strip())
        if isinstance(value, int | dt.time) and not isinstance(value, bool):
            return render.Fact(value)
        if isinstance(value, dict):
            for k in value:
                if k not in _FACT_TABLE_KEYS:
                    self.add(place, key, f'unknown key "{k}" (allowed: {", ".join(_FACT_TABLE_KEYS)})')
                    return None
            text = self.string(value, "text", f'{place}: field "{key}"')
            text_en = self.string(value, "text_en", f'{place}: field "{key}"', required=False)
            since = self.date(value, "from", f'{place}: field "{key}"', required=False)
            until = self.date(value, "until", f'{place}: field "{key}"', required=False)
            day = self.date(value, "date", f'{place}: field "{key}"', required=False)
            if text is None or ("text_en" in value and text_en is None) or ("from" in value and since is None):
                return None
            if "until" in value and until is None or "date" in value and day is None:
                return None
            if since is not None and until is not None and until <= since:
                self.add(place, key, f"until {until.isoformat()} is not after from {since.isoformat()}: never shown")
                return None
            return render.Fact(text, text_en, since, until=until, day=day)
        shown = _show(value)
        self.add(
            place, key, f"expected text, a number, a time like 12:00:00 or a table {{text, from, until}}, got {shown}"
        )
        return None

    # -- templates

    def render_texts(self, election: Election, stages: list[Stage], facts: dict, pages: dict, reminders: list):
        """Every text rendered: (reminders, pages, page versions, facts), problems reported by entry and field."""
        stage_dates = {s.id: (s.start, s.end) for s in stages}
        for name in facts:
            if name in stage_dates:
                self.add("facts", name, f"same name as a stage: {{{name}}} would be ambiguous")
        renderer = _renderer(election, stages, facts)
        fact_texts = {}
        for name in facts:
            cycle = renderer.fact_cycle(name)
            if cycle:
                self.add("facts", name, "refers to itself: " + " → ".join(cycle))
                continue
            for lang in formats.LANGS:
                problems: list[str] = []
                shown_on = facts[name].since or (dt.date.min if facts[name].until else dt.date.max)
                renderer.fact_text(name, lang, shown_on, problems, always=True)
                for problem in dict.fromkeys(problems):
                    self.add_once("facts", name, problem)
                fact_texts[name if lang == "id" else f"{name}_en"] = renderer.fact_text(name, lang, dt.date.min)
        out_pages: dict[str, str] = {}
        versions: dict[str, list[tuple[dt.date, str]]] = {}
        for key, text in pages.items():
            lang = "en" if key.endswith("_en") else "id"
            out_pages[key] = previous = self.rendered(renderer, text, lang, dt.date.min, "pages", key)
            for since in sorted(renderer.since_dates(text)):
                version = self.rendered(renderer, text, lang, since, "pages", key)
                if version != previous:
                    versions.setdefault(key, []).append((since, version))
                    previous = version
        out = []
        for r in reminders:
            place, on = f'reminder "{r.series or r.id}"', r.at.date()
            text = self.rendered(renderer, r.text, "id", on, place, "text")
            text_en = self.rendered(renderer, r.text_en, "en", on, place, "text_en") if r.text_en else None
            out.append(dataclasses.replace(r, text=text, text_en=text_en))
        return out, out_pages, {k: tuple(v) for k, v in versions.items()}, fact_texts

    def faq_entries(self, value: Any, election: Election, stages: list[Stage], facts: dict) -> list[FaqEntry]:
        """Validate and render the [[faq]] entries (each answer in every dated version)."""
        renderer = _renderer(election, stages, facts)
        entries: list[FaqEntry] = []
        seen: dict[str, int] = {}
        for n, table in self._array(value, "faq"):
            place = _place("faq", n, table)
            for key in table:
                if key not in FAQ_KEYS:
                    self.add(place, key, f"unknown field (allowed: {', '.join(FAQ_KEYS)})")
            fid = self.ident(table, place)
            if fid is not None and len(fid) > MAX_FAQ_ID:
                self.add(place, "id", f"{len(fid)} characters; at most {MAX_FAQ_ID} fit in a Telegram button")
                fid = None
            elif fid is not None and fid in seen:
                self.add(place, "id", f"duplicate id (also faq #{seen[fid]})")
                fid = None
            elif fid is not None:
                seen[fid] = n
            questions = self.phrase_list(table, "questions", place, required=True)
            questions_en = self.phrase_list(table, "questions_en", place, required=False)
            answer = self.string(table, "answer", place)
            answer_en = self.string(table, "answer_en", place, required=False)
            if "answer_en" in table and answer_en is None or "questions_en" in table and questions_en is None:
                continue
            if fid is None or questions is None or answer is None:
                continue
            versions = [self.answer_versions(renderer, answer, "id", place, "answer")]
            if answer_en is not None:
                versions.append(self.answer_versions(renderer, answer_en, "en", place, "answer_en"))
            if any(v is None for v in versions):
                continue
            answers, answers_en = versions[0] or (), (versions[1] or ()) if len(versions) > 1 else ()
            entries.append(FaqEntry(fid, questions, questions_en or (), tuple(answers), tuple(answers_en)))
        return entries

    def phrase_list(self, table: dict, key: str, place: str, *, required: bool) -> tuple[str, ...] | None:
        value = table.get(key, _MISSING)
        if value is _MISSING:
            if required:
                self.add(place, key, "missing")
            return None
        if not isinstance(value, list) or not value or not all(isinstance(q, str) and q.strip() for q in value):
            self.add(place, key, f'expected a list of example questions like ["kapan nyoblos?"], got {_show(value)}')
            return None
        return tuple(q.strip() for q in value)

    def answer_versions(self, renderer: render.Renderer, text: str, lang: str, place: str, key: str):
        """[(from, rendered)] for an answer template, or None after recording a problem."""
        before = len(self.problems)
        text = self.html(text, key, place)
        if len(self.problems) > before:
            return None
        versions = [(dt.date.min, self.rendered(renderer, text, lang, dt.date.min, place, key))]
        for since in sorted(renderer.since_dates(text)):
            version = self.rendered(renderer, text, lang, since, place, key)
            if version != versions[-1][1]:
                versions.append((since, version))
        return None if len(self.problems) > before else versions

    def rendered(self, renderer: render.Renderer, text: str, lang: str, on: dt.date, place: str, key: str) -> str:
        problems: list[str] = []
        result = renderer.render(text, lang, on, problems)
        for problem in dict.fromkeys(problems):
            self.add_once(place, key, problem)
        if not problems and result != text and (refused := telegram_html.check(result)):
            self.add_once(place, key, _html_message(refused, " once rendered"))
        return result.strip()

    def date_warnings(self, stages: list[Stage], texts: list[tuple[str, str, str]]) -> None:
        """A warning for each text that writes out a stage's date instead of naming the stage."""
        dates: dict[dt.date, str] = {}
        for s in stages:
            dates.setdefault(s.start, f"{{{s.id}}}")
            dates.setdefault(s.end, f"{{{s.id}:end}}")
        for place, key, text in texts:
            for written, day, month, year in render.written_dates(text):
                for d, placeholder in dates.items():
                    if (d.day, d.month) == (day, month) and year in (None, d.year):
                        self.warnings.append(
                            f'{place}: field "{key}": writes out "{written}", a stage date; '
                            f"write {placeholder} so the text follows the schedule"
                        )
                        break


def _templates(facts: dict, pages: dict, reminders: list, faq: Any) -> list[tuple[str, str, str]]:
    """(place, field, template) of every text a reader gets, as written in the file: pages, facts,
    each reminder once (not each occurrence) and the FAQ's answers."""
    texts = [("pages", key, text) for key, text in pages.items()]
    for name, fact in facts.items():
        texts += [("facts", name, v) for v in (fact.value, fact.value_en) if isinstance(v, str)]
    seen = set()
    for r in reminders:
        place = f'reminder "{r.series or r.id}"'
        if place not in seen:
            seen.add(place)
            texts += [(place, key, t) for key, t in (("text", r.text), ("text_en", r.text_en)) if t]
    for n, entry in enumerate(faq if isinstance(faq, list) else [], 1):
        if isinstance(entry, dict):
            place = _place("faq", n, entry)
            texts += [(place, key, entry[key]) for key in ("answer", "answer_en") if isinstance(entry.get(key), str)]
    return texts


def _builtin_facts(election: Election) -> dict[str, render.Fact]:
    """{election}, {region}, {zone}, {tps_open} and {tps_close}, from [election]; {stored} and the other
    privacy statements of bot/content/privacy.py, so that an FAQ answer says what /privasi says."""
    from html import escape

    facts = {
        "election": render.Fact(escape(election.name), literal=True),
        "region": render.Fact(escape(election.region), literal=True),
        "zone": render.Fact(escape(formats.zone_abbreviation(election.timezone)), literal=True),
    }
    for key in ("tps_open", "tps_close"):
        if getattr(election, key) is not None:
            facts[key] = render.Fact(getattr(election, key))
    for name, texts in privacy.FACTS.items():
        facts[name] = render.Fact(texts["id"], texts["en"], literal=True)
    return facts


def voting_day_of(election: Election, stages: list[Stage] | tuple[Stage, ...]) -> dt.date | None:
    """Start of ``election.voting_stage``, else of stage "pemungutan-suara", else None."""
    wanted = election.voting_stage or "pemungutan-suara"
    return next((s.start for s in stages if s.id == wanted), None)


def _renderer(election: Election, stages: list[Stage], facts: dict[str, render.Fact]) -> render.Renderer:
    stage_dates = {s.id: (s.start, s.end) for s in stages}
    return render.Renderer(stage_dates, {**facts, **_builtin_facts(election)}, voting_day_of(election, stages))


class _Checker(_TextChecks):
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.area_list: list[Area] = []

    def add(self, place: str, key: str | None, message: str) -> None:
        self.problems.append(f'{place}: field "{key}": {message}' if key else f"{place}: {message}")

    # -- generic field readers: return None (after recording a problem) when unusable

    def string(self, table: dict, key: str, place: str, *, required: bool = True) -> str | None:
        value = table.get(key, _MISSING)
        if value is _MISSING:
            if required:
                self.add(place, key, "missing")
            return None
        if not isinstance(value, str):
            self.add(place, key, f"expected a string, got {_show(value)}")
            return None
        if not value.strip():
            self.add(place, key, "empty")
            return None
        return value

    def ident(self, table: dict, place: str) -> str | None:
        value = self.string(table, "id", place)
        if value is not None and not _ID_RE.fullmatch(value):
            self.add(place, "id", f"invalid id {_show(value)} (use only a-z, 0-9 and -)")
            return None
        return value

    def date(self, table: dict, key: str, place: str, *, required: bool = True) -> dt.date | None:
        value = table.get(key, _MISSING)
        if value is _MISSING:
            if required:
                self.add(place, key, "missing")
            return None
        if value is _INVALID:
            return None
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            self.add(place, key, f"expected a date like 2024-11-27, got {_show(value)}")
            return None
        if problem := _date_range_problem(value):
            self.add(place, key, problem)
            return None
        return value

    def datetime(self, table: dict, key: str, place: str, tz: ZoneInfo, *, required: bool = True):
        value = table.get(key, _MISSING)
        if value is _MISSING:
            if required:
                self.add(place, key, "missing")
            return None
        if value is _INVALID:
            return None
        if not isinstance(value, dt.datetime):
            self.add(place, key, f"expected a date-time like 2024-11-27T06:00:00, got {_show(value)}")
            return None
        if problem := _date_range_problem(value.date()):  # before any arithmetic that could overflow
            self.add(place, key, problem)
            return None
        return value.astimezone(tz) if value.tzinfo else value.replace(tzinfo=tz)

    def html(self, value: str, key: str, place: str) -> str:
        """Check a Telegram HTML text; returns it stripped of surrounding whitespace."""
        if "{" in value or "}" in value:  # a template: checked once rendered (render_texts)
            return value.strip()
        if problem := telegram_html.check(value):
            self.add(place, key, _html_message(problem))
        return value.strip()

    # -- sections

    def schedule(self, doc: dict, source: str) -> Schedule | None:
        for key in doc:
            if key not in _TOP_KEYS:
                self.add(
                    "file",
                    None,
                    f'unknown top-level key or section "{key}" (allowed: [election], [pages], [facts], '
                    "[[stage]], [[reminder]], [[area]], [[faq]])",
                )
        doc = self.anchored(doc)
        election, tz = self.election(doc.get("election", _MISSING))
        facts = self.facts(doc.get("facts", {}))
        pages = self.pages(doc.get("pages", {}))
        stages = self.stages(doc.get("stage", []))
        stage_ids = {s.id for s in stages}
        self.area_list = parse_areas(self._array(doc.get("area", []), "area"), self.add)
        if election and election.voting_stage and election.voting_stage not in stage_ids:
            suggestion = schedule_problems.did_you_mean(election.voting_stage, stage_ids)
            self.add("election", "voting_stage", f"unknown stage {_show(election.voting_stage)}{suggestion}")
        reminders = self.reminders(doc.get("reminder", _MISSING), tz, stage_ids)
        if election is None:
            return None
        reminders.sort(key=lambda r: (r.at.timestamp(), r.id))
        texts = _templates(facts, pages, reminders, doc.get("faq"))
        self.date_warnings(stages, texts)
        undated = [t for t in texts if t[0] != "facts" or facts[t[1]].day is None]  # dated: left out later
        self.warnings += stale.typed_warnings(election, undated)
        self.warnings += stale.warnings(election, stages, facts, reminders, voting_day_of(election, stages))
        rendered = self.render_texts(election, stages, facts, pages, reminders)
        reminders, pages, versions, fact_texts = rendered
        faq = self.faq_entries(doc.get("faq", []), election, stages, facts)
        return Schedule(
            election, tuple(stages), tuple(reminders), pages, source, tuple(self.warnings), fact_texts, versions,
            tuple(self.area_list), tuple(faq),
        )  # fmt: skip

    def election(self, table: Any) -> tuple[Election | None, ZoneInfo]:
        utc = ZoneInfo("UTC")
        place = "election"
        if table is _MISSING:
            self.add(place, None, "missing section [election]")
            return None, utc
        if not isinstance(table, dict):
            self.add(place, None, f"expected a [election] table, got {_show(table)}")
            return None, utc
        for key in table:
            if key not in _ELECTION_KEYS:
                self.add(place, key, f"unknown field (allowed: {', '.join(_ELECTION_KEYS)})")
        ok = True
        name = self.string(table, "name", place)
        region = self.string(table, "region", place)
        tzname = self.string(table, "timezone", place)
        tz = utc
        if tzname is not None:
            try:
                tz = ZoneInfo(tzname)
            except (ZoneInfoNotFoundError, ValueError, OSError):
                self.add(place, "timezone", f"unknown time zone {_show(tzname)}")
                ok = False
        times = {}
        for key in ("tps_open", "tps_close"):
            value = table.get(key)
            times[key] = _hhmm(value)
            if value is not None and times[key] is None:
                self.add(place, key, f'expected a time like "07:00", got {_show(value)}')
                ok = False
        if times["tps_open"] and times["tps_close"] and times["tps_close"] <= times["tps_open"]:
            opening, closing = times["tps_open"], times["tps_close"]
            self.add(place, "tps_close", f"{closing:%H:%M} is not after tps_open {opening:%H:%M}")
            ok = False
        voting_stage = self.string(table, "voting_stage", place, required=False)
        if "voting_stage" in table and voting_stage is None:
            ok = False
        phone = self.string(table, "phone", place, required=False)
        digits = sum(c.isdigit() for c in phone or "")
        if phone is not None and not (_PHONE.fullmatch(phone.strip()) and 9 <= digits <= 15):
            self.add(
                place, "phone", f'expected a phone number like "0355 123456" or "+62 812 3456 7890", got {_show(phone)}'
            )
            ok = False
        if not (ok and name and region and tzname):
            return None, tz
        phone = phone.strip() if phone else None
        return Election(name, region, tzname, times["tps_open"], times["tps_close"], voting_stage, phone), tz

    def pages(self, table: Any) -> dict[str, str]:
        place = "pages"
        if not isinstance(table, dict):
            self.add(place, None, f"expected a [pages] table, got {_show(table)}")
            return {}
        pages = {}
        for key in table:
            if key.removesuffix("_en") not in PAGE_KEYS:
                allowed = ", ".join(PAGE_KEYS)
                self.add(place, key, f"unknown page (allowed: {allowed}, each also with _en for English)")
                continue
            value = self.string(table, key, place)
            if value is not None:
                pages[key] = self.html(value, key, place)
        return pages

    def _array(self, value: Any, name: str) -> list[tuple[int, dict]]:
        if not isinstance(value, list):
            self.add(name, None, f"expected [[{name}]] entries (an array of tables), got {_show(value)}")
            return []
        entries = []
        for n, entry in enumerate(value, 1):
            if isinstance(entry, dict):
                entries.append((n, entry))
            else:
                self.add(f"{name} #{n}", None, f"expected a table, got {_show(entry)}")
        return entries

    def stages(self, value: Any) -> list[Stage]:
        stages: list[Stage] = []
        seen: dict[str, int] = {}
        for n, table in self._array(value, "stage"):
            place = _place("stage", n, table)
            sid = self.ident(table, place)
            if sid is not None:
                if sid in seen:
                    self.add(place, "id", f"duplicate id (also stage #{seen[sid]})")
                    sid = None
                else:
                    seen[sid] = n
            name = self.string(table, "name", place)
            start = self.date(table, "start", place)
            end = self.date(table, "end", place, required=False)
            if "end" in table and end is None:
                continue
            if end is None:
                end = start
            if start and end and end < start:
                self.add(place, "end", f"{end.isoformat()} is before start {start.isoformat()}")
                continue
            if "name_en" in table and self.string(table, "name_en", place) is None:
                continue  # shown in English replies and the calendar, so it must be text
            if sid and name and start and end:
                extra = {k: v for k, v in table.items() if k not in _STAGE_KEYS}
                stages.append(Stage(sid, name, start, end, extra))
        return stages

    def reminders(self, value: Any, tz: ZoneInfo, stage_ids: set[str]) -> list[Reminder]:
        if value is _MISSING:
            self.add("reminder", None, "missing: the file defines no [[reminder]]")
            return []
        reminders: list[Reminder] = []
        declared: dict[str, int] = {}
        expanded: dict[str, int] = {}
        planned = 0
        for n, table in self._array(value, "reminder"):
            place = _place("reminder", n, table)
            rid = self.ident(table, place)
            if rid is not None and (problem := reserved_id_problem(rid)):
                self.add(place, "id", problem)
                rid = None
            if rid is not None:
                if rid in declared:
                    self.add(place, "id", f"duplicate id (also reminder #{declared[rid]})")
                    rid = None
                else:
                    declared[rid] = n
            occurrences = self.reminder(table, place, tz, stage_ids)
            if rid is None or occurrences is None:
                continue
            series, offsets, template = occurrences
            planned += len(offsets)
            if planned > MAX_TOTAL_OCCURRENCES:
                continue  # one line below; expanding would only take time
            for days in offsets:
                declared_at = template.at + days
                at = self.out_of_night(template, declared_at, template.expires + days, place)
                if at is None:
                    continue
                oid = f"{rid}@{declared_at.date().isoformat()}" if series else rid
                if oid in expanded:
                    other = expanded[oid]
                    self.add(place, "id", f'occurrence id "{oid}" duplicates an id of reminder #{other}')
                    continue
                expanded[oid] = n
                reminders.append(
                    dataclasses.replace(
                        template,
                        id=oid,
                        at=at,
                        expires=template.expires + days,
                        # a deadline the night move left behind becomes the expiry
                        deliver_by=(template.deliver_by + days)
                        if template.deliver_by + days > at
                        else template.expires + days,
                        series=rid if series else None,
                    )
                )
        if planned > MAX_TOTAL_OCCURRENCES:
            total = f"{planned:,} occurrences in all, at most {MAX_TOTAL_OCCURRENCES:,} allowed in one file"
            self.add("reminder", None, f"{total} (check repeat_days and repeat_until)")
        return reminders

    def out_of_night(self, template: Reminder, at: dt.datetime, expires: dt.datetime, place: str):
        """`at`, or 06.00 after it when it falls in the night and the reminder doesn't say night = true.

        Returns None (with a warning) when the reminder would expire before morning.
        """
        if template.night or QUIET_END <= at.timetz().replace(tzinfo=None) < QUIET_START:
            return at
        morning = dt.datetime.combine(at.date(), QUIET_END, at.tzinfo)
        if at.time() >= QUIET_START:
            morning += dt.timedelta(days=1)
        when = f"{at:%Y-%m-%d %H:%M}"
        if morning >= expires:
            self.warnings.append(
                f'{place}: field "at": {when} is at night (21.00–06.00) and it expires before 06.00, '
                "so it is never sent; set night = true to send it at night"
            )
            return None
        self.warnings.append(
            f'{place}: field "at": {when} is at night (21.00–06.00); it starts at {morning:%Y-%m-%d %H:%M} '
            "instead (set night = true to send it at night)"
        )
        return morning

    def reminder(self, table: dict, place: str, tz: ZoneInfo, stage_ids: set[str]):
        """Validate one [[reminder]]; returns (repeats, day offsets, template) or None."""
        ok = True
        at = self.datetime(table, "at", place, tz)
        expires = self.datetime(table, "expires", place, tz, required=False)
        deliver_by = self.datetime(table, "deliver_by", place, tz, required=False)
        ok &= "expires" not in table or expires is not None
        ok &= "deliver_by" not in table or deliver_by is not None
        if at is not None:
            if expires is None and "expires" not in table:
                expires = dt.datetime.combine(at.date() + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
            if expires is not None and expires.timestamp() <= at.timestamp():
                word = "before" if expires.timestamp() < at.timestamp() else "not after"
                self.add(place, "expires", f"{_fmt(expires)} is {word} at {_fmt(at)}")
                ok = False
            if deliver_by is None and "deliver_by" not in table:
                deliver_by = expires
            if deliver_by is not None and "deliver_by" in table:
                if deliver_by.timestamp() <= at.timestamp():
                    word = "before" if deliver_by.timestamp() < at.timestamp() else "not after"
                    self.add(place, "deliver_by", f"{_fmt(deliver_by)} is {word} at {_fmt(at)}")
                    ok = False
                elif expires is not None and deliver_by.timestamp() > expires.timestamp():
                    self.add(place, "deliver_by", f"{_fmt(deliver_by)} is after expires {_fmt(expires)}")
                    ok = False

        roles = self.roles(table, place)
        text = self.string(table, "text", place)
        if text is not None:
            before = len(self.problems)
            text = self.html(text, "text", place)
            ok &= len(self.problems) == before

        stage = self.string(table, "stage", place, required=False)
        if stage is not None and stage not in stage_ids:
            self.add(place, "stage", f"unknown stage {_show(stage)}{schedule_problems.did_you_mean(stage, stage_ids)}")
            ok = False
        ok &= "stage" not in table or stage is not None

        silent = table.get("silent", False)
        if not isinstance(silent, bool):
            self.add(place, "silent", f"expected true or false, got {_show(silent)}")
            ok = False
        night = table.get("night", False)
        if not isinstance(night, bool):
            self.add(place, "night", f"expected true or false, got {_show(night)}")
            ok = False
        channel = table.get("channel", False)
        if not isinstance(channel, bool):
            self.add(place, "channel", f"expected true or false, got {_show(channel)}")
            ok = False
        text_en = self.string(table, "text_en", place, required=False)
        if text_en is not None:
            before = len(self.problems)
            text_en = self.html(text_en, "text_en", place)
            ok &= len(self.problems) == before

        offsets = [dt.timedelta(0)]
        repeat_days = table.get("repeat_days")
        repeat_until = self.date(table, "repeat_until", place, required=False)
        repeats = repeat_days is not None
        if repeats:
            if isinstance(repeat_days, bool) or not isinstance(repeat_days, int) or repeat_days < 1:
                shown = _show(repeat_days)
                self.add(place, "repeat_days", f"expected a whole number of days >= 1, got {shown}")
                ok = False
            elif "repeat_until" not in table:
                self.add(place, "repeat_until", "missing (required with repeat_days)")
                ok = False
            elif repeat_until is None:
                ok = False
            elif at is not None:
                if repeat_until < at.date():
                    self.add(
                        place,
                        "repeat_until",
                        f"{repeat_until.isoformat()} is before the date of at {at.date().isoformat()}",
                    )
                    ok = False
                else:
                    count = (repeat_until - at.date()).days // repeat_days + 1
                    if count > MAX_OCCURRENCES:
                        self.add(
                            place,
                            "repeat_until",
                            f"{count} occurrences, at most {MAX_OCCURRENCES} allowed per reminder",
                        )
                        ok = False
                    else:
                        offsets = [dt.timedelta(days=k * repeat_days) for k in range(count)]
        elif "repeat_until" in table:
            self.add(place, "repeat_until", "only allowed together with repeat_days")
            ok = False

        areas = self.reminder_areas(table, place)
        ok &= areas is not None
        ask = table.get("ask")
        if "ask" in table and ask not in ASKS:
            self.add(place, "ask", f"expected {' or '.join(_show(a) for a in ASKS)}, got {_show(ask)}")
            ok = False
        if not ok or at is None or expires is None or deliver_by is None or roles is None or text is None:
            return None
        extra = {k: v for k, v in table.items() if k not in _REMINDER_KEYS}
        template = Reminder(
            "", at, expires, deliver_by, roles, text, stage=stage, silent=silent, text_en=text_en, night=night,
            extra=extra, areas=areas or (), channel=channel, ask=ask,
        )  # fmt: skip
        return repeats, offsets, template

    def reminder_areas(self, table: dict, place: str) -> tuple[str, ...] | None:
        """The reminder's ``areas`` (() when absent), or None after recording a problem."""
        value = table.get("areas", [])
        if not isinstance(value, list) or not value and "areas" in table:
            shown = _show(value)
            self.add(place, "areas", f'expected a list like ["kedungwaru", "kedungwaru/bangoan"], got {shown}')
            return None
        problems = [p for ref in value if (p := ref_problem(self.area_list, ref))]
        for problem in problems:
            self.add(place, "areas", problem)
        if len(set(value)) != len(value):
            self.add(place, "areas", "an area is listed twice")
            return None
        return None if problems else tuple(value)

    def roles(self, table: dict, place: str) -> tuple[str, ...] | None:
        value = table.get("roles", _MISSING)
        if value is _MISSING:
            self.add(place, "roles", "missing")
            return None
        if not isinstance(value, list):
            self.add(place, "roles", f'expected a list like ["asn", "pemilih"], got {_show(value)}')
            return None
        if not value:
            self.add(place, "roles", f"empty (allowed: {', '.join(ROLES)})")
            return None
        ok = True
        seen: set[str] = set()
        for role in value:
            if not isinstance(role, str) or role not in ROLES:
                suggestion = schedule_problems.did_you_mean(role, ROLES) if isinstance(role, str) else ""
                self.add(place, "roles", f"unknown role {_show(role)}{suggestion} (allowed: {', '.join(ROLES)})")
                ok = False
            elif role in seen:
                self.add(place, "roles", f'duplicate role "{role}"')
                ok = False
            else:
                seen.add(role)
        return tuple(value) if ok else None


# --------------------------------------------------------------------------- ranges and reserved ids

# Dates outside this range are typos (a year 9999 also overflows date arithmetic and the calendar).
FIRST_DATE, LAST_DATE = dt.date(2000, 1, 1), dt.date(2100, 12, 31)

# Ids the bot gives its own broadcasts. Current ones contain ":" ("siaran:7", "ralat:<stage>:<start>:<end>"),
# which schedule ids cannot; these patterns are the ids older versions used, still in deployed databases.
_LEGACY_INTERNAL_IDS = (
    (re.compile(r"siaran-\d+"), "operators' ad-hoc broadcasts (/siaran)"),
    (re.compile(r"ralat-.*"), "date corrections (Ralat)"),
)


def _date_range_problem(day: dt.date) -> str | None:
    """None for a date in FIRST_DATE..LAST_DATE, else why not (one phrase)."""
    if FIRST_DATE <= day <= LAST_DATE:
        return None
    return f"{day.isoformat()} is outside {FIRST_DATE.isoformat()}..{LAST_DATE.isoformat()}: check the year"


def reserved_id_problem(rid: str) -> str | None:
    """None if ``rid`` may be a reminder id, else why not: it looks like an id the bot gives its own broadcasts.

    A reminder under such an id would be taken for that broadcast: logged as enqueued, never sent.
    """
    for pattern, owner in _LEGACY_INTERNAL_IDS:
        if pattern.fullmatch(rid):
            return (
                f'"{rid}" is reserved: the bot used ids like it for {owner}, so this reminder could be '
                f'taken for one and never sent; choose another id (e.g. "pengingat-{rid}")'
            )
    return None


# --------------------------------------------------------------------------- helpers


def _html_message(problem: telegram_html.Problem, when: str = "") -> str:
    """A schedule-check line for an HTML problem (English, like every other check line)."""
    if problem.code == "empty":
        return f"empty{when} (no visible text)"
    if problem.code == "too_long":
        return f"{problem.args['length']} characters{when}, Telegram allows at most {MAX_TEXT}"
    return f"HTML Telegram would refuse{when}: {problem.text('en')}"


def _syntax_problem(source: str, exc: tomllib.TOMLDecodeError) -> str:
    message = str(exc)
    m = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if m and message.startswith("Illegal character '\\n'"):  # a "..." string that runs to the end of its line
        return (
            f'{source}: TOML syntax error at line {m[1]}: unclosed quote: a "..." text must end on its own '
            'line (use """...""" for a text over several lines)'
        )
    if m:
        return f"{source}: TOML syntax error at line {m[1]}, column {m[2]}: {message[: m.start()]}"
    m = re.search(r"\s*\(at end of document\)$", message)
    if m:
        return f"{source}: TOML syntax error at end of document: {message[: m.start()]}"
    return f"{source}: TOML syntax error: {message}"


def _place(kind: str, n: int, table: dict) -> str:
    rid = table.get("id")
    return f'{kind} "{rid}"' if isinstance(rid, str) and rid.strip() else f"{kind} #{n}"


def _show(value: Any) -> str:
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return '"' + shown.replace("\n", "\\n") + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _fmt(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")


def _hhmm(value: Any) -> dt.time | None:
    if isinstance(value, dt.time):
        return value
    m = _HHMM_RE.fullmatch(value) if isinstance(value, str) else None
    if not m or int(m[1]) > 23 or int(m[2]) > 59:
        return None
    return dt.time(int(m[1]), int(m[2]))


def _add(moment: dt.datetime, delta: dt.timedelta, tz: ZoneInfo) -> dt.datetime:
    """Elapsed-time addition (through UTC), result in ``tz``."""
    return (moment.astimezone(dt.UTC) + delta).astimezone(tz)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
