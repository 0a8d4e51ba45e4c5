"""[[faq]] entries in the schedule file: validated by entry and field, answers rendered by date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.schedule import loading
from bot.schedule.loading import parse
from bot.schedule.model import ScheduleError

HEAD = """\
[election]
name = "Pilkada"
region = "Kabupaten Contoh"
timezone = "Asia/Jakarta"
tps_open = "07:00"
tps_close = "13:00"

[facts]
[facts.libur]
from = 2024-11-21
text = " (hari libur)"
text_en = " (a holiday)"

[[stage]]
id = "pemungutan-suara"
name = "Pemungutan suara"
start = 2024-11-27

[[reminder]]
id = "tps"
at = 2024-11-27T06:00:00
roles = ["pemilih"]
text = "Ayo"
"""

FAQ = """
[[faq]]
id = "kapan"
questions = ["kapan pemungutan suara?", "kapan nyoblos"]
answer = "Pemungutan suara: <b>{pemungutan-suara}</b>{libur}."
questions_en = ["when is voting day?"]
answer_en = "Voting day: <b>{pemungutan-suara}</b>{libur}."
"""


def problems(text: str) -> list[str]:
    with pytest.raises(ScheduleError) as info:
        parse(text, "t.toml")
    return info.value.problems


def test_an_answer_names_the_stage_date_and_follows_dated_facts():
    [entry] = parse(HEAD + FAQ).faq
    assert entry.id == "kapan"
    assert entry.questions == ("kapan pemungutan suara?", "kapan nyoblos")
    assert entry.answer("id", dt.date(2024, 11, 1)) == "Pemungutan suara: <b>Rabu, 27 November 2024</b>."
    assert entry.answer("id", dt.date(2024, 11, 21)).endswith("2024</b> (hari libur).")
    assert entry.answer("en", dt.date(2024, 11, 22)) == "Voting day: <b>Wednesday, 27 November 2024</b> (a holiday)."
    moved = parse((HEAD + FAQ).replace("start = 2024-11-27", "start = 2024-12-04")).faq[0]
    assert "4 Desember 2024" in moved.answer("id", dt.date(2024, 11, 1))


def test_an_entry_without_english_answers_in_indonesian():
    text = HEAD + '[[faq]]\nid = "a"\nquestions = ["apa"]\nanswer = "Jawab"\n'
    [entry] = parse(text).faq
    assert entry.answer("en") == "Jawab"
    assert entry.phrasings("en") == ("apa",)


@pytest.mark.parametrize(
    ("faq", "expected"),
    [
        ('[[faq]]\nid = "a"\nanswer = "x"\n', 'faq "a": field "questions": missing'),
        ('[[faq]]\nid = "a"\nquestions = []\nanswer = "x"\n', 'faq "a": field "questions": expected a list'),
        ('[[faq]]\nid = "a"\nquestions = ["q"]\n', 'faq "a": field "answer": missing'),
        ('[[faq]]\nid = "a"\nquestions = ["q"]\nanswer = "<b>x"\n', 'faq "a": field "answer":'),
        ('[[faq]]\nid = "a"\nquestions = ["q"]\nanswer = "{tidak-ada}"\n', 'faq "a": field "answer":'),
        ('[[faq]]\nid = "a"\nquestions = ["q"]\nanswer = "x"\njawaban = "y"\n', 'faq "a": field "jawaban": unknown'),
        ('[[faq]]\nid = "A B"\nquestions = ["q"]\nanswer = "x"\n', 'faq "A B": field "id": invalid id'),
        ('[[faq]]\nid = "a"\nquestions = ["q"]\nanswer = "x"\n' * 2, 'faq "a": field "id": duplicate id (also faq #1)'),
    ],
)
def test_a_bad_entry_is_named_with_its_field(faq, expected):
    found = problems(HEAD + faq)
    assert any(expected in p for p in found), found


def test_the_office_phone_of_the_schedule_follows_the_contact_line_and_a_bad_one_is_refused():
    from bot.content import texts
    from bot.schedule import model as sched

    text = Path("config/pilkada2024.toml").read_text(encoding="utf-8")
    with_phone = text.replace('tps_close = "13:00"\n', 'tps_close = "13:00"\nphone = "0355 123456"\n', 1)
    schedule = loading.parse(with_phone)
    assert schedule.election.phone == "0355 123456"
    reply = texts.faq_not_found_text("id", schedule.fact("contact"), phone=schedule.election.phone)
    assert reply.splitlines()[-2:] == [f"Hubungi: {schedule.fact('contact')}", "Telepon/WhatsApp: 0355 123456"]
    assert "Telepon" not in texts.faq_not_found_text(
        "id", schedule.fact("contact"), phone=loading.load("config/pilkada2024.toml").election.phone
    )
    with pytest.raises(sched.ScheduleError) as info:
        loading.parse(with_phone.replace('"0355 123456"', '"call us"'))
    assert info.value.problems == [
        'election: field "phone": expected a phone number like "0355 123456" or "+62 812 3456 7890", got "call us"'
    ]
