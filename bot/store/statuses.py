"""Every status and kind the store writes, defined once, as string enums.

Code compares with these names and SQL takes them as parameters or, where a partial index must
match the query's text, spliced in with `sql_list` (they are constants, never user input). A
``StrEnum`` member is its string: the database holds 'active', and a row read back compares equal.
"""

from __future__ import annotations

from enum import StrEnum


class SubscriberStatus(StrEnum):
    """subscribers.status. A 'visitor' chose a language before a role."""

    ACTIVE = "active"
    STOPPED = "stopped"
    BLOCKED = "blocked"
    GONE = "gone"
    VISITOR = "visitor"


class DeliveryStatus(StrEnum):
    """deliveries.status: 'pending' until the engine takes it, 'sending' while its request is in
    flight, then one of the final outcomes. 'blocked' and 'gone' are the subscribers' words too."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    BLOCKED = "blocked"
    GONE = "gone"
    EXPIRED = "expired"
    FAILED = "failed"
    CANCELLED = "cancelled"


class BroadcastStatus(StrEnum):
    """broadcasts.status: 'enqueuing' while its outbox rows are written, 'sending' until no copy is
    pending or in flight, then 'done'. An operator's broadcast sent later waits as 'scheduled' (no
    outbox rows yet: recipients are counted when it falls due) and ends there as 'cancelled' (by an
    operator) or 'expired' (the bot was down until after its expiry) if it never starts."""

    SCHEDULED = "scheduled"
    ENQUEUING = "enqueuing"
    RUNNING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class BroadcastKind(StrEnum):
    """broadcasts.kind: a scheduled reminder, an operator's /siaran, a date correction."""

    REMINDER = "reminder"
    ADHOC = "adhoc"
    CORRECTION = "correction"


class DraftStatus(StrEnum):
    """drafts.status of an operator's ad-hoc broadcast, in order.

    'choosing_areas' comes between the roles and the text when the schedule lists areas; "Kirim
    nanti" on the preview waits for a typed time ('timing'), then for its confirmation ('timed'),
    and a draft handed over to a broadcast sent later ends 'scheduled' instead of 'sent'.
    """

    CHOOSING = "choosing"
    CHOOSING_AREAS = "choosing_areas"
    WRITING = "writing"
    PREVIEW = "preview"
    TIMING = "timing"
    TIMED = "timed"
    AWAITING_APPROVAL = "awaiting_approval"
    SENT = "sent"
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


# The short names the code uses, and the groups it asks for.
ACTIVE, STOPPED, VISITOR = SubscriberStatus.ACTIVE, SubscriberStatus.STOPPED, SubscriberStatus.VISITOR
BLOCKED, GONE = SubscriberStatus.BLOCKED, SubscriberStatus.GONE
SUBSCRIBER_STATUSES = tuple(SubscriberStatus)

PENDING, SENDING, SENT = DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.SENT
EXPIRED, FAILED, CANCELLED = DeliveryStatus.EXPIRED, DeliveryStatus.FAILED, DeliveryStatus.CANCELLED
FINAL = (SENT, DeliveryStatus.BLOCKED, DeliveryStatus.GONE, EXPIRED, FAILED, CANCELLED)
UNDELIVERED = (PENDING, SENDING)
DELIVERY_STATUSES = (*UNDELIVERED, *FINAL)
OUTCOME_COLUMNS: dict[str, str] = {s: f"n_{s}" for s in FINAL}

SCHEDULED, ENQUEUING = BroadcastStatus.SCHEDULED, BroadcastStatus.ENQUEUING
RUNNING, DONE = BroadcastStatus.RUNNING, BroadcastStatus.DONE
BROADCAST_STATUSES = tuple(BroadcastStatus)
UNFINISHED = (ENQUEUING, RUNNING)
NEVER_STARTED = (SCHEDULED, BroadcastStatus.CANCELLED, BroadcastStatus.EXPIRED)

REMINDER, ADHOC, CORRECTION = BroadcastKind.REMINDER, BroadcastKind.ADHOC, BroadcastKind.CORRECTION
KINDS = tuple(BroadcastKind)

CHOOSING, CHOOSING_AREAS, WRITING = DraftStatus.CHOOSING, DraftStatus.CHOOSING_AREAS, DraftStatus.WRITING
PREVIEW, TIMING, TIMED = DraftStatus.PREVIEW, DraftStatus.TIMING, DraftStatus.TIMED
AWAITING_APPROVAL = DraftStatus.AWAITING_APPROVAL
SENDING_DRAFT, SCHEDULED_DRAFT, CANCELLED_DRAFT = DraftStatus.SENT, DraftStatus.SCHEDULED, DraftStatus.CANCELLED
DRAFT_STATUSES = tuple(DraftStatus)
OPEN_DRAFTS = (CHOOSING, CHOOSING_AREAS, WRITING, PREVIEW, TIMING, TIMED, AWAITING_APPROVAL)
TYPING = (WRITING, TIMING)  # the draft waits for the operator's next message: its text, or its time


def sql_list(values: tuple[str, ...]) -> str:
    """A SQL list literal of constants, e.g. "('pending', 'sending')"."""
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"
