"""Telling the next election from a corrected schedule, and switching the database to it.

A schedule whose dates moved a little is the same election corrected: the bot sends a 'Ralat' for
each stage people were told about (bot/delivery/scheduler.py). A schedule with another election name, or a
voting day more than `NEW_ELECTION_DAYS` from the one the bot announced, is the next election:
its dates are not corrections of the old ones, and the bot will not run with it until an operator
switches with `bot.py new-election FILE`. The switch keeps the subscribers (role, language, area),
archives the old election's broadcasts and figures under its name (bot/store/elections.py), starts
the new one clean and tells every subscriber once, in a reminder the operator sees in `plan`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime

from bot.content import texts
from bot.content.formats import zone_abbreviation
from bot.delivery.scheduler import morning_after
from bot.schedule.model import ROLES, Schedule
from bot.store import REMINDER, SCHEDULED, Store

# A postponement or a re-vote moves voting day by weeks; the next election is years away.
NEW_ELECTION_DAYS = 90
NOTICE_PREFIX = "pemilihan-baru"  # broadcast id "pemilihan-baru:<voting day>"; reminder ids have no ":"
NOTICE_HOURS = 24  # the notice expires a day after it starts, like a correction


@dataclass(frozen=True)
class Identity:
    """What tells one election from another: its name and voting day."""

    name: str | None  # None: recorded by a version that kept only the announced dates
    voting_day: date | None

    def describe(self) -> str:
        name = f'"{self.name}"' if self.name else "the election announced so far"
        return f"{name} (voting day {self.voting_day.isoformat() if self.voting_day else 'unknown'})"


def of_schedule(schedule: Schedule) -> Identity:
    return Identity(schedule.election.name, schedule.voting_day())


def followed(store: Store, schedule: Schedule) -> Identity | None:
    """The election the database follows: as recorded, else the voting day it announced, else None."""
    recorded = store.current_election()
    if recorded is not None:
        day = recorded.get("voting_day")
        return Identity(recorded.get("name"), date.fromisoformat(day) if day else None)
    stage = schedule.election.voting_stage or "pemungutan-suara"
    announced = store.known_stage_dates().get(stage)
    return Identity(None, date.fromisoformat(announced[0])) if announced else None


def difference(old: Identity | None, new: Identity) -> str | None:
    """Why `new` is another election than `old`; None when it is the same one or nothing is recorded."""
    if old is None:
        return None
    if old.name is not None and old.name != new.name:
        return f'its name is "{new.name}", the database follows "{old.name}"'
    if old.voting_day and new.voting_day and abs((new.voting_day - old.voting_day).days) > NEW_ELECTION_DAYS:
        days = abs((new.voting_day - old.voting_day).days)
        return (
            f"its voting day {new.voting_day.isoformat()} is {days} days from the announced "
            f"{old.voting_day.isoformat()} (more than {NEW_ELECTION_DAYS})"
        )
    return None


def new_election(store: Store, schedule: Schedule) -> str | None:
    """Why `schedule` is a new election for this database, or None when it is the same one."""
    return difference(followed(store, schedule), of_schedule(schedule))


def refusal(reason: str, path: str) -> str:
    """The one-line refusal of `run` and `reload` given a new election's schedule."""
    return (
        f"{path} is a new election: {reason}. Nothing was sent. To switch to it, stop the bot, run "
        f"`python bot.py new-election {path}`, set BOT_SCHEDULE to it and start the bot again; "
        "to keep the current election, point BOT_SCHEDULE back at its file"
    )


@dataclass(frozen=True)
class Switch:
    """What `new-election` will do, shown before the operator confirms."""

    old: Identity | None
    new: Identity
    reason: str | None  # None: not a new election (then nothing is switched)
    records: dict[str, int]
    notice_at: datetime
    ahead: int  # reminders of the new election still to come

    def lines(self) -> list[str]:
        r = self.records
        old = self.old.describe() if self.old else "nothing yet"
        return [
            f"Now followed: {old}",
            f"New election: {self.new.describe()}",
            f"Kept: {r['subscribers']:,} active subscribers, with their role, language and area",
            f"Archived under the old election's name: {r['broadcasts']:,} broadcasts with their figures and "
            f"{r['pledges']:,} pledges (counts only)",
            f"Deleted: {r['deliveries']:,} delivery records of the old election"
            + (f", of which {r['undelivered']:,} not yet delivered will never be sent" if r["undelivered"] else "")
            + (f"; {r['scheduled']:,} broadcasts scheduled for later are dropped" if r["scheduled"] else ""),
            f"Told once: {r['subscribers']:,} subscribers get 'the bot now follows {self.new.name}' "
            f"from {self.notice_at:%Y-%m-%d %H:%M} {zone_abbreviation(str(self.notice_at.tzinfo))} "
            f"(broadcast {notice_id(self.new)})",
            f"Then: {self.ahead} reminders of the new election, as `plan` lists them; no 'Ralat' is sent",
        ]


def notice_id(identity: Identity) -> str:
    return f"{NOTICE_PREFIX}:{identity.voting_day.isoformat() if identity.voting_day else 'tanpa-tanggal'}"


def plan_switch(store: Store, schedule: Schedule, now: float | None = None) -> Switch:
    now = time.time() if now is None else now
    old = followed(store, schedule)
    new = of_schedule(schedule)
    start = morning_after(datetime.fromtimestamp(now, schedule.election.tz))
    ahead = sum(1 for r in schedule.reminders if r.expires.timestamp() > now)
    return Switch(old, new, difference(old, new), store.election_records(), start, ahead)


def switch(store: Store, schedule: Schedule, now: float | None = None) -> int:
    """Archive the followed election, follow `schedule`'s, tell subscribers once; returns the archive id.

    One transaction: a failure leaves the database as it was.
    """
    now = time.time() if now is None else now
    plan = plan_switch(store, schedule, now)
    old_name = plan.old.name if plan.old and plan.old.name else _unnamed(plan.old)
    old_day = plan.old.voting_day.isoformat() if plan.old and plan.old.voting_day else None
    new_day = plan.new.voting_day.isoformat() if plan.new.voting_day else None
    start = plan.notice_at.timestamp()
    with store.transaction():
        archive_id = store.archive_election(old_name, old_day, now=now)
        store.follow_election(schedule.election.name, new_day, now=now)
        for stage in schedule.stages:  # announced from now on: moving them later is a correction
            store.remember_stage_dates(stage.id, stage.start.isoformat(), stage.end.isoformat(), now=now)
        broadcast_id = notice_id(plan.new)
        # Waits for its time like a broadcast scheduled by an operator: `plan` and /rencana list it,
        # and whoever subscribes until then gets it too.
        store.create_broadcast(
            broadcast_id,
            kind=REMINDER,
            roles=ROLES,
            at=start,
            expires=start + NOTICE_HOURS * 3600,
            text=texts.new_election_text(schedule, "id"),
            text_en=texts.new_election_text(schedule, "en"),
            now=now,
            status=SCHEDULED,
        )
    return archive_id


def _unnamed(old: Identity | None) -> str:
    """The archive name of an election recorded without one: its voting day says which it was."""
    if old is None or old.voting_day is None:
        return "(no election recorded)"
    return f"(voting day {old.voting_day.isoformat()})"
