"""The operator tools on the command line: stats, report, broadcast, export."""

from __future__ import annotations

import asyncio
import os
import sys

import pytest

from bot.store import Store
from tests.conftest import make_schedule
from tests.e2e import Harness, add_subscribers
from tests.test_cli import ROOT, bot
from tests.test_export import read_csv

# Distinctive chat ids, so a leak into a file or an output is easy to spot.
ASN1, ASN2, KADES1, KADES2, KADES3, VOTER = 987654321, 987654322, 987654323, 987654324, 987654325, 987654326
SUBSCRIBERS = [
    (ASN1, "asn"),
    (ASN2, "asn"),
    (KADES1, "kades"),
    (KADES2, "kades"),
    (KADES3, "kades"),
    (VOTER, "pemilih"),
]
TEXT = "<b>Rapat koordinasi</b> kepala desa &amp; perangkat desa, Senin 09.00"


@pytest.fixture
def db(tmp_path) -> str:
    path = str(tmp_path / "bot.db")
    add_subscribers(path, SUBSCRIBERS)
    return path


@pytest.fixture
def message(tmp_path):
    path = tmp_path / "pesan.html"
    path.write_text(TEXT + "\n", encoding="utf-8")
    return str(path)


def rows(db: str, table: str) -> list[dict]:
    store = Store(db)
    try:
        return list(store.db.query(f"SELECT * FROM {table}"))
    finally:
        store.close()


def test_stats_shows_active_subscribers_per_role(db):
    store = Store(db)
    store.set_status(VOTER, "stopped")
    store.close()
    result = bot("stats", "--database", db)
    assert result.returncode == 0, result.stderr
    lines = [line.split() for line in result.stdout.splitlines()]
    assert ["asn", "2"] in lines
    assert ["kades", "3"] in lines
    assert ["pemilih", "0"] in lines
    assert ["total", "5"] in lines
    assert ["stopped", "1"] in lines
    assert ["new", "today", "6"] in lines
    assert str(ASN1) not in result.stdout


def test_report_of_an_unknown_id_exits_2(db):
    result = bot("report", "tidak-ada", "--database", db)
    assert result.returncode == 2
    assert result.stderr.strip() == "no broadcast with id tidak-ada"


@pytest.mark.parametrize(
    ("roles", "text", "error"),
    [
        ("kades,guru", TEXT, "guru"),
        (",", TEXT, "at least one role"),
        ("kades", "<b>Rapat koordinasi", "unclosed"),
        ("kades", "x" * 4097, "4096"),
        ("kades", None, "does not exist"),
    ],
)
def test_broadcast_refuses_bad_input_and_writes_nothing(db, tmp_path, roles, text, error):
    path = tmp_path / "pesan.html"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    result = bot("broadcast", "--roles", roles, "--text-file", str(path), "--yes", "--no-wait", "--database", db)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert error in result.stderr
    assert rows(db, "broadcasts") == []
    assert rows(db, "audit") == []


def test_broadcast_to_roles_without_subscribers_exits_2(tmp_path, message):
    db = str(tmp_path / "bot.db")
    add_subscribers(db, [(ASN1, "asn")])
    result = bot("broadcast", "--roles", "kades", "--text-file", message, "--yes", "--database", db)
    assert result.returncode == 2
    assert "no active subscribers with roles kades" in result.stderr
    assert rows(db, "broadcasts") == []


