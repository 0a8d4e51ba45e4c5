"""The pacer's slots, on a simulated clock: never more than the limit in any second, evenly spaced."""

from __future__ import annotations

import itertools
import random

import pytest

from bot.delivery import Pacer


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
