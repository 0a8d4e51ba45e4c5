"""Printable sign-up posters: one A4 page per role with a QR code of the bot's deep link (pure).

Role and bot username in, PNG (or PDF) bytes out: no Telegram, no database, no network. The commission prints
these for its outreach meetings with ASN and village heads; scanning the code opens the bot with
``/start <role>``, which subscribes the reader to that role straight away (see ``bot.telegram.subscribe.start``).
A poster may carry a source tag saying where it hung (``?start=pemilih_balai-bangoan``), so that the
commission can count who came from where; bot/content/deep_links.py owns the link's grammar.

Everything is drawn at the requested resolution from sizes given for 300 dpi, so a 150 dpi preview
is the same page, only smaller. The page is drawn in RGB and stored as a small palette PNG with the
resolution embedded, so that image viewers and printers pick A4 by themselves.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache
from io import BytesIO
from itertools import combinations, pairwise
from typing import Any

import qrcode
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_Q

from bot.content import deep_links
from bot.content.deep_links import START_MAX
from bot.content.formats import plain
from bot.content.texts import NOT_STORED, STORED
from bot.schedule.areas import ID_RE, Area
from bot.schedule.tps import Tps

ROLE_TITLES = {"asn": "ASN (Aparatur Sipil Negara)", "kades": "Kepala Desa & Perangkat Desa", "pemilih": "Pemilih"}

USERNAME_RE = re.compile(r"[A-Za-z0-9_]{5,32}")
PAGE_MM = (210, 297)  # A4 portrait
MIN_DPI, MAX_DPI = 72, 600

LEAD = "Layanan pengingat resmi tahapan pemilihan melalui Telegram untuk"
STEPS = (
    "Belum punya Telegram? Pasang dulu dari Play Store atau App Store.",
    "Pindai kode QR dengan kamera ponsel Anda.",
    "Tekan MULAI (Start) di Telegram untuk menerima pengingat resmi.",
)
AREA_WORD = "Kecamatan"  # printed before the area's name: "Kecamatan Kedungwaru"
FOOTER = f"Bot hanya menyimpan {STORED['id']}. {plain(NOT_STORED['id'])}"

WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
RED = (176, 18, 30)  # the red of the national flag, darkened a little for print
DARK = (45, 45, 45)
GREY = (105, 105, 105)
LIGHT = (205, 205, 205)

# Sizes in pixels at 300 dpi (1 mm = 11.8 px); scaled for other resolutions.
MARGIN = 142  # 12 mm: clear of every office printer's unprintable edge
HEADER_SIZE = 104
ELECTION_SIZE = 78
LEAD_SIZE = 58
TITLE_MAX, TITLE_MIN = 176, 112
TITLE_LINES = 2
LINK_MAX, LINK_MIN = 54, 30
STEP_SIZE = 64
AREA_SIZE = 88
DETAIL_SIZE = 60  # a TPS's location, under its number and place
FOOTER_SIZE = 42
QR_MIN, QR_MAX = 0.55, 0.62  # width of the code without its quiet zone, as a share of the page width
QR_BORDER = 4  # modules of quiet zone, as the QR standard asks
TOP_SCALES = (1.0, 0.92, 0.84, 0.76, 0.68, 0.6, 0.52)  # for the top block when long texts crowd the code

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF")
FONT_FILES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf", "mono": "DejaVuSansMono.ttf"}

Font = ImageFont.FreeTypeFont
Where = tuple[str | None, str | None]  # the place under the role ("Kecamatan X", a TPS), and the line under it


def deep_link(username: str, role: str, area: str | None = None, source: str | None = None) -> str:
    """``https://t.me/<username>?start=<role>`` (``<role>-<area>`` with a kecamatan id, ``_<source>`` with
    a source tag); a leading "@" on the username is dropped. bot/content/deep_links.py packs the start.

    Raises ``ValueError`` naming the bad value when the username is not 5-32 letters, digits or
    underscores, the role is not one of :data:`ROLE_TITLES`, the area id is not one Telegram can
    carry in a link (a-z, 0-9 and -, at most 64 characters with the role), or the tag is malformed
    or makes the start parameter too long.
    """
    name = bot_name(username)
    if role not in ROLE_TITLES:
        raise ValueError(f"unknown role {role!r}: expected one of {', '.join(ROLE_TITLES)}")
    if area is not None and (
        not isinstance(area, str) or not ID_RE.fullmatch(area) or len(f"{role}-{area}") > START_MAX
    ):
        raise ValueError(f"invalid area id {area!r}: expected a-z, 0-9 and - (at most {START_MAX} with the role)")
    return deep_links.link(name, deep_links.start_payload(role, area, source=source))


def bot_name(username: str) -> str:
    """The username without a leading "@"; ``ValueError`` unless it is 5-32 letters, digits or underscores."""
    name = username.strip().removeprefix("@") if isinstance(username, str) else username
    if not isinstance(name, str) or not USERNAME_RE.fullmatch(name):
        raise ValueError(
            f"invalid bot username {username!r}: expected 5-32 letters, digits or underscores"
            " (e.g. 'kpu_tulungagung_bot')"
        )
    return name


def tps_start(role: str, tps: Tps, source: str | None = None) -> str:
    """'pemilih-kedungwaru-bangoan-007' (``_<source>`` with a tag): the start parameter of a poster at
    one TPS, whose head bot/telegram/subscriber_areas.py ``parse_start_link`` reads back.

    Raises ``ValueError`` when it is longer than Telegram's limit of :data:`START_MAX` characters.
    """
    if not ID_RE.fullmatch(tps.area) or not ID_RE.fullmatch(tps.desa):
        raise ValueError(f"invalid TPS {tps.key!r} for a link: expected ids of a-z, 0-9 and -")
    return deep_links.start_payload(role, tps.area, tps.desa, tps.number, source)


def tps_link(username: str, role: str, tps: Tps, source: str | None = None) -> str:
    """``https://t.me/<username>?start=<role>-<kecamatan>-<desa>-<NNN>[_<source>]``; ``ValueError`` as
    :func:`deep_link` and :func:`tps_start` raise it."""
    deep_link(username, role)  # the username and the role checked as for every poster
    return deep_links.link(bot_name(username), tps_start(role, tps, source))


def area_tag(area_id: str, source: str | None = None) -> str:
    """The source tag ``--all-areas`` puts on a kecamatan's posters: its id, or ``<source>-<id>``."""
    return f"{source}-{area_id}" if source else area_id


