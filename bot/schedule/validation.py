"""The schedule file's sections checked field by field: [election], [pages], [[stage]] and the whole document.

Each problem is one line naming the entry and the field, e.g. 'reminder #3 (id "x"): field "at": missing'."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from bot.schedule import problems as schedule_problems
from bot.schedule import stale
from bot.schedule.areas import parse_areas
from bot.schedule.fields import MISSING, Box, Clock, Date, Fields, Html, Id, Phone, Text, Zone, place_of, show_value
from bot.schedule.model import (
    PAGE_KEYS,
    STAGE_KEYS,
    TOP_KEYS,
    Election,
    Schedule,
    Stage,
    voting_day_of,
)
from bot.schedule.reminder_checks import ReminderChecks
from bot.schedule.reply_checks import templates_of

# Each section's fields, in the order they are checked (see bot/schedule/fields.py).
ELECTION_FIELDS: Fields = {
    "name": Text(),
    "region": Text(),
    "timezone": Zone(),
    "tps_open": Clock(),
    "tps_close": Clock(),
    "voting_stage": Text(required=False),
    "phone": Phone(),
    "tps_file": Text(required=False),
    "tps_bounds": Box(),
}
STAGE_FIELDS: Fields = {
    "id": Id(),
    "name": Text(),
    "start": Date(),
    "end": Date(required=False),
    "name_en": Text(required=False),  # shown in English replies and the calendar
}


class ScheduleChecker(ReminderChecks):
    def schedule(self, doc: dict, source: str) -> Schedule | None:
        for key in doc:
            if key not in TOP_KEYS:
                self.add(
                    "file",
                    None,
                    f'unknown top-level key or section "{key}" (allowed: [election], [pages], [facts], '
                    "[[stage]], [[reminder]], [[area]], [[faq]])",
                )
        doc = self.anchored(doc)
        election, tz = self.election(doc.get("election", MISSING))
        facts = self.facts(doc.get("facts", {}))
        pages = self.pages(doc.get("pages", {}))
        stages = self.stages(doc.get("stage", []))
        stage_ids = {s.id for s in stages}
        self.area_list = parse_areas(self._array(doc.get("area", []), "area"), self.add)
        if election and election.voting_stage and election.voting_stage not in stage_ids:
            suggestion = schedule_problems.did_you_mean(election.voting_stage, stage_ids)
            self.add("election", "voting_stage", f"unknown stage {show_value(election.voting_stage)}{suggestion}")
        reminders = self.reminders(doc.get("reminder", MISSING), tz, stage_ids)
        if election is None:
            return None
        reminders.sort(key=lambda r: (r.at.timestamp(), r.id))
        texts = templates_of(facts, pages, reminders, doc.get("faq"))
        self.date_warnings(stages, texts)
        undated = [t for t in texts if t[0] != "facts" or facts[t[1]].day is None]  # dated: left out later
        self.warnings += stale.typed_warnings(election, undated)
        self.warnings += stale.warnings(election, stages, facts, reminders, voting_day_of(election, stages))
        rendered = self.render_texts(election, stages, facts, pages, reminders)
        reminders, pages, versions, fact_texts = rendered
        faq = self.faq_entries(doc.get("faq", []), election, stages, facts)
        return Schedule(
            election,
            tuple(stages),
            tuple(reminders),
            pages,
            source,
            tuple(self.warnings),
            fact_texts,
            versions,
            tuple(self.area_list),
            tuple(faq),
        )

    def election(self, table: Any) -> tuple[Election | None, ZoneInfo]:
        place = "election"
        if table is MISSING:
            self.add(place, None, "missing section [election]")
            return None, self.tz
        if not isinstance(table, dict):
            self.add(place, None, f"expected a [election] table, got {show_value(table)}")
            return None, self.tz
        self.forbid_unknown(table, ELECTION_FIELDS, place)
        v = self.read(table, ELECTION_FIELDS, place)
        self.tz = ZoneInfo(v["timezone"]) if v["timezone"] else self.tz
        opening, closing = v["tps_open"], v["tps_close"]
        if opening and closing and closing <= opening:
            self.add(place, "tps_close", f"{closing:%H:%M} is not after tps_open {opening:%H:%M}")
            return None, self.tz
        if not v.ok:
            return None, self.tz
        return Election(*(v[k] for k in ELECTION_FIELDS)), self.tz

    def pages(self, table: Any) -> dict[str, str]:
        place = "pages"
        if not isinstance(table, dict):
            self.add(place, None, f"expected a [pages] table, got {show_value(table)}")
            return {}
        pages = {}
        for key in table:
            if key.removesuffix("_en") not in PAGE_KEYS:
                allowed = ", ".join(PAGE_KEYS)
                self.add(place, key, f"unknown page (allowed: {allowed}, each also with _en for English)")
                continue
            if (text := self.field(table, key, Html(), place)) is not None:
                pages[key] = text
        return pages

    def stages(self, value: Any) -> list[Stage]:
        stages: list[Stage] = []
        seen: dict[str, int] = {}
        for n, table in self._array(value, "stage"):
            place = place_of("stage", n, table)
            v = self.read(table, STAGE_FIELDS, place)
            if v["id"] in seen:
                self.add(place, "id", f"duplicate id (also stage #{seen[v['id']]})")
                continue
            if v["id"] is not None:
                seen[v["id"]] = n
            start, end = v["start"], v["end"] or v["start"]
            if start and end and end < start:
                self.add(place, "end", f"{end.isoformat()} is before start {start.isoformat()}")
                continue
            if v.ok:
                extra = {k: val for k, val in table.items() if k not in STAGE_KEYS}
                stages.append(Stage(v["id"], v["name"], start, end, extra))
        return stages
