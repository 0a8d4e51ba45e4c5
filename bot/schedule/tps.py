"""The commission's list of polling stations (TPS): reading its CSV file and checking it (pure).

The file is a spreadsheet saved as CSV by an office (Indonesian Excel: ``;`` between cells and a
decimal comma; elsewhere ``,``), one TPS a row: its kecamatan, desa, number and location, and
optionally its coordinates and DPT. :func:`read_tps_file` reads it against the schedule's
``[[area]]`` list and returns the TPS, the areas (a kecamatan that lists no desa gets the file's),
and every problem at once, one English line each, as ``check`` prints them. :class:`Tps` is one
station; :func:`tps_in`, :func:`find_tps` and :func:`summary_lines` look them up and sum them up.
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from bot.schedule.areas import MAX_AREA_DESA_ID, Area, Desa, slug
from bot.schedule.problems import did_you_mean

__all__ = [
    "INDONESIA",
    "MY_TPS",
    "MY_TPS_ROOM",
    "Bounds",
    "Tps",
    "find_tps",
    "number_text",
    "parse_number",
    "parse_tps",
    "read_tps_file",
    "split_key",
    "summary_lines",
    "tps_in",
]

MAX_ROWS = 20_000
MAX_LOCATION = 200
MAX_VOTERS = 10_000
EXAMPLE_LOCATION = "Balai Dusun Krajan, RT 02 RW 01"
# {my_tps} in a reminder's text: it stays as written when rendered and becomes each reader's own TPS
# line (bot/delivery/personal.py). Length checks count it as MY_TPS_ROOM characters: the line's label,
# desa, kecamatan and a location of at most MAX_LOCATION.
MY_TPS = "{my_tps}"
MY_TPS_ROOM = MAX_LOCATION + 120


@dataclass(frozen=True)
class Tps:
    """One polling station of the file."""

    area: str  # kecamatan id of an [[area]] (Area.id)
    desa: str  # desa id (Desa.id, the slug of the desa name)
    number: int  # the TPS number, 1..999
    location: str  # e.g. "Balai Dusun Krajan, RT 02 RW 01", stripped, inner whitespace collapsed
    lat: float | None = None
    lon: float | None = None
    voters: int | None = None  # DPT of this TPS, when the file gives it
    line: int = field(default=0, compare=False)  # line in the file, for messages

    @property
    def key(self) -> str:
        """'kedungwaru/bangoan/007'."""
        return f"{self.area}/{self.desa}/{number_text(self.number)}"

    @property
    def label(self) -> str:
        """'TPS 007'."""
        return f"TPS {number_text(self.number)}"

    @property
    def has_pin(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True)
class Bounds:
    """A latitude/longitude box: [south, north] × [west, east], in degrees."""

    south: float
    west: float
    north: float
    east: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east

    def text(self) -> str:
        """'-8.4..-7.75, 111.6..112.2' (south..north, west..east)."""
        return f"{self.south:g}..{self.north:g}, {self.west:g}..{self.east:g}"


# Used when the schedule gives no bounds.
INDONESIA = Bounds(south=-11.5, west=94.5, north=6.5, east=141.5)


def number_text(number: int) -> str:
    """7 -> '007'."""
    return f"{number:03d}"


def split_key(key: str) -> tuple[str, str, int]:
    """'kedungwaru/bangoan/007' -> ('kedungwaru', 'bangoan', 7); ValueError for anything else."""
    area, desa, number = key.split("/")
    if not area or not desa or not number.isdigit():
        raise ValueError(f"not a TPS key: {key!r}")
    return area, desa, int(number)


_NUMBER_RE = re.compile(r"(?:tps\s*)?(\d+)", re.IGNORECASE)


def parse_number(text: str) -> int | None:
    """'7', '07', '007', ' 7 ', 'TPS 07' -> 7; None for anything else or outside 1..999."""
    m = _NUMBER_RE.fullmatch(text.strip())
    if m is None:
        return None
    number = int(m[1])
    return number if 1 <= number <= 999 else None


# --------------------------------------------------------------------------- columns

# Column -> (its Indonesian name in problems, the accepted headers, normalised: see _header_key).
_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "kecamatan": ("Kecamatan", ("kecamatan", "kec", "district")),
    "desa": ("Desa/Kelurahan", ("desa", "kelurahan", "desakelurahan", "keldesa", "desakel", "village")),
    "number": ("No TPS", ("tps", "notps", "nomortps", "nomor", "number")),
    "location": ("Lokasi", ("lokasi", "lokasitps", "alamat", "alamattps", "tempat", "location", "address")),
    "lat": ("Latitude", ("lat", "latitude", "lintang")),
    "lon": ("Longitude", ("lon", "lng", "long", "longitude", "bujur")),
    "voters": ("DPT", ("dpt", "jumlahdpt", "jmldpt", "pemilih", "voters")),
}
_REQUIRED = ("kecamatan", "desa", "number", "location")
_BY_HEADER = {alias: column for column, (_, aliases) in _COLUMNS.items() for alias in aliases}
_EXAMPLE_HEADER = "Kecamatan;Desa/Kelurahan;No TPS;Lokasi;Latitude;Longitude;DPT"


def _header_key(text: str) -> str:
    """'No. TPS' -> 'notps', 'Desa/Kelurahan' -> 'desakelurahan'."""
    return re.sub(r"[\s._/\-]+", "", text.casefold())


def _clean(text: str) -> str:
    """The cell stripped, its inner whitespace (newlines, non-breaking spaces) one space."""
    return " ".join(text.split())


# --------------------------------------------------------------------------- reading


def read_tps_file(
    path: str | os.PathLike[str],
    areas: Sequence[Area],
    bounds: Bounds | None = None,
    name: str | None = None,
) -> tuple[tuple[Tps, ...], tuple[Area, ...], list[str]]:
    """Read and check; returns (tps sorted by area order, desa order, number), areas, problems.

    The areas are ``areas`` with the file's desa added, in order of first appearance, to those that
    list none. ``name`` is how problems name the file (default: ``path`` as given).
    """
    name = os.fspath(path) if name is None else name
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return (), tuple(areas), [f"{name}: file not found"]
    except OSError as exc:
        return (), tuple(areas), [f"{name}: cannot read file: {exc.strerror or exc}"]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return (), tuple(areas), [f'{name}: UTF-16 text (Excel\'s "Unicode Text"); {_SAVE_AS}']
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problem = f"{name} line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); {_SAVE_AS}"
        return (), tuple(areas), [problem]
    return parse_tps(text, areas, bounds, name)


_SAVE_AS = 'in Excel save it with "Save As", type "CSV UTF-8 (Comma delimited) (*.csv)"'


def parse_tps(
    text: str,
    areas: Sequence[Area],
    bounds: Bounds | None = None,
    source: str = "<tps>",
) -> tuple[tuple[Tps, ...], tuple[Area, ...], list[str]]:
    """The same as :func:`read_tps_file` on the file's text (already decoded)."""
    return _Reader(areas, bounds, source).read(text)


