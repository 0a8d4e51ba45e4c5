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
# until no copy is pending or in flight, then 'done'. An operator's broadcast sent later waits as
# 'scheduled' (no outbox rows yet: recipients are counted when it falls due) and ends there as
# 'cancelled' (by an operator) or 'expired' (the bot was down until after its expiry) if it never starts.
SCHEDULED, ENQUEUING, RUNNING, DONE = "scheduled", "enqueuing", "sending", "done"
BROADCAST_STATUSES = (SCHEDULED, ENQUEUING, RUNNING, DONE, CANCELLED, EXPIRED)
UNFINISHED = (ENQUEUING, RUNNING)
NEVER_STARTED = (SCHEDULED, CANCELLED, EXPIRED)

# Broadcast kind (broadcasts.kind): a scheduled reminder, an operator's /siaran, a date correction.
REMINDER, ADHOC, CORRECTION = "reminder", "adhoc", "correction"
KINDS = (REMINDER, ADHOC, CORRECTION)

# Draft status of an operator's ad-hoc broadcast (drafts.status), in order.
# 'choosing_areas' comes between the roles and the text when the schedule lists areas; "Kirim
# nanti" on the preview waits for a typed time ('timing'), then for its confirmation ('timed'),
# and a draft handed over to a broadcast sent later ends 'scheduled' instead of 'sent'.
CHOOSING, WRITING, PREVIEW, AWAITING_APPROVAL = "choosing", "writing", "preview", "awaiting_approval"
CHOOSING_AREAS = "choosing_areas"
TIMING, TIMED = "timing", "timed"
SENDING_DRAFT, SCHEDULED_DRAFT, CANCELLED_DRAFT = "sent", "scheduled", "cancelled"
DRAFT_STATUSES = (
    CHOOSING,
    CHOOSING_AREAS,
    WRITING,
    PREVIEW,
    TIMING,
    TIMED,
    AWAITING_APPROVAL,
    SENDING_DRAFT,
    SCHEDULED_DRAFT,
    CANCELLED_DRAFT,
)
OPEN_DRAFTS = (CHOOSING, CHOOSING_AREAS, WRITING, PREVIEW, TIMING, TIMED, AWAITING_APPROVAL)
TYPING = (WRITING, TIMING)  # the draft waits for the operator's next message: its text, or its time


def sql_list(values: tuple[str, ...]) -> str:
    """A SQL list literal of constants, e.g. "('pending', 'sending')"."""
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"
