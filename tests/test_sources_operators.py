"""Where subscribers came from, as operators see it: the store counts active subscribers per source tag
(the first deep link they opened), role and local week of joining; /statistik, `stats`, the chart,
`export` and /laporan show those counts (never a chat id), short when everybody came with a plain /start."""

from __future__ import annotations

import re
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.content import charts, operator_texts, pages, reports, source_reports
from bot.content.telegram_html import MAX_TEXT
from bot.schedule import loading
from bot.store import Store
from bot.store.sources import week_of
from bot.telegram import operator_commands
from tests.cli_runner import bot
from tests.conftest import schedule_toml
from tests.e2e import Harness
from tests.test_charts import drawn, png_size
from tests.test_export import read_csv
from tests.test_tps_subscribers import FAR

TZ = ZoneInfo("Asia/Jakarta")
OP = 7001
NOW = datetime(2026, 12, 9, 10, tzinfo=TZ).timestamp()  # a Wednesday: the week of Monday 7 December
# Distinctive chat ids, so that a leak into an output is easy to spot: (role, source).
PEOPLE = {
    987650001: ("pemilih", "ajak"),
    987650002: ("pemilih", "ajak"),
    987650003: ("asn", "ajak"),
    987650004: ("pemilih", "kanal"),
    987650005: ("pemilih", "balai-bangoan"),
    987650006: ("kades", "balai-bangoan"),
    987650007: ("pemilih", None),
    987650008: ("pemilih", None),
    987650009: ("asn", None),
    987650010: ("pemilih", None),
}
VISITOR = 987650098  # opened an invitation, chose no role: not a subscriber
STOPPED = 987650099  # came through the channel, then stopped: not counted


def fill(store: Store, now: float = NOW, weeks_ago: dict[int, int] | None = None) -> None:
    """PEOPLE as subscribers who joined at ``now`` (or so many weeks before, per chat id), plus a
    visitor and a stopped subscriber who each came with a tag."""
    for chat_id, (role, source) in PEOPLE.items():
        joined = now - 7 * 86400 * (weeks_ago or {}).get(chat_id, 0)
        if source is not None:  # the link opened first, then the role chosen (as /start does)
            store.remember_source(chat_id, source, now=joined)
        store.subscribe(chat_id, role, now=joined)
    store.remember_source(VISITOR, "ajak")
    store.remember_source(STOPPED, "kanal", now=now)
    store.subscribe(STOPPED, "pemilih", now=now)
    store.set_status(STOPPED, "stopped")


def no_chat_ids(text: str) -> None:
    assert not re.search(r"98765\d{4}", text), text


def set_joined(store: Store, chat_id: int, moment: datetime) -> None:
    store.conn.execute("UPDATE subscribers SET joined_at = ? WHERE chat_id = ?", (moment.timestamp(), chat_id))


def schedule():
    return loading.parse(schedule_toml([FAR]))


# --- the store ---------------------------------------------------------------------------------------------


def test_active_subscribers_per_source_and_role_without_visitors_or_stopped():
    store = Store(":memory:")
    fill(store)
    store.remember_source(987650001, "kanal")  # a later link does not change where they came from
    assert store.source_role_counts() == [
        (None, "asn", 1),
        (None, "pemilih", 3),
        ("ajak", "asn", 1),
        ("ajak", "pemilih", 2),
        ("balai-bangoan", "kades", 1),
        ("balai-bangoan", "pemilih", 1),
        ("kanal", "pemilih", 1),
    ]
    f = source_reports.read_figures(store, TZ, NOW)
    assert [(r["source"], r["count"]) for r in f["rows"]] == [
        ("ajak", 3),
        ("balai-bangoan", 2),
        ("kanal", 1),
        (None, 4),
    ]
    assert (f["total"], f["invited"]) == (10, 3)
    assert f["share"] == pytest.approx(30.0)


