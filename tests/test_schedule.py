import datetime as dt
import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.schedule import model as sch
from bot.schedule.loading import load, parse, shifted
from bot.schedule.model import MAX_TEXT, ScheduleError, html_problem

JKT = ZoneInfo("Asia/Jakarta")
REPO = Path(__file__).resolve().parent.parent

ELECTION = """\
[election]
name = "Pilkada Serentak 2024"
region = "Kabupaten Tulungagung"
timezone = "Asia/Jakarta"
"""

VOTING_STAGE = """\
[[stage]]
id = "pemungutan-suara"
name = "Pemungutan suara"
start = 2024-11-27
"""

REMINDER = """\
[[reminder]]
id = "tps-hari-h"
at = 2024-11-27T06:00:00
roles = ["asn", "kades", "pemilih"]
text = "Hari ini <b>pemungutan suara</b>."
"""


def toml(*parts: str) -> str:
    return "\n".join(textwrap.dedent(p) for p in parts)


def problems(text: str) -> list[str]:
    with pytest.raises(ScheduleError) as info:
        parse(text, "test.toml")
    assert str(info.value) == "\n".join(info.value.problems)
    return info.value.problems


def reminder(id: str, at: str = "2024-11-27T06:00:00", **fields: str) -> str:
    lines = ["[[reminder]]", f'id = "{id}"', f"at = {at}", 'roles = ["pemilih"]', 'text = "Ayo memilih"']
    for key, value in fields.items():
        lines = [line for line in lines if not line.startswith(f"{key} =")]
        lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- valid files


