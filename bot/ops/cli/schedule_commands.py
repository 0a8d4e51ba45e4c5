"""The schedule file's commands: `check`, `preview`, `plan`, `ics` and `new-election`."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot import settings as cfg
from bot.ops import files
from bot.ops.cli.common import (
    Commands,
    audit_actor,
    confirm,
    load_schedule,
    open_store,
    operator_command,
)
from bot.ops.files import BadInput
from bot.schedule import model as sched
from bot.schedule.tps import MY_TPS, summary_lines

if TYPE_CHECKING:
    from bot.store import Store


def cmd_check(args: argparse.Namespace, settings: cfg.Settings) -> int:
    schedule = load_schedule(args.file or settings.schedule)
    print(schedule.summary())
    if schedule.tps:
        print(summary_lines(schedule.tps, schedule.areas)[-1])
    problems = tag_problems(schedule)
    for problem in problems:
        print(problem, file=sys.stderr)
    for warning in schedule.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    # A warning, not a problem: the file is valid, and the channel may be set only where the bot runs.
    for warning in channel_warnings(schedule, settings):
        print(f"warning: {warning}", file=sys.stderr)
    if problems:
        return 2
    for line in correction_lines(schedule, settings):
        print(line)
    return 0


def tag_problems(schedule: sched.Schedule) -> list[str]:
    """One line per tag the bot puts on its links (``ajak``, ``kanal``, each kecamatan's id as
    `poster --all-areas` uses it) that the schedule's longest link leaves no room for."""
    from bot.content import deep_links as links

    tags = {links.INVITE: "links: the invitations' tag", links.CHANNEL: "links: the channel posts' tag"}
    tags |= {area.id: f'area "{area.id}": its posters\' tag (poster --all-areas)' for area in schedule.areas}
    fix = "shorten the longest kecamatan, desa or TPS ids"
    room = links.source_room(schedule)
    if room < min(map(len, tags)):  # no tag fits at all: one line, not one per kecamatan
        return [
            f"links: the longest role and area ids of the schedule make start parameters of "
            f"{links.longest_head(schedule)} characters, leaving {max(room, 0)} of Telegram's limit of "
            f"{links.START_MAX} for the bot's source tags (ajak, kanal, each kecamatan id): {fix}"
        ]
    return [
        f"{what}: {problem}: {fix}" for tag, what in tags.items() if (problem := links.source_problem(tag, schedule))
    ]


def channel_warnings(schedule: sched.Schedule, settings: cfg.Settings) -> list[str]:
    """Reminders with channel = true while no BOT_CHANNEL_ID is set: they would reach subscribers only."""
    if settings.channel_id:
        return []
    ids = list(dict.fromkeys(r.series or r.id for r in schedule.reminders if r.channel))
    if not ids:
        return []
    return [
        f"{len(ids)} reminder(s) have channel = true but BOT_CHANNEL_ID is not set, so they go to subscribers "
        f"only: {', '.join(ids)}"
    ]


def cmd_preview(args: argparse.Namespace, settings: cfg.Settings) -> int:
    """Every reminder in time order, every page, then the FAQ, as the reader sees them: no token, no database."""
    from bot.content import catalogue, texts, tps_texts
    from bot.content.formats import long_date, plain, time_of_day, zone_abbreviation

    schedule = load_schedule(args.file or settings.schedule)
    for warning in schedule.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    lang, zone = args.lang, zone_abbreviation(schedule.election.timezone)
    rule = "=" * 72

    def show(title: str, text: str) -> None:
        print(f"\n{rule}\n{title}\n{rule}\n{plain(text)}")

    def dated(versions: list[tuple[date, str]]) -> list[tuple[str, str]]:
        """(" · from X · until Y", text) for each version of a text that changes on dates."""
        shown = []
        for i, (since, text) in enumerate(versions):
            label = f" · from {long_date(since, lang)}" if since != date.min else ""
            if i + 1 < len(versions):
                label += f" · until {long_date(versions[i + 1][0] - timedelta(days=1), lang)}"
            shown.append((label, text))
        return shown

    print(f"{schedule.summary()}\nLanguage: {lang}" + (f", role: {args.role}" if args.role else ""))
    for line in summary_lines(schedule.tps, schedule.areas):
        print(line)
    personal = tps_texts.personal_lines(schedule)
    for r in schedule.reminders:
        if args.role and args.role not in r.roles:
            continue
        when = f"{long_date(r.at.date(), lang)} {time_of_day(r.at.time(), lang)} {zone}"
        notes = [f"button: {catalogue.say(lang, f'pledge_{r.ask}')}"] if r.ask else []
        notes += ["also posted to the channel (in Indonesian)"] if r.channel else []
        text = r.text_en if lang == "en" and r.text_en else r.text
        if MY_TPS in text:  # shown as to a reader who gave no TPS; with one, their own TPS instead
            example = next((line for (key, lg), line in personal.items() if key and lg == lang), None)
            notes += [f"{MY_TPS}: each reader's own TPS" + (f', e.g. "{plain(example)}"' if example else "")]
            text = text.replace(MY_TPS, personal[(None, lang)])
        notes += ["followed by the reader's TPS location pin, where the TPS file gives one"] if r.venue else []
        notes += [f"button: {catalogue.say(lang, 'invite_button')} (not in the channel's copy)"] if r.invite else []
        show(f"{r.id} · {when} · {', '.join(r.roles)}", text + "".join(f"\n[{note}]" for note in notes))
    pages = [("/tps", "tps")] + [
        (f"/netralitas ({role})", texts.netralitas_key(role)) for role in sched.ROLES if args.role in (None, role)
    ]
    for command, key in pages:
        name = f"{key}_en" if lang == "en" and f"{key}_en" in schedule.pages else key
        later = [since for since, _ in schedule.page_versions.get(name, ())]
        versions = [(date.min, texts.page_text(schedule, key, lang))]
        versions += [(since, texts.page_text(schedule, key, lang, since)) for since in later]
        for label, text in dated(versions):
            show(f"Page {command}{label}", text)
    for entry in schedule.faq:
        answers = list(entry.answers_en if lang == "en" and entry.answers_en else entry.answers)
        for label, text in dated(answers):
            show(f"FAQ {entry.id}: {entry.phrasings(lang)[0]}{label}", text)
    return 0


