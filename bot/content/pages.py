"""Long replies cut into pages Telegram accepts: at most 4,096 visible characters each (pure).

Telegram counts the text it shows (after parsing the HTML) in UTF-16 units, and refuses a longer
message. A reply is cut between items (a reminder, an audit line) or, inside an item, between
lines; a tag that spans the cut is closed at the end of one page and reopened at the start of
the next, so every page is valid HTML on its own. A line longer than a page is cut between words
(or anywhere, if it has none). No Telegram objects here: the handlers decide whether pages become
several messages or one message with ◀ ▶ buttons.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from bot.content.telegram_html import MAX_TEXT, utf16_len

# Room kept free on every page for the "page 2 of 5" note the handlers add (see page_note).
NOTE_ROOM = 40

_TOKEN_RE = re.compile(r"<[^>]*>|&[#a-zA-Z0-9]+;|[^<&]+|[<&]")
_TAG_NAME_RE = re.compile(r"</?([a-zA-Z][a-zA-Z0-9-]*)")

PREVIOUS, NEXT = "◀", "▶"  # the labels of the buttons that turn pages
NOTES = {"id": "<i>Halaman {page} dari {pages}</i>", "en": "<i>Page {page} of {pages}</i>"}


def page_note(page: int, pages: int, lang: str = "id") -> str:
    """The line under a page of a paged reply: 'Halaman 2 dari 5' (1-based)."""
    return NOTES.get(lang, NOTES["id"]).format(page=page, pages=pages)


def visible(source: str) -> int:
    """UTF-16 length of what Telegram shows for an HTML fragment (tags may be unbalanced)."""
    return sum(_token_length(token) for token in _TOKEN_RE.findall(source))


def _token_length(token: str) -> int:
    if token.startswith("<") and len(token) > 1:
        return 0
    if token.startswith("&") and token.endswith(";"):
        return utf16_len(html.unescape(token))
    return utf16_len(token)


class _Page:
    """A page being filled: its lines and the tags open at its end."""

    def __init__(self, reopen: list[tuple[str, str]]) -> None:
        self.lines: list[str] = []
        self.length = 0
        self.prefix = "".join(start for _, start in reopen)

    def cost(self, line: str) -> int:
        return visible(line) + (1 if self.lines else 0)

    def add(self, line: str) -> None:
        self.length += self.cost(line)
        self.lines.append(line)

    def close(self, stack: list[tuple[str, str]]) -> str:
        closing = "".join(f"</{name}>" for name, _ in reversed(stack))
        return self.prefix + "\n".join(self.lines) + closing


def _track(stack: list[tuple[str, str]], line: str) -> None:
    """Update the stack of open tags (name, start tag) with the tags of one line."""
    for token in _TOKEN_RE.findall(line):
        match = _TAG_NAME_RE.match(token) if token.startswith("<") else None
        if match is None:
            continue
        name = match.group(1).lower()
        if token.startswith("</"):
            if stack and stack[-1][0] == name:
                stack.pop()
        else:
            stack.append((name, token))


def split(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Cut a valid Telegram HTML text into pages of at most ``limit`` visible characters.

    Cuts fall between lines, reopening tags that span a cut; a text that fits is one page,
    unchanged. Pages without visible text (blank lines at a cut) are dropped.
    """
    if visible(text) <= limit:
        return [text]
    pages: list[str] = []
    stack: list[tuple[str, str]] = []
    page = _Page(stack)
    for line in _fit_lines(text.split("\n"), limit):
        if page.lines and page.length + page.cost(line) > limit:
            pages.append(page.close(stack))
            page = _Page(stack)
            if not line.strip():  # a blank line at the top of a page shows nothing
                continue
        page.add(line)
        _track(stack, line)
    pages.append(page.close(stack))
    return [p for p in pages if _has_text(p)]


def _has_text(page: str) -> bool:
    return any(
        not token.startswith("<") and (html.unescape(token) if token.startswith("&") else token).strip()
        for token in _TOKEN_RE.findall(page)
    )


def _fit_lines(lines: list[str], limit: int) -> list[str]:
    """The lines, with any line longer than ``limit`` cut into pieces that fit."""
    out: list[str] = []
    for line in lines:
        out += _cut_line(line, limit) if visible(line) > limit else [line]
    return out


def _cut_line(line: str, limit: int) -> list[str]:
    """A long line as several lines of at most ``limit`` visible characters, cut between tokens.

    Text runs are cut after a space when there is one in the second half, else anywhere; tags
    and entities are never cut. The pieces carry unbalanced tags: :func:`split` reopens them.
    """
    pieces: list[str] = []
    current, length = "", 0
    for token in _TOKEN_RE.findall(line):
        size = _token_length(token)
        while length + size > limit:
            if token.startswith("<") or token.startswith("&"):
                pieces.append(current)
                current, length = "", 0
                break
            room = limit - length
            cut = token.rfind(" ", room // 2, room) + 1 or room
            while utf16_len(token[:cut]) > room:  # astral characters count 2
                cut -= 1
            pieces.append(current + token[:cut])
            current, length = "", 0
            token = token[cut:]
            size = _token_length(token)
        current += token
        length += size
    pieces.append(current)
    return [p for p in pieces if p]


def paginate(
    items: Sequence[str], head: str = "", foot: str = "", limit: int = MAX_TEXT - NOTE_ROOM, sep: str = "\n"
) -> list[str]:
    """Pages of whole items (each valid HTML on its own), every page with ``head`` and ``foot``.

    Items go onto a page in order until the next one would pass ``limit``; an item too long for
    a page of its own is cut with :func:`split`. The default limit keeps room for :func:`page_note`.
    """
    frame = (visible(head) + 1 if head else 0) + (visible(foot) + 1 if foot else 0)
    room = max(limit - frame, limit // 2)  # a head or foot bigger than half a page would be a bug
    chunks: list[str] = []
    for item in items:
        chunks += split(item, room) if visible(item) > room else [item]
    bodies: list[list[str]] = [[]]
    length = 0
    for chunk in chunks:
        size = visible(chunk) + (visible(sep) if bodies[-1] else 0)
        if bodies[-1] and length + size > room:
            bodies.append([])
            size = visible(chunk)
            length = 0
        bodies[-1].append(chunk)
        length += size
    return ["\n".join(part for part in (head, sep.join(body), foot) if part) for body in bodies]


def with_note(pages: list[str], page: int, lang: str = "id") -> str:
    """Page ``page`` (0-based, clamped) of ``pages``, with the 'page 2 of 5' note when there are several."""
    page = min(max(page, 0), len(pages) - 1)
    if len(pages) == 1:
        return pages[0]
    return f"{pages[page]}\n\n{page_note(page + 1, len(pages), lang)}"
