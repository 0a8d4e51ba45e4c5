"""bot.content.telegram_html: the one checker of Telegram's HTML subset (schedule check, /siaran, CLI, stand-in)."""

import pytest

from bot.content import telegram_html as th


def problem(text: str, **kwargs) -> th.Problem:
    found = th.check(text, **kwargs)
    assert found is not None, text
    return found


def test_position_is_line_and_column_of_the_offending_character():
    found = problem("Baris satu\nASN & kades\n")
    assert (found.code, found.line, found.column, found.offset) == ("bad_entity", 2, 5, 15)
    assert found.excerpt == "& kades…"


def test_unclosed_tag_points_at_its_start_tag():
    found = problem("Halo\n  <b>tebal sekali dan panjang sekali")
    assert (found.line, found.column) == (2, 3)
    assert found.excerpt == "<b>tebal sekali dan panj…"  # 24 characters


def test_text_in_english_and_indonesian_says_what_where_and_how_to_fix():
    found = problem("a<br>b")
    assert found.text("en") == (
        'unsupported tag <br> at line 1, column 2 ("<br>b"); '
        "fix: use only b, i, u, s, a, code, pre, blockquote, tg-spoiler; for a new line just press Enter"
    )
    assert found.text("id") == (
        'tag <br> tidak didukung Telegram di baris 1, kolom 2 ("<br>b"); '
        "perbaiki: pakai hanya b, i, u, s, a, code, pre, blockquote, tg-spoiler; untuk baris baru cukup tekan Enter"
    )
    assert str(found) == found.text("en")


@pytest.mark.parametrize(
    ("text", "code", "hint_en", "hint_id"),
    [
        ("AT&T", "bad_entity", "&amp;", "&amp;"),
        ("1 < 2", "bare_lt", "&lt;", "&lt;"),
        ("<b>x", "unclosed_tag", "add </b>", "tambahkan </b>"),
        ("<b><i>x</b></i>", "mismatched_end_tag", "close <i> first", "tutup <i> dulu"),
        ("x</b>", "unexpected_end_tag", "add <b>", "tambahkan <b>"),
        ("<a>x</a>", "missing_href", 'href="https://', 'href="https://'),
        ('<a href="javascript:alert(1)">x</a>', "bad_link", "https://", "https://"),
    ],
)
def test_every_problem_has_a_hint_in_both_languages(text, code, hint_en, hint_id):
    found = problem(text)
    assert found.code == code
    assert hint_en in found.hint("en")
    assert hint_id in found.hint("id")
    assert found.reason("en") != found.reason("id")


def test_visible_length_counts_utf16_units_after_entities():
    assert th.visible_length("<b>Halo</b> &amp; 👍") == len("Halo & ") + 2  # the emoji is a surrogate pair
    assert th.visible_length("  é  ") == 1  # surrounding whitespace is trimmed, é is one unit
    assert th.visible_length("<b>x") is None


def test_length_limit_counts_emoji_twice():
    assert th.check("👍" * 2048) is None
    found = problem("👍" * 2049)
    assert found.code == "too_long"
    assert found.args["length"] == 4098
    assert found.line is None
    assert found.text("en") == "4098 characters, Telegram allows at most 4096; fix: shorten it by 2"
    assert found.text("id").startswith("4098 karakter, Telegram hanya menerima paling banyak 4096")


def test_empty_text():
    assert problem("<b> </b>").text("id").startswith("tidak ada teks yang terlihat")


def test_strict_refuses_what_telegram_only_drops():
    for text in ("<a>x</a>", '<b class="x">y</b>', '<a href="ftp://x">y</a>'):
        assert th.check(text) is not None
        assert th.check(text, strict=False) is None


def test_entities_with_utf16_offsets():
    parsed = th.parse(
        '😀 <b>x</b><blockquote expandable>q</blockquote><pre><code class="language-py">p</code></pre>'
        '<a href="https://kpu.go.id?a=1&amp;b=2">k</a>'
    )
    assert parsed.text == "😀 xqpk"
    assert parsed.entities == [
        {"type": "bold", "offset": 3, "length": 1},
        {"type": "expandable_blockquote", "offset": 4, "length": 1},
        {"type": "pre", "offset": 5, "length": 1, "language": "py"},
        {"type": "text_link", "offset": 6, "length": 1, "url": "https://kpu.go.id?a=1&b=2"},
    ]


def test_telegram_description_uses_byte_offsets():
    with pytest.raises(th.HtmlError) as caught:
        th.parse("é<br>", strict=False)
    assert caught.value.problem.telegram() == 'Unsupported start tag "br" at byte offset 2'
