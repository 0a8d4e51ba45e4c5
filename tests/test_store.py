"""The store: subscribers, the outbox and its outcomes, straight against SQLite."""

from __future__ import annotations

import os
import stat
import threading
import time

from bot import store as st


def add(store, chat_id, role, status="active"):
    store.subscribe(chat_id, role)
    if status != "active":
        store.set_status(chat_id, status)


def broadcast(store, bid="r1", roles=("asn",), at=1000.0, expires=10_000.0, deliver_by=None):
    store.create_broadcast(bid, text="<b>hai</b>", roles=roles, at=at, expires=expires, deliver_by=deliver_by)
    return store.enqueue(bid, now=at)


def test_database_file_and_folder_are_created_owner_only(tmp_path):
    path = tmp_path / "nested" / "bot.db"
    s = st.Store(path)
    s.close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_subscribe_then_change_role_keeps_one_row(store):
    store.subscribe(1, "asn", "id", now=10)
    store.subscribe(1, "kades", None, now=20)
    sub = store.subscriber(1)
    assert (sub.role, sub.language, sub.status, sub.joined_at, sub.updated_at) == ("kades", "id", "active", 10, 20)


def test_enqueue_writes_one_pending_row_per_active_subscriber_of_the_roles(store):
    add(store, 1, "asn")
    add(store, 2, "kades")
    add(store, 3, "pemilih")
    add(store, 4, "asn", status="stopped")
    add(store, 5, "asn", status="blocked")
    assert broadcast(store, roles=("asn", "kades")) == 2
    rows = store.db.execute("SELECT chat_id, status FROM deliveries ORDER BY chat_id").fetchall()
    assert rows == [(1, "pending"), (2, "pending")]
    assert store.broadcast("r1").total == 2


def test_enqueue_in_small_chunks_gets_everyone_once(store):
    for chat_id in range(1, 1001):
        add(store, chat_id, "pemilih")
    store.create_broadcast("r1", text="x", roles=["pemilih"], at=0, expires=10)
    assert store.enqueue("r1", chunk=7, pause=0) == 1000
    assert store.db.execute("SELECT count(DISTINCT chat_id) FROM deliveries").fetchone()[0] == 1000


def test_a_writer_waiting_during_a_long_enqueue_gets_its_turn_between_chunks(store):
    """The delivery engine records outcomes while a big outbox is written: it must not wait for
    the whole enqueue (SQLite's busy handler would keep missing a lock that is free only for an instant)."""
    store.db["subscribers"].insert_all(
        {"chat_id": c, "role": "pemilih", "status": "active", "joined_at": 0, "updated_at": 0} for c in range(1, 24001)
    )
    store.create_broadcast("r1", text="x", roles=["pemilih"], at=0, expires=10)
    other = store.reopen()
    seen: list[int] = []

    def write_once_the_enqueue_has_begun() -> None:
        while not other.conn.execute("SELECT count(*) FROM deliveries").fetchone()[0]:
            time.sleep(0.001)
        time.sleep(0.003)  # into the next chunk: the lock is taken, and this writer must wait for it
        with other.transaction():  # waits for the write lock, as the engine's outcomes do
            seen.append(other.conn.execute("SELECT count(*) FROM deliveries").fetchone()[0])
            other.set_status(1, "stopped")

    writer = threading.Thread(target=write_once_the_enqueue_has_begun)
    writer.start()
    assert store.enqueue("r1", chunk=3000) == 24000
    writer.join(5)
    other.close()
    assert len(seen) == 1
    assert seen[0] < 24000  # it wrote between two chunks, not after the last
    assert store.subscriber(1).status == "stopped"


def test_a_broadcast_id_is_created_and_enqueued_once(store):
    add(store, 1, "asn")
    assert broadcast(store) == 1
    assert store.create_broadcast("r1", text="again", roles=["asn"], at=0, expires=1) is False
    add(store, 2, "asn")
    assert store.enqueue("r1") == 1  # already enqueued: later subscribers are not added
    assert store.broadcast("r1").text == "<b>hai</b>"


def test_take_marks_in_flight_and_finish_counts_outcomes(store):
    for chat_id, role in [(1, "asn"), (2, "asn"), (3, "asn")]:
        add(store, chat_id, role)
    broadcast(store)
    jobs = store.take(10, now=1000)
    assert sorted(j.chat_id for j in jobs) == [1, 2, 3]
    assert store.take(10, now=1000) == []
    store.finish("r1", 1, st.SENT)
    store.finish("r1", 2, st.BLOCKED, "Forbidden: bot was blocked by the user")
    store.finish("r1", 3, st.FAILED, "boom")
    b = store.broadcast("r1")
    assert (b.n_sent, b.n_blocked, b.n_failed) == (1, 1, 1)
    assert store.subscriber(2).status == "blocked"
    assert [x.id for x in store.close_finished()] == ["r1"]
    assert store.broadcast("r1").status == "done"


