"""Operators see what a broadcast was, not its id: /laporan and `report` give each broadcast's first
line, its kecamatan and who sent it; the chart and /rencana name broadcasts by their first line;
/audit names operators "Siti (123456)", from the name the bot keeps when an operator uses it."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from bot.content import operator_texts, reports
from bot.delivery import plan
from bot.schedule import loading
from bot.schedule import model as sched
from bot.store import Store
from bot.telegram import operator_commands
from tests.conftest import TZ, schedule_toml
from tests.test_areas_operators import AREAS, people_db
from tests.test_cli import bot

SITI, BUDI = 123456, 654321
LONG = "<b>📢 Pemberitahuan penting: TPS 12 di Desa Bangoan pindah ke balai desa mulai besok pagi</b>\nIsi"


def area_toml() -> str:
    at = datetime(2030, 1, 1, 9, tzinfo=TZ)
    reminder = {"id": "hari-h-pagi", "at": at, "roles": ["pemilih"], "text": "<b>Hari ini kita memilih</b>\\nTPS 07.00"}
    return schedule_toml([reminder]) + AREAS


def area_schedule() -> sched.Schedule:
    return loading.parse(area_toml())


@pytest.fixture
def filled(tmp_path) -> Store:
    """Two ad-hoc broadcasts (Siti's to Bangoan and Ngunut, one from the command line to everybody)."""
    path = str(tmp_path / "bot.db")
    people_db(path)
    store = Store(path)
    to_areas = store.create_adhoc(text=LONG, roles=["pemilih"], ttl=3600, areas=["kedungwaru/bangoan", "ngunut"])
    store.update_draft(store.create_draft(SITI), broadcast_id=to_areas)
    everybody = store.create_adhoc(text="Rapat KPPS <i>besok</i>", roles=["pemilih"], ttl=3600)
    store.log_action("cli:kpu", "broadcast", everybody, "roles=pemilih; recipients=5")
    store.log_action(SITI, "siaran: kirim", to_areas)
    store.log_action(BUDI, "batal", to_areas)
    store.remember_operator_name(SITI, "Siti")
    yield store
    store.close()


def test_short_titles_end_at_a_word_and_say_they_were_cut():
    assert operator_texts.short_title("TPS 12 pindah") == "TPS 12 pindah"
    cut = operator_texts.short_title(operator_texts.headline(LONG))
    assert cut == "Pemberitahuan penting: TPS 12 di Desa Bangoan…"
    assert len(cut) <= operator_texts.TITLE_CHARS


def test_laporan_lists_each_broadcast_by_its_first_line_with_its_kecamatan_and_author(filled):
    now = datetime(2030, 1, 1, 8, tzinfo=TZ)
    [page] = operator_commands.view_pages("laporan", "id", area_schedule(), filled, 30, now)
    items = page.split("\n<code>")
    title, about = "Pemberitahuan penting: TPS 12 di Desa Bangoan…", "Wilayah: Bangoan, Kedungwaru, Ngunut"
    assert f"\n  {title}\n  {about} · oleh Siti (123456)" in items[2]
    assert "\n  Rapat KPPS besok\n  Wilayah: semua wilayah · oleh cli:kpu" in items[1]
    [english] = operator_commands.view_pages("laporan", "en", area_schedule(), filled, 30, now)
    assert "Areas: Bangoan, Kedungwaru, Ngunut · by Siti (123456)" in english


def test_laporan_id_adds_the_title_areas_and_author_to_the_progress(filled):
    f = reports.broadcast_report(filled, area_schedule(), "siaran:1")
    text = operator_texts.report_detail(f, TZ, "id")
    assert text.startswith("<b>Siaran 1</b>")
    assert text.endswith(
        "\nPemberitahuan penting: TPS 12 di Desa Bangoan…\nWilayah: Bangoan, Kedungwaru, Ngunut · oleh Siti (123456)"
    )


def test_a_schedule_without_areas_says_nothing_of_areas(filled):
    f = reports.broadcast_report(filled, dataclasses.replace(area_schedule(), areas=()), "siaran:2")
    assert operator_texts.report_about(f, "id") == ["Rapat KPPS besok", "oleh cli:kpu"]


def test_cli_report_shows_title_areas_and_author(filled, tmp_path):
    schedule = tmp_path / "jadwal.toml"
    schedule.write_text(area_toml(), encoding="utf-8")
    listing = bot("report", "--database", filled.path, "--schedule", str(schedule))
    assert listing.returncode == 0, listing.stderr
    header = next(line for line in listing.stdout.splitlines() if line.startswith("id "))
    assert header.split()[-3:] == ["title", "areas", "author"]
    [siti] = [line for line in listing.stdout.splitlines() if line.startswith("siaran:1 ")]
    assert "Pemberitahuan penting: TPS 12 di Desa…  " in siti
    assert siti.endswith("Bangoan, Kedungwaru, Ngunut  Siti (123456)")
    [cli] = [line for line in listing.stdout.splitlines() if line.startswith("siaran:2 ")]
    assert cli.split("WIB  ")[1].split() == ["Rapat", "KPPS", "besok", "all", "cli:kpu"]
    detail = bot("report", "siaran:1", "--database", filled.path, "--schedule", str(schedule))
    lines = [line.split(None, 1) for line in detail.stdout.splitlines()]
    assert ["title", "Pemberitahuan penting: TPS 12 di Desa Bangoan pindah ke balai desa mulai besok pagi"] in lines
    assert ["areas", "Bangoan, Kedungwaru, Ngunut"] in lines
    assert ["author", "Siti (123456)"] in lines


def test_audit_names_operators_the_bot_knows_and_keeps_the_id(filled):
    [page] = operator_commands.view_pages("audit", "id", area_schedule(), filled, 30, datetime(2030, 1, 1, tzinfo=TZ))
    assert " · Siti (123456) · siaran: kirim siaran:1" in page
    assert " · 654321 · batal siaran:1" in page  # a name never seen: the id alone
    assert " · cli:kpu · broadcast siaran:2" in page


def test_an_operator_name_is_written_once_and_again_only_when_it_changes(filled):
    assert not filled.remember_operator_name(SITI, "Siti")
    assert filled.remember_operator_name(SITI, "Siti <KPU> & co")
    assert filled.operator_names() == {str(SITI): "Siti <KPU> & co"}
    [page] = operator_commands.view_pages("audit", "id", area_schedule(), filled, 30, datetime(2030, 1, 1, tzinfo=TZ))
    assert "Siti &lt;KPU&gt; &amp; co (123456)" in page


def test_the_chart_names_an_ad_hoc_broadcast_by_its_first_line(filled):
    bars = reports.chart_bars(filled, area_schedule(), TZ)
    assert [b["label"] for b in bars] == ["Rapat KPPS besok", operator_texts.headline(LONG)]


def test_rencana_names_each_reminder_by_its_first_line_not_its_id():
    schedule = area_schedule()
    rows = plan.plan(schedule, lambda roles, areas=(): 3, 30, now=datetime(2029, 12, 31, tzinfo=TZ))
    [item] = operator_texts.plan_items(rows, TZ, "id", schedule.areas)
    assert item.startswith("<b>Hari ini kita memilih</b>\n  01-01-2030 09.00 · Pemilih · 3 penerima")
    assert "hari-h-pagi" not in item
