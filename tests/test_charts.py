"""The /statistik picture: a valid, phone-sized PNG for any data, including none, that an operator
can read: when the figures were taken, every role on its own scale, broadcasts by title and day,
every outcome in the legend in the words of the text, all in the operator's language."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zlib
from datetime import date, datetime, timedelta
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.content import catalogue, charts, formats, operator_texts
from bot.schedule.loading import load

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ROOT = Path(__file__).resolve().parent.parent


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which must come first and carry a valid CRC."""
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR"
    assert length == 13
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


def broadcast(i: int, label: str | None = None) -> dict:
    return {
        "label": label or "Netralitas ASN Tetap Berlaku",
        "day": date(2024, 10, 1 + i),
        "sent": 900 + 10 * i,
        "blocked": 40 + i,
        "failed": 3 * i,
        "expired": 15 if i % 2 else 0,
    }


def drawn(fig) -> list[str]:
    """Every piece of text the rendered figure shows: titles, labels, ticks, annotations, legend."""
    fig.savefig(BytesIO(), format="png")  # tick labels exist only once drawn
    shown = [fig.get_suptitle()]
    for ax in fig.axes:
        shown += [ax.get_title(loc="left"), ax.get_xlabel(), ax.get_ylabel()]
        shown += [t.get_text() for t in ax.texts]
        shown += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    for legend in fig.legends:
        shown += [t.get_text() for t in legend.get_texts()]
    return [t for t in shown if t]


def test_chart_is_a_phone_sized_png():
    data = charts.statistics_png(growth(), [broadcast(i) for i in range(5)])
    assert_phone_png(data)
    assert png_size(data) == (1080, 1620)


def test_empty_data_still_gives_a_picture():
    assert_phone_png(charts.statistics_png({}, []))
    assert_phone_png(charts.statistics_png({"asn": [], "kades": []}, []))


@pytest.mark.parametrize("empty", ["growth", "broadcasts"])
def test_one_panel_empty(empty):
    g = {} if empty == "growth" else growth()
    b = [] if empty == "broadcasts" else [broadcast(1)]
    assert_phone_png(charts.statistics_png(g, b))


def test_ten_broadcasts_with_long_titles():
    long = [broadcast(i, f"Pengingat pemungutan suara untuk semua pemilih tahap {i} " * 3) for i in range(10)]
    assert_phone_png(charts.statistics_png(growth(), long))


def test_a_single_day_and_odd_values():
    g = {"asn": [(date(2024, 11, 27), 3)], "relawan": [(date(2024, 11, 27), 1)]}
    b = [{"label": "kosong"}, {"label": "nol", "sent": 0, "blocked": 0, "failed": 0, "expired": 0}, {"sent": None}]
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
    assert formats.short_date(date(2024, 11, 27)) == "27 Nov"
    assert formats.short_date(date(2024, 8, 17)) == "17 Agu"
    assert formats.short_date(date(2024, 10, 1)) == "1 Okt"
    assert formats.short_date(date(2024, 12, 31)) == "31 Des"
    assert formats.short_date(date(2024, 5, 2)) == "2 Mei"


def test_numbers_use_indonesian_thousands_separator():
    assert formats.num(1234567) == "1.234.567"
    assert formats.num(999) == "999"


def test_day_ticks_stay_few_and_on_whole_days():
    assert charts._day_ticks(0, 0) == [0]
    for span in (1, 5, 6, 13, 40, 100, 400, 2000):
        ticks = charts._day_ticks(0, span)
        assert ticks[0] == 0
        assert len(ticks) <= 6
        assert all(isinstance(t, int) and 0 <= t <= span for t in ticks)