def test_take_serves_the_earliest_deadline_first(store):
    add(store, 1, "asn")
    broadcast(store, "late", deliver_by=9000)
    broadcast(store, "early", deliver_by=2000)
    assert [j.broadcast_id for j in store.take(1, now=1000)] == ["early"]


def test_take_cancels_copies_for_people_who_stopped_meanwhile(store):
    add(store, 1, "asn")
    add(store, 2, "asn")
    broadcast(store)
    store.set_status(2, "stopped")
    assert [j.chat_id for j in store.take(10, now=1000)] == [1]
    assert store.broadcast("r1").n_cancelled == 1


def test_in_flight_rows_go_back_to_pending_after_a_crash(store):
    add(store, 1, "asn")
    add(store, 2, "asn")
    broadcast(store)
    store.take(10, now=1000)
    store.finish("r1", 1, st.SENT)
    assert store.recover_in_flight() == 1
    assert [j.chat_id for j in store.take(10, now=1000)] == [2]
    assert store.broadcast("r1").n_resumed == 1


def test_retry_later_waits_until_next_at(store):
    add(store, 1, "asn")
    broadcast(store)
    store.take(10, now=1000)
    store.retry_later("r1", 1, next_at=1005, error="Bad Gateway", now=1000)
    assert store.take(10, now=1001) == []
    assert [j.attempts for j in store.take(10, now=1006)] == [1]


def test_expire_overdue_drops_pending_copies_only(store):
    add(store, 1, "asn")
    add(store, 2, "asn")
    broadcast(store, expires=2000)
    store.take(1, now=1000)
    store.finish("r1", 1, st.SENT)
    assert store.expire_overdue(now=2000) == 1
    b = store.broadcast("r1")
    assert (b.n_sent, b.n_expired) == (1, 1)


def test_forget_removes_every_row_about_the_chat(store):
    add(store, 1, "asn")
    add(store, 2, "asn")
    broadcast(store)
    store.forget(1)
    assert store.subscriber(1) is None
    assert store.deliveries_of(1) == []
    assert len(store.deliveries_of(2)) == 1


def test_migrate_moves_subscription_and_pending_copies(store):
    add(store, -5, "kades")
    broadcast(store, roles=("kades",))
    store.migrate_chat(-5, -1005)
    assert store.subscriber(-5) is None
    assert store.subscriber(-1005).role == "kades"
    assert [j.chat_id for j in store.take(5, now=1000)] == [-1005]


def test_forget_counts_undelivered_copies_as_cancelled_and_late_outcomes_are_not_counted_again(store):
    for chat_id in (1, 2, 3):
        add(store, chat_id, "asn")
    broadcast(store, "r1")
    broadcast(store, "r2")
    [job] = store.take(1, now=1000)  # in flight for r1, still pending for r2
    other = store.reopen()  # /hapus writes through another connection than the engine's
    other.forget(job.chat_id)
    other.close()
    store.finish("r1", job.chat_id, st.SENT)  # the request in flight came back after /hapus
    for bid in ("r1", "r2"):
        b = store.broadcast(bid)
        assert (b.total, b.n_sent, b.n_cancelled) == (3, 0, 1), bid
        assert st.undelivered(b) == store.pending_count(bid) == 2, bid
    assert store.deliveries_of(job.chat_id) == []


def test_a_copy_waiting_for_the_network_uses_no_attempt_and_is_due_when_it_is_back(store):
    add(store, 1, "asn")
    broadcast(store)
    store.take(10, now=1000)
    store.wait_for_network("r1", 1, next_at=1015, error="NotSent: nothing was sent", now=1000)
    assert store.waiting_for_network("r1") == 1
    assert store.take(10, now=1001) == []
    assert store.network_back(now=1002) == 1
    [job] = store.take(10, now=1002)
    assert job.attempts == 0
    store.finish("r1", 1, st.SENT, now=1003)
    assert store.waiting_for_network("r1") == 0


def test_an_outcome_that_cannot_be_recorded_puts_its_copy_back_in_line(store):
    from bot.delivery.engine import apply_outcomes
    from bot.delivery.outcomes import Finished

    add(store, 1, "asn")
    add(store, 2, "asn")
    broadcast(store)
    store.take(10, now=1000)
    apply_outcomes(store, [Finished("r1", 1, st.SENT), Finished("r1", 2, "no such outcome")])
    statuses = {row["chat_id"]: row["status"] for chat in (1, 2) for row in store.deliveries_of(chat)}
    assert statuses == {1: st.SENT, 2: st.PENDING}  # never left 'sending'


def test_stop_ends_a_subscription_but_not_a_visit(store):
    store.subscribe(1, "pemilih")
    store.remember_source(2, "kanal")  # opened the channel's link, chose no role
    assert store.stop(1) is True
    assert store.subscriber(1).status == "stopped"
    assert store.stop(2) is False
    assert store.subscriber(2).status == "visitor"
    assert store.stop(3) is False  # never seen
