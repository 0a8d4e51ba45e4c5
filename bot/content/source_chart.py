"""The /statistik picture's panel of new subscribers per week, stacked by where they came from (pure).

Drawn by bot/content/charts.py on an axes it gives; the data is ``source_reports.chart_data``: the
weeks (Mondays), one series per part (the largest source tags, "other", a plain /start) and the day
the figures were taken. Colours go by a part's place and kind, never by chance, so equal data draws
equal bytes.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bot.content.formats import medium_date, num, short_date

SOURCE_COLOURS = ("#2ca02c", "#1f77b4", "#ff7f0e", "#9467bd", "#e377c2", "#17becf")
KIND_COLOURS = {"other": "#c7c7c7", "none": "#7f7f7f"}  # the rest of the tags, a plain /start
LEGEND_COLUMNS = 3
PANEL_INCHES = 3.2  # the panel's height, legend and axis included, added to the picture


def source_panel(ax: Axes, data: dict, words: dict, font: int, title_font: int) -> None:
    """Stacked bars, one per week (oldest left), each part a source; the week's total above its bar."""
    lang = words["lang"]
    weeks = data["weeks"]
    xs = list(range(len(weeks)))
    bottom = [0] * len(weeks)
    tagged = iter(SOURCE_COLOURS)
    for series in data["series"]:
        colour = KIND_COLOURS.get(series["kind"]) or next(tagged, KIND_COLOURS["other"])
        counts = [max(0, int(c)) for c in series["counts"]]
        ax.bar(xs, counts, bottom=bottom, width=0.7, color=colour, label=series["label"])
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    most = max(bottom, default=0) or 1
    for x, total in zip(xs, bottom, strict=True):
        ax.text(x, total + most * 0.02, num(total, lang), ha="center", va="bottom", fontsize=font)
    ax.set_xticks(xs, [short_date(m, lang) for m in weeks], fontsize=font)
    rows = -(-len(data["series"]) // LEGEND_COLUMNS)
    ax.set_ylim(0, most * (1.2 + 0.25 * rows))  # room for the totals, and above them the legend
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: num(round(y), lang)))
    ax.set_ylabel(words["sources_count"], fontsize=font)
    ax.set_xlabel(words["sources_axis"].format(date=medium_date(data["as_of"], lang)), fontsize=font)
    ax.set_title(words["sources"], fontsize=title_font, fontweight="bold", loc="left")
    ax.tick_params(labelsize=font)
    ax.set_axisbelow(True)
    ax.grid(True, axis="y", color="#eeeeee")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    # Inside the panel, above the bars: the figure's own legend (under the picture) is the outcomes'.
    ax.legend(loc="upper left", ncol=LEGEND_COLUMNS, fontsize=font, frameon=False, handlelength=1.2, columnspacing=1.0)