def test_broadcast_answered_no_sends_nothing(db, message):
    result = bot("broadcast", "--roles", "kades", "--text-file", message, "--database", db, input="n\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Rapat koordinasi kepala desa & perangkat desa, Senin 09.00" in out  # as recipients see it
    assert "<b>" not in out
    assert "Send to 3 recipients? [y/N]" in out
    assert "Cancelled, nothing sent." in out
    assert rows(db, "broadcasts") == []
    assert rows(db, "audit") == []
    assert rows(db, "deliveries") == []


def test_broadcast_yes_no_wait_queues_one_adhoc_broadcast_with_an_audit_row(db, message):
    result = bot("broadcast", "--roles", "asn, kades", "--text-file", message, "--yes", "--no-wait", "--database", db)
    assert result.returncode == 0, result.stderr
    [b] = rows(db, "broadcasts")
    assert (b["kind"], b["roles"], b["total"], b["text"]) == ("adhoc", "asn,kades", 5, TEXT)
    assert b["id"] in result.stdout
    assert len(rows(db, "deliveries")) == 5
    [entry] = rows(db, "audit")
    assert entry["actor"].startswith("cli:")
    assert entry["action"] == "broadcast"
    assert entry["subject"] == b["id"]
    assert entry["detail"] == "roles=asn,kades; recipients=5"

    report = bot("report", b["id"], "--database", db)
    assert report.returncode == 0, report.stderr
    lines = [line.split() for line in report.stdout.splitlines()]
    assert ["total", "5"] in lines
    assert ["pending", "5"] in lines
    assert ["sent", "0"] in lines
    listing = bot("report", "--database", db)
    assert listing.returncode == 0
    assert b["id"] in listing.stdout


def test_broadcast_says_when_the_bot_does_not_seem_to_be_running(db, message):
    result = bot("broadcast", "--roles", "pemilih", "--text-file", message, "--yes", "--timeout", "1", "--database", db)
    assert result.returncode == 0, result.stderr
    assert "does not seem to be running" in result.stdout
    assert "make run" in result.stdout
    assert "stays queued" in result.stdout
    [b] = rows(db, "broadcasts")
    assert b["status"] == "sending"
    assert b["total"] == 1


def test_export_has_per_role_counts_and_no_chat_id(db, message, tmp_path):
    queued = bot("broadcast", "--roles", "kades", "--text-file", message, "--yes", "--no-wait", "--database", db)
    assert queued.returncode == 0, queued.stderr
    out = tmp_path / "angka"
    result = bot("export", "--out", str(out), "--database", db)
    assert result.returncode == 0, result.stderr
    content = "".join(p.read_text(encoding="utf-8-sig") for p in out.iterdir())
    for chat_id, _ in SUBSCRIBERS:
        assert str(chat_id) not in content
    roles = read_csv(out / "peran.csv")
    assert list(roles[0]) == [
        "Peran",
        "Nama peran",
        "Aktif",
        "Berhenti",
        "Memblokir bot",
        "Akun hilang",
        "Belum memilih peran",
        "Jumlah",
    ]
    assert {r["Peran"]: int(r["Aktif"]) for r in roles} == {"asn": 2, "kades": 3, "pemilih": 1}
    [b] = rows(db, "broadcasts")
    [exported] = read_csv(out / "siaran.csv")
    assert (exported["ID"], exported["Judul"], int(exported["Penerima"])) == (
        b["id"],
        "Rapat koordinasi kepala desa & perangkat desa, Senin 09.00",
        3,
    )
    assert "cli:" not in content  # who sent it is not a figure


def test_export_makes_a_missing_folder(db, tmp_path):
    result = bot("export", "--out", str(tmp_path / "baru" / "angka"), "--database", db)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "baru" / "angka" / "peran.csv").is_file()


async def test_broadcast_from_the_command_line_reaches_exactly_its_roles_through_the_running_bot(
    tmp_path, soon, message
):
    schedule = make_schedule([{"id": "nanti", "at": soon(30 * 86400), "roles": ["pemilih"]}])
    async with Harness(tmp_path, schedule, subscribers=SUBSCRIBERS) as h:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "bot.py",
            "broadcast",
            "--roles",
            "kades",
            "--text-file",
            message,
            "--yes",
            "--database",
            h.db_path,
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        stdout, stderr = await asyncio.wait_for(proc.communicate(), timeout=40)
        assert proc.returncode == 0, stderr.decode()
        for chat_id in (KADES1, KADES2, KADES3):
            assert h.texts_to(chat_id) == [TEXT]
        for chat_id in (ASN1, ASN2, VOTER):
            assert h.texts_to(chat_id) == []
        assert "3 recipients: 3 sent, 0 blocked, 0 gone, 0 expired, 0 failed, 0 cancelled" in stdout.decode()
