"""How a schedule file's fields are declared, read and shown back in problems.

Each section declares its fields once, as a mapping of key to kind (`Text`, `Date`, `Flag` ...).
`FieldReaders.read` reads a table against that declaration, records one line per problem naming the
entry and the field, and returns the values; the rules across fields stay with their section.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.content import telegram_html
from bot.schedule import problems as schedule_problems
from bot.schedule.areas import Area, ref_problem
from bot.schedule.model import HHMM_RE, ID_RE, MAX_TEXT, PHONE, ROLES, date_range_problem
from bot.schedule.tps import Bounds


class Kind:
    """What one field holds: `parse` returns (value, problems); value None when unusable."""

    required = True
    default: Any = None  # the value when absent (and not required)
    kept_with_problems = False  # whether a value with a problem is still returned (see Html)

    def parse(self, value: Any, reader: FieldReaders) -> tuple[Any, list[str]]:
        raise NotImplementedError


@dataclasses.dataclass(frozen=True)
class Text(Kind):
    """A non-empty string."""

    required: bool = True

    def parse(self, value: Any, reader: FieldReaders) -> tuple[Any, list[str]]:
        if not isinstance(value, str):
            return None, [f"expected a string, got {show_value(value)}"]
        return (value, []) if value.strip() else (None, ["empty"])


@dataclasses.dataclass(frozen=True)
class Id(Text):
    """An id operators type: a-z, 0-9 and -."""

    def parse(self, value: Any, reader: FieldReaders) -> tuple[Any, list[str]]:
        text, problems = Text.parse(self, value, reader)
        if text is not None and not ID_RE.fullmatch(text):
            return None, [f"invalid id {show_value(text)} (use only a-z, 0-9 and -)"]
        return text, problems


@dataclasses.dataclass(frozen=True)
class Html(Text):
    """A Telegram HTML text, stripped; a template (with {...}) is checked once rendered.

    The text is kept even with a problem: the problem already makes the file invalid."""

    kept_with_problems = True

    def parse(self, value: Any, reader: FieldReaders) -> tuple[Any, list[str]]:
        text, problems = Text.parse(self, value, reader)
        if text is None:
            return None, problems
        if "{" not in text and "}" not in text and (problem := telegram_html.check(text)):
            return text.strip(), [html_message(problem)]
        return text.strip(), []


@dataclasses.dataclass(frozen=True)
class Date(Kind):
    """A calendar date, within the range the bot can count with."""

    required: bool = True

    def parse(self, value: Any, reader: FieldReaders) -> tuple[Any, list[str]]:
        if value is INVALID:
            return None, []
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            return None, [f"expected a date like 2024-11-27, got {show_value(value)}"]
        problem = date_range_problem(value)
        return (None, [problem]) if problem else (value, [])


@dataclasses.dataclass(frozen=True)
class DateTime(Kind):
    """A local date-time, in the election's time zone unless it names an offset."""

    required: bool = True

    def parse(self, value: Any, reader: FieldReaders) -> tuple[Any, list[str]]:
        if value is INVALID:
            return None, []
        if not isinstance(value, dt.datetime):
            return None, [f"expected a date-time like 2024-11-27T06:00:00, got {show_value(value)}"]
        if problem := date_range_problem(value.date()):  # before any arithmetic that could overflow
            return None, [problem]
        return (value.astimezone(reader.tz) if value.tzinfo else value.replace(tzinfo=reader.tz)), []


@dataclasses.dataclass(frozen=True)
class Clock(Kind):
    """A time of day, "07:00" or 07:00:00."""

    required: bool = False

    def parse(self, value: Any, reader: FieldReaders) -> tuple[Any, list[str]]:
        time = hhmm(value)
        return (time, []) if time else (None, [f'expected a time like "07:00", got {show_value(value)}'])


@dataclasses.dataclass(frozen=True)
class Zone(Text):
    """An IANA time zone name."""

    def parse(self, value: Any, reader: FieldReaders) -> tuple[Any, list[str]]:
        name, problems = Text.parse(self, value, reader)
        if name is None:
            return None, problems
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            return None, [f"unknown time zone {show_value(name)}"]
        return name, []


