"""Areas: [[area]] in the schedule file, area references on reminders, and who they reach."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.content.button_data import AreaStep
from bot.delivery import scheduler
from bot.schedule import areas
from bot.schedule.loading import load, parse
from bot.schedule.model import ScheduleError

ROOT = Path(__file__).resolve().parent.parent

HEAD = """\
[election]
name = "Pilkada"
region = "Kabupaten Contoh"
timezone = "Asia/Jakarta"

[[stage]]
id = "pemungutan-suara"
name = "Pemungutan suara"
start = 2024-11-27
"""

AREAS = """\
[[area]]
id = "kedungwaru"
name = "Kedungwaru"
voters = 70000
desa = ["Bangoan", "Ketanon", "Kauman Timur"]

[[area]]
id = "ngunut"
name = "Ngunut"
"""


def reminder(areas: str | None = None, rid: str = "tps") -> str:
    line = f"areas = {areas}\n" if areas is not None else ""
    return f'[[reminder]]\nid = "{rid}"\nat = 2024-11-27T06:00:00\nroles = ["pemilih"]\ntext = "Ayo"\n{line}'


def problems(text: str) -> list[str]:
    with pytest.raises(ScheduleError) as info:
        parse(text, "t.toml")
    return info.value.problems


def test_the_default_file_lists_the_19_kecamatan_of_tulungagung():
    schedule = load(ROOT / "config" / "pilkada2024.toml")
    assert len(schedule.areas) == 19
    assert [a.id for a in schedule.areas][:3] == ["bandung", "besuki", "boyolangu"]
    assert schedule.area("kedungwaru").name == "Kedungwaru"
    assert all(a.voters is None and a.desa == () for a in schedule.areas)  # no source at hand for these


def test_areas_desa_and_reminder_references_parse():
    schedule = parse(HEAD + AREAS + reminder('["ngunut", "kedungwaru/kauman-timur"]'))
    kedungwaru = schedule.area("kedungwaru")
    assert kedungwaru.voters == 70000
    assert [(d.id, d.name) for d in kedungwaru.desa][2] == ("kauman-timur", "Kauman Timur")
    assert schedule.reminders[0].areas == ("ngunut", "kedungwaru/kauman-timur")
    assert parse(HEAD + AREAS + reminder()).reminders[0].areas == ()


@pytest.mark.parametrize(
    ("area_toml", "expected"),
    [
        ('[[area]]\nid = "Kedung Waru"\nname = "K"\n', 'area "Kedung Waru": field "id": invalid id'),
        ('[[area]]\nname = "K"\n', 'area #1: field "id": missing'),
        ('[[area]]\nid = "k"\n', 'area "k": field "name": missing'),
        ('[[area]]\nid = "k"\nname = "K"\nvoters = -3\n', 'area "k": field "voters": expected a whole number'),
        ('[[area]]\nid = "k"\nname = "K"\nvoters = "banyak"\n', 'field "voters"'),
        ('[[area]]\nid = "k"\nname = "K"\ndesa = "Bangoan"\n', 'area "k": field "desa": expected a list'),
        ('[[area]]\nid = "k"\nname = "K"\ndesa = ["Sukorejo", "sukorejo"]\n', 'give the same id "sukorejo"'),
        (
            '[[area]]\nid = "k"\nname = "K"\n[[area]]\nid = "k"\nname = "L"\n',
            'area "k": field "id": duplicate id (also area #1)',
        ),
    ],
)
def test_a_bad_area_is_named_with_its_field(area_toml, expected):
    found = problems(HEAD + area_toml + reminder())
    assert any(expected in p for p in found), found


LONG = "k" * areas.MAX_AREA_ID  # the longest kecamatan id allowed


@pytest.mark.parametrize(
    ("area_toml", "expected"),
    [
        (f'[[area]]\nid = "{LONG}k"\nname = "K"\n', f'area "{LONG}k": field "id": 51 characters; at most 50'),
        (
            f'[[area]]\nid = "{LONG}"\nname = "K"\ndesa = ["Bangoan"]\n',
            f'area "{LONG}": field "desa": "Bangoan" (id "bangoan") with the kecamatan id is 57 characters; at most 54',
        ),
    ],
)
def test_ids_too_long_for_telegram_buttons_and_links_are_refused(area_toml, expected):
    found = problems(HEAD + area_toml + reminder())
    assert any(expected in p for p in found), found


def test_the_longest_ids_allowed_fit_every_button_and_link():
    from bot.content import button_data
    from bot.ops import poster
    from bot.schedule.faq import MAX_FAQ_ID
    from bot.telegram.subscriber_areas import parse_start

    desa_id = "d" * (areas.MAX_AREA_DESA_ID - len(LONG))
    schedule = parse(HEAD + f'[[area]]\nid = "{LONG}"\nname = "K"\ndesa = ["{desa_id}"]\n' + reminder())
    [area] = schedule.areas
    for where in (AreaStep.AFTER_START, AreaStep.COMMAND):
        for action, kwargs in (("k", {}), ("a", {}), ("q", {"page": 9999}), ("d", {"desa": desa_id})):
            data = button_data.area(where, action, area.id, page=kwargs.get("page", 0), desa=kwargs.get("desa"))
            assert button_data.unpack_area(data).area == area.id
    start = f"pemilih-{area.id}-{desa_id}"
    assert len(start) <= 64
    assert parse_start(start, schedule.areas) == ("pemilih", area.id, desa_id, False)
    assert poster.deep_link("kpu_bot", "pemilih", area.id).endswith(f"start=pemilih-{area.id}")
    assert button_data.unpack_faq(button_data.faq("f" * MAX_FAQ_ID)) == "f" * MAX_FAQ_ID
    with pytest.raises(ValueError, match=r"64 bytes|cannot pack"):  # the bounds are tight: one more does not fit
        button_data.area(AreaStep.COMMAND, "d", area.id, desa=desa_id + "d")
    with pytest.raises(ValueError, match=r"64 bytes|not an FAQ id"):
        button_data.faq("f" * (MAX_FAQ_ID + 1))


def test_a_faq_id_too_long_for_a_button_is_refused():
    entry = f'[[faq]]\nid = "{"f" * 61}"\nquestions = ["kapan?"]\nanswer = "Besok."\n'
    assert any('field "id": 61 characters; at most 60' in p for p in problems(HEAD + reminder() + entry))


@pytest.mark.parametrize(
    ("refs", "expected"),
    [
        ('["kedungwar"]', 'field "areas": unknown area "kedungwar" (did you mean "kedungwaru"?)'),
        ('["kediri"]', 'field "areas": unknown area "kediri" (known: kedungwaru, ngunut)'),
        ('["kedungwaru/sukorejo"]', 'field "areas": unknown desa "sukorejo" in area "kedungwaru"'),
        ('["ngunut/balesono"]', 'field "areas": unknown desa "balesono": area "ngunut" lists no desa'),
        ('"ngunut"', 'field "areas": expected a list'),
        ("[]", 'field "areas": expected a list'),
        ('["ngunut", "ngunut"]', 'field "areas": an area is listed twice'),
    ],
)
def test_check_refuses_references_to_unknown_areas(refs, expected):
    found = problems(HEAD + AREAS + reminder(refs))
    assert any(p.startswith('reminder "tps"') and expected in p for p in found), found


def test_a_reference_without_any_area_says_the_file_has_none():
    found = problems(HEAD + reminder('["ngunut"]'))
    assert any("the file defines no [[area]]" in p for p in found), found


def test_matches_is_the_reference_rule():
    assert areas.matches([], None, None)
    assert areas.matches([], "ngunut", None)
    assert areas.matches(["ngunut"], "ngunut", None)
    assert areas.matches(["ngunut"], "ngunut", "balesono")
    assert not areas.matches(["ngunut"], None, None)
    assert not areas.matches(["ngunut"], "kedungwaru", None)
    assert areas.matches(["kedungwaru/bangoan"], "kedungwaru", "bangoan")
    assert not areas.matches(["kedungwaru/bangoan"], "kedungwaru", "ketanon")
    assert not areas.matches(["kedungwaru/bangoan"], "kedungwaru", None)


PEOPLE = [  # chat id, role, kecamatan, desa
    (1, "pemilih", None, None),
    (2, "pemilih", "kedungwaru", None),
    (3, "pemilih", "kedungwaru", "bangoan"),
    (4, "pemilih", "kedungwaru", "ketanon"),
    (5, "pemilih", "ngunut", None),
    (6, "asn", "kedungwaru", "bangoan"),
    (7, "kades", "ngunut", None),
]


@pytest.mark.parametrize(
    ("refs", "roles", "reached"),
    [
        ((), ("pemilih",), {1, 2, 3, 4, 5}),
        (("kedungwaru",), ("pemilih",), {2, 3, 4}),
        (("kedungwaru/bangoan",), ("pemilih", "asn"), {3, 6}),
        (("ngunut", "kedungwaru/ketanon"), ("pemilih", "kades"), {4, 5, 7}),
    ],
)
def test_a_reminder_reaches_exactly_its_roles_and_areas(store, refs, roles, reached):
    for chat_id, role, area, desa in PEOPLE:
        store.subscribe(chat_id, role)
        store.set_area(chat_id, area, desa)
    schedule = parse(
        HEAD
        + AREAS
        + textwrap.dedent(f"""\
        [[reminder]]
        id = "tps"
        at = 2024-11-27T06:00:00
        roles = {list(roles)!r}
        text = "Ayo"
        """).replace("'", '"')
        + (f"areas = {list(refs)!r}\n".replace("'", '"') if refs else "")
    )
    assert store.count_audience(roles, refs) == len(reached)
    assert scheduler.enqueue_reminder(store, schedule.reminders[0]) == len(reached)
    got = {r[0] for r in store.conn.execute("SELECT chat_id FROM deliveries WHERE broadcast_id = 'tps'")}
    assert got == reached
    assert store.broadcast("tps").area_list == list(refs)
    expected = {c for c, role, a, d in PEOPLE if role in roles and areas.matches(refs, a, d)}
    assert got == expected  # the SQL and the pure rule agree


def test_an_adhoc_broadcast_keeps_its_areas(store):
    for chat_id, role, area, desa in PEOPLE:
        store.subscribe(chat_id, role)
        store.set_area(chat_id, area, desa)
    broadcast_id, n = scheduler.enqueue_adhoc(store, "Info TPS", ["pemilih"], ttl=3600, areas=["ngunut"])
    assert n == 1
    assert store.broadcast(broadcast_id).area_list == ["ngunut"]


def test_set_area_clears_the_desa_with_the_kecamatan(store):
    store.subscribe(9, "pemilih")
    assert store.set_area(9, "kedungwaru", "bangoan")
    assert (store.subscriber(9).area, store.subscriber(9).desa) == ("kedungwaru", "bangoan")
    store.set_area(9, None, "bangoan")
    assert (store.subscriber(9).area, store.subscriber(9).desa) == (None, None)
    assert not store.set_area(10, "ngunut")


def test_one_kecamatan_audience_uses_the_area_index(store):
    where, params = areas.audience_sql(["pemilih"], ["kedungwaru"], "active")
    plan = " ".join(
        r[-1] for r in store.conn.execute(f"EXPLAIN QUERY PLAN SELECT chat_id FROM subscribers WHERE {where}", params)
    )
    assert "subscribers_area" in plan
