"""The pacer's slots, on a simulated clock: never more than the limit in any second, evenly spaced."""

from __future__ import annotations

import itertools
import random

import pytest

from bot.delivery.pacer import BROADCAST, REPLY, Pacer


def slots(rate: float, n: int, late: float = 0.0, seed: int = 1) -> list[float]:
    """When `n` sends to different chats get their slots, each timer firing up to `late` s late."""
    clock = [0.0]
    pacer = Pacer(rate, clock=lambda: clock[0])
    jitter = random.Random(seed)
    times = []
    for chat in range(n):
        ready = pacer._global_ready()
        clock[0] = max(clock[0], ready) + jitter.uniform(0, late)
        pacer._record(clock[0], ready, chat)
        times.append(clock[0])
    return times


def most_in_one_second(times: list[float]) -> int:
    return max(sum(1 for t in times[i:] if t < start + 1.0) for i, start in enumerate(times))


@pytest.mark.parametrize("rate", [30, 300])
def test_never_more_than_the_limit_in_any_second_and_evenly_spaced(rate):
    times = slots(rate, rate * 5)
    assert most_in_one_second(times) <= rate
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert max(gaps) - min(gaps) < 1e-9  # no bursts and pauses: every stretch gets the same share
    assert (len(times) - 1) / (times[-1] - times[0]) == pytest.approx(rate / 1.025, rel=1e-6)  # n per n/rate + 25 ms


def test_late_timers_neither_break_the_limit_nor_add_up():
    times = slots(30, 300, late=0.002)
    assert most_in_one_second(times) <= 30
    assert (len(times) - 1) / (times[-1] - times[0]) >= 0.97 * 30


def granted(pacer: Pacer, clock: list[float], waiting: dict[int, int], slots: int) -> dict[int, int]:
    """Hand out `slots` slots at the pacer's rate with `waiting` {REPLY: n, BROADCAST: n} always
    queued (each served waiter is replaced by another, to a new chat); returns the slots per kind."""
    import asyncio

    loop = asyncio.new_event_loop()
    chats = itertools.count(1)
    for kind, n in waiting.items():
        for _ in range(n):
            pacer._push((kind, 0), next(chats), loop.create_future())
    got = {REPLY: 0, BROADCAST: 0}
    for _ in range(slots):
        clock[0] = max(clock[0], pacer._global_ready())
        chosen, _ = pacer._pick(clock[0])
        assert chosen is not None
        pacer._record(clock[0], clock[0], chosen[2])
        kind = chosen[0][0]
        got[kind] += 1
        chosen[3].set_result(None)  # as the pacer's loop does
        pacer._push((kind, 0), next(chats), loop.create_future())
    loop.close()
    return got


@pytest.mark.parametrize("share", [1 / 3, 0.5])
def test_broadcasts_keep_their_share_of_the_slots_during_a_flood_of_replies(share):
    clock = [0.0]
    pacer = Pacer(30, broadcast_share=share, clock=lambda: clock[0])
    got = granted(pacer, clock, {REPLY: 40, BROADCAST: 15}, 300)
    assert got[BROADCAST] >= int(share * 300)
    assert got[REPLY] >= int((1 - share) * 300) - 1


def test_without_replies_broadcasts_take_every_slot_and_replies_go_first_otherwise():
    clock = [0.0]
    pacer = Pacer(30, clock=lambda: clock[0])
    assert granted(pacer, clock, {BROADCAST: 15}, 90) == {REPLY: 0, BROADCAST: 90}
    pacer = Pacer(30, broadcast_share=0.0, clock=lambda: clock[0])
    assert granted(pacer, clock, {REPLY: 40, BROADCAST: 15}, 90) == {REPLY: 90, BROADCAST: 0}


def test_a_broadcasts_flood_wait_holds_broadcasts_only_a_replys_holds_everything():
    clock = [0.0]
    long_pauses = []
    pacer = Pacer(30, clock=lambda: clock[0], on_long_pause=lambda seconds, kind: long_pauses.append((seconds, kind)))
    pacer.pause(150, BROADCAST)
    assert granted(pacer, clock, {REPLY: 5, BROADCAST: 5}, 30) == {REPLY: 30, BROADCAST: 0}
    assert long_pauses == [(150, BROADCAST)]
    pacer.pause(2, REPLY)  # a reply's 429: Telegram holds the whole bot
    chosen, wait = pacer._pick(clock[0])
    assert chosen is None
    assert wait == pytest.approx(2)
    pacer.pause(5, REPLY)
    assert long_pauses == [(150, BROADCAST)]  # only pauses over 30 s are worth an alert