def test_minimal_file_parses_with_defaults(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(toml(ELECTION, VOTING_STAGE, REMINDER), encoding="utf-8")
    s = load(path)

    assert s.source == str(path)
    assert s.election.tz == JKT
    assert s.election.tps_open is None
    assert s.election.voting_stage is None
    stage = s.stage("pemungutan-suara")
    assert stage.end == stage.start == dt.date(2024, 11, 27)
    r = s.reminder("tps-hari-h")
    assert r.at == dt.datetime(2024, 11, 27, 6, tzinfo=JKT)
    assert r.at.tzinfo == JKT
    assert r.at.utcoffset() == dt.timedelta(hours=7)
    assert r.expires == dt.datetime(2024, 11, 28, 0, tzinfo=JKT)
    assert r.deliver_by == r.expires
    assert r.roles == ("asn", "kades", "pemilih")
    assert (r.stage, r.silent, r.series, r.extra) == (None, False, None, {})
    assert s.pages == {}
    assert s.voting_day() == dt.date(2024, 11, 27)
    assert s.stage("nope") is None
    assert s.reminder("nope") is None


def test_optional_fields_and_extra_keys_are_kept():
    s = parse(
        toml(
            ELECTION + 'tps_open = "07:00"\ntps_close = "13:00"\nvoting_stage = "hari-h"\n',
            '[pages]\ntps = "Cek TPS di <a href=\\"https://cekdptonline.kpu.go.id\\">cekdptonline</a>"\n',
            '[[stage]]\nid = "hari-h"\nname = "Hari H"\nstart = 2024-11-27\nsource = "PKPU 2/2024"\n',
            reminder(
                "x",
                expires="2024-11-27T13:00:00",
                deliver_by="2024-11-27T07:00:00",
                stage='"hari-h"',
                silent="true",
                note='"cek"',
            ),
        )
    )
    e = s.election
    assert (e.tps_open, e.tps_close, e.voting_stage) == (dt.time(7), dt.time(13), "hari-h")
    assert s.voting_day() == dt.date(2024, 11, 27)
    assert s.stage("hari-h").extra == {"source": "PKPU 2/2024"}
    r = s.reminder("x")
    assert r.expires == dt.datetime(2024, 11, 27, 13, tzinfo=JKT)
    assert r.deliver_by == dt.datetime(2024, 11, 27, 7, tzinfo=JKT)
    assert (r.stage, r.silent, r.extra) == ("hari-h", True, {"note": "cek"})
    assert s.pages["tps"].startswith("Cek TPS")


def test_offset_datetime_is_converted_to_election_timezone():
    s = parse(toml(ELECTION, reminder("x", at="2024-11-27T07:00:00+08:00")))
    r = s.reminder("x")
    assert r.at == dt.datetime(2024, 11, 27, 6, tzinfo=JKT)
    assert r.at.tzinfo == JKT
    assert r.at.hour == 6
    assert r.expires == dt.datetime(2024, 11, 28, tzinfo=JKT)


def test_repeat_expands_into_dated_occurrences():
    s = parse(
        toml(
            ELECTION,
            reminder(
                "mingguan",
                at="2024-11-01T09:00:00",
                expires="2024-11-01T18:00:00",
                repeat_days="7",
                repeat_until="2024-11-23",
            ),
            reminder("sekali", at="2024-11-10T08:00:00"),
        )
    )
    ids = [r.id for r in s.reminders]
    assert ids == [
        "mingguan@2024-11-01",
        "mingguan@2024-11-08",
        "sekali",
        "mingguan@2024-11-15",
        "mingguan@2024-11-22",
    ]
    weekly = [r for r in s.reminders if r.series == "mingguan"]
    assert len(weekly) == 4
    assert max(r.at.date() for r in weekly) <= dt.date(2024, 11, 23)
    last = s.reminder("mingguan@2024-11-22")
    assert last.at == dt.datetime(2024, 11, 22, 9, tzinfo=JKT)
    assert last.expires == dt.datetime(2024, 11, 22, 18, tzinfo=JKT)
    assert last.deliver_by == last.expires
    assert s.reminder("sekali").series is None
    assert s.reminder("mingguan") is None


def test_summary_is_one_line():
    s = parse(toml(ELECTION, VOTING_STAGE, reminder("a", at="2024-08-20T08:00:00"), REMINDER), "x.toml")
    assert s.summary() == (
        "x.toml: Pilkada Serentak 2024, Kabupaten Tulungagung (Asia/Jakarta): "
        "1 stage, 2 reminders (2024-08-20 – 2024-11-27)"
    )


# --------------------------------------------------------------------------- problems


def test_unknown_role():
    assert problems(toml(ELECTION, reminder("x", roles='["pemilih", "guru"]'))) == [
        'reminder "x": field "roles": unknown role "guru" (allowed: asn, kades, pemilih)'
    ]


def test_duplicate_and_empty_roles():
    assert problems(toml(ELECTION, reminder("x", roles='["asn", "asn"]'), reminder("y", roles="[]"))) == [
        'reminder "x": field "roles": duplicate role "asn"',
        'reminder "y": field "roles": empty (allowed: asn, kades, pemilih)',
    ]


def test_bad_timezone_still_checks_the_rest():
    text = toml(ELECTION.replace("Asia/Jakarta", "Asia/Jakart"), reminder("x", roles='["guru"]'))
    assert problems(text) == [
        'election: field "timezone": unknown time zone "Asia/Jakart"',
        'reminder "x": field "roles": unknown role "guru" (allowed: asn, kades, pemilih)',
    ]


def test_expires_before_at():
    assert problems(toml(ELECTION, reminder("x", expires="2024-11-27T05:00:00"))) == [
        'reminder "x": field "expires": 2024-11-27 05:00 is before at 2024-11-27 06:00'
    ]


def test_deliver_by_must_be_between_at_and_expires():
    text = toml(
        ELECTION,
        reminder("x", deliver_by="2024-11-27T06:00:00"),
        reminder("y", expires="2024-11-27T08:00:00", deliver_by="2024-11-27T09:00:00"),
    )
    assert problems(text) == [
        'reminder "x": field "deliver_by": 2024-11-27 06:00 is not after at 2024-11-27 06:00',
        'reminder "y": field "deliver_by": 2024-11-27 09:00 is after expires 2024-11-27 08:00',
    ]


def test_duplicate_id():
    text = toml(ELECTION, reminder("a"), reminder("b"), reminder("x"), reminder("x"))
    assert problems(text) == ['reminder "x": field "id": duplicate id (also reminder #3)']


def test_missing_and_invalid_id():
    no_id = reminder("d").replace('id = "d"\n', "")
    text = toml(ELECTION, reminder("a"), reminder("b"), reminder("c"), no_id)
    assert problems(text) == ['reminder #4: field "id": missing']
    assert problems(toml(ELECTION, reminder("Hari H"))) == [
        'reminder "Hari H": field "id": invalid id "Hari H" (use only a-z, 0-9 and -)'
    ]


def test_stage_end_before_start():
    stage = '[[stage]]\nid = "kampanye"\nname = "Kampanye"\nstart = 2024-09-25\nend = 2024-09-01\n'
    assert problems(toml(ELECTION, stage, REMINDER)) == [
        'stage "kampanye": field "end": 2024-09-01 is before start 2024-09-25'
    ]


def test_duplicate_stage_id():
    assert problems(toml(ELECTION, VOTING_STAGE, VOTING_STAGE, REMINDER)) == [
        'stage "pemungutan-suara": field "id": duplicate id (also stage #1)'
    ]


def test_empty_text():
    assert problems(toml(ELECTION, reminder("x", text='"  "'))) == ['reminder "x": field "text": empty']


def test_text_too_long():
    text = toml(ELECTION, reminder("x", text=f'"<b>{"a" * 5000}</b>"'))
    assert problems(text) == ['reminder "x": field "text": 5000 characters, Telegram allows at most 4096']


def test_text_length_counts_visible_characters():
    visible = "a" * (MAX_TEXT - 1) + "&amp;"
    s = parse(toml(ELECTION, reminder("x", text=f'"<b>{visible}</b> <i></i>"')))
    assert s.reminder("x").text.endswith("&amp;</b> <i></i>")


def test_bad_html_in_text():
    assert problems(toml(ELECTION, reminder("x", text='"<b>Ayo memilih"'))) == [
        'reminder "x": field "text": HTML Telegram would refuse: unclosed tag <b> at line 1, column 1 '
        '("<b>Ayo memilih"); fix: add </b> where the formatted part ends'
    ]


def test_toml_syntax_error_names_file_line_and_column(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text(toml(ELECTION, "[[reminder]\n"), encoding="utf-8")
    with pytest.raises(ScheduleError) as info:
        load(path)
    assert len(info.value.problems) == 1
    assert info.value.problems[0].startswith(f"{path}: TOML syntax error at line 6, column 11: ")


def test_missing_file():
    with pytest.raises(ScheduleError) as info:
        load("/nonexistent/schedule.toml")
    assert info.value.problems == ["/nonexistent/schedule.toml: file not found"]


def test_wrong_types():
    stage = '[[stage]]\nid = "s"\nname = "S"\nstart = "27 Nov"\n'
    text = toml(ELECTION, stage, reminder("x", at="2024-11-27", silent='"ya"', roles='"asn"'))
    assert problems(text) == [
        'stage "s": field "start": expected a date like 2024-11-27, got "27 Nov"',
        'reminder "x": field "at": expected a date-time like 2024-11-27T06:00:00, got 2024-11-27',
        'reminder "x": field "roles": expected a list like ["asn", "pemilih"], got "asn"',
        'reminder "x": field "silent": expected true or false, got "ya"',
    ]


def test_unknown_page_and_stage_reference():
    text = toml(
        ELECTION + 'voting_stage = "hari-h"\n',
        '[pages]\nfaq = "Tanya jawab"\ntps = "<div>TPS</div>"\n',
        reminder("x", stage='"kampanye"'),
    )
    assert problems(text) == [
        'pages: field "faq": unknown page '
        "(allowed: netralitas_asn, netralitas_kades, netralitas_pemilih, tps, each also with _en for English)",
        'pages: field "tps": HTML Telegram would refuse: unsupported tag <div> at line 1, column 1 '
        '("<div>TPS</div>"); fix: use only b, i, u, s, a, code, pre, blockquote, tg-spoiler; '
        "for a new line just press Enter",
        'election: field "voting_stage": unknown stage "hari-h"',
        'reminder "x": field "stage": unknown stage "kampanye"',
    ]


def test_missing_sections_and_fields():
    assert problems("") == [
        "election: missing section [election]",
        "reminder: missing: the file defines no [[reminder]]",
    ]
    text = toml('[election]\nname = "P"\n', "[[reminder]]\n", "[[reminders]]\n")
    assert problems(text) == [
        'file: unknown top-level key or section "reminders" (allowed: [election], [pages], [facts], '
        "[[stage]], [[reminder]], [[area]], [[faq]])",
        'election: field "region": missing',
        'election: field "timezone": missing',
        'reminder #1: field "id": missing',
        'reminder #1: field "at": missing',
        'reminder #1: field "roles": missing',
        'reminder #1: field "text": missing',
    ]


def test_repeat_problems():
    text = toml(
        ELECTION,
        reminder("a", repeat_days="7"),
        reminder("b", repeat_days="0", repeat_until="2024-12-01"),
        reminder("c", repeat_days="7", repeat_until="2024-11-01"),
        reminder("d", repeat_until="2024-12-01"),
    )
    assert problems(text) == [
        'reminder "a": field "repeat_until": missing (required with repeat_days)',
        'reminder "b": field "repeat_days": expected a whole number of days >= 1, got 0',
        'reminder "c": field "repeat_until": 2024-11-01 is before the date of at 2024-11-27',
        'reminder "d": field "repeat_until": only allowed together with repeat_days',
    ]


def test_all_problems_are_reported():
    text = toml(
        ELECTION.replace("Asia/Jakarta", "Mars/Olympus"),
        '[[stage]]\nid = "kampanye"\nname = "Kampanye"\nstart = 2024-09-25\nend = 2024-09-01\n',
        reminder("x", roles='["guru"]', text='""'),
        reminder("x", expires="2024-11-27T05:00:00"),
    )
    found = problems(text)
    assert len(found) == 6
    assert all(line.count("\n") == 0 for line in found)
    for expected in (
        '"timezone"',
        'stage "kampanye": field "end"',
        'field "roles"',
        'field "text": empty',
        'field "id": duplicate id',
        'field "expires"',
    ):
        assert any(expected in line for line in found), expected


# --------------------------------------------------------------------------- HTML


@pytest.mark.parametrize(
    "text",
    [
        'Cek DPT di <a href="https://cekdptonline.kpu.go.id">cekdptonline.kpu.go.id</a>',
        "ASN &amp; kades &lt;netral&gt; &quot;ya&quot; &#39; &#x1F5F3; 5 > 3",
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>i</ins><s>s</s><strike>s</strike>"
        '<del>d</del><tg-spoiler>x</tg-spoiler><span class="tg-spoiler">x</span>',
        "<b>tebal <i>miring <u>garis</u></i></b>",
        '<pre><code class="language-python">print(1)</code></pre> <code>x</code>',
        "<blockquote expandable>kutipan</blockquote><blockquote>k</blockquote>",
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
        "<a href='tg://resolve?domain=kpu'>KPU</a> <a href=\"mailto:kpu@example.go.id\">surat</a>",
        "Baris 1\nBaris 2",
    ],
)
def test_html_accepts_telegram_subset(text):
    assert html_problem(text) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Baris 1<br>Baris 2", "unsupported tag <br>"),
        ("<div>x</div>", "unsupported tag <div>"),
        ("<b>tebal", "unclosed tag <b>"),
        ("<b><i>x</b></i>", "end tag </b> does not match open tag <i>"),
        ("x</b>", "end tag </b> without a start tag"),
        ("1 < 2", 'bare "<"'),
        ("a&nbsp;b", '"&nbsp;"'),
        ("ASN & kades", '"&"'),
        ("<a>x</a>", "href"),
        ('<a href="javascript:alert(1)">x</a>', "links"),
        ('<span class="x">y</span>', "tg-spoiler"),
        ('<b class="x">y</b>', 'attribute "class"'),
        ('<code class="language-py">x</code>', "inside <pre>"),
        ("<b/>", "malformed tag"),
        ("<b", "unclosed tag"),
        ("<b></b>", "no visible text"),
        ("a" * (MAX_TEXT + 1), f"{MAX_TEXT + 1} characters"),
    ],
)
def test_html_refuses(text, reason):
    problem = html_problem(text)
    assert problem is not None
    assert reason in problem


