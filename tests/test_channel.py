"""The commission's channel: BOT_CHANNEL_ID, `channel = true` reminders, one post per reminder."""

from __future__ import annotations

import logging

import pytest

from bot import settings as cfg
from bot.content import telegram_html, texts
from bot.schedule import loading
from bot.schedule import model as sched
from bot.store import BLOCKED, DONE, GONE, SENT, Store
from bot.store.statuses import ACTIVE
from tests.conftest import make_schedule, schedule_toml
from tests.e2e import Harness
from tests.test_cli import bot

CHANNEL = -1001234567890
PEOPLE = [(1001, "pemilih"), (1002, "asn"), (1003, "kades")]


# -- the setting -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["@nama_kanal", "@KPU_Uji_2024", "-1001234567890", " -1001234567890 "])
def test_a_channel_name_or_numeric_id_is_accepted(value):
    s = cfg.load(environ={"BOT_CHANNEL_ID": value}, env_file=None)
    assert s.channel_id == value.strip()


def test_the_channel_comes_from_the_settings_file_too(tmp_path):
    env = tmp_path / "bot.env"
    env.write_text("BOT_CHANNEL_ID=@nama_kanal\n")
    assert cfg.load(environ={}, env_file=env).channel_id == "@nama_kanal"
    assert cfg.load(environ={}, env_file=None).channel_id is None


@pytest.mark.parametrize("value", ["nama_kanal", "@ab", "@1kanal", "@nama kanal", "12345", "-100abc", "t.me/kanal"])
def test_a_bad_channel_is_one_clear_line(value):
    with pytest.raises(cfg.SettingsError) as exc:
        cfg.load(environ={"BOT_CHANNEL_ID": value}, env_file=None)
    message = str(exc.value)
    assert "\n" not in message
    assert message.startswith("BOT_CHANNEL_ID")
    assert repr(value) in message


def test_a_bad_channel_flag_exits_2_with_one_line():
    result = bot("check", "config/pilkada2024.toml", "--channel-id", "kanal")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "BOT_CHANNEL_ID (--channel-id)" in result.stderr


def test_channel_number_only_for_numeric_ids():
    assert cfg.channel_number("-1001234567890") == -1001234567890
    assert cfg.channel_number("@nama_kanal") is None
    assert cfg.channel_number(None) is None


# -- the schedule and `check` ------------------------------------------------------------------


def test_channel_must_be_true_or_false(soon):
    text = schedule_toml([{"id": "umum", "at": soon(60), "roles": ["pemilih"]}]).replace(
        'id = "umum"', 'id = "umum"\nchannel = "ya"'
    )
    with pytest.raises(sched.ScheduleError) as exc:
        loading.parse(text)
    assert any("umum" in p and "channel" in p and "true or false" in p for p in exc.value.problems), exc.value.problems


def test_channel_is_false_unless_set(soon):
    s = make_schedule(
        [
            {"id": "umum", "at": soon(60), "roles": ["pemilih"], "channel": True},
            {"id": "asn", "at": soon(60), "roles": ["asn"]},
        ]
    )
    assert {r.id: r.channel for r in s.reminders} == {"umum": True, "asn": False}


def test_the_default_schedule_posts_public_announcements_only():
    s = loading.load("config/pilkada2024.toml")
    posted = {r.id for r in s.reminders if r.channel}
    assert {"jelang-kampanye", "jelang-masa-tenang", "malam-sebelum-pencoblosan", "tps-hari-h"} <= posted
    for r in s.reminders:
        if r.channel:  # for everybody, not a role's neutrality reminder
            assert set(r.roles) == set(sched.ROLES)
            assert not r.areas
            assert "netralitas" not in r.id


def test_check_warns_about_channel_reminders_when_no_channel_is_set(tmp_path, soon):
    path = tmp_path / "s.toml"
    path.write_text(
        schedule_toml(
            [
                {"id": "umum", "at": soon(3600), "roles": ["pemilih"], "channel": True},
                {"id": "biasa", "at": soon(3600), "roles": ["pemilih"]},
            ]
        )
    )
    result = bot("check", str(path), "--database", str(tmp_path / "none.db"))
    assert result.returncode == 0, result.stderr  # the file is valid: a warning, not a problem
    [line] = [x for x in result.stderr.splitlines() if "channel" in x]
    assert line.startswith("warning:")
    assert "BOT_CHANNEL_ID" in line
    assert "umum" in line
    assert "biasa" not in line
    for env in ({"BOT_CHANNEL_ID": "@nama_kanal"}, {"BOT_CHANNEL_ID": str(CHANNEL)}):
        result = bot("check", str(path), "--database", str(tmp_path / "none.db"), env=env)
        assert result.returncode == 0, result.stderr
        assert "channel" not in result.stderr, result.stderr


# -- the outbox --------------------------------------------------------------------------------


