"""Callback data of inline buttons: packed and unpacked here, and nowhere else.

Every button's data starts with a kind (``role:``, ``lang:``, ``ics``, ``op:``, ``page:``, ``forget:``,
``tps:`` ...); each kind has a pattern for its ``CallbackQueryHandler``. Unpacking never trusts the data:
anyone can send any callback data to the bot, so whatever is not exactly what this module packs unpacks to None.
Callback data never depends on the language: a button works whoever presses it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum

from bot.content.formats import LANGS
from bot.schedule.model import ASKS, ROLES

MAX_BYTES = 64  # Telegram's limit for callback data
MAX_DRAFT_DIGITS = 18  # any id of at most 18 digits fits SQLite's 64-bit integers
MAX_PAGE_DIGITS = 4
PAGE_VIEWS = ("jadwal", "rencana", "laporan", "audit", "pertanyaan")  # the replies shown in pages with ◀ ▶

_ROLE = "role:"
_LANGUAGE = "lang:"
CALENDAR = "ics"
_DRAFT = "op:"
_PAGE = "page:"
_FORGET = "forget:"


class Forget(StrEnum):
    """The two answers of the /hapus confirmation."""

    YES = "yes"  # delete the chat's data
    NO = "no"  # keep it


class DraftAction(StrEnum):
    """What an operator's button does to a /siaran draft (``op:<draft>:<action>``).

    Besides these, a draft's action may toggle a role (``t:<role>``, :func:`toggle_role`) or be an
    area-step verb with numbers (:class:`AreaVerb`).
    """

    NEXT = "next"  # the roles are chosen: on to the areas or the text
    SEND = "send"
    CANCEL = "cancel"
    APPROVE = "approve"  # a second operator approves the draft
    REJECT = "reject"
    LATER = "later"  # "Kirim nanti": ask for a time
    AT = "at"  # confirm the typed time
    NIGHT = "night"  # confirm a time in the quiet hours
    RETIME = "retime"  # type another time
    UNSCHEDULE = "unschedule"  # take back a broadcast sent later


_TOGGLE_ROLE = "t:"

ROLE_PATTERN = f"^{re.escape(_ROLE)}"
LANGUAGE_PATTERN = f"^{re.escape(_LANGUAGE)}"
CALENDAR_PATTERN = f"^{re.escape(CALENDAR)}$"
DRAFT_PATTERN = f"^{re.escape(_DRAFT)}"
FORGET_PATTERN = f"^{re.escape(_FORGET)}"


def page_pattern(*views: str) -> str:
    """The pattern of the ◀ ▶ buttons of the given views (a handler serves only its own views)."""
    return f"^{re.escape(_PAGE)}(?:{'|'.join(re.escape(v) for v in views)}):"


def _checked(data: str) -> str:
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def role(name: str, offered: str | None = None) -> str:
    """The data of the button that subscribes with role `name`; ``offered``: the kecamatan an
    invitation's link offered, shown first in the area step (``role:pemilih:kedungwaru``)."""
    return _checked(_ROLE + name + (f":{offered}" if offered else ""))


def language(code: str) -> str:
    """The data of the button that chooses the reply language `code`."""
    return _checked(_LANGUAGE + code)


def draft(draft_id: int, action: str) -> str:
    """The data of an operator's button acting on a broadcast draft (a :class:`DraftAction`, a role toggle ...)."""
    return _checked(f"{_DRAFT}{draft_id}:{action}")


def page(view: str, number: int) -> str:
    """The data of a ◀ ▶ button that shows page `number` (0-based) of the reply `view`."""
    if view not in PAGE_VIEWS or not 0 <= number < 10**MAX_PAGE_DIGITS:
        raise ValueError(f"no page {number} of {view!r}")
    return _checked(f"{_PAGE}{view}:{number}")


def toggle_role(role: str) -> str:
    """The action of a draft's role button: choose or unchoose `role`."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    return _TOGGLE_ROLE + role


def toggled_role(action: str) -> str | None:
    """The role a draft's role button toggles; None for any other action."""
    value = _after(action, _TOGGLE_ROLE)
    return value if value in ROLES else None


def draft_action(action: str) -> DraftAction | None:
    """The :class:`DraftAction` of a draft button's action; None for any other action."""
    try:
        return DraftAction(action)
    except ValueError:
        return None


