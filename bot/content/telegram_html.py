"""Telegram's HTML subset: one parser for every place that checks or interprets it.

https://core.telegram.org/bots/api#html-style allows b/strong, i/em, u/ins, s/strike/del,
tg-spoiler / span class="tg-spoiler", a href, tg-emoji emoji-id, code, pre (with
code class="language-x" inside), blockquote (expandable), the entities &lt; &gt; &amp; &quot;
and numeric ones. :func:`parse` turns a text into what Telegram shows (visible text and
entities) or the first :class:`Problem`; :func:`check` adds the length rules.

Two levels: ``strict=False`` refuses what Telegram refuses (the stand-in uses it);
``strict=True`` (the default) also refuses what Telegram accepts but silently drops or mangles
(an ``<a>`` without href, a ``javascript:`` link, unknown attributes), because an operator who
writes it meant something else. A bare ``&`` is refused at both levels, as the Bot API
documentation asks ("must be replaced"); the real server may be more lenient.

Pure: no network, no Telegram library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "MAX_CAPTION",
    "MAX_TEXT",
    "HtmlError",
    "Parsed",
    "Problem",
    "check",
    "escape_bare_ampersands",
    "parse",
    "utf16_len",
    "visible_length",
]

MAX_TEXT = 4096
MAX_CAPTION = 1024

# HTML tag -> Telegram entity type.
TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#(\d{1,8})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z][a-zA-Z0-9]*));")
_SPECIAL_RE = re.compile(r"[<&]")
_START_TAG_RE = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)")
_END_TAG_RE = re.compile(r"</([a-zA-Z][a-zA-Z0-9-]*)\s*>")
_ATTR_RE = re.compile(r"""\s+([a-zA-Z][a-zA-Z0-9_-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_URL_RE = re.compile(r"(?:https?://|tg://|mailto:)\S+", re.IGNORECASE)
_ALLOWED_ATTRS = {
    "a": ("href",),
    "span": ("class",),
    "tg-emoji": ("emoji-id",),
    "code": ("class",),
    "blockquote": ("expandable",),
}

# code -> (English reason, English hint, Indonesian reason, Indonesian hint, Telegram's description).
# Fields in braces come from Problem.args; Telegram's descriptions follow the real server's wording.
_MESSAGES: dict[str, tuple[str, str, str, str, str]] = {
    "bad_entity": (
        '"{shown}" is not an entity Telegram knows',
        'write "&" as &amp;',
        '"{shown}" bukan entitas yang dikenal Telegram',
        'tulis "&" sebagai &amp;',
        'Character "&" at byte offset {byte} must be escaped as "&amp;"',
    ),
    "bare_lt": (
        'bare "<" that starts no tag',
        'write "<" as &lt;',
        'tanda "<" yang tidak memulai tag',
        'tulis "<" sebagai &lt;',
        "Unclosed start tag at byte offset {byte}",
    ),
    "unsupported_tag": (
        "unsupported tag <{tag}>",
        "use only b, i, u, s, a, code, pre, blockquote, tg-spoiler; for a new line just press Enter",
        "tag <{tag}> tidak didukung Telegram",
        "pakai hanya b, i, u, s, a, code, pre, blockquote, tg-spoiler; untuk baris baru cukup tekan Enter",
        'Unsupported start tag "{tag}" at byte offset {byte}',
    ),
    "unclosed_tag": (
        "unclosed tag <{tag}>",
        "add </{tag}> where the formatted part ends",
        "tag <{tag}> tidak ditutup",
        "tambahkan </{tag}> di akhir bagian yang diformat",
        'Can\'t find end tag corresponding to start tag "{tag}"',
    ),
    "unfinished_tag": (
        "unclosed tag <{tag} (missing >)",
        'finish the tag with ">"',
        'tag <{tag} tidak diakhiri ">"',
        'akhiri tag dengan ">"',
        "Unclosed start tag at byte offset {byte}",
    ),
    "malformed_tag": (
        "malformed tag <{tag}>",
        'write a tag as <{tag}> ... </{tag}>, without "/" inside the start tag',
        "tag <{tag}> salah tulis",
        'tulis tag sebagai <{tag}> ... </{tag}>, tanpa "/" di dalam tag pembuka',
        'Unsupported start tag "{tag}/" at byte offset {byte}',
    ),
    "malformed_end_tag": (
        "malformed end tag",
        "write an end tag as </b>",
        "tag penutup salah tulis",
        "tulis tag penutup seperti </b>",
        "Unclosed end tag at byte offset {byte}",
    ),
    "unexpected_end_tag": (
        "end tag </{tag}> without a start tag",
        "remove it, or add <{tag}> where the formatted part begins",
        "tag penutup </{tag}> tanpa tag pembuka",
        "hapus, atau tambahkan <{tag}> di awal bagian yang diformat",
        "Unexpected end tag at byte offset {byte}",
    ),
    "mismatched_end_tag": (
        "end tag </{tag}> does not match open tag <{open}>",
        "close <{open}> first: tags must nest, like <b><i>x</i></b>",
        "tag penutup </{tag}> tidak cocok dengan tag terbuka <{open}>",
        "tutup <{open}> dulu: tag harus bersarang, seperti <b><i>x</i></b>",
        'Unmatched end tag at byte offset {byte}, expected "</{open}>", found "</{tag}>"',
    ),
    "attribute_without_value": (
        'attribute "{attr}" of <{tag}> has no value',
        'write it as {attr}="..." or remove it',
        'atribut "{attr}" pada <{tag}> tidak punya nilai',
        'tulis sebagai {attr}="..." atau hapus',
        'Expected equal sign in declaration of an attribute of the tag "{tag}" at byte offset {byte}',
    ),
    "span_class": (
        '<span> is only allowed as <span class="tg-spoiler">',
        'use <span class="tg-spoiler"> or <tg-spoiler>',
        '<span> hanya boleh sebagai <span class="tg-spoiler">',
        'pakai <span class="tg-spoiler"> atau <tg-spoiler>',
        'Tag "span" must have class "tg-spoiler"',
    ),
    "emoji_id": (
        "<tg-emoji> needs a numeric emoji-id attribute",
        'write <tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
        "<tg-emoji> butuh atribut emoji-id berupa angka",
        'tulis <tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
        'Tag "tg-emoji" must have attribute "emoji-id"',
    ),
    # Only with strict=True: Telegram accepts these but drops or mangles the formatting.
    "duplicate_attribute": (
        'duplicate attribute "{attr}" in <{tag}>',
        "keep one of them",
        'atribut "{attr}" ganda pada <{tag}>',
        "sisakan satu saja",
        'Duplicate attribute "{attr}"',
    ),
    "attribute_not_allowed": (
        'attribute "{attr}" is not allowed in <{tag}>',
        "remove it: Telegram ignores it",
        'atribut "{attr}" tidak boleh ada pada <{tag}>',
        "hapus: Telegram mengabaikannya",
        'Unsupported attribute "{attr}"',
    ),
    "missing_href": (
        "<a> needs an href attribute",
        'write <a href="https://...">text</a>',
        "<a> butuh atribut href",
        'tulis <a href="https://...">teks</a>',
        "Missing href",
    ),
    "bad_link": (
        '<a href="{href}">: only http(s)://, tg:// and mailto: links are allowed',
        "start the link with https://",
        '<a href="{href}">: hanya tautan http(s)://, tg:// dan mailto: yang boleh',
        "awali tautan dengan https://",
        "Unsupported URL",
    ),
    "code_class_outside_pre": (
        '<code class="..."> is only allowed directly inside <pre>',
        '<pre><code class="language-python">...</code></pre>',
        '<code class="..."> hanya boleh langsung di dalam <pre>',
        '<pre><code class="language-python">...</code></pre>',
        "Unsupported class",
    ),
    "code_class": (
        '<code class="{value}">: class must be "language-..."',
        'write class="language-python" (or another language)',
        '<code class="{value}">: class harus "language-..."',
        'tulis class="language-python" (atau bahasa lain)',
        "Unsupported class",
    ),
    "blockquote_value": (
        "<blockquote expandable> takes no value",
        "write <blockquote expandable>",
        "<blockquote expandable> tidak memakai nilai",
        "tulis <blockquote expandable>",
        "Unsupported attribute value",
    ),
    # Length rules (check()).
    "empty": (
        "no visible text",
        "write some text outside the tags",
        "tidak ada teks yang terlihat",
        "tulis teks di luar tag",
        "message text is empty",
    ),
    "too_long": (
        "{length} characters, Telegram allows at most {limit}",
        "shorten it by {over}",
        "{length} karakter, Telegram hanya menerima paling banyak {limit}",
        "perpendek {over} karakter",
        "message is too long",
    ),
}


@dataclass(frozen=True)
class Problem:
    """Why Telegram would refuse a text, where, and how to fix it.

    ``offset`` is the index of the offending character in the source text (None for problems of
    the whole text, like its length); ``line`` and ``column`` count from 1.
    """

    code: str
    source: str = field(repr=False)
    offset: int | None = None
    args: dict[str, Any] = field(default_factory=dict)

    @property
    def line(self) -> int | None:
        return None if self.offset is None else self.source.count("\n", 0, self.offset) + 1

    @property
    def column(self) -> int | None:
        if self.offset is None:
            return None
        return self.offset - (self.source.rfind("\n", 0, self.offset) + 1) + 1

    @property
    def excerpt(self) -> str:
        """Up to 24 characters from the problem on, on one line."""
        if self.offset is None:
            return ""
        start = self.offset
        chunk = self.source[start : start + 24].split("\n", 1)[0]
        return chunk + ("…" if start + len(chunk) < len(self.source) else "")

    def reason(self, lang: str = "en") -> str:
        """The short reason without position or hint ("unclosed tag <b>")."""
        en_reason, _, id_reason, _, _ = _MESSAGES[self.code]
        return (id_reason if lang == "id" else en_reason).format(**self.args)

    def hint(self, lang: str = "en") -> str:
        _, en_hint, _, id_hint, _ = _MESSAGES[self.code]
        return (id_hint if lang == "id" else en_hint).format(**self.args)

    def text(self, lang: str = "en") -> str:
        """One line for a person: reason, position with an excerpt, and how to fix it."""
        where = ""
        if self.offset is not None:
            if lang == "id":
                where = f' di baris {self.line}, kolom {self.column} ("{self.excerpt}")'
            else:
                where = f' at line {self.line}, column {self.column} ("{self.excerpt}")'
        fix = "perbaiki" if lang == "id" else "fix"
        return f"{self.reason(lang)}{where}; {fix}: {self.hint(lang)}"

    def telegram(self) -> str:
        """The description Telegram gives after "Bad Request: can't parse entities: "."""
        byte = 0 if self.offset is None else len(self.source[: self.offset].encode())
        return _MESSAGES[self.code][4].format(byte=byte, **self.args)

    def __str__(self) -> str:
        return self.text("en")


class HtmlError(ValueError):
    """Raised by :func:`parse`; ``problem`` says what and where."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.telegram())
        self.problem = problem


@dataclass(frozen=True)
class Parsed:
    """What Telegram shows: the visible text and its entities (offsets in UTF-16 units)."""

    text: str
    entities: list[dict] = field(default_factory=list)

    @property
    def length(self) -> int:
        """The length Telegram counts: UTF-16 code units of the text without surrounding whitespace."""
        return utf16_len(self.text.strip())


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (an emoji outside the BMP counts 2), as Telegram counts."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def parse(text: str, *, strict: bool = True) -> Parsed:
    """Parse ``text`` as Telegram does; raises :class:`HtmlError` for the first problem."""
    if "<" not in text and "&" not in text:
        return Parsed(text)
    return _Parser(text, strict).run()


def check(text: str, *, strict: bool = True, limit: int = MAX_TEXT) -> Problem | None:
    """The first reason Telegram would refuse ``text`` with parse_mode=HTML, or None.

    Besides the markup: the visible text must not be blank and at most ``limit`` long.
    """
    try:
        parsed = parse(text, strict=strict)
    except HtmlError as exc:
        return exc.problem
    if not parsed.text.strip():
        return Problem("empty", text)
    length = parsed.length
    if length > limit:
        return Problem("too_long", text, None, {"length": length, "limit": limit, "over": length - limit})
    return None


def escape_bare_ampersands(text: str) -> str:
    """``text`` with every "&" that starts no entity Telegram knows written as "&amp;".

    "Tom & Jerry" is plainly meant as text, so it is fixed rather than refused; "&amp;", "&lt;",
    "&#169;" stay as they are. Inside an attribute value the result means the same, since Telegram
    decodes "&amp;" there too.
    """
    if "&" not in text:
        return text
    out: list[str] = []
    i = 0
    while (j := text.find("&", i)) >= 0:
        out.append(text[i:j])
        m = _ENTITY_RE.match(text, j)
        if m is not None and _decode(m) is not None:
            out.append(m.group(0))
            i = m.end()
        else:
            out.append("&amp;")
            i = j + 1
    out.append(text[i:])
    return "".join(out)


def visible_length(text: str) -> int | None:
    """The length Telegram counts for an HTML text; None if it would refuse the markup."""
    try:
        return parse(text).length
    except HtmlError:
        return None


def _decode(match: re.Match[str]) -> str | None:
    """The character of an entity match, None if Telegram does not know it."""
    dec, hexa, name = match.groups()
    if name is not None:
        return _NAMED_ENTITIES.get(name)
    code = int(dec) if dec is not None else int(hexa, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


def _attr_value(raw: str) -> str:
    # Inside attribute values Telegram decodes known entities and keeps any other "&" as is.
    def repl(m: re.Match[str]) -> str:
        ch = _decode(m)
        return m.group(0) if ch is None else ch

    return _ENTITY_RE.sub(repl, raw)


class _Parser:
    """One pass over the source: visible text, entities, and the first problem."""

    def __init__(self, source: str, strict: bool) -> None:
        self.source = source
        self.strict = strict
        self.out: list[str] = []
        self.pos16 = 0  # offset in the visible text, in UTF-16 units
        # Open tags: (name, source offset, visible offset, attributes).
        self.stack: list[tuple[str, int, int, dict[str, str | None]]] = []
        self.entities: list[dict] = []

    def fail(self, code: str, offset: int | None, **args: Any) -> HtmlError:
        return HtmlError(Problem(code, self.source, offset, args))

    def emit(self, chunk: str) -> None:
        if chunk:
            self.out.append(chunk)
            self.pos16 += utf16_len(chunk)

    def run(self) -> Parsed:
        text, i, n = self.source, 0, len(self.source)
        while i < n:
            match = _SPECIAL_RE.search(text, i)
            if match is None:
                self.emit(text[i:])
                break
            j = match.start()
            self.emit(text[i:j])
            if text[j] == "&":
                i = self.entity(j)
            elif text.startswith("</", j):
                i = self.end_tag(j)
            else:
                i = self.start_tag(j)
        if self.stack:
            name, offset, _, _ = self.stack[-1]
            raise self.fail("unclosed_tag", offset, tag=name)
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return Parsed("".join(self.out), self.entities)

    def entity(self, j: int) -> int:
        m = _ENTITY_RE.match(self.source, j)
        char = _decode(m) if m else None
        if m is None or char is None:
            raise self.fail("bad_entity", j, shown=m.group(0) if m else "&")
        self.emit(char)
        return m.end()

    def end_tag(self, j: int) -> int:
        m = _END_TAG_RE.match(self.source, j)
        if not m:
            raise self.fail("malformed_end_tag", j)
        name = m.group(1).lower()
        if not self.stack:
            raise self.fail("unexpected_end_tag", j, tag=name)
        open_name, _, start16, attrs = self.stack[-1]
        if open_name != name:
            raise self.fail("mismatched_end_tag", j, tag=name, open=open_name)
        self.stack.pop()
        self.close_entity(name, start16, attrs)
        return m.end()

    def start_tag(self, j: int) -> int:
        text, n = self.source, len(self.source)
        m = _START_TAG_RE.match(text, j)
        if not m:
            raise self.fail("bare_lt", j)
        name = m.group(1).lower()
        if name not in TAGS:
            raise self.fail("unsupported_tag", j, tag=name)
        attrs: dict[str, str | None] = {}
        k = m.end()
        while am := _ATTR_RE.match(text, k):
            key = am.group(1).lower()
            if key in attrs and self.strict:
                raise self.fail("duplicate_attribute", j, tag=name, attr=key)
            raw = next((g for g in am.groups()[1:] if g is not None), None)
            if raw is None and not (name == "blockquote" and key == "expandable"):
                raise self.fail("attribute_without_value", am.start(1), tag=name, attr=key)
            attrs[key] = None if raw is None else _attr_value(raw)
            k = am.end()
        while k < n and text[k].isspace():
            k += 1
        if k >= n:
            raise self.fail("unfinished_tag", j, tag=name)
        if text[k] != ">":
            raise self.fail("malformed_tag", j, tag=name)
        self.tag_rules(name, attrs, j)
        self.stack.append((name, j, self.pos16, attrs))
        return k + 1

    def tag_rules(self, name: str, attrs: dict[str, str | None], j: int) -> None:
        """Attribute rules: Telegram's own, then (strict) the ones for formatting it would drop."""
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise self.fail("span_class", j)
        if name == "tg-emoji" and not (attrs.get("emoji-id") or "").isdigit():
            raise self.fail("emoji_id", j)
        if not self.strict:
            return
        allowed = _ALLOWED_ATTRS.get(name, ())
        for key in attrs:
            if key not in allowed:
                raise self.fail("attribute_not_allowed", j, tag=name, attr=key)
        if name == "a":
            href = attrs.get("href")
            if not href:
                raise self.fail("missing_href", j)
            if not _URL_RE.fullmatch(href.strip()):
                raise self.fail("bad_link", j, href=href)
        elif name == "code" and "class" in attrs:
            language = attrs["class"] or ""
            if not (self.stack and self.stack[-1][0] == "pre"):
                raise self.fail("code_class_outside_pre", j)
            if not (language.startswith("language-") and len(language) > len("language-")):
                raise self.fail("code_class", j, value=language)
        elif name == "blockquote" and attrs.get("expandable") is not None:
            raise self.fail("blockquote_value", j)

    def close_entity(self, name: str, start: int, attrs: dict[str, str | None]) -> None:
        """Record the entity of a closed tag the way Telegram reports it."""
        stack, end = self.stack, self.pos16
        language = attrs.get("class") or ""
        if name == "code" and stack and stack[-1][0] == "pre" and language.startswith("language-"):
            stack[-1][3]["language"] = language[len("language-") :]
            return
        if end <= start:
            return
        entity: dict[str, Any] = {"type": TAGS[name], "offset": start, "length": end - start}
        if name == "a":
            url = attrs.get("href") or ""
            if not url:
                return
            if url.startswith("tg://user?id="):
                user_id = url.split("=", 1)[1]
                entity["type"] = "text_mention"
                entity["user"] = {"id": int(user_id) if user_id.isdigit() else 0, "is_bot": False, "first_name": ""}
            else:
                entity["url"] = url
        elif name == "tg-emoji":
            entity["custom_emoji_id"] = attrs["emoji-id"]
        elif name == "pre" and attrs.get("language"):
            entity["language"] = attrs["language"]
        elif name == "blockquote" and "expandable" in attrs:
            entity["type"] = "expandable_blockquote"
        self.entities.append(entity)
