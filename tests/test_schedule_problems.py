"""`check`'s problem lines: one cause instead of its follow-ons, "did you mean", an unclosed quote said
plainly, and the same lines in Indonesian for operators in Telegram."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from bot.content import operator_texts
from bot.schedule import loading
from bot.schedule import model as sched
from bot.schedule import problems as schedule_problems

ROLES = '\nroles = ["asn", "kades", "pemilih"]'  # the first reminder's, not the comment's
DEFAULT = (Path(__file__).resolve().parent.parent / "config" / "pilkada2024.toml").read_text(encoding="utf-8")


def problems_of(text: str) -> list[str]:
    with pytest.raises(sched.ScheduleError) as info:
        loading.parse(text)
    return info.value.problems


def test_voting_day_written_as_text_is_one_line_for_everything_dated_from_it():
    at = DEFAULT.index("start = 2024-11-27", DEFAULT.index('id = "pemungutan-suara"'))
    bad = DEFAULT[:at] + 'start = "2024-11-27"' + DEFAULT[at + len("start = 2024-11-27") :]
    assert problems_of(bad) == [
        'stage "pemungutan-suara": field "start": expected a date like 2024-11-27, got "2024-11-27" '
        "(118 fields that depend on it not checked)"
    ]


def test_a_stage_with_an_unreadable_date_is_reported_once_with_a_count_of_what_refers_to_it():
    bad = DEFAULT.replace("start = 2024-09-25\n", 'start = "2024-09-25x"\n', 1)
    assert problems_of(bad) == [
        'stage "kampanye": field "start": expected a date like 2024-11-27, got "2024-09-25x" '
        "(28 fields that depend on it not checked)"
    ]


def test_a_stage_id_typed_differently_is_one_line_naming_the_first_reference_and_the_closest_id():
    bad = DEFAULT.replace('id = "kampanye"\n', 'id = "kampanya"\n', 1)
    assert problems_of(bad) == [
        'stage "kampanye": no such stage, but 28 fields refer to it (the first: reminder "jelang-kampanye", '
        'field "at") (did you mean "kampanya"?)'
    ]


def test_an_unknown_fact_in_two_texts_stays_two_lines_it_is_no_stage():
    bad = DEFAULT.replace("{invitation_form}", "{undangan}")
    found = problems_of(bad)
    assert len(found) > 2
    assert all('no stage or fact "undangan"' in line for line in found)


def test_an_unclosed_quote_is_named_with_its_line():
    bad = DEFAULT.replace('name = "Pilkada Serentak 2024"', 'name = "Pilkada Serentak 2024', 1)
    line = DEFAULT[: DEFAULT.index('name = "Pilkada Serentak 2024"')].count("\n") + 1
    assert problems_of(bad) == [
        f'<string>: TOML syntax error at line {line}: unclosed quote: a "..." text must end on its own line '
        '(use """...""" for a text over several lines)'
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (ROLES, ROLES.replace('"pemilih"', '"pemilh"'), 'unknown role "pemilh" (did you mean "pemilih"?)'),
        ('stage = "kampanye"', 'stage = "kampanyee"', 'unknown stage "kampanyee" (did you mean "kampanye"?)'),
        (ROLES, ROLES + '\nareas = ["ngunutt"]', 'unknown area "ngunutt" (did you mean "ngunut"?)'),
    ],
)
def test_an_unknown_role_stage_or_area_gets_did_you_mean(old, new, expected):
    [line] = problems_of(DEFAULT.replace(old, new, 1))
    assert expected in line


def test_operators_read_the_common_problems_wholly_in_indonesian():
    lines = [
        'reminder "jelang-kampanye": field "roles": unknown role "pemilh" (did you mean "pemilih"?) (allowed: asn, '
        "kades, pemilih)",
        'stage "kampanye": no such stage, but 28 fields refer to it (the first: reminder "jelang-kampanye", field '
        '"at") (did you mean "kampanya"?)',
        '/etc/jadwal.toml: TOML syntax error at line 31: unclosed quote: a "..." text must end on its own line',
        'election: field "name": /jadwal would be 5,245 characters in Indonesian (Telegram\'s limit is 4,096)',
    ]
    assert [schedule_problems.in_language(line, "id") for line in lines] == [
        'pengingat "jelang-kampanye": kolom "roles": peran "pemilh" tidak dikenal; maksud Anda "pemilih"?',
        'tahapan "kampanye": tahapan ini tidak ada, padahal 28 kolom merujuknya (yang pertama: pengingat '
        '"jelang-kampanye", kolom "at"); maksud Anda "kampanya"?',
        "/etc/jadwal.toml: tanda kutip tidak ditutup di baris 31",
        'pemilihan: kolom "name": isinya tidak sah; rinciannya: python bot.py check',
    ]
    assert schedule_problems.in_language(lines[0], "en") == lines[0]


def test_the_reload_alert_is_in_one_language_the_operators():
    problems = ['reminder "a": field "roles": unknown role "pemilh" (did you mean "pemilih"?) (allowed: asn)']
    indonesian = html.unescape(operator_texts.reload_refused_text("/etc/jadwal.toml", problems, "id"))
    assert 'peran "pemilh" tidak dikenal; maksud Anda "pemilih"?' in indonesian
    assert not re.search(r"\b(field|unknown|reminder|expected)\b", indonesian), indonesian
    assert "unknown role" in operator_texts.reload_refused_text("/etc/jadwal.toml", problems, "en")


def test_a_stage_whose_end_refers_to_a_missing_stage_is_one_line_not_a_traceback():
    text = DEFAULT.replace('end = "pemungutan-suara:H-4"', 'end = "pemungutan-suaraa:H-4"', 1)
    assert text != DEFAULT
    [line] = problems_of(text)
    assert line.startswith('stage "pemungutan-suaraa": no such stage, but 29 fields refer to it (the first: stage ')
    assert line.endswith('"kampanye", field "end") (did you mean "pemungutan-suara"?)')
