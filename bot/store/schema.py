"""The database file: opening it, its schema as numbered migrations, write transactions.

The schema changes only through migrations (sqlite-utils' `Migrations`, recorded in the
``_sqlite_migrations`` table). Migration 1 is the schema of the November 2026 release, written
with ``IF NOT EXISTS`` so that a database that release created (tables present, no migrations
table) is left as it is and recorded as being at migration 1. Every later change to the schema is
a new migration appended to `MIGRATIONS`; never edit one that has shipped.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from types import TracebackType

import sqlite_utils
from sqlite_utils import Migrations

from bot.store.statuses import ACTIVE, PENDING, SENDING

# Seconds a connection waits for another one's write lock before "database is locked". Connections
# used from worker threads (engine, scheduler) may wait long; the event loop's own connection
# waits less (see bot/telegram/app.py), so a foreign lock never freezes replies for long.
BUSY_TIMEOUT = 30.0
HEARTBEAT_KEY = "heartbeat"
# Tables every bot database has had since the first release; a file without them is something else.
REQUIRED_TABLES = frozenset({"subscribers", "broadcasts", "deliveries", "meta"})

MIGRATIONS = Migrations("bot")

# The November 2026 schema, statement by statement (executescript would commit the transaction
# the migration runs in).
INITIAL_SCHEMA = (
    f"""CREATE TABLE IF NOT EXISTS subscribers (
    chat_id INTEGER PRIMARY KEY,
    role TEXT,
    language TEXT,
    status TEXT NOT NULL DEFAULT '{ACTIVE}',
    joined_at REAL NOT NULL,
    updated_at REAL NOT NULL
)""",
    "CREATE INDEX IF NOT EXISTS subscribers_audience ON subscribers (status, role, chat_id)",
    """CREATE TABLE IF NOT EXISTS broadcasts (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    text_en TEXT,
    stage TEXT,
    roles TEXT NOT NULL,
    silent INTEGER NOT NULL DEFAULT 0,
    at REAL NOT NULL,
    expires REAL NOT NULL,
    deliver_by REAL NOT NULL,
    status TEXT NOT NULL,
    created_at REAL NOT NULL,
    enqueued_at REAL,
    finished_at REAL,
    total INTEGER NOT NULL DEFAULT 0,
    n_sent INTEGER NOT NULL DEFAULT 0,
    n_blocked INTEGER NOT NULL DEFAULT 0,
    n_gone INTEGER NOT NULL DEFAULT 0,
    n_expired INTEGER NOT NULL DEFAULT 0,
    n_failed INTEGER NOT NULL DEFAULT 0,
    n_cancelled INTEGER NOT NULL DEFAULT 0,
    n_retries INTEGER NOT NULL DEFAULT 0,
    n_resumed INTEGER NOT NULL DEFAULT 0,
    n_ambiguous INTEGER NOT NULL DEFAULT 0,
    rate REAL,
    eta REAL,
    progress_at REAL
)""",
    f"""CREATE TABLE IF NOT EXISTS deliveries (
    broadcast_id TEXT NOT NULL,
    chat_id INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT '{PENDING}',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at REAL NOT NULL DEFAULT 0,
    last_error TEXT,
    updated_at REAL,
    PRIMARY KEY (broadcast_id, chat_id)
) WITHOUT ROWID""",
    # Partial indexes: a query uses one only if it repeats the literal (see bot/store/outbox.py).
    f"CREATE INDEX IF NOT EXISTS deliveries_pending ON deliveries (broadcast_id, next_at) WHERE status = '{PENDING}'",
    f"CREATE INDEX IF NOT EXISTS deliveries_sending ON deliveries (broadcast_id) WHERE status = '{SENDING}'",
    "CREATE INDEX IF NOT EXISTS deliveries_chat ON deliveries (chat_id)",
    """CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
)""",
    """CREATE TABLE IF NOT EXISTS stage_dates (
    stage_id TEXT PRIMARY KEY,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    seen_at REAL NOT NULL
)""",
    """CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT,
    detail TEXT
)""",
    """CREATE TABLE IF NOT EXISTS drafts (
    id INTEGER PRIMARY KEY,
    author INTEGER NOT NULL,
    roles TEXT NOT NULL DEFAULT '',
    text TEXT,
    status TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    approved_by INTEGER,
    broadcast_id TEXT,
    status_chat_id INTEGER,
    status_message_id INTEGER
)""",
)


@MIGRATIONS(name="0001_initial_schema")
def initial_schema(db: sqlite_utils.Database) -> None:
    """The schema of the November 2026 release; a no-op on a database that release created."""
    for statement in INITIAL_SCHEMA:
        db.conn.execute(statement)


@MIGRATIONS(name="0002_areas")
def areas(db: sqlite_utils.Database) -> None:
    """A subscriber's kecamatan and desa; the areas a broadcast or draft targets.

    NULL area: the person gave none. A broadcast's ``areas`` is a comma-separated list of
    references ('kedungwaru', 'kedungwaru/bangoan'), '' for everybody; a draft's is NULL until
    the operator chooses. The index lets one kecamatan's audience be found without a full scan.
    """
    for statement in (
        "ALTER TABLE subscribers ADD COLUMN area TEXT",
        "ALTER TABLE subscribers ADD COLUMN desa TEXT",
        "ALTER TABLE broadcasts ADD COLUMN areas TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE drafts ADD COLUMN areas TEXT",
        "CREATE INDEX subscribers_area ON subscribers (area, status, role, chat_id)",
    ):
        db.conn.execute(statement)


@MIGRATIONS(name="0003_pledges")
def pledges(db: sqlite_utils.Database) -> None:
    """One-tap pledges ("I will vote", "I have voted") and the ask a broadcast carries.

    One row per person and ask (the primary key makes a repeated press a no-op), with the role
    and kecamatan they had when they pressed, for the figures per role and area. A broadcast's
    ``ask`` (NULL: no button) is stored so that copies sent after a restart keep their button.
    """
    for statement in (
        """CREATE TABLE pledges (
    chat_id INTEGER NOT NULL,
    ask TEXT NOT NULL,
    role TEXT,
    area TEXT,
    at REAL NOT NULL,
    PRIMARY KEY (chat_id, ask)
) WITHOUT ROWID""",
        "ALTER TABLE broadcasts ADD COLUMN ask TEXT",
    ):
        db.conn.execute(statement)


@MIGRATIONS(name="0004_unanswered")
def unanswered(db: sqlite_utils.Database) -> None:
    """Free-text questions the FAQ could not answer, counted per day, without any chat id.

    One row per (text, day): /pertanyaan sums the last 30 days, and days older than that
    are deleted (bot/store/questions.py), so nothing is kept longer than 30 days.
    """
    db.conn.execute(
        """CREATE TABLE unanswered (
    text TEXT NOT NULL,
    day INTEGER NOT NULL,  -- Unix day (UTC): floor(time / 86400)
    count INTEGER NOT NULL,
    last_seen REAL NOT NULL,
    PRIMARY KEY (text, day)
) WITHOUT ROWID"""
    )
    db.conn.execute("CREATE INDEX unanswered_day ON unanswered (day)")


@MIGRATIONS(name="0005_pledge_totals")
def pledge_totals(db: sqlite_utils.Database) -> None:
    """Pledge counts without chat ids: where ``purge`` moves old pledges, so the figures outlive them.

    One row per purge and (ask, role, area); the reports add them to the counts of ``pledges``.
    """
    db.conn.execute(
        """CREATE TABLE pledge_totals (
    ask TEXT NOT NULL,
    role TEXT,
    area TEXT,
    n INTEGER NOT NULL
)"""
    )


@MIGRATIONS(name="0006_network_waits")
def network_waits(db: sqlite_utils.Database) -> None:
    """A copy put back because its request never left (network down) is marked ``offline``.

    Such a copy waits for the network until its broadcast expires without using up the attempts
    meant for Telegram's own errors, and reports count it as "waiting for the network".
    """
    db.conn.execute("ALTER TABLE deliveries ADD COLUMN offline INTEGER NOT NULL DEFAULT 0")


@MIGRATIONS(name="0007_elections")
def elections(db: sqlite_utils.Database) -> None:
    """Earlier elections, archived when the bot switches to the next one (bot/store/elections.py).

    ``elections`` holds one row per archived election with its figures (counts only, as JSON);
    ``archived_broadcasts`` keeps each of its broadcasts as a JSON object of the ``broadcasts``
    row, so that later migrations of ``broadcasts`` never have to follow here. No chat id is kept.
    """
    for statement in (
        """CREATE TABLE elections (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    voting_day TEXT,
    archived_at REAL NOT NULL,
    figures TEXT NOT NULL
)""",
        """CREATE TABLE archived_broadcasts (
    election_id INTEGER NOT NULL REFERENCES elections (id),
    broadcast_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    row TEXT NOT NULL,
    PRIMARY KEY (election_id, broadcast_id)
)""",
    ):
        db.conn.execute(statement)


@MIGRATIONS(name="0008_scheduled_broadcasts")
def scheduled_broadcasts(db: sqlite_utils.Database) -> None:
    """The time a /siaran draft is to be sent ("Kirim nanti"), NULL for at once.

    The broadcast itself needs no new column: it waits in ``broadcasts`` with status 'scheduled'
    and its time in ``at`` until it falls due (bot/delivery/scheduler.py).
    """
    db.conn.execute("ALTER TABLE drafts ADD COLUMN send_at REAL")


@MIGRATIONS(name="0009_tps")
def tps(db: sqlite_utils.Database) -> None:
    """A subscriber's own TPS, the broadcasts that name it, and the TPS locations last announced.

    ``subscribers.tps`` is the TPS number within the subscriber's kecamatan and desa (NULL: none
    given). ``broadcasts.venue`` (0/1): its copies are followed by the TPS's location pin.
    ``tps_locations`` holds each TPS's location as the bot last knew it ("kedungwaru/bangoan/007"),
    so a TPS that moves gets one correction (bot/delivery/tps_moves.py).
    """
    for statement in (
        "ALTER TABLE subscribers ADD COLUMN tps INTEGER",
        "ALTER TABLE broadcasts ADD COLUMN venue INTEGER NOT NULL DEFAULT 0",
        """CREATE TABLE tps_locations (
    tps TEXT PRIMARY KEY,
    location TEXT NOT NULL,
    lat REAL,
    lon REAL,
    seen_at REAL NOT NULL
) WITHOUT ROWID""",
        "CREATE INDEX subscribers_tps ON subscribers (area, desa, tps) WHERE tps IS NOT NULL",
    ):
        db.conn.execute(statement)


@MIGRATIONS(name="0010_sources")
def sources(db: sqlite_utils.Database) -> None:
    """Where a subscriber came from: the source tag of the first deep link they opened ("ajak",
    "kanal", a poster's "balai-bangoan"), NULL for a plain /start. Not personal data: the figures per
    source are counts; /hapus deletes it with the row.
    """
    db.conn.execute("ALTER TABLE subscribers ADD COLUMN source TEXT")
    # A broadcast whose copies carry the invite button (a reminder with invite = true).
    db.conn.execute("ALTER TABLE broadcasts ADD COLUMN invite INTEGER NOT NULL DEFAULT 0")


def migrate(db: sqlite_utils.Database, migrations: Migrations = MIGRATIONS) -> list[str]:
    """Apply every pending migration, all in one write transaction; returns the names applied.

    BEGIN IMMEDIATE takes the write lock before looking at what is pending, so two processes
    opening the same file at once apply each migration once: the second waits, then finds
    nothing to do. A database already up to date is only read.
    """
    if not migrations.pending(db):
        return []
    with Transaction(db.conn):
        names = [m.name for m in migrations.pending(db)]
        migrations.apply(db)  # each migration runs in a savepoint of this transaction
    return names


def open_db(path: str | os.PathLike, busy_timeout: float | None = None) -> sqlite_utils.Database:
    """Open the bot's database, creating file, parent folder and schema if missing, and upgrade it.

    The file is created readable by its owner only: it holds who subscribed.
    """
    path = str(path)
    busy_timeout = BUSY_TIMEOUT if busy_timeout is None else busy_timeout
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        if not os.path.exists(path):
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
    conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    conn.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    migrate(db)
    return db


def missing_tables(path: str | os.PathLike, timeout: float = 5.0) -> list[str]:
    """The REQUIRED_TABLES an existing database file lacks (sorted), read without writing anything.

    All of them for an empty file; sqlite3.DatabaseError for a file that is not SQLite at all.
    """
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()
    return sorted(REQUIRED_TABLES - tables)


def read_heartbeat(path: str | os.PathLike, timeout: float = 5.0) -> dict | None:
    """The heartbeat row of a database, read without writing anything (None if there is none).

    Raises FileNotFoundError when the file does not exist (it is never created here).
    """
    return read_meta(path, HEARTBEAT_KEY, timeout)


def read_meta(path: str | os.PathLike, key: str, timeout: float = 5.0) -> dict | None:
    """A JSON meta row of a database, read without writing anything (None if there is none).

    Raises FileNotFoundError when the file does not exist (it is never created here).
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(str(path))
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise
    finally:
        conn.close()
    return json.loads(row[0]) if row else None


class Transaction:
    """BEGIN IMMEDIATE ... COMMIT, re-entrant (inner blocks join the outer transaction)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.outer = False

    def __enter__(self) -> sqlite3.Connection:
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")
            self.outer = True
        return self.conn

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.outer:
            self.conn.execute("COMMIT" if exc_type is None else "ROLLBACK")
