"""The delivery engine's two bounds: few copies wait for a send slot (``queue``), while many may be
on the wire (``concurrency``) when Telegram's answers are slow, so the rate holds over a slow network."""

from __future__ import annotations

import asyncio

from bot.delivery.engine import Engine
from bot.delivery.pacer import Pacer
from bot.delivery.sender import Sender
from bot.store import Store
from standin import StandIn


class Peak:
    """The most calls of a coroutine function running at once."""

    def __init__(self, fn):
        self.fn, self.now, self.most = fn, 0, 0

    async def __call__(self, *args, **kwargs):
        self.now += 1
        self.most = max(self.most, self.now)
        try:
            return await self.fn(*args, **kwargs)
        finally:
            self.now -= 1


async def test_few_copies_wait_for_a_slot_while_many_are_on_a_slow_wire(tmp_path):
    store = Store(tmp_path / "bot.db")
    for chat_id in range(1, 61):
        store.subscribe(chat_id, "pemilih")
    store.create_broadcast("r1", text="Besok ke TPS", roles=["pemilih"], at=0, expires=10**10)
    store.enqueue("r1")
    standin = StandIn(latency=0.3)  # each answer 0.3 s after its request
    await standin.start()
    pacer = Pacer(100)
    waiting = Peak(pacer.acquire)
    pacer.acquire = waiting  # type: ignore[method-assign]
    sender = Sender(standin.base_url, standin.token)
    on_wire = Peak(sender.send_message)
    sender.send_message = on_wire  # type: ignore[method-assign]
    engine = Engine(store, sender, pacer, concurrency=40, queue=5)
    task = asyncio.create_task(engine.run())
    try:
        await standin.wait_for(lambda: len(standin.messages) >= 60, timeout=20)
    finally:
        await engine.stop()
        task.cancel()
        await sender.close()
        await standin.stop()
    assert sorted(m["chat_id"] for m in standin.messages) == list(range(1, 61))
    assert waiting.most <= 5
    assert on_wire.most > 5  # at 100/s and 0.3 s a copy, about 30 are on the wire at once
    store.close()
