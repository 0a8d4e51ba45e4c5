"""The delivery engine end to end: faults, migration, expiry, replies ahead of a broadcast."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time

import pytest

from bot.delivery import health
from bot.delivery.engine import summary_line
from bot.ops.cli import main as cli
from bot.store import DONE, Broadcast
from tests.conftest import make_schedule
from tests.e2e import Harness


def voters(n, start=1000):
    return [(start + i, "pemilih") for i in range(n)]


async def finished(h: Harness, broadcast_id: str, timeout: float = 60) -> Broadcast:
    await h.standin.wait_for(lambda: getattr(h.store.broadcast(broadcast_id), "status", None) == DONE, timeout=timeout)
    return h.store.broadcast(broadcast_id)


@pytest.mark.slow
async def test_every_copy_arrives_despite_faults_and_429s(tmp_path, soon):
    schedule = make_schedule([{"id": "b", "at": soon(600), "roles": ["pemilih"], "text": "tetap sampai"}])
    people = voters(300)
    async with Harness(
        tmp_path, schedule, rate_limit=200, subscribers=people, fault_rate=0.1, seed=7, fault_delay=0.5
    ) as h:
        h.runtime.engine.backoff_base = 0.05
        h.runtime.engine.max_attempts = 50
        await h.reach("b")
        b = await finished(h, "b", timeout=120)
        counts = {chat: h.texts_to(chat).count("tetap sampai") for chat, _ in people}
        faults = h.standin.faults
        assert sum(faults.values()) > 10, faults  # faults were injected
        assert all(n >= 1 for n in counts.values()), "somebody got nothing"
        assert b.n_sent == 300, summary_line(b)
        assert b.n_failed == 0, summary_line(b)
        # A copy goes twice only where the answer was lost after Telegram took the message:
        duplicates = sum(n - 1 for n in counts.values())
        assert duplicates <= faults["drop"] + faults["timeout"]
        assert duplicates <= b.n_ambiguous


async def test_blocked_and_unknown_chats_are_not_retried(tmp_path, soon):
    schedule = make_schedule([{"id": "b", "at": soon(600), "roles": ["pemilih"], "text": "halo"}])
    async with Harness(tmp_path, schedule, subscribers=voters(5)) as h:
        h.standin.block(1000)
        h.standin.deactivate(1001)
        h.standin.forget(1002)
        await h.reach("b")
        b = await finished(h, "b")
        assert (b.n_sent, b.n_blocked, b.n_gone) == (2, 2, 1)
        sends = h.standin.calls["sendMessage"]
        assert sends == 5  # one attempt each, no retries
        assert h.store.subscriber(1000).status == "blocked"
        assert h.store.subscriber(1002).status == "gone"


async def test_a_group_that_became_a_supergroup_gets_the_message_at_its_new_id(tmp_path, soon):
    schedule = make_schedule([{"id": "b", "at": soon(600), "roles": ["kades"], "text": "untuk grup desa"}])
    async with Harness(tmp_path, schedule, subscribers=[(-500, "kades")]) as h:
        h.standin.migrate(-500, -100500)
        await h.reach("b")
        b = await finished(h, "b")
        assert h.texts_to(-100500) == ["untuk grup desa"]
        assert h.store.subscriber(-100500).role == "kades"
        assert h.store.subscriber(-500) is None
        assert b.n_sent == 1


async def test_a_group_and_its_supergroup_both_subscribed_merge_and_get_one_copy(tmp_path, soon):
    schedule = make_schedule([{"id": "b", "at": soon(600), "roles": ["kades"], "text": "satu saja"}])
    async with Harness(tmp_path, schedule, subscribers=[(-6001, "kades"), (-1006001, "kades")]) as h:
        h.standin.migrate(-6001, -1006001)
        await h.reach("b")
        b = await finished(h, "b")
        assert h.texts_to(-1006001) == ["satu saja"]
        assert (b.n_sent, b.n_cancelled, b.n_failed) == (1, 1, 0), summary_line(b)
        assert h.store.subscriber(-6001) is None
        assert h.store.subscriber(-1006001).role == "kades"
        stuck = h.store.conn.execute("SELECT count(*) FROM deliveries WHERE status = 'sending'").fetchone()[0]
        assert stuck == 0


async def test_a_group_upgraded_to_a_supergroup_moves_its_subscription_at_once(tmp_path, soon):
    schedule = make_schedule([{"id": "b", "at": soon(3600), "roles": ["kades"], "text": "nanti"}])
    async with Harness(tmp_path, schedule, subscribers=[(-7001, "kades"), (-1007001, "kades")]) as h:
        h.standin.group_upgraded(-7001, -1007001)
        await h.standin.wait_for(lambda: h.store.subscriber(-7001) is None)
        assert h.store.subscriber(-1007001).role == "kades"
        assert h.store.count_audience(["kades"]) == 1


@pytest.mark.slow
async def test_copies_not_sent_by_expiry_are_dropped_never_sent_late(tmp_path, soon):
    expires = soon(4)
    schedule = make_schedule([{"id": "b", "at": soon(1), "expires": expires, "roles": ["pemilih"], "text": "cepat"}])
    async with Harness(tmp_path, schedule, rate_limit=10, subscribers=voters(100)) as h:
        b = await finished(h, "b", timeout=30)
        sent = [m for m in h.standin.messages if m["text"] == "cepat"]
        assert 10 <= len(sent) < 60
        assert b.n_sent == len(sent)
        assert b.n_sent + b.n_expired == 100
        last_wall = time.time() - (time.monotonic() - max(m["time"] for m in sent))
        assert last_wall <= expires.timestamp() + 0.5


async def test_replies_go_ahead_of_a_running_broadcast(tmp_path, soon):
    schedule = make_schedule([{"id": "b", "at": soon(600), "roles": ["pemilih"], "text": "siaran"}])
    async with Harness(tmp_path, schedule, rate_limit=20, subscribers=voters(400)) as h:
        await h.reach("b")
        await h.standin.wait_for(lambda: len([m for m in h.standin.messages if m["text"] == "siaran"]) > 20)
        for asker in range(5):
            before = len(h.standin.messages)
            [reply] = await h.say(50 + asker, "/jadwal")
            assert "Jadwal" in reply["text"]
            overtaken = [m for m in h.standin.messages[before:] if m["text"] == "siaran"]
            assert len(overtaken) <= 3, "the reply waited behind the broadcast"
            assert h.store.pending_count("b") > 0  # the broadcast was still running
            await asyncio.sleep(0.3)


@pytest.mark.slow
async def test_a_flood_of_questions_leaves_broadcasts_their_share_and_every_question_an_answer(tmp_path, soon):
    schedule = make_schedule([{"id": "b", "at": soon(600), "roles": ["pemilih"], "text": "ke TPS"}])
    askers = range(5000, 5040)
    async with Harness(tmp_path, schedule, rate_limit=30, subscribers=voters(600), chat_interval=0.5) as h:
        await h.reach("b")
        await h.standin.wait_for(lambda: sum(m["text"] == "ke TPS" for m in h.standin.messages) > 10)
        start = len(h.standin.messages)
        for _ in range(3):  # 40 people, each asking twice a second: 80 questions/s against 30 slots/s
            for chat in askers:
                h.standin.user_message(chat, "/jadwal")
            await asyncio.sleep(0.5)
        flood = h.standin.messages[start:]
        copies = sum(m["text"] == "ke TPS" for m in flood)
        assert copies >= 0.3 * len(flood), f"{copies} broadcast copies among {len(flood)} messages"
        for chat in askers:  # beyond one a second per chat, questions wait their turn: none dropped
            await h.standin.wait_messages(chat, 3, timeout=30)


async def test_a_long_flood_wait_is_told_once_named_by_health_and_replies_do_not_wait_behind_it(
    tmp_path, soon, caplog, capsys
):
    caplog.set_level(logging.INFO)
    schedule = make_schedule([{"id": "b", "at": soon(600), "roles": ["pemilih"], "text": "tertahan"}])
    async with Harness(tmp_path, schedule, rate_limit=20, subscribers=voters(200), admin_ids=[77]) as h:
        await h.reach("b")
        await h.standin.wait_for(lambda: sum(m["text"] == "tertahan" for m in h.standin.messages) > 5)
        h.standin.fail_next(1, status=429, retry_after=150)  # the next broadcast copy
        await h.standin.wait_for(lambda: any("Telegram meminta jeda 150 detik" in t for t in h.texts_to(77)))
        held = sum(m["text"] == "tertahan" for m in h.standin.messages)
        started = time.monotonic()
        [reply] = await h.say(60, "/jadwal")
        assert "Jadwal" in reply["text"]
        assert time.monotonic() - started < 5
        assert sum(m["text"] == "tertahan" for m in h.standin.messages) == held  # broadcasts do wait
        await h.standin.wait_for(lambda: "flood-wait" in health.check(h.db_path)[1], timeout=15)
        assert cli.main(["health", "--database", h.db_path]) == 1
        assert "Telegram flood-wait: 150 s pause until" in capsys.readouterr().out
        assert sum("Telegram meminta jeda" in t for t in h.texts_to(77)) == 1
    warnings = [r for r in caplog.records if "Telegram asked for a pause of 150 s" in r.getMessage()]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING


async def test_progress_is_recorded_in_the_database(tmp_path, soon):
    schedule = make_schedule([{"id": "b", "at": soon(600), "roles": ["pemilih"], "text": "p"}])
    async with Harness(tmp_path, schedule, rate_limit=20, subscribers=voters(60)) as h:
        h.runtime.engine.progress_interval = 0.5
        await h.reach("b")
        await h.standin.wait_for(lambda: getattr(h.store.broadcast("b"), "progress_at", None), timeout=10)
        row = h.store.broadcast("b")
        assert row.rate > 5
        assert row.eta > time.time()
        assert 0 < row.n_sent < 60


@pytest.mark.slow
async def test_a_429_holds_every_send_for_retry_after_then_resumes_without_loss(tmp_path, soon):
    schedule = make_schedule([{"id": "b", "at": soon(600), "roles": ["pemilih"], "text": "sabar"}])
    async with Harness(tmp_path, schedule, rate_limit=20, subscribers=voters(30)) as h:
        await h.reach("b")
        await h.standin.wait_for(lambda: sum(m["text"] == "sabar" for m in h.standin.messages) >= 5)
        h.standin.fail_next(1, status=429, retry_after=2)
        b = await finished(h, "b", timeout=30)
        times = sorted(m["time"] for m in h.standin.messages if m["text"] == "sabar")
        assert len(times) == 30
        assert h.standin.dup_count() == 0
        assert b.n_sent == 30
        assert b.n_retries == 1
        assert h.standin.answers.get(429) == 1
        # every send waited: at 20/s the copies are 0.05 s apart, except across the 2-second hold
        gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
        assert max(gaps) >= 1.9
        assert sorted(gaps)[-2] < 1.0


async def test_server_errors_are_retried_a_bounded_number_of_times_then_failed(tmp_path, soon):
    schedule = make_schedule([{"id": "b", "at": soon(600), "roles": ["pemilih"], "text": "gagal"}])
    async with Harness(tmp_path, schedule, subscribers=voters(1)) as h:
        h.runtime.engine.backoff_base = 0.05
        h.runtime.engine.max_attempts = 3
        h.standin.fail_next(10, status=502)
        await h.reach("b")
        b = await finished(h, "b", timeout=30)
        assert (b.n_sent, b.n_failed) == (0, 1)
        [row] = h.store.deliveries_of(1000)
        assert row["status"] == "failed"
        assert "Bad Gateway" in row["last_error"]
        assert h.standin.calls["sendMessage"] == 3  # bounded: three attempts, no more


async def test_paid_broadcast_sends_with_allow_paid_broadcast(tmp_path, soon):
    schedule = make_schedule([{"id": "b", "at": soon(600), "roles": ["pemilih"], "text": "berbayar"}])
    async with Harness(tmp_path, schedule, subscribers=voters(3), overrides={"paid_broadcast": True}) as h:
        await h.reach("b")
        await finished(h, "b")
        assert h.runtime.pacer.rate == 1000.0
        assert all(m["allow_paid_broadcast"] for m in h.standin.messages if m["text"] == "berbayar")
