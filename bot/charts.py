"""The /statistik picture: subscriber growth per role and the outcome of the last broadcasts (pure).

Plain data in, PNG bytes out: no Telegram, no database. Only the object-oriented matplotlib API is
used (a fresh ``Figure`` per call, never pyplot's global state), so charts may be drawn from several
threads at once. The picture is portrait and uses large fonts so that it reads well on a phone.
"""

from __future__ import annotations

import math
import os
import tempfile
import textwrap
from datetime import date
from io import BytesIO

# matplotlib wants a writable config/cache directory and only warns (then uses a throw-away one) when
# the home directory is read-only, as it is for a locked-down service user. Point it somewhere writable
# before the first import, unless the operator chose a directory already.
os.environ.setdefault("MPLCONFIGDIR", os.path.join(tempfile.gettempdir(), "pilkada-mpl"))

import matplotlib  # noqa: E402

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402
from matplotlib.layout_engine import ConstrainedLayoutEngine  # noqa: E402
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator  # noqa: E402

MONTHS_SHORT = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")

ROLE_LABELS = {"asn": "ASN", "kades": "Kepala Desa", "pemilih": "Pemilih"}
ROLE_STYLES = {  # colour, marker
    "asn": ("#1f77b4", "o"),
    "kades": ("#9467bd", "s"),
    "pemilih": ("#17becf", "^"),
}
OTHER_STYLES = [("#8c564b", "D"), ("#e377c2", "v"), ("#bcbd22", "P"), ("#7f7f7f", "X")]

# (key in a broadcast dict, legend label, colour)
OUTCOMES = (
    ("sent", "terkirim", "#2ca02c"),
    ("blocked", "diblokir", "#8c8c8c"),
    ("failed", "gagal", "#d62728"),
    ("expired", "kedaluwarsa", "#ff7f0e"),
)

ID_MAX_CHARS = 24
EMPTY_TEXT = "Belum ada data"

DPI = 150
FIGSIZE = (7.2, 9.0)  # inches: 1080 x 1350 px at 150 dpi (4:5, fills a phone screen)
FONT = 12  # smallest font used anywhere, in points
TITLE_FONT = 18
PANEL_TITLE_FONT = 15


def statistics_png(
    growth: dict[str, list[tuple[date, int]]],
    broadcasts: list[dict],
    *,
    title: str = "Statistik bot",
) -> bytes:
    """Two stacked panels as PNG bytes: active subscribers per role over time, and the delivery outcome
    of ``broadcasts`` (one bar each, drawn top to bottom in the order given).

    ``growth`` maps a role ("asn", "kades", "pemilih", others are shown by name) to (day, cumulative
    count) points; each broadcast dict has ``id`` and the counts ``sent``, ``blocked``, ``failed`` and
    ``expired``. An empty panel says "Belum ada data" instead of failing.
    """
    fig = Figure(figsize=FIGSIZE, dpi=DPI, layout=ConstrainedLayoutEngine(h_pad=0.12, hspace=0.06))
    try:
        fig.suptitle(textwrap.fill(title, 40), fontsize=TITLE_FONT, fontweight="bold")
        n_bars = len(broadcasts)
        # Give the bar panel a little more room when it holds many bars.
        ratios = (1.0, 1.0 + max(0, n_bars - 5) * 0.08)
        ax_growth, ax_bars = fig.subplots(2, 1, height_ratios=ratios)
        _growth_panel(ax_growth, growth)
        _broadcast_panel(ax_bars, broadcasts)
        buf = BytesIO()
        fig.savefig(buf, format="png", dpi=DPI, facecolor="white")
        return buf.getvalue()
    finally:
        fig.clear()


# -- helpers ---------------------------------------------------------------------------------------


def short_date(day: date) -> str:
    """'27 Nov': day and Indonesian short month name, independent of the process locale."""
    return f"{day.day} {MONTHS_SHORT[day.month - 1]}"


def thousands(value: float) -> str:
    """An integer with Indonesian thousands separators: 12345 -> '12.345'."""
    return f"{int(round(value)):,}".replace(",", ".")


def shorten(text: str, limit: int = ID_MAX_CHARS) -> str:
    """``text`` cut to at most ``limit`` characters, the cut marked with an ellipsis.

    The middle goes, not the end: broadcast ids of one reminder differ only in their tail
    ("netralitas-asn-mingguan@2024-10-03"), so a short "@date" tail is kept whole.
    """
    if len(text) <= limit:
        return text
    at = text.rfind("@")
    tail = len(text) - at if at > 0 and len(text) - at <= limit // 2 else (limit - 1) // 3
    head = limit - 1 - tail
    return text[:head] + "…" + text[len(text) - tail :]


