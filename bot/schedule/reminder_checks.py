"""The [[reminder]] entries: times, texts, roles, areas, repeats and the quiet hours."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from bot.schedule import problems as schedule_problems
from bot.schedule.areas import ref_problem
from bot.schedule.fields import MISSING, fmt_moment, place_of, show_value
from bot.schedule.model import (
    ASKS,
    MAX_OCCURRENCES,
    MAX_TOTAL_OCCURRENCES,
    QUIET_END,
    QUIET_START,
    REMINDER_KEYS,
    ROLES,
    Reminder,
    reserved_id_problem,
)
from bot.schedule.reply_checks import TextChecks

# The [[reminder]] fields that are true or false (default false).
REMINDER_FLAGS = ("silent", "night", "channel")


class ReminderChecks(TextChecks):
    """The [[reminder]] entries: times, texts, roles, areas, repeats and the quiet hours."""

    def reminders(self, value: Any, tz: ZoneInfo, stage_ids: set[str]) -> list[Reminder]:
        if value is MISSING:
            self.add("reminder", None, "missing: the file defines no [[reminder]]")
            return []
        reminders: list[Reminder] = []
        declared: dict[str, int] = {}
        expanded: dict[str, int] = {}
        planned = 0
        for n, table in self._array(value, "reminder"):
            place = place_of("reminder", n, table)
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

    def out_of_night(self, template: Reminder, at: dt.datetime, expires: dt.datetime, place: str) -> dt.datetime | None:
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

    def reminder(
        self, table: dict, place: str, tz: ZoneInfo, stage_ids: set[str]
    ) -> tuple[bool, list[dt.timedelta], Reminder] | None:
        """Validate one [[reminder]]; returns (repeats, day offsets, template) or None."""
        at, expires, deliver_by, ok = self.reminder_times(table, place, tz)
        roles = self.roles(table, place)
        text, text_ok = self.html_text(table, "text", place, required=True)
        stage, stage_ok = self.reminder_stage(table, place, stage_ids)
        flags = {name: self.flag(table, name, place) for name in REMINDER_FLAGS}
        text_en, text_en_ok = self.html_text(table, "text_en", place, required=False)
        repeats, offsets, repeat_ok = self.repeats(table, place, at)
        areas = self.reminder_areas(table, place)
        ask = table.get("ask")
        ask_ok = "ask" not in table or ask in ASKS
        if not ask_ok:
            self.add(place, "ask", f"expected {' or '.join(show_value(a) for a in ASKS)}, got {show_value(ask)}")
        ok = ok and text_ok and text_en_ok and stage_ok and repeat_ok and ask_ok and areas is not None
        ok = ok and None not in flags.values()
        if not ok or at is None or expires is None or deliver_by is None or roles is None or text is None:
            return None
        extra = {k: v for k, v in table.items() if k not in REMINDER_KEYS}
        template = Reminder(
            "",
            at,
            expires,
            deliver_by,
            roles,
            text,
            stage=stage,
            silent=bool(flags["silent"]),
            text_en=text_en,
            night=bool(flags["night"]),
            extra=extra,
            areas=areas or (),
            channel=bool(flags["channel"]),
            ask=ask,
        )
        return repeats, offsets, template

    def reminder_times(self, table: dict, place: str, tz: ZoneInfo) -> tuple[Any, Any, Any, bool]:
        """``at``, ``expires`` (default: the next midnight) and ``deliver_by`` (default: expires), and
        whether they are usable: each after ``at``, and deliver_by not after expires."""
        ok = True
        at = self.datetime(table, "at", place, tz)
        expires = self.datetime(table, "expires", place, tz, required=False)
        deliver_by = self.datetime(table, "deliver_by", place, tz, required=False)
        ok &= "expires" not in table or expires is not None
        ok &= "deliver_by" not in table or deliver_by is not None
        if at is None:
            return at, expires, deliver_by, ok
        if expires is None and "expires" not in table:
            expires = dt.datetime.combine(at.date() + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
        if expires is not None and expires.timestamp() <= at.timestamp():
            word = "before" if expires.timestamp() < at.timestamp() else "not after"
            self.add(place, "expires", f"{fmt_moment(expires)} is {word} at {fmt_moment(at)}")
            ok = False
        if deliver_by is None and "deliver_by" not in table:
            deliver_by = expires
        if deliver_by is not None and "deliver_by" in table:
            if deliver_by.timestamp() <= at.timestamp():
                word = "before" if deliver_by.timestamp() < at.timestamp() else "not after"
                self.add(place, "deliver_by", f"{fmt_moment(deliver_by)} is {word} at {fmt_moment(at)}")
                ok = False
            elif expires is not None and deliver_by.timestamp() > expires.timestamp():
                self.add(place, "deliver_by", f"{fmt_moment(deliver_by)} is after expires {fmt_moment(expires)}")
                ok = False
        return at, expires, deliver_by, ok

    def reminder_stage(self, table: dict, place: str, stage_ids: set[str]) -> tuple[str | None, bool]:
        """The optional ``stage`` a reminder belongs to: one of the file's stages."""
        stage = self.string(table, "stage", place, required=False)
        if stage is not None and stage not in stage_ids:
            hint = schedule_problems.did_you_mean(stage, stage_ids)
            self.add(place, "stage", f"unknown stage {show_value(stage)}{hint}")
            return stage, False
        return stage, "stage" not in table or stage is not None

    def repeats(self, table: dict, place: str, at: dt.datetime | None) -> tuple[bool, list[dt.timedelta], bool]:
        """``repeat_days`` with ``repeat_until``: whether it repeats, the day offsets, and whether usable."""
        offsets = [dt.timedelta(0)]
        repeat_days = table.get("repeat_days")
        repeat_until = self.date(table, "repeat_until", place, required=False)
        repeats = repeat_days is not None
        if not repeats:
            if "repeat_until" in table:
                self.add(place, "repeat_until", "only allowed together with repeat_days")
                return repeats, offsets, False
            return repeats, offsets, True
        if isinstance(repeat_days, bool) or not isinstance(repeat_days, int) or repeat_days < 1:
            shown = show_value(repeat_days)
            self.add(place, "repeat_days", f"expected a whole number of days >= 1, got {shown}")
            return repeats, offsets, False
        if "repeat_until" not in table:
            self.add(place, "repeat_until", "missing (required with repeat_days)")
            return repeats, offsets, False
        if repeat_until is None:
            return repeats, offsets, False
        if at is None:
            return repeats, offsets, True
        if repeat_until < at.date():
            first = at.date().isoformat()
            self.add(place, "repeat_until", f"{repeat_until.isoformat()} is before the date of at {first}")
            return repeats, offsets, False
        count = (repeat_until - at.date()).days // repeat_days + 1
        if count > MAX_OCCURRENCES:
            self.add(place, "repeat_until", f"{count} occurrences, at most {MAX_OCCURRENCES} allowed per reminder")
            return repeats, offsets, False
        return repeats, [dt.timedelta(days=k * repeat_days) for k in range(count)], True

    def reminder_areas(self, table: dict, place: str) -> tuple[str, ...] | None:
        """The reminder's ``areas`` (() when absent), or None after recording a problem."""
        value = table.get("areas", [])
        if not isinstance(value, list) or (not value and "areas" in table):
            shown = show_value(value)
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
        value = table.get("roles", MISSING)
        if value is MISSING:
            self.add(place, "roles", "missing")
            return None
        if not isinstance(value, list):
            self.add(place, "roles", f'expected a list like ["asn", "pemilih"], got {show_value(value)}')
            return None
        if not value:
            self.add(place, "roles", f"empty (allowed: {', '.join(ROLES)})")
            return None
        ok = True
        seen: set[str] = set()
        for role in value:
            if not isinstance(role, str) or role not in ROLES:
                suggestion = schedule_problems.did_you_mean(role, ROLES) if isinstance(role, str) else ""
                self.add(place, "roles", f"unknown role {show_value(role)}{suggestion} (allowed: {', '.join(ROLES)})")
                ok = False
            elif role in seen:
                self.add(place, "roles", f'duplicate role "{role}"')
                ok = False
            else:
                seen.add(role)
        return tuple(value) if ok else None
