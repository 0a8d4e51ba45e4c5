"""Every status and kind the store writes, defined once.

Code compares with these names and SQL takes them as parameters or, where a partial index must
match the query's text, spliced in with `sql_list` (they are constants, never user input).
"""

from __future__ import annotations

# Subscriber status (subscribers.status). A 'visitor' chose a language before a role.
ACTIVE, STOPPED, BLOCKED, GONE, VISITOR = "active", "stopped", "blocked", "gone", "visitor"
SUBSCRIBER_STATUSES = (ACTIVE, STOPPED, BLOCKED, GONE, VISITOR)

# Delivery status (deliveries.status): 'pending' until the engine takes it, 'sending' while its
# request is in flight, then one of the final outcomes. BLOCKED and GONE are shared with subscribers.
PENDING, SENDING = "pending", "sending"
SENT, EXPIRED, FAILED, CANCELLED = "sent", "expired", "failed", "cancelled"
FINAL = (SENT, BLOCKED, GONE, EXPIRED, FAILED, CANCELLED)
UNDELIVERED = (PENDING, SENDING)
DELIVERY_STATUSES = (*UNDELIVERED, *FINAL)
OUTCOME_COLUMNS = {s: f"n_{s}" for s in FINAL}

# Broadcast status (broadcasts.status): 'enqueuing' while its outbox rows are written, 'sending'
# until no copy is pending or in flight, then 'done'.
ENQUEUING, RUNNING, DONE = "enqueuing", "sending", "done"
BROADCAST_STATUSES = (ENQUEUING, RUNNING, DONE)
UNFINISHED = (ENQUEUING, RUNNING)

# Broadcast kind (broadcasts.kind): a scheduled reminder, an operator's /siaran, a date correction.
REMINDER, ADHOC, CORRECTION = "reminder", "adhoc", "correction"
KINDS = (REMINDER, ADHOC, CORRECTION)

# Draft status of an operator's ad-hoc broadcast (drafts.status), in order.
# 'choosing_areas' comes between the roles and the text when the schedule lists areas.
CHOOSING, WRITING, PREVIEW, AWAITING_APPROVAL = "choosing", "writing", "preview", "awaiting_approval"
CHOOSING_AREAS = "choosing_areas"
SENDING_DRAFT, CANCELLED_DRAFT = "sent", "cancelled"
DRAFT_STATUSES = (CHOOSING, CHOOSING_AREAS, WRITING, PREVIEW, AWAITING_APPROVAL, SENDING_DRAFT, CANCELLED_DRAFT)
OPEN_DRAFTS = (CHOOSING, CHOOSING_AREAS, WRITING, PREVIEW, AWAITING_APPROVAL)


def sql_list(values: tuple[str, ...]) -> str:
    """A SQL list literal of constants, e.g. "('pending', 'sending')"."""
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"
