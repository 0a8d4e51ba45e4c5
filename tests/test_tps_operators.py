"""The operators' side of each voter's TPS: `stats` and /statistik count who gave a TPS per kecamatan,
list the TPS nobody gave (capped for a phone) and coverage per TPS; `export` writes a `tps` table;
`poster --tps` prints a poster whose code saves the voter's TPS. Without a TPS file nothing changes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from PIL import ImageDraw

from bot.content import pages, tps_reports
from bot.content.telegram_html import MAX_TEXT
from bot.ops import poster
from bot.schedule import loading
from bot.store import Store
from bot.telegram.subscriber_areas import parse_start_link
from tests.cli_runner import bot
from tests.conftest import schedule_toml
from tests.e2e import Harness
from tests.test_export import read_csv
from tests.test_poster import open_png, read_qr
from tests.test_tps_subscribers import FAR

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "config" / "examples" / "tps-contoh.csv"
BOT = "kpu_tulungagung_bot"
OP = 7001
AREAS = """
[[area]]
id = "kedungwaru"
name = "Kedungwaru"

[[area]]
id = "tulungagung"
name = "Tulungagung"

[[area]]
id = "ngunut"
name = "Ngunut"
"""
# Distinctive chat ids, so that a leak into an output is easy to spot: (kecamatan, desa, TPS number).
PEOPLE = {
    987650001: ("kedungwaru", "bangoan", 7),
    987650002: ("kedungwaru", "bangoan", 7),
    987650003: ("kedungwaru", "bangoan", 1),
    987650004: ("kedungwaru", "ketanon", 2),
    987650005: ("tulungagung", "kenayan", 1),
    987650006: ("kedungwaru", "bangoan", None),  # a desa, no TPS
    987650007: ("ngunut", None, None),
}
STOPPED = 987650099  # gave TPS 002 Bangoan, then stopped: not counted


def schedule_text(tps_file: str | None = "tps.csv") -> str:
    text = schedule_toml([FAR]) + AREAS
    if tps_file is None:
        return text
    return text.replace('timezone = "Asia/Jakarta"', f'timezone = "Asia/Jakarta"\ntps_file = "{tps_file}"')


def tps_schedule(tmp_path: Path, csv: str | None = None):
    """The schedule with the example TPS file (or ``csv``), parsed as the bot loads it."""
    write_csv(tmp_path, csv)
    return loading.parse(schedule_text(), str(tmp_path / "jadwal.toml"), str(tmp_path))


def write_csv(tmp_path: Path, csv: str | None = None) -> None:
    if csv is None:
        shutil.copy(EXAMPLE, tmp_path / "tps.csv")
    else:
        (tmp_path / "tps.csv").write_text(csv, encoding="utf-8")


def fill(store: Store) -> None:
    for chat_id, (area, desa, number) in PEOPLE.items():
        store.subscribe(chat_id, "pemilih")
        store.set_area(chat_id, area, desa)
        if number is not None:
            store.set_tps(chat_id, number)
    store.subscribe(STOPPED, "pemilih")
    store.set_area(STOPPED, "kedungwaru", "bangoan")
    store.set_tps(STOPPED, 2)
    store.set_status(STOPPED, "stopped")


@pytest.fixture
def files(tmp_path) -> tuple[str, str, str]:
    """(database, schedule with the example TPS file, the same schedule without it)."""
    db = tmp_path / "bot.db"
    store = Store(str(db))
    fill(store)
    store.close()
    write_csv(tmp_path)
    (tmp_path / "jadwal.toml").write_text(schedule_text(), encoding="utf-8")
    (tmp_path / "tanpa-tps.toml").write_text(schedule_text(None), encoding="utf-8")
    return str(db), str(tmp_path / "jadwal.toml"), str(tmp_path / "tanpa-tps.toml")


def no_chat_ids(text: str) -> None:
    assert not re.search(r"98765\d{4}", text), text


# --- the figures -------------------------------------------------------------------------------------------


def test_figures_per_kecamatan_unreached_tps_and_ranking(tmp_path):
    schedule = tps_schedule(tmp_path)
    store = Store(":memory:")
    fill(store)
    counts = store.tps_counts()
    rows = tps_reports.tps_figures(schedule, counts)
    assert len(rows) == 20
    seven = next(r for r in rows if r["key"] == "kedungwaru/bangoan/007")
    assert (seven["count"], seven["voters"], seven["desa_name"]) == (2, 298, "Bangoan")
    assert seven["coverage"] == pytest.approx(200 / 298)
    areas = tps_reports.area_figures(schedule, rows, counts)
    assert [(a["name"], a["tps"], a["reached"], a["count"]) for a in areas] == [
        ("Kedungwaru", 12, 3, 4),
        ("Tulungagung", 8, 1, 1),
    ]  # Ngunut has no TPS and nobody gave one there: no line
    kedungwaru = areas[0]
    assert kedungwaru["voters"] == sum(r["voters"] for r in rows if r["area"] == "kedungwaru")
    assert kedungwaru["coverage"] == pytest.approx(100 * 4 / kedungwaru["voters"])
    unreached = tps_reports.unreached(rows)
    assert [[r["number"] for r in g] for g in unreached][:2] == [[2, 3], [1, 3, 4]]
    assert sum(len(g) for g in unreached) == 16
    highest, lowest = tps_reports.ranked(rows)
    assert [r["key"] for r in highest] == [
        "kedungwaru/bangoan/007",
        "kedungwaru/bangoan/001",
        "tulungagung/kenayan/001",
    ]
    assert [r["key"] for r in lowest] == ["kedungwaru/ketanon/002"]


def big_csv(kecamatan: int = 19, desa: int = 15, tps: int = 25) -> tuple[str, str]:
    """A regency-sized TPS file (19 kecamatan × 15 desa × 25 TPS) and its [[area]] list."""
    lines = ["Kecamatan;Desa/Kelurahan;No TPS;Lokasi;DPT"]
    areas = []
    for k in range(kecamatan):
        areas.append(f'\n[[area]]\nid = "kecamatan-panjang-{k}"\nname = "Kecamatan Panjang Sekali {k}"\n')
        for d in range(desa):
            for n in range(1, tps + 1):
                lines.append(f"Kecamatan Panjang Sekali {k};Desa Bernama Panjang {d};{n};Balai Dusun {n};300")
    return "\n".join(lines) + "\n", "".join(areas)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_regency_of_tps_stays_short_in_statistik(tmp_path, lang):
    csv, areas = big_csv()
    (tmp_path / "tps.csv").write_text(csv, encoding="utf-8")
    text = schedule_text().replace(AREAS, areas)
    schedule = loading.parse(text, str(tmp_path / "jadwal.toml"), str(tmp_path))
    assert len(schedule.tps) == 19 * 15 * 25
    counts = {t.key: 1 for t in schedule.tps if t.number == 1}  # every desa has 24 TPS nobody gave
    lines = tps_reports.stats_lines(schedule, counts, lang)
    section = "\n".join(lines)
    assert pages.visible(section) < MAX_TEXT
    unreached = [line for line in lines if line.startswith("Bernama Panjang ")]  # "Desa " is dropped
    assert len(unreached) == tps_reports.DESA_SHOWN
    more = "+14 lainnya" if lang == "id" else "+14 more"
    assert unreached[0] == f"Bernama Panjang 0 (Kecamatan Panjang Sekali 0): TPS {NUMBERS} {more}"
    # The desa not shown: (19 × 15 - 15) × 24 TPS.
    assert ("… dan 6.480 TPS lainnya" if lang == "id" else "… and 6,480 more TPS") in section
    # Beside the rest of /statistik (19 kecamatan) it is a message of its own, not cut inside.
    stats = "\n".join(["<b>Statistik</b>", *(f"Kecamatan {k}: <b>1.000</b> (1 · 2 · 3), 0,1%" for k in range(19))])
    assert tps_reports.stats_messages(stats, lines) == [stats, section]
    assert tps_reports.stats_messages("<b>Statistik</b>", lines[:3]) == ["<b>Statistik</b>\n\n" + "\n".join(lines[:3])]


NUMBERS = ", ".join(f"{n:03d}" for n in range(2, 12))


# --- stats -------------------------------------------------------------------------------------------------


def test_stats_lists_tps_per_kecamatan_unreached_and_every_tps(files):
    db, with_tps, _ = files
    result = bot("stats", "--database", db, "--schedule", with_tps)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    no_chat_ids(out)
    lines = [line.split() for line in out.splitlines()]
    assert ["kecamatan", "TPS", "with", "subscribers", "gave", "a", "TPS", "DPT", "coverage"] in lines
    assert ["Kedungwaru", "12", "3", "4", "5,105", "0.1%"] in lines
    assert ["Tulungagung", "8", "1", "1", "3,004", "<0.1%"] in lines
    assert ["total", "20", "4", "5", "8,109", "0.1%"] in lines
    assert "TPS without any subscriber: 16 of 20" in out
    assert "Bangoan (Kedungwaru): TPS 002, 003\n" in out  # the stopped subscriber does not count
    assert "Kepatihan (Tulungagung): TPS 001, 002, 003, 004\n" in out
    assert ["kedungwaru/bangoan/007", "Balai", "Dusun", "Krajan,", "RT", "02", "RW", "01", "298", "2", "0.7%"] in lines
    assert ["tulungagung/kenayan/004", "Gedung", "Serbaguna", "RT", "02", "RW", "05", "512", "0", "0.0%"] in lines


def test_stats_without_a_tps_file_is_as_before(files):
    db, with_tps, without_tps = files
    before = bot("stats", "--database", db, "--schedule", without_tps)
    assert before.returncode == 0, before.stderr
    assert "TPS" not in before.stdout
    after = bot("stats", "--database", db, "--schedule", with_tps)
    # The TPS tables come after the per-kecamatan table (the last part here): everything else is the same.
    assert after.stdout[: after.stdout.index("\n\nActive subscribers who gave their TPS")] + "\n" == before.stdout


# --- /statistik --------------------------------------------------------------------------------------------


async def test_statistik_shows_the_tps_part_to_operators(tmp_path):
    schedule = tps_schedule(tmp_path)
    async with Harness(tmp_path, schedule, admin_ids=[OP]) as h:
        fill(h.store)
        text, photo = await h.say(OP, "/statistik", n=2)
        answer = text["text"]
        no_chat_ids(answer)
        assert len(answer) <= MAX_TEXT
        section = answer[answer.index("<b>TPS</b>") :]
        assert section.startswith(
            "<b>TPS</b>: pelanggan aktif yang memberi nomor TPS · TPS yang punya pelanggan, cakupan DPT TPS itu\n"
            "Kedungwaru: <b>4</b> · 3/12 TPS, 0,1%\n"
            "Tulungagung: <b>1</b> · 1/8 TPS, &lt;0,1%\n"
            "Jumlah: <b>5</b> · 4/20 TPS\n\n"
            "<b>TPS tanpa pelanggan</b>: 16 dari 20 (tempat yang baik untuk poster)\n"
            "Bangoan (Kedungwaru): TPS 002, 003\n"
            "Ketanon (Kedungwaru): TPS 001, 003, 004\n"
        )
        assert "Poster untuk satu TPS: <code>python bot.py poster --tps kedungwaru/bangoan/002</code>" in section
        assert "Tertinggi:\nTPS 007 Bangoan (Kedungwaru): <b>0,7%</b> (2/298)\n" in section
        assert "Terendah (yang punya pelanggan):\nTPS 002 Ketanon (Kedungwaru): <b>0,2%</b> (1/476)" in section
        assert photo["photo"]["data"][:8] == b"\x89PNG\r\n\x1a\n"

        [text, _photo] = await h.say(OP, "/statistik", n=2, language_code="en")
        english = text["text"]
        assert "Kedungwaru: <b>4</b> · 3/12 TPS, 0.1%\n" in english
        assert "<b>TPS without any subscriber</b>: 16 of 20 (good places for a poster)" in english
        assert "Highest:\nTPS 007 Bangoan (Kedungwaru): <b>0.7%</b> (2/298)" in english


async def test_statistik_without_a_tps_file_has_no_tps_part(tmp_path):
    schedule = loading.parse(schedule_text(None))
    async with Harness(tmp_path, schedule, admin_ids=[OP]) as h:
        fill(h.store)
        text, _photo = await h.say(OP, "/statistik", n=2)
        assert "TPS" not in text["text"]


# --- export ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_export_writes_a_tps_table_of_counts(files, tmp_path, lang):
    db, with_tps, _ = files
    out = tmp_path / "angka"
    result = bot("export", "--out", str(out), "--database", db, "--schedule", with_tps, "--lang", lang)
    assert result.returncode == 0, result.stderr
    assert "tps.csv (20)" in result.stdout
    rows = read_csv(out / "tps.csv")
    assert len(rows) == 20
    keys = ["ID TPS", "ID kecamatan", "Kecamatan", "ID desa", "Desa/Kelurahan", "No TPS", "Lokasi", "DPT"]
    keys += ["Pelanggan aktif", "Cakupan (% DPT)"]
    if lang == "en":
        keys = ["TPS id", "Kecamatan id", "Kecamatan", "Desa id", "Desa/kelurahan", "TPS number", "Location"]
        keys += ["Voters (DPT)", "Active subscribers", "Coverage (% of DPT)"]
    assert list(rows[3]) == keys
    assert list(rows[3].values()) == [
        "kedungwaru/bangoan/007", "kedungwaru", "Kedungwaru", "bangoan", "Bangoan", "7",
        "Balai Dusun Krajan, RT 02 RW 01", "298", "2", "0,67",
    ]  # fmt: skip
    assert list(rows[1].values())[-2:] == ["0", "0,00"]  # TPS 002: the stopped subscriber does not count
    for path in out.iterdir():
        no_chat_ids(path.read_text(encoding="utf-8-sig"))


def test_export_without_a_tps_file_writes_no_tps_table(files, tmp_path):
    db, _, without_tps = files
    out = tmp_path / "angka"
    result = bot("export", "--out", str(out), "--database", db, "--schedule", without_tps)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Wrote 8 CSV files")
    assert not (out / "tps.csv").exists()


# --- poster --tps ------------------------------------------------------------------------------------------


def test_poster_for_one_tps_names_it_and_its_code_saves_the_tps(files, tmp_path, monkeypatch):
    _, with_tps, _ = files
    out = tmp_path / "tps.png"
    result = bot("poster", "--tps", "kedungwaru/bangoan/007", "--out", str(out), "--username", BOT,
                 "--schedule", with_tps)  # fmt: skip
    assert result.returncode == 0, result.stderr
    link = f"https://t.me/{BOT}?start=pemilih-kedungwaru-bangoan-007"
    assert result.stdout == f"Wrote the A4 poster of TPS 007 Bangoan, Kec. Kedungwaru for {link} to {out}.\n"
    assert read_qr(open_png(out.read_bytes())).text == link
    schedule = tps_schedule(tmp_path)
    assert parse_start_link(link.partition("=")[2], schedule) == ("pemilih", "kedungwaru", "bangoan", False, 7)

    drawn: list[str] = []
    real = ImageDraw.ImageDraw.text

    def text(self, xy, value, *args, **kwargs):
        drawn.append(value)
        return real(self, xy, value, *args, **kwargs)

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", text)
    tps = schedule.tps_of("kedungwaru", "bangoan", 7)
    poster.poster_png(BOT, "pemilih", area=schedule.area("kedungwaru"), tps=tps, dpi=150)
    assert "TPS 007 Bangoan, Kec. Kedungwaru" in drawn
    assert "Balai Dusun Krajan, RT 02 RW 01" in drawn
    assert link in drawn


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("kedungwaru/bangoan/099", "--tps: no TPS 099 in Bangoan, Kedungwaru (the file lists 001, 002, 003, 007)"),
        ("kedungwaru/bangon/7", '--tps: unknown desa "bangon" in area "kedungwaru" (did you mean "bangoan"?)'),
        ("kedungwru/bangoan/7", '--tps: unknown area "kedungwru" (did you mean "kedungwaru"?)'),
        ("kedungwaru-bangoan-007", "--tps: expected KECAMATAN/DESA/NUMBER like kedungwaru/bangoan/001, got"),
        ("kedungwaru/bangoan/1000", "--tps: expected KECAMATAN/DESA/NUMBER like kedungwaru/bangoan/001, got"),
        ("ngunut/sumberdadi/1", '--tps: unknown desa "sumberdadi": area "ngunut" lists no desa'),
    ],
)
def test_poster_refuses_a_tps_the_file_does_not_list(files, tmp_path, value, message):
    _, with_tps, _ = files
    out = tmp_path / "x.png"
    result = bot("poster", "--tps", value, "--out", str(out), "--username", BOT, "--schedule", with_tps)
    assert result.returncode == 2
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert not out.exists()


def test_poster_refuses_without_a_tps_file_and_with_other_choices(files, tmp_path):
    _, with_tps, without_tps = files
    out = tmp_path / "x.png"
    for args, message in [
        (["--schedule", without_tps], f"--tps: the schedule {without_tps} has no TPS file"),
        (["--schedule", with_tps, "--role", "asn"], "--tps: a TPS poster subscribes voters (pemilih), not --role asn"),
        (["--schedule", with_tps, "--area", "kedungwaru"], "--tps names its kecamatan and desa"),
        (["--schedule", with_tps, "--all-areas"], "--tps names its kecamatan and desa"),
    ]:
        result = bot("poster", "--tps", "kedungwaru/bangoan/007", "--out", str(out), "--username", BOT, *args)
        assert result.returncode == 2, args
        assert result.stderr.startswith(message), result.stderr
        assert result.stderr.count("\n") == 1
    assert not out.exists()


def test_poster_refuses_a_link_over_telegrams_64_characters(tmp_path):
    # 11 + 43 characters of ids fit a button, but "pemilih-tulungagung-<desa>-001" is 67 characters.
    desa = "Sumberejo Kulon Wetan Tengah Lor Kidul Baru"
    write_csv(tmp_path, f"Kecamatan;Desa;No TPS;Lokasi\nTulungagung;{desa};1;Balai Desa\n")
    schedule_file = tmp_path / "jadwal.toml"
    schedule_file.write_text(schedule_text(), encoding="utf-8")
    out = tmp_path / "x.png"
    key = "tulungagung/sumberejo-kulon-wetan-tengah-lor-kidul-baru/001"
    # No --username and no token: refused before the bot's username is asked from Telegram.
    result = bot("poster", "--tps", key, "--out", str(out), "--schedule", str(schedule_file))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "is 67 characters, over Telegram's limit of 64" in result.stderr
    assert not out.exists()


def test_a_coverage_under_a_tenth_of_a_percent_is_html_telegram_accepts():
    from bot.content import operator_texts, telegram_html

    tiny = {"id": "kedungwaru", "name": "Kedungwaru", "count": 20, "roles": {"pemilih": 20}, "coverage": 0.03}
    lines = operator_texts.area_stats_lines([tiny], ["pemilih"], "id")
    assert lines[-1].endswith(", &lt;0,1%")
    assert telegram_html.check("\n".join(lines)) is None
