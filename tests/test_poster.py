"""Sign-up posters: the QR code on each A4 page opens the bot with the right role, and the page prints."""

from __future__ import annotations

import threading
from io import BytesIO

import pytest
import zxingcpp
from PIL import Image

from bot.ops import poster
from bot.schedule.model import ROLES

BOT = "kpu_tulungagung_bot"
A4_300 = (2480, 3508)
LONG_REGION = "Kabupaten Tulungagung Provinsi Jawa Timur"
LONG_ELECTION = "Pemilihan Gubernur dan Wakil Gubernur serta Bupati dan Wakil Bupati Serentak Tahun 2024"


def open_png(data: bytes) -> Image.Image:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(BytesIO(data))
    image.load()
    return image


def read_qr(image: Image.Image) -> zxingcpp.Barcode:
    codes = zxingcpp.read_barcodes(image)
    assert len(codes) == 1, f"expected exactly one code, found {len(codes)}"
    assert codes[0].format == zxingcpp.BarcodeFormat.QRCode
    return codes[0]


def ink_box(image: Image.Image) -> tuple[int, int, int, int]:
    """The bounding box of everything that is not pure white."""
    box = Image.eval(image.convert("L"), lambda v: 255 if v < 255 else 0).getbbox()
    assert box is not None
    return box


@pytest.fixture(scope="module")
def posters() -> dict[str, bytes]:
    return {role: poster.poster_png(BOT, role) for role in poster.ROLE_TITLES}


# --- deep links ------------------------------------------------------------------------------------


def test_roles_are_the_start_payloads_the_bot_accepts():
    assert tuple(poster.ROLE_TITLES) == ROLES


@pytest.mark.parametrize("role", ROLES)
def test_deep_link(role):
    assert poster.deep_link(BOT, role) == f"https://t.me/{BOT}?start={role}"
    assert poster.deep_link("@" + BOT, role) == f"https://t.me/{BOT}?start={role}"


@pytest.mark.parametrize(
    "username",
    ["", "@", "kpu", "kpu-tulungagung", "kpu tulungagung", "kpu_bot?start=x", "t.me/kpu_bot", "a" * 33, "@@kpu_bot"],
)
def test_deep_link_rejects_bad_username(username):
    with pytest.raises(ValueError, match="username") as info:
        poster.deep_link(username, "asn")
    assert repr(username) in str(info.value)


@pytest.mark.parametrize("role", ["", "admin", "ASN", " asn", "kades\n", "operator"])
def test_deep_link_rejects_unknown_role(role):
    with pytest.raises(ValueError, match="role") as info:
        poster.deep_link(BOT, role)
    assert repr(role) in str(info.value)
    assert "asn, kades, pemilih" in str(info.value)


def test_deep_link_accepts_the_longest_username():
    name = "a" * 29 + "bot"
    assert poster.deep_link(name, "pemilih") == f"https://t.me/{name}?start=pemilih"


# --- the poster --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_qr_code_opens_the_bot_with_the_role(posters, role):
    code = read_qr(open_png(posters[role]))
    assert code.text == f"https://t.me/kpu_tulungagung_bot?start={role}"
    assert code.ec_level in ("M", "Q")


@pytest.mark.parametrize("role", ROLES)
def test_page_is_a4_at_300_dpi_and_small(posters, role):
    data = posters[role]
    image = open_png(data)
    assert image.size == A4_300
    assert image.info["dpi"] == pytest.approx((300, 300), abs=0.01)
    assert image.mode in ("1", "L", "P")
    assert len(data) < 1_000_000


@pytest.mark.parametrize("role", ROLES)
def test_qr_code_is_large_with_a_clear_quiet_zone(posters, role):
    image = open_png(posters[role])
    code = read_qr(image)
    corners = [code.position.top_left, code.position.top_right, code.position.bottom_right, code.position.bottom_left]
    left, right = min(p.x for p in corners), max(p.x for p in corners)  # right and bottom are exclusive
    top, bottom = min(p.y for p in corners), max(p.y for p in corners)
    assert right - left >= 0.55 * image.width, "the code itself should span over half the page width"
    assert right - left == pytest.approx(bottom - top, abs=2)
    assert abs((left + right) / 2 - image.width / 2) <= 2, "the code is centred"

    modules = 17 + 4 * int(code.extra["Version"])
    module = round((right - left) / modules)
    assert right - left == pytest.approx(modules * module, abs=1), "whole pixels per module"
    grey = image.convert("L")
    zone = 4 * module
    outer = grey.crop((left - zone, top - zone, right + zone, bottom + zone))
    # Blank the symbol itself (give or take a pixel): what is left is the quiet zone, all pure white.
    outer.paste(255, (zone - 1, zone - 1, zone + right - left + 1, zone + bottom - top + 1))
    assert outer.getextrema() == (255, 255)
    assert grey.crop((left, top, right, bottom)).getextrema() == (0, 255), "pure black on white"


