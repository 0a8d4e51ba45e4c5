"""The scheduler: turns the schedule's reminders into broadcasts in the outbox at the right time.

At start-up every reminder is looked at once:
- already recorded as a broadcast (sent or being sent): nothing to do, which is what keeps a
  restart or a schedule edit that keeps the id from sending it twice;
- expired (``expires`` has passed): never sent;
- due (``at`` has passed, not expired): enqueued now, so a reminder that fell due while the
  bot was down still goes out;
- in the future: a one-off job in python-telegram-bot's JobQueue (APScheduler) at ``at``.

Operators' broadcasts sent later ("Kirim nanti", `broadcast --at`) wait in the database as
'scheduled' broadcasts, written by the bot or by the command line (another process), so
`Scheduler.run_scheduled` looks for due ones every second rather than keeping jobs: one that fell
due while the bot was down starts at the next start, unless it expired meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar, overload

from telegram.ext import ContextTypes, JobQueue

from bot.content import texts
from bot.delivery.health import Outage
from bot.delivery.tps_moves import TpsMove, send_tps_moves
from bot.schedule.model import QUIET_END, QUIET_START, ROLES, Reminder, Schedule, Stage
from bot.store import CORRECTION, ENQUEUING, REMINDER, Broadcast, Store

log = logging.getLogger(__name__)

T = TypeVar("T")

SKIP_DONE, SKIP_EXPIRED, DUE_NOW, LATER = "already sent", "expired", "due now", "scheduled"


@dataclass(frozen=True)
class Decision:
    reminder: Reminder
    action: str


def decide(schedule: Schedule, store: Store, now: float) -> list[Decision]:
    """What start-up does with each reminder (pure apart from reading the store)."""
    decisions = []
    for reminder in schedule.reminders:
        existing = store.broadcast(reminder.id)
        if existing is not None and existing.status != ENQUEUING:
            action = SKIP_DONE
        elif reminder.expires.timestamp() <= now:
            action = SKIP_EXPIRED
        elif reminder.at.timestamp() <= now:
            action = DUE_NOW
        else:
            action = LATER
        decisions.append(Decision(reminder, action))
    return decisions


def enqueue_reminder(store: Store, reminder: Reminder, now: float | None = None, channel: int | None = None) -> int:
    """Record the reminder as a broadcast and write its outbox rows; returns the recipients.

    `channel`: the commission's channel chat id; a ``channel = true`` reminder gets one more row for
    it (counted in the total). Idempotent: a second call for the same reminder id adds nothing.
    """
    now = time.time() if now is None else now
    with store.transaction():  # the channel copy is recorded with the broadcast, or not at all
        created = store.create_broadcast(
            reminder.id,
            text=reminder.text,
            roles=reminder.roles,
            at=reminder.at.timestamp(),
            expires=reminder.expires.timestamp(),
            deliver_by=reminder.deliver_by.timestamp(),
            silent=reminder.silent,
            kind=REMINDER,
            text_en=reminder.text_en,
            stage=reminder.stage,
            areas=reminder.areas,
            now=now,
            ask=reminder.ask,
            venue=reminder.venue,
            invite=reminder.invite,
        )
        if created and reminder.channel and channel is not None:
            store.add_channel_copy(reminder.id, channel)
    return store.enqueue(reminder.id, now=now)


@dataclass(frozen=True)
class Correction:
    """A stage whose dates changed after the bot announced the old ones."""

    stage: Stage
    old_start: date
    old_end: date
    recipients: int

    legacy: bool = False  # already recorded under the id older versions used

    @property
    def broadcast_id(self) -> str:
        # Stable for one change, so the correction goes out once however often the bot restarts;
        # the ":" keeps it apart from reminder ids, which cannot contain one.
        return self.legacy_id if self.legacy else f"ralat:{self.stage.id}:{self.stage.start}:{self.stage.end}"

    @property
    def legacy_id(self) -> str:
        """The id older versions gave this correction; a database may already hold it."""
        return f"ralat-{self.stage.id}-{self.stage.start.isoformat()}-{self.stage.end.isoformat()}"

    def describe(self) -> str:
        return (
            f"correction pending: stage {self.stage.id} moved from {self.old_start}..{self.old_end} to "
            f"{self.stage.start}..{self.stage.end}; {self.recipients} subscribers who were told will get a 'Ralat'"
        )


def pending_corrections(schedule: Schedule, store: Store) -> list[Correction]:
    """Stages whose dates in the file differ from those the bot last announced (read-only)."""
    known = store.known_stage_dates()
    corrections = []
    for stage in schedule.stages:
        if stage.id not in known:
            continue
        old_start, old_end = (date.fromisoformat(d) for d in known[stage.id])
        if (old_start, old_end) != (stage.start, stage.end):
            c = Correction(stage, old_start, old_end, store.told_about_stage(stage.id))
            if not c.recipients:  # nobody was told the old dates: nothing to correct, no empty broadcast
                continue
            if store.broadcast(c.legacy_id) is not None:  # recorded before the upgrade: never a second one
                c = Correction(stage, old_start, old_end, c.recipients, legacy=True)
            corrections.append(c)
    return corrections


def morning_after(now: datetime) -> datetime:
    """`now`, or 06.00 when `now` is at night: corrections don't wake people either."""
    local = now.timetz().replace(tzinfo=None)
    if QUIET_END <= local < QUIET_START:
        return now
    morning = datetime.combine(now.date(), QUIET_END, now.tzinfo)
    return morning + timedelta(days=1) if local >= QUIET_START else morning


