"""What operators read, built from plain data: figures, reports, plans, the /siaran draft's steps, alerts (pure).

The words come from bot/content/operator_strings.py through :func:`bot.content.catalogue.say`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, tzinfo
from html import escape
from typing import Any

from bot import store as st
from bot.content import pages
from bot.content.catalogue import entry, say
from bot.content.figures import AreaFigures, BroadcastFigures, BroadcastReport
from bot.content.formats import (
    decimal,
    duration,
    long_date,
    num,
    percent,
    stamp,
    stamp_at,
    time_of_day,
)
from bot.content.operator_strings import (
    BROADCAST_WORDS,
    CHART_WORDS,
    KIND_WORDS,
    ROLE_SHORT,
)
from bot.content.texts import _en, stage_name
from bot.schedule import areas as area_refs
from bot.schedule import problems as schedule_problems
from bot.schedule.model import Schedule


def broadcast_name(broadcast_id: str, lang: str = "id") -> str:
    """'Siaran 3' for 'siaran:3', 'Ralat <code>x</code>' for 'ralat:x', 'Pengingat <code>id</code>' else.

    The kind is said once: an ad-hoc id already starts with the word "siaran".
    """
    prefix, sep, rest = broadcast_id.partition(":")
    if not sep:
        prefix, sep, rest = broadcast_id.partition("-")  # ad-hoc ids of old databases: 'siaran-3'
    words = BROADCAST_WORDS.get(prefix) if sep and rest else None
    if words is None:
        word = "Reminder" if _en(lang) else "Pengingat"
        return f"{word} <code>{escape(broadcast_id)}</code>"
    word = words[1] if _en(lang) else words[0]
    return f"{word} {escape(rest)}" if rest.isdigit() else f"{word} <code>{escape(rest)}</code>"


def roles_text(roles: Iterable[str], lang: str = "id") -> str:
    short = ROLE_SHORT.get(lang, ROLE_SHORT["id"])
    return ", ".join(short.get(r, r) for r in roles) or ("none yet" if _en(lang) else "belum dipilih")


def outage_text(part: str, event: str, detail: str, lang: str = "id") -> str:
    """To operators: a part of the bot started failing ('down', detail = the error) or recovered
    ('up', detail = seconds it lasted)."""
    name = entry(lang, "outage_parts").get(part, part)
    if event == "down":
        return say(lang, "outage_down", part=name, error=escape(detail[:200]))
    return say(lang, "outage_up", part=name, seconds=detail)


def alert_text(kind: str, values: dict, lang: str = "id") -> str:
    """To operators: a condition to act on though the bot runs (see bot.delivery.health.Alerts)."""
    return say(lang, f"alert_{kind}", **{k: escape(str(v)) for k, v in values.items()})


def reload_refused_text(file: str, problems: list[str], lang: str = "id", shown: int = 3) -> str:
    """To operators: a reload found the schedule file invalid; the first `shown` problems (the log has all)."""
    lines = [f"• {escape(schedule_problems.in_language(line, lang)[:300])}" for line in problems[:shown]]
    if len(problems) > shown:
        lines.append("…")
    return say(lang, "reload_refused", file=escape(file), n=len(problems), lines="\n".join(lines))


def new_election_refused_text(file: str, old: str, new: str, voting_day: date | None, lang: str = "id") -> str:
    """To operators: a reload was given the next election's file, which only `new-election` loads."""
    day = long_date(voting_day, lang) if voting_day else "?"
    return say(lang, "reload_new_election", file=escape(file), old=escape(old), new=escape(new), day=day)


def handler_error_text(where: str, error: str, lang: str = "id") -> str:
    """To operators: a handler or job failed with an exception of type `error` in function `where`."""
    return say(lang, "handler_error", where=escape(where), error=escape(error))


