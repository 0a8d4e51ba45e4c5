"""The TPS list file (bot/schedule/tps.py): a CSV as an office's Excel saves it, read and checked."""

from __future__ import annotations

import time
from pathlib import Path

from bot.schedule.areas import Area, Desa
from bot.schedule.loading import load
from bot.schedule.tps import (
    INDONESIA,
    Bounds,
    Tps,
    find_tps,
    lookalike_desa,
    number_text,
    parse_number,
    parse_tps,
    read_tps_file,
    summary_lines,
    tps_in,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "config" / "examples" / "tps-contoh.csv"

AREAS = (
    Area("kedungwaru", "Kedungwaru"),
    Area("tulungagung", "Tulungagung"),
    Area("ngunut", "Ngunut", desa=(Desa("ngunut", "Ngunut"), Desa("kaliwungu", "Kaliwungu"))),
)
# Kabupaten Tulungagung with a margin, as config/pilkada2024.toml gives it.
REGENCY = Bounds(south=-8.4, west=111.6, north=-7.75, east=112.2)

HEADER = "Kecamatan;Desa/Kelurahan;No TPS;Lokasi;Latitude;Longitude;DPT\n"


def read(
    tmp_path: Path, text: str, bounds: Bounds | None = None, encoding: str = "utf-8"
) -> tuple[tuple[Tps, ...], tuple[Area, ...], list[str]]:
    path = tmp_path / "tps.csv"
    path.write_bytes(text.encode(encoding))
    return read_tps_file(path, AREAS, bounds, name="tps.csv")


def problems_of(tmp_path: Path, text: str, bounds: Bounds | None = None) -> list[str]:
    return read(tmp_path, text, bounds)[2]


# --------------------------------------------------------------------------- the basics


def test_numbers() -> None:
    assert number_text(7) == "007"
    assert number_text(123) == "123"
    for text in ("7", "07", "007", " 7 ", "TPS 07", "tps7"):
        assert parse_number(text) == 7, text
    for text in ("0", "000", "1000", "x", "", "7a", "-7", "7.0"):
        assert parse_number(text) is None, text


def test_tps_key_label_and_pin() -> None:
    tps = Tps("kedungwaru", "bangoan", 7, "Balai Dusun Krajan, RT 02 RW 01", -8.07, 111.9, 298, line=5)
    assert tps.key == "kedungwaru/bangoan/007"
    assert tps.label == "TPS 007"
    assert tps.has_pin
    assert not Tps("kedungwaru", "bangoan", 7, "x", lat=-8.07).has_pin
    assert tps == Tps("kedungwaru", "bangoan", 7, "Balai Dusun Krajan, RT 02 RW 01", -8.07, 111.9, 298, line=9)


def test_bounds() -> None:
    assert REGENCY.contains(-8.07, 111.9)
    assert not REGENCY.contains(111.9, -8.07)
    assert INDONESIA.contains(-6.2, 106.8)  # Jakarta
    assert not INDONESIA.contains(14.6, 121.0)  # Manila


def test_comma_file(tmp_path: Path) -> None:
    tps, areas, problems = read(
        tmp_path,
        "Kecamatan,Desa,No TPS,Lokasi,Latitude,Longitude,DPT\n"
        'Kedungwaru,Bangoan,7,"Balai Dusun  Krajan, RT 02 RW 01",-8.0751,111.9073,298\n'
        "Kedungwaru,Bangoan,1,SDN 1 Bangoan,,,\n",
    )
    assert problems == []
    assert tps == (
        Tps("kedungwaru", "bangoan", 1, "SDN 1 Bangoan", None, None, None),
        Tps("kedungwaru", "bangoan", 7, "Balai Dusun Krajan, RT 02 RW 01", -8.0751, 111.9073, 298),
    )
    assert [t.line for t in tps] == [3, 2]
    assert areas[0].desa == (Desa("bangoan", "Bangoan"),)


def test_semicolon_file_with_bom(tmp_path: Path) -> None:
    text = HEADER + "Kedungwaru;Bangoan;7;Balai Dusun Krajan, RT 02 RW 01;-8,0751;111,9073;298\r\n"
    tps, _, problems = read(tmp_path, text.replace("\n", "\r\n"), encoding="utf-8-sig")
    assert (tmp_path / "tps.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert problems == []
    assert [(t.key, t.location, t.lat, t.lon, t.voters) for t in tps] == [
        ("kedungwaru/bangoan/007", "Balai Dusun Krajan, RT 02 RW 01", -8.0751, 111.9073, 298)
    ]


def test_parse_tps_on_text() -> None:
    tps, _, problems = parse_tps("\ufeff" + HEADER + "Kedungwaru;Bangoan;TPS 07;Gedung PKK;;;\n", AREAS)
    assert problems == []
    assert [t.key for t in tps] == ["kedungwaru/bangoan/007"]
    missing = parse_tps("kecamatan;desa;tps\n", AREAS, source="x.csv")[2]
    assert missing[0].startswith("x.csv line 1: missing column Lokasi (found")


def test_header_aliases(tmp_path: Path) -> None:
    english = "District,Village,Number,Address,Lat,Lng,Voters\nKedungwaru,Bangoan,7,Gedung PKK,-8.07,111.9,300\n"
    indonesian = (
        "KEC.;Kel/Desa;Nomor_TPS;Alamat TPS;Lintang;Bujur;Jml. DPT;Keterangan\n"
        "Kedungwaru;Bangoan;7;Gedung PKK;-8,07;111,9;300;baru\n"
    )
    for text in (english, indonesian):
        tps, _, problems = read(tmp_path, text)
        assert problems == []
        assert tps == (Tps("kedungwaru", "bangoan", 7, "Gedung PKK", -8.07, 111.9, 300),)


def test_comment_lines_before_the_header(tmp_path: Path) -> None:
    text = "# CONTOH, bukan data resmi\n\n# kolom: kecamatan, desa\n" + HEADER + "Kedungwaru;Bangoan;x;Gedung PKK;;;\n"
    assert problems_of(tmp_path, text) == [
        "tps.csv line 5, column \"No TPS\": expected a TPS number like 7, 07 or 007, got 'x'"
    ]


def test_header_line_and_number_style(tmp_path: Path) -> None:
    tps, _, problems = read(
        tmp_path, HEADER + "Kec. Kedungwaru;Desa Bangoan;003;Gedung PKK;;;\nkedungwaru;BANGOAN;2;SDN 1;;;\n"
    )
    assert problems == []
    assert [t.key for t in tps] == ["kedungwaru/bangoan/002", "kedungwaru/bangoan/003"]


# --------------------------------------------------------------------------- the header's problems


def test_wrong_separator(tmp_path: Path) -> None:
    text = "Kecamatan\tDesa\tNo TPS\tLokasi\nKedungwaru\tBangoan\t7\tGedung PKK\n"
    assert problems_of(tmp_path, text) == [
        'tps.csv line 1: the columns are separated by tabs; use ";" or "," '
        '(in Excel: "Save As", type "CSV UTF-8 (Comma delimited) (*.csv)")'
    ]


def test_missing_columns(tmp_path: Path) -> None:
    text = "# contoh\nKecamatan;Kelurahan;Alamat;Keterangan\nKedungwaru;Bangoan;Gedung PKK;\n"
    assert problems_of(tmp_path, text) == [
        'tps.csv line 2: missing column No TPS (found "Kecamatan", "Kelurahan", "Alamat", "Keterangan"); '
        "the first line names the columns, e.g. Kecamatan;Desa/Kelurahan;No TPS;Lokasi;Latitude;Longitude;DPT"
    ]
    assert problems_of(tmp_path, "Kedungwaru;Bangoan;7\n") == [
        'tps.csv line 1: missing columns Kecamatan, Desa/Kelurahan, No TPS, Lokasi (found "Kedungwaru", '
        '"Bangoan", "7"); the first line names the columns, e.g. '
        "Kecamatan;Desa/Kelurahan;No TPS;Lokasi;Latitude;Longitude;DPT"
    ]


def test_column_given_twice(tmp_path: Path) -> None:
    text = "Kecamatan;Desa;Kelurahan;No TPS;Lokasi\nKedungwaru;Bangoan;Bangoan;7;Gedung PKK\n"
    tps, _, problems = read(tmp_path, text)
    assert problems == [
        'tps.csv line 1, column "Kelurahan": the Desa/Kelurahan column again (also column "Desa"); keep one'
    ]
    assert [t.key for t in tps] == ["kedungwaru/bangoan/007"]


def test_latitude_column_without_longitude_column(tmp_path: Path) -> None:
    text = "Kecamatan;Desa;No TPS;Lokasi;Lat\nKedungwaru;Bangoan;7;Gedung PKK;-8,07\n"
    assert problems_of(tmp_path, text) == [
        'tps.csv line 1, column "Lat": no Longitude column next to it: give both coordinates or neither'
    ]


def test_empty_file_and_header_only(tmp_path: Path) -> None:
    assert problems_of(tmp_path, "# only a comment\n\n") == [
        "tps.csv: no header line: the first line names the columns, e.g. "
        "Kecamatan;Desa/Kelurahan;No TPS;Lokasi;Latitude;Longitude;DPT"
    ]
    assert problems_of(tmp_path, HEADER + ";;;;;;\n") == ["tps.csv: no TPS under the header (line 1)"]


# --------------------------------------------------------------------------- a row's problems


def test_unknown_kecamatan(tmp_path: Path) -> None:
    text = HEADER + "Kedungwaro;Bangoan;7;Gedung PKK;;;\nSumbergempol;Bangoan;1;Gedung PKK;;;\n"
    assert problems_of(tmp_path, text) == [
        'tps.csv line 2, column "Kecamatan": unknown kecamatan "Kedungwaro" (did you mean "Kedungwaru"?)',
        'tps.csv line 3, column "Kecamatan": unknown kecamatan "Sumbergempol" (known: Kedungwaru, Tulungagung, Ngunut)',
    ]


def test_unknown_desa_when_the_area_lists_desa(tmp_path: Path) -> None:
    text = HEADER + "Ngunut;Kaliwungu;1;Gedung PKK;;;\nNgunut;Kaliwunggu;2;Gedung PKK;;;\nNgunut;;3;Gedung PKK;;;\n"
    tps, areas, problems = read(tmp_path, text)
    assert problems == [
        'tps.csv line 3, column "Desa/Kelurahan": unknown desa "Kaliwunggu" in kecamatan Ngunut '
        '(did you mean "Kaliwungu"?)',
        'tps.csv line 4, column "Desa/Kelurahan": empty: write the desa or kelurahan, e.g. Bangoan',
    ]
    assert [t.key for t in tps] == ["ngunut/kaliwungu/001"]
    assert areas[2] is AREAS[2]


def test_desa_added_when_the_area_lists_none(tmp_path: Path) -> None:
    text = HEADER + (
        "Tulungagung;Kepatihan;1;Pendopo;;;\n"
        "Kedungwaru;Ketanon;1;Gedung PKK;;;\n"
        "Kedungwaru;Bangoan;2;SDN 1;;;\n"
        "Kedungwaru;KETANON;2;Pos Kamling RT 03;;;\n"
        "Kedungwaru;Bangoan;1;Balai Desa;;;\n"
    )
    tps, areas, problems = read(tmp_path, text)
    assert problems == []
    assert areas[0] == Area("kedungwaru", "Kedungwaru", desa=(Desa("ketanon", "Ketanon"), Desa("bangoan", "Bangoan")))
    assert areas[1].desa == (Desa("kepatihan", "Kepatihan"),)
    assert areas[2] is AREAS[2]
    assert [t.key for t in tps] == [
        "kedungwaru/ketanon/001",
        "kedungwaru/ketanon/002",
        "kedungwaru/bangoan/001",
        "kedungwaru/bangoan/002",
        "tulungagung/kepatihan/001",
    ]


def test_a_desa_in_capitals_reads_as_a_name(tmp_path: Path) -> None:
    tps, areas, problems = read(tmp_path, HEADER + "KEDUNGWARU;KAUMAN TIMUR;1;BALAI DESA;;;\n")
    assert problems == []
    assert areas[0].desa == (Desa("kauman-timur", "Kauman Timur"),)
    assert tps[0].location == "BALAI DESA"  # a place is shown as written


def test_a_misspelt_desa_is_named_by_a_warning(tmp_path: Path) -> None:
    text = HEADER + "".join(f"Kedungwaru;Bangoan;{n};Balai {n};;;\n" for n in range(1, 6))
    text += "Kedungwaru;Bangon;6;SDN 2;;;\nKedungwaru;Ketanon;1;Gedung PKK;;;\n"
    tps, areas, problems = read(tmp_path, text)
    assert problems == []
    assert lookalike_desa(tps, areas) == [
        'TPS file: kecamatan Kedungwaru has desa "Bangoan" (5 TPS) and "Bangon" (1 TPS): '
        "if one is a misspelling, correct it in the file"
    ]
    assert lookalike_desa(tps, areas, listed=["kedungwaru"]) == []  # the schedule names its desa itself


def test_numbers_7_07_007_are_one_tps(tmp_path: Path) -> None:
    text = HEADER + (
        "Kedungwaru;Bangoan;7;Balai Dusun Krajan;;;\n"
        "Kedungwaru;Bangoan;07;SDN 1 Bangoan;;;\n"
        "Kedungwaru;Bangoan;007;Gedung PKK;;;\n"
        "Kedungwaru;Ketanon;7;Gedung PKK;;;\n"
    )
    tps, _, problems = read(tmp_path, text)
    assert problems == [
        'tps.csv line 3, column "No TPS": TPS 007 of Bangoan, Kedungwaru is already on line 2',
        'tps.csv line 4, column "No TPS": TPS 007 of Bangoan, Kedungwaru is already on line 2',
    ]
    assert [(t.key, t.line) for t in tps] == [("kedungwaru/bangoan/007", 2), ("kedungwaru/ketanon/007", 5)]


def test_duplicate_names_the_earlier_line(tmp_path: Path) -> None:
    text = HEADER + (
        "Kedungwaru;Bangoan;1;Balai Desa;;;\n"
        "Kedungwaru;Bangoan;2;SDN 1 Bangoan;;;\n"
        "\n"
        "Kedungwaru;bangoan;TPS 02;Gedung PKK;;;\n"
    )
    assert problems_of(tmp_path, text) == [
        'tps.csv line 5, column "No TPS": TPS 002 of Bangoan, Kedungwaru is already on line 3'
    ]


def test_invalid_numbers(tmp_path: Path) -> None:
    text = HEADER + "Kedungwaru;Bangoan;0;Gedung PKK;;;\nKedungwaru;Bangoan;;Gedung PKK;;;\n"
    assert problems_of(tmp_path, text) == [
        "tps.csv line 2, column \"No TPS\": expected a TPS number like 7, 07 or 007, got '0'",
        'tps.csv line 3, column "No TPS": expected a TPS number like 7, 07 or 007, the cell is empty',
    ]


def test_swapped_coordinates(tmp_path: Path) -> None:
    text = HEADER + "Kedungwaru;Bangoan;7;Gedung PKK;111,9073;-8,0751;298\n"
    tps, _, problems = read(tmp_path, text, REGENCY)
    assert problems == ["tps.csv line 2: latitude 111,9073 and longitude -8,0751 look swapped"]
    assert tps == ()


def test_coordinates_out_of_given_bounds(tmp_path: Path) -> None:
    text = HEADER + "Kedungwaru;Bangoan;7;Gedung PKK;-7,2575;112,7521;298\n"  # Surabaya
    assert problems_of(tmp_path, text, REGENCY) == [
        "tps.csv line 2: -7,2575, 112,7521 is outside the regency's rough bounds -8.4..-7.75, 111.6..112.2 "
        "(south..north, west..east)"
    ]
    assert problems_of(tmp_path, text) == []  # inside Indonesia
    assert problems_of(tmp_path, HEADER + "Kedungwaru;Bangoan;7;Gedung PKK;48,8566;2,3522;298\n") == [
        "tps.csv line 2: 48,8566, 2,3522 is outside Indonesia -11.5..6.5, 94.5..141.5 (south..north, west..east)"
    ]


def test_latitude_without_longitude(tmp_path: Path) -> None:
    text = HEADER + "Kedungwaru;Bangoan;7;Gedung PKK;-8,0751;;298\nKedungwaru;Bangoan;8;Gedung PKK;;111,9;298\n"
    assert problems_of(tmp_path, text) == [
        'tps.csv line 2, column "Longitude": empty, but column "Latitude" is given: give both coordinates or neither',
        'tps.csv line 3, column "Latitude": empty, but column "Longitude" is given: give both coordinates or neither',
    ]


def test_decimal_comma_and_point(tmp_path: Path) -> None:
    text = HEADER + "Kedungwaru;Bangoan;7;Gedung PKK;-8,0751;111.9073;1.234\nKedungwaru;Bangoan;8;SDN;-8.07;111,9;x\n"
    tps, _, problems = read(tmp_path, text)
    assert problems == [
        "tps.csv line 3, column \"DPT\": expected the number of voters as a whole number like 312, got 'x'"
    ]
    assert [(t.lat, t.lon, t.voters) for t in tps] == [(-8.0751, 111.9073, 1234)]
    assert problems_of(tmp_path, HEADER + "Kedungwaru;Bangoan;7;Gedung PKK;8°04' S;111,9;\n") == [
        'tps.csv line 2, column "Latitude": expected a number like -8.0712 or -8,0712, got "8°04\' S"'
    ]


def test_voters(tmp_path: Path) -> None:
    text = HEADER + "Kedungwaru;Bangoan;1;A;;;0\nKedungwaru;Bangoan;2;B;;;10,000\nKedungwaru;Bangoan;3;C;;;10001\n"
    tps, _, problems = read(tmp_path, text)
    assert problems == ['tps.csv line 4, column "DPT": 10,001 voters; a TPS has at most 10,000']
    assert [t.voters for t in tps] == [0, 10000]
    assert problems_of(tmp_path, HEADER + "Kedungwaru;Bangoan;1;A;;;1,5\n") == [
        "tps.csv line 2, column \"DPT\": expected the number of voters as a whole number like 312, got '1,5'"
    ]


def test_empty_and_long_location(tmp_path: Path) -> None:
    text = HEADER + "Kedungwaru;Bangoan;1; ;;;\n" + f"Kedungwaru;Bangoan;2;{'Gedung ' * 30};;;\n"
    assert problems_of(tmp_path, text) == [
        'tps.csv line 2, column "Lokasi": empty location: write where the TPS is, '
        'e.g. "Balai Dusun Krajan, RT 02 RW 01"',
        'tps.csv line 3, column "Lokasi": 209 characters; at most 200',
    ]


def test_row_with_wrong_cell_count(tmp_path: Path) -> None:
    text = (
        "Kecamatan,Desa,No TPS,Lokasi\n"
        "Kedungwaru,Bangoan,7,Balai Dusun Krajan, RT 02 RW 01\n"
        "Kedungwaru,Bangoan,8\n"
        "Kedungwaru,Bangoan,9,SDN 1 Bangoan,,\n"  # empty cells past the header's: harmless
    )
    tps, _, problems = read(tmp_path, text)
    assert problems == [
        "tps.csv line 2: 5 cells, but the header has 4; a cell with a comma in it must be in quotes: "
        '"Balai Dusun Krajan, RT 02 RW 01"',
        "tps.csv line 3: 3 cells, but the header has 4",
    ]
    assert [t.key for t in tps] == ["kedungwaru/bangoan/009"]


def test_unclosed_quote(tmp_path: Path) -> None:
    text = HEADER + 'Kedungwaru;Bangoan;1;"Balai Desa;;;\nKedungwaru;Bangoan;2;SDN 1;;;\n'
    assert problems_of(tmp_path, text) == ['tps.csv line 2: a quote (") is opened but never closed']


def test_several_problems_in_line_order(tmp_path: Path) -> None:
    text = HEADER + (
        "Kedungwaru;Bangoan;1;Balai Desa;-8,07;111,9;300\n"
        "Kedungwaro;Bangoan;x;;-8,07;;\n"
        "Kedungwaru;Bangoan;1;SDN 1;111,9;-8,07;abc\n"
        "Kedungwaru;Bangoan;2;Gedung PKK\n"
        "Kedungwaru;Bangoan;3;Pos Kamling RT 03;-8,07;111,9;250\n"
    )
    tps, _, problems = read(tmp_path, text, REGENCY)
    assert problems == [
        'tps.csv line 3, column "Kecamatan": unknown kecamatan "Kedungwaro" (did you mean "Kedungwaru"?)',
        "tps.csv line 3, column \"No TPS\": expected a TPS number like 7, 07 or 007, got 'x'",
        'tps.csv line 3, column "Lokasi": empty location: write where the TPS is, '
        'e.g. "Balai Dusun Krajan, RT 02 RW 01"',
        'tps.csv line 3, column "Longitude": empty, but column "Latitude" is given: give both coordinates or neither',
        'tps.csv line 4, column "No TPS": TPS 001 of Bangoan, Kedungwaru is already on line 2',
        "tps.csv line 4: latitude 111,9 and longitude -8,07 look swapped",
        "tps.csv line 4, column \"DPT\": expected the number of voters as a whole number like 312, got 'abc'",
        "tps.csv line 5: 4 cells, but the header has 7",
    ]
    assert [t.number for t in tps] == [1, 3]


# --------------------------------------------------------------------------- the file itself


def test_not_utf8(tmp_path: Path) -> None:
    text = HEADER + "Kedungwaru;Bangoan;1;Gedung Serbaguna Café;;;\n"
    assert read(tmp_path, text, encoding="cp1252")[2] == [
        'tps.csv line 2: not UTF-8 text (byte 0xe9 at offset 103); in Excel save it with "Save As", '
        'type "CSV UTF-8 (Comma delimited) (*.csv)"'
    ]
    assert read(tmp_path, text, encoding="utf-16")[2] == [
        'tps.csv: UTF-16 text (Excel\'s "Unicode Text"); in Excel save it with "Save As", '
        'type "CSV UTF-8 (Comma delimited) (*.csv)"'
    ]


def test_file_not_found(tmp_path: Path) -> None:
    path = tmp_path / "tidak-ada.csv"
    assert read_tps_file(path, AREAS) == ((), AREAS, [f"{path}: file not found"])
    assert read_tps_file(str(path), AREAS, name="tidak-ada.csv")[2] == ["tidak-ada.csv: file not found"]
    assert read_tps_file(tmp_path, AREAS, name="folder")[2][0].startswith("folder: cannot read file: ")


def test_too_many_rows(tmp_path: Path) -> None:
    text = HEADER + "".join(f"Kedungwaru;Desa {n // 999};{n % 999 + 1};Gedung PKK;;;\n" for n in range(20_001))
    assert problems_of(tmp_path, text) == ["tps.csv: 20,001 rows; at most 20,000 (is this the TPS list?)"]


def test_1630_rows_read_fast(tmp_path: Path) -> None:
    text = HEADER + "".join(
        f"Kedungwaru;Desa {n // 20};{n % 20 + 1};Balai Dusun Krajan, RT 02 RW 01;-8,07;111,9;{300 + n % 200}\n"
        for n in range(1630)
    )
    started = time.perf_counter()
    tps, areas, problems = read(tmp_path, text, REGENCY)
    assert time.perf_counter() - started < 1
    assert problems == []
    assert len(tps) == 1630
    assert len(areas[0].desa) == 82


def test_shipped_example_file() -> None:
    assert EXAMPLE.read_text(encoding="utf-8").startswith(
        "# CONTOH, bukan data resmi: daftar TPS rekaan untuk demo dan uji coba (example data, not official).\n"
    )
    schedule = load(ROOT / "config" / "pilkada2024.toml")
    tps, areas, problems = read_tps_file(EXAMPLE, schedule.areas, schedule.election.tps_bounds)
    assert problems == []
    assert len(tps) == 20
    assert sum(t.has_pin for t in tps) == 18
    bangoan = tps_in(tps, "kedungwaru", "bangoan")
    assert [t.number for t in bangoan] == [1, 2, 3, 7]
    found = find_tps(tps, "kedungwaru", "bangoan", 7)
    assert found is not None
    assert found.location == "Balai Dusun Krajan, RT 02 RW 01"
    assert find_tps(tps, "kedungwaru", "bangoan", 4) is None
    assert find_tps(tps, None, "bangoan", 7) is None
    kedungwaru = next(a for a in areas if a.id == "kedungwaru")
    assert [d.name for d in kedungwaru.desa] == ["Bangoan", "Ketanon", "Plosokandang"]
    assert summary_lines(tps, areas) == [
        "Kedungwaru: 12 TPS in 3 desa, 11 with coordinates, DPT 5,105",
        "Tulungagung: 8 TPS in 2 desa, 7 with coordinates, DPT 3,004",
        "TPS file: 20 TPS in 2 kecamatan, 18 with coordinates",
    ]


def test_summary_lines_without_dpt_for_every_tps() -> None:
    tps = [
        Tps("kedungwaru", "bangoan", 1, "A", -8.07, 111.9, 300),
        Tps("kedungwaru", "ketanon", 1, "B", voters=None),
        Tps("ngunut", "ngunut", 1, "C", voters=1234),
    ]
    assert summary_lines(tps, AREAS) == [
        "Kedungwaru: 2 TPS in 2 desa, 1 with coordinates",
        "Ngunut: 1 TPS in 1 desa, 0 with coordinates, DPT 1,234",
        "TPS file: 3 TPS in 2 kecamatan, 1 with coordinates",
    ]