def test_weeks_of_joining_are_iso_weeks_in_the_elections_time_zone():
    store = Store(":memory:")
    fill(store)
    monday = date(2026, 12, 7)
    # Monday 00:30 WIB is still Sunday in UTC: it is the new week here. Sunday 23:30 WIB is the week before.
    set_joined(store, 987650001, datetime(2026, 12, 7, 0, 30, tzinfo=TZ))
    set_joined(store, 987650002, datetime(2026, 12, 6, 23, 30, tzinfo=TZ))
    set_joined(store, 987650004, datetime(2026, 11, 23, 9, tzinfo=TZ))
    set_joined(store, 987650007, datetime(2026, 10, 1, 9, tzinfo=TZ))  # before the last 8 weeks
    set_joined(store, STOPPED, datetime(2026, 11, 30, 9, tzinfo=TZ))  # stopped: never counted
    assert store.source_week_counts(TZ, weeks=3, now=NOW) == [
        (monday - timedelta(weeks=2), "kanal", 1),
        (monday - timedelta(weeks=1), "ajak", 1),
        (monday, None, 3),
        (monday, "ajak", 2),
        (monday, "balai-bangoan", 2),
    ]
    every = store.source_week_counts(TZ, now=NOW)  # None: since the first subscriber joined
    assert every[0] == (week_of(date(2026, 10, 1)), None, 1)
    assert sum(n for _, _, n in every) == 10
    f = source_reports.read_figures(store, TZ, NOW)
    assert [m for m, _ in f["weeks"]] == [monday - timedelta(weeks=7 - i) for i in range(8)]  # zeros included
    assert f["weeks"][-1][1] == {None: 3, "ajak": 2, "balai-bangoan": 2}
    assert store.source_week_counts(ZoneInfo("UTC"), weeks=1, now=NOW)[0] == (monday, None, 3)  # 00:30 WIB: Sunday


# --- /statistik, /laporan and stats -------------------------------------------------------------------------


def test_statistik_part_names_invitations_the_channel_and_a_plain_start():
    store = Store(":memory:")
    fill(store, weeks_ago={987650005: 1, 987650006: 1, 987650007: 9})
    f = source_reports.read_figures(store, TZ, NOW)
    assert source_reports.stats_lines(f, "id") == [
        "<b>Sumber pelanggan</b>: aktif menurut tautan pertama yang dibuka (ASN · Kepala Desa · Pemilih)",
        "Ajakan pelanggan (ajak): <b>3</b> (1 · 0 · 2)",
        "balai-bangoan: <b>2</b> (0 · 1 · 1)",
        "Kanal Telegram (kanal): <b>1</b> (0 · 0 · 1)",
        "<i>tanpa sumber (/start biasa)</i>: <b>4</b> (1 · 0 · 3)",
        "Dari ajakan pelanggan: <b>30,0%</b> dari semua pelanggan aktif (3 dari 10)",
        "",
        "<b>Pelanggan baru per minggu</b> menurut sumber (8 minggu terakhir, yang masih aktif)",
        "19–25 Okt: <b>0</b>",
        "26 Okt–1 Nov: <b>0</b>",
        "2–8 Nov: <b>0</b>",
        "9–15 Nov: <b>0</b>",
        "16–22 Nov: <b>0</b>",
        "23–29 Nov: <b>0</b>",
        "30 Nov–6 Des: <b>2</b> (balai-bangoan 2)",
        "7–13 Des: <b>7</b> (ajak 3 · kanal 1 · tanpa sumber 3)",
    ]  # the one who joined 9 weeks ago counts in the totals, not in the last 8 weeks
    english = "\n".join(source_reports.stats_lines(f, "en"))
    assert english.startswith("<b>Where subscribers came from</b>: active, by the first link they opened")
    assert "Invitations (ajak): <b>3</b>" in english
    assert "The channel (kanal): <b>1</b>" in english
    assert "<i>no source (plain /start)</i>: <b>4</b>" in english
    assert "From invitations: <b>30.0%</b> of all active subscribers (3 of 10)" in english
    assert "7–13 Dec: <b>7</b> (ajak 3 · kanal 1 · no source 3)" in english


def test_everybody_from_a_plain_start_is_one_line_and_nobody_is_none():
    store = Store(":memory:")
    for chat_id in PEOPLE:
        store.subscribe(chat_id, "pemilih", now=NOW)
    store.remember_source(VISITOR, "ajak")  # a visitor's tag does not make a source part
    f = source_reports.read_figures(store, TZ, NOW)
    assert source_reports.stats_lines(f, "id") == [
        "<b>Sumber pelanggan</b>: semua 10 pelanggan aktif datang lewat /start biasa (belum ada yang datang lewat "
        "tautan bersumber: ajakan, kanal, poster)."
    ]
    assert source_reports.chart_data(f, date(2026, 12, 9)) is None
    empty = source_reports.read_figures(Store(":memory:"), TZ, NOW)
    assert source_reports.stats_lines(empty) == source_reports.report_lines(empty) == []


