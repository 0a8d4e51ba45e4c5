"""The offline demo: the real bot against the built-in Telegram stand-in, with a terminal chat.

The person types commands as they would in Telegram; a number presses the matching button of
the last message that has buttons. The schedule is a copy of the configured one with its
reminders moved to the next minutes, so scheduled broadcasts arrive while you watch. When stdin
is not a terminal, lines are read from it, every reply is printed, and the demo exits after the
end of input once pending replies are shown (plus ``--wait`` seconds, to see broadcasts).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import unquote

from telegram.ext import Application

from bot import log_privacy
from bot import settings as cfg
from bot.content.formats import plain
from bot.content.texts import long_date
from bot.ops.lock import DatabaseLock
from bot.ops.service import serve
from bot.schedule import loading
from bot.schedule import model as sched
from bot.store import Store
from bot.telegram.app import build
from standin import StandIn

CHAT_ID = 100001
# Made-up TPS of two kecamatan (its first line says so): the demo shows /tps and {my_tps} with them.
EXAMPLE_TPS = Path(__file__).resolve().parents[2] / "config" / "examples" / "tps-contoh.csv"
SUBSCRIBE_WAIT = 45.0  # seconds the first reminder waits for the person to subscribe
REMINDER_LABEL = {"id": "📣 pengingat terjadwal dari bot:", "en": "📣 scheduled reminder from the bot:"}


class Terminal:
    """Prints what the bot sends to the demo chat, and turns typed lines into updates."""

    def __init__(self, standin: StandIn, schedule: sched.Schedule, out: TextIO = sys.stdout) -> None:
        self.standin = standin
        self.out = out
        # Both languages: someone who chose English gets text_en, and it is a reminder all the same.
        self.reminder_texts = {r.text: REMINDER_LABEL["id"] for r in schedule.reminders}
        self.reminder_texts.update({r.text_en: REMINDER_LABEL["en"] for r in schedule.reminders if r.text_en})
        self.shown: dict[int, tuple[str, list[tuple[str, str]]]] = {}
        self.buttons: tuple[int, list[tuple[str, str]]] | None = None
        self.last_change = time.monotonic()

    def print(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def show_new(self) -> int:
        """Print messages not shown yet (and edits of shown ones); returns how many."""
        count = 0
        for m in self.standin.sent_to(CHAT_ID):
            key = m["message_id"]
            text = m.get("text") or m.get("caption") or ""
            for kind in ("photo", "document"):
                if m.get(kind):
                    text = f"[{kind}: {m[kind].get('filename') or kind}, {len(m[kind]['data']) // 1024} KB] {text}"
            if venue := m.get("venue"):
                text = f"[📍 peta: {venue['title']} — {venue['address']} ({venue['latitude']}, {venue['longitude']})]"
            markup = m.get("reply_markup") or {}
            rows = markup.get("inline_keyboard") or []
            buttons = [(b.get("text", ""), b["callback_data"]) for row in rows for b in row if "callback_data" in b]
            links = [(b.get("text", ""), b["url"]) for row in rows for b in row if "url" in b]
            if self.shown.get(key) == (text, buttons):  # an edit may turn the buttons' page only
                continue
            if key in self.shown:
                header = "bot (pesan diperbarui):"
            elif text in self.reminder_texts:
                header = self.reminder_texts[text]
            else:
                header = "bot:"
            self.shown[key] = (text, buttons)
            self.print(f"\n{header}\n{plain(text)}")
            for label, url in links:  # a link button (the invitation's share dialog) opens in the app
                self.print(f"  [{label}: {unquote(url)}]")
            if buttons:
                self.buttons = (key, buttons)
                self.print("  " + "   ".join(f"[{i}] {label}" for i, (label, _) in enumerate(buttons, 1)))
                self.print("  (ketik nomornya untuk memilih)")
            elif self.buttons and self.buttons[0] == key:
                self.buttons = None
            count += 1
        if count:
            self.last_change = time.monotonic()
        return count

    def type_line(self, line: str) -> None:
        line = line.strip()
        if not line:
            return
        if line.isdigit() and self.buttons:
            message_id, buttons = self.buttons
            index = int(line) - 1
            if 0 <= index < len(buttons):
                self.standin.press_button(CHAT_ID, message_id, buttons[index][1], user_id=CHAT_ID)
                return
        self.standin.user_message(CHAT_ID, line, user_id=CHAT_ID, first_name="Warga")

    async def settle(self, quiet: float = 1.3, timeout: float = 10.0) -> None:
        """Wait until the bot has answered (something new shown, then `quiet` seconds of nothing).

        `quiet` is above a second because the pacer spaces two messages to one chat by a second.
        """
        started = time.monotonic()
        seen_any = False
        while time.monotonic() - started < timeout:
            if self.show_new():
                seen_any = True
            if seen_any and time.monotonic() - self.last_change >= quiet:
                return
            await asyncio.sleep(0.05)


def banner(
    schedule: sched.Schedule, shifted: sched.Schedule, first_in: float, simulated: datetime, operator: bool = False
) -> str:
    first = shifted.reminders[0].at if shifted.reminders else None
    lines = [
        "=" * 64,
        f"DEMO OFFLINE — {schedule.election.name}, {schedule.election.region}",
        "Bot terhubung ke server Telegram tiruan lokal (tanpa internet).",
        "Jadwal DIGESER untuk demo: pengingat terjadwal jatuh tempo dalam beberapa menit ke depan",
        f"(yang pertama sekitar {first_in:.0f} detik setelah Anda mendaftar, paling lambat"
        f" {SUBSCRIBE_WAIT + first_in:.0f} detik lagi" + (f", {first:%H.%M.%S})." if first else ")."),
        f"Tanggal simulasi untuk /jadwal: {long_date(simulated.date())}; tanggal tahapan tetap yang resmi.",
        "Ketik /start, pilih peran dengan nomornya, lalu /jadwal. Ctrl-D untuk keluar.",
        *(
            ["Daftar TPS: CONTOH rekaan (bukan data resmi), Kedungwaru dan Tulungagung; coba /tps."]
            if schedule.tps and schedule.election.tps_file is None
            else []
        ),
        *(["Anda juga OPERATOR: coba /statistik, /siaran, /rencana, /laporan, /audit."] if operator else []),
        "=" * 64,
    ]
    return "\n".join(lines)


async def _demo(
    schedule: sched.Schedule,
    settings: cfg.Settings,
    first_in: float,
    spacing: float,
    wait: float | None,
    stdin: TextIO,
    out: TextIO,
    operator: bool = False,
) -> int:
    standin = StandIn(token="100000:DEMO-TOKEN", bot_username="kpu_tulungagung_demo_bot")
    await standin.start()
    tmp = tempfile.TemporaryDirectory(prefix="pilkada-demo-")
    now = datetime.now(schedule.election.tz)
    # Reminders move to the next minutes; stages keep their real dates, and replies pretend that
    # today is the day of the first reminder, so /jadwal and the reminders tell the same story.
    # The reminders start `first_in` after the person subscribes (see _follow_subscription), at the
    # latest SUBSCRIBE_WAIT seconds from now: a reminder sent before anyone subscribed reaches nobody.
    latest = now + timedelta(seconds=SUBSCRIBE_WAIT)
    shifted = demo_schedule(schedule, latest, first_in, spacing)
    first = schedule.reminders[0].at if schedule.reminders else now
    settings = settings.with_overrides(
        token=standin.token,
        api_url=standin.base_url,
        database=str(Path(tmp.name) / "demo.db"),
        admin_ids=frozenset({CHAT_ID}) if operator else frozenset(),
    )
    db_lock = DatabaseLock(settings.database, "demo").acquire()  # one process per database, the demo's too
    store = Store(settings.database)
    application = build(settings, shifted, store, poll_timeout=1.0)
    application.bot_data["runtime"].calendar_offset = (first - now).total_seconds() - first_in
    stop, ready = asyncio.Event(), asyncio.Event()
    server = asyncio.create_task(serve(application, stop, ready))
    term = Terminal(standin, shifted, out)
    interactive = stdin.isatty()
    follower: asyncio.Task | None = None
    try:
        await asyncio.wait_for(ready.wait(), 30)
        term.print(banner(schedule, shifted, first_in, first, operator))
        follower = asyncio.create_task(_follow_subscription(application, schedule, first_in, spacing, latest))
        await _chat(term, stdin, out, interactive)
        if not interactive:
            await _linger(term, wait or 0)
        term.print("\nDemo selesai.")
        return 0
    finally:
        if follower is not None:
            follower.cancel()
        stop.set()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(server, 15)
        await standin.stop()
        store.close()
        db_lock.release()
        tmp.cleanup()


async def _chat(term: Terminal, stdin: Any, out: Any, interactive: bool) -> None:
    """Type the person's lines into the chat until the end of input, showing what the bot answers."""
    loop = asyncio.get_running_loop()
    while True:
        if interactive:
            watcher = asyncio.create_task(_keep_showing(term))
            line = await loop.run_in_executor(None, _prompt, stdin, out)
            watcher.cancel()
        else:
            line = await loop.run_in_executor(None, stdin.readline)
        if not line:
            return
        if not interactive:
            term.print(f"\n> {line.strip()}")
        term.type_line(line)
        await term.settle()


