"""The kecamatan/desa step of a subscription: its buttons and its deep links (no handlers here).

After a role is chosen, and under /wilayah, the bot offers the schedule's kecamatan as buttons,
PER_PAGE at a time with ◀ ▶, then the chosen kecamatan's desa if it lists any. Every step may be
skipped: an area is optional and only narrows what area-targeted broadcasts reach.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.content import button_data, catalogue, pages
from bot.content.button_data import AreaAction, AreaStep
from bot.schedule.areas import Area, find
from bot.schedule.model import ROLES, Schedule

PER_PAGE = 8  # buttons per page: four rows of two fit a phone screen
COLUMNS = 2


def choices(
    buttons: list[InlineKeyboardButton],
    page: int,
    turn: Callable[[int], str],
    last: list[InlineKeyboardButton],
    columns: int = COLUMNS,
) -> InlineKeyboardMarkup:
    """``buttons`` in pages: page ``page`` in rows, then ◀ ▶ (``turn(n)`` is the data showing page n), ``last``."""
    per_page = PER_PAGE * columns // COLUMNS  # as many rows whatever the width
    count = max(1, -(-len(buttons) // per_page))
    page = min(max(page, 0), count - 1)
    shown = buttons[page * per_page : (page + 1) * per_page]
    rows = [shown[i : i + columns] for i in range(0, len(shown), columns)]
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton(pages.PREVIOUS, callback_data=turn(page - 1)))
    if page < count - 1:
        nav.append(InlineKeyboardButton(pages.NEXT, callback_data=turn(page + 1)))
    return InlineKeyboardMarkup([*rows, *([nav] if nav else []), last])


def kecamatan_keyboard(
    areas: Sequence[Area],
    where: AreaStep,
    language: str,
    page: int = 0,
    removable: bool = False,
    offered: Area | None = None,
) -> InlineKeyboardMarkup:
    """The kecamatan buttons; the last row skips (after /start) or cancels (/wilayah), or removes the area.

    ``offered`` (an invitation's kecamatan) gets a row of its own on top; the pages keep their order,
    so turning them shows every kecamatan once."""
    buttons = [
        InlineKeyboardButton(a.name, callback_data=button_data.area(where, AreaAction.KECAMATAN, a.id)) for a in areas
    ]
    if offered is not None:
        top = InlineKeyboardButton(
            f"📍 {offered.name}", callback_data=button_data.area(where, AreaAction.KECAMATAN, offered.id)
        )
        keyboard = kecamatan_keyboard(areas, where, language, page, removable)
        return InlineKeyboardMarkup([[top], *keyboard.inline_keyboard])
    skip = "area_skip" if where == AreaStep.AFTER_START else "area_cancel"
    last = [InlineKeyboardButton(catalogue.say(language, skip), callback_data=button_data.area(where, AreaAction.SKIP))]
    if removable:
        last.append(
            InlineKeyboardButton(
                catalogue.say(language, "area_remove"), callback_data=button_data.area(where, AreaAction.REMOVE)
            )
        )
    return choices(buttons, page, lambda n: button_data.area(where, AreaAction.PAGE, page=n), last)


def desa_keyboard(area: Area, where: AreaStep, language: str, page: int = 0) -> InlineKeyboardMarkup:
    """The desa buttons of one kecamatan; Lewati keeps the kecamatan without a desa."""
    buttons = [
        InlineKeyboardButton(d.name, callback_data=button_data.area(where, AreaAction.DESA, area.id, d.id))
        for d in area.desa
    ]
    last = [
        InlineKeyboardButton(
            catalogue.say(language, "area_skip"),
            callback_data=button_data.area(where, AreaAction.KECAMATAN_ONLY, area.id),
        )
    ]
    return choices(buttons, page, lambda n: button_data.area(where, AreaAction.DESA_PAGE, area.id, page=n), last)


def parse_start(payload: str, areas: Sequence[Area]) -> tuple[str, str | None, str | None, bool] | None:
    """A /start payload: (role, kecamatan, desa, asked for an unknown area), or None if it names no role.

    ``pemilih`` -> ('pemilih', None, None, False); ``pemilih-kedungwaru`` -> ('pemilih', 'kedungwaru',
    None, False); ``pemilih-kedungwaru-bangoan`` also picks the desa; ``pemilih-atlantis`` ->
    ('pemilih', None, None, True): the role is kept and the area is asked for.
    """
    role, dash, rest = payload.partition("-")
    if role not in ROLES:
        return None
    if not dash:
        return role, None, None, False
    area = find(areas, rest)
    if area is not None:
        return role, area.id, None, False
    for candidate in areas:  # ids may hold dashes themselves: try each kecamatan as a prefix
        if rest.startswith(candidate.id + "-") and (desa := candidate.find_desa(rest[len(candidate.id) + 1 :])):
            return role, candidate.id, desa.id, False
    return role, None, None, True


def parse_start_link(payload: str, schedule: Schedule) -> tuple[str, str | None, str | None, bool, int | None] | None:
    """A /start payload with, after the desa, the TPS number a poster at one TPS carries:
    ``pemilih-kedungwaru-bangoan-007`` -> ('pemilih', 'kedungwaru', 'bangoan', False, 7). A desa id that
    itself ends in a number is read as before TPS existed; a TPS the file does not list keeps the desa
    (its TPS are asked for)."""
    link = parse_start(payload, schedule.areas)
    head, dash, tail = payload.rpartition("-")
    if (link is None or link[3]) and dash and tail.isascii() and tail.isdigit() and len(tail) <= 3:
        desa_link = parse_start(head, schedule.areas)
        if desa_link is not None and desa_link[2] is not None:
            found = schedule.tps_of(desa_link[1], desa_link[2], int(tail))
            return (*desa_link, found.number if found else None)
    return None if link is None else (*link, None)
