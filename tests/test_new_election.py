"""The next election: told apart from a corrected schedule, switched to with `new-election`, and the
README's "Next election" procedure followed end to end (old subscribers kept, no 'Ralat', figures clean)."""

from __future__ import annotations

import asyncio
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.delivery.scheduler import enqueue_reminder, send_corrections
from bot.ops import elections, preflight
from bot.ops.elections import Identity
from bot.ops.reload import reload_schedule
from bot.schedule import model as sched
from bot.schedule import stale
from bot.store import Store
from tests import cli_runner
from tests.e2e import Harness

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "config" / "pilkada2024.toml"
NEXT_NAME = "Pilkada Tulungagung 2027"


def next_election_file(folder: Path, name: str = NEXT_NAME, year: int = 2027) -> Path:
    """The README's procedure on the default file: a copy, renamed, with every stage moved to `year`."""
    lines, section = [], ""
    for line in DEFAULT.read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith("["):
            section = line.strip()
        if section == "[[stage]]" and re.match(r"(start|end) = 2024-", line):
            line = line.replace("2024-", f"{year}-", 1)
        lines.append(line)
    text = "".join(lines).replace('name = "Pilkada Serentak 2024"', f'name = "{name}"', 1)
    path = folder / f"pilkada{year}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def bot(*args, **kwargs):
    return cli_runner.bot(*args, **kwargs)


def with_history(db: Path, schedule: sched.Schedule) -> Store:
    """A database that ran `schedule`: three subscribers told about its first reminder, one pledge."""
    store = Store(db)
    store.subscribe(1, "pemilih", "id")
    store.subscribe(2, "asn", "en")
    store.subscribe(3, "pemilih", "id")
    store.set_area(3, "kedungwaru")
    first = schedule.reminders[0]
    send_corrections(schedule, store, now=first.at.timestamp() - 86400)
    enqueue_reminder(store, first, now=first.at.timestamp())
    for job in store.take(10, now=first.at.timestamp()):
        store.finish(job.broadcast_id, job.chat_id, "sent")
    store.conn.execute("INSERT INTO pledges (chat_id, ask, role, area, at) VALUES (1, 'akan', 'pemilih', NULL, 0)")
    return store


# --------------------------------------------------------------------------- telling elections apart


@pytest.mark.parametrize(
    ("old", "new", "new_election"),
    [
        (Identity("Pilkada 2024", date(2024, 11, 27)), Identity("Pilkada 2024", date(2024, 12, 11)), False),
        (Identity("Pilkada 2024", date(2024, 11, 27)), Identity("Pilkada 2024", date(2025, 3, 1)), True),
        (Identity("Pilkada 2024", date(2024, 11, 27)), Identity("Pilkada 2029", date(2024, 11, 27)), True),
        (Identity(None, date(2024, 11, 27)), Identity("Pilkada 2024", date(2024, 12, 4)), False),  # older database
        (Identity(None, date(2024, 11, 27)), Identity("Pilkada 2027", date(2027, 11, 24)), True),
        (None, Identity("Pilkada 2027", date(2027, 11, 24)), False),  # nothing recorded yet
    ],
)
def test_another_name_or_a_voting_day_months_away_is_a_new_election(old, new, new_election):
    assert (elections.difference(old, new) is not None) == new_election


def test_a_database_from_before_names_were_kept_is_known_by_its_announced_voting_day(tmp_path):
    old = preflight.load(str(DEFAULT))
    store = with_history(tmp_path / "bot.db", old)
    store.conn.execute("DELETE FROM meta WHERE key = 'election'")  # as an older version left it
    assert elections.followed(store, old) == Identity(None, date(2024, 11, 27))
    new = preflight.load(str(next_election_file(tmp_path)))
    assert "2027-11-27 is 1095 days from the announced 2024-11-27" in elections.new_election(store, new)


def test_a_moved_stage_nobody_was_told_about_makes_no_empty_correction(tmp_path):
    schedule = preflight.load(str(DEFAULT))
    store = Store(tmp_path / "bot.db")
    send_corrections(schedule, store, now=0)  # dates announced, but no reminder went out
    moved = preflight.load(str(next_election_file(tmp_path, name="Pilkada Serentak 2024", year=2024)))
    stage = moved.stages[0]
    shifted = sched.Stage(stage.id, stage.name, stage.start + timedelta(days=3), stage.end + timedelta(days=3))
    moved = sched.Schedule(moved.election, (shifted, *moved.stages[1:]), moved.reminders)
    assert send_corrections(moved, store, now=1) == []
    assert store.conn.execute("SELECT count(*) FROM broadcasts").fetchone()[0] == 0
    assert store.known_stage_dates()[stage.id][0] == shifted.start.isoformat()


# --------------------------------------------------------------------------- check, plan, run, new-election


