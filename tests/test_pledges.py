"""One-tap pledges: the schedule's `ask`, the button, the press, /hapus, the figures."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.content import button_data, operator_texts, pages, reports, telegram_html
from bot.schedule import loading
from bot.schedule import model as sched
from bot.store import DONE, Broadcast, Store
from tests.conftest import TZ, make_schedule, schedule_toml
from tests.e2e import Harness
from tests.test_cli import bot

EN_VOTER, ID_VOTER, ASN, GROUP = 301, 302, 101, -900
EVE, AFTER = datetime(2024, 11, 26, 12, tzinfo=TZ), datetime(2024, 11, 27, 14, tzinfo=TZ)


def buttons(message: dict) -> list[tuple[str, str]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [(b["text"], b["callback_data"]) for row in rows for b in row if "callback_data" in b]


async def finished(h: Harness, broadcast_id: str, timeout: float = 30) -> Broadcast:
    await h.standin.wait_for(lambda: getattr(h.store.broadcast(broadcast_id), "status", None) == DONE, timeout=timeout)
    return h.store.broadcast(broadcast_id)


def set_languages(db_path: str, languages: dict[int, str]) -> None:
    store = Store(db_path)
    for chat_id, language in languages.items():
        store.set_language(chat_id, language)
    store.close()


# -- the schedule file --------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ['"will-vote"', '"maybe"', "true", "1", '["voted"]'])
def test_check_refuses_an_unknown_ask_naming_entry_and_field(bad):
    toml = schedule_toml([{"id": "eve", "at": EVE, "roles": ["pemilih"]}])
    toml = toml.replace('id = "eve"', f'id = "eve"\nask = {bad}')
    with pytest.raises(sched.ScheduleError) as err:
        loading.parse(toml)
    [line] = [p for p in err.value.problems if "ask" in p]
    assert 'reminder "eve"' in line
    assert 'field "ask"' in line
    assert '"will_vote" or "voted"' in line


def test_a_reminder_keeps_its_ask():
    schedule = make_schedule(
        [
            {"id": "eve", "at": EVE, "roles": ["pemilih"], "ask": "will_vote"},
            {"id": "after", "at": AFTER, "roles": ["pemilih"], "ask": "voted"},
            {"id": "plain", "at": AFTER, "roles": ["pemilih"], "text": "x"},
        ]
    )
    assert [(r.id, r.ask) for r in schedule.reminders] == [("eve", "will_vote"), ("after", "voted"), ("plain", None)]


def test_the_default_schedule_asks_on_the_eve_and_after_the_tps_close():
    schedule = loading.load("config/pilkada2024.toml")
    asks = {r.id: r for r in schedule.reminders if r.ask}
    assert asks["malam-sebelum-pencoblosan"].ask == "will_vote"
    [after] = [r for r in asks.values() if r.ask == "voted"]
    voting_day = schedule.voting_day()
    close = schedule.election.tps_close
    assert after.at.date() == voting_day
    assert close is not None
    assert after.at.time() >= close
    assert set(after.roles) == {"asn", "kades", "pemilih"}
    assert after.text_en  # English readers get English


def test_callback_data_is_never_trusted():
    assert button_data.unpack_pledge(button_data.pledge("voted")) == "voted"
    assert button_data.unpack_pledge(button_data.pledge("will_vote")) == "will_vote"
    for forged in ("pledge:", "pledge:maybe", "pledge:voted:1", "pledge:VOTED", "voted", None):
        assert button_data.unpack_pledge(forged) is None
    with pytest.raises(ValueError, match="unknown ask"):
        button_data.pledge("maybe")


# -- end to end -----------------------------------------------------------------------------------


async def test_the_button_arrives_in_each_recipients_language_and_not_in_groups(tmp_path, soon):
    schedule = make_schedule(
        [
            {
                "id": "eve",
                "at": soon(600),
                "roles": ["pemilih", "kades"],
                "text": "Besok memilih",
                "text_en": "Tomorrow we vote",
                "ask": "will_vote",
            },
            {"id": "plain", "at": soon(600), "roles": ["pemilih"], "text": "Tanpa tombol"},
        ]
    )
    people = [(EN_VOTER, "pemilih"), (ID_VOTER, "pemilih"), (GROUP, "kades")]
    h = Harness(tmp_path, schedule, subscribers=people)
    set_languages(h.db_path, {EN_VOTER: "en"})
    async with h:
        await h.reach("plain")
        await finished(h, "eve")
        await finished(h, "plain")
        [en] = [m for m in h.standin.sent_to(EN_VOTER) if m["text"] == "Tomorrow we vote"]
        [id_] = [m for m in h.standin.sent_to(ID_VOTER) if m["text"] == "Besok memilih"]
        assert buttons(en) == [("✅ I will vote", "pledge:will_vote")]
        assert buttons(id_) == [("✅ Saya akan memilih", "pledge:will_vote")]
        [group] = h.standin.sent_to(GROUP)
        assert group["text"] == "Besok memilih"
        assert buttons(group) == []
        [plain] = [m for m in h.standin.sent_to(ID_VOTER) if m["text"] == "Tanpa tombol"]
        assert buttons(plain) == []


async def test_pressing_records_once_and_thanks_in_place(tmp_path, soon):
    schedule = make_schedule(
        [{"id": "after", "at": soon(600), "roles": ["pemilih"], "text": "<b>Sudah memilih?</b>", "ask": "voted"}]
    )
    h = Harness(tmp_path, schedule, subscribers=[(ID_VOTER, "pemilih"), (EN_VOTER, "pemilih")])
    set_languages(h.db_path, {EN_VOTER: "en"})
    async with h:
        await h.reach("after")
        await finished(h, "after")
        [message] = h.standin.sent_to(ID_VOTER)
        answers = [await h.press(ID_VOTER, message, "pledge:voted") for _ in range(3)]
        assert [a.get("text") for a in answers] == ["Terima kasih! Tercatat: Anda sudah memilih."] * 3
        [edited] = h.standin.sent_to(ID_VOTER)
        assert edited["text"] == "<b>Sudah memilih?</b>\n\n<b>Terima kasih! Tercatat: Anda sudah memilih.</b>"
        assert buttons(edited) == []
        [row] = h.store.pledges_of(ID_VOTER)
        assert (row["ask"], row["role"], row["area"]) == ("voted", "pemilih", None)

        # Pressed many times at once (taps queued before the edit removed the button): still one row.
        [other] = h.standin.sent_to(EN_VOTER)
        before = len(h.standin.callback_answers)
        for _ in range(5):
            h.standin.press_button(EN_VOTER, other["message_id"], "pledge:voted")
        await h.standin.wait_for(lambda: len(h.standin.callback_answers) >= before + 5)
        assert len(h.store.pledges_of(EN_VOTER)) == 1
        assert {a.get("text") for a in h.standin.callback_answers[before:]} == {"Thank you! Noted: you have voted."}
        await h.standin.wait_for(lambda: h.standin.sent_to(EN_VOTER)[0].get("edited"))
        assert h.standin.sent_to(EN_VOTER)[0]["text"].endswith("<b>Thank you! Noted: you have voted.</b>")
        assert h.store.conn.execute("SELECT count(*) FROM pledges").fetchone()[0] == 2


async def test_a_message_too_long_for_the_thanks_keeps_its_text_and_loses_the_button(tmp_path, soon):
    long_text = "<b>Sudah memilih?</b> " + "x" * 4_060  # 4,075 characters: the thanks would pass 4,096
    schedule = make_schedule(
        [{"id": "after", "at": soon(600), "roles": ["pemilih"], "text": long_text, "ask": "voted"}]
    )
    async with Harness(tmp_path, schedule, subscribers=[(ID_VOTER, "pemilih")]) as h:
        await h.reach("after")
        await finished(h, "after")
        [message] = h.standin.sent_to(ID_VOTER)
        answer = await h.press(ID_VOTER, message, "pledge:voted")
        assert answer.get("text") == "Terima kasih! Tercatat: Anda sudah memilih."
        await h.standin.wait_for(lambda: buttons(h.standin.sent_to(ID_VOTER)[0]) == [])
        [kept] = h.standin.sent_to(ID_VOTER)
        assert kept["text"] == long_text
        assert len(h.store.pledges_of(ID_VOTER)) == 1


async def test_forged_or_unknown_presses_are_ignored(tmp_path, soon):
    schedule = make_schedule([{"id": "x", "at": soon(3600), "roles": ["pemilih"], "text": "nanti"}])
    async with Harness(tmp_path, schedule, subscribers=[(ID_VOTER, "pemilih")]) as h:
        [reply] = await h.say(ID_VOTER, "/jadwal")
        answer = await h.press(ID_VOTER, reply, "pledge:maybe")
        assert "tidak berlaku" in answer["text"]
        [reply] = await h.say(999, "/jadwal")  # a chat the bot knows nothing of
        answer = await h.press(999, reply, "pledge:voted")
        assert "belum berlangganan" in answer["text"]
        assert h.store.conn.execute("SELECT count(*) FROM pledges").fetchone()[0] == 0


async def test_a_press_counts_only_from_someone_who_was_sent_that_ask(tmp_path, soon):
    schedule = make_schedule([{"id": "eve", "at": soon(600), "roles": ["asn"], "text": "Besok", "ask": "will_vote"}])
    forgers = [(2000 + i, "pemilih") for i in range(10)]
    async with Harness(tmp_path, schedule, subscribers=[(ID_VOTER, "asn"), *forgers]) as h:
        await h.reach("eve")
        await finished(h, "eve")
        [message] = h.standin.sent_to(ID_VOTER)
        await h.press(ID_VOTER, message, "pledge:will_vote")
        for chat_id, _ in forgers:  # subscribers who never got the ask press forged data on a bot message
            [reply] = await h.say(chat_id, "/jadwal")
            for data in ("pledge:will_vote", "pledge:voted"):
                answer = await h.press(chat_id, reply, data)
                assert "tidak berlaku" in answer["text"]
        assert h.store.conn.execute("SELECT chat_id FROM pledges").fetchall() == [(ID_VOTER,)]
        [eve] = reports.pledge_figures(h.store)
        assert (eve["pledged"], eve["received"], eve["share"]) == (1, 1, 100.0)


def test_a_share_never_exceeds_a_hundred_percent():
    assert reports.share(11, 1) == 100.0
    assert reports.share(1, 2) == 50.0


async def test_hapus_deletes_the_pledges_too(tmp_path, soon):
    schedule = make_schedule(
        [{"id": "eve", "at": soon(600), "roles": ["pemilih"], "text": "Besok", "ask": "will_vote"}]
    )
    async with Harness(tmp_path, schedule, subscribers=[(ID_VOTER, "pemilih")]) as h:
        await h.reach("eve")
        await finished(h, "eve")
        [message] = h.standin.sent_to(ID_VOTER)
        await h.press(ID_VOTER, message, "pledge:will_vote")
        assert len(h.store.pledges_of(ID_VOTER)) == 1
        said = await h.forget(ID_VOTER)
        assert "tombol memilih" in said
        assert h.store.pledges_of(ID_VOTER) == []
        assert h.store.subscriber(ID_VOTER) is None


async def test_copies_sent_after_a_restart_keep_the_button(tmp_path, soon):
    schedule = make_schedule(
        [
            {
                "id": "eve",
                "at": soon(600),
                "roles": ["pemilih"],
                "text": "Besok",
                "text_en": "Tomorrow",
                "ask": "will_vote",
            }
        ]
    )
    people = [(1000 + i, "pemilih") for i in range(12)]
    h = Harness(tmp_path, schedule, rate_limit=4, subscribers=people)
    set_languages(h.db_path, {1011: "en"})
    async with h:
        await h.reach("eve")
        await h.standin.wait_for(lambda: getattr(h.store.broadcast("eve"), "n_sent", 0) >= 2)
        first = {m["chat_id"] for m in h.standin.messages if m["text"] == "Besok"}
    # A new bot, and a schedule that no longer lists the reminder: the button comes from the database.
    later = make_schedule([{"id": "other", "at": soon(3600), "roles": ["pemilih"], "text": "nanti"}])
    async with Harness(tmp_path, later, rate_limit=50) as h2:
        b = await finished(h2, "eve")
        assert b.n_sent + b.n_resumed >= 12
        after = [m for m in h2.standin.messages if m["text"] in ("Besok", "Tomorrow")]
        assert after
        assert {m["chat_id"] for m in after} | first == {c for c, _ in people}
        for m in after:
            label = "✅ I will vote" if m["chat_id"] == 1011 else "✅ Saya akan memilih"
            assert buttons(m) == [(label, "pledge:will_vote")], m


# -- the figures: /statistik, `stats`, `export` -----------------------------------------------------

# Distinctive chat ids, so a leak into an output is easy to spot.
K_ASN, K1, K2, K3, K_BLOCKED, N1, NOWHERE, G = (
    987650001,
    987650002,
    987650003,
    987650004,
    987650005,
    987650101,
    987650301,
    -987650900,
)


def fill_pledges(store: Store) -> None:
    """A regency in miniature: who received which asking reminder, who pressed."""
    people = [
        (K_ASN, "asn", "kedungwaru"),
        (K1, "pemilih", "kedungwaru"),
        (K2, "pemilih", "kedungwaru"),
        (K3, "pemilih", "kedungwaru"),
        (K_BLOCKED, "pemilih", "kedungwaru"),
        (N1, "pemilih", "ngunut"),
        (NOWHERE, "pemilih", None),
        (G, "kades", "ngunut"),
    ]
    for chat_id, role, area in people:
        store.subscribe(chat_id, role)
        store.set_area(chat_id, area)
    asking = (("eve", "will_vote", ["asn", "kades", "pemilih"]), ("after", "voted", ["pemilih"]))
    for broadcast_id, ask, roles in asking:
        store.create_broadcast(broadcast_id, text="x", roles=roles, at=0, expires=1e12, ask=ask)
        store.enqueue(broadcast_id)
        for job in store.take(100, now=1):
            store.finish(job.broadcast_id, job.chat_id, "blocked" if job.chat_id == K_BLOCKED else "sent")
    for chat_id in (K_ASN, K1, K2, NOWHERE, K1):  # K1 twice: counted once
        store.pledge(chat_id, "will_vote")
    store.pledge(N1, "voted")


def test_pledge_figures_are_shares_of_the_people_who_received_the_reminder(store):
    from tests.test_areas_reports import area_schedule

    fill_pledges(store)
    eve, after = reports.pledge_figures(store, area_schedule().areas)
    # eve reached 6 people in private chats (the group got it without a button; one blocked the bot)
    assert (eve["ask"], eve["pledged"], eve["received"], round(eve["share"], 2)) == ("will_vote", 4, 6, 66.67)
    assert [(r["role"], r["pledged"], r["received"], r["share"]) for r in eve["roles"]] == [
        ("asn", 1, 1, 100.0),
        ("kades", 0, 0, None),
        ("pemilih", 3, 5, 60.0),
    ]
    assert [(a["name"], a["pledged"], a["received"], a["share"]) for a in eve["areas"]] == [
        ("Kedungwaru", 3, 4, 75.0),
        ("Ngunut", 0, 1, 0.0),
        (None, 1, 1, 100.0),
    ]
    assert (after["ask"], after["pledged"], after["received"]) == ("voted", 1, 5)
    assert [(a["id"], a["pledged"], a["received"]) for a in after["areas"]] == [
        ("kedungwaru", 0, 3),
        ("ngunut", 1, 1),
        (None, 0, 1),
    ]

    text = operator_texts.stats_text(store.subscriber_stats(), "Kabupaten Uji", "id", None, [eve, after])
    assert "<b>Tombol memilih</b>: yang menekan / penerima pengingat" in text
    assert "✅ Akan memilih: <b>4/6 (66,7%)</b>\nASN 1/1 (100,0%) · Kepala Desa 0/0 · Pemilih 3/5 (60,0%)" in text
    assert "Kedungwaru 3/4 (75,0%) · Ngunut 0/1 (0,0%) · Tanpa wilayah 1/1 (100,0%)" in text
    assert "✅ Sudah memilih: <b>1/5 (20,0%)</b>" in text
    english = operator_texts.stats_text(store.subscriber_stats(), "Kabupaten Uji", "en", None, [eve, after])
    assert "✅ Will vote: <b>4/6 (66.7%)</b>" in english
    assert "No area 1/1 (100.0%)" in english


def test_no_asking_reminder_no_pledge_section(store):
    store.subscribe(1, "pemilih")
    assert reports.pledge_figures(store) == []
    assert "Tombol memilih" not in operator_texts.stats_text(store.subscriber_stats(), "Kabupaten Uji", "id", None, [])


@pytest.mark.parametrize("lang", ["id", "en"])
def test_statistik_with_nineteen_kecamatan_and_both_asks_fits_one_message(lang):
    shipped = loading.load("config/pilkada2024.toml")
    roles = ["asn", "kades", "pemilih"]
    big = {"pledged": 9_999_999, "received": 99_999_999, "share": 10.0}
    areas = [
        {
            "id": a.id,
            "name": a.name,
            "voters": 99_999_999,
            "roles": dict.fromkeys(roles, 9_999_999),
            "count": 29_999_997,
            "coverage": 29.99,
        }
        for a in shipped.areas
    ]
    areas.append(
        {
            "id": None,
            "name": None,
            "voters": None,
            "roles": dict.fromkeys(roles, 9_999_999),
            "count": 29_999_997,
            "coverage": None,
        }
    )
    kecamatan = [{"id": a.id, "name": a.name, **big} for a in shipped.areas] + [{"id": None, "name": None, **big}]
    pledged = [
        {"ask": ask, **big, "roles": [{"role": r, **big} for r in roles], "areas": kecamatan}
        for ask in ("will_vote", "voted")
    ]
    s = {
        "active": dict.fromkeys(roles, 99_999_999),
        "total_active": 299_999_997,
        "stopped": 9_999_999,
        "blocked": 9_999_999,
        "new_today": 9_999_999,
        "new_days": 9_999_999,
    }
    text = operator_texts.stats_text(s, shipped.election.region, lang, areas, pledged)
    assert pages.split(text) == [text]
    assert len(telegram_html.parse(text).text) <= 4096
    assert telegram_html.check(text) is None


@pytest.fixture
def pledge_files(tmp_path):
    from tests.test_areas_reports import database_and_schedule

    return database_and_schedule(tmp_path, fill_pledges)


def test_cli_stats_shows_pledges_per_role_and_kecamatan(pledge_files):
    db, schedule = pledge_files
    result = bot("stats", "--database", db, "--schedule", schedule)
    assert result.returncode == 0, result.stderr
    assert "Pledges 'will_vote'" in result.stdout
    assert "Pledges 'voted'" in result.stdout
    lines = [line.split() for line in result.stdout.splitlines()]
    assert ["pressed", "received", "share"] in lines
    assert ["all", "4", "6", "66.7%"] in lines
    assert ["pemilih", "3", "5", "60.0%"] in lines
    assert ["kades", "0", "0"] in lines
    assert ["Kedungwaru", "3", "4", "75.0%"] in lines
    assert ["(no", "area)", "1", "1", "100.0%"] in lines
    assert "98765" not in result.stdout


def test_export_has_pledge_rows_and_no_chat_ids(pledge_files, tmp_path):
    from tests.test_export import read_csv

    db, schedule = pledge_files
    out = tmp_path / "angka"
    result = bot("export", "--out", str(out), "--database", db, "--schedule", schedule)
    assert result.returncode == 0, result.stderr
    assert "98765" not in "".join(p.read_text(encoding="utf-8-sig") for p in out.iterdir())

    def counts(r: dict) -> tuple:
        return r["Menekan"], r["Menerima pengingat"], r["Persen (%)"]

    asks = {r["Tombol"]: r for r in read_csv(out / "tombol_memilih.csv")}
    assert counts(asks["will_vote"]) == ("4", "6", "66,67")
    assert asks["will_vote"]["Nama tombol"] == "Akan memilih"
    assert counts(asks["voted"]) == ("1", "5", "20,00")
    roles = {(r["Tombol"], r["Peran"]): r for r in read_csv(out / "tombol_memilih_per_peran.csv")}
    assert counts(roles[("will_vote", "pemilih")]) == ("3", "5", "60,00")
    assert counts(roles[("will_vote", "kades")]) == ("0", "0", "")
    areas = {(r["Tombol"], r["ID kecamatan"]): r for r in read_csv(out / "tombol_memilih_per_kecamatan.csv")}
    assert counts(areas[("will_vote", "kedungwaru")]) == ("3", "4", "75,00")
    assert areas[("will_vote", "kedungwaru")]["Kecamatan"] == "Kedungwaru"
    assert counts(areas[("will_vote", "")]) == ("1", "1", "100,00")  # people with no area
    assert areas[("will_vote", "")]["Kecamatan"] == "(tanpa wilayah)"


def test_purge_removes_who_pledged_and_keeps_the_counts(pledge_files):
    db, schedule = pledge_files
    store = Store(db)
    counts = store.pledge_counts()
    store.close()
    tomorrow = (datetime.now(TZ) + timedelta(days=1)).date().isoformat()  # everything up to today
    result = bot("purge", "--before", tomorrow, "--yes", "--database", db, "--schedule", schedule)
    assert result.returncode == 0, result.stderr
    assert "and 5 pledge records" in result.stdout  # K1's second press was never a row
    store = Store(db)
    assert store.db.execute("SELECT count(*) FROM pledges").fetchone()[0] == 0
    assert store.pledges_of(K1) == []
    assert store.pledge_counts() == counts
    assert [c.name for c in store.db["pledge_totals"].columns] == ["ask", "role", "area", "n"]  # no chat id
    store.close()
    stats = [line.split() for line in bot("stats", "--database", db, "--schedule", schedule).stdout.splitlines()]
    assert ["all", "4", "0"] in stats  # the presses still count; whom they reached was purged


def test_purge_refuses_a_date_in_the_future_and_deletes_nothing(pledge_files):
    db, schedule = pledge_files
    later = (datetime.now(TZ) + timedelta(days=2)).date().isoformat()
    result = bot("purge", "--before", later, "--yes", "--database", db, "--schedule", schedule)
    assert result.returncode == 2
    assert "in the future" in result.stderr
    store = Store(db)
    assert len(store.pledges_of(K1)) == 1
    assert len(store.deliveries_of(K1)) == 2
    store.close()


async def test_statistik_shows_the_pledges(tmp_path):
    from tests.test_areas_reports import OP, area_schedule

    async with Harness(tmp_path, area_schedule(), admin_ids=[OP]) as h:
        fill_pledges(h.store)
        text, _photo = await h.say(OP, "/statistik", n=2)
        assert "✅ Akan memilih: <b>4/6 (66,7%)</b>" in text["text"]
        assert "Kedungwaru 3/4 (75,0%)" in text["text"]
        assert "✅ Sudah memilih: <b>1/5 (20,0%)</b>" in text["text"]


def test_a_press_counts_while_the_asking_copy_is_still_being_recorded(store):
    store.subscribe(K1, "pemilih")
    store.create_broadcast("eve", text="x", roles=["pemilih"], at=0, expires=1e12, ask="will_vote")
    store.enqueue("eve")
    assert store.pledge(K1, "will_vote") == "not_asked"  # queued, not sent yet
    store.take(10, now=1)  # in flight: its outcome is written a moment after Telegram's answer
    assert store.pledge(K1, "will_vote") == "pledged"
