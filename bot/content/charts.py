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

import matplotlib

matplotlib.use("Agg")

from collections.abc import Iterable

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from bot.content import source_chart
from bot.content.figures import AreaFigures
from bot.content.formats import decimal, num, percent, short_date

ROLE_STYLES = {  # colour, marker
    "asn": ("#1f77b4", "o"),
    "kades": ("#9467bd", "s"),
    "pemilih": ("#17becf", "^"),
}
OTHER_STYLES = [("#8c564b", "D"), ("#e377c2", "v"), ("#bcbd22", "P"), ("#7f7f7f", "X")]

# Every outcome a copy can have, in legend order, with its colour. The words come from
# ``texts.chart_words`` so that the legend says what /laporan says.
OUTCOME_COLOURS = (
    ("sent", "#2ca02c"),
    ("blocked", "#8c8c8c"),
    ("failed", "#d62728"),
    ("expired", "#ff7f0e"),
    ("cancelled", "#bcbd22"),
    ("pending", "#aec7e8"),
)

AREA_COLOUR = "#3b6ea5"

DPI = 150
FIGSIZE = (7.2, 10.8)  # inches: 1080 x 1620 px at 150 dpi (2:3, a phone screen)
FONT = 12  # smallest font used anywhere, in points
TITLE_FONT = 17
PANEL_TITLE_FONT = 14
LABEL_CHARS = 60  # a bar's label line; longer titles wrap onto a second line
AREA_ROW_INCHES = 0.3  # one kecamatan's bar and name, at FONT
AREA_PANEL_INCHES = 1.0  # the area panel's title and axis
INCHES_PER_RATIO = 3.0  # about how tall one height-ratio unit is drawn in the base picture


def statistics_png(
    growth: dict[str, list[tuple[date, int]]],
    bars: list[dict],
    *,
    title: str = "Statistik bot",
    words: dict | None = None,
    areas: list[AreaFigures] | None = None,
    sources: dict | None = None,
) -> bytes:
    """The /statistik picture (see :func:`figure`) as PNG bytes."""
    fig = figure(growth, bars, title=title, words=words, areas=areas, sources=sources)
    try:
        buf = BytesIO()
        fig.savefig(buf, format="png", dpi=DPI, facecolor="white")
        return buf.getvalue()
    finally:
        fig.clear()


def figure(
    growth: dict[str, list[tuple[date, int]]],
    bars: list[dict],
    *,
    title: str = "Statistik bot",
    words: dict | None = None,
    areas: list[AreaFigures] | None = None,
    sources: dict | None = None,
) -> Figure:
    """The /statistik picture, not yet rendered.

    On top, one small panel per role with its own scale, so that 40 ASN stay readable next to
    1,000 voters; below, the outcome of the latest broadcasts, one bar each, top to bottom in the
    order given, labelled with its title and day.

    ``growth`` maps a role to (day, cumulative count) points. Each bar dict has ``label`` (plain
    text), ``day`` (a date or None) and the counts named in ``OUTCOME_COLOURS``; missing counts are
    0. ``words`` are the operator's language (``texts.chart_words``); Indonesian by default. An
    empty panel says so instead of failing.

    ``areas`` (``reports.area_figures``: ``id``, ``name``, ``count``, ``coverage``) add a panel per
    kecamatan between the two, lowest coverage on top (lowest count, when no DPT is known), so thin
    areas stand out; the picture grows taller by the panel, its width stays.

    ``sources`` (``source_reports.chart_data``) add, under the growth panels, new subscribers per week
    stacked by where they came from (bot/content/source_chart.py); the picture grows by that panel too.
    """
    if words is None:
        from bot.content.operator_texts import chart_words

        words = chart_words("id")
    roles = [r for r in _role_order(growth) if growth[r]]
    kecamatan = [a for a in areas or () if a.get("id") is not None]
    # The area panel adds its own height (a row per kecamatan) to the phone-sized picture.
    extra = AREA_PANEL_INCHES + AREA_ROW_INCHES * len(kecamatan) if kecamatan else 0.0
    size = (FIGSIZE[0], FIGSIZE[1] + extra + (source_chart.PANEL_INCHES if sources else 0.0))
    fig = Figure(figsize=size, dpi=DPI, layout=ConstrainedLayoutEngine(h_pad=0.1, hspace=0.05))
    fig.suptitle(title, fontsize=TITLE_FONT, fontweight="bold")
    n_growth = max(1, len(roles))
    ratios = [0.62 if len(roles) > 1 else 1.0] * n_growth
    if sources:
        ratios.append(source_chart.PANEL_INCHES / INCHES_PER_RATIO)
    if kecamatan:
        ratios.append(extra / INCHES_PER_RATIO)
    ratios.append(1.0 + max(0, len(bars) - 4) * 0.14)
    axes = list(fig.subplots(len(ratios), 1, height_ratios=ratios))
    _growth_panels(axes[:n_growth], {r: sorted(growth[r]) for r in roles}, words)
    if sources:
        source_chart.source_panel(axes[n_growth], sources, words, FONT, PANEL_TITLE_FONT)
    if kecamatan:
        none = sum(_count(a.get("count")) for a in areas or () if a.get("id") is None)
        _area_panel(axes[n_growth + bool(sources)], kecamatan, none, words)
    _broadcast_panel(axes[-1], bars, words)
    return fig


