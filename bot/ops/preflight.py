"""Render every reply that depends on the schedule before the bot accepts a file.

``bot/schedule/model.py`` checks each field on its own; this module checks what people will see: the
welcome (/start), the confirmation after choosing a role, /jadwal on every day its content changes,
/netralitas and /tps, the 'Ralat' notice of every stage and the calendar file, each in both
languages, and the channel's copy of each ``channel = true`` reminder. A reply Telegram would refuse
(too long, or HTML it does not accept) or that cannot be built at all becomes one line naming the part
of the file to change. `check`, `run` and `demo`
load the schedule through ``load``, so they refuse the same file with the same lines.

No Telegram and no database here: the texts are rendered exactly as the handlers render them.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from bot.content import catalogue, formats, texts
from bot.schedule import loading
from bot.schedule import model as sched
from bot.schedule.model import LAST_DATE, MAX_TEXT, ROLES, Schedule, ScheduleError

__all__ = ["load", "problems", "render_days"]

LANGUAGE_NAMES = {"id": "Indonesian", "en": "English"}


@dataclass(frozen=True)
class Reply:
    """One rendering of a reply: where in the file to fix it, what it is, and how to build it."""

    place: str  # e.g. 'election: field "name"', as the schedule checker names things
    what: str  # e.g. "/jadwal", for the message
    fix: str  # what to do when it is too long
    render: Callable[[], str]
    day: dt.date | None = None  # the "today" it was rendered for, when the text depends on it


def load(path: str | os.PathLike[str]) -> Schedule:
    """``bot.schedule.loading.load``, then every reply that depends on the schedule; ``ScheduleError`` lists all."""
    schedule = loading.load(path)
    lines = problems(schedule)
    if lines:
        raise ScheduleError(lines, schedule.source)
    return schedule


def problems(schedule: Schedule) -> list[str]:
    """One line per reply (and language) that Telegram would refuse or that cannot be built."""
    lines: list[str] = []
    for lang in formats.LANGS:
        failed: set[tuple[str, str]] = set()  # one line per reply, whichever day shows it first
        for reply in _replies(schedule, lang):
            if (reply.place, reply.what) in failed:
                continue
            line = _refusal(reply, lang)
            if line:
                failed.add((reply.place, reply.what))
                lines.append(line)
        lines += _calendar_problems(schedule, lang)
    return lines


def render_days(schedule: Schedule) -> list[dt.date]:
    """The days on which /jadwal and the role confirmation change: around every stage start and end."""
    days: set[dt.date] = set()
    for stage in schedule.stages:
        for day in (stage.start, stage.end):
            days.update((day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)))
    if not days:  # without stages only the date in the heading changes
        days.add(min((r.at.date() for r in schedule.reminders), default=sched.FIRST_DATE))
    return sorted(days)


# --------------------------------------------------------------------------- the replies


def _replies(schedule: Schedule, lang: str) -> Iterator[Reply]:
    e = schedule.election
    name_or_region = 'election: field "name"' if len(e.name) >= len(e.region) else 'election: field "region"'
    yield Reply(
        name_or_region, "the welcome message (/start)", "shorten it", partial(texts.welcome_text, schedule, lang)
    )
    yield from _page_replies(schedule, lang)
    for stage in schedule.stages:
        yield Reply(
            _stage_name_place(stage, lang),
            "the 'Ralat' notice when its dates change",
            "shorten it",
            partial(texts.correction_text, stage, stage.start, stage.end, lang),
        )
    if lang == "id":  # the channel gets one copy, in Indonesian, each command followed by "di @<bot>"
        for r in schedule.reminders:
            if r.channel:
                yield Reply(
                    f'reminder "{r.series or r.id}": field "text"',
                    'the channel\'s copy ("/tps di @<bot>")',
                    "shorten it",
                    partial(texts.channel_text, r.text, texts.LONGEST_USERNAME),
                )
    jadwal_place, jadwal_fix = _schedule_place(schedule, lang)
    for day in render_days(schedule):
        yield Reply(jadwal_place, "/jadwal", jadwal_fix, partial(texts.schedule_text, schedule, day, lang), day)
        following = texts.next_stage(schedule, day)
        place = _stage_name_place(following, lang) if following else name_or_region
        for role in ROLES:
            yield Reply(
                place,
                "the confirmation after choosing a role",
                "shorten it",
                partial(texts.subscribed_text, role, schedule, day, lang),
                day,
            )


def _page_replies(schedule: Schedule, lang: str) -> Iterator[Reply]:
    """/netralitas per role (with the hint for people not subscribed) and /tps, before and after
    every dated part of a page appears (dated parts only add text, so the last day shows them all)."""
    hint = catalogue.say(lang, "not_subscribed_hint")
    for today in (None, LAST_DATE):
        for role in ROLES:
            key = texts.netralitas_key(role)
            yield Reply(
                _page_place(schedule, key, lang),
                f"/netralitas for the role {role}",
                "shorten it",
                partial(texts.page_text, schedule, key, lang, today),
            )
        key = texts.netralitas_key(None)
        yield Reply(
            _page_place(schedule, key, lang),
            "/netralitas for someone not subscribed",
            "shorten it",
            partial(_page_with, schedule, key, lang, today, hint),
        )
        yield Reply(
            _page_place(schedule, "tps", lang),
            "/tps",
            "shorten it",
            partial(texts.page_text, schedule, "tps", lang, today),
        )


def _page_with(schedule: Schedule, key: str, lang: str, today: dt.date | None, suffix: str) -> str:
    """The page as /netralitas shows it, followed by ``suffix``."""
    return texts.page_text(schedule, key, lang, today) + suffix


def _refusal(reply: Reply, lang: str) -> str | None:
    """The line for a reply Telegram would refuse, else None."""
    language = LANGUAGE_NAMES[lang]
    when = f" on {reply.day.isoformat()}" if reply.day else ""
    try:
        text = reply.render()
    except Exception as exc:  # a value the texts cannot handle: refuse the file, don't crash on a user
        return f"{reply.place}: {reply.what} in {language}{when} cannot be built ({type(exc).__name__}: {exc})"
    length = sched.telegram_length(text)
    if length is None:
        problem = sched.html_problem(text)
        return f"{reply.place}: {reply.what} in {language}{when} would be refused by Telegram: {problem}"
    if length > MAX_TEXT:
        return (
            f"{reply.place}: {reply.what} would be {length:,} characters in {language}{when} "
            f"(Telegram's limit is {MAX_TEXT:,}): {reply.fix}"
        )
    if length == 0:
        return f"{reply.place}: {reply.what} in {language}{when} would have no visible text"
    return None


def _calendar_problems(schedule: Schedule, lang: str) -> list[str]:
    from bot.content.ics import schedule_ics  # icalendar loads only here

    try:
        schedule_ics(schedule, lang)
    except Exception as exc:
        language = LANGUAGE_NAMES[lang]
        return [
            f"stage: the calendar file (/jadwal button) in {language} cannot be built ({type(exc).__name__}: {exc})"
        ]
    return []


# --------------------------------------------------------------------------- naming the culprit


def _stage_name_place(stage: sched.Stage, lang: str) -> str:
    key = "name_en" if lang == "en" and "name_en" in stage.extra else "name"
    return f'stage "{stage.id}": field "{key}"'


def _page_place(schedule: Schedule, key: str, lang: str) -> str:
    used = f"{key}_en" if lang == "en" and schedule.pages.get(f"{key}_en") else key
    return f'pages: field "{used}"' if used in schedule.pages else f"pages: {key} (missing)"


def _schedule_place(schedule: Schedule, lang: str) -> tuple[str, str]:
    """Where to shorten /jadwal, and how: the election's name or region, or the stages, whichever is bigger."""
    e = schedule.election
    stage_part = sum(len(texts.stage_name(s, lang)) + 60 for s in schedule.stages)  # ~60: dates and state
    if len(e.name) + len(e.region) < stage_part:
        longest = max(schedule.stages, key=lambda s: len(texts.stage_name(s, lang)))
        if len(texts.stage_name(longest, lang)) * 2 > stage_part:  # one stage's name is most of it
            return _stage_name_place(longest, lang), "shorten it"
        n = len(schedule.stages)
        return "stage", f"{n} stages with their dates do not fit in one message; use fewer stages or shorter names"
    if len(e.name) >= len(e.region):
        return 'election: field "name"', "shorten it"
    return 'election: field "region"', "shorten it"