def test_the_channel_row_is_one_more_delivery_and_never_a_subscriber(store, soon):
    from bot.delivery.scheduler import enqueue_reminder

    # A supergroup subscriber with a smaller id than the channel's must still be enqueued.
    with store.transaction():
        store.subscribe(-1009999999999, "kades")
        store.subscribe(5, "kades")
    s = make_schedule([{"id": "umum", "at": soon(-1), "roles": ["kades"], "channel": True}])
    assert enqueue_reminder(store, s.reminders[0], channel=CHANNEL) == 3
    assert enqueue_reminder(store, s.reminders[0], channel=CHANNEL) == 3  # idempotent
    chats = {d["chat_id"] for d in store.db.query("SELECT chat_id FROM deliveries WHERE broadcast_id = 'umum'")}
    assert chats == {-1009999999999, 5, CHANNEL}
    assert store.subscriber(CHANNEL) is None
    assert store.count_audience(["kades"]) == 2
    assert sum(store.role_counts().values()) == 2
    jobs = store.take(10)  # the group is a subscriber like any other; only the channel's copy is marked
    assert {(j.chat_id, j.to_channel) for j in jobs} == {(-1009999999999, False), (5, False), (CHANNEL, True)}


def test_a_reminder_without_channel_or_without_a_channel_gets_no_channel_row(store, soon):
    from bot.delivery.scheduler import enqueue_reminder

    with store.transaction():
        store.subscribe(5, "pemilih")
    s = make_schedule(
        [
            {"id": "biasa", "at": soon(-1), "roles": ["pemilih"]},
            {"id": "umum", "at": soon(-1), "roles": ["pemilih"], "channel": True},
        ]
    )
    assert enqueue_reminder(store, s.reminder("biasa"), channel=CHANNEL) == 1
    assert enqueue_reminder(store, s.reminder("umum"), channel=None) == 1
    assert store.deliveries_of(CHANNEL) == []


def test_an_interrupted_enqueue_still_writes_the_channel_row(store, soon):
    from bot.delivery.scheduler import enqueue_reminder

    with store.transaction():
        store.subscribe(5, "pemilih")
    s = make_schedule([{"id": "umum", "at": soon(-1), "roles": ["pemilih"], "channel": True}])
    real = Store.enqueue
    Store.enqueue = lambda self, *a, **k: (_ for _ in ()).throw(RuntimeError("crash"))  # type: ignore[method-assign]
    try:
        with pytest.raises(RuntimeError):
            enqueue_reminder(store, s.reminders[0], channel=CHANNEL)
    finally:
        Store.enqueue = real  # type: ignore[method-assign]
    assert store.unfinished_enqueues() == ["umum"]
    assert store.enqueue("umum") == 2  # the resume, as at start-up, knows nothing of settings
    assert [d["chat_id"] for d in store.deliveries_of(CHANNEL)] == [CHANNEL]


# -- the stand-in's channels ------------------------------------------------------------------


async def test_the_stand_in_knows_channels_by_name_and_their_admins():
    from telegram import Bot
    from telegram.error import BadRequest

    from standin import StandIn

    standin = StandIn()
    standin.add_channel(CHANNEL, "nama_kanal", title="Kanal Uji")
    standin.add_channel(-1005555555555, "lain", admins=[777])
    await standin.start()
    try:
        async with Bot(standin.token, base_url=standin.base_url) as tg:
            chat = await tg.get_chat("@NAMA_KANAL")
            assert (chat.id, chat.type, chat.title, chat.username) == (CHANNEL, "channel", "Kanal Uji", "nama_kanal")
            assert (await tg.get_chat_member(CHANNEL, tg.id)).status == "creator"
            assert (await tg.get_chat_member("@lain", tg.id)).status == "member"
            message = await tg.send_message(CHANNEL, "<b>halo</b> kanal")
            assert message.chat.type == "channel"
            assert [m["text"] for m in standin.sent_to(CHANNEL)] == ["<b>halo</b> kanal"]
            with pytest.raises(BadRequest, match="administrator rights"):
                await tg.send_message(-1005555555555, "tidak boleh")
            with pytest.raises(BadRequest, match="not found"):
                await tg.get_chat("@tidak_ada")
    finally:
        await standin.stop()


# -- end to end through the stand-in -----------------------------------------------------------


async def finished(h: Harness, broadcast_id: str, timeout: float = 30):
    await h.standin.wait_for(lambda: getattr(h.store.broadcast(broadcast_id), "status", None) == DONE, timeout=timeout)
    return h.store.broadcast(broadcast_id)


def channel_schedule(soon, **extra):
    return make_schedule(
        [
            {
                "id": "umum",
                "at": soon(600),
                "roles": ["asn", "kades", "pemilih"],
                "text": "untuk semua",
                "text_en": "for everyone",
                "channel": True,
                **extra,
            },
            {"id": "khusus", "at": soon(600), "roles": ["asn"], "text": "hanya ASN"},
        ]
    )


