"""The text templates of a schedule file, rendered for one reader (pure).

No Telegram and no I/O; dates are written by bot/content/formats.py. ``bot.schedule.model`` renders
every text with it when it loads a file.

Template syntax (a text names a date or a fact instead of writing it out)::

    {pemungutan-suara}           a stage's start date: "Rabu, 27 November 2024" / "Wednesday, 27 November 2024"
    {kampanye:end}               the stage's last day
    {kampanye:range}             its days: "Rabu, 25 September – Sabtu, 23 November 2024"
    {pemungutan-suara:H-7}       seven days before its start (H+1 the day after; kampanye:end:H-1 also works)
    {invitation_form}            a fact from [facts]; in an English text its `_en` variant when there is one
    {cekdpt_url:link}            a fact holding an http(s) address, as a link that shows the address
    {{ and }}                    a literal { and }

A date or time relative to a stage (``Anchor``) uses the same words without braces:
``"pemungutan-suara:H-1"`` is a date, ``"pemungutan-suara:H-1 18:00"`` a local date-time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.content.formats import date_range, long_date, time_of_day, words_of_months

# --------------------------------------------------------------------------- anchors

_STAGE_ID = re.compile(r"[a-z0-9-]+")
_OFFSET = re.compile(r"H(?:([+-])(\d{1,4}))?")
_MOMENT = re.compile(r"\s*(\S+)\s+(\d{1,2}):(\d{2})\s*")
ANCHOR_HELP = 'like "pemungutan-suara", "kampanye:end" or "pemungutan-suara:H-7"'
MOMENT_HELP = 'like "pemungutan-suara:H-1 18:00"'


@dataclass(frozen=True)
class Anchor:
    """A date given relative to a stage: its start (or end) plus ``days``."""

    stage: str
    end: bool = False
    days: int = 0

    def date(self, stages: Mapping[str, tuple[dt.date, dt.date]]) -> dt.date:
        start, end = stages[self.stage]
        return (end if self.end else start) + dt.timedelta(days=self.days)


def _anchor(stage: str, words: list[str]) -> Anchor:
    """Anchor from a stage id and its format words ([], ["end"], ["H-7"], ["end", "H-7"])."""
    end, days, rest = False, 0, list(words)
    if rest and rest[0] == "end":
        end = True
        rest.pop(0)
    if rest:
        m = _OFFSET.fullmatch(rest.pop(0))
        if not m:
            raise ValueError
        days = int(m[2] or 0) * (-1 if m[1] == "-" else 1)
    if rest:
        raise ValueError
    return Anchor(stage, end, days)


def parse_anchor(spec: str) -> Anchor:
    """'pemungutan-suara:H-7' -> Anchor. Raises ValueError with a one-line reason."""
    stage, *words = spec.strip().split(":")
    if not _STAGE_ID.fullmatch(stage):
        raise ValueError(f"expected a date relative to a stage, {ANCHOR_HELP}")
    try:
        return _anchor(stage, words)
    except ValueError:
        raise ValueError(f"expected a date relative to a stage, {ANCHOR_HELP}") from None


def parse_moment(spec: str) -> tuple[Anchor, dt.time]:
    """'pemungutan-suara:H-1 18:00' -> (Anchor, 18:00). Raises ValueError with a one-line reason."""
    m = _MOMENT.fullmatch(spec)
    if not m or int(m[2]) > 23 or int(m[3]) > 59:
        raise ValueError(f"expected a local time relative to a stage, {MOMENT_HELP}")
    try:
        return parse_anchor(m[1]), dt.time(int(m[2]), int(m[3]))
    except ValueError:
        raise ValueError(f"expected a local time relative to a stage, {MOMENT_HELP}") from None


# --------------------------------------------------------------------------- templates

_INNER = re.compile(r"([a-z0-9][a-z0-9_-]*)((?::[A-Za-z0-9+-]+)*)")


@dataclass(frozen=True)
class Placeholder:
    name: str
    words: tuple[str, ...]  # format words after the name: ("end",), ("H-7",), ("link",) ...
    written: str  # as in the text, braces included


def parse_template(text: str) -> tuple[list[str | Placeholder], list[str]]:
    """Split a text into literal strings and placeholders; the second item lists syntax problems."""
    parts: list[str | Placeholder] = []
    problems: list[str] = []
    buf: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c not in "{}":
            j = i
            while j < n and text[j] not in "{}":
                j += 1
            buf.append(text[i:j])
            i = j
        elif text.startswith(c * 2, i):
            buf.append(c)
            i += 2
        elif c == "}":
            problems.append(f'"}}" at character {i + 1} closes no placeholder (write }}}} for a literal brace)')
            buf.append(c)
            i += 1
        else:
            close = text.find("}", i)
            reopen = text.find("{", i + 1)
            if close < 0 or 0 <= reopen < close:
                problems.append(f'"{{" at character {i + 1} opens no placeholder (write {{{{ for a literal brace)')
                buf.append(c)
                i += 1
                continue
            written = text[i : close + 1]
            m = _INNER.fullmatch(text[i + 1 : close])
            if not m:
                problems.append(f"invalid placeholder {written} (write {{{{ for a literal brace)")
            else:
                if buf:
                    parts.append("".join(buf))
                    buf = []
                parts.append(Placeholder(m[1], tuple(w for w in m[2].split(":") if w), written))
            i = close + 1
    if buf:
        parts.append("".join(buf))
    return parts, problems


@dataclass(frozen=True)
class Fact:
    """A value texts refer to by name. Strings are templates (HTML) unless ``literal``."""

    value: str | int | dt.time
    value_en: str | int | dt.time | None = None
    since: dt.date | None = None  # before this date the fact renders as nothing
    literal: bool = False
    until: dt.date | None = None  # from this date on the fact renders as nothing
    # The voting day the fact belongs to (a holiday decree's date, one election's figures): the fact
    # renders as nothing unless the schedule's voting day is that date.
    day: dt.date | None = None


_URL = re.compile(r"https?://[^\s\"<>]+")


class Renderer:
    """Renders templates for one schedule: its stage dates, its facts and its voting day."""

    def __init__(
        self,
        stages: Mapping[str, tuple[dt.date, dt.date]],
        facts: Mapping[str, Fact],
        voting_day: dt.date | None = None,
    ) -> None:
        self.stages = stages
        self.facts = facts
        self.voting_day = voting_day

    def belongs(self, name: str) -> bool:
        """False for a fact tied to another voting day than this schedule's: it is never shown."""
        day = self.facts[name].day
        return day is None or day == self.voting_day

    def render(self, text: str, lang: str, on: dt.date, problems: list[str] | None = None) -> str:
        """``text`` for a reader in ``lang`` on day ``on``; problems (unknown names ...) are appended."""
        return self._render(text, lang, on, problems if problems is not None else [], ())

    def _render(self, text: str, lang: str, on: dt.date, problems: list[str], stack: tuple[str, ...]) -> str:
        parts, syntax = parse_template(text)
        problems.extend(syntax)
        out = []
        for part in parts:
            out.append(part if isinstance(part, str) else self._placeholder(part, lang, on, problems, stack))
        return "".join(out)

    def _placeholder(self, ph: Placeholder, lang: str, on: dt.date, problems: list[str], stack: Any) -> str:
        if ph.name in self.stages:
            if ph.words == ("range",):
                return date_range(*self.stages[ph.name], lang)
            try:
                return long_date(_anchor(ph.name, list(ph.words)).date(self.stages), lang)
            except ValueError:
                problems.append(f"{ph.written}: unknown format (use :end, :range, :H-7 or :H+1 after a stage id)")
                return ""
        fact = self.facts.get(ph.name)
        if fact is None:
            problems.append(f'unknown placeholder {ph.written}: no stage or fact "{ph.name}"')
            return ""
        if ph.words not in ((), ("link",)):
            problems.append(f"{ph.written}: a fact takes no format but :link")
            return ""
        if ph.name in stack:  # a cycle; reported where the facts are checked
            return ""
        value = self.fact_text(ph.name, lang, on, None, stack)
        if ph.words == ("link",):
            if not _URL.fullmatch(value):
                problems.append(f'{ph.written}: fact "{ph.name}" is not an http(s) address')
                return ""
            shown = re.sub(r"^https?://", "", value).rstrip("/")
            return f'<a href="{value}">{shown}</a>'
        return value

    def fact_text(
        self,
        name: str,
        lang: str,
        on: dt.date,
        problems: list[str] | None = None,
        stack: tuple[str, ...] = (),
        *,
        always: bool = False,
    ) -> str:
        """One fact rendered; empty before its ``since`` date, from its ``until`` date and when it belongs to
        another voting day (``always``: rendered regardless, to check the fact itself)."""
        fact = self.facts[name]
        if not always and not self.belongs(name):
            return ""
        if not always and (
            (fact.since is not None and on < fact.since) or (fact.until is not None and on >= fact.until)
        ):
            return ""
        value = fact.value_en if lang == "en" and fact.value_en is not None else fact.value
        if isinstance(value, dt.time):
            return time_of_day(value, lang)
        if isinstance(value, int):
            return str(value)
        if fact.literal:
            return value
        sink = problems if problems is not None else []  # a fact's own problems are reported at the fact
        return self._render(value, lang, on, sink, (*stack, name))

    def references(self, text: str) -> set[str]:
        """Names a text uses directly."""
        return {p.name for p in parse_template(text)[0] if isinstance(p, Placeholder)}

    def fact_cycle(self, name: str) -> list[str] | None:
        """The chain ``name -> ... -> name`` when a fact refers back to itself, else None."""

        def walk(current: str, path: list[str]) -> list[str] | None:
            for ref in sorted(self._fact_refs(current)):
                if ref == name:
                    return [*path, ref]
                if ref not in path:
                    found = walk(ref, [*path, ref])
                    if found:
                        return found
            return None

        return walk(name, [name])

    def _fact_refs(self, name: str) -> set[str]:
        fact = self.facts.get(name)
        if fact is None or fact.literal:
            return set()
        values = (fact.value, fact.value_en)
        return {r for v in values if isinstance(v, str) for r in self.references(v) if r in self.facts}

    def since_dates(self, text: str) -> set[dt.date]:
        """The dates a text changes on: ``since`` and ``until`` of every dated fact it uses, directly or
        through other facts."""
        seen: set[str] = set()
        todo = [r for r in self.references(text) if r in self.facts]
        while todo:
            name = todo.pop()
            if name not in seen and self.belongs(name):  # a fact never shown changes nothing
                seen.add(name)
                todo.extend(self._fact_refs(name))
        dates = {self.facts[n].since for n in seen} | {self.facts[n].until for n in seen}
        return {d for d in dates if d is not None}


