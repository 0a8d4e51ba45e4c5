"""A long network outage: copies that never left wait for the network, then each arrives once.

The outage lasts three minutes of the bot's clock (the harness clock is shifted forward while the
stand-in is down), with real connection refusals: the stand-in stops listening on its port.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.content import operator_texts, reports
from bot.delivery.scheduler import enqueue_adhoc
from bot.store import DONE
from tests.conftest import TZ, make_schedule
from tests.e2e import Harness, ShiftedClock

OUTAGE = 180.0  # seconds of the bot's clock
PEOPLE = [(-6001 - i, "kades") for i in range(3)] + [(7000 + i, "kades") for i in range(3)]


def quiet_schedule():
    """A schedule whose only reminder is far off: the test's own broadcast is all that is sent."""
    later = datetime.now(TZ) + timedelta(days=30)
    return make_schedule([{"id": "nanti", "at": later, "roles": ["pemilih"], "text": "nanti"}])


async def ride_out_an_outage(h: Harness, clock: ShiftedClock, broadcast_id: str) -> None:
    """Stand-in down (refusing connections); the bot's clock moves 3 minutes while the engine keeps
    trying; the report says "waiting for the network"; then the stand-in comes back."""
    engine = h.runtime.engine
    steps = 12
    for _ in range(steps):
        tried = engine.network.failures
        clock.offset += OUTAGE / steps
        engine.wake()
        await h.standin.wait_for(lambda tried=tried: engine.network.failures > tried, timeout=20)

    def figures() -> dict:
        f = reports.broadcast_figures(h.store, broadcast_id)
        assert f is not None
        return f

    await h.standin.wait_for(lambda: figures()["waiting_network"] == len(PEOPLE), timeout=20)
    f = figures()
    assert (f["sent"], f["failed"], f["expired"]) == (0, 0, 0), f
    assert f["waiting_network"] == f["pending"] == len(PEOPLE), f
    assert "Menunggu jaringan: 6" in operator_texts.progress_text(f, TZ, "id")
    assert "Waiting for the network: 6" in operator_texts.progress_text(f, TZ, "en")
    rows = [row for chat, _ in PEOPLE for row in h.store.deliveries_of(chat)]
    assert {row["attempts"] for row in rows} == {0}, "an outage must not use up the attempts"


async def come_back(h: Harness, clock: ShiftedClock, port: int) -> None:
    """The stand-in listens again; the bot's clock reaches the engine's next probe."""
    await h.standin.start(port=port)
    clock.offset += h.runtime.engine.network_wait_cap
    h.runtime.engine.wake()


def assert_each_got_one(h: Harness, text: str) -> None:
    counts = {chat: h.texts_to(chat).count(text) for chat, _ in PEOPLE}
    assert counts == {chat: 1 for chat, _ in PEOPLE}


@pytest.mark.slow
async def test_an_ad_hoc_broadcast_waits_out_a_three_minute_outage(tmp_path):
    clock = ShiftedClock()
    async with Harness(tmp_path, quiet_schedule(), clock=clock, subscribers=PEOPLE) as h:
        port = h.standin.port
        await h.standin.stop()
        broadcast_id, total = enqueue_adhoc(h.store, "rapat desa", ["kades"], ttl=reports.ADHOC_TTL)
        h.runtime.engine.wake()
        assert total == len(PEOPLE)
        await ride_out_an_outage(h, clock, broadcast_id)
        await come_back(h, clock, port)
        await h.standin.wait_for(lambda: h.store.broadcast(broadcast_id).status == DONE, timeout=30)
        b = h.store.broadcast(broadcast_id)
        assert (b.n_sent, b.n_failed) == (len(PEOPLE), 0)
        assert_each_got_one(h, "rapat desa")
        f = reports.broadcast_figures(h.store, broadcast_id)
        assert f is not None
        assert f["waiting_network"] == 0


@pytest.mark.slow
async def test_a_scheduled_reminder_waits_out_a_three_minute_outage(tmp_path, soon):
    clock = ShiftedClock()
    schedule = make_schedule([{"id": "hari-h", "at": soon(600), "roles": ["kades"], "text": "ke TPS"}])
    async with Harness(tmp_path, schedule, clock=clock, subscribers=PEOPLE) as h:
        port = h.standin.port
        await h.standin.stop()
        assert h.store.broadcast("hari-h") is None, "the reminder fell due before the outage began"
        await h.reach("hari-h")
        await h.standin.wait_for(lambda: h.runtime.engine.network.failures > 0, timeout=20)
        await ride_out_an_outage(h, clock, "hari-h")
        await come_back(h, clock, port)
        await h.standin.wait_for(lambda: h.store.broadcast("hari-h").status == DONE, timeout=30)
        b = h.store.broadcast("hari-h")
        assert (b.n_sent, b.n_failed, b.n_expired) == (len(PEOPLE), 0, 0)
        assert_each_got_one(h, "ke TPS")


@pytest.mark.slow
async def test_copies_waiting_for_the_network_expire_with_their_broadcast(tmp_path):
    clock = ShiftedClock()
    async with Harness(tmp_path, quiet_schedule(), clock=clock, subscribers=PEOPLE) as h:
        await h.standin.stop()
        broadcast_id, _ = enqueue_adhoc(h.store, "kedaluwarsa", ["kades"], ttl=60)
        h.runtime.engine.wake()
        await h.standin.wait_for(lambda: h.runtime.engine.network.failures > 0, timeout=20)
        clock.offset += 120  # past the broadcast's expiry, the network still down
        h.runtime.engine.wake()
        await h.standin.wait_for(lambda: h.store.broadcast(broadcast_id).status == DONE, timeout=30)
        b = h.store.broadcast(broadcast_id)
        assert (b.n_sent, b.n_failed, b.n_expired) == (0, 0, len(PEOPLE))