def correction_lines(schedule: sched.Schedule, settings: cfg.Settings) -> list[str]:
    """The date corrections the next start will send, if the database exists; for the next
    election's schedule, one line saying so instead (its dates correct nothing)."""
    from bot.delivery.scheduler import pending_corrections
    from bot.delivery.tps_moves import pending_tps_moves
    from bot.ops import elections

    if not Path(settings.database).is_file():
        return []
    with files.open_database(settings.database, must_exist=True) as store:
        reason = elections.new_election(store, schedule)
        if reason is not None:
            return [
                f"new election: {reason}. No 'Ralat' will be sent: `python bot.py new-election "
                f"{schedule.source}` archives the old election's records and starts this one clean"
            ]
        corrections = [c.describe() for c in pending_corrections(schedule, store)]
        return corrections + [m.describe() for m in pending_tps_moves(schedule, store)]


def cmd_plan(args: argparse.Namespace, settings: cfg.Settings) -> int:

    from bot.delivery import plan

    schedule = load_schedule(settings.schedule)
    rate = settings.effective_rate
    now = None if args.all else datetime.now(schedule.election.tz)
    if args.audience is not None:
        try:
            per_role = plan.parse_audience(args.audience)
        except ValueError as exc:
            print(f"--audience: {exc}", file=sys.stderr)
            return 2
        audience = lambda roles, areas=(): sum(per_role.get(role, 0) for role in roles)  # noqa: E731
        source = "modelled audience: " + ", ".join(f"{role} {n:,}" for role, n in per_role.items())
        if any(r.areas for r in schedule.reminders):  # a model has no areas: an upper bound for those
            source += "; reminders with areas count the whole role"
        rows = plan.plan(schedule, audience, rate, now=now)
    elif Path(settings.database).is_file():
        with files.open_database(settings.database, must_exist=True) as store:
            rows = plan.plan(
                schedule,
                store.count_audience,
                rate,
                now=now,
                recorded=store.recorded_reminders(),
                scheduled=store.scheduled_broadcasts(),
                pins=plan.pin_count(schedule, store.tps_counts()),
            )
        source = f"recipients now in {settings.database}"
    else:  # never create a database just to count nobody in it
        rows = plan.plan(schedule, lambda roles, areas=(): 0, rate, now=now)
        source = f"no database at {settings.database} yet (0 recipients; model one with --audience N)"
    print(plan.render(rows, rate, source))
    if not rows and not args.all:
        print("All reminders have expired; use --all to plan the whole schedule.")
    for line in correction_lines(schedule, settings):
        print(line)
    hint = plan.paid_hint(rows)
    if hint and not settings.paid_broadcast:
        print(hint)
    return 0


def refuse_new_election(store: Store, schedule: sched.Schedule) -> None:
    """The next election's schedule is not loaded by a start: its dates would read as corrections."""
    from bot.ops import elections

    reason = elections.new_election(store, schedule)
    if reason is not None:
        raise BadInput(elections.refusal(reason, schedule.source))