async def test_a_channel_reminder_reaches_subscribers_and_the_channel_once(tmp_path, soon):
    schedule = channel_schedule(soon)
    people = [*PEOPLE, (1004, "pemilih")]
    h = Harness(tmp_path, schedule, subscribers=people, overrides={"channel_id": str(CHANNEL)})
    h.standin.add_channel(CHANNEL, "nama_kanal")
    s = Store(h.db_path)
    s.set_language(1004, "en")
    s.close()
    async with h:
        await h.reach("khusus")  # "umum" is due too
        umum = await finished(h, "umum")
        await finished(h, "khusus")
        for chat, _ in PEOPLE:
            assert "untuk semua" in h.texts_to(chat)
        assert h.texts_to(1004) == ["for everyone"]
        assert h.texts_to(CHANNEL) == ["untuk semua"]  # Indonesian, once; "khusus" is not posted
        assert (umum.total, umum.n_sent) == (5, 5)
        assert h.store.channel_delivery("umum")["status"] == SENT
        assert h.store.channel_delivery("khusus") is None
        assert h.store.subscriber(CHANNEL) is None
        await h.stop_bot()
        await h.start_bot()  # a restart does not post it again
        await h.standin.wait_for(lambda: h.runtime.scheduler.reminder_jobs() == [], timeout=5)
        assert h.texts_to(CHANNEL) == ["untuk semua"]
    channel_posts = [m for m in h.standin.messages if m["chat_id"] == CHANNEL]
    assert len(channel_posts) == 1
    assert channel_posts[0]["method"] == "sendMessage"
    report = bot("report", "umum", "--database", h.db_path)
    assert report.returncode == 0, report.stderr
    assert f"{CHANNEL}: sent" in report.stdout


def test_the_channel_copy_names_the_bot_after_each_command():
    said = 'Panduan: ketik /tps. Jadwal (/jadwal), <a href="https://t.me/x/tps">tautan</a>, /tps@kpu_bot, 24/7.'
    at_bot = '<a href="https://t.me/kpu_bot?start=_kanal">@kpu_bot</a>'  # the channel's source tag
    assert texts.channel_text(said, "kpu_bot") == (
        f'Panduan: ketik /tps di {at_bot}. Jadwal (/jadwal di {at_bot}), <a href="https://t.me/x/tps">tautan</a>, '
        "/tps@kpu_bot, 24/7."
    )
    assert texts.channel_text(said, None) == said


def test_the_default_channel_posts_point_readers_to_the_bot():
    s = loading.load("config/pilkada2024.toml")
    eve = next(r for r in s.reminders if r.id == "malam-sebelum-pencoblosan")
    assert eve.channel
    assert "ketik /tps." in eve.text
    posted = texts.channel_text(eve.text, "kpu_tulungagung_bot")
    assert 'ketik /tps di <a href="https://t.me/kpu_tulungagung_bot?start=_kanal">@kpu_tulungagung_bot</a>.' in posted
    assert telegram_html.check(posted) is None


def test_check_refuses_a_channel_reminder_whose_channel_copy_would_be_too_long(soon):
    from bot.ops import preflight

    text = "Ketik /tps. " * 10 + "x" * 3_900  # 4,020 characters; the channel's copy adds 10 × " di @" and 32
    for channel in (True, False):
        schedule = make_schedule(
            [{"id": "umum", "at": soon(60), "roles": ["pemilih"], "text": text, "channel": channel}]
        )
        found = preflight.problems(schedule)
        if channel:
            [line] = found
            assert line.startswith('reminder "umum": field "text": the channel\'s copy')
            assert "would be 4,390 characters in Indonesian" in line
            assert line.endswith("shorten it")
        else:
            assert found == []


async def test_the_channel_copy_points_to_the_bot_and_subscribers_get_the_plain_text(tmp_path, soon):
    schedule = channel_schedule(soon, text="Panduan lengkap: ketik /tps.")
    h = Harness(tmp_path, schedule, subscribers=PEOPLE, overrides={"channel_id": str(CHANNEL)})
    h.standin.add_channel(CHANNEL, "nama_kanal")
    async with h:
        await h.reach("khusus")  # "umum" is due too
        await finished(h, "umum")
        assert h.texts_to(1001) == ["Panduan lengkap: ketik /tps."]
        name = h.standin.bot_username
        assert h.texts_to(CHANNEL) == [
            f'Panduan lengkap: ketik /tps di <a href="https://t.me/{name}?start=_kanal">@{name}</a>.'
        ]


