"""Callback data of inline buttons: what is packed unpacks to the same thing; anything else to None."""

from __future__ import annotations

import re

import pytest

from bot.content import button_data
from bot.content.formats import LANGS
from bot.schedule.model import ROLES


def test_every_button_kind_round_trips_and_matches_only_its_own_pattern():
    packed = {
        button_data.ROLE_PATTERN: [button_data.role(r) for r in ROLES],
        button_data.LANGUAGE_PATTERN: [button_data.language(code) for code in LANGS],
        button_data.CALENDAR_PATTERN: [button_data.CALENDAR],
        button_data.DRAFT_PATTERN: [button_data.draft(7, "send"), button_data.draft(7, "t:asn")],
        button_data.page_pattern("jadwal"): [button_data.page("jadwal", 0), button_data.page("jadwal", 12)],
        button_data.page_pattern("rencana", "audit"): [button_data.page("rencana", 1), button_data.page("audit", 9999)],
    }
    for pattern, datas in packed.items():
        for data in datas:
            matching = [p for p in packed if re.match(p, data)]
            assert matching == [pattern], data
    assert [button_data.unpack_role(button_data.role(r)) for r in ROLES] == list(ROLES)
    assert [button_data.unpack_language(button_data.language(c)) for c in LANGS] == list(LANGS)
    assert button_data.unpack_draft(button_data.draft(123456789012345678, "t:kades")) == (123456789012345678, "t:kades")
    assert [button_data.unpack_page(button_data.page(v, 3)) for v in button_data.PAGE_VIEWS] == [
        (v, 3) for v in button_data.PAGE_VIEWS
    ]


FOREIGN = [None, "", "ics", "1:send", "role", "lang", "op"]


@pytest.mark.parametrize(
    ("unpack", "forged"),
    [
        (button_data.unpack_role, ["role:", "role:presiden", "role:ASN", "role:asn ", "lang:asn"]),
        (button_data.unpack_language, ["lang:", "lang:fr", "lang:EN", "role:en"]),
        (
            button_data.unpack_draft,
            ["op:1", "op::send", "op:x:send", "op:-1:send", "op:٣:send", "op:99999999999999999999:send", "role:1:send"],
        ),
        (
            button_data.unpack_page,
            [
                "page:",
                "page:jadwal",
                "page:jadwal:",
                "page:jadwal:-1",
                "page:jadwal:٣",
                "page:jadwal:12345",
                "page:statistik:1",
                "page:JADWAL:1",
                "op:jadwal:1",
            ],
        ),
    ],
)
def test_forged_or_foreign_data_unpacks_to_nothing(unpack, forged):
    for data in FOREIGN + forged:
        assert unpack(data) is None, data


def test_data_over_telegrams_64_bytes_is_refused_when_packed():
    with pytest.raises(ValueError, match="over 64 bytes"):
        button_data.draft(1, "t:" + "x" * 64)
    with pytest.raises(ValueError, match="no page"):
        button_data.page("jadwal", 10_000)
