"""The delivery plan: when each reminder starts and finishes at the configured rate (pure).

Broadcasts share one sending rate. The plan replays the engine's order as a fluid model: a
reminder starts at `at`; while several are under way the one with the earliest `deliver_by` is
served; copies not delivered by `expires` are dropped. It says, for each reminder, how many
recipients it reaches by its deadline and by its expiry, and warns when that is not everyone.
Operators' broadcasts scheduled for later ('scheduled' in the database) share the rate too: they
are planned with the reminders, as reminders made by `scheduled_reminder`, and marked ``adhoc``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from bot.content import operator_texts
from bot.content.formats import human_duration
from bot.schedule.model import ROLES, Reminder, Schedule
from bot.store.rows import Broadcast


@dataclass
class Row:
    reminder: Reminder
    recipients: int
    duration: float  # seconds needed alone at the rate
    finish: datetime | None  # when the last copy goes out (None: not everyone before expiry)
    by_deadline: int  # copies out by deliver_by
    by_expiry: int  # copies out by expires (the rest are dropped)
    adhoc: bool = False  # an operator's broadcast scheduled for later, not a reminder of the file

    @property
    def late(self) -> bool:
        return self.by_deadline < self.recipients


@dataclass(eq=False)
class _Job:
    """A reminder under way in the fluid model (timestamps in seconds)."""

    deliver_by: float
    expires: float
    remaining: float
    reminder: Reminder


def _simulate(
    reminders: list[Reminder], counts: dict[str, int], rate: float, weights: dict[str, float] | None = None
) -> dict[str, Row]:
    """``weights``: messages per recipient of a reminder (above 1 when a TPS pin follows some copies)."""
    weights = weights or {}
    rows: dict[str, Row] = {}
    jobs: list[_Job] = []
    pending = sorted(reminders, key=lambda r: r.at)
    t = pending[0].at.timestamp() if pending else 0.0
    delivered: dict[str, float] = {}
    i = 0
    while i < len(pending) or jobs:
        while i < len(pending) and pending[i].at.timestamp() <= t + 1e-9:
            r = pending[i]
            n = counts[r.id]
            rows[r.id] = Row(r, n, n * weights.get(r.id, 1.0) / rate, None, n, n)
            delivered[r.id] = 0.0
            if n:
                jobs.append(_Job(r.deliver_by.timestamp(), r.expires.timestamp(), float(n), r))
            else:
                rows[r.id].finish = r.at
            i += 1
        if not jobs:
            if i < len(pending):
                t = pending[i].at.timestamp()
            continue
        jobs.sort(key=lambda j: (j.deliver_by, j.reminder.at))
        current = jobs[0]
        speed = rate / weights.get(current.reminder.id, 1.0)  # recipients per second
        done_at = t + current.remaining / speed
        events = [done_at, current.expires]
        events += [j.expires for j in jobs if j.expires > t]
        events += [j.deliver_by for j in jobs if j.deliver_by > t]
        if i < len(pending):
            events.append(pending[i].at.timestamp())
        t_next = min(e for e in events if e > t - 1e-9)
        # At Unix-time magnitudes a float step is ~2e-7 s: `rate * (t_next - t)` can fall short of what
        # is left by more than any tolerance, and the rest would wait for the next event (the deadline).
        served = current.remaining if t_next >= done_at else min(current.remaining, speed * max(0.0, t_next - t))
        for j in jobs:  # deadlines that fall inside this step
            got = delivered[j.reminder.id] + (
                served * (j.deliver_by - t) / max(t_next - t, 1e-9) if j is current else 0
            )
            if t < j.deliver_by <= t_next:
                rows[j.reminder.id].by_deadline = int(min(got, rows[j.reminder.id].recipients))
        current.remaining -= served
        delivered[current.reminder.id] += served
        t = t_next
        for j in list(jobs):
            rid = j.reminder.id
            if j.remaining <= 1e-6:
                rows[rid].finish = datetime.fromtimestamp(t, j.reminder.at.tzinfo)
                jobs.remove(j)
            elif j.expires <= t + 1e-9:
                rows[rid].by_expiry = int(delivered[rid])
                if j.deliver_by >= j.expires:
                    rows[rid].by_deadline = int(delivered[rid])
                jobs.remove(j)
    return rows


def plan(
    schedule: Schedule,
    audience: Callable[..., int],
    rate: float,
    now: datetime | None = None,
    recorded: Collection[str] = (),
    scheduled: Sequence[Broadcast] = (),
    pins: int = 0,
) -> list[Row]:
    """One row per reminder still to come, by start: not expired at `now` and not in `recorded` (the
    reminders that already fell due); every reminder if `now` is None. ``scheduled``: operators'
    broadcasts waiting for their time (``Store.scheduled_broadcasts``), planned alongside.

    ``audience(roles)`` counts a reminder for everybody; one with areas is counted with
    ``audience(roles, areas)`` (like ``Store.count_audience``), so only people in those areas count.
    ``pins``: subscribers whose TPS has a map pin (:func:`pin_count`); a reminder with ``venue`` sends
    them a second message, counted against the rate (an upper bound for a reminder of some roles).
    """
    adhoc = [scheduled_reminder(b, schedule.election.tz) for b in scheduled]
    reminders = [r for r in schedule.reminders if now is None or (r.expires > now and r.id not in recorded)]
    reminders += [r for r in adhoc if now is None or r.expires > now]
    counts = {r.id: audience(r.roles, r.areas) if r.areas else audience(r.roles) for r in reminders}
    weights = {r.id: 1 + min(pins, counts[r.id]) / counts[r.id] for r in reminders if r.venue and counts[r.id]}
    rows = _simulate(reminders, counts, rate, weights)
    for r in adhoc:
        if r.id in rows:
            rows[r.id].adhoc = True
    return [rows[r.id] for r in sorted(reminders, key=lambda r: (r.at, r.id))]


def pin_count(schedule: Schedule, tps_counts: dict[str, int]) -> int:
    """Subscribers who gave a TPS that has coordinates (``tps_counts``: ``Store.tps_counts()``)."""
    pinned = {t.key for t in schedule.tps if t.has_pin}
    return sum(n for key, n in tps_counts.items() if key in pinned)


def scheduled_reminder(b: Broadcast, tz: tzinfo) -> Reminder:
    """An operator's scheduled broadcast as the plan sees a reminder: its time, roles, areas, deadline."""
    at, expires, deliver_by = (datetime.fromtimestamp(t, tz) for t in (b.at, b.expires, b.deliver_by))
    return Reminder(
        id=b.id,
        at=at,
        expires=expires,
        deliver_by=deliver_by,
        roles=tuple(b.role_list),
        text=b.text,
        areas=tuple(b.area_list),
    )