@pytest.mark.parametrize("role", ROLES)
def test_everything_stays_inside_the_printable_area(posters, role):
    image = open_png(posters[role])
    left, top, right, bottom = ink_box(image)
    ten_mm = round(10 / 25.4 * 300)
    assert left >= ten_mm
    assert top >= ten_mm
    assert right <= image.width - ten_mm
    assert bottom <= image.height - ten_mm


def test_page_is_white_with_black_and_red_ink(posters):
    image = open_png(posters["asn"]).convert("RGB")
    colours = dict((colour, count) for count, colour in image.getcolors(maxcolors=256))
    assert max(colours, key=colours.get) == (255, 255, 255)
    assert (0, 0, 0) in colours
    assert poster.RED in colours  # the header


def test_roles_get_different_posters(posters):
    assert len(set(posters.values())) == len(ROLES)


def test_at_sign_and_long_names_still_make_a_readable_page():
    data = poster.poster_png("@" + "k" * 29 + "bot", "pemilih", election=LONG_ELECTION, region=LONG_REGION)
    image = open_png(data)
    assert image.size == A4_300
    assert read_qr(image).text == f"https://t.me/{'k' * 29}bot?start=pemilih"
    left, top, right, bottom = ink_box(image)
    assert left > 0
    assert top > 0
    assert right < image.width
    assert bottom < image.height


@pytest.mark.parametrize(("dpi", "size"), [(150, (1240, 1754)), (72, (595, 842))])
def test_other_resolutions_are_the_same_a4_page(dpi, size):
    image = open_png(poster.poster_png(BOT, "kades", dpi=dpi))
    assert image.size == size
    assert image.info["dpi"] == pytest.approx((dpi, dpi), abs=0.05)
    assert read_qr(image).text == f"https://t.me/{BOT}?start=kades"


def test_without_dejavu_pillows_own_font_is_used(monkeypatch):
    monkeypatch.setattr(poster, "_font_path", lambda face: None)
    image = open_png(poster.poster_png(BOT, "asn"))
    assert image.size == A4_300
    assert read_qr(image).text == f"https://t.me/{BOT}?start=asn"


def test_posters_can_be_drawn_from_several_threads(posters):
    results: dict[str, bytes] = {}

    def draw(role: str) -> None:
        results[role] = poster.poster_png(BOT, role)

    threads = [threading.Thread(target=draw, args=(role,)) for role in ROLES]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == posters


# --- bad input -----------------------------------------------------------------------------------------


def test_poster_rejects_unknown_role():
    with pytest.raises(ValueError, match="'lurah'"):
        poster.poster_png(BOT, "lurah")


def test_poster_rejects_bad_username():
    with pytest.raises(ValueError, match="'kpu!'"):
        poster.poster_png("kpu!", "asn")


@pytest.mark.parametrize("dpi", [0, 71, 601, 300.0, True, "300"])
def test_poster_rejects_bad_dpi(dpi):
    with pytest.raises(ValueError, match="dpi"):
        poster.poster_png(BOT, "asn", dpi=dpi)


@pytest.mark.parametrize(("field", "value"), [("election", ""), ("election", "   "), ("region", "")])
def test_poster_rejects_empty_names(field, value):
    with pytest.raises(ValueError, match=field):
        poster.poster_png(BOT, "asn", **{field: value})


def test_poster_rejects_names_too_long_for_the_page():
    with pytest.raises(ValueError, match="too long"):
        poster.poster_png(BOT, "asn", region="Kabupaten " * 60)


def test_a_pdf_poster_is_one_a4_page_whose_code_still_opens_the_bot():
    data = poster.poster_png("kpu_tulungagung_bot", "pemilih", fmt="pdf", dpi=150)
    assert data.startswith(b"%PDF")
    assert data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") >= 1
    width, height = (float(v) for v in data.split(b"/MediaBox [")[1].split(b"]")[0].split()[2:])
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)  # A4 in points
    with pytest.raises(ValueError, match="invalid format 'gif'"):
        poster.poster_png("kpu_tulungagung_bot", "pemilih", fmt="gif")


def test_people_without_telegram_are_told_to_install_it_first():
    assert poster.STEPS[0] == "Belum punya Telegram? Pasang dulu dari Play Store atau App Store."