@dataclasses.dataclass(frozen=True)
class Phone(Text):
    """A phone number people can call, stripped."""

    required: bool = False

    def parse(self, value: Any, reader: FieldReaders) -> tuple[Any, list[str]]:
        phone, problems = Text.parse(self, value, reader)
        if phone is None:
            return None, problems
        if not (PHONE.fullmatch(phone.strip()) and 9 <= sum(c.isdigit() for c in phone) <= 15):
            example = '"0355 123456" or "+62 812 3456 7890"'
            return None, [f"expected a phone number like {example}, got {show_value(phone)}"]
        return phone.strip(), []


@dataclasses.dataclass(frozen=True)
class Flag(Kind):
    """True or false; false when absent."""

    required: bool = False
    default: Any = False

    def parse(self, value: Any, reader: FieldReaders) -> tuple[Any, list[str]]:
        ok = isinstance(value, bool)
        return (value, []) if ok else (None, [f"expected true or false, got {show_value(value)}"])


@dataclasses.dataclass(frozen=True)
class Box(Kind):
    """A rough rectangle on the map: [south, west, north, east] in degrees (absent: none)."""

    required: bool = False

    def parse(self, value: Any, reader: FieldReaders) -> tuple[Any, list[str]]:
        usage = "expected [south, west, north, east] in degrees, e.g. [-8.4, 111.6, -7.8, 112.2]"
        numbers = value if isinstance(value, list) else []
        if len(numbers) != 4 or not all(isinstance(x, int | float) and not isinstance(x, bool) for x in numbers):
            return None, [f"{usage}, got {show_value(value)}"]
        south, west, north, east = (float(x) for x in numbers)
        if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
            return None, [f"{usage} (south below north, west below east), got {show_value(value)}"]
        return Bounds(south=south, west=west, north=north, east=east), []


@dataclasses.dataclass(frozen=True)
class Days(Kind):
    """A whole number of days, at least one."""

    required: bool = False

    def parse(self, value: Any, reader: FieldReaders) -> tuple[Any, list[str]]:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            return None, [f"expected a whole number of days >= 1, got {show_value(value)}"]
        return value, []


@dataclasses.dataclass(frozen=True)
class OneOf(Kind):
    """One of a few words."""

    choices: tuple[str, ...] = ()
    required: bool = False

    def parse(self, value: Any, reader: FieldReaders) -> tuple[Any, list[str]]:
        if value in self.choices:
            return value, []
        return None, [f"expected {' or '.join(show_value(c) for c in self.choices)}, got {show_value(value)}"]


@dataclasses.dataclass(frozen=True)
class Roles(Kind):
    """A list of the bot's roles, each once."""

    required: bool = True

    def parse(self, value: Any, reader: FieldReaders) -> tuple[Any, list[str]]:
        allowed = ", ".join(ROLES)
        if not isinstance(value, list):
            return None, [f'expected a list like ["asn", "pemilih"], got {show_value(value)}']
        if not value:
            return None, [f"empty (allowed: {allowed})"]
        problems, seen = [], set()
        for role in value:
            if not isinstance(role, str) or role not in ROLES:
                hint = schedule_problems.did_you_mean(role, ROLES) if isinstance(role, str) else ""
                problems.append(f"unknown role {show_value(role)}{hint} (allowed: {allowed})")
            elif role in seen:
                problems.append(f'duplicate role "{role}"')
            seen.add(role)
        return (None if problems else tuple(value)), problems


@dataclasses.dataclass(frozen=True)
class AreaRefs(Kind):
    """A list of the file's [[area]] ids (a kecamatan, or kecamatan/desa), each once; () when absent."""

    required: bool = False
    default: Any = ()

    def parse(self, value: Any, reader: FieldReaders) -> tuple[Any, list[str]]:
        if not isinstance(value, list) or not value:
            return None, [f'expected a list like ["kedungwaru", "kedungwaru/bangoan"], got {show_value(value)}']
        problems = [p for ref in value if (p := ref_problem(reader.area_list, ref))]
        if len(set(value)) != len(value):
            problems.append("an area is listed twice")
        return (None if problems else tuple(value)), problems


@dataclasses.dataclass(frozen=True)
class StageRef(Text):
    """The id of one of the file's [[stage]] entries."""

    def parse(self, value: Any, reader: FieldReaders) -> tuple[Any, list[str]]:
        stage, problems = Text.parse(self, value, reader)
        if stage is not None and stage not in reader.stage_ids:
            hint = schedule_problems.did_you_mean(stage, reader.stage_ids)
            return None, [f"unknown stage {show_value(stage)}{hint}"]
        return stage, problems