def test_check_and_plan_on_the_next_elections_file_say_new_election_instead_of_corrections(tmp_path):
    with_history(tmp_path / "bot.db", preflight.load(str(DEFAULT))).close()
    path = next_election_file(tmp_path)
    db = ["--database", str(tmp_path / "bot.db")]
    checked = bot("check", str(path), *db)
    planned = bot("plan", "--schedule", str(path), *db)
    for result in (checked, planned):
        assert result.returncode == 0, result.stderr
        assert "correction pending" not in result.stdout
        assert f'new election: its name is "{NEXT_NAME}", the database follows "Pilkada Serentak 2024"' in result.stdout
        assert f"python bot.py new-election {path}" in result.stdout


def test_run_refuses_the_next_elections_file_before_it_sends_anything(tmp_path):
    with_history(tmp_path / "bot.db", preflight.load(str(DEFAULT))).close()
    path = next_election_file(tmp_path)
    result = bot(
        "run",
        "--database",
        str(tmp_path / "bot.db"),
        "--schedule",
        str(path),
        "--token",
        "1:x",
        "--api-url",
        "http://127.0.0.1:9/bot",
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f'{path} is a new election: its name is "{NEXT_NAME}", the database follows "Pilkada Serentak 2024". '
        f"Nothing was sent. To switch to it, stop the bot, run `python bot.py new-election {path}`, set "
        "BOT_SCHEDULE to it and start the bot again; to keep the current election, point BOT_SCHEDULE back at "
        "its file"
    ]


def test_new_election_shows_what_it_will_do_and_changes_nothing_unless_confirmed(tmp_path):
    store = with_history(tmp_path / "bot.db", preflight.load(str(DEFAULT)))
    store.create_adhoc(text="Rapat", roles=["asn"], ttl=3600, at=4e9)  # an old broadcast scheduled for later
    store.close()
    path = next_election_file(tmp_path)
    result = bot("new-election", str(path), "--database", str(tmp_path / "bot.db"), input="n\n")
    assert result.returncode == 0, result.stderr
    assert "Kept: 3 active subscribers, with their role, language and area" in result.stdout
    assert "Archived under the old election's name: 2 broadcasts with their figures and 1 pledges" in result.stdout
    assert re.search(r"Told once: 3 subscribers get .* from \d{4}-\d\d-\d\d \d\d:\d\d WIB", result.stdout)
    assert "; 1 broadcasts scheduled for later are dropped" in result.stdout
    assert "Cancelled, nothing changed." in result.stdout
    store = Store(tmp_path / "bot.db")
    assert store.current_election()["name"] == "Pilkada Serentak 2024"
    assert store.conn.execute("SELECT count(*) FROM broadcasts").fetchone()[0] == 2


def test_new_election_keeps_subscribers_archives_the_old_records_and_tells_everyone_once(tmp_path):
    old = preflight.load(str(DEFAULT))
    with_history(tmp_path / "bot.db", old).close()
    path = next_election_file(tmp_path)
    db = ["--database", str(tmp_path / "bot.db")]
    result = bot("new-election", str(path), "--yes", *db)
    assert result.returncode == 0, result.stderr
    assert f"Done: Pilkada Serentak 2024 archived (archive 1); the database now follows {NEXT_NAME}." in result.stdout

    store = Store(tmp_path / "bot.db")
    kept = {s.chat_id: (s.role, s.language, s.area) for s in map(store.subscriber, (1, 2, 3)) if s}
    assert kept == {1: ("pemilih", "id", None), 2: ("asn", "en", None), 3: ("pemilih", "id", "kedungwaru")}
    [archived] = store.archived_elections()
    assert (archived.name, archived.voting_day) == ("Pilkada Serentak 2024", "2024-11-27")
    assert archived.figures["deliveries"] == {"sent": 3}
    assert archived.figures["pledges"] == {"akan": 1}
    assert [b["id"] for b in store.archived_broadcasts(archived.id)] == [old.reminders[0].id]
    assert store.conn.execute("SELECT count(*) FROM pledges").fetchone()[0] == 0
    [notice] = store.conn.execute("SELECT id, kind, status, text, text_en FROM broadcasts").fetchall()
    assert notice[:3] == ("pemilihan-baru:2027-11-27", "reminder", "scheduled")
    assert f"Bot pengingat KPU Kabupaten Tulungagung kini mengikuti <b>{NEXT_NAME}</b>" in notice[3]
    assert f"This KPU Kabupaten Tulungagung reminder bot now follows <b>{NEXT_NAME}</b>" in notice[4]
    assert store.conn.execute("SELECT actor, action, subject FROM audit").fetchall()[-1][1:] == (
        "pemilihan baru",
        NEXT_NAME,
    )
    assert elections.new_election(store, preflight.load(str(path))) is None
    planned = bot("plan", "--schedule", str(path), *db).stdout
    [line] = [x for x in planned.splitlines() if x.startswith("pemilihan-baru:2027-11-27 ")]
    assert line.endswith(f"scheduled broadcast: {NEXT_NAME}")

    again = bot("new-election", str(path), "--yes", *db)
    assert again.returncode == 2
    assert "is not a new election" in again.stderr