def tps_place(area: Area, tps: Tps) -> str:
    """'TPS 007 Bangoan, Kec. Kedungwaru' (the desa's id when the area does not list it)."""
    desa = area.find_desa(tps.desa)
    return f"{tps.label} {desa.name if desa else tps.desa}, Kec. {area.name}"


FORMATS = ("png", "pdf")


def poster_png(
    username: str,
    role: str,
    *,
    election: str = "Pilkada Serentak 2024",
    region: str = "Kabupaten Tulungagung",
    area: Area | None = None,
    tps: Tps | None = None,
    source: str | None = None,
    dpi: int = 300,
    fmt: str = "png",
) -> bytes:
    """A printable A4 portrait poster inviting ``role`` to the bot, as PNG bytes with ``dpi`` embedded
    (``fmt="pdf"``: a one-page A4 PDF of the same page, which every office can print at its size).

    With ``area`` the poster names the kecamatan under the role, and its code subscribes to both.
    With ``tps`` too (of that kecamatan) it names the TPS, its desa and location, and its code also
    saves the voter's desa and TPS. With ``source`` the link carries that tag (``..._balai-bangoan``).
    Raises ``ValueError`` for a bad username, role, area id or tag (see :func:`deep_link`), a TPS
    link too long (:func:`tps_start`), an empty election or region name, or a resolution outside
    72-600 dpi.
    """
    link, place, detail = _link_and_place(username, role, area, tps, source)
    election = _required_text(election, "election")
    region = _required_text(region, "region")
    if fmt not in FORMATS:
        raise ValueError(f"invalid format {fmt!r}: expected one of {', '.join(FORMATS)}")
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not MIN_DPI <= dpi <= MAX_DPI:
        raise ValueError(f"invalid dpi {dpi!r}: expected a whole number from {MIN_DPI} to {MAX_DPI}")

    page = _draw(link, ROLE_TITLES[role], election=election, region=region, where=(place, detail), dpi=dpi)
    # Every ink is drawn on white, so the page holds only the inks and their anti-aliased blends
    # with white: a fixed palette of those keeps black and red exact and the file small.
    page = page.quantize(palette=_palette(), dither=Image.Dither.NONE)
    out = BytesIO()
    if fmt == "pdf":  # Pillow writes it: the page's size in the PDF is its pixels at `dpi`, i.e. A4
        page.convert("RGB").save(out, format="PDF", resolution=float(dpi))
    else:
        page.save(out, format="PNG", dpi=(dpi, dpi), optimize=True)
    return out.getvalue()