def recipients_text(n: int, lang: str = "id") -> str:
    """'1 recipient', '2,000 recipients', '2.000 penerima'."""
    if _en(lang):
        return f"{num(n, lang)} recipient{'' if n == 1 else 's'}"
    return f"{num(n)} penerima"


def stats_text(
    s: dict, region: str, lang: str = "id", areas: list[AreaFigures] | None = None, pledges: list[dict] | None = None
) -> str:
    """/statistik: totals per role, then (given ``reports.area_figures``) the lines per kecamatan, then
    (given ``reports.pledge_figures``) the pledges."""
    short = ROLE_SHORT.get(lang, ROLE_SHORT["id"])
    lines = [say(lang, "stats_title", region=escape(region)), ""]
    lines += [f"{short.get(role, role)}: <b>{num(n, lang)}</b>" for role, n in s["active"].items()]
    lines.append(
        say(
            lang,
            "stats_totals",
            total=num(s["total_active"], lang),
            stopped=num(s["stopped"], lang),
            blocked=num(s["blocked"], lang),
            today=num(s["new_today"], lang),
            days=num(s["new_days"], lang),
        )
    )
    if areas and (len(areas) > 1 or areas[0]["id"] is not None):  # not only "no area": the file has areas
        lines += ["", *area_stats_lines(areas, list(s["active"]), lang)]
    if pledges:
        lines += ["", *pledge_stats_lines(pledges, lang)]
    return "\n".join(lines)


# areas: figures per kecamatan
def area_stats_lines(areas: list[AreaFigures], roles: list[str], lang: str = "id") -> list[str]:
    """One line per kecamatan: active subscribers, the count per role, and coverage where the DPT is known.

    ``areas`` as ``reports.area_figures`` gives them; the one with id None is people without an area.
    """
    short = ROLE_SHORT.get(lang, ROLE_SHORT["id"])
    names = " · ".join(escape(str(short.get(r, r))) for r in roles)
    any_voters = any(a["coverage"] is not None for a in areas)
    lines = [entry(lang, "stats_areas_coverage" if any_voters else "stats_areas").format(roles=names)]
    for a in areas:
        name = escape(a["name"] or a["id"] or "") if a["id"] is not None else f"<i>{entry(lang, 'stats_no_area')}</i>"
        per_role = " · ".join(num(a["roles"].get(r, 0), lang) for r in roles)
        line = f"{name}: <b>{num(a['count'], lang)}</b> ({per_role})"
        if a["coverage"] is not None:
            line += f", {escape(percent(a['coverage'], lang))}"  # '<0,1%' is not a tag
        lines.append(line)
    return lines


def chart_words(lang: str = "id") -> dict:
    """Every word the /statistik chart draws, in ``lang``: titles, axes, roles, months, outcomes."""
    words = dict(CHART_WORDS["en" if _en(lang) else "id"])
    words["roles"] = ROLE_SHORT["en" if _en(lang) else "id"]
    words["lang"] = "en" if _en(lang) else "id"
    return words


def chart_title(region: str, moment: datetime, lang: str = "id") -> str:
    """'Statistik Tulungagung / per 28-11-2026 14.05': the chart says when its figures were taken."""
    return chart_words(lang)["title"].format(region=region, stamp=stamp(moment, lang))


def headline(text: str) -> str:
    """The first visible line of a Telegram HTML text, without tags and leading emoji: a title."""
    from bot.content import telegram_html

    first = text.lstrip()
    cut = first.find("\n")
    if cut > 0:  # most texts' first line parses alone: much less work than the whole text (/laporan lists 500)
        try:
            line = _title_line(telegram_html.parse(first[:cut], strict=False).text)
        except telegram_html.HtmlError:  # e.g. a tag closed on a later line
            line = ""
        if line:
            return line
    try:
        visible = telegram_html.parse(text, strict=False).text
    except telegram_html.HtmlError:
        visible = text
    return _title_line(visible)


