"""Operators' broadcasts sent later: the time they type, the store, the scheduler and the plan (injected clocks)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot import store as st
from bot.content import operator_texts
from bot.content.reports import ADHOC_TTL
from bot.delivery import plan
from bot.delivery.scheduler import Scheduler, start_scheduled
from bot.schedule import send_time
from tests.conftest import TZ, make_schedule

NOW = datetime(2027, 11, 25, 10, 0, tzinfo=TZ).timestamp()
AT = datetime(2027, 11, 26, 19, 0, tzinfo=TZ).timestamp()
TEXT = "<b>Rapat koordinasi</b> kepala desa\nSenin 09.00 di aula"


def subscribe(store, *people, now=NOW):
    for chat_id, role in people:
        store.subscribe(chat_id, role, now=now)


def schedule_one(store, at=AT, roles=("kades",), now=NOW) -> str:
    return store.create_adhoc(text=TEXT, roles=roles, ttl=ADHOC_TTL, at=at, now=now)


# -- the time an operator types ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["2027-11-26 19:00", "26/11/2027 19:00", "26-11-2027 19.00", "26-11-2027 pukul 19.00 WIB"]
)
def test_the_usual_ways_of_writing_a_time_are_read_in_the_elections_zone(typed):
    assert send_time.parse(typed, "Asia/Jakarta") == datetime(2027, 11, 26, 19, 0, tzinfo=TZ)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("besok sore", send_time.FORMAT),
        ("31-02-2027 10.00", send_time.NO_SUCH_TIME),
        ("26-11-2027 19.00 WITA", send_time.ZONE),
    ],
)
def test_a_time_that_names_no_moment_is_refused_with_its_reason(typed, reason):
    with pytest.raises(send_time.BadTime) as caught:
        send_time.parse(typed, "Asia/Jakarta")
    assert caught.value.reason == reason


def test_past_and_too_distant_times_are_refused_and_the_night_is_recognised():
    now = datetime.fromtimestamp(NOW, TZ)
    with pytest.raises(send_time.BadTime) as past:
        send_time.check(now - timedelta(minutes=1), now)
    assert past.value.reason == send_time.PAST
    assert "has already passed" in str(past.value)
    with pytest.raises(send_time.BadTime) as far:
        send_time.check(now + send_time.HORIZON + timedelta(minutes=1), now)
    assert far.value.reason == send_time.TOO_FAR
    send_time.check(now + timedelta(minutes=1), now)  # no error
    night = [h for h in range(24) if send_time.at_night(now.replace(hour=h))]
    assert night == [0, 1, 2, 3, 4, 5, 21, 22, 23]
    refusal = operator_texts.bad_send_time(past.value.reason, past.value.values, send_time.example(now), "id")
    assert refusal == "Waktu itu sudah lewat (sekarang 25-11-2027 10.00). Ketik waktu yang akan datang."


# -- the store -----------------------------------------------------------------------------------------


def test_a_scheduled_broadcast_waits_without_recipients_until_its_time(store):
    subscribe(store, (1, "kades"), (2, "asn"))
    broadcast_id = schedule_one(store)
    b = store.broadcast(broadcast_id)
    assert (b.status, b.kind, b.at, b.expires, b.total) == (st.SCHEDULED, st.ADHOC, AT, AT + ADHOC_TTL, 0)
    assert store.db.execute("SELECT count(*) FROM deliveries").fetchone()[0] == 0
    assert store.take(10, now=AT + 60) == []  # nothing to send before it is started
    assert store.running_adhoc() == []
    assert store.unfinished_enqueues() == []
    assert store.due_scheduled(now=AT - 1) == []
    assert [b.id for b in store.scheduled_broadcasts()] == [broadcast_id]
    assert store.enqueue(broadcast_id, now=AT - 1) == 0  # a stray enqueue does not start it early
    assert store.broadcast(broadcast_id).status == st.SCHEDULED


def test_recipients_are_counted_when_it_falls_due(store):
    subscribe(store, (1, "kades"), (2, "asn"))
    broadcast_id = schedule_one(store)
    subscribe(store, (3, "kades"), now=AT - 3600)  # subscribed after it was scheduled
    store.set_status(1, st.STOPPED)
    [due] = store.due_scheduled(now=AT)
    assert start_scheduled(store, due, now=AT) == 1
    b = store.broadcast(broadcast_id)
    assert (b.status, b.total, b.enqueued_at) == (st.RUNNING, 1, AT)
    assert [j.chat_id for j in store.take(10, now=AT)] == [3]
    assert store.due_scheduled(now=AT + 1) == []


def test_after_a_restart_it_is_sent_late_unless_it_expired(tmp_path):
    path = tmp_path / "bot.db"
    before = st.Store(path)
    subscribe(before, (1, "kades"))
    gone, late = schedule_one(before), schedule_one(before, at=AT + 3600)
    before.close()
    after = st.Store(path)  # the bot was down from before AT until long after
    try:
        restart = AT + ADHOC_TTL + 60  # `gone` expired a minute ago; `late`'s time passed, its day has not
        due = {b.id: b for b in after.due_scheduled(now=restart)}
        assert set(due) == {late, gone}
        assert start_scheduled(after, due[late], now=restart) == 1
        assert start_scheduled(after, due[gone], now=restart) is None
        assert after.broadcast(late).status == st.RUNNING
        g = after.broadcast(gone)
        assert (g.status, g.total, g.finished_at) == (st.EXPIRED, 0, restart)
        assert after.db.execute("SELECT count(*) FROM deliveries WHERE broadcast_id = ?", (gone,)).fetchone()[0] == 0
    finally:
        after.close()


def test_it_can_be_cancelled_until_it_starts_and_not_after(store):
    subscribe(store, (1, "kades"))
    first, second = schedule_one(store), schedule_one(store, at=AT + 60)
    cancelled, b = store.cancel_scheduled(first, now=AT - 10)
    assert cancelled
    assert (b.status, b.finished_at) == (st.CANCELLED, AT - 10)
    assert store.start_scheduled(first) is False  # the scheduler comes too late: nothing is sent
    assert store.cancel_scheduled(first, now=AT)[0] is False  # cancelled once
    assert start_scheduled(store, store.broadcast(second), now=AT + 60) == 1
    cancelled, b = store.cancel_scheduled(second, now=AT + 61)
    assert not cancelled
    assert b.status == st.RUNNING
    assert store.pending_count(second) == 1
    assert store.cancel_scheduled("siaran:99") == (False, None)
    assert [b.id for b in store.recent_broadcasts(started=True)] == [second]


def test_ad_hoc_ids_keep_counting_across_scheduled_ones(store):
    assert schedule_one(store) == "siaran:1"
    assert store.create_adhoc(text="now", roles=["asn"], ttl=60, now=NOW) == "siaran:2"
    assert schedule_one(store) == "siaran:3"


# -- the scheduler, on an injected clock ---------------------------------------------------------------


async def test_the_scheduler_starts_what_fell_due_while_it_was_down(tmp_path):
    path = tmp_path / "bot.db"
    store = st.Store(path)
    subscribe(store, (1, "kades"), (2, "kades"))
    due_id, later_id = schedule_one(store), schedule_one(store, at=AT + 7200)
    now = [AT + 600]
    woken = []
    reminders = make_schedule([{"id": "r", "at": datetime.fromtimestamp(NOW, TZ), "roles": ["asn"]}])
    scheduler = Scheduler(reminders, store, None, lambda: woken.append(1), clock=lambda: now[0])
    try:
        assert await scheduler.start_due() == [due_id]
        assert woken
        assert store.broadcast(due_id).total == 2
        assert store.broadcast(later_id).status == st.SCHEDULED
        now[0] = AT + 7200
        assert await scheduler.start_due() == [later_id]
        assert await scheduler.start_due() == []
    finally:
        store.close()


# -- the plan -----------------------------------------------------------------------------------------


def test_plan_and_rencana_show_it_with_its_time_audience_and_first_line(store):
    subscribe(store, (1, "kades"), (2, "kades"), (3, "asn"))
    broadcast_id = schedule_one(store)
    reminders = make_schedule([{"id": "pagi", "at": datetime(2027, 11, 26, 8, 0, tzinfo=TZ), "roles": ["asn"]}])
    now = datetime.fromtimestamp(NOW, TZ)
    rows = plan.plan(reminders, store.count_audience, 30, now=now, scheduled=store.scheduled_broadcasts())
    assert [(r.reminder.id, r.recipients, r.adhoc) for r in rows] == [("pagi", 1, False), (broadcast_id, 2, True)]
    table = plan.render(rows, 30, "test")
    assert "siaran:1 2027-11-26 19:00          2" in table
    assert "scheduled broadcast: Rapat koordinasi kepala desa" in table
    assert "1 reminder and 1 scheduled broadcast, " in table
    [page] = operator_texts.plan_pages(rows, 30, TZ, "id")
    assert "🕒 <b>Siaran 1</b> · siaran terjadwal\n  26-11-2027 19.00 · Kepala Desa · 2 penerima" in page
    assert "«Rapat koordinasi kepala desa»" in page
    assert "<code>/batal siaran:1</code>" in page
    [english] = operator_texts.plan_pages(rows, 30, TZ, "en")
    assert "🕒 <b>Broadcast 1</b> · scheduled broadcast" in english
    assert "Cancel before it starts" in english
    store.cancel_scheduled(broadcast_id)
    assert (
        plan.plan(reminders, store.count_audience, 30, now=now, scheduled=store.scheduled_broadcasts())[-1].adhoc
        is False
    )
