"""The /statistik picture: a valid, phone-sized PNG for any data, including none."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zlib
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot import charts

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ROOT = Path(__file__).resolve().parent.parent


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which must come first and carry a valid CRC."""
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    body = data[16 : 16 + length]
    (crc,) = struct.unpack(">I", data[16 + length : 20 + length])
    assert crc == zlib.crc32(kind + body)
    width, height = struct.unpack(">II", body[:8])
    return width, height


def assert_phone_png(data: bytes, min_bytes: int = 10_000) -> None:
    width, height = png_size(data)
    assert 800 <= width <= 1600
    assert height >= width
    assert data.endswith(b"IEND\xaeB`\x82")
    assert min_bytes <= len(data) <= 300_000


def growth(days: int = 30, start: date = date(2024, 10, 28)) -> dict[str, list[tuple[date, int]]]:
    return {
        "asn": [(start + timedelta(days=i), 100 + 5 * i) for i in range(days)],
        "kades": [(start + timedelta(days=i), 20 + i) for i in range(0, days, 3)],
        "pemilih": [(start + timedelta(days=i), 50 + i * i) for i in range(days)],
    }


def broadcast(i: int, id_: str | None = None) -> dict:
    return {
        "id": id_ or f"netralitas-asn-mingguan@2024-10-{i + 1:02d}",
        "sent": 900 + 10 * i,
        "blocked": 40 + i,
        "failed": 3 * i,
        "expired": 15 if i % 2 else 0,
    }


def test_chart_is_a_phone_sized_png():
    data = charts.statistics_png(growth(), [broadcast(i) for i in range(5)])
    assert_phone_png(data)
    assert png_size(data) == (1080, 1350)


def test_empty_data_still_gives_a_picture():
    assert_phone_png(charts.statistics_png({}, []))
    assert_phone_png(charts.statistics_png({"asn": [], "kades": []}, []))


@pytest.mark.parametrize("empty", ["growth", "broadcasts"])
def test_one_panel_empty(empty):
    g = {} if empty == "growth" else growth()
    b = [] if empty == "broadcasts" else [broadcast(1)]
    assert_phone_png(charts.statistics_png(g, b))


def test_ten_broadcasts_with_long_ids():
    long_ids = [broadcast(i, f"pengingat-pemungutan-suara-untuk-semua-pemilih-tahap-{i}@2024-11-26") for i in range(10)]
    assert_phone_png(charts.statistics_png(growth(), long_ids))


def test_a_single_day_and_odd_values():
    g = {"asn": [(date(2024, 11, 27), 3)], "relawan": [(date(2024, 11, 27), 1)]}
    b = [{"id": "kosong"}, {"id": "nol", "sent": 0, "blocked": 0, "failed": 0, "expired": 0}, {"id": "x", "sent": None}]
    assert_phone_png(charts.statistics_png(g, b))


def test_a_span_over_new_year():
    assert_phone_png(charts.statistics_png(growth(days=90, start=date(2024, 12, 1)), [broadcast(0)]))


def test_different_data_gives_different_bytes_and_same_data_the_same():
    first = charts.statistics_png(growth(), [broadcast(1)])
    assert charts.statistics_png(growth(), [broadcast(1)]) == first
    assert charts.statistics_png(growth(), [broadcast(2)]) != first
    assert charts.statistics_png(growth(days=10), [broadcast(1)]) != first
    assert charts.statistics_png(growth(), [broadcast(1)], title="Statistik lain") != first


def test_short_dates_are_indonesian_whatever_the_locale():
    assert charts.short_date(date(2024, 11, 27)) == "27 Nov"
    assert charts.short_date(date(2024, 8, 17)) == "17 Agu"
    assert charts.short_date(date(2024, 10, 1)) == "1 Okt"
    assert charts.short_date(date(2024, 12, 31)) == "31 Des"
    assert charts.short_date(date(2024, 5, 2)) == "2 Mei"


def test_numbers_use_indonesian_thousands_separator():
    assert charts.thousands(1234567) == "1.234.567"
    assert charts.thousands(999) == "999"


def test_ids_are_shortened_with_an_ellipsis_keeping_the_date():
    assert charts.shorten("h-1") == "h-1"
    short = charts.shorten("netralitas-asn-mingguan@2024-10-03")
    assert len(short) == charts.ID_MAX_CHARS
    assert short.startswith("netralitas") and short.endswith("…@2024-10-03")
    plain = charts.shorten("a" * 30 + "b" * 30)
    assert len(plain) == charts.ID_MAX_CHARS and "…" in plain


def test_day_ticks_stay_few_and_on_whole_days():
    assert charts._day_ticks(0, 0) == [0]
    for span in (1, 5, 6, 13, 40, 100, 400, 2000):
        ticks = charts._day_ticks(0, span)
        assert ticks[0] == 0 and len(ticks) <= 6
        assert all(isinstance(t, int) and 0 <= t <= span for t in ticks)


def test_import_and_draw_with_a_read_only_home(tmp_path):
    home = tmp_path / "home"
    home.write_text("not a directory, so nothing can be created below it, even as root")
    env = {k: v for k, v in os.environ.items() if k not in ("MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")}
    env.update(HOME=str(home), PYTHONPATH=str(ROOT))
    code = (
        "from bot.charts import statistics_png; import sys; "
        "sys.stdout.buffer.write(statistics_png({}, [{'id': 'a', 'sent': 1}])[:8])"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == PNG_SIGNATURE
    assert b"not a writable directory" not in result.stderr
    assert b"Matplotlib" not in result.stderr