def send_corrections(schedule: Schedule, store: Store, now: float | None = None) -> list[Correction | TpsMove]:
    """Enqueue one 'Ralat' per changed stage for those who were told, then remember the new dates; and
    one 'Ralat lokasi TPS' per moved TPS for those who chose it (at once on voting day)."""
    now = time.time() if now is None else now
    corrections = pending_corrections(schedule, store)
    start = morning_after(datetime.fromtimestamp(now, schedule.election.tz))
    local = datetime.fromtimestamp(now, schedule.election.tz)
    moves = send_tps_moves(schedule, store, local if local.date() == schedule.voting_day() else start, now)
    for c in corrections:
        store.create_broadcast(
            c.broadcast_id,
            text=texts.correction_text(c.stage, c.old_start, c.old_end, "id"),
            text_en=texts.correction_text(c.stage, c.old_start, c.old_end, "en"),
            roles=ROLES,
            at=start.timestamp(),
            expires=start.timestamp() + 24 * 3600,
            kind=CORRECTION,
            stage=c.stage.id,
            now=now,
        )
        recorded = store.broadcast(c.broadcast_id)
        if recorded is not None and recorded.status == ENQUEUING:
            store.enqueue_told_about_stage(c.broadcast_id, c.stage.id, not_before=start.timestamp(), now=now)
    for stage in schedule.stages:
        store.remember_stage_dates(stage.id, stage.start.isoformat(), stage.end.isoformat(), now=now)
    day = schedule.voting_day()
    store.follow_election(schedule.election.name, day.isoformat() if day else None, now=now)
    return [*corrections, *moves]


def enqueue_adhoc(
    store: Store, text: str, roles: Iterable[str], *, ttl: float, areas: Sequence[str] = (), now: float | None = None
) -> tuple[str, int]:
    """An operator's ad-hoc broadcast into the outbox, due now; returns its id and recipients."""
    broadcast_id = store.create_adhoc(text=text, roles=roles, ttl=ttl, areas=areas, now=now)
    return broadcast_id, store.enqueue(broadcast_id, now=now)


def start_scheduled(store: Store, broadcast: Broadcast, now: float | None = None) -> int | None:
    """A scheduled broadcast that fell due into the outbox, with the recipients of now; returns them.

    None if it was not started: expired before it could start (then never sent), or cancelled or
    started by someone else meanwhile.
    """
    now = time.time() if now is None else now
    if broadcast.expires <= now:
        store.expire_scheduled(broadcast.id, now)
        return None
    if not store.start_scheduled(broadcast.id):
        return None
    return store.enqueue(broadcast.id, now=now)