def forget(answer: Forget) -> str:
    """The data of a /hapus confirmation button: ``yes`` deletes the chat's data, ``no`` keeps it."""
    return _checked(_FORGET + Forget(answer))


def unpack_role(data: str | None) -> str | None:
    """The role of a role button; None for anything else (an old or forged button)."""
    press = unpack_role_offer(data)
    return press[0] if press else None


def unpack_role_offer(data: str | None) -> tuple[str, str | None] | None:
    """(role, the kecamatan offered first or None) of a role button; None for anything else."""
    role_name, sep, offered = (_after(data, _ROLE) or "").partition(":")
    if role_name not in ROLES or (sep and not _AREA_ID.fullmatch(offered)):
        return None
    return role_name, offered or None


def unpack_language(data: str | None) -> str | None:
    """The language of a language button; None for anything else."""
    value = _after(data, _LANGUAGE)
    return value if value in LANGS else None


def unpack_forget(data: str | None) -> Forget | None:
    """The answer of a /hapus confirmation button; None for anything else."""
    value = _after(data, _FORGET)
    return Forget(value) if value in tuple(Forget) else None


def unpack_draft(data: str | None) -> tuple[int, str] | None:
    """(draft id, action) of an operator's button; None for anything else (forged or cut short)."""
    value = _after(data, _DRAFT)
    draft_part, colon, action = (value or "").partition(":")
    if not colon or not (draft_part.isascii() and draft_part.isdigit()) or len(draft_part) > MAX_DRAFT_DIGITS:
        return None
    return int(draft_part), action


def unpack_page(data: str | None) -> tuple[str, int] | None:
    """(view, page number) of a ◀ ▶ button; None for anything else."""
    view, colon, number = (_after(data, _PAGE) or "").partition(":")
    if not colon or view not in PAGE_VIEWS:
        return None
    if not (number.isascii() and number.isdigit()) or len(number) > MAX_PAGE_DIGITS:
        return None
    return view, int(number)


def _after(data: str | None, prefix: str) -> str | None:
    if data is None or not data.startswith(prefix):
        return None
    return data[len(prefix) :]


# -- areas: the subscriber's kecamatan/desa step
# The kecamatan/desa buttons after a role is chosen (``s``: under the subscription confirmation) and
# under /wilayah (``w``). Actions: ``p:<page>`` turn the kecamatan pages, ``k:<area>`` choose a
# kecamatan (its desa are asked next, if it lists any), ``q:<area>:<page>`` turn the desa pages,
# ``a:<area>`` keep the kecamatan without a desa, ``d:<area>/<desa>`` choose a desa, ``skip`` and
# ``del`` (remove the area, /wilayah only).
_AREA = "area:"
AREA_PATTERN = f"^{re.escape(_AREA)}"


class AreaStep(StrEnum):
    """Where a subscriber's kecamatan/desa buttons are shown."""

    AFTER_START = "s"  # under the subscription confirmation
    COMMAND = "w"  # under /wilayah


class AreaAction(StrEnum):
    """What a subscriber's kecamatan/desa button does."""

    PAGE = "p"  # turn the kecamatan pages
    KECAMATAN = "k"  # choose a kecamatan (its desa are asked next, if it lists any)
    DESA_PAGE = "q"  # turn the desa pages of a kecamatan
    KECAMATAN_ONLY = "a"  # keep the kecamatan without a desa
    DESA = "d"  # choose a desa
    SKIP = "skip"
    REMOVE = "del"  # remove the area (/wilayah only)


_AREA_ID = re.compile(r"[a-z0-9-]+")


@dataclass(frozen=True)
class AreaPress:
    where: AreaStep
    action: AreaAction
    area: str | None = None
    desa: str | None = None
    page: int = 0


def area(
    where: AreaStep, action: AreaAction, area_id: str | None = None, desa: str | None = None, page: int = 0
) -> str:
    """The data of a kecamatan/desa button (see :class:`AreaPress`); ValueError if it cannot be packed."""
    press = AreaPress(where, action, area_id, desa, page)
    data = _pack_area(press)
    if unpack_area(data) != press:
        raise ValueError(f"cannot pack area button {press!r}")
    return _checked(data)