# --------------------------------------------------------------------------- dates written out

# Month names and abbreviations of both languages, and two more that people write ("Agt", "Sept").
_MONTH_WORDS = {**words_of_months(), "agt": 8, "sept": 9}
_MONTH = "|".join(sorted(_MONTH_WORDS, key=len, reverse=True))
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:\s*[–-]\s*(\d{{1,2}}))?\s+({_MONTH})\b\.?(?:\s+(\d{{4}}))?", re.IGNORECASE)
_MONTH_DAY = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})\b(?:,?\s+(\d{{4}}))?", re.IGNORECASE)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_NUMERIC = re.compile(r"\b(\d{1,2})(?:/(\d{1,2})(?:/(\d{2}|\d{4}))?|([.-])(\d{1,2})\4(\d{4}))\b")


def written_dates(text: str) -> list[tuple[str, int, int, int | None]]:
    """Dates a text writes out: (as written, day, month, year or None when it gives no year).

    Recognises "27 November 2024", "24–26 November", "27 Nov", "November 27, 2024", "2024-11-27",
    "27/11", "27/11/2024", "27-11-2024" and "27.11.2024". A range gives one entry per day named.
    """
    found: list[tuple[str, int, int, int | None]] = []
    for m in _DAY_MONTH.finditer(text):
        month, year = _MONTH_WORDS[m[3].lower()], int(m[4]) if m[4] else None
        found += [(m[0], int(d), month, year) for d in (m[1], m[2]) if d]
    for m in _MONTH_DAY.finditer(text):
        found.append((m[0], int(m[2]), _MONTH_WORDS[m[1].lower()], int(m[3]) if m[3] else None))
    for m in _ISO.finditer(text):
        found.append((m[0], int(m[3]), int(m[2]), int(m[1])))
    for m in _NUMERIC.finditer(text):
        if m[2]:
            year = int(m[3]) if m[3] else None
            found.append((m[0], int(m[1]), int(m[2]), year + 2000 if year is not None and year < 100 else year))
        else:
            found.append((m[0], int(m[1]), int(m[5]), int(m[6])))
    return [f for f in found if 1 <= f[1] <= 31 and 1 <= f[2] <= 12]
