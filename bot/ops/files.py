"""Files the command line opens and writes, checked so that a mistake costs one line, not data.

- the database: a folder, a damaged file or an unwritable place is bad input, not a traceback;
- the database lock (bot/ops/lock.py) as a `with` block that names the holder when it is taken;
- `--out` files: never the database (or its -wal, -shm, -journal, lock), the schedule or the
  settings file, never a folder, and written atomically (a temporary file, then a rename);
- an `--out` folder (`export`): never a file, made if missing.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from bot import settings as cfg
from bot.ops import lock

if TYPE_CHECKING:
    from bot.store import Store


class BadInput(Exception):
    """Bad input to a command: the message is the one line printed, exit code 2."""


class Unavailable(Exception):
    """A failure a restart may cure (network, a busy database): one line printed, exit code 1."""


def check_database_path(database: str) -> None:
    """BadInput if the database path is a folder, or if a file stands where its folder should be."""
    path = Path(database)
    if path.is_dir():
        raise BadInput(f"database {database} is a folder: set BOT_DATABASE (or --database) to a file, e.g. data/bot.db")
    folder = next((p for p in path.absolute().parents if p.exists()), None)
    if folder is not None and not folder.is_dir():
        raise BadInput(f"database {database}: {folder} is a file, not a folder; set BOT_DATABASE (or --database)")


def open_database(database: str, *, must_exist: bool = False) -> Store:
    """The bot's Store; BadInput saying what to fix when the path or the file cannot be used.

    `must_exist` (every command but `run` and `demo`): the file must exist and be a bot database,
    checked before opening it, which would add the bot's tables to any other SQLite file.
    """
    from bot.store import Store

    check_database_path(database)
    if must_exist and not Path(database).is_file():
        raise BadInput(f"database {database} does not exist (set BOT_DATABASE or --database)")
    try:
        if must_exist:
            check_bot_database(database)
        return Store(database)
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise Unavailable(f"database {database} is busy ({exc}); try again") from None
        raise BadInput(
            f"cannot open database {database} ({exc}): make it and its folder writable by this user"
        ) from None
    except sqlite3.DatabaseError as exc:
        raise BadInput(
            f"database {database} is damaged or not a SQLite database ({exc}): restore it from a backup "
            "or set BOT_DATABASE to another file"
        ) from None
    except OSError as exc:
        raise BadInput(
            f"cannot create database {database} ({exc.strerror}): make its folder writable by this user "
            "or set BOT_DATABASE"
        ) from None


def check_bot_database(database: str) -> None:
    """BadInput unless the existing file `database` has the bot's tables; nothing is written."""
    from bot.store import missing_tables

    missing = missing_tables(database)
    if missing:
        raise BadInput(
            f"database {database} is not a bot database (no table {', '.join(missing)}): "
            "set BOT_DATABASE (or --database) to the bot's file"
        )


@contextlib.contextmanager
def exclusive(database: str, command: str, doing: str, create: bool = True) -> Iterator[lock.DatabaseLock]:
    """Hold the database's lock for the block; BadInput naming the holder's PID if it is taken.

    `doing` ends the message: "stop it before <doing>".
    """
    check_database_path(database)
    try:
        held = lock.DatabaseLock(database, command, create).acquire()
    except lock.DatabaseBusy as exc:
        raise BadInput(f"{exc}: stop it before {doing}") from None
    except OSError as exc:
        raise BadInput(
            f"cannot create the lock file {lock.lock_path(database)} ({exc.strerror}): make the database's "
            "folder writable by this user or set BOT_DATABASE"
        ) from None
    try:
        yield held
    finally:
        held.release()


def protected_files(settings: cfg.Settings) -> dict[Path, str]:
    """The bot's own files, which an `--out` must never replace, with how to name them."""
    db = settings.database
    files = {db: "the bot's database (BOT_DATABASE)", str(lock.lock_path(db)): "the database's lock file"}
    for suffix in ("-wal", "-shm", "-journal"):
        files[db + suffix] = f"the database's {suffix} file"
    files[settings.schedule] = "the schedule (BOT_SCHEDULE)"
    if settings.env_file:
        files[settings.env_file] = "the settings file"
    return {Path(path).resolve(): what for path, what in files.items()}


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Do two paths name one file (after links)? False when either does not exist."""
    pa, pb = Path(a).resolve(), Path(b).resolve()
    return pa == pb or (pa.exists() and pb.exists() and os.path.samefile(pa, pb))


def output_path(value: str, settings: cfg.Settings) -> Path:
    """The file an `--out` names, resolved; BadInput for a folder, a missing folder or one of the bot's files."""
    out = Path(value).resolve()
    if out.is_dir():
        raise BadInput(f"--out: {value} is a folder; give a file name")
    if not out.parent.is_dir():
        raise BadInput(f"--out: folder {Path(value).parent} does not exist")
    for path, what in protected_files(settings).items():
        if same_file(out, path):
            raise BadInput(f"--out: {value} is {what}; choose another file")
    return out


def output_folder(value: str, settings: cfg.Settings) -> Path:
    """The folder an `--out` names, resolved (it may not exist yet); BadInput for a file or one of the bot's files."""
    out = Path(value).resolve()
    for path, what in protected_files(settings).items():
        if same_file(out, path):
            raise BadInput(f"--out: {value} is {what}; give a folder")
    if out.exists() and not out.is_dir():
        raise BadInput(f"--out: {value} is a file; give a folder (one CSV file is written per table)")
    if not out.exists() and out.suffix.lower() == ".csv":  # the form of `export` before it wrote a folder
        raise BadInput(f"--out: {value} names a file; give a folder, e.g. --out {Path(value).with_suffix('')}")
    return out


def make_folder(folder: Path, value: str) -> None:
    """Create an `--out` folder and the folders above it; BadInput saying why it cannot be made."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a file stands where a folder above it should be
        raise BadInput(f"--out: cannot create folder {value}: a file stands in its path") from None
    except OSError as exc:
        raise BadInput(f"--out: cannot create folder {value} ({reason(exc)})") from None


def reason(exc: OSError) -> str:
    """An OSError as the words between brackets in a one-line message: "read-only file system"."""
    text = exc.strerror or str(exc)
    return text[:1].lower() + text[1:]


def write_atomically(path: Path, data: bytes) -> None:
    """Write a whole file or nothing: a temporary file in the same folder, then a rename over `path`.

    The result gets the old file's permissions, or the usual ones (umask) for a new file.
    """
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:  # permission denied, a read-only disk ...
        raise BadInput(f"--out: cannot write in folder {path.parent} ({reason(exc)})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise Unavailable(f"cannot write {path}: {exc.strerror or exc}") from None
        raise
