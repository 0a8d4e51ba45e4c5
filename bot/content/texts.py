"""What subscribers read, rendered from plain data (Telegram HTML): the welcome, /jadwal, corrections.

Indonesian first; every subscriber-facing text also exists in English (``lang="en"``), chosen
from the person's Telegram language or /bahasa. No Telegram objects here: functions take the
schedule, dates and roles and return strings, so they are tested without a network. Election
facts live in the schedule file, not here.
"""

from __future__ import annotations

import re
from datetime import date
from html import escape

from bot.content import pages, privacy
from bot.content.catalogue import say
from bot.content.formats import (
    date_range,
    long_date,
)
from bot.content.operator_strings import (
    OPERATOR_COMMANDS,
)
from bot.content.subscriber_strings import COMMANDS, ROLE_NAMES
from bot.schedule.model import Schedule, Stage

# What the bot keeps about people: one set of texts (bot/content/privacy.py), said the same way by the
# welcome, /privasi, the printed posters (bot/ops/poster.py) and the FAQ answer on personal data.
STORED = privacy.STORED
UNANSWERED_KEPT = privacy.UNANSWERED_KEPT
FORGOTTEN = privacy.FORGOTTEN
NOT_STORED = privacy.NOT_STORED
DELETING = privacy.DELETING


DONE, CURRENT, UPCOMING = "done", "current", "upcoming"
MARKS = {DONE: "✅", CURRENT: "▶️", UPCOMING: "🗓"}


def lang_of(code: str | None) -> str:
    """'en' for English Telegram clients, else Indonesian (the default)."""
    return "en" if (code or "").lower().startswith("en") else "id"


def stage_name(stage: Stage, lang: str = "id") -> str:
    return stage.extra.get("name_en", stage.name) if lang == "en" else stage.name


def stage_state(stage: Stage, today: date) -> str:
    if today > stage.end:
        return DONE
    if today >= stage.start:
        return CURRENT
    return UPCOMING


def next_stage(schedule: Schedule, today: date) -> Stage | None:
    """The first stage that starts after today."""
    upcoming = [s for s in schedule.stages if s.start > today]
    return min(upcoming, key=lambda s: s.start) if upcoming else None


def countdown(stage: Stage, today: date) -> str:
    """'H-5' for a stage five days away, as Indonesian officials count."""
    return f"H-{(stage.start - today).days}"


def next_stage_line(schedule: Schedule, today: date, lang: str = "id") -> str:
    stage = next_stage(schedule, today)
    if stage is None:
        if all(stage_state(s, today) == DONE for s in schedule.stages):
            return say(lang, "all_over")
        return say(lang, "none_new")
    return (
        f"{say(lang, 'next_stage')}: <b>{escape(stage_name(stage, lang))}</b>, {long_date(stage.start, lang)} "
        f"({countdown(stage, today)})."
    )


def _schedule_parts(schedule: Schedule, today: date, lang: str) -> tuple[str, list[str], str]:
    """/jadwal as head, one item per stage, and foot."""
    e = schedule.election
    head = (
        f"<b>{say(lang, 'schedule_title', election=escape(e.name))}</b>\n{escape(e.region)} · {say(lang, 'today')} "
        + (f"{long_date(today, lang)}\n")
    )
    items = []
    following = next_stage(schedule, today)
    for stage in sorted(schedule.stages, key=lambda s: (s.start, s.end)):
        state = stage_state(stage, today)
        note = say(lang, f"state_{state}")
        if following is not None and stage.id == following.id:
            note += f", {countdown(stage, today)}"
        items.append(
            f"{MARKS[state]} <b>{escape(stage_name(stage, lang))}</b>\n"
            f"    {date_range(stage.start, stage.end, lang)} ({note})"
        )
    foot = f"\n{next_stage_line(schedule, today, lang)}\n{say(lang, 'legend')}"
    return head, items, foot


def schedule_text(schedule: Schedule, today: date, lang: str = "id") -> str:
    """The /jadwal answer: every stage, its dates and state, and a countdown to the next."""
    head, items, foot = _schedule_parts(schedule, today, lang)
    return "\n".join([head, *items, foot])


def schedule_pages(schedule: Schedule, today: date, lang: str = "id") -> list[str]:
    """:func:`schedule_text` as pages that fit in a message, each with the title and the legend."""
    head, items, foot = _schedule_parts(schedule, today, lang)
    return pages.paginate(items, head, foot)


def welcome_text(schedule: Schedule, lang: str = "id") -> str:
    e = schedule.election
    return say(lang, "welcome", name=escape(e.name), region=escape(e.region))


def already_subscribed_text(role: str, lang: str = "id") -> str:
    return say(lang, "already", role=escape(ROLE_NAMES[lang][role]))


def subscribed_text(role: str, schedule: Schedule, today: date, lang: str = "id") -> str:
    """The /start confirmation: reminders are promised only while some for the role are still to come."""
    ahead = any(role in r.roles and r.expires.date() >= today for r in schedule.reminders)
    return say(
        lang,
        "subscribed" if ahead else "subscribed_over",
        role=escape(ROLE_NAMES[lang][role]),
        next=next_stage_line(schedule, today, lang),
    )


def page_text(schedule: Schedule, key: str, lang: str = "id", today: date | None = None) -> str:
    """A page as shown on ``today``: parts dated later in the schedule file are left out."""
    text = (schedule.page(f"{key}_en", today) if lang == "en" else None) or schedule.page(key, today)
    return text if text else say(lang, "page_missing")


def netralitas_key(role: str | None) -> str:
    return f"netralitas_{role or 'pemilih'}"


