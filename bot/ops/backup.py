"""`bot.py backup` and `bot.py restore`: a consistent copy of the database, and putting one back.

Backup reads the database through a read-only connection with SQLite's online backup API, so
it is safe beside a running bot (WAL: the bot keeps writing while the copy is taken) and a
mistyped path is refused instead of creating an empty database. The copy is checked with
`PRAGMA integrity_check` before it replaces `--out`, which it does atomically, mode 0600 (it
holds who subscribed).

Restore refuses while a bot holds the database's lock, checks the file first (intact, and a
bot database), keeps the database it replaces beside it (`<db>.replaced-2027-11-26T1900WIB`, WAL
folded in), and installs the copy with a rename.

Names carry the election's local time and its zone, as every time the bot shows: `backup --out
FOLDER` writes `FOLDER/bot-2027-11-26T1900WIB.db`. Older releases named files in the server's
time (`bot-20271126-120000.db`); those restore like any other file.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import tempfile
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.content.formats import zone_abbreviation
from bot.ops.files import BadInput, Unavailable, check_bot_database, check_database_path, reason
from bot.store import REQUIRED_TABLES

BUSY_TIMEOUT = 30.0  # seconds a backup step waits for the bot's write lock


@dataclass(frozen=True)
class Copy:
    """What a backup or restore copied: figures for its one-line report."""

    path: Path
    subscribers: int
    in_flight: int  # deliveries in 'sending' state: may be sent twice after a restore


def _read_only(path: Path) -> sqlite3.Connection:
    """A connection that can never create or change the file."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT)


def check_copy(conn: sqlite3.Connection, what: str) -> Copy:
    """BadInput unless the database on `conn` is intact and a bot database; its figures."""
    try:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise BadInput(f"{what} is damaged or not a SQLite database ({exc})") from None
    if problems != ["ok"]:
        raise BadInput(f"{what} fails the integrity check: {'; '.join(problems[:3])}")
    missing = sorted(REQUIRED_TABLES - tables)
    if missing:
        raise BadInput(f"{what} is not a bot database (no table {', '.join(missing)})")
    subscribers = conn.execute("SELECT count(*) FROM subscribers").fetchone()[0]
    in_flight = conn.execute("SELECT count(*) FROM deliveries WHERE status = 'sending'").fetchone()[0]
    return Copy(Path(what), subscribers, in_flight)


def _copy(source: sqlite3.Connection, target: Path) -> None:
    """SQLite's online backup of `source` into a new file `target`, left in rollback-journal mode."""
    dest = sqlite3.connect(target)
    try:
        source.backup(dest, pages=1024)  # steps: the bot's writes go on between them
        dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        dest.close()


@contextlib.contextmanager
def _temporary(folder: Path, name: str, flag: str = "") -> Iterator[Path]:
    """A temporary file name in `folder` (for a rename into place); removed unless renamed.

    BadInput, its message starting with `flag` (the option that named the folder), if the folder
    cannot be written.
    """
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    except OSError as exc:  # permission denied, a read-only disk ...
        raise BadInput(f"{flag}cannot write in folder {folder} ({reason(exc)})") from None
    os.close(fd)
    os.chmod(tmp, 0o600)
    try:
        yield Path(tmp)
    finally:
        for leftover in (tmp, tmp + "-journal"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(leftover)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _open_source(database: str) -> sqlite3.Connection:
    check_database_path(database)
    if not Path(database).is_file():
        raise BadInput(f"database {database} does not exist (set BOT_DATABASE or --database)")
    try:
        check_bot_database(database)  # another SQLite file: refused before anything is copied
        conn = _read_only(Path(database))
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise Unavailable(f"database {database} is busy ({exc}); try again") from None
        raise BadInput(f"cannot read database {database} ({exc}): run as the bot's user") from None
    except sqlite3.DatabaseError as exc:
        raise BadInput(f"database {database} is damaged or not a SQLite database ({exc})") from None
    return conn


def backup(database: str, out: Path) -> Copy:
    """Copy `database` into `out` (already checked by files.output_path): checked, atomic, mode 0600."""
    source = _open_source(database)
    try:
        with _temporary(out.parent, out.name, "--out: ") as tmp:
            try:
                _copy(source, tmp)
            except sqlite3.OperationalError as exc:
                raise Unavailable(f"backup of {database} failed ({exc}); try again") from None
            conn = sqlite3.connect(f"{tmp.resolve().as_uri()}?mode=ro", uri=True)
            try:
                copy = check_copy(conn, f"the copy of {database}")
            finally:
                conn.close()
            try:
                _fsync(tmp)
                os.replace(tmp, out)
            except OSError as exc:
                raise Unavailable(f"cannot write {out} ({reason(exc)})") from None
    finally:
        source.close()
    return Copy(out, copy.subscribers, copy.in_flight)


def check_backup(path: str) -> Copy:
    """BadInput unless `path` is an intact bot database; its figures."""
    if not Path(path).is_file():
        raise BadInput(f"{path} does not exist or is not a file")
    try:
        conn = _read_only(Path(path))
    except sqlite3.Error as exc:
        raise BadInput(f"cannot read {path} ({exc})") from None
    try:
        copy = check_copy(conn, path)
    finally:
        conn.close()
    return copy


def election_zone(schedule: str) -> tzinfo:
    """The `[election] timezone` of the schedule file, read alone (a backup must not wait for the rest of
    the file to be valid); the server's own zone if the file or the key cannot be read."""
    try:
        with open(schedule, "rb") as fh:
            return ZoneInfo(tomllib.load(fh)["election"]["timezone"])
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError, ZoneInfoNotFoundError):
        return server_zone()


