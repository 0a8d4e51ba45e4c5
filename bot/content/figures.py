"""The records of figures operators read: what bot/content/reports.py computes and the texts show (types only)."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class BroadcastFigures(TypedDict):
    """One broadcast's counts, share done, rate and estimated finish (/laporan, `report`, progress)."""

    id: str
    kind: str
    roles: list[str]
    status: str
    total: int
    sent: int
    blocked: int
    failed: int
    expired: int
    cancelled: int
    pending: int
    waiting_network: int  # of those pending, copies whose last try found the network down
    percent: float | None  # None for one that never started: nothing is "done"
    rate: float
    eta: float | None
    created_at: float
    at: float | None  # when it fell (or, scheduled, falls) due
    finished_at: float | None
    resumed: int
    ambiguous: int
    channel: NotRequired[Any]  # the copy posted to the channel (broadcast_figures only)


class Description(TypedDict):
    """What a report says a broadcast is: its title, areas and author (None if not recorded)."""

    title: str
    area_names: list[str] | None
    author: str | None


class BroadcastReport(BroadcastFigures, Description):
    """A broadcast's figures with its description, as /laporan and `report` list it."""


class AreaFigures(TypedDict):
    """Active subscribers of one kecamatan (``id`` None: people who gave no area)."""

    id: str | None
    name: str | None
    voters: int | None
    roles: dict[str, int]
    count: int
    coverage: float | None