def cmd_new_election(args: argparse.Namespace, settings: cfg.Settings) -> int:
    """Switch the database to the next election: show what happens, confirm, archive, tell subscribers."""
    from bot.ops import elections

    schedule = load_schedule(args.file)
    open_store(settings).close()  # a mistyped path: one line, and no lock file or folder left behind
    doing = "switching elections (stop the bot first: systemctl stop pilkada-bot)"
    with files.exclusive(settings.database, "new-election", doing), open_store(settings) as store:
        plan = elections.plan_switch(store, schedule)
    if plan.reason is None:
        raise BadInput(
            f"{args.file} is not a new election for {settings.database}: it follows "
            f"{plan.old.describe() if plan.old else 'no election yet'}. Load it by setting BOT_SCHEDULE "
            "and restarting (or `python bot.py reload`); moved stages get a 'Ralat' as `check` lists"
        )
    print(f"{args.file}: a new election ({plan.reason}).")
    for line in plan.lines():
        print(f"  {line}")
    if not args.yes and not confirm("Switch to the new election? [y/N] "):
        print("Cancelled, nothing changed.")
        return 0
    with files.exclusive(settings.database, "new-election", doing), open_store(settings) as store:
        if elections.new_election(store, schedule) != plan.reason:  # changed while the question waited
            raise BadInput("the database changed while the question waited; nothing changed, run it again")
        archive_id = elections.switch(store, schedule)
        store.log_action(audit_actor(), "pemilihan baru", schedule.election.name, plan.reason)
    old = plan.old.name if plan.old and plan.old.name else "the old election"
    print(f"Done: {old} archived (archive {archive_id}); the database now follows {schedule.election.name}.")
    if Path(settings.schedule).resolve() != Path(args.file).resolve():
        print(f"Next: set BOT_SCHEDULE={args.file} in the bot's settings, then start or restart the bot.")
    else:
        print("Next: start or restart the bot.")
    return 0


@operator_command
def cmd_ics(args: argparse.Namespace, settings: cfg.Settings) -> int:
    from bot.content.ics import schedule_ics

    schedule = load_schedule(settings.schedule)
    out = files.output_path(args.out, settings)
    data = schedule_ics(schedule, args.lang)
    files.write_atomically(out, data)
    events = data.count(b"\r\nBEGIN:VEVENT\r\n")  # what calendars import: the stages and the voting-day event
    print(f"Wrote {events} events to {args.out}.")
    return 0


def add_check(sub: Commands, common: argparse.ArgumentParser) -> None:
    """`check` and its options."""
    command = sub.add_parser("check", parents=[common], help="validate a schedule file")
    command.add_argument("file", nargs="?", help="schedule file (default: the configured one)")
    command.set_defaults(handler=cmd_check)


def add_preview(sub: Commands, common: argparse.ArgumentParser) -> None:
    """`preview` and its options."""
    command = sub.add_parser(
        "preview", parents=[common], help="print every reminder and page as recipients read them (for proof-reading)"
    )
    command.add_argument("file", nargs="?", help="schedule file (default: the configured one)")
    command.add_argument("--lang", choices=["id", "en"], default="id", help="language of the texts (default id)")
    command.add_argument("--role", choices=list(sched.ROLES), help="only what this role receives and sees")
    command.set_defaults(handler=cmd_preview)


def add_plan(sub: Commands, common: argparse.ArgumentParser) -> None:
    """`plan` and its options."""
    command = sub.add_parser("plan", parents=[common], help="print when each reminder starts and finishes")
    command.add_argument(
        "--audience",
        metavar="N|ROLE=N,...",
        help="model an audience instead of the database: N voters (role pemilih), "
        "or counts per role such as asn=5000,kades=3000,pemilih=858030",
    )
    command.add_argument("--all", action="store_true", help="include reminders that have already expired")
    command.set_defaults(handler=cmd_plan)


def add_ics(sub: Commands, common: argparse.ArgumentParser) -> None:
    """`ics` and its options."""
    command = sub.add_parser("ics", parents=[common], help="write the stage dates as an iCalendar (.ics) file")
    command.add_argument("--out", required=True, metavar="FILE.ics", help="calendar file to write")
    command.add_argument(
        "--lang", choices=["id", "en"], default="id", help="language of the stage names and texts (default id)"
    )
    command.set_defaults(handler=cmd_ics)


def add_new_election(sub: Commands, common: argparse.ArgumentParser) -> None:
    """`new-election` and its options."""
    command = sub.add_parser(
        "new-election",
        parents=[common],
        help="switch to the next election's schedule: archive the old one's records, keep the subscribers",
    )
    command.add_argument("file", help="the new election's schedule file")
    command.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    command.set_defaults(handler=cmd_new_election)