class Scheduler:
    """Fires reminders into the outbox; `wake` tells the delivery engine there is work.

    All its database work runs in worker threads with connections of their own. A failure
    (``database is locked`` ...) is logged once, told to the operators once, and retried with
    capped backoff until it succeeds or the reminder expires: a reminder is never dropped silently.
    """

    def __init__(
        self,
        schedule: Schedule,
        store: Store,
        job_queue: JobQueue,
        wake: Callable[[], None],
        clock: Callable[[], float] = time.time,
        notify: Callable[[str, str, str], None] | None = None,
    ) -> None:
        self.schedule = schedule
        self.store = store
        self.job_queue = job_queue
        self.wake = wake
        self.clock = clock
        self.outage = Outage("scheduler", notify)
        # What is failing now: a poll's reads can succeed while an enqueue still waits for a write
        # lock, and the scheduler is only back when nothing of it fails.
        self._failing: set[str] = set()
        self._lock = asyncio.Lock()
        self.channel: int | None = None  # the commission's channel chat id, once resolved (bot/delivery/channel.py)
        self.scheduled_poll = 1.0  # seconds between looks for scheduled broadcasts that fell due

    @overload
    async def _retrying(self, what: str, fn: Callable[..., T], *args: Any, deadline: None = None) -> T: ...

    @overload
    async def _retrying(self, what: str, fn: Callable[..., T], *args: Any, deadline: float) -> T | None: ...

    async def _retrying(self, what: str, fn: Callable[..., T], *args: Any, deadline: float | None = None) -> T | None:
        """Run `fn(store, *args)` in a thread on its own connection until it succeeds.

        Returns None without success only when `deadline` (Unix time) passes first.
        """

        def work() -> T:
            with self.store.reopen() as store:
                return fn(store, *args)

        try:
            while True:
                try:
                    result = await asyncio.to_thread(work)
                except Exception as exc:
                    self._failing.add(what)
                    delay = self.outage.failed(exc)
                    log.debug("%s failed: %s", what, exc)
                    if deadline is not None:
                        left = deadline - self.clock()
                        if left <= 0:
                            return None
                        delay = min(delay, left)
                    await asyncio.sleep(delay)
                    continue
                self._failing.discard(what)
                if not self._failing:
                    self.outage.ok()
                return result
        finally:
            self._failing.discard(what)  # given up (expired, cancelled): no longer failing

    async def start(self) -> list[Decision]:
        """Send date corrections, resume interrupted enqueues, send what is due, schedule the rest."""
        corrections = await self._retrying(
            "start-up", lambda store: send_corrections(self.schedule, store, self.clock())
        )
        for c in corrections:
            log.info("%s (broadcast %s)", c.describe(), c.broadcast_id)
        unfinished = await self._retrying("start-up", Store.unfinished_enqueues)
        for broadcast_id in unfinished:
            await self._enqueue_in_thread(broadcast_id)
        return await self._plan("start-up")

    async def _plan(self, what: str) -> list[Decision]:
        """Decide on every reminder of the current schedule: fire what is due, a job for the rest."""
        decisions = await self._retrying(what, lambda store: decide(self.schedule, store, self.clock()))
        for d in decisions:
            if d.action == DUE_NOW:
                await self.fire(d.reminder)
            elif d.action == LATER:
                self._add_job(d.reminder)
        counts = {a: sum(1 for d in decisions if d.action == a) for a in (DUE_NOW, LATER, SKIP_DONE, SKIP_EXPIRED)}
        log.info("reminders: %s", ", ".join(f"{n} {a}" for a, n in counts.items()))
        return decisions

    def _add_job(self, reminder: Reminder) -> None:
        self.job_queue.run_once(
            self._job,
            when=self.wall_time(reminder.at),
            data=reminder.id,
            name=reminder.id,
            job_kwargs={"misfire_grace_time": None, "coalesce": True},
        )

    def retime(self, schedule: Schedule) -> None:
        """Switch to `schedule` and give each of its reminders a job at its time, nothing else: no
        corrections and no decisions (the demo moves the same reminders close to now)."""
        self.schedule = schedule
        for job in self.reminder_jobs():
            job.schedule_removal()
        for reminder in schedule.reminders:
            self._add_job(reminder)

    def follow_clock(self) -> None:
        """Move each reminder's job to its time on the injected clock again, after that clock jumped
        ahead (a test reaching a reminder's time at once): the JobQueue waits on the wall clock."""
        for job in self.reminder_jobs():
            reminder = self.schedule.reminder(str(job.data))
            if reminder is not None:
                job.job.modify(next_run_time=self.wall_time(reminder.at))

    def reminder_jobs(self) -> list:
        """The JobQueue jobs of reminders (named by reminder id), not those of other parts of the bot."""
        return [job for job in self.job_queue.jobs() if job.callback == self._job and not job.removed]

    async def reload(self, schedule: Schedule) -> list[Correction | TpsMove]:
        """Switch to `schedule` as a restart would: corrections for moved stages, then every reminder
        decided again (new ones scheduled or fired, removed ones unscheduled, moved ones rescheduled).

        Reminders already recorded as broadcasts are left alone, as on a restart.
        """
        self.schedule = schedule  # a job firing from now on looks its reminder up here
        for job in self.reminder_jobs():
            job.schedule_removal()
        corrections = await self._retrying("reload", lambda store: send_corrections(schedule, store, self.clock()))
        for c in corrections:
            log.info("%s (broadcast %s)", c.describe(), c.broadcast_id)
        await self._plan("reload")
        if corrections:
            self.wake()
        return corrections

    def wall_time(self, at: datetime) -> datetime:
        """`at` on the injected clock as a moment of the JobQueue's (wall) clock; the same moment
        when the bot runs on the real clock, and the right one when a test moves the clock."""
        return at + timedelta(seconds=time.time() - self.clock())

    async def _job(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        job = context.job
        reminder = self.schedule.reminder(str(job.data)) if job is not None else None
        if reminder is not None:
            await self.fire(reminder)

    async def fire(self, reminder: Reminder) -> None:
        """Enqueue one reminder now, unless it has expired; retried until done or expired."""
        expires = reminder.expires.timestamp()
        if expires <= self.clock():
            log.info("reminder %s expired before it could be sent; dropped", reminder.id)
            return
        started = time.monotonic()
        async with self._lock:
            # Enqueueing a million rows takes seconds; a connection of its own keeps it off the event loop.
            total = await self._retrying(
                f"enqueue of {reminder.id}",
                lambda store: enqueue_reminder(store, reminder, now=self.clock(), channel=self.channel),
                deadline=expires,
            )
        if total is None:
            log.warning("reminder %s expired before it could be enqueued; dropped", reminder.id)
            return
        log.info("reminder %s due: %d recipients enqueued in %.2f s", reminder.id, total, time.monotonic() - started)
        self.wake()

    async def run_scheduled(self) -> None:
        """Start operators' scheduled broadcasts as they fall due, until cancelled (at stop)."""
        while True:
            await self.start_due()
            await asyncio.sleep(self.scheduled_poll)

    async def start_due(self) -> list[str]:
        """Start every scheduled broadcast whose time has come; returns the ids started."""
        due = await self._retrying("scheduled broadcasts", lambda store: store.due_scheduled(self.clock()))
        started = []
        for b in due:
            begun = time.monotonic()
            async with self._lock:
                total = await self._retrying(
                    f"start of {b.id}", lambda store, b=b: start_scheduled(store, b, self.clock()), deadline=b.expires
                )
            if total is None:
                log.info("scheduled broadcast %s was not started: expired, or cancelled meanwhile", b.id)
                continue
            took = time.monotonic() - begun
            log.info("scheduled broadcast %s due: %d recipients enqueued in %.2f s", b.id, total, took)
            started.append(b.id)
            self.wake()
        return started

    async def _enqueue_in_thread(self, broadcast_id: str) -> None:
        total = await self._retrying(f"enqueue of {broadcast_id}", lambda store: store.enqueue(broadcast_id))
        log.info("resumed enqueue of %s: %d recipients", broadcast_id, total)
        self.wake()
