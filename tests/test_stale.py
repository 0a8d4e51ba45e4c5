"""Nothing tied to the 27 November 2024 vote outlives it when the schedule file is reused.

The default file is copied with voting day moved two weeks (to 11 December 2024, as for a
postponement) and with every stage moved five years (the next election). `preview` of each copy, in
both languages, shows no 2024 holiday decree, no count or figure of that election, no timetable
regulation of it and no date of it; `check` names each fact and reminder the copy keeps from it.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path

import pytest

from bot.content import formats
from bot.schedule import loading
from bot.schedule.loading import parse
from bot.schedule.model import ScheduleError
from tests.test_cli import bot
from tests.test_facts import blocks
from tests.test_preview import DEFAULT, assert_no_old_date, moved_copy

FIVE_YEARS = dt.timedelta(days=1826)  # 27 Nov 2024 -> 27 Nov 2029

# What belongs to the 27 November 2024 vote only, as a reader would see it.
STALE = (
    "Keppres",
    "libur nasional",
    "national holiday",
    "866.030",
    "866,030",
    "1.630",
    "1,630",
    "271 desa",
    "271 villages",
    "empat pasangan calon",
    "four candidate pairs",
    "PKPU 2/2024",
    "Contoh dari Tulungagung",
    "example from Tulungagung",
    "4 Februari 2025",
    "4 February 2025",
)
# The facts of the default file with `date = 2024-11-27`.
ONE_VOTE_FACTS = {
    "hari_libur",
    "timetable_rule",
    "contoh_asn",
    "contoh_kades",
    "paslon_count",
    "tps_total",
    "dpt_total",
    "penetapan_tulungagung",
    "voting_rule",
    "closing_rule",
    "moving_rule",
    "results_rule",
}
# Laws and regulations still in force whatever the election's year (UU 3/2024 amends the Village Law).
STANDING_LAW = re.compile(r"\b(?:UU|PKPU|PP) \d+/20\d\d\b")


def shifted_copy(tmp_path: Path, days: dt.timedelta, name: str | None = None, extra: str = "") -> Path:
    """The default file with every [[stage]]'s written start/end moved by ``days`` (stages relative to
    another follow), optionally renamed, with ``extra`` TOML appended. Facts and reminders are left alone."""
    out, table = [], None
    for line in DEFAULT.read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith("["):
            table = line.strip()
        m = re.fullmatch(r"(start|end) = (\d{4}-\d\d-\d\d)\s*", line)
        if table == "[[stage]]" and m:
            line = f"{m[1]} = {(dt.date.fromisoformat(m[2]) + days).isoformat()}\n"
        out.append(line)
    text = "".join(out)
    if name is not None:
        text = text.replace('name = "Pilkada Serentak 2024"', f'name = "{name}"', 1)
    path = tmp_path / "shifted.toml"
    path.write_text(text + extra, encoding="utf-8")
    return path


def previews(path: Path) -> dict[str, dict[str, str]]:
    """{lang: {header: text}} of `preview PATH --lang LANG`."""
    out = {}
    for lang in formats.LANGS:
        result = bot("preview", str(path), "--lang", lang)
        assert result.returncode == 0, result.stderr
        out[lang] = blocks(result.stdout)
    return out


def warnings_of(path: Path) -> list[str]:
    result = bot("check", str(path), env={"BOT_CHANNEL_ID": "@nama_kanal"})
    assert result.returncode == 0, result.stderr
    return [line.removeprefix("warning: ") for line in result.stderr.splitlines()]


def fact_warnings(warnings: list[str]) -> set[str]:
    return {m[1] for w in warnings if (m := re.match(r'facts: field "([a-z_]+)": date 2024-11-27 is not', w))}


def assert_nothing_stale(body: str, where: str) -> None:
    for word in STALE:
        assert word.lower() not in body.lower(), f"{where} still shows {word!r}"


# --------------------------------------------------------------------------- the default file


def test_the_default_file_shows_the_facts_of_its_own_vote_and_warns_about_nothing():
    assert warnings_of(DEFAULT) == []
    p = previews(DEFAULT)
    everything = "\n".join(p["id"].values())
    for word in ("Keppres 33/2024", "866.030", "1.630 TPS", "empat pasangan calon", "PKPU 2/2024"):
        assert word in everything


# --------------------------------------------------------------------------- voting day moved two weeks


def test_a_voting_day_moved_two_weeks_inherits_no_holiday_count_or_figure(tmp_path):
    path = moved_copy(tmp_path, "2024-12-11")
    warnings = warnings_of(path)
    assert fact_warnings(warnings) == ONE_VOTE_FACTS
    assert len(warnings) == len(ONE_VOTE_FACTS)
    holiday = next(w for w in warnings if '"hari_libur"' in w)
    assert "2024-11-27 is not voting day 2024-12-11, so no text shows it" in holiday
    assert "its own decree" in holiday
    for lang, blocks_ in previews(path).items():
        for header, body in blocks_.items():
            assert_nothing_stale(body, f"preview {lang}: {header}")
            assert_no_old_date(body, f"preview {lang}: {header}")
        eve = next(b for h, b in blocks_.items() if h.startswith("malam-sebelum-pencoblosan"))
        assert eve.split("\n")[2].startswith(("Rabu, 11 Desember 2024:", "Wednesday, 11 December 2024:"))


# --------------------------------------------------------------------------- every stage five years later


def test_the_next_election_five_years_later_shows_nothing_of_2024(tmp_path):
    path = shifted_copy(tmp_path, FIVE_YEARS, name="Pilkada Serentak 2029")
    schedule = loading.load(path)
    assert schedule.voting_day() == dt.date(2029, 11, 27)
    first, last = min(s.start for s in schedule.stages), max(s.end for s in schedule.stages)
    assert all(first <= r.at.date() <= last for r in schedule.reminders)  # every reminder follows the stages
    weekly = [r for r in schedule.reminders if r.series == "netralitas-asn-mingguan"]
    assert len(weekly) == 8
    assert weekly[0].at == dt.datetime(2029, 10, 3, 9, 0, tzinfo=schedule.election.tz)

    warnings = warnings_of(path)
    assert fact_warnings(warnings) == ONE_VOTE_FACTS
    assert len(warnings) == len(ONE_VOTE_FACTS)
    for lang, blocks_ in previews(path).items():
        for header, body in blocks_.items():
            where = f"preview {lang}: {header}"
            assert_nothing_stale(body, where)
            dated = STANDING_LAW.sub("", body)
            assert "2024" not in dated, where
            assert "2025" not in dated, where
        assert any("2029" in body for body in blocks_.values())


def test_check_names_whatever_a_moved_schedule_leaves_behind(tmp_path):
    stale = """
        [facts.jumlah_lama]
        from = 2024-09-23
        text = " Ada empat pasangan calon."

        [[reminder]]
        id = "pengingat-lama"
        at = 2024-10-03T09:00:00
        expires = 2024-10-03T20:00:00
        roles = ["asn"]
        repeat_days = 7
        repeat_until = "kampanye:end"
        text = "Pengingat mingguan"

        [[reminder]]
        id = "sekali-lama"
        at = 2024-10-12T09:00:00
        roles = ["pemilih"]
        text = "Lapor"
    """
    # TOML tables cannot go back to [facts] after [[area]]: the stale fact goes into the facts section.
    path = shifted_copy(tmp_path, FIVE_YEARS)
    text = path.read_text(encoding="utf-8")
    fact, reminders = textwrap.dedent(stale).split("\n[[reminder]]", 1)
    text = text.replace("[facts.hari_libur]", fact.strip() + "\n\n[facts.hari_libur]", 1)
    path.write_text(text + "\n[[reminder]]" + reminders, encoding="utf-8")

    warnings = warnings_of(path)
    span = "the election's stages (2029-04-17 – 2030-02-06)"
    assert warnings[0] == (
        'election: field "name": names the year 2024, but the stages lie in 2029–2030: write this election\'s name'
    )
    assert fact_warnings(warnings) == ONE_VOTE_FACTS
    assert (
        f'facts: field "jumlah_lama": from 2024-09-23 lies outside {span}: write it relative to a stage '
        '(e.g. from = "penetapan-paslon"), or give the fact this election\'s date'
    ) in warnings
    weekly = [w for w in warnings if w.startswith('reminder "pengingat-lama"')]
    assert weekly == [
        f'reminder "pengingat-lama": 237 of its 269 occurrences lie outside {span}, the first on 2024-10-03: '
        'write "at" and "repeat_until" relative to a stage'
    ]
    assert (
        f'reminder "sekali-lama": field "at": 2024-10-12 lies outside {span}: write it relative to a stage '
        '(e.g. "kampanye:H+8 09:00")'
    ) in warnings
    assert len(warnings) == 1 + len(ONE_VOTE_FACTS) + 3


# --------------------------------------------------------------------------- the file format

HEAD = """
[election]
name = "Pilkada Uji"
region = "Kabupaten Uji"
timezone = "Asia/Jakarta"

