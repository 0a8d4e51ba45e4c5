"""Source tags on posters: `poster --source balai-bangoan` puts the tag on the QR code's link, `--all-areas`
tags each poster with its kecamatan, a tag that would not fit is refused up front, and `check` refuses a
schedule whose ids leave no room for the bot's own tags (ajak, kanal, each kecamatan id)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.deep_links import split_source
from bot.schedule import loading
from bot.telegram.subscriber_areas import parse_start_link
from tests.cli_runner import bot
from tests.conftest import schedule_toml
from tests.test_poster import open_png, read_qr
from tests.test_tps_operators import schedule_text, write_csv
from tests.test_tps_subscribers import FAR

BOT = "kpu_tulungagung_bot"
DEFAULT = "config/pilkada2024.toml"
TWO_AREAS = '\n[[area]]\nid = "kedungwaru"\nname = "Kedungwaru"\n\n[[area]]\nid = "ngunut"\nname = "Ngunut"\n'
# 22 characters: with desa "bangoan" a desa's link leaves room for it as a tag, a TPS's ("-007") does not.
LONG_AREA = "kedungwaru-utara-timur"


def qr_link(path: Path) -> str:
    return read_qr(open_png(path.read_bytes())).text


def reads_back(link: str, schedule) -> tuple:
    """What the bot makes of the link: its head as /start parses it, and the tag."""
    head, tag = split_source(link.partition("?start=")[2])
    return parse_start_link(head, schedule), tag


def tps_files(tmp_path: Path) -> Path:
    """A schedule with the example TPS file; returns the schedule's path."""
    write_csv(tmp_path)
    path = tmp_path / "jadwal.toml"
    path.write_text(schedule_text(), encoding="utf-8")
    return path


def long_area_schedule(tmp_path: Path, with_tps: bool) -> Path:
    areas = f'\n[[area]]\nid = "{LONG_AREA}"\nname = "Kedungwaru Utara Timur"\ndesa = ["Bangoan"]\n'
    text = schedule_toml([FAR])
    if with_tps:
        (tmp_path / "tps.csv").write_text(f"Kecamatan;Desa;No TPS;Lokasi\n{LONG_AREA};Bangoan;7;Balai Desa\n")
        text = text.replace('timezone = "Asia/Jakarta"', 'timezone = "Asia/Jakarta"\ntps_file = "tps.csv"')
    path = tmp_path / "jadwal.toml"
    path.write_text(text + areas, encoding="utf-8")
    return path


# --- --source ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "start", "parsed"),
    [
        (["--role", "asn"], "asn_balai-bangoan", ("asn", None, None, False, None)),
        (
            ["--role", "pemilih", "--area", "kedungwaru"],
            "pemilih-kedungwaru_balai-bangoan",
            ("pemilih", "kedungwaru", None, False, None),
        ),
    ],
)
def test_source_tags_a_role_or_area_poster(tmp_path, args, start, parsed):
    out = tmp_path / "poster.png"
    result = bot("poster", *args, "--source", "balai-bangoan", "--out", out, "--username", BOT)
    assert result.returncode == 0, result.stderr
    link = f"https://t.me/{BOT}?start={start}"
    assert result.stdout == f"Wrote the A4 poster for {link} to {out}.\n"
    assert qr_link(out) == link
    assert reads_back(link, loading.load(DEFAULT)) == (parsed, "balai-bangoan")


def test_source_tags_a_tps_poster(tmp_path):
    schedule_file = tps_files(tmp_path)
    out = tmp_path / "tps.png"
    result = bot("poster", "--tps", "kedungwaru/bangoan/007", "--source", "balai-bangoan", "--out", out,
                 "--username", BOT, "--schedule", schedule_file)  # fmt: skip
    assert result.returncode == 0, result.stderr
    link = f"https://t.me/{BOT}?start=pemilih-kedungwaru-bangoan-007_balai-bangoan"
    assert result.stdout == f"Wrote the A4 poster of TPS 007 Bangoan, Kec. Kedungwaru for {link} to {out}.\n"
    assert qr_link(out) == link
    schedule = loading.load(str(schedule_file))
    assert reads_back(link, schedule) == (("pemilih", "kedungwaru", "bangoan", False, 7), "balai-bangoan")


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ("Balai-Bangoan", "--source: invalid source tag 'Balai-Bangoan': use a-z, 0-9 and - (e.g. balai-bangoan)"),
        ("balai_bangoan", "--source: invalid source tag 'balai_bangoan': use a-z, 0-9 and - (e.g. balai-bangoan)"),
        ("balai-", "--source: invalid source tag 'balai-': use a-z, 0-9 and - (e.g. balai-bangoan)"),
        (
            "x" * 42,
            f"--source: source tag '{'x' * 42}' is 42 characters; with the longest role and area ids of the "
            "schedule (22 characters) at most 41 fit Telegram's limit of 64",
        ),
    ],
)
def test_a_bad_or_too_long_tag_is_refused_before_telegram_is_asked(tmp_path, tag, message):
    out = tmp_path / "poster.png"
    # No --username and no token: a refusal later than the tag's would ask for one instead.
    result = bot("poster", "--role", "pemilih", "--area", "kedungwaru", "--source", tag, "--out", out)
    assert result.returncode == 2
    assert result.stderr == message + "\n"
    assert not out.exists()