@dataclasses.dataclass(frozen=True)
class Phrases(Kind):
    """A non-empty list of non-empty strings, each stripped; () when absent."""

    required: bool = True
    default: Any = ()
    example: str = ""

    def parse(self, value: Any, reader: FieldReaders) -> tuple[Any, list[str]]:
        if not isinstance(value, list) or not value or not all(isinstance(q, str) and q.strip() for q in value):
            return None, [f"expected a list of {self.example}, got {show_value(value)}"]
        return tuple(q.strip() for q in value), []


Fields = dict[str, Kind]  # a section's declaration: each field's key and kind, in the order checked


class Values(dict[str, Any]):
    """A table read against its declaration: each declared field's value (None when absent or
    unusable), and whether every field present was usable and every required one present."""

    ok = True


class FieldReaders:
    """Reads a schedule table against its section's declaration, recording one problem line per
    bad field, naming the entry and the field."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.area_list: list[Area] = []
        self.tz: ZoneInfo = ZoneInfo("UTC")  # the election's, once read: date-times are local to it
        self.stage_ids: set[str] = set()

    def add(self, place: str, key: str | None, message: str) -> None:
        self.problems.append(f'{place}: field "{key}": {message}' if key else f"{place}: {message}")

    def read(self, table: dict, fields: Fields, place: str) -> Values:
        """Every declared field of `table`, in declaration order."""
        values = Values()
        for key, kind in fields.items():
            before = len(self.problems)
            values[key] = self.field(table, key, kind, place)
            if len(self.problems) > before or (values[key] is None and (key in table or kind.required)):
                values.ok = False
        return values

    def field(self, table: dict, key: str, kind: Kind, place: str) -> Any:
        """One field's value, or None (after recording what is wrong, if anything is)."""
        value = table.get(key, MISSING)
        if value is MISSING:
            if kind.required:
                self.add(place, key, "missing")
            return kind.default
        parsed, problems = kind.parse(value, self)
        for problem in problems:
            self.add(place, key, problem)
        return None if problems and not kind.kept_with_problems else parsed

    def html(self, text: str, key: str, place: str) -> str:
        """A Telegram HTML text checked (its problems recorded), stripped."""
        return str(self.field({key: text}, key, Html(), place))

    def forbid_unknown(self, table: dict, allowed: Iterable[str], place: str) -> None:
        allowed = tuple(allowed)
        for key in table:
            if key not in allowed:
                self.add(place, key, f"unknown field (allowed: {', '.join(allowed)})")

    def _array(self, value: Any, name: str) -> list[tuple[int, dict]]:
        if not isinstance(value, list):
            self.add(name, None, f"expected [[{name}]] entries (an array of tables), got {show_value(value)}")
            return []
        entries = []
        for n, entry in enumerate(value, 1):
            if isinstance(entry, dict):
                entries.append((n, entry))
            else:
                self.add(f"{name} #{n}", None, f"expected a table, got {show_value(entry)}")
        return entries


MISSING = object()


INVALID = object()  # a relative date that could not be worked out; already reported


def html_message(problem: telegram_html.Problem, when: str = "") -> str:
    """A schedule-check line for an HTML problem (English, like every other check line)."""
    if problem.code == "empty":
        return f"empty{when} (no visible text)"
    if problem.code == "too_long":
        return f"{problem.args['length']} characters{when}, Telegram allows at most {MAX_TEXT}"
    return f"HTML Telegram would refuse{when}: {problem.text('en')}"


def place_of(kind: str, n: int, table: dict) -> str:
    rid = table.get("id")
    return f'{kind} "{rid}"' if isinstance(rid, str) and rid.strip() else f"{kind} #{n}"


def show_value(value: Any) -> str:
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


def fmt_moment(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")


def hhmm(value: Any) -> dt.time | None:
    if isinstance(value, dt.time):
        return value
    m = HHMM_RE.fullmatch(value) if isinstance(value, str) else None
    if not m or int(m[1]) > 23 or int(m[2]) > 59:
        return None
    return dt.time(int(m[1]), int(m[2]))