def _pack_area(p: AreaPress) -> str:
    head = f"{_AREA}{p.where}:{p.action}"
    match p.action:
        case AreaAction.PAGE:
            return f"{head}:{p.page}"
        case AreaAction.KECAMATAN | AreaAction.KECAMATAN_ONLY:
            return f"{head}:{p.area}"
        case AreaAction.DESA_PAGE:
            return f"{head}:{p.area}:{p.page}"
        case AreaAction.DESA:
            return f"{head}:{p.area}/{p.desa}"
    return head


def unpack_area(data: str | None) -> AreaPress | None:
    """What a kecamatan/desa button asks; None for anything else (forged, cut short, unknown)."""
    parts = (_after(data, _AREA) or "").split(":")
    if len(parts) < 2 or parts[0] not in tuple(AreaStep) or parts[1] not in tuple(AreaAction):
        return None
    where, action, args = AreaStep(parts[0]), AreaAction(parts[1]), parts[2:]

    def number(text: str) -> int | None:
        ok = text.isascii() and text.isdigit() and len(text) <= MAX_PAGE_DIGITS
        return int(text) if ok else None

    def ident(text: str) -> bool:
        return bool(_AREA_ID.fullmatch(text))

    if action in (AreaAction.SKIP, AreaAction.REMOVE) and not args:
        return AreaPress(where, action) if action == AreaAction.SKIP or where == AreaStep.COMMAND else None
    if action == AreaAction.PAGE and len(args) == 1 and (page := number(args[0])) is not None:
        return AreaPress(where, action, page=page)
    if action in (AreaAction.KECAMATAN, AreaAction.KECAMATAN_ONLY) and len(args) == 1 and ident(args[0]):
        return AreaPress(where, action, args[0])
    if action == AreaAction.DESA_PAGE and len(args) == 2 and ident(args[0]) and (page := number(args[1])) is not None:
        return AreaPress(where, action, args[0], page=page)
    if action == AreaAction.DESA and len(args) == 1:
        kecamatan, slash, desa = args[0].partition("/")
        if slash and ident(kecamatan) and ident(desa):
            return AreaPress(where, action, kecamatan, desa)
    return None


# -- a subscriber's TPS
# The TPS step after the desa (``s``), and under /tps and /wilayah (``w``): ``tps:<where>:c:<n>:<guard>``
# chooses TPS n of the desa the guard names, ``p:<page>:<guard>`` turns the pages, ``skip`` and ``del``
# (remove the TPS). The guard, six hex digits of the desa's reference, makes a button shown for
# another desa than the subscriber's stale: the desa itself would not fit in 64 bytes with the rest.
_TPS = "tps:"
TPS_PATTERN = f"^{re.escape(_TPS)}"
_GUARD = re.compile(r"[0-9a-f]{6}")


class TpsAction(StrEnum):
    """What a subscriber's TPS button does."""

    CHOOSE = "c"
    PAGE = "p"
    SKIP = "skip"
    REMOVE = "del"


@dataclass(frozen=True)
class TpsPress:
    where: AreaStep
    action: TpsAction
    number: int = 0  # the TPS (CHOOSE) or the page (PAGE)
    guard: str = ""


def desa_guard(area: str, desa: str) -> str:
    """Six hex digits that tell one desa's TPS buttons from another's."""
    return hashlib.sha256(f"{area}/{desa}".encode()).hexdigest()[:6]


def tps(where: AreaStep, action: TpsAction, number: int = 0, guard: str = "") -> str:
    """The data of a TPS button (see :class:`TpsPress`); ValueError if it cannot be packed."""
    press = TpsPress(where, action, number, guard)
    data = f"{_TPS}{where}:{action}" + (f":{number}:{guard}" if action in (TpsAction.CHOOSE, TpsAction.PAGE) else "")
    if unpack_tps(data) != press:
        raise ValueError(f"cannot pack TPS button {press!r}")
    return _checked(data)


def unpack_tps(data: str | None) -> TpsPress | None:
    """What a TPS button asks; None for anything else (forged, cut short, unknown)."""
    parts = (_after(data, _TPS) or "").split(":")
    if len(parts) < 2 or parts[0] not in tuple(AreaStep) or parts[1] not in tuple(TpsAction):
        return None
    where, action, args = AreaStep(parts[0]), TpsAction(parts[1]), parts[2:]
    if action in (TpsAction.SKIP, TpsAction.REMOVE):
        return None if args else TpsPress(where, action)
    if len(args) != 2 or not (args[0].isascii() and args[0].isdigit() and len(args[0]) <= 3):
        return None
    return TpsPress(where, action, int(args[0]), args[1]) if _GUARD.fullmatch(args[1]) else None


