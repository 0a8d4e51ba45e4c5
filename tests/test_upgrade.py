"""Upgrading: a database written by the November 2026 release, opened by today's code.

tests/fixtures/release-2026-11.db was made by tests/fixtures/make_fixture_db.py with that
release's code, before the schema came under migrations.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlite_utils import Migrations

from bot.delivery import scheduler
from bot.store import ACTIVE, BLOCKED, DONE, MIGRATIONS, SENT, STOPPED, VISITOR, WRITING, Store, migrate, open_db
from bot.store.schema import areas as areas_migration
from bot.store.schema import initial_schema
from bot.store.schema import pledge_totals as pledge_totals_migration
from bot.store.schema import pledges as pledges_migration
from bot.store.schema import unanswered as unanswered_migration
from tests.conftest import make_schedule
from tests.e2e import Harness
from tests.fixtures.make_fixture_db import BLOCKED_CHAT, REMINDER_ID, STOPPED_CHAT, SUBSCRIBERS
from tests.fixtures.make_fixture_db import VISITOR as VISITOR_ROW

FIXTURE = Path(__file__).parent / "fixtures" / "release-2026-11.db"
TABLES = ("subscribers", "broadcasts", "deliveries", "drafts", "audit", "meta", "stage_dates")


ALL_MIGRATIONS = [
    "0001_initial_schema",
    "0002_areas",
    "0003_pledges",
    "0004_unanswered",
    "0005_pledge_totals",
    "0006_network_waits",
    "0007_elections",
    "0008_scheduled_broadcasts",
    "0009_tps",
    "0010_sources",
]


def old_columns(table: str) -> str:
    conn = sqlite3.connect(f"{FIXTURE.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return ", ".join(row[1] for row in conn.execute(f"PRAGMA table_info({table})"))
    finally:
        conn.close()


def snapshot(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table of the old schema, in its old columns, read without the store."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {t: sorted(conn.execute(f"SELECT {old_columns(t)} FROM {t}").fetchall(), key=repr) for t in TABLES}
    finally:
        conn.close()


@pytest.fixture
def old_db(tmp_path) -> Path:
    path = tmp_path / "bot.db"
    shutil.copyfile(FIXTURE, path)
    return path


def test_the_fixture_predates_migrations():
    conn = sqlite3.connect(f"{FIXTURE.resolve().as_uri()}?mode=ro", uri=True)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert set(TABLES) <= tables
    assert MIGRATIONS.migrations_table not in tables


def test_opening_an_old_database_loses_nothing_and_records_every_migration(old_db):
    before = snapshot(old_db)
    store = Store(old_db)
    try:
        assert [m.name for m in MIGRATIONS.applied(store.db)] == ALL_MIGRATIONS
        assert MIGRATIONS.pending(store.db) == []
        for chat_id, role, language in SUBSCRIBERS:
            s = store.subscriber(chat_id)
            assert (s.role, s.language, s.status) == (role, language, ACTIVE), chat_id
        assert store.subscriber(STOPPED_CHAT[0]).status == STOPPED
        assert store.subscriber(BLOCKED_CHAT[0]).status == BLOCKED
        visitor = store.subscriber(VISITOR_ROW[0])
        assert (visitor.role, visitor.language, visitor.status) == (None, VISITOR_ROW[1], VISITOR)
        reminder = store.broadcast(REMINDER_ID)
        assert (reminder.status, reminder.total, reminder.n_sent, reminder.n_blocked) == (DONE, 9, 8, 1)
        assert store.broadcast("siaran:1").n_sent == 2
        [open_draft] = [d for d in (store.draft(1), store.draft(2)) if d.status == WRITING]
        assert open_draft.role_list == ["asn", "kades"]
        assert open_draft.text is None
        assert store.draft(1).broadcast_id == "siaran:1"
        assert [(a["action"], a["subject"]) for a in store.audit_trail()] == [("broadcast", "siaran:1")]
        assert store.meta("webhook_secret") == "fixture-webhook-secret"
        assert store.known_stage_dates()["kampanye"] == ("2024-09-25", "2024-11-23")
    finally:
        store.close()
    assert snapshot(old_db) == before  # not a row changed


def test_an_old_database_gets_the_area_columns_empty(old_db):
    store = Store(old_db)
    try:
        for chat_id, _role, _language in SUBSCRIBERS:
            s = store.subscriber(chat_id)
            assert (s.area, s.desa) == (None, None)
        assert store.broadcast(REMINDER_ID).area_list == []  # it reached everybody
        assert store.draft(1).areas is None
        assert store.count_audience(["asn", "kades", "pemilih"], ["kedungwaru"]) == 0
        assert store.set_area(SUBSCRIBERS[0][0], "kedungwaru")
        assert store.count_audience(["asn", "kades", "pemilih"], ["kedungwaru"]) == 1
        indexes = {r[1] for r in store.conn.execute("PRAGMA index_list(subscribers)")}
        assert "subscribers_area" in indexes
    finally:
        store.close()


def shipped_and_one_more() -> Migrations:
    """A copy of the shipped migrations, for a test to add one after them."""
    later = Migrations(MIGRATIONS.name)
    later(name="0001_initial_schema")(initial_schema)
    later(name="0002_areas")(areas_migration)
    later(name="0003_pledges")(pledges_migration)
    later(name="0004_unanswered")(unanswered_migration)
    later(name="0005_pledge_totals")(pledge_totals_migration)
    return later


def test_a_later_migration_is_applied_once(old_db):
    Store(old_db).close()  # now at the latest migration
    later = shipped_and_one_more()

    @later(name="0099_test_note")
    def add_note(db):
        db["audit"].add_column("note", str)

    db = open_db(old_db)
    assert migrate(db, later) == ["0099_test_note"]
    assert migrate(db, later) == []
    assert [m.name for m in later.applied(db)] == [*ALL_MIGRATIONS, "0099_test_note"]
    assert "note" in db["audit"].columns_dict
    assert db.execute("SELECT action FROM audit").fetchall() == [("broadcast",)]
    db.conn.close()


def test_a_failing_migration_changes_nothing_and_stays_pending(old_db):
    Store(old_db).close()
    later = shipped_and_one_more()

    @later(name="0099_broken")
    def broken(db):
        db["audit"].add_column("note", str)
        raise RuntimeError("half-way")

    db = open_db(old_db)
    with pytest.raises(RuntimeError):
        migrate(db, later)
    assert "note" not in db["audit"].columns_dict
    assert [m.name for m in later.pending(db)] == ["0099_broken"]
    assert not db.conn.in_transaction
    db.conn.close()


@pytest.mark.parametrize("fresh", [True, False])
def test_processes_opening_the_same_file_at_once_migrate_it_once(tmp_path, old_db, fresh):
    path = tmp_path / "new.db" if fresh else old_db
    start, errors = threading.Barrier(6), []

    def open_it():
        start.wait()
        try:
            Store(path).close()
        except Exception as exc:  # pragma: no cover - what the test guards against
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT name FROM _sqlite_migrations").fetchall() == [(m,) for m in ALL_MIGRATIONS]
    conn.close()


async def test_the_upgraded_bot_does_not_resend_and_reaches_the_same_people(tmp_path, soon):
    shutil.copyfile(FIXTURE, tmp_path / "bot.db")  # the Harness's database
    schedule = make_schedule(
        [
            # Due now and not expired: only the fixture's record of it keeps it from going out again.
            {"id": REMINDER_ID, "at": soon(-60), "expires": soon(3600), "roles": ["asn", "kades", "pemilih"]},
            {
                "id": "baru",
                "at": soon(600),
                "expires": soon(3600),
                "roles": ["asn", "kades", "pemilih"],
                "text": "pengingat baru",
                "text_en": "new reminder",
            },
        ]
    )
    async with Harness(tmp_path, schedule) as h:
        decisions = {d.reminder.id: d.action for d in scheduler.decide(schedule, h.store, soon(0).timestamp())}
        assert decisions[REMINDER_ID] == scheduler.SKIP_DONE
        await h.reach("baru")
        await h.standin.wait_for(lambda: getattr(h.store.broadcast("baru"), "status", None) == DONE, timeout=30)
        active = {chat_id: language for chat_id, _, language in SUBSCRIBERS}
        received = {chat_id: h.texts_to(chat_id) for chat_id in {m["chat_id"] for m in h.standin.messages}}
        assert received == {c: ["new reminder" if lang == "en" else "pengingat baru"] for c, lang in active.items()}
        assert h.standin.calls["sendMessage"] == len(active)  # nothing else: the old reminder not again
        b = h.store.broadcast("baru")
        assert (b.total, b.n_sent) == (len(active), len(active))
        assert h.store.broadcast(REMINDER_ID).n_sent == 8
        assert {d["status"] for c in active for d in h.store.deliveries_of(c) if d["broadcast_id"] == "baru"} == {SENT}