async def test_an_at_name_is_resolved_with_get_chat_and_remembered(tmp_path, soon, caplog):
    caplog.set_level(logging.INFO)
    h = Harness(tmp_path, channel_schedule(soon), subscribers=PEOPLE, overrides={"channel_id": "@Nama_Kanal"})
    h.standin.add_channel(CHANNEL, "nama_kanal")
    async with h:
        await h.reach("khusus")  # "umum" is due too
        await finished(h, "umum")
        assert h.texts_to(CHANNEL) == ["untuk semua"]
        assert h.standin.calls["getChat"] == 1
        assert h.runtime.scheduler.channel == CHANNEL
        assert h.store.meta("channel") is not None
        assert str(CHANNEL) in h.store.meta("channel")
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and r.name == "bot.delivery.channel"]


async def test_an_unknown_at_name_is_logged_once_and_subscribers_still_get_theirs(tmp_path, soon, caplog):
    caplog.set_level(logging.INFO)
    h = Harness(tmp_path, channel_schedule(soon), subscribers=PEOPLE, overrides={"channel_id": "@tidak_ada"})
    async with h:
        await h.reach("khusus")  # "umum" is due too
        umum = await finished(h, "umum")
        assert (umum.total, umum.n_sent) == (3, 3)
        assert h.runtime.scheduler.channel is None
    warnings = [r for r in caplog.records if r.name == "bot.delivery.channel" and r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "@tidak_ada" in warnings[0].getMessage()
    assert h.standin.calls["getChatMember"] == 0


async def test_a_bot_that_is_not_an_admin_is_logged_once_and_keeps_running(tmp_path, soon, caplog):
    caplog.set_level(logging.INFO)
    h = Harness(tmp_path, channel_schedule(soon), subscribers=PEOPLE, overrides={"channel_id": "@nama_kanal"})
    h.standin.add_channel(CHANNEL, "nama_kanal", admins=[777])  # someone else owns it; the bot is a member
    async with h:
        await h.reach("khusus")  # "umum" is due too
        umum = await finished(h, "umum")
        for chat, _ in PEOPLE:
            assert "untuk semua" in h.texts_to(chat)
        assert (umum.n_sent, umum.n_failed) == (3, 1)  # Telegram refuses the post: recorded, not retried
        assert "administrator" in h.store.channel_delivery("umum")["last_error"]
    warnings = [
        r.getMessage() for r in caplog.records if r.name == "bot.delivery.channel" and r.levelno == logging.WARNING
    ]
    assert len(warnings) == 1, warnings
    assert "not an administrator" in warnings[0], warnings
    assert h.standin.calls["getChatMember"] == 1


async def test_an_admin_bot_logs_no_warning(tmp_path, soon, caplog):
    caplog.set_level(logging.INFO)
    h = Harness(tmp_path, channel_schedule(soon), subscribers=PEOPLE, overrides={"channel_id": str(CHANNEL)})
    h.standin.add_channel(CHANNEL, admins=[777, int(h.standin.bot_user["id"])])  # an administrator, not the owner
    async with h:
        await h.reach("khusus")  # "umum" is due too
        await finished(h, "umum")
    assert not [r for r in caplog.records if r.name == "bot.delivery.channel" and r.levelno >= logging.WARNING]
    assert h.standin.calls["getChat"] == 0  # a numeric id needs no lookup


@pytest.mark.parametrize(("fault", "outcome"), [("block", BLOCKED), ("forget", GONE)])
async def test_a_channel_that_refuses_is_recorded_and_subscribers_are_untouched(tmp_path, soon, fault, outcome):
    h = Harness(tmp_path, channel_schedule(soon), subscribers=PEOPLE, overrides={"channel_id": str(CHANNEL)})
    h.standin.add_channel(CHANNEL)
    getattr(h.standin, fault)(CHANNEL)
    async with h:
        await h.reach("khusus")  # "umum" is due too
        umum = await finished(h, "umum")
        assert (umum.total, umum.n_sent, umum.n_blocked + umum.n_gone) == (4, 3, 1)
        assert h.store.channel_delivery("umum")["status"] == outcome
        for chat, _ in PEOPLE:
            assert "untuk semua" in h.texts_to(chat)
            assert h.store.subscriber(chat).status == ACTIVE
        assert h.texts_to(CHANNEL) == []
        assert h.store.subscriber(CHANNEL) is None


async def test_without_channel_true_nothing_is_posted(tmp_path, soon):
    schedule = make_schedule([{"id": "biasa", "at": soon(600), "roles": ["pemilih", "asn"], "text": "biasa saja"}])
    h = Harness(tmp_path, schedule, subscribers=PEOPLE, overrides={"channel_id": str(CHANNEL)})
    h.standin.add_channel(CHANNEL)
    async with h:
        await h.reach("biasa")
        b = await finished(h, "biasa")
        assert b.total == 2
    assert [m for m in h.standin.messages if m["chat_id"] == CHANNEL] == []
