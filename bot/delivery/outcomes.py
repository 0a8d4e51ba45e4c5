"""What became of one broadcast copy, as typed records, and how each is written to the outbox.

The engine sends copies concurrently and collects their outcomes; :func:`record` writes one in the
store (bot/store/outbox.py), and the engine writes a batch in one transaction. ``copy`` names the
outbox row an outcome is about, so one that cannot be written can put its copy back in line.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.store import Store


@dataclass(frozen=True)
class Finished:
    """The copy reached its final status: sent, blocked, gone, expired or failed."""

    broadcast_id: str
    chat_id: int
    status: str
    error: str | None = None


@dataclass(frozen=True)
class RetryLater:
    """Tried and not delivered: due again at `at` (an attempt counted)."""

    broadcast_id: str
    chat_id: int
    at: float
    error: str
    ambiguous: bool = False  # the request may have reached Telegram: a retry may send a second copy


@dataclass(frozen=True)
class WaitForNetwork:
    """The request never left this machine: due again at `at`, no attempt counted."""

    broadcast_id: str
    chat_id: int
    at: float
    error: str


@dataclass(frozen=True)
class Migrated:
    """The group became a supergroup: the copy (and the subscription) move to `new_chat_id`."""

    broadcast_id: str
    chat_id: int
    new_chat_id: int


@dataclass(frozen=True)
class Released:
    """Never sent (the engine stopped first): back to pending, no attempt counted."""

    broadcast_id: str
    chat_id: int


@dataclass(frozen=True)
class ChatGone:
    """Telegram no longer knows the chat: its subscription ends."""

    chat_id: int
    status: str


@dataclass(frozen=True)
class NetworkBack:
    """Telegram answered again: every copy waiting for the network is due now."""

    at: float


Outcome = Finished | RetryLater | WaitForNetwork | Migrated | Released | ChatGone | NetworkBack


def record(store: Store, outcome: Outcome) -> None:
    """Write one outcome (inside the caller's transaction)."""
    match outcome:
        case Finished(broadcast_id, chat_id, status, error):
            store.finish(broadcast_id, chat_id, status, error)
        case RetryLater(broadcast_id, chat_id, at, error, ambiguous):
            store.retry_later(broadcast_id, chat_id, at, error, None, ambiguous)
        case WaitForNetwork(broadcast_id, chat_id, at, error):
            store.wait_for_network(broadcast_id, chat_id, at, error)
        case Migrated(broadcast_id, chat_id, new_chat_id):
            store.migrated(broadcast_id, chat_id, new_chat_id)
        case Released(broadcast_id, chat_id):
            store.release(broadcast_id, chat_id)
        case ChatGone(chat_id, status):
            store.set_status(chat_id, status)
        case NetworkBack(at):
            store.network_back(at)


def copy(outcome: Outcome) -> tuple[str, int] | None:
    """The outbox row (broadcast id, chat id) an outcome finishes or reschedules; None for the others."""
    if isinstance(outcome, Finished | RetryLater | WaitForNetwork | Migrated):
        return outcome.broadcast_id, outcome.chat_id
    return None