@pytest.mark.parametrize("lang", ["id", "en"])
def test_many_sources_are_capped_so_statistik_stays_within_a_message(lang):
    store = Store(":memory:")
    for i in range(60):
        tag = f"poster-balai-desa-dengan-nama-sangat-panjang-{i:02d}"
        for k in range(60 - i):
            chat_id = 900_000 + i * 100 + k
            store.remember_source(chat_id, tag, now=NOW - 86400 * 7 * (k % 8))
            store.subscribe(chat_id, "pemilih", now=NOW - 86400 * 7 * (k % 8))
    lines = source_reports.stats_lines(source_reports.read_figures(store, TZ, NOW), lang)
    section = "\n".join(lines)
    assert pages.visible(section) < MAX_TEXT
    assert sum(line.startswith("poster-balai-desa") for line in lines) == source_reports.SOURCES_SHOWN
    hidden = sum(60 - i for i in range(10, 60))
    more = "… dan 50 sumber lainnya: <b>1.275</b>" if lang == "id" else "… and 50 more sources: <b>1,275</b>"
    assert hidden == 1275
    assert more in section
    week = lines[-1]
    assert week.count("·") == source_reports.NAMED  # four tags named, then "other"
    assert week.endswith(("lainnya 224)", "other 224)"))  # this week: k % 8 == 0 of tags 4 to 59
    # Beside a long /statistik it becomes a message of its own rather than being cut.
    stats = "\n".join(["<b>Statistik</b>", *(f"Kecamatan {k}: <b>1.000</b> (1 · 2 · 3), 0,1%" for k in range(60))])
    from bot.content import tps_reports

    assert tps_reports.stats_messages(stats, lines) == [stats, section]


def test_laporan_quotes_the_sources_above_the_broadcasts():
    store = Store(":memory:")
    fill(store)
    for i in range(6):
        chat_id = 987650200 + i
        store.remember_source(chat_id, f"pasar-{i}", now=NOW)
        store.subscribe(chat_id, "pemilih", now=NOW)
    store.create_adhoc(text="Rapat KPPS besok", roles=["pemilih"], ttl=3600)
    now = datetime.fromtimestamp(NOW, TZ)
    [page] = operator_commands.view_pages("laporan", "id", schedule(), store, 30, now)
    no_chat_ids(page)
    assert page.startswith(
        "<b>Siaran terakhir</b>\n<i>Sumber pelanggan aktif</i>: Ajakan pelanggan (ajak) 3 · balai-bangoan 2 · "
        "Kanal Telegram (kanal) 1 · pasar-0 1 · pasar-1 1 · lainnya 4 · tanpa sumber (/start biasa) 4\n"
        "Dari ajakan pelanggan: 18,8% (3 dari 16)\n\n<code>siaran:1</code>"
    )
    assert page.endswith("Rincian: /laporan ID")
    [english] = operator_commands.view_pages("laporan", "en", schedule(), store, 30, now)
    assert "<i>Where active subscribers came from</i>: Invitations (ajak) 3 · " in english
    assert "· other 4 · no source (plain /start) 4\nFrom invitations: 18.8% (3 of 16)" in english
    [nothing] = operator_commands.view_pages("laporan", "id", schedule(), Store(":memory:"), 30, now)
    assert nothing == "Belum ada siaran."


@pytest.fixture
def files(tmp_path) -> tuple[str, str]:
    """(database, schedule): PEOPLE, two of them (balai-bangoan) joined two weeks ago."""
    db = tmp_path / "bot.db"
    store = Store(str(db))
    fill(store, now=time.time(), weeks_ago={987650005: 2, 987650006: 2})
    store.close()
    (tmp_path / "jadwal.toml").write_text(schedule_toml([FAR]), encoding="utf-8")
    return str(db), str(tmp_path / "jadwal.toml")


def iso_week(weeks_ago: int) -> str:
    monday = week_of(datetime.now(TZ).date()) - timedelta(weeks=weeks_ago)
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d} {monday.isoformat()}"


