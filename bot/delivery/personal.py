"""Personal copies: {my_tps} becomes each recipient's own TPS, and the location pin that may follow.

Everything is worked out once per schedule (one line per TPS and language), so a copy costs one dict
lookup and one ``str.replace``: personalising does not slow a broadcast to a million people.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from telegram.error import RetryAfter

from bot.content import invites, tps_texts
from bot.content.formats import LANGS
from bot.delivery.pacer import BROADCAST, Pacer, retry_seconds
from bot.delivery.sender import Sender
from bot.schedule.model import Schedule
from bot.schedule.tps import MY_TPS
from bot.store import Job

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Personaliser:
    """The lines {my_tps} becomes and the pins, per (TPS key, language); empty: texts as written."""

    lines: dict[tuple[str | None, str], str] = field(default_factory=dict)
    pins: dict[tuple[str, str], tps_texts.Pin] = field(default_factory=dict)
    schedule: Schedule | None = None  # for the invite button's invitation and link
    _invites: dict[tuple[str | None, str, str], dict | None] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, schedule: Schedule) -> Personaliser:
        pins = {}
        for tps in schedule.tps:
            for lang in LANGS:
                if (pin := tps_texts.venue(schedule, tps, lang)) is not None:
                    pins[(tps.key, lang)] = pin
        return cls(tps_texts.personal_lines(schedule), pins, schedule)

    def text(self, job: Job) -> str:
        """The copy's text for its recipient: {my_tps} replaced by their TPS, or the generic line."""
        if MY_TPS not in job.text:
            return job.text
        line = self.lines.get((job.tps, job.language)) or self.lines.get((None, job.language))
        return job.text.replace(MY_TPS, line or "")

    def markup(self, job: Job, markup: dict | None, username: str | None) -> dict | None:
        """``markup`` with the invite button under it, for a copy of a broadcast with ``invite``: not in
        the channel's copy, where nobody can press a command, nor without the bot's username."""
        if not job.invite or job.to_channel or self.schedule is None or not username:
            return markup
        key = (job.area, job.language, username)
        if key not in self._invites:  # one button per kecamatan and language: built once
            self._invites[key] = invites.invite_button(self.schedule, username, job.area, job.language)
        return invites.with_invite(markup, self._invites[key])

    def pin(self, job: Job) -> tps_texts.Pin | None:
        """The sendVenue parameters (without chat_id) to follow the copy, or None."""
        if not job.venue or job.tps is None or job.to_channel:
            return None
        return self.pins.get((job.tps, job.language))


class Pins:
    """The TPS pins that follow delivered copies, each its own task: a pin waits a second for its chat
    (Telegram's pace per chat), and must not hold the copy's send slot meanwhile."""

    def __init__(self, sender: Sender, pacer: Pacer) -> None:
        self.sender = sender
        self.pacer = pacer
        self._tasks: set[asyncio.Task] = set()

    def follow(self, job: Job, pin: tps_texts.Pin) -> None:
        """Send ``pin`` after ``job``'s copy, which has been delivered."""
        task = asyncio.create_task(send_pin(self.sender, self.pacer, job, pin), name=f"pin-{job.broadcast_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def stop(self) -> None:
        """At shutdown: pins not sent yet are dropped (their copies are recorded as delivered)."""
        for task in list(self._tasks):
            task.cancel()


async def send_pin(sender: Sender, pacer: Pacer, job: Job, pin: tps_texts.Pin) -> None:
    """The TPS's location pin after a delivered copy, once and silently. A pin that fails is logged, not
    retried: the copy itself was delivered, and a retry could not tell a lost pin from a delivered one."""
    try:
        await pacer.acquire(job.chat_id, (BROADCAST, job.deliver_by))
        await sender.call("sendVenue", {"chat_id": job.chat_id, **pin, "disable_notification": True})
    except RetryAfter as exc:
        pacer.pause(retry_seconds(exc), BROADCAST)
        log.warning("broadcast %s: a TPS pin was not sent (flood wait)", job.broadcast_id)
    except Exception as exc:
        log.warning("broadcast %s: a TPS pin was not sent: %s", job.broadcast_id, type(exc).__name__)
