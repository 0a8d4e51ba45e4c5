"""`check` warnings for what a schedule file keeps from another election's dates (pure).

A schedule file gets reused: voting day moves (a postponement, a re-vote), or the whole timetable
moves to the next election. What was true of one voting day then goes stale: a holiday decree names
one date; the count of candidate pairs, the DPT figures, a court ruling and local cases belong to
one election; a reminder or a fact written with a fixed date keeps it. Texts already leave out a
fact tied to another voting day (``render.Fact.day``); these warnings name what was left behind,
one line per fact or reminder, in the style of the other `check` lines.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from bot.content import render

if TYPE_CHECKING:
    from bot.schedule.model import Election, Reminder, Stage

__all__ = ["typed_warnings", "warnings"]

_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# "Pilkada 2024", "Pemilu Serentak 2029": an election named by hand instead of {election}.
_ELECTION_WORDS = re.compile(r"\b(?:pilkada|pemilu|pemilihan|election)(?:\s+serentak)?\s+(?:19|20)\d\d\b", re.I)
# "PKPU 17/2024": the KPU's regulations are made for one election; the next one has its own.
_KPU_RULE = re.compile(r"\bPKPU\s+(?:No(?:mor|\.)?\s*)?\d+\s*/\s*(?:19|20)\d\d\b", re.I)
# A year on its own; not the year of a law's number ("UU 10/2016"), which stays the same law.
_LONE_YEAR = re.compile(r"(?<![/\d])\b(?:19|20)\d\d\b")


def warnings(
    election: Election,
    stages: Sequence[Stage],
    facts: Mapping[str, render.Fact],
    reminders: Sequence[Reminder],
    voting_day: dt.date | None,
) -> list[str]:
    """One line for each thing that lies outside the election's stages or belongs to another voting day."""
    if not stages:
        return []
    first, last = min(s.start for s in stages), max(s.end for s in stages)
    span = f"the election's stages ({first.isoformat()} – {last.isoformat()})"
    found = _name_warnings(election, first, last)
    found += _fact_warnings(facts, voting_day, first, last, span)
    found += _reminder_warnings(reminders, first, last, span)
    return found


def _name_warnings(election: Election, first: dt.date, last: dt.date) -> list[str]:
    years = range(first.year, last.year + 1)
    return [
        f'election: field "name": names the year {year}, but the stages lie in '
        f"{first.year if first.year == last.year else f'{first.year}–{last.year}'}: write this election's name"
        for year in dict.fromkeys(m[0] for m in _YEAR.finditer(election.name))
        if int(year) not in years
    ]


def _fact_warnings(
    facts: Mapping[str, render.Fact], voting_day: dt.date | None, first: dt.date, last: dt.date, span: str
) -> list[str]:
    found = []
    for name, fact in facts.items():
        if fact.day is not None and fact.day != voting_day:
            now = f"voting day {voting_day.isoformat()}" if voting_day else "the voting day (no voting stage)"
            found.append(
                f'facts: field "{name}": date {fact.day.isoformat()} is not {now}, so no text shows it; '
                "rewrite it for this voting day (a holiday needs its own decree) or remove it"
            )
            continue
        dates = (("from", fact.since, last), ("until", fact.until, last + dt.timedelta(days=1)))
        for key, day, latest in dates:  # `until` is the first day without the fact
            if day is not None and not first <= day <= latest:
                found.append(
                    f'facts: field "{name}": {key} {day.isoformat()} lies outside {span}: write it relative to '
                    'a stage (e.g. from = "penetapan-paslon"), or give the fact this election\'s date'
                )
    return found


def _reminder_warnings(reminders: Sequence[Reminder], first: dt.date, last: dt.date, span: str) -> list[str]:
    days: dict[str, list[dt.date]] = {}
    for r in reminders:
        days.setdefault(r.series or r.id, []).append(r.at.date())
    found = []
    for rid, sent in days.items():
        outside = sorted(d for d in sent if not first <= d <= last)
        if not outside:
            continue
        if len(sent) == 1:
            found.append(
                f'reminder "{rid}": field "at": {outside[0].isoformat()} lies outside {span}: write it relative '
                'to a stage (e.g. "kampanye:H+8 09:00")'
            )
        else:
            found.append(
                f'reminder "{rid}": {len(outside)} of its {len(sent)} occurrences lie outside {span}, the first '
                f'on {outside[0].isoformat()}: write "at" and "repeat_until" relative to a stage'
            )
    return found


def typed_warnings(election: Election, texts: Sequence[tuple[str, str, str]]) -> list[str]:
    """One line per text (place, field, template) that types out what the next election changes:
    the election's name, "Pilkada 2024", a KPU regulation (PKPU n/year), or a year on its own.

    Such a text would go on saying it after the schedule moves to another election. Facts tied to
    one voting day (``date =``) are not passed here: texts leave them out once voting day moves.
    """
    found = []
    name = election.name.strip().lower()
    for place, key, text in texts:
        where = f'{place}: field "{key}"'
        rest = text
        if name and name in text.lower():
            found.append(f'{where}: writes out the election\'s name "{election.name}": write {{election}}')
            rest = re.sub(re.escape(election.name), " ", rest, flags=re.I)
        for match in _ELECTION_WORDS.finditer(rest):
            found.append(f'{where}: writes out "{match[0]}": write {{election}}')
        rest = _ELECTION_WORDS.sub(" ", rest)
        for match in _KPU_RULE.finditer(rest):
            found.append(
                f'{where}: names "{match[0]}", a KPU regulation the next election replaces: make it a fact '
                "with `date` = voting day (as timetable_rule), so that texts leave it out once voting day moves"
            )
        rest = _KPU_RULE.sub(" ", rest)
        for year in dict.fromkeys(m[0] for m in _LONE_YEAR.finditer(rest)):
            found.append(
                f"{where}: writes out the year {year}: write {{election}}, a stage ({{pemungutan-suara}}) or a "
                "fact with `date` = voting day instead"
            )
    return found
