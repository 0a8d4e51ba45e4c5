"""`export`: the figures as one CSV file per table, for Excel, LibreOffice Calc and Google Sheets (pure).

CSV, not xlsx: it needs no new dependency on the server and every office program opens it. What
makes it open right in Excel:

- a UTF-8 byte order mark starts each file (without it Excel reads the bytes as ANSI and garbles
  names and the "…" of a shortened title);
- ``;`` separates the columns by default: Excel in an Indonesian locale splits at ``;`` because
  its decimal separator is the comma. Numbers with a decimal part are written with the decimal
  comma then ("3,50"), and with the decimal point when ``,`` or a tab separates ("3.50");
- headers name the columns in the export's language (Indonesian or English); kecamatan names
  stand beside their ids;
- a text that starts like a formula (=, +, -, @) gets a leading apostrophe, so that a title is
  never run as one.

The tables come from ``reports.export_tables``: counts only, never a chat id or an operator.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from bot.content.operator_strings import ROLE_SHORT
from bot.schedule.model import ROLES

BOM = "\ufeff"
SEPARATORS = {";": ";", ",": ",", "tab": "\t"}  # --sep: the character between columns
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    key: str  # the row dict's key (reports.export_tables)
    id: str  # header in Indonesian
    en: str  # header in English


@dataclass(frozen=True)
class Table:
    key: str
    file_id: str
    file_en: str
    columns: tuple[Column, ...]

    def file_name(self, lang: str = "id") -> str:
        return self.file_en if lang == "en" else self.file_id

    def header(self, lang: str = "id") -> list[str]:
        return [c.en if lang == "en" else c.id for c in self.columns]


ROLE_COLUMNS = (Column("role", "Peran", "Role"), Column("role_name", "Nama peran", "Role name"))
AREA_COLUMNS = (Column("area", "ID kecamatan", "Kecamatan id"), Column("area_name", "Kecamatan", "Kecamatan"))
ASK_COLUMNS = (Column("ask", "Tombol", "Button"), Column("ask_name", "Nama tombol", "Button name"))
SOURCE_COLUMNS = (Column("source", "Sumber", "Source"), Column("source_name", "Nama sumber", "Source name"))
# One count per role, headed by its short name (a row per kecamatan or per source).
PER_ROLE_COLUMNS = tuple(Column(role, ROLE_SHORT["id"][role], ROLE_SHORT["en"][role]) for role in ROLES)
PLEDGE_COLUMNS = (
    Column("pledged", "Menekan", "Pressed"),
    Column("received", "Menerima pengingat", "Received the reminder"),
    Column("share", "Persen (%)", "Share (%)"),
)

TABLES = (
    Table(
        "roles",
        "peran.csv",
        "roles.csv",
        (
            *ROLE_COLUMNS,
            Column("active", "Aktif", "Active"),
            Column("stopped", "Berhenti", "Stopped"),
            Column("blocked", "Memblokir bot", "Blocked the bot"),
            Column("gone", "Akun hilang", "Account gone"),
            Column("visitor", "Belum memilih peran", "No role chosen yet"),
            Column("total", "Jumlah", "Total"),
        ),
    ),
    Table(
        "broadcasts",
        "siaran.csv",
        "broadcasts.csv",
        (
            Column("id", "ID", "ID"),
            Column("kind", "Jenis", "Kind"),
            Column("title", "Judul", "Title"),
            Column("roles", "Peran", "Roles"),
            Column("areas", "Wilayah", "Areas"),
            Column("status", "Status", "Status"),
            Column("created", "Dibuat pada", "Created at"),
            Column("finished", "Selesai pada", "Finished at"),
            Column("total", "Penerima", "Recipients"),
            Column("sent", "Terkirim", "Sent"),
            Column("blocked", "Memblokir", "Blocked"),
            Column("failed", "Gagal", "Failed"),
            Column("expired", "Kedaluwarsa", "Expired"),
            Column("cancelled", "Dibatalkan", "Cancelled"),
            Column("pending", "Belum terkirim", "Not yet sent"),
            Column("percent", "Tuntas (%)", "Done (%)"),
        ),
    ),
    Table(
        "areas",
        "kecamatan.csv",
        "areas.csv",
        (
            *AREA_COLUMNS,
            *PER_ROLE_COLUMNS,
            Column("active", "Aktif", "Active"),
            Column("voters", "DPT", "Voters (DPT)"),
            Column("coverage", "Cakupan (% DPT)", "Coverage (% of DPT)"),
        ),
    ),
    Table("pledges", "tombol_memilih.csv", "pledges.csv", (*ASK_COLUMNS, *PLEDGE_COLUMNS)),
    Table(
        "pledge_roles",
        "tombol_memilih_per_peran.csv",
        "pledges_per_role.csv",
        (*ASK_COLUMNS, *ROLE_COLUMNS, *PLEDGE_COLUMNS),
    ),
    Table(
        "pledge_areas",
        "tombol_memilih_per_kecamatan.csv",
        "pledges_per_area.csv",
        (*ASK_COLUMNS, *AREA_COLUMNS, *PLEDGE_COLUMNS),
    ),
    # Where subscribers came from: the source tag of the first link they opened ("" = a plain /start).
    Table(
        "sources",
        "sumber.csv",
        "sources.csv",
        (
            *SOURCE_COLUMNS,
            *PER_ROLE_COLUMNS,
            Column("active", "Aktif", "Active"),
            Column("share", "Persen dari semua aktif (%)", "Share of all active (%)"),
        ),
    ),
    Table(
        "source_weeks",
        "sumber_per_minggu.csv",
        "sources_per_week.csv",
        (
            Column("week", "Minggu (ISO)", "Week (ISO)"),
            Column("week_start", "Mulai (Senin)", "From (Monday)"),
            *SOURCE_COLUMNS,
            Column("new", "Pelanggan baru (masih aktif)", "New subscribers (still active)"),
        ),
    ),
)

# Only with a TPS file (export_tables gives "tps" then): without one, `export` writes what it always did.
TPS_TABLE = Table(
    "tps",
    "tps.csv",
    "tps.csv",
    (
        Column("tps", "ID TPS", "TPS id"),
        *AREA_COLUMNS,
        Column("desa", "ID desa", "Desa id"),
        Column("desa_name", "Desa/Kelurahan", "Desa/kelurahan"),
        Column("number", "No TPS", "TPS number"),
        Column("location", "Lokasi", "Location"),
        Column("voters", "DPT", "Voters (DPT)"),
        Column("active", "Pelanggan aktif", "Active subscribers"),
        Column("coverage", "Cakupan (% DPT)", "Coverage (% of DPT)"),
    ),
)


def decimal_mark(sep: str) -> str:
    """The decimal separator that goes with a column separator: the comma with ';', else the point."""
    return "," if sep == ";" else "."


def cell(value: object, decimal: str = ",") -> str:
    """One value as a spreadsheet reads it: '' for none, whole numbers as digits (no thousands
    separator), others with two decimals and ``decimal``; a text never starts like a formula."""
    if value is None:
        return ""
    if isinstance(value, (bool, int)):
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", decimal)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_bytes(table: Table, rows: list[dict], lang: str = "id", sep: str = ";") -> bytes:
    """A whole CSV file: the byte order mark, the header in ``lang``, one line per row."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(table.header(lang))
    decimal = decimal_mark(sep)
    writer.writerows([cell(row.get(c.key), decimal) for c in table.columns] for row in rows)
    return (BOM + out.getvalue()).encode("utf-8")


def export_files(tables: dict[str, list[dict]], lang: str = "id", sep: str = ";") -> dict[str, tuple[bytes, int]]:
    """Every table as (file name: (CSV bytes, rows)), in ``TABLES`` order, then the TPS if given."""
    kinds = (*TABLES, TPS_TABLE) if TPS_TABLE.key in tables else TABLES
    return {
        t.file_name(lang): (csv_bytes(t, tables.get(t.key, []), lang, sep), len(tables.get(t.key, []))) for t in kinds
    }
