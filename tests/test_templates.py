"""Texts follow the schedule: stage dates and facts named in texts, times relative to a stage, warnings."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from bot.content import render
from bot.schedule.loading import parse
from bot.schedule.model import ScheduleError

HEAD = """
[election]
name = "Pilkada Uji"
region = "Kabupaten Uji"
timezone = "Asia/Jakarta"
tps_open = "07:00"
tps_close = "13:00"

[[stage]]
id = "kampanye"
name = "Masa kampanye"
start = 2024-09-25
end = "pemungutan-suara:H-4"

[[stage]]
id = "pemungutan-suara"
name = "Pemungutan suara"
start = 2024-11-27
"""


def schedule_of(*parts: str, head: str = HEAD):
    return parse(textwrap.dedent(head) + "\n" + "\n".join(textwrap.dedent(p) for p in parts), "uji.toml")


def problems(*parts: str) -> list[str]:
    with pytest.raises(ScheduleError) as info:
        schedule_of(*parts)
    return info.value.problems


def reminder(text: str, text_en: str | None = None, rid: str = "r", at: str = '"pemungutan-suara:H-1 18:00"') -> str:
    lines = ["[[reminder]]", f'id = "{rid}"', f"at = {at}", 'roles = ["pemilih"]', f"text = '''{text}'''"]
    if text_en is not None:
        lines.append(f"text_en = '''{text_en}'''")
    return "\n".join(lines) + "\n"


def test_stage_dates_render_in_the_readers_language():
    s = schedule_of(
        reminder(
            "Hari H {pemungutan-suara}; kampanye {kampanye:range}; akhir {kampanye:end}; H-7 {pemungutan-suara:H-7}; "
            "sehari sebelum akhir {kampanye:end:H-1}",
            "Voting {pemungutan-suara}; campaign {kampanye:range}; H+1 {pemungutan-suara:H+1}",
        )
    )
    r = s.reminder("r")
    assert r.text == (
        "Hari H Rabu, 27 November 2024; kampanye Rabu, 25 September – Sabtu, 23 November 2024; "
        "akhir Sabtu, 23 November 2024; H-7 Rabu, 20 November 2024; sehari sebelum akhir Jumat, 22 November 2024"
    )
    assert r.text_en == (
        "Voting Wednesday, 27 November 2024; campaign Wednesday, 25 September – Saturday, 23 November 2024; "
        "H+1 Thursday, 28 November 2024"
    )


def test_facts_render_with_english_variants_times_links_and_literal_braces():
    s = schedule_of(
        """
        [facts]
        invitation_form = "Model C.Pemberitahuan-KWK"
        id_advice = "KTP-el atau {invitation_form}"
        id_advice_en = "your KTP-el"
        dpk_open = 12:00:00
        report_days = 7
        cekdpt_url = "https://cekdptonline.kpu.go.id"
        """,
        reminder(
            "{id_advice}; DPK {dpk_open}–{tps_close} {zone}; {report_days} hari; {cekdpt_url:link}; {{kurung}}",
            "{id_advice}; DPK {dpk_open}–{tps_close} {zone}; {invitation_form}",
        ),
    )
    r = s.reminder("r")
    assert r.text == (
        "KTP-el atau Model C.Pemberitahuan-KWK; DPK 12.00–13.00 WIB; 7 hari; "
        '<a href="https://cekdptonline.kpu.go.id">cekdptonline.kpu.go.id</a>; {kurung}'
    )
    assert r.text_en == "your KTP-el; DPK 12:00–13:00 WIB; Model C.Pemberitahuan-KWK"
    assert s.fact("id_advice") == "KTP-el atau Model C.Pemberitahuan-KWK"
    assert s.fact("id_advice", "en") == "your KTP-el"


def test_unknown_names_and_bad_braces_are_errors_naming_entry_and_field():
    found = problems(
        "[pages]\ntps = '''{tps_buka} dan {kampanye:awal}'''\n",
        "[facts]\nform = '{pemungutan}'\n",
        reminder("Datang {pemungutan-suara} {", "{form:end} {link_x:link}", rid="a"),
    )
    assert found == [
        'facts: field "form": unknown placeholder {pemungutan}: no stage or fact "pemungutan"',
        'pages: field "tps": unknown placeholder {tps_buka}: no stage or fact "tps_buka"',
        'pages: field "tps": {kampanye:awal}: unknown format (use :end, :range, :H-7 or :H+1 after a stage id)',
        'reminder "a": field "text": "{" at character 27 opens no placeholder (write {{ for a literal brace)',
        'reminder "a": field "text_en": {form:end}: a fact takes no format but :link',
        'reminder "a": field "text_en": unknown placeholder {link_x:link}: no stage or fact "link_x"',
    ]


def test_fact_cycles_reserved_names_and_clashes_are_errors():
    found = problems(
        """
        [facts]
        a = "{b}"
        b = "{a}"
        zone = "WIB"
        kampanye = "x"
        """,
        reminder("ok"),
    )
    assert 'facts: field "zone": reserved name: {zone} comes from [election]' in found
    assert 'facts: field "kampanye": same name as a stage: {kampanye} would be ambiguous' in found
    assert 'facts: field "a": refers to itself: a → b → a' in found


def test_html_is_checked_once_rendered():
    found = problems('[facts]\nbold = "<b>tebal"\nsite = "bukan alamat"\n', reminder("{bold} {site:link}"))
    assert found == [
        'reminder "r": field "text": {site:link}: fact "site" is not an http(s) address',
    ]
    found = problems('[facts]\nbold = "<b>tebal"\n', reminder("{bold}"))
    assert found == [
        'reminder "r": field "text": HTML Telegram would refuse once rendered: unclosed tag <b> '
        'at line 1, column 1 ("<b>tebal"); fix: add </b> where the formatted part ends'
    ]


def test_times_and_dates_relative_to_a_stage():
    s = schedule_of(
        """
        [[stage]]
        id = "masa-tenang"
        name = "Masa tenang"
        start = "pemungutan-suara:H-3"
        end = "pemungutan-suara:H-1"
        """,
        reminder("eve", rid="eve"),
        """
        [[reminder]]
        id = "mingguan"
        at = 2024-11-07T09:00:00
        expires = 2024-11-07T20:00:00
        repeat_days = 7
        repeat_until = "kampanye:end"
        roles = ["asn"]
        text = "x"
        [[reminder]]
        id = "hari-h"
        at = "pemungutan-suara 06:00"
        deliver_by = "pemungutan-suara 07:00"
        expires = "pemungutan-suara 13:00"
        roles = ["asn"]
        text = "y"
        """,
    )
    tz = s.election.tz
    assert (s.stage("masa-tenang").start, s.stage("masa-tenang").end) == (dt.date(2024, 11, 24), dt.date(2024, 11, 26))
    assert s.stage("kampanye").end == dt.date(2024, 11, 23)
    assert s.reminder("eve").at == dt.datetime(2024, 11, 26, 18, 0, tzinfo=tz)
    h = s.reminder("hari-h")
    assert (h.at.hour, h.deliver_by.hour, h.expires.hour) == (6, 7, 13)
    assert h.at.date() == dt.date(2024, 11, 27)
    assert [r.id for r in s.reminders if r.series == "mingguan"] == [
        "mingguan@2024-11-07",
        "mingguan@2024-11-14",
        "mingguan@2024-11-21",
    ]


def test_bad_relative_times_are_errors():
    found = problems(
        reminder("a", rid="a", at='"pemilu:H-1 18:00"'),
        reminder("b", rid="b", at='"pemungutan-suara:H1 18:00"'),
        reminder("c", rid="c", at='"pemungutan-suara:H-1"'),
        '[[stage]]\nid = "x"\nname = "X"\nstart = "y:H-1"\n[[stage]]\nid = "y"\nname = "Y"\nstart = "x:H+1"\n',
    )
    assert found == [
        'stage "x": field "start": refers to stage "y", whose dates cannot be worked out',
        'stage "y": field "start": refers to stage "x", whose dates cannot be worked out',
        'reminder "a": field "at": refers to stage "pemilu", whose dates cannot be worked out',
        'reminder "b": field "at": expected a date-time like 2024-11-27T06:00:00 or a time relative to a stage '
        'like "pemungutan-suara:H-1 18:00", got "pemungutan-suara:H1 18:00"',
        'reminder "c": field "at": expected a date-time like 2024-11-27T06:00:00 or a time relative to a stage '
        'like "pemungutan-suara:H-1 18:00", got "pemungutan-suara:H-1"',
    ]


def test_dated_facts_show_only_from_their_date():
    s = schedule_of(
        """
        [facts.libur]
        from = 2024-11-21
        text = " (hari libur)"
        text_en = " (a holiday)"

        [pages]
        tps = "<b>{pemungutan-suara}</b>{libur}"
        tps_en = "<b>{pemungutan-suara}</b>{libur}"
        """,
        reminder("{pemungutan-suara}{libur}", rid="awal", at="2024-11-20T09:00:00"),
        reminder("{pemungutan-suara}{libur}", "{pemungutan-suara}{libur}", rid="akhir", at="2024-11-21T09:00:00"),
    )
    assert s.reminder("awal").text == "Rabu, 27 November 2024"
    assert s.reminder("akhir").text == "Rabu, 27 November 2024 (hari libur)"
    assert s.reminder("akhir").text_en == "Wednesday, 27 November 2024 (a holiday)"
    assert s.page("tps") == s.page("tps", dt.date(2024, 11, 20)) == "<b>Rabu, 27 November 2024</b>"
    assert s.page("tps", dt.date(2024, 11, 21)) == "<b>Rabu, 27 November 2024</b> (hari libur)"
    assert s.page("tps_en", dt.date(2025, 1, 1)) == "<b>Wednesday, 27 November 2024</b> (a holiday)"


def test_facts_with_until_show_only_before_their_date():
    s = schedule_of(
        """
        [facts.belum]
        until = 2024-11-21
        text = " (belum ditetapkan)"

        [pages]
        tps = "<b>{pemungutan-suara}</b>{belum}"
        """,
        reminder("{pemungutan-suara}{belum}", rid="awal", at="2024-11-20T09:00:00"),
        reminder("{pemungutan-suara}{belum}", rid="akhir", at="2024-11-21T09:00:00"),
    )
    assert s.reminder("awal").text == "Rabu, 27 November 2024 (belum ditetapkan)"
    assert s.reminder("akhir").text == "Rabu, 27 November 2024"
    assert s.page("tps", dt.date(2024, 11, 20)) == "<b>Rabu, 27 November 2024</b> (belum ditetapkan)"
    assert s.page("tps", dt.date(2024, 11, 21)) == "<b>Rabu, 27 November 2024</b>"


@pytest.mark.parametrize(
    ("fact", "expected"),
    [
        ('from = 2024-11-21\nuntil = 2024-11-21\ntext = "x"', "until 2024-11-21 is not after from 2024-11-21"),
        ('until = "kemarin"\ntext = "x"', 'field "belum": field "until": expected a date'),
        ('until = 2024-11-21\ntext = "<b>x"', "unclosed tag <b>"),
    ],
)
def test_a_bad_until_is_named(fact, expected):
    found = problems("[facts.belum]\n" + fact, reminder("x{belum}", at="2024-11-20T09:00:00"))
    assert any(expected in p for p in found), found


def test_check_warns_about_stage_dates_written_out():
    s = schedule_of(
        reminder("Rabu, 27 November 2024", "on November 27, 2024", rid="a"),
        reminder("sampai 23 Nov", "on 2024-11-23", rid="b"),
        reminder("tanggal 27/11 dan 23-11-2024", rid="c"),
        reminder("Kampanye 24–25 September 2024; rapat 2 November 2024; jam 07.00–13.00; Rp600.000", rid="d"),
        reminder("{pemungutan-suara} dan {kampanye:end}", rid="e"),
    )
    warnings = [w for w in s.warnings if "stage date" in w]
    assert warnings == [
        'reminder "a": field "text": writes out "27 November 2024", a stage date; write {pemungutan-suara} so the '
        "text follows the schedule",
        'reminder "a": field "text_en": writes out "November 27, 2024", a stage date; write {pemungutan-suara} so '
        "the text follows the schedule",
        'reminder "b": field "text": writes out "23 Nov", a stage date; write {kampanye:end} so the text follows '
        "the schedule",
        'reminder "b": field "text_en": writes out "2024-11-23", a stage date; write {kampanye:end} so the text '
        "follows the schedule",
        'reminder "c": field "text": writes out "27/11", a stage date; write {pemungutan-suara} so the text '
        "follows the schedule",
        'reminder "c": field "text": writes out "23-11-2024", a stage date; write {kampanye:end} so the text '
        "follows the schedule",
        'reminder "d": field "text": writes out "24–25 September 2024", a stage date; write {kampanye} so the text '
        "follows the schedule",
    ]


def test_written_dates_recognises_the_usual_forms():
    found = render.written_dates("27 November 2024, 27 Nov, 2024-11-27, 27/11, 27.11.2024, 24–26 Nov 2024")
    assert [(d, m, y) for _, d, m, y in found] == [
        (27, 11, 2024),
        (27, 11, None),
        (24, 11, 2024),
        (26, 11, 2024),
        (27, 11, 2024),
        (27, 11, None),
        (27, 11, 2024),
    ]
    assert render.written_dates("UU 10/2016 Pasal 71; 1.630 TPS; Rp6.000.000; pukul 07.00–13.00; 866.030") == []