async def _linger(term: Terminal, seconds: float) -> None:
    """After piped input ends: keep showing what arrives for `seconds` (the scheduled reminders)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        term.show_new()
        await asyncio.sleep(0.2)
    await term.settle(timeout=1.0)
    term.show_new()


def demo_schedule(schedule: sched.Schedule, start: datetime, first_in: float, spacing: float) -> sched.Schedule:
    """The schedule with its reminders from `start + first_in` on, every `spacing`; the real stage dates."""
    moved = loading.shifted(schedule, start, first_in=timedelta(seconds=first_in), spacing=timedelta(seconds=spacing))
    return dataclasses.replace(moved, stages=schedule.stages)


async def _follow_subscription(
    application: Application, schedule: sched.Schedule, first_in: float, spacing: float, latest: datetime
) -> None:
    """Once the person has subscribed (before `latest`), move the reminders to start `first_in` later."""
    rt = application.bot_data["runtime"]
    # A connection of its own: the bot's may be inside a transaction.
    with rt.store.reopen() as store:
        while datetime.now(latest.tzinfo) < latest:
            if store.count_audience(sched.ROLES):
                reschedule(application, demo_schedule(schedule, datetime.now(latest.tzinfo), first_in, spacing))
                return
            await asyncio.sleep(0.1)


def reschedule(application: Application, schedule: sched.Schedule) -> None:
    """Replace the reminders' jobs by those of `schedule` (same ids, new times)."""
    rt = application.bot_data["runtime"]
    rt.use_schedule(schedule)
    rt.scheduler.retime(schedule)


def _prompt(stdin: TextIO, out: TextIO) -> str:
    out.write("> ")
    out.flush()
    return stdin.readline()


async def _keep_showing(term: Terminal) -> None:
    while True:
        if term.show_new():
            term.out.write("> ")
            term.out.flush()
        await asyncio.sleep(0.2)


def run_demo(
    schedule: sched.Schedule,
    settings: cfg.Settings,
    *,
    first_in: float = 20.0,
    spacing: float = 15.0,
    wait: float | None = None,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
    operator: bool = False,
) -> int:
    log_privacy.setup_logging(logging.WARNING, token=None, stream=sys.stderr)
    return asyncio.run(
        _demo(schedule, settings, first_in, spacing, wait, stdin or sys.stdin, out or sys.stdout, operator)
    )