def server_zone() -> tzinfo:
    return datetime.now().astimezone().tzinfo or ZoneInfo("UTC")


def local_stamp(tz: tzinfo, now: float | None = None) -> str:
    """'2027-11-26T1900WIB': the time in `tz` to the minute and the zone's name, safe in a file name."""
    when = datetime.fromtimestamp(time.time() if now is None else now, tz)
    zone = zone_abbreviation(getattr(tz, "key", None) or "")  # WIB, WITA, WIT
    if not re.fullmatch(r"[A-Za-z]+", zone):  # another zone: its abbreviation, UTC, CET or +07
        zone = re.sub(r"[^A-Za-z0-9+-]", "", when.strftime("%Z")) or when.strftime("%z")
    return when.strftime("%Y-%m-%dT%H%M") + zone


def _unused(name: str) -> Path:
    """`name`, or `name-2`, `name-3` ... (before the suffix) if taken: two copies in a minute keep both."""
    path, n = Path(name), 2
    while path.exists():
        path, n = Path(name).with_stem(f"{Path(name).stem}-{n}"), n + 1
    return path


def dated_name(folder: Path, tz: tzinfo, now: float | None = None) -> Path:
    """A new backup's name in `folder`: bot-2027-11-26T1900WIB.db, in the election's time."""
    return _unused(str(folder / f"bot-{local_stamp(tz, now)}.db"))


def replaced_name(database: str, tz: tzinfo | None = None, now: float | None = None) -> Path:
    """Where the database a restore replaces is kept: beside it, <database>.replaced-2027-11-26T1900WIB."""
    stamp = local_stamp(tz or server_zone(), now)
    path, n = Path(f"{database}.replaced-{stamp}"), 2
    while path.exists():  # two restores in one minute keep both
        path, n = Path(f"{database}.replaced-{stamp}-{n}"), n + 1
    return path


def restore(backup_file: str, database: str, tz: tzinfo | None = None) -> tuple[Copy, Path | None]:
    """Install `backup_file` as `database`; the caller holds the database's lock. `tz` (the election's)
    names the file the replaced database is kept in.

    Returns the restored figures and where the replaced database is kept (None if there was none).
    """
    copy = check_backup(backup_file)
    db = Path(database)
    db.parent.mkdir(parents=True, exist_ok=True)
    kept: Path | None = None
    with _temporary(db.parent, db.name) as tmp:
        source = _read_only(Path(backup_file))
        try:
            _copy(source, tmp)
        finally:
            source.close()
        _fsync(tmp)
        if db.exists():
            kept = replaced_name(database, tz)
            current = sqlite3.connect(db, timeout=BUSY_TIMEOUT)  # read-write: folds its -wal into the copy
            try:
                _copy(current, kept)
                current.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.DatabaseError as exc:
                raise BadInput(f"cannot keep a copy of the current database {database} ({exc})") from None
            finally:
                current.close()
            os.chmod(kept, 0o600)
            _fsync(kept)
        # The old -wal and -shm belong to the old file: SQLite would replay them into the new one.
        for suffix in ("-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{database}{suffix}")
        os.replace(tmp, db)
    os.chmod(db, 0o600)
    return copy, kept
