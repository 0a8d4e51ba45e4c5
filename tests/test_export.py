"""`export`: one CSV file per table that Excel, LibreOffice and Google Sheets open as they are:
a UTF-8 byte order mark, ';' between columns (decimal comma) unless told otherwise, headers in
Indonesian or English, kecamatan names beside their ids, and counts only."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pytest

from bot.content import reports
from bot.ops import export
from bot.store import Store
from tests.test_areas_reports import area_schedule, database_and_schedule, fill
from tests.test_cli import bot

ID_FILES = [
    "peran.csv",
    "siaran.csv",
    "kecamatan.csv",
    "tombol_memilih.csv",
    "tombol_memilih_per_peran.csv",
    "tombol_memilih_per_kecamatan.csv",
    "sumber.csv",
    "sumber_per_minggu.csv",
]
EN_FILES = ["roles.csv", "broadcasts.csv", "areas.csv", "pledges.csv", "pledges_per_role.csv", "pledges_per_area.csv"]
EN_FILES += ["sources.csv", "sources_per_week.csv"]
OPERATOR, OPERATOR_NAME = 55501, "Siti"


def read_csv(path: Path, sep: str = ";") -> list[dict]:
    """A file as a spreadsheet opens it: it must start with the byte order mark; rows by header."""
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF8), path.name
    return list(csv.DictReader(io.StringIO(data[len(codecs.BOM_UTF8) :].decode("utf-8"), newline=""), delimiter=sep))


def table(key: str) -> export.Table:
    return next(t for t in export.TABLES if t.key == key)


# -- the writer ---------------------------------------------------------------------------------


def test_a_file_starts_with_the_bom_and_separates_with_semicolons_and_decimal_commas():
    rows = [
        {"area": "kedungwaru", "area_name": "Kedungwaru", "pemilih": 5, "active": 7, "voters": 200, "coverage": 3.5}
    ]
    data = export.csv_bytes(table("areas"), rows)
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "ID kecamatan;Kecamatan;ASN;Kepala Desa;Pemilih;Aktif;DPT;Cakupan (% DPT)"
    assert lines[1] == "kedungwaru;Kedungwaru;;;5;7;200;3,50"


@pytest.mark.parametrize(
    ("sep", "line"),
    [(",", "kedungwaru,Kedungwaru,1,0,5,7,200,3.50"), ("\t", "kedungwaru\tKedungwaru\t1\t0\t5\t7\t200\t3.50")],
)
def test_a_comma_or_a_tab_separates_with_decimal_points(sep, line):
    rows = [
        {
            "area": "kedungwaru",
            "area_name": "Kedungwaru",
            "asn": 1,
            "kades": 0,
            "pemilih": 5,
            "active": 7,
            "voters": 200,
            "coverage": 3.5,
        }
    ]
    data = export.csv_bytes(table("areas"), rows, "en", sep)
    assert data.startswith(codecs.BOM_UTF8)
    header, first = data.decode("utf-8-sig").split("\r\n")[:2]
    assert header == sep.join(
        [
            "Kecamatan id",
            "Kecamatan",
            "ASN",
            "Village head / official",
            "Voter",
            "Active",
            "Voters (DPT)",
            "Coverage (% of DPT)",
        ]
    )
    assert first == line


def test_headers_are_indonesian_by_default_and_english_on_request():
    assert table("broadcasts").header()[:5] == ["ID", "Jenis", "Judul", "Peran", "Wilayah"]
    assert table("broadcasts").header("en")[:5] == ["ID", "Kind", "Title", "Roles", "Areas"]
    assert [t.file_name() for t in export.TABLES] == ID_FILES
    assert [t.file_name("en") for t in export.TABLES] == EN_FILES
    for t in export.TABLES:  # every column named in both languages, none left blank
        assert all(c.id and c.en for c in t.columns), t.key


def test_a_text_with_the_separator_is_quoted_and_one_that_starts_like_a_formula_is_not_a_formula():
    rows = [{"id": "siaran:1", "title": "Rapat; TPS 12"}, {"id": "siaran:2", "title": "=HYPERLINK(1)"}]
    lines = export.csv_bytes(table("broadcasts"), rows).decode("utf-8-sig").split("\r\n")
    assert lines[1].startswith('siaran:1;;"Rapat; TPS 12";')
    assert lines[2].startswith("siaran:2;;'=HYPERLINK(1);")
    assert [r["Judul"] for r in csv.DictReader(lines, delimiter=";")] == ["Rapat; TPS 12", "'=HYPERLINK(1)"]


def test_kecamatan_names_stand_beside_their_ids(tmp_path):
    store = Store(str(tmp_path / "bot.db"))
    try:
        fill(store)
        tables = reports.export_tables(store, area_schedule())
        english = reports.export_tables(store, area_schedule(), "en")
    finally:
        store.close()
    areas = [(r["area"], r["area_name"], r["active"]) for r in tables["areas"]]
    assert areas == [
        ("kedungwaru", "Kedungwaru", 7),
        ("ngunut", "Ngunut", 2),
        ("besuki", "Besuki", 1),
        ("", "(tanpa wilayah)", 2),
    ]
    assert english["areas"][-1]["area_name"] == "(no area)"
    lines = export.csv_bytes(table("areas"), tables["areas"]).decode("utf-8-sig").split("\r\n")
    assert lines[1] == "kedungwaru;Kedungwaru;1;1;5;7;200;3,50"
    assert lines[2] == "ngunut;Ngunut;1;0;1;2;;"  # no DPT given: no coverage


# -- the command line ---------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path):
    """The area database and schedule, with an ad-hoc broadcast to Kedungwaru sent by a named operator."""

    def filled(store: Store) -> None:
        fill(store)
        broadcast_id = store.create_adhoc(
            text="<b>TPS 12 pindah</b>\nke balai desa", roles=["pemilih"], ttl=3600, areas=["kedungwaru"]
        )
        store.enqueue(broadcast_id)
        draft = store.create_draft(OPERATOR)
        store.update_draft(draft, broadcast_id=broadcast_id)
        store.remember_operator_name(OPERATOR, OPERATOR_NAME)

    return database_and_schedule(tmp_path, filled)


def test_export_writes_one_file_per_table_into_a_folder_it_makes(files, tmp_path):
    db, schedule = files
    out = tmp_path / "hasil" / "2024"
    result = bot("export", "--out", str(out), "--database", db, "--schedule", schedule)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(ID_FILES)
    assert "Wrote 8 CSV files" in result.stdout
    assert "kecamatan.csv (4)" in result.stdout
    peran = {r["Peran"]: r for r in read_csv(out / "peran.csv")}
    assert (peran["pemilih"]["Nama peran"], peran["pemilih"]["Aktif"], peran["pemilih"]["Berhenti"]) == (
        "Pemilih",
        "8",
        "1",
    )
    [siaran] = read_csv(out / "siaran.csv")
    assert (siaran["Jenis"], siaran["Judul"], siaran["Wilayah"], siaran["Penerima"]) == (
        "Siaran",
        "TPS 12 pindah",
        "Kedungwaru",
        "5",
    )
    assert siaran["Tuntas (%)"] == "0,00"
    kecamatan = read_csv(out / "kecamatan.csv")
    assert [(r["ID kecamatan"], r["Kecamatan"], r["Cakupan (% DPT)"]) for r in kecamatan] == [
        ("kedungwaru", "Kedungwaru", "3,50"),
        ("ngunut", "Ngunut", ""),
        ("besuki", "Besuki", "0,10"),
        ("", "(tanpa wilayah)", ""),
    ]
    everything = b"".join(p.read_bytes() for p in out.iterdir())
    assert b"98765" not in everything  # every chat id here starts with it
    assert str(OPERATOR).encode() not in everything
    assert OPERATOR_NAME.encode() not in everything


def test_export_in_english_with_commas(files, tmp_path):
    db, schedule = files
    out = tmp_path / "figures"
    result = bot("export", "--out", str(out), "--lang", "en", "--sep", ",", "--database", db, "--schedule", schedule)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(EN_FILES)
    areas = read_csv(out / "areas.csv", ",")
    assert (areas[0]["Kecamatan id"], areas[0]["Kecamatan"], areas[0]["Coverage (% of DPT)"]) == (
        "kedungwaru",
        "Kedungwaru",
        "3.50",
    )
    [b] = read_csv(out / "broadcasts.csv", ",")
    assert (b["Kind"], b["Title"], b["Areas"], b["Done (%)"]) == ("Broadcast", "TPS 12 pindah", "Kedungwaru", "0.00")
    tabbed = tmp_path / "tab"
    assert bot("export", "--out", str(tabbed), "--sep", "tab", "--database", db, "--schedule", schedule).returncode == 0
    assert read_csv(tabbed / "kecamatan.csv", "\t")[0]["Cakupan (% DPT)"] == "3.50"


def test_export_refuses_a_file_or_a_csv_name_in_one_line_and_writes_nothing(files, tmp_path):
    db, schedule = files
    existing = tmp_path / "angka.txt"
    existing.write_text("lama", encoding="utf-8")
    result = bot("export", "--out", str(existing), "--database", db, "--schedule", schedule)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "is a file; give a folder" in result.stderr
    assert existing.read_text(encoding="utf-8") == "lama"
    old_form = bot("export", "--out", str(tmp_path / "hasil.csv"), "--database", db, "--schedule", schedule)
    assert old_form.returncode == 2
    assert "names a file; give a folder, e.g. --out" in old_form.stderr
    assert not (tmp_path / "hasil.csv").exists()


def test_export_refuses_a_folder_it_cannot_create(files, tmp_path):
    db, schedule = files
    (tmp_path / "berkas").write_text("x", encoding="utf-8")
    result = bot("export", "--out", str(tmp_path / "berkas" / "hasil"), "--database", db, "--schedule", schedule)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"--out: cannot create folder {tmp_path / 'berkas' / 'hasil'}")