# --------------------------------------------------------------------------- shifted


def test_shifted_moves_reminders_to_now_and_keeps_order():
    s = parse(
        toml(
            ELECTION,
            VOTING_STAGE,
            reminder("b", at="2024-11-27T06:00:00", expires="2024-11-27T06:30:00"),
            reminder("a", at="2024-11-20T08:00:00", expires="2024-11-25T08:00:00", deliver_by="2024-11-20T10:00:00"),
            reminder("w", at="2024-11-10T08:00:00", repeat_days="7", repeat_until="2024-11-17"),
        )
    )
    now = dt.datetime(2025, 3, 1, 10, 0, tzinfo=JKT)
    d = shifted(s, now)

    assert [r.id for r in d.reminders] == [r.id for r in s.reminders]
    assert d.reminders[0].at == now + dt.timedelta(seconds=20)
    assert [r.at - now for r in d.reminders] == [dt.timedelta(seconds=20 + 15 * i) for i in range(4)]
    assert all(r.at.tzinfo == JKT for r in d.reminders)
    a, b = d.reminder("a"), d.reminder("b")
    assert a.expires - a.at == dt.timedelta(days=5)
    assert a.deliver_by - a.at == dt.timedelta(hours=2)
    assert b.expires - b.at == dt.timedelta(hours=1) == b.deliver_by - b.at
    # first reminder was 2024-11-10, today is 2025-03-01: stages move by the same number of days
    assert d.voting_day() == dt.date(2024, 11, 27) + (dt.date(2025, 3, 1) - dt.date(2024, 11, 10))
    assert d.election == s.election
    assert d.source == s.source
    assert s.reminder("b").at == dt.datetime(2024, 11, 27, 6, tzinfo=JKT)  # original untouched


def test_public_names():
    assert sch.ROLES == ("asn", "kades", "pemilih")
    assert sch.PAGE_KEYS == ("netralitas_asn", "netralitas_kades", "netralitas_pemilih", "tps")
    assert MAX_TEXT == 4096


REAL_CONFIG = REPO / "config" / "pilkada2024.toml"


@pytest.mark.skipif(not REAL_CONFIG.exists(), reason="config/pilkada2024.toml not written yet")
def test_real_config_loads():
    s = load(REAL_CONFIG)
    assert s.reminders
    assert s.voting_day() is not None
