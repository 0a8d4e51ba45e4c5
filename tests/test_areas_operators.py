"""Operators reaching areas: /siaran's area step, `broadcast --areas`, plan and /rencana per area."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest

from bot.content import button_data, catalogue, operator_texts
from bot.delivery import plan
from bot.schedule import loading
from bot.schedule import model as sched
from bot.store import Store
from tests.conftest import schedule_toml
from tests.e2e import Harness, add_subscribers
from tests.test_cli import bot
from tests.test_operators_e2e import buttons, last

OP1, OP2 = 7001, 7002
AREAS = """
[[area]]
id = "kedungwaru"
name = "Kedungwaru"
voters = 70000
desa = ["Bangoan", "Ketanon", "Kauman Timur"]

[[area]]
id = "ngunut"
name = "Ngunut"
"""
# chat id: (role, kecamatan, desa)
PEOPLE = {
    100: ("pemilih", "kedungwaru", "bangoan"),
    101: ("pemilih", "kedungwaru", "ketanon"),
    102: ("pemilih", "kedungwaru", None),
    103: ("pemilih", "ngunut", None),
    104: ("pemilih", None, None),  # gave no area
    105: ("asn", "kedungwaru", None),
}


def toml(soon, reminders=None, extra_areas: str = "") -> str:
    reminders = reminders or [{"id": "nanti", "at": soon(86400), "roles": ["pemilih"], "text": "nanti"}]
    return schedule_toml(reminders) + AREAS + extra_areas


def schedule(soon, **kwargs) -> sched.Schedule:
    return loading.parse(toml(soon, **kwargs))


def people_db(path: str) -> None:
    add_subscribers(path, [(chat, role) for chat, (role, _, _) in PEOPLE.items()])
    store = Store(path)
    for chat, (_, area, desa) in PEOPLE.items():
        store.set_area(chat, area, desa)
    store.close()


async def harness_people(h: Harness) -> None:
    for chat, (role, area, desa) in PEOPLE.items():
        h.store.subscribe(chat, role)
        h.store.set_area(chat, area, desa)


def shown(h: Harness, op: int, menu: dict) -> dict:
    """The menu message as it is now (the bot edits it in place)."""
    return next(m for m in h.standin.sent_to(op) if m["message_id"] == menu["message_id"])


async def press(h: Harness, op: int, menu: dict, label: str) -> dict:
    """Press the button ``label`` of the menu; return once the bot has edited the menu."""
    before = shown(h, op, menu)
    snapshot = (before.get("text"), repr(before.get("reply_markup")))
    answer = await h.press(op, menu, buttons(before)[label])

    def changed() -> bool:
        now = shown(h, op, menu)
        return (now.get("text"), repr(now.get("reply_markup"))) != snapshot

    await h.standin.wait_for(changed, timeout=10)
    return answer


async def to_area_step(h: Harness, op: int, roles: list[str]) -> dict:
    """/siaran, the roles, Lanjut: returns the menu message (edited in place from here on)."""
    [menu] = await h.say(op, "/siaran")
    labels = {"asn": "☐ ASN", "kades": "☐ Kepala Desa", "pemilih": "☐ Pemilih"}
    for role in roles:
        await press(h, op, menu, labels[role])
    await press(h, op, menu, "Lanjut ▶")
    return menu


async def compose(h: Harness, op: int, roles: list[str], areas: list[str], text: str) -> dict:
    """Up to the preview, pressing the given kecamatan labels (☐ Name) in the area step."""
    menu = await to_area_step(h, op, roles)
    for label in areas:
        await press(h, op, menu, label)
    await press(h, op, menu, "Lanjut ▶")
    preview, summary = await h.say(op, text, n=2)
    assert preview["text"] == text
    return summary


def reached(h: Harness, text: str) -> set[int]:
    return {chat for chat in PEOPLE if any(text in t for t in h.texts_to(chat))}


async def test_siaran_to_one_kecamatan_reaches_exactly_its_subscribers(tmp_path, soon):
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1], rate_limit=50) as h:
        await harness_people(h)
        menu = await to_area_step(h, OP1, ["pemilih"])
        step = last(h, OP1)
        assert "Pilih wilayah penerima" in step["text"]
        assert "Dipilih: semua wilayah" in step["text"]
        assert {"☑ Semua wilayah", "☐ Kedungwaru", "Desa ›", "☐ Ngunut", "Lanjut ▶", "Batal"} == set(buttons(step))
        await press(h, OP1, menu, "☐ Kedungwaru")
        assert "☑ Kedungwaru" in buttons(last(h, OP1))
        assert "☐ Semua wilayah" in buttons(last(h, OP1))
        assert "Dipilih: Kedungwaru" in last(h, OP1)["text"]
        await press(h, OP1, menu, "Lanjut ▶")
        assert "Wilayah: Kedungwaru" in last(h, OP1)["text"]  # the text prompt says where it goes
        _preview, summary = await h.say(OP1, "TPS 05 pindah ke balai desa", n=2)
        assert "Penerima: <b>3</b> (Pemilih)" in summary["text"]
        assert "Wilayah: Kedungwaru" in summary["text"]
        await h.press(OP1, summary, buttons(summary)["Kirim"])
        await h.standin.wait_for(lambda: reached(h, "TPS 05 pindah") == {100, 101, 102}, 20)
        await asyncio.sleep(0.2)  # nothing else follows
        assert reached(h, "TPS 05 pindah") == {100, 101, 102}  # not Ngunut, not the one without an area
        [b] = [b for b in h.store.recent_broadcasts() if b.kind == "adhoc"]
        assert b.area_list == ["kedungwaru"]
        [entry] = [r for r in h.store.audit_trail() if r["action"] == "siaran: kirim"]
        assert "wilayah=kedungwaru" in entry["detail"]
        assert "penerima=3" in entry["detail"]


async def test_siaran_to_all_areas_reaches_everyone_including_people_without_an_area(tmp_path, soon):
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1], rate_limit=50) as h:
        await harness_people(h)
        summary = await compose(h, OP1, ["pemilih"], [], "untuk semua")
        assert "Penerima: <b>5</b> (Pemilih)" in summary["text"]
        assert "Wilayah: semua wilayah" in summary["text"]
        await h.press(OP1, summary, buttons(summary)["Kirim"])
        await h.standin.wait_for(lambda: reached(h, "untuk semua") == {100, 101, 102, 103, 104}, 20)
        [b] = [b for b in h.store.recent_broadcasts() if b.kind == "adhoc"]
        assert b.areas == ""


async def test_choosing_a_desa_narrows_the_kecamatan_and_all_areas_clears(tmp_path, soon):
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1], rate_limit=50) as h:
        await harness_people(h)
        menu = await to_area_step(h, OP1, ["pemilih"])
        await press(h, OP1, menu, "☐ Ngunut")
        await press(h, OP1, menu, "Desa ›")
        desa = last(h, OP1)
        assert desa["text"].startswith("<b>Kedungwaru</b>")
        assert {"☐ Seluruh Kedungwaru", "☐ Bangoan", "☐ Ketanon", "☐ Kauman Timur", "‹ Kembali"} == set(buttons(desa))
        await press(h, OP1, menu, "☐ Seluruh Kedungwaru")
        assert "☑ Seluruh Kedungwaru" in buttons(last(h, OP1))
        await press(h, OP1, menu, "☐ Bangoan")  # narrows the whole kecamatan to this desa
        assert {"☐ Seluruh Kedungwaru", "☑ Bangoan"} <= set(buttons(last(h, OP1)))
        assert "Dipilih: Bangoan, Kedungwaru, Ngunut" in last(h, OP1)["text"]
        await press(h, OP1, menu, "‹ Kembali")
        assert {"◐ Kedungwaru", "☑ Ngunut"} <= set(buttons(last(h, OP1)))
        await press(h, OP1, menu, "☑ Ngunut")  # off again
        await press(h, OP1, menu, "Lanjut ▶")
        _preview, summary = await h.say(OP1, "khusus Bangoan", n=2)
        assert "Penerima: <b>1</b>" in summary["text"]
        assert "Wilayah: Bangoan, Kedungwaru" in summary["text"]
        await h.press(OP1, summary, buttons(summary)["Kirim"])
        await h.standin.wait_for(lambda: reached(h, "khusus Bangoan") == {100}, 20)

        menu = await to_area_step(h, OP1, ["pemilih"])
        await press(h, OP1, menu, "☐ Ngunut")
        await press(h, OP1, menu, "☐ Semua wilayah")
        assert "☑ Semua wilayah" in buttons(last(h, OP1))
        assert "☐ Ngunut" in buttons(last(h, OP1))


async def test_no_recipients_in_the_chosen_area_offers_no_send_button(tmp_path, soon):
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1]) as h:
        await harness_people(h)
        summary = await compose(h, OP1, ["asn"], ["☐ Ngunut"], "tidak ada ASN di sini")
        assert summary["text"].startswith("<b>Tidak ada penerima</b>")
        assert "ASN di Ngunut" in summary["text"]
        assert list(buttons(summary)) == ["Kirim nanti", "Batal"]  # no Send now
        assert h.store.recent_broadcasts() == []


async def test_approval_carries_the_areas(tmp_path, soon):
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1, OP2], approvals=2, rate_limit=50) as h:
        await harness_people(h)
        summary = await compose(h, OP1, ["pemilih"], ["☐ Ngunut"], "untuk Ngunut saja")
        assert "Penerima: <b>1</b>" in summary["text"]
        await h.press(OP1, summary, buttons(summary)["Ajukan untuk disetujui"])
        await h.standin.wait_for(lambda: "Persetujuan diperlukan" in (h.texts_to(OP2) or [""])[-1])
        request = last(h, OP2)
        assert "1 penerima" in request["text"]
        assert "Wilayah: Ngunut" in request["text"]
        await h.press(OP2, request, buttons(request)["Setujui"])
        await h.standin.wait_for(lambda: reached(h, "untuk Ngunut saja") == {103}, 20)
        await asyncio.sleep(0.2)  # nothing else follows
        assert reached(h, "untuk Ngunut saja") == {103}
        [b] = [b for b in h.store.recent_broadcasts() if b.kind == "adhoc"]
        assert b.area_list == ["ngunut"]


async def test_batal_cancels_a_draft_in_the_area_step_and_its_buttons_go_stale(tmp_path, soon):
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1]) as h:
        await harness_people(h)
        menu = await to_area_step(h, OP1, ["pemilih"])
        kedungwaru = buttons(last(h, OP1))["☐ Kedungwaru"]
        [answer] = await h.say(OP1, "/batal")
        assert answer["text"] == "Draf siaran Anda dibatalkan. Tidak ada yang dikirim."
        [draft] = h.store.db.query("SELECT status FROM drafts")
        assert draft["status"] == "cancelled"
        stale = await h.press(OP1, menu, kedungwaru)
        assert "sudah dibatalkan" in stale.get("text", "")
        # The Batal button of the area step works too.
        menu = await to_area_step(h, OP1, ["pemilih"])
        await press(h, OP1, menu, "Batal")
        assert last(h, OP1)["text"] == "Siaran dibatalkan. Tidak ada yang dikirim."


async def test_forged_and_out_of_step_area_buttons_do_nothing(tmp_path, soon):
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1]) as h:
        await harness_people(h)
        menu = await to_area_step(h, OP1, ["pemilih"])
        [draft] = h.store.db.query("SELECT id FROM drafts")
        for data in (
            button_data.draft_area(draft["id"], "ak", 99),
            button_data.draft_area(draft["id"], "ad", 0, 50),
            f"op:{draft['id']}:ak:x",
            f"op:{draft['id']}:ak:1:2",
        ):
            answer = await h.press(OP1, menu, data)
            assert answer.get("text") == catalogue.say("id", "stale_button"), data
        assert h.store.draft(draft["id"]).areas == ""
        # The roles' Next pressed again (a double press) does not skip the area step.
        again = await h.press(OP1, menu, button_data.draft(draft["id"], "next"))
        assert "masih memilih wilayah" in again.get("text", "")
        assert h.store.draft(draft["id"]).status == "choosing_areas"


async def test_kecamatan_come_in_pages(tmp_path, soon):
    extra = "".join(f'\n[[area]]\nid = "k{n:02}"\nname = "Kecamatan {n:02}"\n' for n in range(10))
    async with Harness(tmp_path, schedule(soon, extra_areas=extra), admin_ids=[OP1]) as h:
        await harness_people(h)
        menu = await to_area_step(h, OP1, ["pemilih"])
        first = buttons(last(h, OP1))
        assert "☐ Kedungwaru" in first
        assert "☐ Kecamatan 05" in first
        assert "☐ Kecamatan 06" not in first
        assert "▶" in first
        assert "◀" not in first
        await press(h, OP1, menu, "▶")
        second = buttons(last(h, OP1))
        assert "☐ Kecamatan 06" in second
        assert "☐ Kedungwaru" not in second
        assert "◀" in second
        await press(h, OP1, menu, "☐ Kecamatan 09")
        assert "☑ Kecamatan 09" in buttons(last(h, OP1))  # still on the second page
        assert all(len(data.encode()) <= 64 for data in buttons(last(h, OP1)).values())


async def test_a_draft_from_before_areas_goes_to_everybody(tmp_path, soon):
    """A draft written before the upgrade has areas NULL: its preview and sending treat it as all."""
    async with Harness(tmp_path, schedule(soon), admin_ids=[OP1], rate_limit=50) as h:
        await harness_people(h)
        draft_id = h.store.create_draft(OP1)
        h.store.update_draft(draft_id, roles="pemilih", status="writing")
        assert h.store.draft(draft_id).areas is None
        _preview, summary = await h.say(OP1, "draf lama", n=2)
        assert "Penerima: <b>5</b>" in summary["text"]
        assert "Wilayah: semua wilayah" in summary["text"]
        await h.press(OP1, summary, buttons(summary)["Kirim"])
        await h.standin.wait_for(lambda: reached(h, "draf lama") == {100, 101, 102, 103, 104}, 20)


async def test_a_schedule_without_areas_has_no_area_step(tmp_path, soon):
    no_areas = loading.parse(schedule_toml([{"id": "nanti", "at": soon(86400), "roles": ["pemilih"], "text": "x"}]))
    async with Harness(tmp_path, no_areas, admin_ids=[OP1], subscribers=[(300, "pemilih")]) as h:
        await to_area_step(h, OP1, ["pemilih"])
        assert last(h, OP1)["text"].startswith("<b>Siaran baru</b> untuk: Pemilih\nSekarang kirim teks")
        assert "Wilayah" not in last(h, OP1)["text"]
        [draft] = h.store.db.query("SELECT status, areas FROM drafts")
        assert (draft["status"], draft["areas"]) == ("writing", "")
        _preview, summary = await h.say(OP1, "tanpa wilayah", n=2)
        assert "Wilayah" not in summary["text"]
        assert "Penerima: <b>1</b>" in summary["text"]


def test_area_texts_exist_in_english_and_long_choices_stay_short():
    prompt = operator_texts.draft_areas_prompt(["pemilih"], ["Kedungwaru"], "en")
    assert "Choose the areas" in prompt
    assert "Selected: Kedungwaru" in prompt
    assert operator_texts.areas_line([], "en") == "Areas: all areas"
    many = operator_texts.areas_text([f"Desa {n}" for n in range(271)], "id")
    assert many.endswith("+261 lainnya")
    assert len(many) < 200
    assert operator_texts.no_recipients_text(["asn"], "en", ["Ngunut"]).startswith("<b>No recipients</b>")
    assert "in Ngunut" in operator_texts.no_recipients_text(["asn"], "en", ["Ngunut"])


# -- the command line ---------------------------------------------------------------------------


def cli_setup(tmp_path, soon) -> tuple[str, str, str]:
    db = str(tmp_path / "bot.db")
    people_db(db)
    schedule_file = tmp_path / "jadwal.toml"
    schedule_file.write_text(toml(soon), encoding="utf-8")
    message = tmp_path / "pesan.html"
    message.write_text("<b>TPS 05</b> pindah\n", encoding="utf-8")
    return db, str(schedule_file), str(message)


def table(db: str, name: str) -> list[dict]:
    store = Store(db)
    try:
        return list(store.db.query(f"SELECT * FROM {name}"))
    finally:
        store.close()


def test_cli_broadcast_refuses_an_unknown_area_before_sending_anything(tmp_path, soon):
    db, schedule_file, message = cli_setup(tmp_path, soon)
    for bad in ("kedungwaru,sumbergempol", "kedungwaru/tidak-ada", ","):
        result = bot(
            "broadcast",
            "--roles",
            "pemilih",
            "--text-file",
            message,
            "--areas",
            bad,
            "--yes",
            "--no-wait",
            "--database",
            db,
            "--schedule",
            schedule_file,
        )
        assert result.returncode == 2, result.stdout
        assert result.stderr.count("\n") == 1
        assert result.stderr.startswith("--areas: ")
        assert result.stdout == ""
    assert (
        'unknown area "sumbergempol"'
        in bot(
            "broadcast",
            "--roles",
            "pemilih",
            "--text-file",
            message,
            "--areas",
            "sumbergempol",
            "--yes",
            "--database",
            db,
            "--schedule",
            schedule_file,
        ).stderr
    )
    assert table(db, "broadcasts") == []
    assert table(db, "deliveries") == []
    assert table(db, "audit") == []


def test_cli_broadcast_to_areas_says_them_and_reaches_only_them(tmp_path, soon):
    db, schedule_file, message = cli_setup(tmp_path, soon)
    result = bot(
        "broadcast",
        "--roles",
        "pemilih",
        "--text-file",
        message,
        "--areas",
        "ngunut, kedungwaru/bangoan",
        "--database",
        db,
        "--schedule",
        schedule_file,
        input="n\n",
    )
    assert result.returncode == 0, result.stderr
    assert "Areas: Ngunut (ngunut), Bangoan, Kedungwaru (kedungwaru/bangoan)" in result.stdout
    assert "Recipients: 2 active subscribers" in result.stdout
    assert table(db, "broadcasts") == []
    result = bot(
        "broadcast",
        "--roles",
        "pemilih",
        "--text-file",
        message,
        "--areas",
        "ngunut,kedungwaru/bangoan",
        "--yes",
        "--no-wait",
        "--database",
        db,
        "--schedule",
        schedule_file,
    )
    assert result.returncode == 0, result.stderr
    [b] = table(db, "broadcasts")
    assert (b["areas"], b["total"]) == ("ngunut,kedungwaru/bangoan", 2)
    assert sorted(d["chat_id"] for d in table(db, "deliveries")) == [100, 103]
    [entry] = table(db, "audit")
    assert entry["detail"] == "roles=pemilih; recipients=2; areas=ngunut,kedungwaru/bangoan"
    everybody = bot(
        "broadcast",
        "--roles",
        "pemilih",
        "--text-file",
        message,
        "--yes",
        "--no-wait",
        "--database",
        db,
        "--schedule",
        schedule_file,
    )
    assert "Areas: all (also people with no area)" in everybody.stdout
    assert "for 5 recipients" in everybody.stdout


# -- plan and /rencana --------------------------------------------------------------------------


def area_reminders(soon) -> list[dict]:
    return [
        {"id": "semua", "at": soon(86400), "roles": ["pemilih"], "text": "semua"},
        {"id": "kedungwaru-saja", "at": soon(90000), "roles": ["pemilih"], "text": "kw"},
        {"id": "bangoan-ngunut", "at": soon(93600), "roles": ["pemilih", "asn"], "text": "bn"},
    ]


def with_areas(text: str) -> str:
    """Give the second and third reminder of ``area_reminders`` their areas."""
    text = text.replace('id = "kedungwaru-saja"\n', 'id = "kedungwaru-saja"\nareas = ["kedungwaru"]\n')
    return text.replace('id = "bangoan-ngunut"\n', 'id = "bangoan-ngunut"\nareas = ["kedungwaru/bangoan", "ngunut"]\n')


def test_plan_counts_each_reminder_in_its_areas(tmp_path, soon):
    text = with_areas(toml(soon, reminders=area_reminders(soon)))
    schedule_ = loading.parse(text)
    assert schedule_.reminders[1].areas == ("kedungwaru",)
    db = str(tmp_path / "bot.db")
    people_db(db)
    store = Store(db)
    try:
        rows = {row.reminder.id: row for row in plan.plan(schedule_, store.count_audience, 30)}
    finally:
        store.close()
    assert {k: r.recipients for k, r in rows.items()} == {"semua": 5, "kedungwaru-saja": 3, "bangoan-ngunut": 2}
    rendered = plan.render(list(rows.values()), 30, "test").splitlines()
    header = next(line for line in rendered if line.startswith("reminder "))
    lines = {line.split()[0]: line for line in rendered if line.split() and line.split()[0] in rows}
    assert lines["kedungwaru-saja"].endswith("areas: kedungwaru")
    assert lines["bangoan-ngunut"].endswith("areas: kedungwaru/bangoan, ngunut")
    assert "areas" not in lines["semua"]
    end = header.index("recipients") + len("recipients")
    assert all(line[:end].endswith(f"{rows[k].recipients:>10,}"[-1]) for k, line in lines.items())

    schedule_file = tmp_path / "jadwal.toml"
    schedule_file.write_text(text, encoding="utf-8")
    result = bot("plan", "--all", "--database", db, "--schedule", str(schedule_file))
    assert result.returncode == 0, result.stderr
    [line] = [x for x in result.stdout.splitlines() if x.startswith("kedungwaru-saja")]
    assert line.split()[3] == "3"
    assert line.endswith("areas: kedungwaru")


async def test_rencana_shows_the_areas_and_their_audience(tmp_path, soon):
    schedule_ = loading.parse(with_areas(toml(soon, reminders=area_reminders(soon))))
    async with Harness(tmp_path, schedule_, admin_ids=[OP1]) as h:
        await harness_people(h)
        [answer] = await h.say(OP1, "/rencana")
        items = answer["text"].split("<b>")  # each reminder by its title, the first line of its text
        [semua] = [i for i in items if i.startswith("semua<")]
        [kw] = [i for i in items if i.startswith("kw<")]
        [bn] = [i for i in items if i.startswith("bn<")]
        assert "5 penerima" in semua
        assert "Wilayah" not in semua
        assert "3 penerima" in kw
        assert "Wilayah: Kedungwaru" in kw
        assert "2 penerima" in bn
        assert "Wilayah: Bangoan, Kedungwaru, Ngunut" in bn


def test_rencana_pages_stay_under_the_limit_with_many_areas(soon):
    names = "".join(f'\n[[area]]\nid = "k{n:03}"\nname = "Kecamatan Nomor {n:03}"\n' for n in range(60))
    reminders = [{"id": f"r{n:03}", "at": soon(86400 + n * 60), "roles": ["pemilih"], "text": "x"} for n in range(80)]
    text = toml(soon, reminders=reminders, extra_areas=names)
    refs = ", ".join(f'"k{n:03}"' for n in range(60))
    text = text.replace('roles = ["pemilih"]\n', f'roles = ["pemilih"]\nareas = [{refs}]\n')
    schedule_ = loading.parse(text)
    rows = plan.plan(schedule_, lambda roles, areas=(): 1000, 30, now=datetime.now(schedule_.election.tz))
    parts = operator_texts.plan_pages(rows, 30, schedule_.election.tz, "id", schedule_.areas)
    assert len(parts) > 1
    assert all(len(p) <= 4096 for p in parts)
    assert "+50 lainnya" in parts[0]


def test_area_buttons_round_trip_and_refuse_anything_else():
    longest = button_data.draft_area(10**18 - 1, "ad", 9999, 9999)
    assert len(longest.encode()) <= 64
    assert button_data.unpack_draft(longest) == (10**18 - 1, "ad:9999:9999")
    assert button_data.unpack_draft_area("ad:9999:9999") == ("ad", (9999, 9999))
    assert button_data.unpack_draft_area("aa") == ("aa", ())
    for forged in ("ad:1", "ak:1:2", "ak:-1", "ak:１", "ak:10000", "zz:1", "", "next", "t:asn", "aa:1"):
        assert button_data.unpack_draft_area(forged) is None, forged
    for verb, numbers in (("ak", ()), ("ak", (10000,)), ("zz", (1,))):
        with pytest.raises(ValueError, match="bad area button"):
            button_data.draft_area(1, verb, *numbers)
