"""Reading a schedule file: TOML in, a checked :class:`bot.schedule.model.Schedule` out, or every problem at once.

`shifted` compresses a schedule into a live demo."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import tomllib
from zoneinfo import ZoneInfo

from bot.schedule import problems as schedule_problems
from bot.schedule.model import Schedule, ScheduleError
from bot.schedule.tps import lookalike_desa, read_tps_file
from bot.schedule.validation import ScheduleChecker


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
    return parse(text, source, os.path.dirname(source))


def parse(text: str, source: str = "<string>", folder: str | None = None) -> Schedule:
    """Parse and validate schedule TOML. Raises ``ScheduleError`` listing all problems found.

    ``[election] tps_file`` is read from ``folder`` (the schedule file's; None: the working folder).
    """
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScheduleError(syntax_problem(source, exc), source) from None
    checker = ScheduleChecker()
    schedule = checker.schedule(doc, source)
    tps_problems: list[str] = []
    if schedule is not None and schedule.election.tps_file:
        schedule, tps_problems = with_tps(schedule, schedule.election.tps_file, folder)
    if checker.problems or tps_problems or schedule is None:
        stages = doc.get("stage")
        tables = stages if isinstance(stages, list) else []
        declared = [t["id"] for t in tables if isinstance(t, dict) and isinstance(t.get("id"), str)]
        problems = schedule_problems.condensed(checker.problems, declared) + tps_problems
        raise ScheduleError(problems or [f"{source}: invalid schedule"], source)
    return schedule


def with_tps(schedule: Schedule, written: str, folder: str | None = None) -> tuple[Schedule, list[str]]:
    """``schedule`` with the TPS list of the CSV file ``written`` (relative to ``folder``), and its problems.

    The file's desa join the kecamatan that list none. With any problem the schedule is returned unchanged.
    """
    path = os.path.join(folder or os.getcwd(), os.path.expanduser(written))
    if not os.path.isfile(path):
        where = os.path.abspath(path)
        what = "is a folder, not a file" if os.path.isdir(path) else "not found"
        return schedule, [f'election: field "tps_file": "{written}" {what} (looked for {where})']
    tps, areas, problems = read_tps_file(path, schedule.areas, schedule.election.tps_bounds, name=written)
    if problems:
        return schedule, problems
    lookalikes = lookalike_desa(tps, areas, listed=(a.id for a in schedule.areas if a.desa))
    return dataclasses.replace(schedule, tps=tps, areas=areas, warnings=(*schedule.warnings, *lookalikes)), []


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
        at = add_time(now, first_in + i * spacing, tz)
        moved.append(
            dataclasses.replace(
                r,
                at=at,
                expires=add_time(at, max(r.expires - r.at, min_life), tz),
                deliver_by=add_time(at, max(r.deliver_by - r.at, min_life), tz),
            )
        )
    days = dt.timedelta(days=(now.date() - reminders[0].at.astimezone(tz).date()).days) if reminders else None
    stages = schedule.stages
    if days:
        stages = tuple(dataclasses.replace(s, start=s.start + days, end=s.end + days) for s in stages)
    return dataclasses.replace(schedule, stages=stages, reminders=tuple(moved))


def syntax_problem(source: str, exc: tomllib.TOMLDecodeError) -> str:
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


def add_time(moment: dt.datetime, delta: dt.timedelta, tz: ZoneInfo) -> dt.datetime:
    """Elapsed-time addition (through UTC), result in ``tz``."""
    return (moment.astimezone(dt.UTC) + delta).astimezone(tz)
