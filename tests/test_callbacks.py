"""Callback data of inline buttons: what is packed unpacks to the same thing; anything else to None."""

from __future__ import annotations

import re

import pytest

from bot import callbacks
from bot.schedule import ROLES
from bot.texts import LANGS


def test_every_button_kind_round_trips_and_matches_only_its_own_pattern():
    packed = {
        callbacks.ROLE_PATTERN: [callbacks.role(r) for r in ROLES],
        callbacks.LANGUAGE_PATTERN: [callbacks.language(code) for code in LANGS],
        callbacks.CALENDAR_PATTERN: [callbacks.CALENDAR],
        callbacks.DRAFT_PATTERN: [callbacks.draft(7, "send"), callbacks.draft(7, "t:asn")],
        callbacks.page_pattern("jadwal"): [callbacks.page("jadwal", 0), callbacks.page("jadwal", 12)],
        callbacks.page_pattern("rencana", "audit"): [callbacks.page("rencana", 1), callbacks.page("audit", 9999)],
    }
    for pattern, datas in packed.items():
        for data in datas:
            matching = [p for p in packed if re.match(p, data)]
            assert matching == [pattern], data
    assert [callbacks.unpack_role(callbacks.role(r)) for r in ROLES] == list(ROLES)
    assert [callbacks.unpack_language(callbacks.language(c)) for c in LANGS] == list(LANGS)
    assert callbacks.unpack_draft(callbacks.draft(123456789012345678, "t:kades")) == (123456789012345678, "t:kades")
    assert [callbacks.unpack_page(callbacks.page(v, 3)) for v in callbacks.PAGE_VIEWS] == [
        (v, 3) for v in callbacks.PAGE_VIEWS
    ]


FOREIGN = [None, "", "ics", "1:send", "role", "lang", "op"]


@pytest.mark.parametrize(
    "unpack, forged",
    [
        (callbacks.unpack_role, ["role:", "role:presiden", "role:ASN", "role:asn ", "lang:asn"]),
        (callbacks.unpack_language, ["lang:", "lang:fr", "lang:EN", "role:en"]),
        (callbacks.unpack_draft, ["op:1", "op::send", "op:x:send", "op:-1:send", "op:٣:send",
                                  "op:99999999999999999999:send", "role:1:send"]),
        (callbacks.unpack_page, ["page:", "page:jadwal", "page:jadwal:", "page:jadwal:-1", "page:jadwal:٣",
                                 "page:jadwal:12345", "page:statistik:1", "page:JADWAL:1", "op:jadwal:1"]),
    ],
)  # fmt: skip
def test_forged_or_foreign_data_unpacks_to_nothing(unpack, forged):
    for data in FOREIGN + forged:
        assert unpack(data) is None, data


def test_data_over_telegrams_64_bytes_is_refused_when_packed():
    with pytest.raises(ValueError):
        callbacks.draft(1, "t:" + "x" * 64)
    with pytest.raises(ValueError):
        callbacks.page("jadwal", 10_000)