[[stage]]
id = "penetapan-paslon"
name = "Penetapan pasangan calon"
start = 2024-09-22

[[stage]]
id = "pemungutan-suara"
name = "Pemungutan suara"
start = {voting}

[[reminder]]
id = "awal"
at = 2024-09-22T09:00:00
roles = ["pemilih"]
text = "{{pemungutan-suara}}{{libur}}{{jumlah}}"

[[reminder]]
id = "akhir"
at = "pemungutan-suara:H-1 09:00"
roles = ["pemilih"]
text = "{{pemungutan-suara}}{{libur}}{{jumlah}}"
"""

FACTS = """
[facts.libur]
date = 2024-11-27
from = 2024-11-21
text = " (libur)"

[facts.jumlah]
from = "penetapan-paslon:H+1"
text = " Ada empat pasangan."
"""


def uji(voting: str = "2024-11-27", facts: str = FACTS):
    return parse(textwrap.dedent(HEAD).format(voting=voting) + textwrap.dedent(facts), "uji.toml")


def test_a_holiday_shows_only_while_voting_day_is_its_date_and_from_its_decree():
    s = uji()
    assert s.reminder("awal").text == "Rabu, 27 November 2024"
    assert s.reminder("akhir").text == "Rabu, 27 November 2024 (libur) Ada empat pasangan."
    assert s.warnings == ()
    moved = uji("2024-12-11")
    assert moved.reminder("akhir").text == "Rabu, 11 Desember 2024 Ada empat pasangan."
    assert moved.warnings == (
        'facts: field "libur": date 2024-11-27 is not voting day 2024-12-11, so no text shows it; rewrite it for '
        "this voting day (a holiday needs its own decree) or remove it",
    )


def test_a_fact_from_a_stage_moves_with_the_stage():
    s = uji(facts=FACTS.replace('from = "penetapan-paslon:H+1"', 'from = "penetapan-paslon"'))
    assert s.reminder("awal").text == "Rabu, 27 November 2024 Ada empat pasangan."  # sent 22 Sep, from 22 Sep
    assert uji().reminder("awal").text == "Rabu, 27 November 2024"  # from 23 Sep: not yet
    earlier = textwrap.dedent(HEAD).replace("start = 2024-09-22", "start = 2024-09-15").format(voting="2024-11-27")
    assert parse(earlier + FACTS, "uji.toml").reminder("awal").text.endswith("Ada empat pasangan.")


@pytest.mark.parametrize(
    ("fact", "expected"),
    [
        ('from = "pendaftaran:H+1"', 'facts: field "jumlah": field "from": refers to stage "pendaftaran", whose dates'),
        ('from = "penetapan-paslon:X"', 'facts: field "jumlah": field "from": expected a date like 2024-11-27 or a'),
        ('date = "pemungutan-suara"', 'facts: field "jumlah": field "date": expected a date like 2024-11-27'),
    ],
)
def test_a_bad_date_of_a_fact_is_named(fact, expected):
    facts = FACTS.replace('from = "penetapan-paslon:H+1"', fact)
    with pytest.raises(ScheduleError) as info:
        uji(facts=facts)
    assert any(p.startswith(expected) for p in info.value.problems), info.value.problems