# -- helpers ---------------------------------------------------------------------------------------


def bar_label(label: str, day: date | None, lang: str = "id") -> str:
    """'<title> · 27 Nov', wrapped at word boundaries onto at most two lines; never cut mid-word."""
    text = f"{label} · {short_date(day, lang)}" if day else label
    lines = textwrap.wrap(text, LABEL_CHARS, break_long_words=False, break_on_hyphens=False)
    if len(lines) <= 2:
        return "\n".join(lines)
    # A very long title: keep its start and the day, and say that something was left out.
    head = textwrap.wrap(label, LABEL_CHARS - 2, break_long_words=False, break_on_hyphens=False)[0]
    return f"{head} …\n· {short_date(day, lang)}" if day else f"{head} …"


def _count(value: object) -> int:
    try:
        return max(0, int(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0


def _style(ax: Axes, panel_title: str) -> None:
    ax.set_title(panel_title, fontsize=PANEL_TITLE_FONT, fontweight="bold", loc="left")
    ax.tick_params(labelsize=FONT)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _empty(ax: Axes, panel_title: str, words: dict) -> None:
    ax.set_title(panel_title, fontsize=PANEL_TITLE_FONT, fontweight="bold", loc="left")
    ax.text(0.5, 0.5, words["empty"], ha="center", va="center", fontsize=16, color="#666666", transform=ax.transAxes)
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


def _role_order(roles: Iterable[str]) -> list[str]:
    known = [r for r in ROLE_STYLES if r in roles]
    return known + sorted(r for r in roles if r not in ROLE_STYLES)


# -- panels ----------------------------------------------------------------------------------------


def _growth_panels(axes: list, series: dict[str, list[tuple[date, int]]], words: dict) -> None:
    """One panel per role, each on its own scale, sharing one date axis."""
    if not series:
        _empty(axes[0], words["growth_empty"], words)
        return
    lang = words["lang"]
    days = [d for points in series.values() for d, _ in points]
    first, last = min(days).toordinal(), max(days).toordinal()
    pad = max(1.0, (last - first) * 0.04)
    others = iter(OTHER_STYLES * 10)
    for n, (ax, role) in enumerate(zip(axes, series, strict=True)):
        points = series[role]
        xs = [d.toordinal() for d, _ in points]
        ys = [_count(c) for _, c in points]
        colour, marker = ROLE_STYLES.get(role) or next(others)
        ax.step(xs, ys, where="post", color=colour, linewidth=2.5, marker=marker, markersize=6)
        ax.fill_between(xs, ys, step="post", color=colour, alpha=0.12)
        name = words["roles"].get(role, role.title())
        _style(ax, words["growth"].format(role=name, count=num(round(ys[-1]), lang)))
        ax.set_xlim(first - pad, last + pad)
        ax.set_ylim(0, max(1, *ys) * 1.2)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: num(round(y), lang)))
        ax.xaxis.set_major_locator(FixedLocator(_day_ticks(first, last)))
        ax.grid(True, axis="y", color="#dddddd")
        if n == len(series) - 1:
            ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: short_date(date.fromordinal(round(x)), lang)))
            years = sorted({date.fromordinal(first).year, date.fromordinal(last).year})
            ax.set_xlabel(f"{words['date']} ({'–'.join(str(y) for y in years)})", fontsize=FONT)
        else:
            ax.tick_params(axis="x", labelbottom=False)