def _count(value: object) -> int:
    try:
        return max(0, int(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0


def _empty(ax, panel_title: str) -> None:
    ax.set_title(panel_title, fontsize=PANEL_TITLE_FONT, fontweight="bold", loc="left")
    ax.text(0.5, 0.5, EMPTY_TEXT, ha="center", va="center", fontsize=16, color="#666666", transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#cccccc")


def _day_ticks(first: int, last: int, max_ticks: int = 6) -> list[int]:
    """Whole-day tick positions (proleptic ordinals) from ``first``, at most ``max_ticks`` of them."""
    span = last - first
    step = next((s for s in (1, 2, 3, 4, 7, 14, 21, 28) if span / s < max_ticks), None)
    if step is None:
        step = math.ceil(span / (max_ticks - 1))
    return list(range(first, last + 1, step))


def _role_order(roles) -> list[str]:
    known = [r for r in ROLE_LABELS if r in roles]
    return known + sorted(r for r in roles if r not in ROLE_LABELS)


# -- panels ----------------------------------------------------------------------------------------


def _growth_panel(ax, growth: dict[str, list[tuple[date, int]]]) -> None:
    panel_title = "Pelanggan aktif per peran"
    series = {role: sorted(points) for role, points in growth.items() if points}
    if not series:
        _empty(ax, panel_title)
        return

    days = [d for points in series.values() for d, _ in points]
    first, last = min(days).toordinal(), max(days).toordinal()
    top = 0
    others = iter(OTHER_STYLES * 10)
    for role in _role_order(series):
        points = series[role]
        xs = [d.toordinal() for d, _ in points]
        ys = [_count(n) for _, n in points]
        top = max(top, *ys)
        colour, marker = ROLE_STYLES.get(role) or next(others)
        label = f"{ROLE_LABELS.get(role, role.title())} ({thousands(ys[-1])})"
        ax.step(xs, ys, where="post", color=colour, linewidth=2.5, marker=marker, markersize=7, label=label)

    pad = max(1.0, (last - first) * 0.04)
    ax.set_xlim(first - pad, last + pad)
    ax.set_ylim(0, max(1, top) * 1.15)
    ax.xaxis.set_major_locator(FixedLocator(_day_ticks(first, last)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: short_date(date.fromordinal(int(round(x))))))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: thousands(y)))
    ax.tick_params(labelsize=FONT)
    years = sorted({date.fromordinal(first).year, date.fromordinal(last).year})
    ax.set_xlabel(f"Tanggal ({'–'.join(str(y) for y in years)})", fontsize=FONT)
    ax.set_ylabel("Pelanggan", fontsize=FONT)
    ax.set_title(panel_title, fontsize=PANEL_TITLE_FONT, fontweight="bold", loc="left")
    ax.grid(True, axis="y", color="#dddddd")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="upper left", fontsize=FONT, frameon=True, framealpha=0.9)


def _broadcast_panel(ax, broadcasts: list[dict]) -> None:
    panel_title = "Hasil pengiriman siaran terakhir"
    if not broadcasts:
        _empty(ax, panel_title)
        return

    labels = [shorten(str(b.get("id", "?"))) for b in broadcasts]
    rows = list(range(len(broadcasts)))
    left = [0] * len(broadcasts)
    for key, label, colour in OUTCOMES:
        widths = [_count(b.get(key)) for b in broadcasts]
        ax.barh(rows, widths, left=left, height=0.7, color=colour, label=label)
        left = [a + w for a, w in zip(left, widths, strict=True)]

    most = max(left) or 1
    for row, total in zip(rows, left, strict=True):
        ax.text(total + most * 0.015, row, thousands(total), va="center", ha="left", fontsize=FONT)
    ax.set_xlim(0, most * 1.18)  # room for the totals
    ax.set_ylim(len(broadcasts) - 0.5, -0.5)  # first broadcast on top
    ax.set_yticks(rows, labels)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: thousands(x)))
    ax.tick_params(labelsize=FONT)
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel("Jumlah pesan", fontsize=FONT)
    ax.set_title(panel_title, fontsize=PANEL_TITLE_FONT, fontweight="bold", loc="left")
    ax.grid(True, axis="x", color="#dddddd")
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    # Below the whole figure, where constrained layout reserves room for it: never clipped, never on a bar.
    handles, names = ax.get_legend_handles_labels()
    ax.figure.legend(
        handles,
        names,
        loc="outside lower center",
        ncol=4,
        fontsize=FONT,
        frameon=False,
        handlelength=1.2,
        columnspacing=1.2,
    )