def test_the_longest_tag_that_fits_is_accepted(tmp_path):
    out = tmp_path / "poster.png"
    tag = "x" * 41  # the default schedule's longest link ("pemilih-tanggunggunung") leaves 41 characters
    result = bot("poster", "--role", "kades", "--source", tag, "--out", out, "--username", BOT)
    assert result.returncode == 0, result.stderr
    assert qr_link(out) == f"https://t.me/{BOT}?start=kades_{tag}"


def test_a_tps_poster_refuses_a_tag_the_schedules_links_leave_no_room_for(tmp_path):
    schedule_file = tps_files(tmp_path)
    out = tmp_path / "tps.png"
    # The example file's longest TPS link is 35 characters, which leaves 28 for a tag (this TPS's own, 33).
    result = bot("poster", "--tps", "kedungwaru/bangoan/007", "--source", "x" * 29, "--out", out,
                 "--schedule", schedule_file)  # fmt: skip
    assert result.returncode == 2
    assert result.stderr == (
        f"--source: source tag '{'x' * 29}' is 29 characters; with the longest role and area ids of the schedule "
        "(35 characters) at most 28 fit Telegram's limit of 64\n"
    )
    assert not out.exists()


# --- --all-areas -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "tag"), [(None, "{}"), ("balai", "balai-{}")])
def test_all_areas_tags_each_poster_with_its_kecamatan(tmp_path, source, tag):
    schedule_file = tmp_path / "jadwal.toml"
    schedule_file.write_text(schedule_toml([FAR]) + TWO_AREAS, encoding="utf-8")
    folder = tmp_path / "posters"
    folder.mkdir()
    extra = ["--source", source] if source else []
    result = bot("poster", "--all-areas", "--role", "pemilih", *extra, "--out", folder, "--username", BOT,
                 "--schedule", schedule_file)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"Wrote 2 A4 posters (2 kecamatan x 1 roles) to {folder}; each link carries the source tag "
        f"{tag.format('<kecamatan id>')}.\n"
    )
    schedule = loading.load(str(schedule_file))
    for area in ("kedungwaru", "ngunut"):
        link = qr_link(folder / f"pemilih-{area}.png")
        assert link == f"https://t.me/{BOT}?start=pemilih-{area}_{tag.format(area)}"
        assert reads_back(link, schedule) == (("pemilih", area, None, False, None), tag.format(area))


def test_all_areas_refuses_up_front_when_a_kecamatans_tag_would_not_fit(tmp_path):
    folder = tmp_path / "posters"
    folder.mkdir()
    # The default schedule leaves 41 characters; "x" * 27 + "-tanggunggunung" is 42; the 18 others fit.
    result = bot("poster", "--all-areas", "--source", "x" * 27, "--out", folder)
    assert result.returncode == 2
    assert result.stderr == (
        f"--all-areas: source tag '{'x' * 27}-tanggunggunung' is 42 characters; with the longest role and area ids "
        "of the schedule (22 characters) at most 41 fit Telegram's limit of 64\n"
    )
    result = bot("poster", "--all-areas", "--source", "x" * 30, "--out", folder)
    assert result.returncode == 2
    assert result.stderr.endswith("at most 41 fit Telegram's limit of 64 (the tags of 5 kecamatan do not fit)\n")
    assert list(folder.iterdir()) == []


# --- check -------------------------------------------------------------------------------------------------


def test_check_refuses_a_schedule_whose_ids_leave_no_room_for_a_kecamatans_tag(tmp_path):
    result = bot("check", long_area_schedule(tmp_path, with_tps=False))
    assert result.returncode == 0, result.stderr  # a desa's link leaves room for the kecamatan's id ...

    result = bot("check", long_area_schedule(tmp_path, with_tps=True))  # ... a TPS's link does not
    assert result.returncode == 2
    summary, tps_line = result.stdout.splitlines()
    assert summary.endswith("2 stages, 1 reminder (2041-01-01 – 2041-01-01)")
    assert tps_line == "TPS file: 1 TPS in 1 kecamatan, 0 with coordinates"
    problems = [line for line in result.stderr.splitlines() if not line.startswith("warning: ")]
    assert problems == [
        f"area \"{LONG_AREA}\": its posters' tag (poster --all-areas): source tag '{LONG_AREA}' is 22 characters; "
        "with the longest role and area ids of the schedule (42 characters) at most 21 fit Telegram's limit of 64: "
        "shorten the longest kecamatan, desa or TPS ids"
    ]


def test_check_refuses_a_schedule_whose_links_leave_no_room_for_any_tag(tmp_path):
    # "pemilih-tulungagung-<43 characters>-001" is 67 characters: over Telegram's limit without any tag.
    desa = "Sumberejo Kulon Wetan Tengah Lor Kidul Baru"
    write_csv(tmp_path, f"Kecamatan;Desa;No TPS;Lokasi\nTulungagung;{desa};1;Balai Desa\n")
    path = tmp_path / "jadwal.toml"
    path.write_text(schedule_text(), encoding="utf-8")
    result = bot("check", path)
    assert result.returncode == 2
    problems = [line for line in result.stderr.splitlines() if not line.startswith("warning: ")]
    assert problems == [
        "links: the longest role and area ids of the schedule make start parameters of 67 characters, leaving 0 of "
        "Telegram's limit of 64 for the bot's source tags (ajak, kanal, each kecamatan id): shorten the longest "
        "kecamatan, desa or TPS ids"
    ]


def test_the_default_schedule_leaves_room_for_every_tag():
    result = bot("check", DEFAULT)
    assert result.returncode == 0, result.stderr
    assert all(line.startswith("warning: ") for line in result.stderr.splitlines()), result.stderr
