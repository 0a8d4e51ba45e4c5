"""The area step of /siaran: after the roles, all areas or chosen kecamatan and desa.

The choice lives in ``drafts.areas`` ('' = all areas) while the draft is ``choosing_areas``;
which page or desa list is on screen lives only in the buttons. Buttons name areas by their
position in the schedule, so callback data stays short whatever the ids; the preview names the
areas before anything is sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.content import button_data, catalogue, operator_texts
from bot.content.button_data import AreaVerb, DraftAction
from bot.schedule.areas import Area, join_ref, ref_name, split_ref

AREAS_PER_PAGE = 8  # kecamatan rows per page (each with its Desa › button when it lists desa)
DESA_PER_PAGE = 10  # desa buttons per page, two a row


def canonical(areas: Sequence[Area], refs: Iterable[str]) -> list[str]:
    """The references in the schedule's order, each once; unknown ones (after a reload) dropped."""
    wanted = set(refs)
    out: list[str] = []
    for area in areas:
        if area.id in wanted:
            out.append(area.id)
        out += [r for d in area.desa if (r := f"{area.id}/{d.id}") in wanted and area.id not in wanted]
    return out


def toggle_area(areas: Sequence[Area], refs: list[str], area: Area) -> list[str]:
    """The whole kecamatan on, or (if it or some of its desa are on) all of it off."""
    mine = [r for r in refs if split_ref(r)[0] == area.id]
    rest = [r for r in refs if r not in mine]
    return canonical(areas, rest if mine else [*rest, area.id])


def toggle_whole(areas: Sequence[Area], refs: list[str], area: Area) -> list[str]:
    """From the desa list: the whole kecamatan on (its desa choices go), or off."""
    rest = [r for r in refs if split_ref(r)[0] != area.id]
    return canonical(areas, rest if area.id in refs else [*rest, area.id])


def toggle_desa(areas: Sequence[Area], refs: list[str], area: Area, desa_id: str) -> list[str]:
    """One desa on or off; choosing a desa of a wholly chosen kecamatan narrows it to that desa."""
    ref = join_ref(area.id, desa_id) or area.id
    rest = [r for r in refs if r not in (ref, area.id)]
    return canonical(areas, rest if ref in refs else [*rest, ref])


def names(areas: Sequence[Area], refs: Iterable[str]) -> list[str]:
    return [ref_name(areas, r) for r in refs]


def pages_of(n: int, size: int) -> int:
    return max(1, -(-n // size))


def _button(label: str, draft_id: int, verb: AreaVerb, *numbers: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=button_data.draft_area(draft_id, verb, *numbers))


def _nav(draft_id: int, page: int, total: int, verb: AreaVerb, *prefix: int) -> list[InlineKeyboardButton]:
    row = []
    if page > 0:
        row.append(_button("◀", draft_id, verb, *prefix, page - 1))
    if page < total - 1:
        row.append(_button("▶", draft_id, verb, *prefix, page + 1))
    return row


def list_keyboard(
    draft_id: int, areas: Sequence[Area], refs: list[str], page: int, language: str
) -> InlineKeyboardMarkup:
    """Semua wilayah, one page of kecamatan (☑ whole, ◐ some desa, ☐ none), ◀ ▶, Lanjut and Batal."""
    say = catalogue.say
    rows = [[_button(("☑ " if not refs else "☐ ") + say(language, "button_all_areas"), draft_id, AreaVerb.ALL)]]
    total = pages_of(len(areas), AREAS_PER_PAGE)
    page = min(max(page, 0), total - 1)
    for i in range(page * AREAS_PER_PAGE, min(len(areas), (page + 1) * AREAS_PER_PAGE)):
        area = areas[i]
        some = any(r.startswith(area.id + "/") for r in refs)
        mark = "☑ " if area.id in refs else "◐ " if some else "☐ "
        row = [_button(mark + area.name, draft_id, AreaVerb.KECAMATAN, i)]
        if area.desa:
            row.append(_button(say(language, "button_desa"), draft_id, AreaVerb.DESA_PAGE, i, 0))
        rows.append(row)
    if nav := _nav(draft_id, page, total, AreaVerb.KECAMATAN_PAGE):
        rows.append(nav)
    cancel = InlineKeyboardButton(
        say(language, "button_cancel"), callback_data=button_data.draft(draft_id, DraftAction.CANCEL)
    )
    rows.append([_button(say(language, "button_next"), draft_id, AreaVerb.DONE), cancel])
    return InlineKeyboardMarkup(rows)


def desa_keyboard(
    draft_id: int, areas: Sequence[Area], refs: list[str], index: int, page: int, language: str
) -> InlineKeyboardMarkup:
    """Seluruh <kecamatan>, one page of its desa, ◀ ▶, and Kembali to the kecamatan list."""
    area = areas[index]
    whole = "☑ " if area.id in refs else "☐ "
    rows = [
        [
            _button(
                whole + operator_texts.whole_area_label(area.name, language),
                draft_id,
                AreaVerb.WHOLE_KECAMATAN,
                index,
            )
        ]
    ]
    total = pages_of(len(area.desa), DESA_PER_PAGE)
    page = min(max(page, 0), total - 1)
    shown = range(page * DESA_PER_PAGE, min(len(area.desa), (page + 1) * DESA_PER_PAGE))
    buttons = [
        _button(
            ("☑ " if f"{area.id}/{area.desa[j].id}" in refs else "☐ ") + area.desa[j].name,
            draft_id,
            AreaVerb.DESA,
            index,
            j,
        )
        for j in shown
    ]
    rows += [buttons[k : k + 2] for k in range(0, len(buttons), 2)]
    if nav := _nav(draft_id, page, total, AreaVerb.DESA_PAGE, index):
        rows.append(nav)
    back = _button(catalogue.say(language, "button_back"), draft_id, AreaVerb.KECAMATAN_PAGE, index // AREAS_PER_PAGE)
    rows.append([back])
    return InlineKeyboardMarkup(rows)


def desa_page(area: Area, desa_index: int) -> int:
    return desa_index // DESA_PER_PAGE
