"""The [[reminder]] entries: times, texts, roles, areas, repeats and the quiet hours."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from bot.schedule.fields import (
    MISSING,
    AreaRefs,
    Date,
    DateTime,
    Days,
    Fields,
    Flag,
    Html,
    Id,
    OneOf,
    Roles,
    StageRef,
    fmt_moment,
    place_of,
)
from bot.schedule.model import (
    ASKS,
    MAX_OCCURRENCES,
    MAX_TOTAL_OCCURRENCES,
    QUIET_END,
    QUIET_START,
    REMINDER_KEYS,
    Reminder,
    reserved_id_problem,
)
from bot.schedule.reply_checks import TextChecks

# The [[reminder]] fields, in the order they are checked (see bot/schedule/fields.py).
REMINDER_FIELDS: Fields = {
    "at": DateTime(),
    "expires": DateTime(required=False),
    "deliver_by": DateTime(required=False),
    "roles": Roles(),
    "text": Html(),
    "stage": StageRef(required=False),
    "silent": Flag(),
    "night": Flag(),
    "channel": Flag(),
    "text_en": Html(required=False),
    "repeat_until": Date(required=False),
    "repeat_days": Days(),
    "areas": AreaRefs(),
    "ask": OneOf(ASKS),
    "venue": Flag(),
    "invite": Flag(),
}


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
            rid = self.field(table, "id", Id(), place)
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
        self.tz, self.stage_ids = tz, stage_ids
        v = self.read(table, REMINDER_FIELDS, place)
        times = self.reminder_times(table, place, v["at"], v["expires"], v["deliver_by"])
        repeats, offsets, repeat_ok = self.repeats(table, place, v["at"], v["repeat_days"], v["repeat_until"])
        if not (v.ok and repeat_ok and times):
            return None
        extra = {k: val for k, val in table.items() if k not in REMINDER_KEYS}
        fields = {
            k: v[k]
            for k in ("roles", "text", "stage", "silent", "text_en", "night", "channel", "ask", "venue", "invite")
        }
        template = Reminder("", *times, **fields, extra=extra, areas=v["areas"])
        return repeats, offsets, template

    def reminder_times(
        self, table: dict, place: str, at: Any, expires: Any, deliver_by: Any
    ) -> tuple[dt.datetime, dt.datetime, dt.datetime] | None:
        """``at``, ``expires`` (default: the next midnight) and ``deliver_by`` (default: expires) when
        usable: each after ``at``, and deliver_by not after expires."""
        if at is None:
            return None
        if expires is None and "expires" not in table:
            expires = dt.datetime.combine(at.date() + dt.timedelta(days=1), dt.time(0), tzinfo=self.tz)
        ok = expires is not None
        if expires is not None and expires.timestamp() <= at.timestamp():
            word = "before" if expires.timestamp() < at.timestamp() else "not after"
            self.add(place, "expires", f"{fmt_moment(expires)} is {word} at {fmt_moment(at)}")
            ok = False
        if "deliver_by" not in table:
            deliver_by = expires
        elif deliver_by is None:
            ok = False
        elif deliver_by.timestamp() <= at.timestamp():
            word = "before" if deliver_by.timestamp() < at.timestamp() else "not after"
            self.add(place, "deliver_by", f"{fmt_moment(deliver_by)} is {word} at {fmt_moment(at)}")
            ok = False
        elif expires is not None and deliver_by.timestamp() > expires.timestamp():
            self.add(place, "deliver_by", f"{fmt_moment(deliver_by)} is after expires {fmt_moment(expires)}")
            ok = False
        return (at, expires, deliver_by) if ok else None

    def repeats(
        self, table: dict, place: str, at: dt.datetime | None, every: int | None, until: dt.date | None
    ) -> tuple[bool, list[dt.timedelta], bool]:
        """``repeat_days`` with ``repeat_until``: whether it repeats, the day offsets, and whether usable."""
        offsets = [dt.timedelta(0)]
        repeats = "repeat_days" in table
        if not repeats and "repeat_until" in table:
            self.add(place, "repeat_until", "only allowed together with repeat_days")
            return repeats, offsets, False
        if every is not None and "repeat_until" not in table:
            self.add(place, "repeat_until", "missing (required with repeat_days)")
            return repeats, offsets, False
        if every is None or until is None or at is None:
            return repeats, offsets, True  # not repeating, or a problem the field already reported
        if until < at.date():
            self.add(place, "repeat_until", f"{until.isoformat()} is before the date of at {at.date().isoformat()}")
            return repeats, offsets, False
        count = (until - at.date()).days // every + 1
        if count > MAX_OCCURRENCES:
            self.add(place, "repeat_until", f"{count} occurrences, at most {MAX_OCCURRENCES} allowed per reminder")
            return repeats, offsets, False
        return repeats, [dt.timedelta(days=k * every) for k in range(count)], True
