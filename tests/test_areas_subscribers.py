"""Areas for subscribers: the kecamatan/desa step, /wilayah, role-area deep links, privacy, posters."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from bot.content import button_data, catalogue, texts
from bot.ops import poster
from bot.schedule import loading
from bot.schedule.areas import Area
from bot.telegram import subscriber_areas
from tests.conftest import TZ, schedule_toml
from tests.e2e import Harness
from tests.test_cli import bot
from tests.test_poster import BOT, open_png, read_qr

ALICE, BUDI, CITRA, DEWI = 101, 102, 103, 104

# Ten kecamatan, so the buttons take two pages; Kedungwaru lists ten desa (two pages too).
DESA = "Bangoan, Ketanon, Kauman Timur, Boro, Majan, Mangunsari, Ngujang, Plosokandang, Rejoagung, Tapan".split(", ")
OTHERS = ["Bandung", "Besuki", "Boyolangu", "Campurdarat", "Gondang", "Kalidawir", "Karangrejo", "Ngunut", "Pakel"]
AREAS = f'\n[[area]]\nid = "kedungwaru"\nname = "Kedungwaru"\ndesa = {json.dumps(DESA)}\n' + "".join(
    f'\n[[area]]\nid = "{name.lower()}"\nname = "{name}"\n' for name in OTHERS
)


FAR = [{"id": "kelak", "at": datetime(2040, 1, 1, 8, tzinfo=TZ), "roles": ["pemilih"]}]


@pytest.fixture
def schedule():
    return loading.parse(schedule_toml(FAR) + AREAS)


def buttons(message: dict) -> dict[str, str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row if "callback_data" in b}


async def tap(h: Harness, chat_id: int, message: dict, label: str) -> dict:
    """Press the button labelled ``label`` and return the message once the press has edited it."""
    before = message.get("edit_time")
    await h.press(chat_id, message, buttons(message)[label])

    def now() -> dict | None:
        found = next(m for m in h.standin.sent_to(chat_id) if m["message_id"] == message["message_id"])
        return found if found.get("edit_time") != before else None

    return await h.standin.wait_for(now, timeout=10)


async def welcome_and_role(h: Harness, chat_id: int, role_label: str = "Pemilih", **kwargs) -> dict:
    [welcome] = await h.say(chat_id, "/start", **kwargs)
    return await tap(h, chat_id, welcome, role_label)


# --- the step after the role ------------------------------------------------------------------------


async def test_role_then_kecamatan_then_desa_is_stored(tmp_path, schedule):
    async with Harness(tmp_path, schedule) as h:
        step = await welcome_and_role(h, ALICE)
        assert "Anda terdaftar sebagai <b>Pemilih</b>" in step["text"]  # the confirmation stays
        assert "Kecamatan Anda?" in step["text"]
        assert h.store.subscriber(ALICE).role == "pemilih"
        assert h.store.subscriber(ALICE).area is None
        step = await tap(h, ALICE, step, "Kedungwaru")
        assert "Desa/kelurahan Anda di Kedungwaru?" in step["text"]
        assert h.store.subscriber(ALICE).area == "kedungwaru"  # kept even if the desa is never given
        step = await tap(h, ALICE, step, "Kauman Timur")
        assert "Anda terdaftar sebagai <b>Pemilih</b>" in step["text"]
        assert "Wilayah disimpan: <b>Kauman Timur, Kedungwaru</b>" in step["text"]
        assert not buttons(step)
        sub = h.store.subscriber(ALICE)
        assert (sub.role, sub.status, sub.area, sub.desa) == ("pemilih", "active", "kedungwaru", "kauman-timur")


async def test_lewati_leaves_the_area_empty_and_the_subscription_intact(tmp_path, schedule):
    async with Harness(tmp_path, schedule) as h:
        step = await welcome_and_role(h, BUDI, "ASN")
        step = await tap(h, BUDI, step, "Lewati")
        assert "Anda terdaftar sebagai <b>ASN" in step["text"]
        assert "Tanpa wilayah" in step["text"]
        sub = h.store.subscriber(BUDI)
        assert (sub.role, sub.status, sub.area, sub.desa) == ("asn", "active", None, None)
        # Skipping the desa keeps the kecamatan alone.
        step = await welcome_and_role(h, CITRA)
        step = await tap(h, CITRA, await tap(h, CITRA, step, "Kedungwaru"), "Lewati")
        assert "Wilayah disimpan: <b>Kedungwaru</b>" in step["text"]
        assert (h.store.subscriber(CITRA).area, h.store.subscriber(CITRA).desa) == ("kedungwaru", None)


async def test_kecamatan_and_desa_buttons_come_in_pages(tmp_path, schedule):
    async with Harness(tmp_path, schedule) as h:
        step = await welcome_and_role(h, ALICE)
        first = buttons(step)
        assert list(first)[:8] == [
            "Kedungwaru",
            "Bandung",
            "Besuki",
            "Boyolangu",
            "Campurdarat",
            "Gondang",
            "Kalidawir",
            "Karangrejo",
        ]
        assert "Ngunut" not in first
        assert "◀" not in first
        assert "▶" in first
        assert "Lewati" in first
        step = await tap(h, ALICE, step, "▶")
        second = buttons(step)
        assert "Ngunut" in second
        assert "Pakel" in second
        assert "Kedungwaru" not in second
        assert "◀" in second
        assert "▶" not in second
        assert "Anda terdaftar sebagai <b>Pemilih</b>" in step["text"]
        step = await tap(h, ALICE, await tap(h, ALICE, step, "◀"), "Kedungwaru")
        assert "Tapan" not in buttons(step)
        step = await tap(h, ALICE, step, "▶")
        assert "Tapan" in buttons(step)
        assert "Bangoan" not in buttons(step)
        step = await tap(h, ALICE, step, "Tapan")
        assert (h.store.subscriber(ALICE).area, h.store.subscriber(ALICE).desa) == ("kedungwaru", "tapan")


async def test_english_step_says_skip(tmp_path, schedule):
    async with Harness(tmp_path, schedule) as h:
        step = await welcome_and_role(h, DEWI, "Voter", language_code="en")
        assert "Your kecamatan?" in step["text"]
        assert "Skip" in buttons(step)
        step = await tap(h, DEWI, step, "Bandung")
        assert "Area saved: <b>Bandung</b>" in step["text"]
        assert "registered as <b>Voter</b>" in step["text"]


async def test_no_areas_no_step(tmp_path):
    async with Harness(tmp_path, loading.parse(schedule_toml(FAR))) as h:
        step = await welcome_and_role(h, ALICE)
        assert "Kecamatan Anda?" not in step["text"]
        assert not buttons(step)
        [reply] = await h.say(BUDI, "/start kades-kedungwaru")
        assert "Anda terdaftar" in reply["text"]
        assert not buttons(reply)
        assert h.store.subscriber(BUDI).area is None
        [reply] = await h.say(BUDI, "/wilayah")
        assert reply["text"] == catalogue.say("id", "area_none")


# --- deep links ------------------------------------------------------------------------------------


async def test_role_area_deep_link_subscribes_both_in_one_step(tmp_path, schedule):
    async with Harness(tmp_path, schedule) as h:
        [reply] = await h.say(ALICE, "/start pemilih-ngunut")
        assert "Anda terdaftar sebagai <b>Pemilih</b>" in reply["text"]
        assert "Wilayah disimpan: <b>Ngunut</b>" in reply["text"]
        assert not buttons(reply)
        sub = h.store.subscriber(ALICE)
        assert (sub.role, sub.area, sub.desa) == ("pemilih", "ngunut", None)
        [reply] = await h.say(BUDI, "/start kades-kedungwaru-kauman-timur")
        assert "Wilayah disimpan: <b>Kauman Timur, Kedungwaru</b>" in reply["text"]
        assert (h.store.subscriber(BUDI).area, h.store.subscriber(BUDI).desa) == ("kedungwaru", "kauman-timur")


async def test_role_only_deep_link_offers_the_step(tmp_path, schedule):
    async with Harness(tmp_path, schedule) as h:
        [reply] = await h.say(ALICE, "/start pemilih")
        assert "Anda terdaftar" in reply["text"]
        assert "Kecamatan Anda?" in reply["text"]
        step = await tap(h, ALICE, reply, "Bandung")
        assert h.store.subscriber(ALICE).area == "bandung"
        assert "Wilayah disimpan: <b>Bandung</b>" in step["text"]
        # Subscribing again (another role) keeps the area and says so instead of asking again.
        [again] = await h.say(ALICE, "/start asn")
        assert "Wilayah Anda: <b>Bandung</b>" in again["text"]
        assert not buttons(again)
        assert h.store.subscriber(ALICE).role == "asn"
        assert h.store.subscriber(ALICE).area == "bandung"


async def test_unknown_area_in_a_deep_link_falls_back_to_the_chooser(tmp_path, schedule):
    async with Harness(tmp_path, schedule) as h:
        [reply] = await h.say(CITRA, "/start pemilih-atlantis")
        assert "Anda terdaftar sebagai <b>Pemilih</b>" in reply["text"]
        assert "Kecamatan Anda?" in reply["text"]
        assert "Kedungwaru" in buttons(reply)
        assert "kesalahan" not in reply["text"].lower()
        sub = h.store.subscriber(CITRA)
        assert (sub.role, sub.status, sub.area) == ("pemilih", "active", None)
        [reply] = await h.say(DEWI, "/start pemilih-kedungwaru-atlantis")  # a known kecamatan, unknown desa
        assert "Kecamatan Anda?" in reply["text"]
        assert h.store.subscriber(DEWI).area is None


def test_parse_start():
    areas = [Area("kauman", "Kauman"), Area("kauman-timur", "Kauman Timur"), Area("k", "K", desa=())]
    assert subscriber_areas.parse_start("pemilih", areas) == ("pemilih", None, None, False)
    assert subscriber_areas.parse_start("asn-kauman-timur", areas) == ("asn", "kauman-timur", None, False)
    assert subscriber_areas.parse_start("asn-kauman-barat", areas) == ("asn", None, None, True)
    assert subscriber_areas.parse_start("guru-kauman", areas) is None
    assert subscriber_areas.parse_start("", areas) is None


# --- /wilayah ------------------------------------------------------------------------------------------


async def test_wilayah_changes_and_removes_the_area(tmp_path, schedule):
    async with Harness(tmp_path, schedule) as h:
        [reply] = await h.say(ALICE, "/wilayah")
        assert reply["text"] == catalogue.say("id", "not_a_subscriber")
        await h.say(ALICE, "/start kades-ngunut")
        [reply] = await h.say(ALICE, "/wilayah")
        assert "Wilayah Anda sekarang: <b>Ngunut</b>" in reply["text"]
        assert {"Batal", "Hapus wilayah", "Kedungwaru", "▶"} <= set(buttons(reply))
        assert "tekan Batal" in reply["text"]
        assert "Lewati" not in reply["text"] + " ".join(buttons(reply))
        step = await tap(h, ALICE, await tap(h, ALICE, reply, "Kedungwaru"), "Bangoan")
        assert step["text"] == catalogue.say("id", "area_saved", area="Bangoan, Kedungwaru")
        sub = h.store.subscriber(ALICE)
        assert (sub.role, sub.area, sub.desa) == ("kades", "kedungwaru", "bangoan")
        [reply] = await h.say(ALICE, "/wilayah")
        assert "Bangoan, Kedungwaru" in reply["text"]
        assert (await tap(h, ALICE, reply, "Batal"))["text"] == catalogue.say("id", "area_kept")
        assert h.store.subscriber(ALICE).desa == "bangoan"
        [reply] = await h.say(ALICE, "/wilayah")
        assert (await tap(h, ALICE, reply, "Hapus wilayah"))["text"] == catalogue.say("id", "area_removed")
        sub = h.store.subscriber(ALICE)
        assert (sub.role, sub.status, sub.area, sub.desa) == ("kades", "active", None, None)
        [reply] = await h.say(ALICE, "/wilayah")
        assert "Anda belum memilih wilayah" in reply["text"]
        assert "Hapus wilayah" not in buttons(reply)


async def test_wilayah_in_english_and_in_help(tmp_path, schedule):
    async with Harness(tmp_path, schedule) as h:
        await h.say(DEWI, "/start pemilih-bandung", language_code="en")
        [reply] = await h.say(DEWI, "/wilayah", language_code="en")
        assert "Your area now: <b>Bandung</b>" in reply["text"]
        assert "Remove area" in buttons(reply)
        assert (await tap(h, DEWI, reply, "Remove area"))["text"] == catalogue.say("en", "area_removed")
        [help_en] = await h.say(DEWI, "/help", language_code="en")
        assert "/wilayah – Set your kecamatan/desa" in help_en["text"]
        [help_id] = await h.say(ALICE, "/bantuan")
        assert "/wilayah – Atur kecamatan/desa Anda" in help_id["text"]
        menus = [{c["command"]: c["description"] for c in commands} for commands in h.standin.commands.values()]
        assert {"Atur kecamatan/desa Anda", "Set your kecamatan/desa"} <= {m.get("wilayah") for m in menus}


async def test_forged_and_stale_area_buttons_change_nothing(tmp_path, schedule):
    async with Harness(tmp_path, schedule) as h:
        [reply] = await h.say(ALICE, "/start pemilih-ngunut")
        for data in ["area:s:k:atlantis", "area:s:d:kedungwaru/atlantis", "area:x:skip", "area:s:del", "area:s:p:x"]:
            answer = await h.press(ALICE, reply, data)
            assert answer.get("text") == catalogue.say("id", "stale_button")
        assert h.store.subscriber(ALICE).area == "ngunut"
        [outsider] = await h.say(BUDI, "/jadwal")
        answer = await h.press(BUDI, outsider, button_data.area("w", "k", "bandung"))
        assert answer.get("text") == catalogue.say("id", "not_a_subscriber")
        assert h.store.subscriber(BUDI) is None


def test_area_callbacks_round_trip():
    presses = [
        ("s", "p", None, None, 3),
        ("w", "k", "kedungwaru"),
        ("s", "q", "kedungwaru", None, 1),
        ("w", "a", "ngunut"),
        ("s", "d", "kedungwaru", "kauman-timur"),
        ("s", "skip"),
        ("w", "del"),
    ]
    for args in presses:
        press = button_data.AreaPress(*args)
        data = button_data.area(*args)
        assert button_data.unpack_area(data) == press
        assert len(data.encode()) <= 64
    for bad in [
        "area:",
        "area:s",
        "area:s:k",
        "area:s:k:Kedung Waru",
        "area:s:p:99999",
        "area:s:d:kedungwaru",
        "area:s:del",
        "role:asn",
        None,
    ]:
        assert button_data.unpack_area(bad) is None
    with pytest.raises(ValueError, match=r"64 bytes|cannot pack"):
        button_data.area("s", "k", "a" * 60)


# --- privacy ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_welcome_privacy_and_poster_list_the_area(lang):
    stored = texts.STORED[lang]
    assert "kecamatan/desa" in stored
    default = loading.load("config/pilkada2024.toml")
    assert stored in texts.welcome_text(default, lang)
    assert stored in catalogue.say(lang, "privacy")
    assert texts.STORED["id"] in poster.FOOTER
    assert "kecamatan/desa" in poster.FOOTER
    assert ("wilayah" if lang == "id" else "area") in catalogue.say(lang, "delete_confirm")


async def test_hapus_removes_the_area(tmp_path, schedule):
    async with Harness(tmp_path, schedule) as h:
        await h.say(ALICE, "/start pemilih-kedungwaru-bangoan")
        assert h.store.subscriber(ALICE).desa == "bangoan"
        [privacy] = await h.say(ALICE, "/privasi")
        assert "kecamatan/desa" in privacy["text"]
        assert "dihapus" in await h.forget(ALICE)
        assert h.store.subscriber(ALICE) is None
        row = h.store.conn.execute("SELECT count(*) FROM subscribers WHERE area IS NOT NULL").fetchone()
        assert row[0] == 0


# --- posters -----------------------------------------------------------------------------------------------


def test_deep_link_with_an_area():
    assert poster.deep_link(BOT, "pemilih", "kedungwaru") == f"https://t.me/{BOT}?start=pemilih-kedungwaru"
    for bad in ["Kedungwaru", "kedung waru", "k/b", "a" * 61, ""]:
        with pytest.raises(ValueError, match="area"):
            poster.deep_link(BOT, "asn", bad)


def test_poster_with_an_area_prints_the_kecamatan_and_links_to_it(monkeypatch):
    drawn: list[str] = []
    real = ImageDraw.ImageDraw.text

    def text(self, xy, value, *args, **kwargs):
        drawn.append(value)
        return real(self, xy, value, *args, **kwargs)

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", text)
    image = open_png(poster.poster_png(BOT, "kades", area=Area("kedungwaru", "Kedungwaru"), dpi=150))
    assert read_qr(image).text == f"https://t.me/{BOT}?start=kades-kedungwaru"
    assert "Kecamatan Kedungwaru" in drawn
    assert f"https://t.me/{BOT}?start=kades-kedungwaru" in drawn
    drawn.clear()
    poster.poster_png(BOT, "kades", dpi=150)
    assert not any("Kecamatan" in line for line in drawn)


def test_cli_poster_for_one_area(tmp_path):
    out = tmp_path / "p.png"
    result = bot("poster", "--role", "pemilih", "--area", "kedungwaru", "--out", str(out), "--username", BOT)
    assert result.returncode == 0, result.stderr
    assert f"https://t.me/{BOT}?start=pemilih-kedungwaru" in result.stdout
    [code] = zxingcpp.read_barcodes(Image.open(out))
    assert code.text == f"https://t.me/{BOT}?start=pemilih-kedungwaru"
    pdf = tmp_path / "p.pdf"
    result = bot("poster", "--role", "asn", "--out", str(pdf), "--username", BOT)
    assert result.returncode == 0, result.stderr
    assert pdf.read_bytes().startswith(b"%PDF"), result.stderr
    result = bot(
        "poster", "--role", "pemilih", "--area", "atlantis", "--out", str(tmp_path / "x.png"), "--username", BOT
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert 'unknown area "atlantis"' in result.stderr
    assert not (tmp_path / "x.png").exists()


@pytest.mark.slow
def test_cli_poster_for_all_areas(tmp_path):
    schedule_file = tmp_path / "jadwal.toml"
    schedule_file.write_text(schedule_toml(FAR) + AREAS.split('\n[[area]]\nid = "boyolangu"')[0])
    env = {"BOT_SCHEDULE": str(schedule_file)}
    folder = tmp_path / "posters"
    folder.mkdir()
    result = bot("poster", "--all-areas", "--role", "asn", "--pdf", "--out", str(folder), "--username", BOT, env=env)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["asn-bandung.pdf", "asn-besuki.pdf", "asn-kedungwaru.pdf"]
    assert (folder / "asn-besuki.pdf").read_bytes().startswith(b"%PDF")

    every = tmp_path / "every"
    every.mkdir()
    one_area = tmp_path / "satu.toml"  # every role of one kecamatan: 3 posters, not 9, drawn at 300 dpi
    one_area.write_text(schedule_toml(FAR) + '\n[[area]]\nid = "besuki"\nname = "Besuki"\n')
    result = bot("poster", "--all-areas", "--out", str(every), "--username", BOT, env={"BOT_SCHEDULE": str(one_area)})
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in every.iterdir()) == ["asn-besuki.png", "kades-besuki.png", "pemilih-besuki.png"]
    [code] = zxingcpp.read_barcodes(Image.open(every / "asn-besuki.png"))
    assert code.text == f"https://t.me/{BOT}?start=asn-besuki_besuki"  # tagged with its kecamatan

    for out, message in [(tmp_path / "missing", "does not exist"), (folder / "asn-besuki.pdf", "is not a folder")]:
        result = bot("poster", "--all-areas", "--out", str(out), "--username", BOT, env=env)
        assert result.returncode == 2
        assert message in result.stderr
        assert result.stderr.count("\n") == 1
    result = bot("poster", "--all-areas", "--area", "besuki", "--out", str(folder), "--username", BOT, env=env)
    assert result.returncode == 2
    assert "--area and --all-areas" in result.stderr


async def test_in_a_group_only_admins_choose_the_area(tmp_path, schedule):
    from tests.test_groups import ADMIN, GROUP, MEMBER, REFUSED, press, quick

    async with Harness(tmp_path, schedule) as h:
        quick(h)
        h.standin.set_admins(GROUP, [ADMIN])
        [reply] = await h.say(GROUP, "/start kades", user_id=ADMIN)
        answer = await press(h, reply, buttons(reply)["Bandung"], MEMBER)
        assert answer.get("text") == REFUSED
        assert h.store.subscriber(GROUP).area is None
        await press(h, reply, buttons(reply)["Bandung"], ADMIN)
        await h.standin.wait_for(lambda: h.store.subscriber(GROUP).area == "bandung")