# --------------------------------------------------------------------------- texts that name the election


def test_check_warns_on_a_text_that_types_out_the_election_name_a_year_or_a_kpu_regulation():
    election = sched.Election("Pilkada Serentak 2024", "Kabupaten Tulungagung", "Asia/Jakarta")
    found = stale.typed_warnings(
        election,
        [
            ("pages", "a", "Jadwal Pilkada Serentak 2024 di sini"),
            ("pages", "b", "Ayo sukseskan Pemilu 2029!"),
            ("pages", "c", "TPS buka pukul 07.00 (PKPU 17/2024)."),
            ("pages", "d", "Tahun 2024 penuh tantangan."),
            ("pages", "e", "{election}: UU 10/2016 Pasal 70 dan SKB No. 2/2022."),
        ],
    )
    assert found == [
        'pages: field "a": writes out the election\'s name "Pilkada Serentak 2024": write {election}',
        'pages: field "b": writes out "Pemilu 2029": write {election}',
        'pages: field "c": names "PKPU 17/2024", a KPU regulation the next election replaces: make it a fact '
        "with `date` = voting day (as timetable_rule), so that texts leave it out once voting day moves",
        'pages: field "d": writes out the year 2024: write {election}, a stage ({pemungutan-suara}) or a fact '
        "with `date` = voting day instead",
    ]


def test_the_default_schedule_names_its_election_and_regulations_only_through_facts():
    warnings = preflight.load(str(DEFAULT)).warnings
    assert not [w for w in warnings if "writes out" in w or "KPU regulation" in w], warnings


# --------------------------------------------------------------------------- the README's procedure


def test_the_next_election_procedure_keeps_subscribers_sends_no_correction_and_starts_figures_clean(tmp_path):
    """README "Next election": copy the schedule, change name and dates, check, preview, new-election."""
    old = preflight.load(str(DEFAULT))
    first = old.reminders[0]
    path = next_election_file(tmp_path)
    db = ["--database", str(tmp_path / "bot.db")]

    async def scenario() -> None:
        clock = {"now": first.at.timestamp() + 30}
        async with Harness(
            tmp_path,
            old,
            clock=lambda: clock["now"],
            admin_ids=[900],
            subscribers=[(1, "pemilih"), (2, "asn"), (900, "pemilih")],
        ) as h:
            for chat in (1, 2):
                await h.standin.wait_messages(chat, 1)  # the 2024 election's reminder reached them
            # Loading the new file into the running bot is refused: its dates are not corrections.
            outcome = await reload_schedule(h.application, str(path))
            assert not outcome.ok
            assert "is a new election" in outcome.problems[0]
            [told] = (await h.standin.wait_messages(900, 2))[1:]  # the operator is told, in Indonesian
            assert (
                f"adalah pemilihan baru, <b>{NEXT_NAME}</b> (pemungutan suara Sabtu, 27 November 2027)" in told["text"]
            )
            assert f"python bot.py new-election {path}" in told["text"]
            await h.stop_bot()
            steps = [("check", str(path), *db), ("preview", str(path)), ("new-election", str(path), "--yes", *db)]
            for args in steps:
                result = await asyncio.to_thread(bot, *args)  # in-process: no bot runs meanwhile
                assert result.returncode == 0, (args, result.stderr)
            notice = h.store.reopen().broadcast("pemilihan-baru:2027-11-27")
            clock["now"] = notice.at + 60
            await h.start_bot(preflight.load(str(path)))
            for chat in (1, 2, 900):
                await h.standin.wait_messages(chat, 2 + (chat == 900))
            await h.standin.wait_for(lambda: h.store.broadcast(notice.id).status == "done")
            texts = {chat: h.texts_to(chat) for chat in (1, 2)}
        for chat in (1, 2):
            assert len(texts[chat]) == 2
            assert "Pilkada Tulungagung 2027" in texts[chat][1]
            assert "27 November 2027" in texts[chat][1]
            assert not any("Ralat" in t or "Correction" in t for t in texts[chat])

    asyncio.run(scenario())
    report = bot("report", *db)
    assert re.findall(r"^(\S+)\s+(?:reminder|adhoc|correction)", report.stdout, re.M) == ["pemilihan-baru:2027-11-27"]
    out = tmp_path / "angka"
    assert bot("export", "--out", str(out), *db).returncode == 0
    broadcasts = (out / "siaran.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(broadcasts) == 2, broadcasts
    assert broadcasts[1].startswith("pemilihan-baru:2027-11-27;"), broadcasts
    stats = bot("stats", *db)
    assert re.search(r"^total\s+3$", stats.stdout, re.M), stats.stdout
    assert re.search(r"^Pilkada Serentak 2024\s+2024-11-27\s+1\s+3\s+0$", stats.stdout, re.M), stats.stdout
