"""The connection every part of the store shares."""

from __future__ import annotations

import os
from typing import Self

from bot.store.schema import Transaction, open_db


class StoreBase:
    """One connection to the bot's database; the parts of `Store` build on it."""

    def __init__(self, path: str | os.PathLike, busy_timeout: float | None = None) -> None:
        self.path = str(path)
        self.db = open_db(self.path, busy_timeout)
        self.conn = self.db.conn

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def reopen(self) -> Self:
        """Another store on the same file (for use from a worker thread; waits up to BUSY_TIMEOUT)."""
        return type(self)(self.path)

    def set_busy_timeout(self, seconds: float) -> None:
        """How long this connection waits for another one's write lock before it gives up."""
        self.conn.execute(f"PRAGMA busy_timeout={int(seconds * 1000)}")

    def transaction(self) -> Transaction:
        """A write transaction (BEGIN IMMEDIATE ... COMMIT); nested blocks join the outer one."""
        return Transaction(self.conn)
