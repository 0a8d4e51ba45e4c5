"""Delivery: what a failed send becomes (bot.delivery.engine records it).

- Telegram's refusals (blocked, chat gone, migrated, bad request, 429, a bad token) and a copy's
  expiry are final or rescheduled outcomes (``refusal_outcomes``).
- Network errors are told apart by whether the request can have reached Telegram: one that never
  left waits for the network without using an attempt; one that may have arrived is retried and
  counted as ambiguous (``FailureHandling``, mixed into the engine).
"""

from __future__ import annotations

import logging
import math
import random
import socket
from collections.abc import Callable

from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut

from bot import store as st
from bot.delivery.health import Outage
from bot.delivery.outcomes import (
    ChatGone,
    Finished,
    Migrated,
    NetworkBack,
    Outcome,
    RetryLater,
    WaitForNetwork,
)
from bot.delivery.pacer import retry_seconds
from bot.delivery.sender import ChatNotFound, NotSent

log = logging.getLogger(__name__)

# Longest wait between two tries while the network is down: the outage's first copy to go through
# makes every waiting copy due at once, so this only bounds how late the first one notices.
NETWORK_WAIT_CAP = 15.0
CANCELLED_BY_OPERATOR = "cancelled by an operator"  # as the store writes for copies still in the outbox


def transport_failed(exc: BaseException) -> bool:
    """True when no HTTP answer came back: the connection failed (by the exception's kind and
    cause, never its wording). A 5xx answer is a NetworkError too, but without a cause."""
    return isinstance(exc, NotSent | TimedOut) or exc.__cause__ is not None


def never_left(exc: BaseException) -> bool:
    """True when the request provably never reached Telegram (refused, DNS, proxy refused): the
    network is down, not Telegram unhappy; such a copy waits for the network instead of failing."""
    return transport_failed(exc) and not may_have_arrived(exc)


def may_have_arrived(exc: BaseException) -> bool:
    """True when Telegram may have taken the message although no answer came back, so a retry may
    deliver it twice ("ambiguous"): the request went out, then the connection broke or timed out.

    False when nothing was sent (:class:`~bot.delivery.sender.NotSent`: refused, unreachable, name not
    resolved; or a refused connection anywhere in the cause chain) and when Telegram answered.
    """
    if isinstance(exc, NotSent):
        return False
    cause = exc.__cause__
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError | socket.gaierror):
            return False
        cause = cause.__cause__
    return isinstance(exc, TimedOut) or exc.__cause__ is not None


class Expired(Exception):
    """A broadcast copy's slot came after its `expires`: it must not be sent late."""


class FailureHandling:
    """The engine's handling of a failed send: retries with backoff, waiting for the network."""

    clock: Callable[[], float]
    network: Outage
    network_wait_cap: float
    max_attempts: int
    backoff_base: float
    backoff_cap: float
    _offline_until: float
    _ops: list[Outcome]

    def _failure(self, job: st.Job, exc: Exception) -> list[Outcome]:
        """The outcome of a copy whose send raised `exc`."""
        outcomes = refusal_outcomes(job, exc, self.clock())
        if outcomes is not None:
            return outcomes
        if isinstance(exc, TimedOut):
            self.network.failed(exc)
            return self._retry_or_fail(job, f"TimedOut: {exc.message}", ambiguous=True)
        if isinstance(exc, NetworkError):
            return self._network_failure(job, exc)
        log.error("unexpected error delivering %s to a chat", job.broadcast_id, exc_info=exc)  # the engine lives on
        return self._retry_or_fail(job, f"{type(exc).__name__}: {exc}")

    def _network_failure(self, job: st.Job, exc: NetworkError) -> list[Outcome]:
        if never_left(exc):
            return self._wait_for_network(job, exc)
        if transport_failed(exc):
            self.network.failed(exc)
        else:
            self._network_ok()  # Telegram answered (5xx): the connection works
        return self._retry_or_fail(job, f"NetworkError: {exc.message}", ambiguous=may_have_arrived(exc))

    def _wait_for_network(self, job: st.Job, exc: NetworkError) -> list[Outcome]:
        """Nothing left this machine: the copy waits for the network (until it expires), and the
        engine takes no new work until the next probe, so an outage of hours costs no attempts."""
        delay = min(self.network_wait_cap, self.network.failed(exc)) * random.uniform(0.8, 1.0)
        self._offline_until = max(self._offline_until, self.clock() + delay)
        next_at = self.clock() + delay
        return [WaitForNetwork(job.broadcast_id, job.chat_id, next_at, f"NetworkError: {exc.message}")]

    def _network_ok(self) -> None:
        """A request got an answer: if the network was down, copies waiting for it are due now."""
        if self._offline_until > -math.inf:  # the first answer since a copy found the network down
            self._ops.append(NetworkBack(self.clock()))
        self._offline_until = -math.inf
        self.network.ok()

    def _retry_or_fail(self, job: st.Job, error: str, ambiguous: bool = False) -> list[Outcome]:
        attempt = job.attempts + 1
        if attempt >= self.max_attempts:
            return [Finished(job.broadcast_id, job.chat_id, st.FAILED, error)]
        delay = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1)) * random.uniform(0.5, 1.5)
        delay = min(delay, self.backoff_cap)
        return [RetryLater(job.broadcast_id, job.chat_id, self.clock() + delay, error, ambiguous)]


def refusal_outcomes(job: st.Job, exc: Exception, now: float) -> list[Outcome] | None:
    """What Telegram's refusal (or the copy's expiry) `exc` makes of a copy; None for network errors
    and anything else, which the engine retries. Subclasses come before the classes they extend."""
    b, chat_id = job.broadcast_id, job.chat_id
    match exc:
        case Expired():
            return [Finished(b, chat_id, st.EXPIRED, "expired before a send slot was free")]
        case ChatMigrated():
            return [Migrated(b, chat_id, exc.new_chat_id)]
        case Forbidden():
            return [Finished(b, chat_id, st.BLOCKED, exc.message)]
        case RetryAfter():
            # The pacer already holds every slot; this copy goes back to the front of the line.
            return [RetryLater(b, chat_id, now + retry_seconds(exc), str(exc))]
        case ChatNotFound():  # the chat is gone for good; a bad message is a BadRequest below
            return [ChatGone(chat_id, st.GONE), Finished(b, chat_id, st.GONE, exc.message)]
        case BadRequest():
            return [Finished(b, chat_id, st.FAILED, exc.message)]
        case InvalidToken():
            log.error("Telegram refused the bot token; deliveries wait until it is fixed")
            return [RetryLater(b, chat_id, now + 60, exc.message)]
    return None