def _title_line(visible: str) -> str:
    line = next((ln.strip() for ln in visible.splitlines() if ln.strip()), "")
    line = "".join(c for c in line if ord(c) <= 0xFFFF and not 0x2600 <= ord(c) <= 0x27BF and c != "\ufe0f")
    return line.strip(" -·:")


TITLE_CHARS = 48  # a broadcast's title in /laporan and /rencana: one line on a phone


def short_title(title: str, limit: int = TITLE_CHARS) -> str:
    """``title`` cut at a word boundary to at most ``limit`` characters, ending in '…' when cut."""
    if len(title) <= limit:
        return title
    head = title[: limit - 1]
    cut = head.rsplit(" ", 1)[0] if " " in head[limit // 2 :] else head
    return cut.rstrip(" ,.;:-·") + "…"


def broadcast_title(broadcast_id: str, text: str, text_en: str | None, schedule: Schedule, lang: str = "id") -> str:
    """What a broadcast is about, in plain text: the first line of the text it sent (HTML stripped),
    'Ralat: <stage name>' for a correction; a reminder whose text has no words goes by its title
    in the schedule, else its id."""
    if broadcast_id.startswith("ralat:"):
        return broadcast_label(broadcast_id, schedule, lang)
    sent = text_en if _en(lang) and text_en else text
    return headline(sent) or broadcast_label(broadcast_id, schedule, lang)


def kind_word(kind: str, lang: str = "id") -> str:
    """A broadcast's kind in words: 'Pengingat', 'Siaran', 'Ralat'."""
    words = KIND_WORDS.get(kind)
    return (words[1] if _en(lang) else words[0]) if words else kind


def state_word(status: str, lang: str = "id") -> str:
    """A broadcast's status as /laporan says it: 'selesai', 'sedang dikirim'."""
    return entry(lang, "states").get(status, status)


def ask_word(ask: str, lang: str = "id") -> str:
    """A pledge button as /statistik names it: 'Akan memilih', 'Sudah memilih'."""
    return entry(lang, f"stats_pledge_{ask}")


def operator_label(actor: str, names: dict[str, str]) -> str:
    """An operator as /audit and /laporan show them, in plain text: 'Siti (123456)' when the bot
    knows the name of user id ``actor``, else ``actor`` as recorded (an id, or 'cli:<user>')."""
    name = names.get(actor)
    return f"{name} ({actor})" if name else actor


def broadcast_label(broadcast_id: str, schedule: Schedule, lang: str = "id") -> str:
    """A broadcast as a person names it, in plain text: the reminder's title, 'Siaran 3',
    'Ralat: <stage name>'. An id the schedule no longer has is shown whole, never cut."""
    prefix, sep, rest = broadcast_id.partition(":")
    words = BROADCAST_WORDS.get(prefix) if sep and rest else None
    if words is not None:
        word = words[1] if _en(lang) else words[0]
        if prefix == "ralat":
            stage = next((s for s in schedule.stages if s.id == rest.split(":")[0]), None)
            return f"{word}: {stage_name(stage, lang)}" if stage else f"{word}: {rest}"
        return f"{word} {rest}"
    series = broadcast_id.partition("@")[0]
    reminder = next((r for r in schedule.reminders if r.id == broadcast_id), None) or next(
        (r for r in schedule.reminders if r.series and r.series == series), None
    )  # a past occurrence of a repeating reminder keeps its series' title
    if reminder is None:
        return broadcast_id
    return headline(reminder.text_en if _en(lang) and reminder.text_en else reminder.text) or broadcast_id


def draft_roles_prompt(roles: Iterable[str], lang: str = "id") -> str:
    return say(lang, "roles_prompt", roles=roles_text(roles, lang))


def draft_text_prompt(roles: Iterable[str], lang: str = "id", area_names: list[str] | None = None) -> str:
    return _with_areas(say(lang, "text_prompt", roles=roles_text(roles, lang)), area_names, lang)


def draft_refused(reason: str, lang: str = "id") -> str:
    return say(lang, "refused", reason=escape(reason))


def preview_summary(
    roles: Iterable[str],
    recipients: int,
    seconds: float,
    rate: float,
    approvals: int,
    lang: str = "id",
    area_names: list[str] | None = None,
) -> str:
    """``area_names`` None: the schedule lists no areas, so the preview does not mention them."""
    text = say(
        lang,
        "preview",
        recipients=num(recipients, lang),
        roles=roles_text(roles, lang),
        duration=duration(seconds, lang),
        rate=decimal(rate, lang),
    )
    text = _with_areas(text, area_names, lang)
    return text + "\n" + entry(lang, "preview_approval") if approvals > 1 else text


def no_recipients_text(roles: Iterable[str], lang: str = "id", area_names: list[str] | None = None) -> str:
    """The preview's summary when the chosen roles (in the chosen areas) have no active subscriber."""
    if area_names:
        return say(lang, "no_recipients_areas", roles=roles_text(roles, lang), areas=areas_text(area_names, lang))
    return say(lang, "no_recipients", roles=roles_text(roles, lang))


def progress_text(f: BroadcastFigures, tz: tzinfo | None, lang: str = "id") -> str:
    counts = {k: num(f[k], lang) for k in ("sent", "total", "blocked", "failed", "expired", "cancelled")}
    state = entry(lang, "states").get(f["status"], f["status"])
    name = broadcast_name(f["id"], lang)
    if f["status"] in st.NEVER_STARTED:  # sent later: no counts yet (or ever), only its time
        scheduled = say(lang, "progress_scheduled", at=stamp_at(f["at"], tz, lang))
        return f"<b>{name}</b> · {state}\n{scheduled}"
    lines = [say(lang, "progress", name=name, state=state, percent=f["percent"], **counts)]
    if f.get("waiting_network"):
        lines.append(say(lang, "progress_network", waiting=num(f["waiting_network"], lang)))
    if f["status"] != st.DONE:
        rate = decimal(f["rate"], lang, places=1)
        lines.append(say(lang, "progress_running", rate=rate, eta=stamp_at(f["eta"], tz, lang)))
    else:
        lines.append(say(lang, "progress_done", finished=stamp_at(f["finished_at"], tz, lang)))
    return "\n".join(lines)


def report_about(f: BroadcastReport, lang: str = "id") -> list[str]:
    """The lines that say what a broadcast was: its title (shortened for a phone), then its areas
    (``area_names``: None when the schedule has no areas) and its author, when known."""
    lines = [escape(short_title(f["title"]))] if f.get("title") else []
    names, author = f.get("area_names"), f.get("author")
    about = [areas_line(names, lang)] if names is not None else []
    about += [say(lang, "report_author", author=escape(author))] if author else []
    return lines + ([" · ".join(about)] if about else [])


def report_list_pages(items: list[BroadcastReport], tz: tzinfo | None, lang: str = "id") -> list[str]:
    """/laporan: the latest broadcasts, newest first, as pages; each with what :func:`report_about` says."""
    if not items:
        return [entry(lang, "reports_none")]
    return pages.paginate(
        [report_item(f, tz, lang) for f in items], entry(lang, "reports_title"), entry(lang, "reports_hint")
    )


def report_item(f: BroadcastReport, tz: tzinfo | None, lang: str = "id") -> str:
    """One broadcast of /laporan: id, day, copies sent; then its title, areas and author, indented."""
    if f["status"] in st.NEVER_STARTED:  # scheduled, or cancelled or expired before it started
        state = entry(lang, "states")[f["status"]]
        line = say(lang, "reports_line_unsent", id=escape(f["id"]), at=stamp_at(f["at"], tz, lang), state=state)
    else:
        line = say(
            lang,
            "reports_line",
            id=escape(f["id"]),
            created=stamp_at(f["created_at"], tz, lang),
            sent=num(f["sent"], lang),
            total=num(f["total"], lang),
        )
    return "\n  ".join([line, *report_about(f, lang)])


def report_detail(f: BroadcastReport, tz: tzinfo | None, lang: str = "id") -> str:
    """/laporan ID: the progress of one broadcast, then what it was about."""
    return "\n".join([progress_text(f, tz, lang), *report_about(f, lang)])


def audit_lines(
    rows: list[dict], tz: tzinfo | None, lang: str = "id", names: dict[str, str] | None = None
) -> list[str]:
    """One line per audit trail entry; an operator whose name the bot knows is 'Siti (123456)'."""
    lines = []
    for r in rows:
        subject = f" {escape(r['subject'])}" if r["subject"] else ""
        detail = f" ({escape(r['detail'])})" if r["detail"] else ""
        actor = escape(operator_label(r["actor"], names or {}))
        lines.append(f"{stamp_at(r['at'], tz, lang)} · {actor} · {escape(r['action'])}{subject}{detail}")
    return lines


def audit_pages(
    rows: list[dict], tz: tzinfo | None, lang: str = "id", names: dict[str, str] | None = None
) -> list[str]:
    """/audit: the audit trail, newest first, as pages."""
    if not rows:
        return [entry(lang, "audit_none")]
    return pages.paginate(audit_lines(rows, tz, lang, names), entry(lang, "audit_title"))


def plan_items(rows: Sequence[Any], tz: tzinfo | None, lang: str = "id", areas: tuple = ()) -> list[str]:
    """One item per reminder of /rencana: its title (the first line of its text) and line, its areas
    if it has some (``areas``: the schedule's, to name them), and a warning line when it is late."""
    items = []
    for row in rows:
        r = row.reminder
        if row.finish:
            finish = say(lang, "plan_finish", at=stamp(row.finish.astimezone(tz), lang, year=False))
        else:
            finish = entry(lang, "plan_not_all")
        title = escape(short_title(headline(r.text_en if _en(lang) and r.text_en else r.text) or r.id))
        head = f"<b>{title}</b>"
        if row.adhoc:
            head = say(lang, "plan_adhoc", name=broadcast_name(r.id, lang))
        item = say(
            lang,
            "plan_line",
            head=head,
            at=stamp(r.at, lang),
            roles=roles_text(r.roles, lang),
            recipients=recipients_text(row.recipients, lang),
            duration=duration(row.duration, lang),
            finish=finish,
        )
        if r.areas:
            item += "\n  " + areas_line([area_refs.ref_name(areas, ref) for ref in r.areas], lang)
        if row.adhoc:
            item += f"\n  «{escape(first_line(r.text))}»\n" + say(lang, "plan_adhoc_cancel", id=escape(r.id))
        if row.late:
            item += "\n" + say(
                lang,
                "plan_late",
                reached=num(row.by_deadline, lang),
                total=num(row.recipients, lang),
                share=decimal(100 * row.by_deadline / row.recipients, lang, places=1) + "%",
                deadline=time_of_day(r.deliver_by, lang),
            )
        items.append(item)
    return items


def plan_pages(rows: Sequence[Any], rate: float, tz: tzinfo | None, lang: str = "id", areas: tuple = ()) -> list[str]:
    """/rencana as pages: the same numbers as `python bot.py plan`; a reminder is never cut in two."""
    if not rows:
        return [entry(lang, "plan_none")]
    return pages.paginate(plan_items(rows, tz, lang, areas), say(lang, "plan_title", rate=decimal(rate, lang)) + "\n")


def plan_text(rows: Sequence[Any], rate: float, tz: tzinfo | None, lang: str = "id", areas: tuple = ()) -> str:
    """/rencana in one piece, which may be longer than a message: the bot sends :func:`plan_pages`."""
    if not rows:
        return entry(lang, "plan_none")
    return "\n".join([say(lang, "plan_title", rate=decimal(rate, lang)), "", *plan_items(rows, tz, lang, areas)])


def approval_request(
    author: str,
    roles: Iterable[str],
    recipients: int,
    lang: str = "id",
    area_names: list[str] | None = None,
    at: datetime | None = None,
) -> str:
    """The request to approve a broadcast, ``author`` as `operator_label` names them ('Siti (123456)');
    ``at`` (an aware datetime): it is to be sent then, not at once."""
    text = say(
        lang,
        "approval",
        author=escape(author),
        recipients=recipients_text(recipients, lang),
        roles=roles_text(roles, lang),
    )
    text = _with_areas(text, area_names, lang)
    return text if at is None else text + "\n" + say(lang, "approval_when", when=send_when(at, lang))


def cancelled_broadcast(broadcast_id: str, dropped: int, sent: int, lang: str = "id") -> str:
    return say(
        lang,
        "broadcast_stopped",
        name=broadcast_name(broadcast_id, lang),
        dropped=num(dropped, lang),
        sent=num(sent, lang),
    )


def first_line(text: str, limit: int = 60) -> str:
    """The first visible line of a broadcast's text, cut to `limit` characters: what names it in a plan."""
    return short_title(headline(text), limit)


def zone_of(timezone: str) -> str:
    """WIB, WITA, WIT (else the zone's name): how the time zone of the election is written."""
    from bot.content.formats import zone_abbreviation

    return zone_abbreviation(timezone)


def send_when(at: datetime, lang: str = "id") -> str:
    """'Jumat, 26 November 2027 pukul 19.00 WIB' / 'Friday, 26 November 2027 at 19:00 WIB'."""

    zone = zone_of(getattr(at.tzinfo, "key", str(at.tzinfo)))
    return say(lang, "when", day=long_date(at.date(), lang), time=time_of_day(at.time(), lang), zone=escape(zone))


def _quiet_hours(lang: str) -> dict:
    from bot.schedule.model import QUIET_END, QUIET_START

    return {"start": time_of_day(QUIET_START, lang), "end": time_of_day(QUIET_END, lang)}


def time_prompt(zone: str, example: str, lang: str = "id") -> str:
    """Asks for the send time after "Kirim nanti"."""
    return say(lang, "time_prompt", zone=escape(zone), example=escape(example))


def time_confirm(
    at: datetime,
    roles: Iterable[str],
    recipients: int,
    night: bool,
    lang: str = "id",
    area_names: list[str] | None = None,
) -> str:
    """The typed time as the bot understood it, before the operator confirms it."""
    text = say(
        lang, "time_confirm", when=send_when(at, lang), recipients=num(recipients, lang), roles=roles_text(roles, lang)
    )
    text = _with_areas(text, area_names, lang)
    return text + "\n" + say(lang, "time_night_note", **_quiet_hours(lang)) if night else text


def night_question(at: datetime, lang: str = "id") -> str:
    """The second confirmation a time in the quiet hours needs."""
    return say(lang, "night_question", when=send_when(at, lang), **_quiet_hours(lang))


def scheduled_text(broadcast_id: str, at: datetime, lang: str = "id", approved_by: int | None = None) -> str:
    """To the author: the broadcast is scheduled (``approved_by``: after that operator's approval)."""
    values = {"name": broadcast_name(broadcast_id, lang), "when": send_when(at, lang), "id": escape(broadcast_id)}
    if approved_by is not None:
        return say(lang, "scheduled_notice", who=approved_by, **values)
    return say(lang, "scheduled", **values)


def unscheduled_text(broadcast_id: str, at: datetime, lang: str = "id") -> str:
    return say(lang, "unscheduled", name=broadcast_name(broadcast_id, lang), when=send_when(at, lang))


def not_unscheduled_text(broadcast_id: str, status: str, lang: str = "id") -> str:
    """Why a scheduled broadcast was not cancelled: it started, or it ended unsent before (plain text)."""
    name = broadcast_name(broadcast_id, lang)
    if status in st.UNFINISHED or status == st.DONE:
        return say(lang, "already_started", name=name, id=broadcast_id)
    return say(lang, "not_scheduled", name=name, state=entry(lang, "states").get(status, status))


def bad_send_time(reason: str, values: dict, example: str, lang: str = "id") -> str:
    """Why a typed send time is refused (``reason`` and ``values`` of a ``send_time.BadTime``)."""
    shown = {k: stamp(v, lang) if hasattr(v, "tzinfo") else escape(str(v)) for k, v in values.items()}
    return say(lang, f"time_{reason}", example=escape(example), **shown)


AREAS_SHOWN = 10  # names listed before "+N more": a regency-wide choice still fits a phone screen


def areas_text(names: list[str], lang: str = "id", shown: int = AREAS_SHOWN) -> str:
    """'Kedungwaru, Bangoan (Ngunut)'; 'semua wilayah' for none; long lists end in '+N lainnya'."""
    if not names:
        return say(lang, "all_areas")
    text = ", ".join(escape(n) for n in names[:shown])
    return text + (" " + say(lang, "more_areas", n=len(names) - shown) if len(names) > shown else "")


def areas_line(names: list[str], lang: str = "id") -> str:
    return say(lang, "areas_line", areas=areas_text(names, lang))


def _with_areas(text: str, area_names: list[str] | None, lang: str) -> str:
    return text if area_names is None else text + "\n" + areas_line(area_names, lang)


def draft_areas_prompt(roles: Iterable[str], area_names: list[str], lang: str = "id") -> str:
    return say(lang, "areas_prompt", roles=roles_text(roles, lang), areas=areas_text(area_names, lang))


def draft_desa_prompt(area_name: str, area_names: list[str], lang: str = "id") -> str:
    return say(lang, "draft_desa_prompt", area=escape(area_name), areas=areas_text(area_names, lang))


def whole_area_label(area_name: str, lang: str = "id") -> str:
    return say(lang, "whole_area", area=area_name)


def _part(part: dict, lang: str) -> str:
    """'5/40 (12,5%)': pledges, recipients and the share (no share when nobody received it)."""
    text = f"{num(part['pledged'], lang)}/{num(part['received'], lang)}"
    return text if part["share"] is None else f"{text} ({escape(percent(part['share'], lang))})"


def pledge_stats_lines(pledges: list[dict], lang: str = "id") -> list[str]:
    """The /statistik lines of ``reports.pledge_figures``: per ask the total, one line per role and
    one for the kecamatan (only those with a recipient or a pledge), kept short for a phone."""
    short = ROLE_SHORT.get(lang, ROLE_SHORT["id"])
    lines = [entry(lang, "stats_pledges")]
    for f in pledges:
        lines.append(f"✅ {entry(lang, 'stats_pledge_' + f['ask'])}: <b>{_part(f, lang)}</b>")
        lines.append(" · ".join(f"{escape(short.get(r['role'], r['role']))} {_part(r, lang)}" for r in f["roles"]))
        if f["areas"]:
            no_area = entry(lang, "stats_no_area")
            lines.append(
                " · ".join(f"{escape(a['name']) if a['id'] else no_area} {_part(a, lang)}" for a in f["areas"])
            )
    return lines


def unanswered_lines(rows: list[tuple[str, int, float]], lang: str = "id") -> list[str]:
    """/pertanyaan: one line per stored question, "12× kapan coblosan"."""
    return [f"{num(count, lang)}× {escape(text)}" for text, count, _ in rows]


def unanswered_pages(rows: list[tuple[str, int, float]], lang: str = "id") -> list[str]:
    """/pertanyaan as pages of one message each."""
    if not rows:
        return [say(lang, "questions_none")]
    return pages.paginate(unanswered_lines(rows, lang), say(lang, "questions_title"))
