"""The SQLite store: subscribers, broadcasts, the delivery outbox and operators' records.

Plain data in, typed rows out; nothing here knows about Telegram. Times are Unix seconds (float).
The parts, each over its own tables, combine into one `Store` (one instance per connection):

- `bot.store.subscribers`: ``subscribers``, one row per chat (chat id, role, language, status, dates).
- `bot.store.broadcasts`: ``broadcasts``, one row per reminder, ad-hoc message or correction that fell
  due (or, for an operator's message sent later, that waits for its time), and the enqueueing of their
  deliveries.
- `bot.store.outbox`: ``deliveries``, one row per (broadcast, chat), from pending to a final outcome.
- `bot.store.operator`: ``drafts`` of /siaran, the ``audit`` trail, ``meta`` values.
- `bot.store.pledges`: ``pledges``, one row per person and ask ("I will vote", "I have voted"), and
  ``pledge_totals``, the counts of purged ones.
- `bot.store.tps`: each subscriber's TPS (``subscribers.tps``) and ``tps_locations``, the TPS locations
  last announced.
- `bot.store.sources`: where subscribers came from (``subscribers.source``), counted per source, role
  and week of joining.
- `bot.store.questions`: ``unanswered``, free-text questions the FAQ could not answer (30 days, no chat id).
- `bot.store.elections`: which election the database follows (``meta``), and ``elections`` with
  ``archived_broadcasts``, the figures and broadcasts of earlier elections.
- `bot.store.schema`: opening the file and upgrading it through numbered migrations.
- `bot.store.statuses`: every status and kind, defined once.
"""

from __future__ import annotations

from bot.store.elections import Archived, ElectionStore
from bot.store.operator import OperatorStore
from bot.store.outbox import OutboxStore
from bot.store.pledges import NOT_ASKED, PLEDGED, REPEATED, UNKNOWN, PledgeStore
from bot.store.questions import QuestionStore
from bot.store.rows import Broadcast, Draft, Job, Subscriber, undelivered
from bot.store.schema import (
    BUSY_TIMEOUT,
    HEARTBEAT_KEY,
    MIGRATIONS,
    REQUIRED_TABLES,
    migrate,
    missing_tables,
    open_db,
    read_heartbeat,
    read_meta,
)
from bot.store.sources import SourceStore
from bot.store.statuses import (
    ACTIVE,
    ADHOC,
    AWAITING_APPROVAL,
    BLOCKED,
    BROADCAST_STATUSES,
    CANCELLED,
    CANCELLED_DRAFT,
    CHOOSING,
    CHOOSING_AREAS,
    CORRECTION,
    DELIVERY_STATUSES,
    DONE,
    DRAFT_STATUSES,
    ENQUEUING,
    EXPIRED,
    FAILED,
    FINAL,
    GONE,
    KINDS,
    NEVER_STARTED,
    OPEN_DRAFTS,
    OUTCOME_COLUMNS,
    PENDING,
    PREVIEW,
    REMINDER,
    RUNNING,
    SCHEDULED,
    SCHEDULED_DRAFT,
    SENDING,
    SENDING_DRAFT,
    SENT,
    STOPPED,
    SUBSCRIBER_STATUSES,
    TIMED,
    TIMING,
    TYPING,
    UNDELIVERED,
    UNFINISHED,
    VISITOR,
    WRITING,
)
from bot.store.subscribers import SubscriberStore
from bot.store.tps import TPS_CORRECTION, TpsStore


class Store(
    SubscriberStore, OutboxStore, TpsStore, SourceStore, OperatorStore, PledgeStore, QuestionStore, ElectionStore
):
    """All reads and writes of the bot's state. One instance per connection."""


__all__ = [
    "ACTIVE",
    "ADHOC",
    "AWAITING_APPROVAL",
    "BLOCKED",
    "BROADCAST_STATUSES",
    "BUSY_TIMEOUT",
    "CANCELLED",
    "CANCELLED_DRAFT",
    "CHOOSING",
    "CHOOSING_AREAS",
    "CORRECTION",
    "DELIVERY_STATUSES",
    "DONE",
    "DRAFT_STATUSES",
    "ENQUEUING",
    "EXPIRED",
    "FAILED",
    "FINAL",
    "GONE",
    "HEARTBEAT_KEY",
    "KINDS",
    "MIGRATIONS",
    "NEVER_STARTED",
    "NOT_ASKED",
    "OPEN_DRAFTS",
    "OUTCOME_COLUMNS",
    "PENDING",
    "PLEDGED",
    "PREVIEW",
    "REMINDER",
    "REPEATED",
    "REQUIRED_TABLES",
    "RUNNING",
    "SCHEDULED",
    "SCHEDULED_DRAFT",
    "SENDING",
    "SENDING_DRAFT",
    "SENT",
    "STOPPED",
    "SUBSCRIBER_STATUSES",
    "TIMED",
    "TIMING",
    "TPS_CORRECTION",
    "TYPING",
    "UNDELIVERED",
    "UNFINISHED",
    "UNKNOWN",
    "VISITOR",
    "WRITING",
    "Archived",
    "Broadcast",
    "Draft",
    "Job",
    "Store",
    "Subscriber",
    "migrate",
    "missing_tables",
    "open_db",
    "read_heartbeat",
    "read_meta",
    "undelivered",
]