# -- areas: the /siaran area step
# The area step of /siaran: draft buttons whose action is a verb and numbers, e.g. ``op:5:ak:3``.
# Numbers are positions in the schedule's area (and desa) lists, so any id length fits in 64 bytes.


class AreaVerb(StrEnum):
    """What a button of the /siaran area step does; the numbers it carries are in ``AREA_VERBS``."""

    ALL = "aa"  # every area (clears the choice)
    DONE = "an"  # done: go on to the text
    KECAMATAN = "ak"  # toggle kecamatan i (from the list)
    WHOLE_KECAMATAN = "aw"  # toggle the whole kecamatan i (from its desa list)
    DESA = "ad"  # toggle desa j of kecamatan i
    KECAMATAN_PAGE = "al"  # show page n of the kecamatan list
    DESA_PAGE = "av"  # show page n of the desa of kecamatan i


# How many numbers each verb carries.
AREA_VERBS = {
    AreaVerb.ALL: 0,
    AreaVerb.DONE: 0,
    AreaVerb.KECAMATAN: 1,
    AreaVerb.WHOLE_KECAMATAN: 1,
    AreaVerb.DESA: 2,
    AreaVerb.KECAMATAN_PAGE: 1,
    AreaVerb.DESA_PAGE: 2,
}
MAX_AREA_DIGITS = 4


def draft_area(draft_id: int, verb: AreaVerb, *numbers: int) -> str:
    """The data of an area-step button of a draft (see ``AREA_VERBS``)."""
    if AREA_VERBS.get(verb) != len(numbers) or not all(0 <= n < 10**MAX_AREA_DIGITS for n in numbers):
        raise ValueError(f"bad area button {verb} {numbers}")
    return draft(draft_id, ":".join([verb, *(str(n) for n in numbers)]))


def unpack_draft_area(action: str) -> tuple[AreaVerb, tuple[int, ...]] | None:
    """(verb, numbers) of a draft action packed by :func:`draft_area`; None for anything else."""
    raw, *parts = action.split(":")
    verb = AreaVerb(raw) if raw in tuple(AreaVerb) else None
    if verb is None or AREA_VERBS[verb] != len(parts):
        return None
    if not all(p.isascii() and p.isdigit() and len(p) <= MAX_AREA_DIGITS for p in parts):
        return None
    return verb, tuple(int(p) for p in parts)


# -- pledges
# The one-tap pledge button under a reminder with `ask` ("pledge:will_vote"). The ask is all it
# carries: who pressed is the chat, so a forged press can only record the presser's own pledge.
_PLEDGE = "pledge:"
PLEDGE_PATTERN = f"^{re.escape(_PLEDGE)}"


def pledge(ask: str) -> str:
    """The data of the pledge button of `ask` (one of ``schedule.ASKS``)."""
    if ask not in ASKS:
        raise ValueError(f"unknown ask {ask!r}")
    return _checked(_PLEDGE + ask)


def unpack_pledge(data: str | None) -> str | None:
    """The ask of a pledge button; None for anything else (an unknown ask, a forged button)."""
    value = _after(data, _PLEDGE)
    return value if value in ASKS else None


# -- the FAQ
# A related question under an FAQ answer (or under "not found"): ``faq:<entry id>`` shows that
# entry's answer.
_FAQ = "faq:"
FAQ_PATTERN = f"^{re.escape(_FAQ)}"
_FAQ_ID = re.compile(r"[a-z0-9-]+")  # schedule ids


def faq(entry_id: str) -> str:
    """The data of a button that shows the answer of FAQ entry ``entry_id``; ValueError if it cannot be packed."""
    if not _FAQ_ID.fullmatch(entry_id):
        raise ValueError(f"not an FAQ id: {entry_id!r}")
    return _checked(_FAQ + entry_id)


def unpack_faq(data: str | None) -> str | None:
    """The FAQ id of a related-question button; None for anything else."""
    value = _after(data, _FAQ)
    return value if value is not None and _FAQ_ID.fullmatch(value) and len(value) <= MAX_BYTES else None