def test_stats_prints_every_source_the_share_of_invitations_and_the_weeks(files):
    db, jadwal = files
    result = bot("stats", "--database", db, "--schedule", jadwal)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    no_chat_ids(out)
    lines = [" ".join(line.split()) for line in out.splitlines()]
    assert "Active subscribers per source (the first link they opened)" in lines
    assert "source asn kades pemilih active share" in lines
    assert "Invitations (ajak) 1 0 2 3 30.0%" in lines
    assert "balai-bangoan 0 1 1 2 20.0%" in lines
    assert "The channel (kanal) 0 0 1 1 10.0%" in lines
    assert "no source (plain /start) 1 0 3 4 40.0%" in lines
    assert "total 2 1 7 10 100.0%" in lines
    assert "From invitations (ajak): 3 of 10 active subscribers (30.0%)" in lines
    assert "New subscribers per week by source (weeks in Asia/Jakarta; those still active)" in lines
    assert "week from (Monday) ajak balai-bangoan kanal no source total" in lines
    assert f"{iso_week(2)} 0 2 0 0 2" in lines
    assert f"{iso_week(1)} 0 0 0 0 0" in lines
    assert f"{iso_week(0)} 3 0 1 4 8" in lines


def test_stats_with_only_plain_starts_says_so_in_one_line(tmp_path):
    db = tmp_path / "bot.db"
    store = Store(str(db))
    store.subscribe(987650001, "pemilih")
    store.close()
    (tmp_path / "jadwal.toml").write_text(schedule_toml([FAR]), encoding="utf-8")
    result = bot("stats", "--database", str(db), "--schedule", str(tmp_path / "jadwal.toml"))
    assert result.returncode == 0, result.stderr
    assert "\nWhere subscribers came from: all 1 active subscribers came with a plain /start.\n" in result.stdout
    assert "per source" not in result.stdout


# --- /statistik end to end ----------------------------------------------------------------------------------


async def test_statistik_shows_operators_the_sources_and_a_weekly_panel(tmp_path):
    async with Harness(tmp_path, schedule(), admin_ids=[OP]) as h:
        fill(h.store, now=h.clock(), weeks_ago={987650005: 1})
        text, photo = await h.say(OP, "/statistik", n=2)
        answer = text["text"]
        no_chat_ids(answer)
        assert len(answer) <= MAX_TEXT
        section = answer[answer.index("<b>Sumber pelanggan</b>") :]
        assert "\nAjakan pelanggan (ajak): <b>3</b> (1 · 0 · 2)\n" in section
        assert "\n<i>tanpa sumber (/start biasa)</i>: <b>4</b> (1 · 0 · 3)\n" in section
        assert "Dari ajakan pelanggan: <b>30,0%</b> dari semua pelanggan aktif (3 dari 10)" in section
        assert section.rstrip().endswith("(ajak 3 · balai-bangoan 1 · kanal 1 · tanpa sumber 4)")
        assert png_size(photo["photo"]["data"]) == (1080, 2100)  # the weekly panel makes it taller

        [text, _photo] = await h.say(OP, "/statistik", n=2, language_code="en")
        assert "<b>Where subscribers came from</b>" in text["text"]
        assert "From invitations: <b>30.0%</b>" in text["text"]

        [listing] = await h.say(OP, "/laporan")
        assert "<i>Sumber pelanggan aktif</i>: Ajakan pelanggan (ajak) 3 · " in listing["text"]
        no_chat_ids(listing["text"])


async def test_statistik_with_only_plain_starts_is_short_and_draws_no_weekly_panel(tmp_path):
    async with Harness(tmp_path, schedule(), admin_ids=[OP], subscribers=[(987650001, "pemilih")]) as h:
        text, photo = await h.say(OP, "/statistik", n=2)
        assert text["text"].endswith(
            "\n\n<b>Sumber pelanggan</b>: semua 1 pelanggan aktif datang lewat /start biasa (belum ada yang datang "
            "lewat tautan bersumber: ajakan, kanal, poster)."
        )
        assert png_size(photo["photo"]["data"]) == (1080, 1620)


# --- the chart ----------------------------------------------------------------------------------------------


def weekly(store_fill=fill, lang: str = "id") -> dict:
    store = Store(":memory:")
    store_fill(store, weeks_ago={987650005: 1, 987650006: 3})
    data = source_reports.chart_data(source_reports.read_figures(store, TZ, NOW), date(2026, 12, 9), lang)
    assert data is not None
    return data


