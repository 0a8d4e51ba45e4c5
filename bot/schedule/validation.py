"""The schedule file's sections checked field by field: [election], [pages], [[stage]] and the whole document.

Each problem is one line naming the entry and the field, e.g. 'reminder #3 (id "x"): field "at": missing'."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.schedule import problems as schedule_problems
from bot.schedule import stale
from bot.schedule.areas import parse_areas
from bot.schedule.fields import MISSING, hhmm, place_of, show_value
from bot.schedule.model import (
    ELECTION_KEYS,
    PAGE_KEYS,
    PHONE,
    STAGE_KEYS,
    TOP_KEYS,
    Election,
    Schedule,
    Stage,
    voting_day_of,
)
from bot.schedule.reminder_checks import ReminderChecks
from bot.schedule.reply_checks import templates_of


class ScheduleChecker(ReminderChecks):
    # -- generic field readers: return None (after recording a problem) when unusable

    # -- sections

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
        utc = ZoneInfo("UTC")
        place = "election"
        if table is MISSING:
            self.add(place, None, "missing section [election]")
            return None, utc
        if not isinstance(table, dict):
            self.add(place, None, f"expected a [election] table, got {show_value(table)}")
            return None, utc
        for key in table:
            if key not in ELECTION_KEYS:
                self.add(place, key, f"unknown field (allowed: {', '.join(ELECTION_KEYS)})")
        ok = True
        name = self.string(table, "name", place)
        region = self.string(table, "region", place)
        tzname = self.string(table, "timezone", place)
        tz = utc
        if tzname is not None:
            try:
                tz = ZoneInfo(tzname)
            except (ZoneInfoNotFoundError, ValueError, OSError):
                self.add(place, "timezone", f"unknown time zone {show_value(tzname)}")
                ok = False
        times = {}
        for key in ("tps_open", "tps_close"):
            value = table.get(key)
            times[key] = hhmm(value)
            if value is not None and times[key] is None:
                self.add(place, key, f'expected a time like "07:00", got {show_value(value)}')
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
        if phone is not None and not (PHONE.fullmatch(phone.strip()) and 9 <= digits <= 15):
            self.add(
                place,
                "phone",
                f'expected a phone number like "0355 123456" or "+62 812 3456 7890", got {show_value(phone)}',
            )
            ok = False
        if not (ok and name and region and tzname):
            return None, tz
        phone = phone.strip() if phone else None
        return Election(name, region, tzname, times["tps_open"], times["tps_close"], voting_stage, phone), tz

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
            value = self.string(table, key, place)
            if value is not None:
                pages[key] = self.html(value, key, place)
        return pages

    def stages(self, value: Any) -> list[Stage]:
        stages: list[Stage] = []
        seen: dict[str, int] = {}
        for n, table in self._array(value, "stage"):
            place = place_of("stage", n, table)
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
                extra = {k: v for k, v in table.items() if k not in STAGE_KEYS}
                stages.append(Stage(sid, name, start, end, extra))
        return stages