class _Reader:
    def __init__(self, areas: Sequence[Area], bounds: Bounds | None, source: str) -> None:
        self.areas = list(areas)
        self.bounds = bounds or INDONESIA
        self.bounds_name = "the regency's rough bounds" if bounds else "Indonesia"
        self.source = source
        self.problems: list[str] = []
        self.by_key: dict[str, Area] = {}
        for area in self.areas:
            self.by_key.setdefault(area.id, area)
        for area in self.areas:
            self.by_key.setdefault(slug(area.name), area)
        # Desa of the areas that list none, as the file gives them: area id -> desa id -> Desa.
        self.added: dict[str, dict[str, Desa]] = {a.id: {} for a in self.areas if not a.desa}
        self.seen: dict[tuple[str, str, int], int] = {}
        self.headers: list[str] = []
        self.columns: dict[str, int] = {}
        self.sep = ";"

    # ---- problems

    def add(self, line: int, message: str, column: str | None = None) -> None:
        where = f"{self.source} line {line}" + (f', column "{self.headers[self.columns[column]]}"' if column else "")
        self.problems.append(f"{where}: {message}")

    def result(self, tps: list[Tps]) -> tuple[tuple[Tps, ...], tuple[Area, ...], list[str]]:
        areas = tuple(
            dataclasses.replace(a, desa=tuple(self.added[a.id].values())) if self.added.get(a.id) else a
            for a in self.areas
        )
        area_order = {a.id: i for i, a in enumerate(areas)}
        desa_order = {(a.id, d.id): i for a in areas for i, d in enumerate(a.desa)}
        tps.sort(key=lambda t: (area_order.get(t.area, 0), desa_order.get((t.area, t.desa), 0), t.number))
        return tuple(tps), areas, self.problems

    # ---- the file

    def read(self, text: str) -> tuple[tuple[Tps, ...], tuple[Area, ...], list[str]]:
        lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
        at, separator = self.header_line(lines)
        if at is None:
            self.problems.append(
                f"{self.source}: no header line: the first line names the columns, e.g. {_EXAMPLE_HEADER}"
            )
            return self.result([])
        if separator is None:
            separator = self.separator(at + 1, lines[at])
        if separator is None:
            return self.result([])
        self.sep = separator
        rows = list(self.rows(lines, at, separator))
        if not rows:
            return self.result([])
        header_line, header = rows[0]
        if not self.read_header(header_line, header):
            return self.result([])
        data = [(n, cells) for n, cells in rows[1:] if any(c.strip() for c in cells)]
        if len(data) > MAX_ROWS:
            self.problems = [f"{self.source}: {len(data):,} rows; at most {MAX_ROWS:,} (is this the TPS list?)"]
            return self.result([])
        if not data and not self.problems:
            self.problems.append(f"{self.source}: no TPS under the header (line {header_line})")
        tps = [t for n, cells in data if (t := self.row(n, cells)) is not None]
        self.problems.sort(key=_line_of)
        return self.result(tps)

    def header_line(self, lines: list[str]) -> tuple[int | None, str | None]:
        """The index of the header line (skipping empty and # lines), and the separator of a 'sep=;' line."""
        separator = None
        for i, line in enumerate(lines):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            m = re.fullmatch(r'"?sep=(.)"?', stripped, re.IGNORECASE)
            if m is not None and separator is None:
                separator = m[1]  # Excel's own hint line
                continue
            return i, separator
        return None, None

    def separator(self, line: int, header: str) -> str | None:
        outside = re.sub(r'"[^"]*"', "", header)
        semicolons, commas = outside.count(";"), outside.count(",")
        if semicolons or commas:
            return ";" if semicolons >= commas else ","
        for odd, called in (("\t", "tabs"), ("|", '"|"')):
            if odd in outside:
                self.problems.append(
                    f'{self.source} line {line}: the columns are separated by {called}; use ";" or "," '
                    f'(in Excel: "Save As", type "CSV UTF-8 (Comma delimited) (*.csv)")'
                )
                return None
        return ";"  # one column: the header check says which are missing

    def rows(self, lines: list[str], at: int, separator: str) -> Iterator[tuple[int, list[str]]]:
        """(line number, cells) of the header and each row after it; quoting problems are added."""
        reader = csv.reader((line + "\n" for line in lines[at:]), delimiter=separator, strict=True)
        done = 0
        while True:
            start = at + done + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "unexpected end of data" in str(exc):
                    self.problems.append(f'{self.source} line {start}: a quote (") is opened but never closed')
                    return
                self.problems.append(
                    f'{self.source} line {start}: text after a closing quote ("): put the whole cell in quotes '
                    f'and write a quote inside it twice ("")'
                )
                done = reader.line_num
                continue
            done = reader.line_num
            yield start, cells

    def read_header(self, line: int, cells: list[str]) -> bool:
        """Find the columns; False when the rows cannot be read (a required column is missing)."""
        self.headers = [_clean(c) for c in cells]
        columns: dict[str, int] = {}
        for i, header in enumerate(self.headers):
            column = _BY_HEADER.get(_header_key(header))
            if column is None:
                continue
            if column in columns:
                first = self.headers[columns[column]]
                self.problems.append(
                    f'{self.source} line {line}, column "{header}": the {_COLUMNS[column][0]} column again '
                    f'(also column "{first}"); keep one'
                )
                continue
            columns[column] = i
        self.columns = columns
        missing = [_COLUMNS[c][0] for c in _REQUIRED if c not in columns]
        if missing:
            found = ", ".join(f'"{h}"' for h in self.headers if h) or "nothing"
            self.problems.append(
                f"{self.source} line {line}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                f"(found {found}); the first line names the columns, e.g. {_EXAMPLE_HEADER}"
            )
            return False
        for one, other in (("lat", "lon"), ("lon", "lat")):
            if one in columns and other not in columns:
                self.problems.append(
                    f'{self.source} line {line}, column "{self.headers[columns[one]]}": '
                    f"no {_COLUMNS[other][0]} column next to it: give both coordinates or neither"
                )
                del self.columns[one]
        return True

    # ---- one row

    def cell(self, cells: list[str], column: str) -> str | None:
        i = self.columns.get(column)
        return None if i is None else _clean(cells[i])

    def row(self, line: int, cells: list[str]) -> Tps | None:
        width = len(self.headers)
        if len(cells) != width and not (len(cells) > width and not any(c.strip() for c in cells[width:])):
            hint = ""
            if len(cells) > width and self.sep == ",":
                hint = '; a cell with a comma in it must be in quotes: "Balai Dusun Krajan, RT 02 RW 01"'
            self.add(line, f"{len(cells)} cells, but the header has {width}{hint}")
            return None
        before = len(self.problems)
        area = self.kecamatan(line, self.cell(cells, "kecamatan") or "")
        desa = self.desa(line, area, self.cell(cells, "desa") or "") if area is not None else None
        number = self.number(line, self.cell(cells, "number") or "")
        if area is not None and desa is not None and number is not None:
            key = (area.id, desa.id, number)
            if key in self.seen:
                self.add(
                    line,
                    f"TPS {number_text(number)} of {desa.name}, {area.name} is already on line {self.seen[key]}",
                    "number",
                )
            else:
                self.seen[key] = line
        location = self.cell(cells, "location") or ""
        if not location:
            self.add(line, f'empty location: write where the TPS is, e.g. "{EXAMPLE_LOCATION}"', "location")
        elif len(location) > MAX_LOCATION:
            self.add(line, f"{len(location)} characters; at most {MAX_LOCATION}", "location")
        lat, lon = self.coordinates(line, self.cell(cells, "lat") or "", self.cell(cells, "lon") or "")
        voters = self.voters(line, self.cell(cells, "voters") or "")
        if len(self.problems) > before or area is None or desa is None or number is None:
            return None
        return Tps(area.id, desa.id, number, location, lat, lon, voters, line)

    def kecamatan(self, line: int, value: str) -> Area | None:
        if not value:
            self.add(line, "empty: write the kecamatan, e.g. Kedungwaru", "kecamatan")
            return None
        for candidate in (value, _unprefixed(value, ("kecamatan", "kec"))):
            area = self.by_key.get(candidate) or self.by_key.get(slug(candidate))
            if area is not None:
                return area
        if not self.areas:
            self.add(line, f'unknown kecamatan "{value}" (the schedule defines no [[area]])', "kecamatan")
            return None
        names = [a.name for a in self.areas]
        hint = _suggestion(_unprefixed(value, ("kecamatan", "kec")), names)
        if not hint:
            hint = " (known: " + ", ".join(names[:6]) + (", ..." if len(names) > 6 else "") + ")"
        self.add(line, f'unknown kecamatan "{value}"{hint}', "kecamatan")
        return None

    def desa(self, line: int, area: Area, value: str) -> Desa | None:
        if not value:
            self.add(line, "empty: write the desa or kelurahan, e.g. Bangoan", "desa")
            return None
        plain = _unprefixed(value, ("desa", "ds", "kelurahan", "kel"))
        if area.desa:
            for candidate in (value, plain):
                desa = area.find_desa(slug(candidate))
                if desa is not None:
                    return desa
            hint = _suggestion(plain, [d.name for d in area.desa])
            self.add(line, f'unknown desa "{value}" in kecamatan {area.name}{hint}', "desa")
            return None
        added = self.added[area.id]
        desa_id = slug(plain)
        if desa_id in added:
            return added[desa_id]
        if not desa_id:
            self.add(line, f'"{value}" has no letters or digits to make an id from', "desa")
            return None
        if len(area.id) + len(desa_id) > MAX_AREA_DESA_ID:
            self.add(
                line,
                f'"{value}" (id "{desa_id}") with the kecamatan id is {len(area.id) + len(desa_id)} characters; '
                f"at most {MAX_AREA_DESA_ID} fit in Telegram's buttons and links",
                "desa",
            )
            return None
        # Exports from the KPU's systems are often in capitals: "KAUMAN TIMUR" reads "Kauman Timur".
        added[desa_id] = Desa(desa_id, plain.title() if plain.isupper() else plain)
        return added[desa_id]

    def number(self, line: int, value: str) -> int | None:
        number = parse_number(value)
        if number is None:
            got = f"got {value!r}" if value else "the cell is empty"
            self.add(line, f"expected a TPS number like 7, 07 or 007, {got}", "number")
        return number

    def coordinates(self, line: int, lat_text: str, lon_text: str) -> tuple[float | None, float | None]:
        if not lat_text and not lon_text:
            return None, None
        if not lat_text or not lon_text:
            empty, given = ("lat", "lon") if not lat_text else ("lon", "lat")
            self.add(
                line,
                f'empty, but column "{self.headers[self.columns[given]]}" is given: give both coordinates or neither',
                empty,
            )
            return None, None
        lat = self.degrees(line, lat_text, "lat", "-8.0712")
        lon = self.degrees(line, lon_text, "lon", "111.9021")
        if lat is None or lon is None:
            return None, None
        if not self.bounds.contains(lat, lon):
            if self.bounds.contains(lon, lat):
                self.add(line, f"latitude {lat_text} and longitude {lon_text} look swapped")
            else:
                self.add(
                    line,
                    f"{lat_text}, {lon_text} is outside {self.bounds_name} {self.bounds.text()} "
                    "(south..north, west..east)",
                )
            return None, None
        return lat, lon

    def degrees(self, line: int, text: str, column: str, example: str) -> float | None:
        plain = text.replace("\u2212", "-").replace(" ", "")
        if "," in plain and "." not in plain and plain.count(",") == 1:
            plain = plain.replace(",", ".")  # a decimal comma
        if not re.fullmatch(r"[+-]?\d{1,3}(?:\.\d+)?", plain):
            self.add(line, f"expected a number like {example} or {example.replace('.', ',')}, got {text!r}", column)
            return None
        return float(plain)

    def voters(self, line: int, text: str) -> int | None:
        if not text:
            return None
        plain = text.replace(" ", "")
        if not re.fullmatch(r"\d+|\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+", plain):
            self.add(line, f"expected the number of voters as a whole number like 312, got {text!r}", "voters")
            return None
        voters = int(re.sub(r"[.,]", "", plain))
        if voters > MAX_VOTERS:
            self.add(line, f"{voters:,} voters; a TPS has at most {MAX_VOTERS:,}", "voters")
            return None
        return voters


