"""One process at a time on a database: an exclusive lock on a file next to it.

`bot.py run` holds the lock for its whole life; so do `demo` and, for their duration, commands
that must not run beside a bot (`purge`, and any future `restore`). Two bots on one database would
each take the other's in-flight deliveries for leftovers of a crash and send them again.

The lock is `fcntl.flock` on `<database>.lock`, and on the database file itself, so that another
path to the same file (a hard link) finds it taken too: the kernel drops it when the process ends, however
it ends, so a lock left by a killed process never blocks a restart. The file holds the holder's PID
and command, for the message that names it; the file itself stays on disk (deleting it would let a
second process lock a new file while the first still holds the old one).
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path


def lock_path(database: str | os.PathLike) -> Path:
    """The lock file of a database: next to the file itself (symbolic links followed)."""
    return Path(f"{Path(database).resolve()}.lock")


class DatabaseBusy(Exception):
    """Another process holds the database's lock."""

    def __init__(self, database: str, pid: int | None, command: str | None, other_path: bool = False) -> None:
        self.database, self.pid, self.command = database, pid, command
        holder = f"`bot.py {command}`" if command else "another process"
        via = " through another path to the same file (a hard link)" if other_path else ""
        super().__init__(f"{database} is in use by {holder}{via} (PID {pid if pid else 'unknown'})")


class DatabaseLock:
    """The exclusive lock of one database, taken with `acquire` (or `with`) and held until `release`."""

    def __init__(self, database: str | os.PathLike, command: str, create: bool = True) -> None:
        self.database = str(database)
        self.create = create  # False (restore): a missing database stays missing
        self.command = command
        self.path = lock_path(database)
        self.fd: int | None = None
        self.identity_fd: int | None = None  # the database file itself, locked whatever its path

    def acquire(self) -> DatabaseLock:
        """Take the lock or raise DatabaseBusy; OSError if the lock file cannot be created."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _flock_briefly(fd, fcntl.LOCK_EX)
        except BlockingIOError:
            pid, command = _holder(fd)
            os.close(fd)
            raise DatabaseBusy(self.database, pid, command) from None
        except BaseException:
            os.close(fd)
            raise
        record = f"{os.getpid()} {self.command}\n".encode()
        os.pwrite(fd, record, 0)  # overwrite in place, then cut: a reader never sees an empty file
        os.ftruncate(fd, len(record))
        self.fd = fd
        try:
            self.identity_fd = _lock_identity(self.database, self.create)
        except BaseException:
            self.release()
            raise
        return self

    def release(self) -> None:
        if self.identity_fd is not None:
            os.close(self.identity_fd)
            self.identity_fd = None
        if self.fd is not None:
            os.close(self.fd)  # closing the only descriptor drops the flock
            self.fd = None

    def __enter__(self) -> DatabaseLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _lock_identity(database: str, create: bool) -> int | None:
    """An exclusive flock on the database file itself: a hard link (another path, the same inode)
    finds it taken. SQLite locks with fcntl, which Linux keeps apart from flock, so it never sees
    this lock. Creates the file if missing (SQLite takes an empty file as a new database), unless
    `create` is False: then a missing file is not locked (nothing else can be using it)."""
    path = Path(database)
    if not create and not path.exists():
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _flock_briefly(fd, fcntl.LOCK_EX)
    except BlockingIOError:
        pid = _flock_pid(os.fstat(fd))
        os.close(fd)
        raise DatabaseBusy(database, pid, _command_of(pid), other_path=True) from None
    except BaseException:
        os.close(fd)
        raise
    return fd


def _flock_pid(st: os.stat_result) -> int | None:
    """The PID holding a flock on the file `st` describes, from /proc/locks (Linux); None if unknown."""
    wanted = (os.major(st.st_dev), os.minor(st.st_dev), st.st_ino)
    try:
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.split()
        if "->" in fields or len(fields) < 6 or fields[1] != "FLOCK":
            continue
        try:
            major, minor, inode = fields[5].split(":")
            if (int(major, 16), int(minor, 16), int(inode)) == wanted:
                return int(fields[4])
        except ValueError:
            continue
    return None


def _command_of(pid: int | None) -> str | None:
    """The bot.py command a process runs (`run`, `demo` ...), read from /proc; None if not a bot."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") if pid else []
    except OSError:
        return None
    names = [a.decode(errors="replace") for a in argv]
    for i, arg in enumerate(names[:-1]):
        if arg.endswith("bot.py") and not names[i + 1].startswith("-"):
            return names[i + 1]
    return None


def _holder(fd: int, attempts: int = 20) -> tuple[int | None, str | None]:
    """PID and command written by the holder; it writes them just after locking, so retry briefly."""
    for _ in range(attempts):
        first = os.pread(fd, 200, 0).decode("utf-8", "replace").partition("\n")[0].split()
        if first and first[0].isdigit():
            return int(first[0]), (first[1] if len(first) > 1 else None)
        time.sleep(0.01)
    return None, None


def _flock_briefly(fd: int, kind: int, attempts: int = 5) -> None:
    """flock without waiting, tried a few times over ~40 ms: `holder` takes a shared lock for an instant."""
    for attempt in range(attempts):
        try:
            fcntl.flock(fd, kind | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.01)


def holder(database: str | os.PathLike) -> tuple[int | None, str | None] | None:
    """(PID, command) of the process holding the database's lock, or None when none holds it.

    Probes with a shared lock taken and dropped at once (a starting bot retries past it).
    """
    try:
        fd = os.open(lock_path(database), os.O_RDONLY)
    except FileNotFoundError:
        return _identity_holder(database)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _holder(fd)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return _identity_holder(database)
    finally:
        os.close(fd)


def _identity_holder(database: str | os.PathLike) -> tuple[int | None, str | None] | None:
    """(PID, command) of a process holding the database file itself (through any path), or None."""
    try:
        fd = os.open(database, os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = _flock_pid(os.fstat(fd))
            return pid, _command_of(pid)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