def test_import_and_draw_with_a_read_only_home(tmp_path):
    home = tmp_path / "home"
    home.write_text("not a directory, so nothing can be created below it, even as root")
    env = {k: v for k, v in os.environ.items() if k not in ("MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")}
    env.update(HOME=str(home), PYTHONPATH=str(ROOT))
    code = (
        "from bot.content.charts import statistics_png; import sys; "
        "sys.stdout.buffer.write(statistics_png({}, [{'label': 'a', 'sent': 1}])[:8])"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == PNG_SIGNATURE
    assert b"not a writable directory" not in result.stderr
    assert b"Matplotlib" not in result.stderr


# --- what an operator reads ----------------------------------------------------------------------

SHIPPED = load(ROOT / "config" / "pilkada2024.toml")
WIB = ZoneInfo("Asia/Jakarta")


def test_the_title_says_when_the_figures_were_taken():
    taken = datetime(2024, 11, 28, 14, 5, tzinfo=WIB)
    assert operator_texts.chart_title("Tulungagung", taken, "id") == "Statistik Tulungagung\nper 28-11-2024 14.05"
    assert operator_texts.chart_title("Tulungagung", taken, "en") == "Tulungagung statistics\nas of 28 Nov 2024 14:05"
    fig = charts.figure(growth(), [], title=operator_texts.chart_title("Tulungagung", taken, "id"))
    assert "per 28-11-2024 14.05" in fig.get_suptitle()


def test_every_role_has_its_own_panel_and_scale_when_voters_outnumber_asn_25_to_1():
    start = date(2024, 10, 1)
    g = {
        "asn": [(start + timedelta(days=i), 4 * (i + 1)) for i in range(10)],  # 40
        "kades": [(start, 100)],
        "pemilih": [(start + timedelta(days=i), 100 * (i + 1)) for i in range(10)],  # 1,000
    }
    fig = charts.figure(g, [broadcast(0)])
    growth_axes = fig.axes[:3]
    titles = [ax.get_title(loc="left") for ax in growth_axes]
    assert titles == ["ASN: 40 pelanggan aktif", "Kepala Desa: 100 pelanggan aktif", "Pemilih: 1.000 pelanggan aktif"]
    asn_top, voters_top = growth_axes[0].get_ylim()[1], growth_axes[2].get_ylim()[1]
    assert 40 <= asn_top <= 50  # ASN fill their own panel instead of a sliver under 1,000 voters
    assert voters_top >= 1000


def test_bars_carry_the_reminder_title_and_day_never_a_cut_id():
    ids = ["malam-sebelum-pencoblosan", "netralitas-asn-mingguan@2024-10-10", "siaran:3", "ralat:pemungutan-suara:x:y"]
    labels = [operator_texts.broadcast_label(i, SHIPPED, "id") for i in ids]
    assert labels == ["Besok Kita Memilih!", "Pengingat Mingguan Netralitas ASN", "Siaran 3", "Ralat: Pemungutan suara"]
    bars = [dict(broadcast(n), label=label, day=date(2024, 11, 20 + n)) for n, label in enumerate(labels)]
    shown = drawn(charts.figure(growth(), bars))
    assert "Besok Kita Memilih! · 20 Nov" in shown
    assert "Siaran 3 · 22 Nov" in shown
    assert not any("…" in t or "malam-sebelum" in t for t in shown)


def test_a_removed_reminder_is_named_by_its_whole_id():
    assert operator_texts.broadcast_label("pengingat-yang-sudah-dihapus-dari-jadwal", SHIPPED) == (
        "pengingat-yang-sudah-dihapus-dari-jadwal"
    )


def test_a_long_title_wraps_onto_two_lines_keeping_every_word_and_the_day():
    title = "Netralitas Tidak Berakhir pada Hari Pemungutan Suara bagi Seluruh ASN"
    label = charts.bar_label(title, date(2024, 11, 21))
    assert label.count("\n") == 1
    assert label.replace("\n", " ") == f"{title} · 21 Nov"


def test_headline_is_the_first_line_without_tags_or_emoji():
    assert operator_texts.headline("<b>📢 Pendaftaran Dibuka Besok</b>\n\nIsi") == "Pendaftaran Dibuka Besok"
    assert operator_texts.headline("\n  <i>Tom &amp; Jerry</i>") == "Tom & Jerry"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_legend_lists_every_outcome_even_those_no_bar_has(lang):
    words = operator_texts.chart_words(lang)
    fig = charts.figure(growth(), [broadcast(0)], words=words)  # no cancelled or pending copies
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == [words["outcomes"][key] for key, _ in charts.OUTCOME_COLOURS]
    assert len(legend) == 6


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_legend_uses_the_words_of_the_broadcast_report(lang):
    report = (catalogue.entry(lang, "progress") + catalogue.entry(lang, "broadcast_stopped")).lower()
    for word in operator_texts.chart_words(lang)["outcomes"].values():
        assert word.lower() in report, word


def test_labels_are_in_the_operators_language():
    def shown(lang):
        return " ".join(drawn(charts.figure(growth(), [broadcast(0)], words=operator_texts.chart_words(lang))))

    indonesian, english = shown("id"), shown("en")
    for word in ("Hasil siaran terakhir", "Jumlah pesan", "Tanggal", "pelanggan aktif", "Okt", "Terkirim"):
        assert word in indonesian
        assert word not in english
    for word in ("Latest broadcast results", "Messages", "Date", "active subscribers", "Oct", "Sent"):
        assert word in english
        assert word not in indonesian
    assert "Village head / official: " in english