def _line_of(problem: str) -> int:
    m = re.search(r" line (\d+)[,:]", problem)
    return int(m[1]) if m else 0


def _unprefixed(value: str, prefixes: Iterable[str]) -> str:
    """'Kec. Kedungwaru' -> 'Kedungwaru', 'Desa Bangoan' -> 'Bangoan'; anything else as it is."""
    for prefix in prefixes:
        m = re.fullmatch(rf"{prefix}\.?\s+(\S.*)|{prefix}\.(\S.*)", value, re.IGNORECASE)
        if m is not None:
            return m[1] or m[2]
    return value


def _suggestion(value: str, names: Sequence[str]) -> str:
    """did_you_mean over ``names``, compared without case and punctuation, naming the name as written."""
    by_slug = {slug(n): n for n in names}
    hint = did_you_mean(slug(value), list(by_slug))
    m = re.fullmatch(r' \(did you mean "(.*)"\?\)', hint)
    return f' (did you mean "{by_slug[m[1]]}"?)' if m else ""


def lookalike_desa(tps: Sequence[Tps], areas: Sequence[Area], listed: Iterable[str] = ()) -> list[str]:
    """Warnings for `check`: desa the file added (kecamatan not in ``listed``, which name their own)
    whose names are near another's in the same kecamatan while one has only a TPS or two: most
    likely a misspelling ("Bangon" beside "Bangoan"), which would make a desa of its own."""
    found, named = [], set(listed)
    for area in areas:
        if area.id in named:
            continue
        count = {d.id: sum(1 for t in tps if t.area == area.id and t.desa == d.id) for d in area.desa}
        for i, first in enumerate(area.desa):
            for second in area.desa[i + 1 :]:
                few = min(count[first.id], count[second.id]) <= 2
                if few and difflib.SequenceMatcher(None, first.id, second.id).ratio() >= 0.85:
                    found.append(
                        f'TPS file: kecamatan {area.name} has desa "{first.name}" ({count[first.id]} TPS) and '
                        f'"{second.name}" ({count[second.id]} TPS): if one is a misspelling, correct it in the file'
                    )
    return found