def parse_audience(text: str) -> dict[str, int]:
    """'866030' (all voters) or 'asn=5000,kades=3000,pemilih=858030' as counts per role."""
    text = text.strip()
    if text.isdigit():
        return {"pemilih": int(text)}
    counts = {}
    for part in text.split(","):
        role, _, n = part.partition("=")
        role = role.strip()
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r} (allowed: {', '.join(ROLES)})")
        if not n.strip().isdigit():
            raise ValueError(f"{part.strip()!r}: expected ROLE=NUMBER")
        counts[role] = int(n)
    return counts


def _when(dt: datetime, ref: datetime) -> str:
    return dt.strftime("%H:%M") if dt.date() == ref.date() else dt.strftime("%Y-%m-%d %H:%M")


def warning(row: Row, rate: float) -> str | None:
    """A plain sentence when a reminder cannot reach everyone by its deadline, else None."""
    if not row.late:
        return None
    r = row.reminder
    deadline = "deliver_by" if r.deliver_by < r.expires else "expires"
    line = (
        f"WARNING {r.id}: {row.recipients:,} recipients at {rate:g}/s need {human_duration(row.duration)}; "
        f"by {deadline} {_when(r.deliver_by, r.at)} only {row.by_deadline:,} "
        f"({100 * row.by_deadline / row.recipients:.1f}%) are reached"
    )
    if row.by_expiry < row.recipients:
        dropped = row.recipients - row.by_expiry
        line += f"; {dropped:,} copies are dropped at expiry {_when(r.expires, r.at)}"
    elif deadline == "deliver_by" and row.finish is not None:
        line += f"; everyone by {_when(row.finish, r.at)}, before expiry"
    return line + "."


def render(rows: list[Row], rate: float, source: str) -> str:
    """The table `python bot.py plan` prints, with a warning line for every late reminder."""
    lines = [f"Delivery plan at {rate:g} messages/second ({source})"]
    # The id column is as wide as the longest id, so a long id never pushes its row out of line.
    width = max([len("reminder"), *(len(row.reminder.id) for row in rows)])
    header = f"{'reminder':{width}} {'start':16} {'recipients':>10} {'duration':>10}  {'finish':16} deadline"
    lines.append(header)
    for row in rows:
        r = row.reminder
        finish = row.finish.strftime("%Y-%m-%d %H:%M") if row.finish else "not all (expiry)"
        mark = "  LATE" if row.late else ""
        if r.areas:  # last, so the columns before it stay aligned
            mark += "  areas: " + ", ".join(r.areas)
        if row.adhoc:
            mark += f"  scheduled broadcast: {operator_texts.first_line(r.text)}"
        lines.append(
            f"{r.id:{width}} {r.at:%Y-%m-%d %H:%M} {row.recipients:>10,} {human_duration(row.duration):>10}  "
            f"{finish:16} {r.deliver_by:%Y-%m-%d %H:%M}{mark}"
        )
    warnings = [w for w in (warning(row, rate) for row in rows) if w]
    if not rows:
        lines.append("(no reminders to plan)")
    lines += warnings
    adhoc = sum(row.adhoc for row in rows)
    reminders = len(rows) - adhoc
    counted = f"{reminders} reminder{'' if reminders == 1 else 's'}"
    counted += f" and {adhoc} scheduled broadcast{'' if adhoc == 1 else 's'}" if adhoc else ""
    lines.append(f"{counted}, {len(warnings)} cannot reach everyone by their deadline.")
    return "\n".join(lines)


def paid_hint(rows: list[Row]) -> str | None:
    biggest = max((row.recipients for row in rows if row.late), default=0)
    if not biggest:
        return None
    return (
        f"Hint: with BOT_PAID_BROADCAST=1 (1,000 messages/second) {biggest:,} recipients take "
        f"{human_duration(biggest / 1000)}; or start those reminders earlier (at) or give a later deliver_by."
    )