def _link_and_place(
    username: str, role: str, area: Area | None, tps: Tps | None, source: str | None
) -> tuple[str, str | None, str | None]:
    """The poster's link, the place printed under the role, and the line under it (a TPS's location)."""
    if tps is None:
        link = deep_link(username, role, area.id if area is not None else None, source)
        return link, f"{AREA_WORD} {_required_text(area.name, 'area name')}" if area is not None else None, None
    if area is None or area.id != tps.area:
        raise ValueError(f"TPS {tps.key!r}: give its kecamatan {tps.area!r} as the area")
    _required_text(area.name, "area name")
    return tps_link(username, role, tps, source), tps_place(area, tps), _required_text(tps.location, "TPS location")


@cache
def _palette() -> Image.Image:
    # Pillow maps colours to a palette through a coarse lookup grid, so blends that nearly match
    # white are left out: they would capture the white background itself.
    steps = 8
    blends = {
        tuple(round(255 + (channel - 255) * k / steps) for channel in ink)
        for ink in (BLACK, RED, DARK, GREY, LIGHT)
        for k in range(1, steps + 1)
    }
    colours = [WHITE, *sorted(c for c in blends if min(c) < 240)]
    palette = Image.new("P", (1, 1))
    palette.putpalette([channel for colour in colours for channel in colour])
    return palette


def _required_text(value: str, what: str) -> str:
    text = " ".join(value.split()) if isinstance(value, str) else ""
    if not text:
        raise ValueError(f"invalid {what} {value!r}: expected a non-empty name")
    return text


# --- drawing -------------------------------------------------------------------------------------