def help_text(lang: str = "id", operator: bool = False) -> str:
    """/bantuan; an operator also gets the operator commands (no one else learns they exist)."""
    lines = [f"<b>{say(lang, 'help_title')}</b>"]
    lines += [f"/{name} – {description}" for name, description in COMMANDS[lang]]
    lines.append(say(lang, "help_aliases"))
    if operator:
        lines += ["", f"<b>{say(lang, 'help_operator_title')}</b>"]
        lines += [f"/{name} – {description}" for name, description in OPERATOR_COMMANDS[lang]]
    return "\n".join(lines)


def correction_text(stage: Stage, old_start: date, old_end: date, lang: str = "id") -> str:
    """'Ralat': a stage's dates changed after people were told the old ones."""
    old = date_range(old_start, old_end, lang)
    new = date_range(stage.start, stage.end, lang)
    name = escape(stage_name(stage, lang))
    if lang == "en":
        return (
            f"<b>Correction</b>: the dates of <b>{name}</b> have changed.\n"
            f"Previously: <s>{old}</s>\nNow: <b>{new}</b>\nType /jadwal for the full schedule."
        )
    return (
        f"<b>Ralat</b>: jadwal <b>{name}</b> berubah.\n"
        f"Sebelumnya: <s>{old}</s>\nMenjadi: <b>{new}</b>\nKetik /jadwal untuk jadwal lengkap."
    )


def new_election_text(schedule: Schedule, lang: str = "id") -> str:
    """Told once to every subscriber when the bot switches to the next election (`new-election`)."""
    e = schedule.election
    name, region = escape(e.name), escape(e.region)
    day = schedule.voting_day()
    if lang == "en":
        when = f"\nVoting day: <b>{long_date(day, 'en')}</b>." if day else ""
        return (
            f"🗳️ <b>{name}</b>\nThis KPU {region} reminder bot now follows <b>{name}</b>.{when}\n"
            "Your role, language and area stay as they were. Type /jadwal for the stages."
        )
    when = f"\nHari pemungutan suara: <b>{long_date(day, 'id')}</b>." if day else ""
    return (
        f"🗳️ <b>{name}</b>\nBot pengingat KPU {region} kini mengikuti <b>{name}</b>.{when}\n"
        "Peran, bahasa, dan wilayah Anda tetap. Ketik /jadwal untuk melihat tahapannya."
    )


# -- Operators (commission staff; only the ids in BOT_ADMIN_IDS see these) ---------------------
# Both languages, like the subscriber texts: the operator's /bahasa choice, else their Telegram app's.
# Audit trail actions ("siaran: mulai" ...) are records, not replies: they stay Indonesian.


def _en(lang: str) -> bool:
    return lang == "en"


# -- broadcasts sent later ("Kirim nanti")


# -- areas: the subscriber's kecamatan/desa step


def area_label(schedule: Schedule, area: str | None, desa: str | None = None) -> str | None:
    """'Kedungwaru' or 'Bangoan, Kedungwaru' (escaped), or None without a kecamatan."""
    from bot.schedule.areas import join_ref, ref_name

    ref = join_ref(area, desa)
    return escape(ref_name(schedule.areas, ref)) if ref else None


def area_saved_text(schedule: Schedule, area: str, desa: str | None, lang: str = "id") -> str:
    return say(lang, "area_saved", area=area_label(schedule, area, desa))


def desa_prompt_text(schedule: Schedule, area: str, lang: str = "id") -> str:
    return say(lang, "desa_prompt", area=area_label(schedule, area))


def area_command_text(
    schedule: Schedule, area: str | None, desa: str | None, lang: str = "id", tps_line: str | None = None
) -> str:
    """/wilayah: the area stored now (and the TPS line, when one was given), then the question."""
    label = area_label(schedule, area, desa)
    now = say(lang, "area_current", area=label) if label else say(lang, "area_unset")
    if tps_line:
        now += "\n" + say(lang, "tps_current", tps=tps_line)
    return f"{now}\n\n{say(lang, 'area_change_prompt')}"


# -- areas: the /siaran area step -------------------------------------------------------------------------


# -- pledges -------------------------------------------------------------------------------


# -- FAQ answers ---------------------------------------------------------------


def faq_not_found_text(
    lang: str = "id", contact: str | None = None, suggestions: bool = False, phone: str | None = None
) -> str:
    """The reply to a question the FAQ cannot answer: /bantuan, the commission's contact and phone
    number ([election] phone, when the schedule gives one), maybe buttons."""
    lines = [say(lang, "faq_not_found")]
    if contact:
        lines.append(say(lang, "faq_contact", contact=contact))
    if phone:
        lines.append(say(lang, "faq_phone", phone=escape(phone)))
    if suggestions:
        lines.append(say(lang, "faq_maybe"))
    return "\n".join(lines)


def faq_button_label(question: str, limit: int = 60) -> str:
    """An example question as a button label: plain text, at most ``limit`` characters."""
    question = " ".join(question.split())
    return question if len(question) <= limit else question[: limit - 1].rstrip() + "…"


# -- the commission's channel -----------------------------------------------------------------------

# A subscriber command as a word of its own: not part of a link (t.me/x), a path or a /cmd@bot.
_COMMAND = re.compile(r"(?<![\w/.:@\"'=])/(" + "|".join(name for name, _ in COMMANDS["id"]) + r")(?![\w@])")
LONGEST_USERNAME = "x" * 32  # Telegram bot usernames have at most 32 characters: `check` measures with it


def channel_text(text: str, username: str | None) -> str:
    """The channel's copy of a reminder text: "/tps" becomes "/tps di @bot", since channel readers
    cannot send commands there. Telegram links the @name, so one tap opens the bot; without a
    username the text is unchanged."""
    if not username:
        return text
    return _COMMAND.sub(lambda m: say("id", "command_at_bot", command=m.group(0), username=username), text)