# --------------------------------------------------------------------------- looking up


def tps_in(tps: Iterable[Tps], area: str, desa: str) -> list[Tps]:
    """One desa's TPS, by number."""
    return sorted((t for t in tps if t.area == area and t.desa == desa), key=lambda t: t.number)


def find_tps(tps: Iterable[Tps], area: str | None, desa: str | None, number: int | None) -> Tps | None:
    if not area or not desa or number is None:
        return None
    return next((t for t in tps if t.area == area and t.desa == desa and t.number == number), None)


def summary_lines(tps: Sequence[Tps], areas: Sequence[Area]) -> list[str]:
    """For `preview` and `check`: a line per kecamatan that has TPS, then the total."""
    lines = []
    for area in areas:
        mine = [t for t in tps if t.area == area.id]
        if not mine:
            continue
        line = (
            f"{area.name}: {len(mine)} TPS in {len({t.desa for t in mine})} desa, "
            f"{sum(t.has_pin for t in mine)} with coordinates"
        )
        if all(t.voters is not None for t in mine):
            line += f", DPT {sum(t.voters or 0 for t in mine):,}"
        lines.append(line)
    kecamatan = len({t.area for t in tps})
    lines.append(f"TPS file: {len(tps)} TPS in {kecamatan} kecamatan, {sum(t.has_pin for t in tps)} with coordinates")
    return lines
