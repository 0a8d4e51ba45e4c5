"""How a schedule file's fields are read and shown back in problems: one reader per kind of value."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from bot.content import telegram_html
from bot.schedule.areas import Area
from bot.schedule.model import HHMM_RE, ID_RE, MAX_TEXT, date_range_problem


class FieldReaders:
    """The generic field readers of a schedule table.

    Each returns the value, or None after recording a problem that names the entry and the field.
    """

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.area_list: list[Area] = []

    def add(self, place: str, key: str | None, message: str) -> None:
        self.problems.append(f'{place}: field "{key}": {message}' if key else f"{place}: {message}")

    def string(self, table: dict, key: str, place: str, *, required: bool = True) -> str | None:
        value = table.get(key, MISSING)
        if value is MISSING:
            if required:
                self.add(place, key, "missing")
            return None
        if not isinstance(value, str):
            self.add(place, key, f"expected a string, got {show_value(value)}")
            return None
        if not value.strip():
            self.add(place, key, "empty")
            return None
        return value

    def ident(self, table: dict, place: str) -> str | None:
        value = self.string(table, "id", place)
        if value is not None and not ID_RE.fullmatch(value):
            self.add(place, "id", f"invalid id {show_value(value)} (use only a-z, 0-9 and -)")
            return None
        return value

    def date(self, table: dict, key: str, place: str, *, required: bool = True) -> dt.date | None:
        value = table.get(key, MISSING)
        if value is MISSING:
            if required:
                self.add(place, key, "missing")
            return None
        if value is INVALID:
            return None
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            self.add(place, key, f"expected a date like 2024-11-27, got {show_value(value)}")
            return None
        if problem := date_range_problem(value):
            self.add(place, key, problem)
            return None
        return value

    def datetime(self, table: dict, key: str, place: str, tz: ZoneInfo, *, required: bool = True) -> dt.datetime | None:
        value = table.get(key, MISSING)
        if value is MISSING:
            if required:
                self.add(place, key, "missing")
            return None
        if value is INVALID:
            return None
        if not isinstance(value, dt.datetime):
            self.add(place, key, f"expected a date-time like 2024-11-27T06:00:00, got {show_value(value)}")
            return None
        if problem := date_range_problem(value.date()):  # before any arithmetic that could overflow
            self.add(place, key, problem)
            return None
        return value.astimezone(tz) if value.tzinfo else value.replace(tzinfo=tz)

    def html(self, value: str, key: str, place: str) -> str:
        """Check a Telegram HTML text; returns it stripped of surrounding whitespace."""
        if "{" in value or "}" in value:  # a template: checked once rendered (render_texts)
            return value.strip()
        if problem := telegram_html.check(value):
            self.add(place, key, html_message(problem))
        return value.strip()

    def html_text(self, table: dict, key: str, place: str, *, required: bool) -> tuple[str | None, bool]:
        """A Telegram HTML text field, stripped; and whether it is usable (absent and optional is)."""
        value = self.string(table, key, place, required=required)
        if value is None:
            return None, True
        before = len(self.problems)
        value = self.html(value, key, place)
        return value, len(self.problems) == before

    def flag(self, table: dict, key: str, place: str) -> bool | None:
        """A true-or-false field (false when absent); None after recording a problem."""
        value = table.get(key, False)
        if not isinstance(value, bool):
            self.add(place, key, f"expected true or false, got {show_value(value)}")
            return None
        return value

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
