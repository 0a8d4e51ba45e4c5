"""Each voter's TPS as operators see it: who gave one per kecamatan, the TPS nobody gave yet (where a
poster helps), and coverage per TPS where the TPS file gives its DPT (pure).

Counts in (``store.tps_counts()``), figures and /statistik lines out; `stats` and `export` read the
same figures. Nothing here names a subscriber. Used only when the schedule has a TPS file.
"""

from __future__ import annotations

from html import escape
from typing import TypedDict

from bot.content import pages
from bot.content.catalogue import entry, say
from bot.content.formats import num, percent
from bot.content.telegram_html import MAX_TEXT
from bot.schedule.model import Schedule
from bot.schedule.tps import number_text

DESA_SHOWN = 15  # desa lines of TPS without a subscriber in /statistik: the reply stays short
NUMBERS_SHOWN = 10  # TPS numbers on one desa line before "+N": at most two lines on a phone
RANKED = 3  # TPS shown with the highest and with the lowest coverage


class TpsFigures(TypedDict):
    """One TPS of the file and the active subscribers who gave it."""

    key: str  # "kedungwaru/bangoan/007"
    area: str
    area_name: str
    desa: str
    desa_name: str
    number: int
    label: str  # "TPS 007"
    location: str
    voters: int | None  # its DPT, when the file gives it
    count: int
    coverage: float | None  # count as a percentage of voters


class TpsAreaFigures(TypedDict):
    """One kecamatan's TPS: how many, how many someone gave, and the subscribers who gave one."""

    id: str
    name: str
    tps: int  # TPS of the file in this kecamatan
    reached: int  # of them, those at least one active subscriber gave
    count: int  # active subscribers who gave a TPS here (one the file no longer lists included)
    voters: int | None  # the DPT of its TPS that give one; None when none does
    coverage: float | None  # subscribers at those TPS as a percentage of their DPT


def _share(count: int, voters: int | None) -> float | None:
    return 100.0 * count / voters if voters else None


def tps_figures(schedule: Schedule, counts: dict[str, int]) -> list[TpsFigures]:
    """Every TPS of the file, in file order, with its count of ``counts`` (zeros included)."""
    rows: list[TpsFigures] = []
    for t in schedule.tps:
        area = schedule.area(t.area)
        desa = area.find_desa(t.desa) if area else None
        n = counts.get(t.key, 0)
        rows.append(
            {
                "key": t.key,
                "area": t.area,
                "area_name": area.name if area else t.area,
                "desa": t.desa,
                "desa_name": desa.name if desa else t.desa,
                "number": t.number,
                "label": t.label,
                "location": t.location,
                "voters": t.voters,
                "count": n,
                "coverage": _share(n, t.voters),
            }
        )
    return rows


def area_figures(schedule: Schedule, rows: list[TpsFigures], counts: dict[str, int]) -> list[TpsAreaFigures]:
    """One per kecamatan of the schedule that has TPS in the file or a subscriber who gave one."""
    given: dict[str, int] = {}
    for key, n in counts.items():
        area_id = key.partition("/")[0]
        given[area_id] = given.get(area_id, 0) + n
    figures: list[TpsAreaFigures] = []
    for area in schedule.areas:
        mine = [r for r in rows if r["area"] == area.id]
        if not mine and not given.get(area.id):
            continue
        with_dpt = [r for r in mine if r["voters"] is not None]
        voters = sum(r["voters"] or 0 for r in with_dpt) if with_dpt else None
        figures.append(
            {
                "id": area.id,
                "name": area.name,
                "tps": len(mine),
                "reached": sum(1 for r in mine if r["count"]),
                "count": given.get(area.id, 0),
                "voters": voters,
                "coverage": _share(sum(r["count"] for r in with_dpt), voters),
            }
        )
    return figures


def unreached(rows: list[TpsFigures]) -> list[list[TpsFigures]]:
    """The TPS no active subscriber gave, one list per desa (file order)."""
    groups: dict[tuple[str, str], list[TpsFigures]] = {}
    for r in rows:
        if not r["count"]:
            groups.setdefault((r["area"], r["desa"]), []).append(r)
    return list(groups.values())


def ranked(rows: list[TpsFigures], n: int = RANKED) -> tuple[list[TpsFigures], list[TpsFigures]]:
    """The ``n`` TPS with the highest coverage, then the ``n`` lowest (lowest first) of the others.

    Only TPS with a DPT and a subscriber: those nobody gave are listed by :func:`unreached`.
    """
    known = sorted((r for r in rows if r["count"] and r["coverage"] is not None), key=lambda r: -(r["coverage"] or 0))
    return known[:n], known[n:][-n:][::-1]


