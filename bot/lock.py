"""One process at a time on a database: an exclusive lock on a file next to it.

`bot.py run` holds the lock for its whole life; so do `demo` and, for their duration, commands
that must not run beside a bot (`purge`, and any future `restore`). Two bots on one database would
each take the other's in-flight deliveries for leftovers of a crash and send them again.

The lock is `fcntl.flock` on `<database>.lock`: the kernel drops it when the process ends, however
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

    def __init__(self, database: str, pid: int | None, command: str | None):
        self.database, self.pid, self.command = database, pid, command
        holder = f"`bot.py {command}`" if command else "another process"
        super().__init__(f"{database} is in use by {holder} (PID {pid if pid else 'unknown'})")


class DatabaseLock:
    """The exclusive lock of one database, taken with `acquire` (or `with`) and held until `release`."""

    def __init__(self, database: str | os.PathLike, command: str):
        self.database = str(database)
        self.command = command
        self.path = lock_path(database)
        self.fd: int | None = None

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
        return self

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the only descriptor drops the flock
            self.fd = None

    def __enter__(self) -> DatabaseLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


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
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _holder(fd)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