def _broadcast_panel(ax: Axes, bars: list[dict], words: dict) -> None:
    """Stacked outcome bars, each with its title and day written above it across the panel."""
    panel_title = words["bars"]
    if not bars:
        _empty(ax, panel_title, words)
        return
    lang = words["lang"]
    labels = [bar_label(str(b.get("label") or "?"), b.get("day"), lang) for b in bars]
    # A bar sits below its label; a two-line label pushes the rows after it down.
    rows: list[float] = []
    y = 0.0
    for label in labels:
        y += 0.4 * label.count("\n")
        rows.append(y)
        y += 1.0
    left = [0] * len(bars)
    for key, colour in OUTCOME_COLOURS:
        widths = [_count(b.get(key)) for b in bars]
        # Every outcome is in the legend, even one no bar has: operators learn the full set once.
        ax.barh(rows, widths, left=left, height=0.42, color=colour, label=words["outcomes"][key])
        left = [a + w for a, w in zip(left, widths, strict=True)]

    most = max(left) or 1
    for row, label, total in zip(rows, labels, left, strict=True):
        ax.text(total + most * 0.015, row, num(round(total), lang), va="center", ha="left", fontsize=FONT)
        ax.text(0, row - 0.27, label, va="bottom", ha="left", fontsize=FONT, linespacing=1.1)
    ax.set_xlim(0, most * 1.16)  # room for the totals
    ax.set_ylim(rows[-1] + 0.4, -1.0 - 0.4 * labels[0].count("\n"))  # first broadcast on top
    ax.set_yticks([])
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: num(round(x), lang)))
    ax.set_xlabel(words["messages"], fontsize=FONT)
    _style(ax, panel_title)
    ax.spines["left"].set_visible(False)
    ax.grid(True, axis="x", color="#eeeeee")
    # Below the whole figure, where constrained layout reserves room for it: never clipped, never on a bar.
    handles, names = ax.get_legend_handles_labels()
    ax.figure.legend(
        handles,
        names,
        loc="outside lower center",
        ncol=3,
        fontsize=FONT,
        frameon=False,
        handlelength=1.2,
        columnspacing=1.2,
    )


def _area_panel(ax: Axes, areas: list[AreaFigures], none: int, words: dict) -> None:
    """One bar per kecamatan: coverage of the DPT where any is known, else active subscribers.

    Sorted lowest first and drawn top down, so the thinnest areas are at the top. Kecamatan without
    a DPT come last, with their count and no bar: their coverage is not known.
    """
    lang = words["lang"]
    by_coverage = any(a.get("coverage") is not None for a in areas)
    if by_coverage:
        rows = sorted(areas, key=lambda a: (a.get("coverage") is None, a.get("coverage") or 0.0))
        widths = [a.get("coverage") or 0.0 for a in rows]
    else:
        rows = sorted(areas, key=lambda a: _count(a.get("count")))
        widths = [float(_count(a.get("count"))) for a in rows]
    ys = list(range(len(rows)))
    ax.barh(ys, widths, height=0.62, color=AREA_COLOUR)
    most = max(widths) or 1.0
    for y, a, width in zip(ys, rows, widths, strict=True):
        count = num(_count(a.get("count")), lang)
        cover = a.get("coverage")
        shown = count if not by_coverage or cover is None else f"{percent(cover, lang)} · {count}"
        ax.text(
            width + most * 0.015,
            y,
            shown,
            va="center",
            ha="left",
            fontsize=FONT,
            color="#333333" if cover is not None or not by_coverage else "#888888",
        )
    ax.set_yticks(ys, [str(a.get("name") or a.get("id")) for a in rows], fontsize=FONT)
    ax.set_ylim(len(rows) - 0.5, -0.5)  # lowest first, on top
    ax.set_xlim(0, most * 1.3)  # room for the labels
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=not by_coverage))
    if by_coverage:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: decimal(x, lang) + "%"))
    else:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: num(round(x), lang)))
    label = words["coverage_axis" if by_coverage else "subscribers_axis"]
    if none:
        label += " · " + words["no_area"].format(count=num(none, lang))
    ax.set_xlabel(label, fontsize=FONT)
    _style(ax, words["areas_coverage" if by_coverage else "areas_count"])
    ax.grid(True, axis="x", color="#eeeeee")