def tps_table(rows: list[TpsFigures]) -> list[dict]:
    """`export`: one row per TPS of the file, counts only."""
    return [
        {
            "tps": r["key"],
            "area": r["area"],
            "area_name": r["area_name"],
            "desa": r["desa"],
            "desa_name": r["desa_name"],
            "number": r["number"],
            "location": r["location"],
            "voters": r["voters"],
            "active": r["count"],
            "coverage": r["coverage"],
        }
        for r in rows
    ]


# -- /statistik ---------------------------------------------------------------------------------


def stats_lines(schedule: Schedule, counts: dict[str, int], lang: str = "id") -> list[str]:
    """The TPS part of /statistik: per kecamatan, the TPS nobody gave (capped), coverage per TPS."""
    rows = tps_figures(schedule, counts)
    lines = area_lines(area_figures(schedule, rows, counts), lang)
    lines += ["", *unreached_lines(rows, lang)]
    highest, lowest = ranked(rows)
    if highest:
        lines += ["", entry(lang, "stats_tps_ranked"), entry(lang, "stats_tps_highest")]
        lines += [ranked_line(r, lang) for r in highest]
        if lowest:
            lines += [entry(lang, "stats_tps_lowest"), *(ranked_line(r, lang) for r in lowest)]
    return lines


def stats_messages(stats: str, tps_lines: list[str]) -> list[str]:
    """/statistik's text with the TPS part under it: one message when both fit in one, else the TPS
    part as a message of its own, so that a long reply is cut between the two, not inside either."""
    tps = "\n".join(tps_lines)
    if pages.visible(stats) + 2 + pages.visible(tps) <= MAX_TEXT:
        return [f"{stats}\n\n{tps}"]
    return [stats, tps]


def area_lines(areas: list[TpsAreaFigures], lang: str = "id") -> list[str]:
    """'Kedungwaru: <b>5</b> · 3/12 TPS, 0,4%' per kecamatan, then the total."""
    with_dpt = any(a["voters"] is not None for a in areas)
    lines = [entry(lang, "stats_tps_coverage" if with_dpt else "stats_tps")]
    for a in areas:
        reached = f"{num(a['reached'], lang)}/{num(a['tps'], lang)} TPS"
        line = f"{escape(a['name'])}: <b>{num(a['count'], lang)}</b> · {reached}"
        if a["coverage"] is not None:
            line += f", {escape(percent(a['coverage'], lang))}"  # '<0,1%' is not a tag
        lines.append(line)
    total = {k: num(sum(a[k] for a in areas), lang) for k in ("count", "reached", "tps")}
    return [*lines, say(lang, "stats_tps_total", **total)]


def unreached_lines(rows: list[TpsFigures], lang: str = "id") -> list[str]:
    """'Bangoan (Kedungwaru): TPS 002, 003' per desa, at most DESA_SHOWN lines, then how many more."""
    groups = unreached(rows)
    if not groups:
        return [entry(lang, "stats_tps_all_reached")]
    missing = sum(len(g) for g in groups)
    lines = [say(lang, "stats_tps_unreached", n=num(missing, lang), total=num(len(rows), lang))]
    for group in groups[:DESA_SHOWN]:
        numbers = ", ".join(number_text(r["number"]) for r in group[:NUMBERS_SHOWN])
        if len(group) > NUMBERS_SHOWN:
            numbers += " " + say(lang, "more_areas", n=num(len(group) - NUMBERS_SHOWN, lang))
        lines.append(f"{escape(group[0]['desa_name'])} ({escape(group[0]['area_name'])}): TPS {numbers}")
    hidden = sum(len(g) for g in groups[DESA_SHOWN:])
    if hidden:
        lines.append(say(lang, "stats_tps_more", n=num(hidden, lang)))
    return [*lines, say(lang, "stats_tps_poster", tps=escape(groups[0][0]["key"]))]


def ranked_line(r: TpsFigures, lang: str = "id") -> str:
    """'TPS 007 Bangoan (Kedungwaru): <b>1,3%</b> (4/298)'."""
    where = f"{r['label']} {escape(r['desa_name'])} ({escape(r['area_name'])})"
    share = f"{num(r['count'], lang)}/{num(r['voters'] or 0, lang)}"
    return f"{where}: <b>{escape(percent(r['coverage'] or 0.0, lang))}</b> ({share})"