def test_the_chart_draws_new_subscribers_per_week_by_source_as_of_a_date():
    data = weekly()
    assert [(s["label"], s["counts"][-4:]) for s in data["series"]] == [
        ("ajak", [0, 0, 0, 3]),
        ("balai-bangoan", [1, 0, 1, 0]),
        ("kanal", [0, 0, 0, 1]),
        ("tanpa sumber", [0, 0, 0, 4]),
    ]
    fig = charts.figure({}, [], words=operator_texts.chart_words("id"), sources=data)
    shown = drawn(fig) + [t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]
    assert "Pelanggan baru per minggu menurut sumber" in shown
    assert "Minggu (mulai Senin) · per 9 Des 2026" in shown
    assert {"ajak", "kanal", "balai-bangoan", "tanpa sumber", "30 Nov", "7 Des"} <= set(shown)
    english = charts.figure({}, [], words=operator_texts.chart_words("en"), sources=weekly(lang="en"))
    assert "Week (from Monday) · as of 9 Dec 2026" in drawn(english)
    assert "no source" in [t.get_text() for t in english.axes[1].get_legend().get_texts()]


def test_the_chart_with_sources_is_taller_and_the_same_for_the_same_data():
    without = charts.statistics_png({}, [])
    first = charts.statistics_png({}, [], sources=weekly())
    assert png_size(without) == (1080, 1620)
    assert png_size(first) == (1080, 2100)
    assert charts.statistics_png({}, [], sources=weekly()) == first
    other = weekly()
    other["series"][0]["counts"][-1] += 1
    assert charts.statistics_png({}, [], sources=other) != first


def test_the_chart_groups_small_sources_as_other():
    def many(store: Store, weeks_ago: dict[int, int]) -> None:
        for i in range(7):
            for k in range(7 - i):
                chat_id = 987651000 + i * 10 + k
                store.remember_source(chat_id, f"tag-{i}", now=NOW)
                store.subscribe(chat_id, "pemilih", now=NOW)

    data = weekly(many)
    assert [s["label"] for s in data["series"]] == ["tag-0", "tag-1", "tag-2", "tag-3", "lainnya"]
    assert data["series"][-1]["counts"][-1] == 3 + 2 + 1
    assert png_size(charts.statistics_png({}, [], sources=data)) == (1080, 2100)


# --- export -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_export_writes_the_sources_and_the_weeks_without_chat_ids(files, tmp_path, lang):
    db, jadwal = files
    out = tmp_path / "angka"
    result = bot("export", "--out", str(out), "--database", db, "--schedule", jadwal, "--lang", lang)
    assert result.returncode == 0, result.stderr
    per_source, per_week = (
        ("sumber.csv", "sumber_per_minggu.csv") if lang == "id" else ("sources.csv", "sources_per_week.csv")
    )
    assert f"{per_source} (4)" in result.stdout
    rows = read_csv(out / per_source)
    if lang == "id":
        assert list(rows[0]) == [
            "Sumber",
            "Nama sumber",
            "ASN",
            "Kepala Desa",
            "Pemilih",
            "Aktif",
            "Persen dari semua aktif (%)",
        ]
        assert [list(r.values()) for r in rows] == [
            ["ajak", "Ajakan pelanggan (ajak)", "1", "0", "2", "3", "30,00"],
            ["balai-bangoan", "balai-bangoan", "0", "1", "1", "2", "20,00"],
            ["kanal", "Kanal Telegram (kanal)", "0", "0", "1", "1", "10,00"],
            ["", "tanpa sumber (/start biasa)", "1", "0", "3", "4", "40,00"],
        ]
    else:
        assert list(rows[0])[:2] == ["Source", "Source name"]
        assert rows[-1]["Source name"] == "no source (plain /start)"
    weeks = read_csv(out / per_week)
    week_key, source_key, new_key = ("Minggu (ISO)", "Sumber", "Pelanggan baru (masih aktif)")
    if lang == "en":
        week_key, source_key, new_key = ("Week (ISO)", "Source", "New subscribers (still active)")
    assert [(r[week_key], r[source_key], r[new_key]) for r in weeks] == [
        (iso_week(2).split()[0], "balai-bangoan", "2"),
        (iso_week(0).split()[0], "ajak", "3"),
        (iso_week(0).split()[0], "kanal", "1"),
        (iso_week(0).split()[0], "", "4"),
    ]
    for path in out.iterdir():
        no_chat_ids(path.read_text(encoding="utf-8-sig"))


def test_export_tables_hold_no_chat_id():
    store = Store(":memory:")
    fill(store)
    tables = reports.export_tables(store, schedule())
    no_chat_ids(repr({k: tables[k] for k in ("sources", "source_weeks")}))
