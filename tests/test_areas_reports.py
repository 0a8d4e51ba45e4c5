"""Reports per area: /statistik, `stats`, the chart and `export` count active subscribers per
kecamatan × role, and give coverage (subscribers / DPT) only where the schedule file gives `voters`."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.content import charts, formats, operator_texts, pages, reports, telegram_html
from bot.schedule import loading
from bot.schedule import model as sched
from bot.store import Store
from tests.conftest import schedule_toml
from tests.e2e import Harness, add_subscribers
from tests.test_charts import assert_phone_png, broadcast, drawn, growth, png_size
from tests.test_cli import bot

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = loading.load(ROOT / "config" / "pilkada2024.toml")
OP = 7001

AREAS_TOML = """
[[area]]
id = "kedungwaru"
name = "Kedungwaru"
voters = 200
desa = ["Bangoan", "Ketanon"]

[[area]]
id = "ngunut"
name = "Ngunut"

[[area]]
id = "besuki"
name = "Besuki"
voters = 1000
"""

# Distinctive chat ids, so a leak into a file or an output is easy to spot.
KEDUNGWARU = [(987650001 + i, role) for i, role in enumerate(["asn", "pemilih", "pemilih", "kades"] + ["pemilih"] * 3)]
NGUNUT = [(987650101, "asn"), (987650102, "pemilih")]
BESUKI = [(987650201, "pemilih")]
NOWHERE = [(987650301, "pemilih"), (987650302, "kades")]
EVERYONE = KEDUNGWARU + NGUNUT + BESUKI + NOWHERE


def area_toml(areas: str = AREAS_TOML) -> str:
    later = datetime.now(ZoneInfo("Asia/Jakarta")) + timedelta(days=1)
    return schedule_toml([{"id": "nanti", "at": later, "roles": ["pemilih"], "text": "nanti"}]) + areas


def area_schedule(areas: str = AREAS_TOML) -> sched.Schedule:
    return loading.parse(area_toml(areas))


def fill(store: Store) -> None:
    """Everyone subscribed; areas as above (a desa too, which counts for its kecamatan); one stopped."""
    with store.transaction():
        for chat_id, role in EVERYONE:
            store.subscribe(chat_id, role)
    for group, area in ((KEDUNGWARU, "kedungwaru"), (NGUNUT, "ngunut"), (BESUKI, "besuki")):
        for chat_id, _ in group:
            store.set_area(chat_id, area, "bangoan" if chat_id == KEDUNGWARU[0][0] else None)
    store.set_area(987650999, "kedungwaru")  # nobody: no row changes
    store.subscribe(987650998, "pemilih")
    store.set_area(987650998, "kedungwaru")
    store.set_status(987650998, "stopped")  # not active: not counted


@pytest.fixture
def store(tmp_path):
    s = Store(str(tmp_path / "bot.db"))
    fill(s)
    yield s
    s.close()


# -- figures and the text ----------------------------------------------------------------------


def test_area_figures_count_active_subscribers_per_kecamatan_and_role(store):
    figures = reports.area_figures(store, area_schedule().areas)
    assert [(f["id"], f["count"]) for f in figures] == [("kedungwaru", 7), ("ngunut", 2), ("besuki", 1), (None, 2)]
    kedungwaru, ngunut, besuki, nowhere = figures
    assert kedungwaru["roles"] == {"asn": 1, "kades": 1, "pemilih": 5}
    assert kedungwaru["coverage"] == pytest.approx(3.5)
    assert besuki["coverage"] == pytest.approx(0.1)
    assert ngunut["coverage"] is None
    assert nowhere["coverage"] is None


def test_an_area_the_file_no_longer_lists_still_counts(store):
    store.set_area(NGUNUT[0][0], "dihapus")
    figures = reports.area_figures(store, area_schedule().areas)
    assert [(f["id"], f["count"]) for f in figures][-2:] == [("dihapus", 1), (None, 2)]


def test_stats_text_in_indonesian_has_a_line_per_kecamatan_with_coverage_only_where_the_dpt_is_known(store):
    s = store.subscriber_stats()
    text = operator_texts.stats_text(s, "Kabupaten Uji", "id", reports.area_figures(store, area_schedule().areas))
    lines = text.splitlines()
    assert "<b>Per kecamatan</b>: aktif (ASN · Kepala Desa · Pemilih), cakupan DPT" in lines
    assert "Kedungwaru: <b>7</b> (1 · 1 · 5), 3,5%" in lines
    assert "Ngunut: <b>2</b> (1 · 0 · 1)" in lines  # no voters in the file: nothing about coverage
    assert "Besuki: <b>1</b> (0 · 0 · 1), 0,1%" in lines
    assert "<i>Tanpa wilayah</i>: <b>2</b> (0 · 1 · 1)" in lines
    assert text.count("%") == 2
    assert telegram_html.parse(text)  # valid Telegram HTML


def test_stats_text_in_english(store):
    s = store.subscriber_stats()
    text = operator_texts.stats_text(s, "Kabupaten Uji", "en", reports.area_figures(store, area_schedule().areas))
    lines = text.splitlines()
    assert "<b>Per kecamatan</b>: active (ASN · Village head / official · Voter), coverage of DPT" in lines
    assert "Kedungwaru: <b>7</b> (1 · 1 · 5), 3.5%" in lines
    assert "Ngunut: <b>2</b> (1 · 0 · 1)" in lines
    assert "<i>No area</i>: <b>2</b> (0 · 1 · 1)" in lines


def test_without_any_dpt_the_text_says_nothing_about_coverage(store):
    plain = area_schedule(AREAS_TOML.replace("voters = 200", "").replace("voters = 1000", ""))
    for lang in formats.LANGS:
        text = operator_texts.stats_text(store.subscriber_stats(), "X", lang, reports.area_figures(store, plain.areas))
        assert "%" not in text
        assert "DPT" not in text
        assert "Kedungwaru: <b>7</b> (1 · 1 · 5)" in text


def test_a_schedule_without_areas_keeps_the_old_reply(store):
    s = store.subscriber_stats()
    empty = area_schedule("")
    assert operator_texts.stats_text(
        s, "X", "id", reports.area_figures(Store(":memory:"), empty.areas)
    ) == operator_texts.stats_text(s, "X", "id")


def test_percent_uses_a_decimal_comma_in_indonesian():
    assert formats.percent(3.42) == "3,4%"
    assert formats.percent(3.42, "en") == "3.4%"
    assert formats.percent(0) == "0,0%"
    assert formats.percent(0.01) == "<0,1%"
    assert formats.percent(0.01, "en") == "<0.1%"
    assert formats.percent(3.42) == "3,4%"
    assert formats.percent(0.01, "en") == "<0.1%"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_nineteen_kecamatan_with_big_numbers_fit_one_message(lang):
    roles = ["asn", "kades", "pemilih"]
    figures = [
        {
            "id": a.id,
            "name": a.name,
            "voters": 99_999_999,
            "roles": dict.fromkeys(roles, 9_999_999),
            "count": 29_999_997,
            "coverage": 29.99,
        }
        for a in SHIPPED.areas
    ] + [
        {
            "id": None,
            "name": None,
            "voters": None,
            "roles": dict.fromkeys(roles, 9_999_999),
            "count": 29_999_997,
            "coverage": None,
        }
    ]
    assert len(figures) == 20
    s = {
        "active": dict.fromkeys(roles, 99_999_999),
        "total_active": 299_999_997,
        "stopped": 9_999_999,
        "blocked": 9_999_999,
        "new_today": 9_999_999,
        "new_days": 9_999_999,
    }
    text = operator_texts.stats_text(s, SHIPPED.election.region, lang, figures)
    assert pages.split(text) == [text]  # one message, nothing to page
    assert len(telegram_html.parse(text).text) <= 4096
    for area in SHIPPED.areas:
        assert f"\n{area.name}: <b>" in text


# -- the chart ----------------------------------------------------------------------------------


def chart_areas(with_voters: bool = True) -> list[dict]:
    """Kedungwaru is big but has the thinnest coverage; Ngunut has no DPT; Besuki is small but well covered."""
    rows = [
        ("kedungwaru", "Kedungwaru", 700, 70_000),
        ("ngunut", "Ngunut", 5, None),
        ("besuki", "Besuki", 90, 1_000),
        ("pakel", "Pakel", 300, 10_000),
    ]
    figures = [
        {
            "id": i,
            "name": n,
            "count": c,
            "voters": v if with_voters else None,
            "coverage": reports.coverage(c, v if with_voters else None),
            "roles": {},
        }
        for i, n, c, v in rows
    ]
    return [*figures, {"id": None, "name": None, "count": 12, "voters": None, "coverage": None, "roles": {}}]


def area_axis(fig, words):
    found = [ax for ax in fig.axes if ax.get_title(loc="left") in (words["areas_coverage"], words["areas_count"])]
    assert len(found) == 1
    return found[0]


def tick_names(ax) -> list[str]:
    return [t.get_text() for t in ax.get_yticklabels()]


def test_the_chart_has_a_per_kecamatan_panel_sorted_by_coverage_lowest_on_top():
    words = operator_texts.chart_words("id")
    fig = charts.figure(growth(), [broadcast(0)], words=words, areas=chart_areas())
    shown = drawn(fig)
    ax = area_axis(fig, words)
    assert ax.get_title(loc="left") == "Cakupan per kecamatan (aktif / DPT)"
    # 1.0 % < 3.0 % < 9.0 %, then Ngunut, whose coverage is unknown; people without an area are not a bar.
    assert tick_names(ax) == ["Kedungwaru", "Pakel", "Besuki", "Ngunut"]
    assert ax.get_ylim()[0] > ax.get_ylim()[1]  # first row drawn on top
    widths = [bar.get_width() for bar in ax.patches]
    assert widths == pytest.approx([1.0, 3.0, 9.0, 0.0])
    labels = [t.get_text() for t in ax.texts]
    assert labels == ["1,0% · 700", "3,0% · 300", "9,0% · 90", "5"]  # Ngunut: its count, no coverage
    assert ax.get_xlabel() == "Cakupan (% DPT) · tanpa wilayah: 12"
    assert "Hasil siaran terakhir" in shown
    assert "Pemilih: 891 pelanggan aktif" in shown


def test_without_any_dpt_the_panel_sorts_by_subscribers():
    words = operator_texts.chart_words("id")
    fig = charts.figure(growth(), [broadcast(0)], words=words, areas=chart_areas(with_voters=False))
    ax = area_axis(fig, words)
    assert ax.get_title(loc="left") == "Pelanggan aktif per kecamatan"
    assert tick_names(ax) == ["Ngunut", "Besuki", "Pakel", "Kedungwaru"]
    assert [t.get_text() for t in ax.texts] == ["5", "90", "300", "700"]
    assert not any("%" in t for t in drawn(fig))


def test_the_area_panel_speaks_the_operators_language():
    words = operator_texts.chart_words("en")
    fig = charts.figure(growth(), [broadcast(0)], words=words, areas=chart_areas())
    ax = area_axis(fig, words)
    assert ax.get_title(loc="left") == "Coverage per kecamatan (active / DPT)"
    assert ax.get_xlabel() == "Coverage (% of DPT) · no area: 12"
    assert next(t.get_text() for t in ax.texts) == "1.0% · 700"


def test_nineteen_kecamatan_keep_the_picture_phone_wide_and_taller():
    many = [
        {
            "id": a.id,
            "name": a.name,
            "count": 100 * n,
            "voters": 50_000 if n % 3 else None,
            "coverage": reports.coverage(100 * n, 50_000 if n % 3 else None),
            "roles": {},
        }
        for n, a in enumerate(SHIPPED.areas)
    ]
    data = charts.statistics_png(growth(), [broadcast(i) for i in range(8)], areas=many)
    assert_phone_png(data)
    width, height = png_size(data)
    assert width == 1080
    assert 1620 < height <= 3000
    assert png_size(charts.statistics_png(growth(), [broadcast(0)], areas=[])) == (1080, 1620)  # no areas: as before


# -- command line: stats and export -------------------------------------------------------------


def database_and_schedule(tmp_path, fill_store) -> tuple[str, str]:
    """A database filled by `fill_store` and the area schedule, as files for the command line."""
    db = tmp_path / "bot.db"
    store = Store(str(db))
    fill_store(store)
    store.close()
    schedule = tmp_path / "jadwal.toml"
    schedule.write_text(area_toml(), encoding="utf-8")
    return str(db), str(schedule)


@pytest.fixture
def files(tmp_path):
    return database_and_schedule(tmp_path, fill)


def test_cli_stats_prints_a_table_per_kecamatan(files):
    db, schedule = files
    result = bot("stats", "--database", db, "--schedule", schedule)
    assert result.returncode == 0, result.stderr
    assert "Active subscribers per kecamatan" in result.stdout
    lines = [line.split() for line in result.stdout.splitlines()]
    assert ["kecamatan", "asn", "kades", "pemilih", "active", "DPT", "coverage"] in lines
    assert ["Kedungwaru", "1", "1", "5", "7", "200", "3.5%"] in lines
    assert ["Ngunut", "1", "0", "1", "2"] in lines
    assert ["(no", "area)", "0", "1", "1", "2"] in lines
    assert "98765" not in result.stdout


def test_export_has_area_rows_with_coverage_and_no_chat_ids(files, tmp_path):
    from tests.test_export import read_csv

    db, schedule = files
    out = tmp_path / "angka"
    result = bot("export", "--out", str(out), "--database", db, "--schedule", schedule)
    assert result.returncode == 0, result.stderr
    assert "98765" not in "".join(p.read_text(encoding="utf-8-sig") for p in out.iterdir())  # every chat id
    area = {r["ID kecamatan"]: r for r in read_csv(out / "kecamatan.csv")}
    assert list(area["kedungwaru"].values()) == ["kedungwaru", "Kedungwaru", "1", "1", "5", "7", "200", "3,50"]
    assert (area["ngunut"]["DPT"], area["ngunut"]["Cakupan (% DPT)"]) == ("", "")  # no DPT: no coverage
    assert (area[""]["Kecamatan"], area[""]["Aktif"], area[""]["Cakupan (% DPT)"]) == ("(tanpa wilayah)", "2", "")
    assert {r["Peran"] for r in read_csv(out / "peran.csv")} >= {"pemilih"}  # still there


# -- /statistik end to end ----------------------------------------------------------------------


async def test_statistik_lists_kecamatan_and_draws_their_panel(tmp_path):
    async with Harness(tmp_path, area_schedule(), admin_ids=[OP]) as h:
        fill(h.store)
        text, photo = await h.say(OP, "/statistik", n=2)
        assert "Kedungwaru: <b>7</b> (1 · 1 · 5), 3,5%" in text["text"]
        assert "Ngunut: <b>2</b> (1 · 0 · 1)\n" in text["text"]
        assert "<i>Tanpa wilayah</i>: <b>2</b> (0 · 1 · 1)" in text["text"]
        width, height = png_size(photo["photo"]["data"])
        assert width == 1080
        assert height > 1620
        english, _ = await h.say(OP, "/statistik", n=2, language_code="en")
        assert "Kedungwaru: <b>7</b> (1 · 1 · 5), 3.5%" in english["text"]
        assert "<i>No area</i>: <b>2</b> (0 · 1 · 1)" in english["text"]


def test_subscribers_added_without_an_area_count_as_no_area(tmp_path):
    path = str(tmp_path / "bot.db")
    add_subscribers(path, [(1, "asn"), (2, "pemilih")])
    store = Store(path)
    try:
        [nowhere] = reports.area_figures(store, ())
        assert nowhere == {
            "id": None,
            "name": None,
            "voters": None,
            "roles": {"asn": 1, "pemilih": 1},
            "count": 2,
            "coverage": None,
        }
    finally:
        store.close()


# -- the benchmark's figure 7, small ------------------------------------------------------------


def test_bench_figure_7_enqueues_one_kecamatan_by_its_index_and_everybody(tmp_path, monkeypatch):
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("bench_for_test", ROOT / "bench" / "bench.py")
    assert spec
    assert spec.loader
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, bench)  # its dataclasses look themselves up there
    spec.loader.exec_module(bench)
    assert 7 in bench.parse_only("7")
    assert bench.parse_only(None) == bench.FIGURES
    res = bench.Results()
    bench.fig_areas(res, tmp_path, {"areas_n": 1_900})
    rows = {row.key: row for row in res.rows}
    assert set(rows) == {"7a", "7b", "7c"}, res.rows
    assert all(row.ok for row in rows.values()), res.rows
    assert "(100 rows; index subscribers_area)" in rows["7a"].measured
    assert "(1,900 rows;" in rows["7b"].measured
    assert "(1,900 rows;" in rows["7c"].measured