def _draw(link: str, title: str, *, election: str, region: str, where: Where, dpi: int) -> Image.Image:
    def px(size_at_300: float) -> int:
        return max(1, round(size_at_300 * dpi / 300))

    width, height = (round(mm / 25.4 * dpi) for mm in PAGE_MM)
    margin = px(MARGIN)
    content = width - 2 * margin
    page = Image.new("RGB", (width, height), WHITE)
    draw = ImageDraw.Draw(page)

    # Bottom block, laid out upwards from the bottom margin: footer under a thin rule.
    footer_font = _font("regular", px(FOOTER_SIZE))
    footer_lines = _wrap(footer_font, FOOTER, content)
    footer_top = height - margin - _lines_height(footer_font, len(footer_lines))
    rule_y = footer_top - px(34)

    # Middle block: the code, its link and the steps, centred in the room between top and bottom.
    step_font = _font("regular", px(STEP_SIZE))
    steps = _numbered(step_font, STEPS, content)
    step_gap = px(24)
    steps_height = sum(_lines_height(step_font, len(lines)) for _, lines in steps) + step_gap * (len(steps) - 1)
    link_font = _fit_single(link, content, px(LINK_MAX), px(LINK_MIN), "mono")
    link_height = _lines_height(link_font, 1)
    link_gap, steps_gap = px(40), px(60)
    below_code = link_gap + link_height + steps_gap + steps_height

    # The code is as large as the room allows, its dark part (the symbol) spanning QR_MIN..QR_MAX of
    # the page width, inside its full white quiet zone. A thin light frame just outside the quiet
    # zone is what the eye sees as the code's box, so the gaps around the code are measured from it.
    matrix = _qr_matrix(link)
    modules = len(matrix)
    symbol = modules - 2 * QR_BORDER
    min_module = -(-round(QR_MIN * width) // symbol)
    frame, radius = px(4), px(40)
    pad = frame + -(-radius * 3 // 10)  # keeps the frame's rounded corners out of the quiet zone too
    gap = px(40)

    # Top block: shrunk (down to TOP_SCALES[-1]) only when long names leave too little room for the code.
    for scale in TOP_SCALES:
        top_end = _top_block(None, region, election, title, where, width, margin, _scaled(px, scale))
        room = rule_y - top_end - 2 * gap - below_code - 2 * pad
        if room >= modules * min_module:
            break
    else:
        raise ValueError(f"election {election!r} and region {region!r} are too long to fit on the poster; shorten them")
    _top_block(draw, region, election, title, where, width, margin, _scaled(px, scale))

    module = max(min_module, min(room // modules, round(QR_MAX * width) // symbol))
    side = module * modules
    y = top_end + gap + pad + (room - side) // 2
    left = (width - side) // 2
    _paste_code(page, draw, _qr_image(matrix, module), (left, y), pad, radius, frame)
    y += side + pad + link_gap
    draw.text((width // 2, y), link, font=link_font, fill=DARK, anchor="ma")
    y += link_height + steps_gap
    _draw_steps(draw, steps, step_font, width, y, step_gap)

    draw.rectangle((margin, rule_y, width - margin - 1, rule_y + px(3) - 1), fill=LIGHT)
    _centered_lines(draw, footer_lines, footer_font, GREY, width, footer_top)
    return page


def _paste_code(
    page: Image.Image,
    draw: ImageDraw.ImageDraw,
    code: Image.Image,
    at: tuple[int, int],
    pad: int,
    radius: int,
    frame: int,
) -> None:
    """The QR code at `at`, in a thin light frame with rounded corners `pad` outside it."""
    left, top = at
    page.paste(code, at)
    right, bottom = left + code.width - 1 + pad, top + code.height - 1 + pad
    draw.rounded_rectangle((left - pad, top - pad, right, bottom), radius=radius, outline=LIGHT, width=frame)


def _scaled(px: Callable[[float], int], k: float) -> Callable[[float], int]:
    """``px`` for sizes scaled by ``k``."""
    return lambda v: px(v * k)


def _top_block(
    draw: ImageDraw.ImageDraw | None,
    region: str,
    election: str,
    title: str,
    where: Where,
    width: int,
    margin: int,
    px: Callable[[float], int],
) -> int:
    """Who issues the poster, for which election, and for whom (and where: a place, and a line under
    it); returns the y below it.

    With ``draw`` None nothing is drawn: the block is only measured.
    """
    content = width - 2 * margin
    header_font, election_font = _font("bold", px(HEADER_SIZE)), _font("regular", px(ELECTION_SIZE))
    lead_font = _font("regular", px(LEAD_SIZE))
    y = _centered_lines(draw, _balanced(header_font, f"KPU {region}".upper(), content), header_font, RED, width, margin)
    y += px(10)
    y = _centered_lines(draw, _balanced(election_font, election, content), election_font, DARK, width, y)
    y += px(34)
    if draw is not None:
        draw.rectangle((margin, y, width - margin - 1, y + px(14) - 1), fill=RED)
    y += px(14) + px(50)
    y = _centered_lines(draw, _wrap(lead_font, LEAD, content), lead_font, GREY, width, y)
    y += px(26)
    title_font, title_lines = _fit_title(title, content, px(TITLE_MAX), px(TITLE_MIN))
    y = _centered_lines(draw, title_lines, title_font, BLACK, width, y, spacing=1.08)
    place, detail = where
    if place is None:
        return y
    place_font = _font("bold", px(AREA_SIZE))
    y = _centered_lines(draw, _balanced(place_font, place, content), place_font, RED, width, y + px(30))
    if detail is None:
        return y
    detail_font = _font("regular", px(DETAIL_SIZE))
    return _centered_lines(draw, _balanced(detail_font, detail, content), detail_font, DARK, width, y + px(16))


def _centered_lines(
    draw: ImageDraw.ImageDraw | None, lines: list[str], font: Font, fill: Any, width: int, y: int, spacing: float = 1.18
) -> int:
    """Draw ``lines`` centred on the page from ``y`` (unless ``draw`` is None); returns the y below them."""
    step = _line_height(font, spacing)
    for line in lines:
        if draw is not None:
            draw.text((width // 2, y), line, font=font, fill=fill, anchor="ma")
        y += step
    return y - step + _line_height(font, 1.0) if lines else y


def _numbered(font: Font, items: tuple[str, ...], width: int) -> list[tuple[str, list[str]]]:
    indent = max(font.getlength(f"{n}. ") for n in range(1, len(items) + 1))
    return [(f"{n}.", _balanced(font, text, width - round(indent))) for n, text in enumerate(items, start=1)]


def _draw_steps(
    draw: ImageDraw.ImageDraw, steps: list[tuple[str, list[str]]], font: Font, width: int, y: int, gap: int
) -> None:
    """Numbered steps as one left-aligned block, centred on the page, with hanging indents."""
    indent = round(max(font.getlength(number + " ") for number, _ in steps))
    block = indent + round(max(font.getlength(line) for _, lines in steps for line in lines))
    left = (width - block) // 2
    step = _line_height(font, 1.18)
    for number, lines in steps:
        draw.text((left, y), number, font=font, fill=BLACK, anchor="la")
        for line in lines:
            draw.text((left + indent, y), line, font=font, fill=BLACK, anchor="la")
            y += step
        y += gap - step + _line_height(font, 1.0)


def _line_height(font: Font, spacing: float) -> int:
    ascent, descent = font.getmetrics()
    return round((ascent + descent) * spacing)


def _lines_height(font: Font, count: int, spacing: float = 1.18) -> int:
    return _line_height(font, spacing) * (count - 1) + _line_height(font, 1.0) if count else 0


# --- text fitting --------------------------------------------------------------------------------


def _wrap(font: Font, text: str, width: int) -> list[str]:
    """Greedy word wrap to ``width`` pixels; a word wider than the line is cut where it must be."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while len(word) > 1 and font.getlength(word) > width:
            cut = max([i for i in range(1, len(word)) if font.getlength(word[:i]) <= width], default=1)
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines


def _splits(words: list[str], count: int) -> Iterator[list[str]]:
    for cuts in combinations(range(1, len(words)), count - 1):
        bounds = (0, *cuts, len(words))
        yield [" ".join(words[a:b]) for a, b in pairwise(bounds)]


def _balanced(font: Font, text: str, width: int) -> list[str]:
    """The fewest lines that fit, with breaks chosen so the lines are as even as possible (no lonely
    last word)."""
    greedy = _wrap(font, text, width)
    words = text.split()
    if len(greedy) == 1 or len(words) > 16:
        return greedy
    best = min(_splits(words, len(greedy)), key=lambda lines: max(font.getlength(line) for line in lines))
    return best if max(font.getlength(line) for line in best) <= width else greedy


def _fit_title(title: str, width: int, largest: int, smallest: int) -> tuple[Font, list[str]]:
    """The largest bold size from ``largest`` down to ``smallest`` at which the title needs at most
    TITLE_LINES lines; a title too long even then is wrapped onto more lines at ``smallest``.

    An explanation in parentheses starts a line of its own when that is possible, so the title
    reads "ASN" over "(Aparatur Sipil Negara)" rather than being cut in the middle of the name.
    """
    name, paren, rest = title.partition(" (")
    if paren and name.strip():
        font, lines = _fit_parts([name, paren.strip() + rest], width, largest, smallest)
        if len(lines) <= TITLE_LINES:
            return font, lines
    return _fit_parts([title], width, largest, smallest)


def _fit_parts(parts: list[str], width: int, largest: int, smallest: int) -> tuple[Font, list[str]]:
    size = largest
    while True:
        font = _font("bold", size)
        lines = [line for part in parts for line in _balanced(font, part, width)]
        if len(lines) <= TITLE_LINES or size <= smallest:
            return font, lines
        size = max(smallest, size - max(1, largest // 40))


def _fit_single(text: str, width: int, largest: int, smallest: int, face: str) -> Font:
    """The largest size at which ``text`` fits on one line (never below ``smallest``)."""
    size = largest
    font = _font(face, size)
    while size > smallest and font.getlength(text) > width:
        size -= 1
        font = _font(face, size)
    return font


def _font(face: str, size: int) -> Font:
    """DejaVu from the usual system places, else Pillow's built-in scalable font at ``size``.

    Font objects are not cached: a FreeType face must not be used by two threads at once, and
    posters may be drawn from several. Only the file that was found is remembered.
    """
    path = _font_path(face)
    if path:
        return ImageFont.truetype(path, size)
    font = ImageFont.load_default(size=size)
    if not isinstance(font, ImageFont.FreeTypeFont):  # Pillow built without FreeType: a fixed bitmap
        raise RuntimeError("the poster needs the DejaVu fonts or a Pillow built with FreeType")
    return font


@cache
def _font_path(face: str) -> str | None:
    name = FONT_FILES[face]
    for candidate in (*(f"{folder}/{name}" for folder in FONT_DIRS), name):
        try:  # a bare name makes Pillow search the system font folders
            found = ImageFont.truetype(candidate, 10).path
            return found if isinstance(found, str) else candidate
        except OSError:
            continue
    return None


# --- QR code -------------------------------------------------------------------------------------


def _qr_matrix(link: str) -> list[list[bool]]:
    """The modules of the smallest QR code holding ``link`` at level Q (25 % may be damaged), with
    the standard 4-module quiet zone included."""
    qr = qrcode.QRCode(version=None, error_correction=ERROR_CORRECT_Q, box_size=1, border=QR_BORDER)
    qr.add_data(link)
    qr.make(fit=True)
    return qr.get_matrix()


def _qr_image(matrix: list[list[bool]], module: int) -> Image.Image:
    count = len(matrix)
    small = Image.new("L", (count, count), 255)
    small.putdata([0 if dark else 255 for row in matrix for dark in row])
    return small.resize((count * module, count * module), Image.Resampling.NEAREST).convert("RGB")
