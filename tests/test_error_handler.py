"""A handler that fails: the person gets an apology, the operators hear once per kind in 10 minutes,
and the log holds the traceback without the token."""

from __future__ import annotations

import logging
import time

from bot.store import Store
from tests.conftest import make_schedule
from tests.e2e import TOKEN, Harness

VOTER, OPERATOR = 33, 900


class Clock:
    """Real time plus an offset a test can move forward."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


async def test_a_failing_handler_tells_operators_once_per_kind_in_their_language_and_logs_no_token(
    tmp_path, soon, monkeypatch, caplog
):
    caplog.set_level(logging.ERROR)
    clock = Clock()
    schedule = make_schedule([{"id": "r", "at": soon(3600), "roles": ["pemilih"]}])
    async with Harness(tmp_path, schedule, admin_ids=[OPERATOR], clock=clock) as h:
        h.store.remember_language(OPERATOR, "en")

        def broken_subscribe(self, *args, **kwargs):  # a library error that quotes the request URL
            raise ConnectionError(f"cannot reach {h.settings.api_url}{TOKEN}/sendMessage")

        monkeypatch.setattr(Store, "subscribe", broken_subscribe)
        for _ in range(2):
            [apology] = await h.say(VOTER, "/start pemilih")
            assert apology["text"].startswith("Maaf, terjadi kesalahan")
        [notice] = await h.standin.wait_messages(OPERATOR, 1)
        assert "telegram.subscribe.start" in notice["text"]
        assert "ConnectionError" in notice["text"]
        assert "The user got an apology" in notice["text"]  # the operator chose English
        # the second failure decided not to tell before it answered the voter: still one notice
        assert len(h.standin.sent_to(OPERATOR)) == 1

        clock.offset = 601  # ten minutes later the same failure is news again
        await h.say(VOTER, "/start pemilih")
        await h.standin.wait_messages(OPERATOR, 2)
    logged = [r for r in caplog.records if r.name == "bot.telegram.errors" and r.levelno == logging.ERROR]
    assert len(logged) == 3
    assert "ConnectionError" in logged[0].getMessage()
    assert "[TOKEN]" in logged[0].getMessage()
    assert TOKEN not in caplog.text
    assert all(TOKEN not in m["text"] for m in h.standin.sent_to(OPERATOR))


async def test_reminder_expiry_is_judged_by_the_injected_clock(tmp_path, soon):
    """The scheduler and the engine share one clock: a reminder still valid by it is delivered."""
    behind = 2 * 3600
    schedule = make_schedule(
        [{"id": "r", "at": soon(-behind - 60), "expires": soon(-behind + 3600), "roles": ["pemilih"], "text": "halo"}]
    )
    async with Harness(tmp_path, schedule, clock=lambda: time.time() - behind, subscribers=[(VOTER, "pemilih")]) as h:
        [message] = await h.standin.wait_messages(VOTER, 1)
        assert message["text"] == "halo"
