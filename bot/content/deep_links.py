"""The bot's deep links (``t.me/<bot>?start=...``): their start parameter, packed and read here (pure).

A start parameter is a *head* and, after ``_``, an optional *source tag* saying where the person came
from (a poster's ``balai-bangoan``, the channel's ``kanal``, an invitation's ``ajak``)::

    pemilih                       a role
    pemilih-kedungwaru            a role and a kecamatan (-bangoan: a desa, -007: a TPS)
    kedungwaru_ajak               an invitation: the kecamatan offered first, the role asked
    pemilih-kedungwaru_balai-x    a poster at the balai desa

Telegram allows at most 64 characters of A-Z, a-z, 0-9, ``_`` and ``-``. A tag is ``a-z``, ``0-9`` and
``-``; one that is malformed or longer than any link could carry is ignored, never stored. Nothing in a
link identifies the person who shared it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote

from bot.schedule.model import ROLES, Schedule
from bot.schedule.tps import number_text

START_MAX = 64  # Telegram's limit for a deep link's start parameter
SOURCE_SEP = "_"
SOURCE_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
MAX_SOURCE = START_MAX - len("asn") - 1  # no link could carry a longer tag
INVITE = "ajak"  # the invite button's links
CHANNEL = "kanal"  # the links in the channel's posts


def start_payload(
    role: str | None = None,
    area: str | None = None,
    desa: str | None = None,
    tps: int | None = None,
    source: str | None = None,
) -> str:
    """The start parameter for these parts; ValueError naming Telegram's limit when it is too long."""
    parts = [p for p in (role, area, desa if area else None, number_text(tps) if tps and desa else None) if p]
    payload = "-".join(parts)
    if source is not None:
        if not SOURCE_RE.fullmatch(source):
            raise ValueError(f"invalid source tag {source!r}: use a-z, 0-9 and - (e.g. balai-bangoan)")
        payload += SOURCE_SEP + source
    if len(payload) > START_MAX:
        raise ValueError(
            f"the link's start parameter {payload!r} is {len(payload)} characters, over Telegram's limit of "
            f"{START_MAX}: "
            + ("use a shorter source tag, or " if source else "")
            + "shorten the kecamatan or desa id in the schedule"
        )
    return payload


def split_source(payload: str) -> tuple[str, str | None]:
    """('pemilih-kedungwaru', 'ajak') for 'pemilih-kedungwaru_ajak'; a tag that is not one the bot packs
    (bad characters, too long, a second ``_``) is dropped: (head, None)."""
    head, sep, tag = payload.partition(SOURCE_SEP)
    if not sep:
        return payload, None
    ok = SOURCE_RE.fullmatch(tag) is not None and len(payload) <= START_MAX and len(tag) <= MAX_SOURCE
    return head, tag if ok else None


def longest_head(schedule: Schedule) -> int:
    """The longest head a link of this schedule may have: the longest role with the longest kecamatan,
    desa and TPS ids the schedule (and its TPS file) list."""
    role = max(len(r) for r in ROLES)
    heads = [0]
    for area in schedule.areas:
        heads.append(len(area.id) + 1)
        heads += [len(area.id) + len(d.id) + 2 for d in area.desa]
    heads += [len(t.area) + len(t.desa) + 6 for t in schedule.tps]  # "-kec-desa-007"
    return role + max(heads)


def source_room(schedule: Schedule) -> int:
    """How long a source tag may be so that every link of this schedule still fits Telegram's limit."""
    return START_MAX - longest_head(schedule) - len(SOURCE_SEP)


def source_problem(tag: str, schedule: Schedule) -> str | None:
    """None when ``tag`` can go on every link of the schedule, else why not (one line)."""
    if not SOURCE_RE.fullmatch(tag):
        return f"invalid source tag {tag!r}: use a-z, 0-9 and - (e.g. balai-bangoan)"
    room = source_room(schedule)
    if len(tag) > room:
        return (
            f"source tag {tag!r} is {len(tag)} characters; with the longest role and area ids of the schedule "
            f"({longest_head(schedule)} characters) at most {room} fit Telegram's limit of {START_MAX}"
        )
    return None


def link(username: str, payload: str) -> str:
    """``https://t.me/<username>?start=<payload>`` (a leading @ dropped)."""
    return f"https://t.me/{username.removeprefix('@')}?start={payload}"


def share_url(url: str, text: str) -> str:
    """Telegram's share dialog for ``url`` with ``text``: the person picks whom to send it to."""
    return f"https://t.me/share/url?url={quote(url, safe='')}&text={quote(text, safe='')}"


def area_head(head: str, area_ids: Iterable[str]) -> str | None:
    """The kecamatan an invitation's head offers (``kedungwaru``), or None."""
    return head if head in set(area_ids) else None
