"""[facts], dates relative to a stage, and every text template rendered as each reader will see it.

A template that cannot be rendered, or renders to something Telegram would refuse, becomes one line that
names the entry and the field."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from typing import Any, TypeGuard

from bot.content import formats, privacy, render, telegram_html
from bot.schedule.faq import FAQ_KEYS, MAX_FAQ_ID, FaqEntry
from bot.schedule.fields import (
    INVALID,
    Date,
    FieldReaders,
    Fields,
    Id,
    Phrases,
    Text,
    html_message,
    place_of,
    show_value,
)
from bot.schedule.model import Election, Stage, voting_day_of
from bot.schedule.tps import MY_TPS, MY_TPS_ROOM

FACT_NAME_RE = re.compile(r"[a-z][a-z0-9_]*")


FACT_TABLE_KEYS = ("text", "text_en", "from", "until", "date")
FACT_TABLE_FIELDS: Fields = {
    "text": Text(),
    "text_en": Text(required=False),
    "from": Date(required=False),
    "until": Date(required=False),
    "date": Date(required=False),
}
QUESTIONS = 'example questions like ["kapan nyoblos?"]'
FAQ_FIELDS: Fields = {
    "id": Id(),
    "questions": Phrases(example=QUESTIONS),
    "questions_en": Phrases(required=False, example=QUESTIONS),
    "answer": Text(),
    "answer_en": Text(required=False),
}


BUILTIN_FACTS = ("election", "region", "zone", "tps_open", "tps_close", *privacy.FACTS)


RELATIVE_RE = re.compile(r"([a-z0-9-]+)(?=[:\s]|$)")


DATE_HELP = 'a date like 2024-11-27 or a date relative to a stage like "pemungutan-suara:H-3"'


MOMENT_HELP = 'a date-time like 2024-11-27T06:00:00 or a time relative to a stage like "pemungutan-suara:H-1 18:00"'


class TextChecks(FieldReaders):
    """[facts], dates relative to a stage, and text templates; mixed into ``ScheduleChecker``."""

    def add_once(self, place: str, key: str | None, message: str) -> None:
        """Report a problem once, however many occurrences of a repeating reminder share it."""
        line = f'{place}: field "{key}": {message}' if key else f"{place}: {message}"
        if line not in self.problems:
            self.problems.append(line)

    # -- dates relative to a stage

    def anchored(self, doc: dict) -> dict:
        """``doc`` with every date written relative to a stage replaced by the date it names.

        Stage dates may build on one another (masa-tenang starts at "pemungutan-suara:H-3"). A value
        that cannot be worked out is reported here and then skipped by the other checks.
        """
        doc = dict(doc)
        tables = {}
        for kind in ("stage", "reminder"):
            if isinstance(doc.get(kind), list):
                doc[kind] = [dict(t) if isinstance(t, dict) else t for t in doc[kind]]
                tables[kind] = [(n, t) for n, t in enumerate(doc[kind], 1) if isinstance(t, dict)]
        stage_ids = {t["id"] for _, t in tables.get("stage", []) if isinstance(t.get("id"), str)}
        known: dict[tuple[str, str], dt.date] = {}
        pending = []
        for n, table in tables.get("stage", []):
            sid, place = table.get("id"), place_of("stage", n, table)
            for key in ("start", "end"):
                value = table.get(key)
                if self._relative(value, stage_ids):
                    anchor = self._anchor(table, key, place, value, render.parse_anchor, DATE_HELP)
                    if anchor is not None:
                        pending.append((place, table, sid, key, anchor))
                elif isinstance(value, dt.date) and not isinstance(value, dt.datetime) and isinstance(sid, str):
                    known[(sid, key)] = value
            if isinstance(sid, str) and "end" not in table and (sid, "start") in known:
                known[(sid, "end")] = known[(sid, "start")]
        for place, table, _, key, anchor in resolve_stage_anchors(pending, known):
            self.add(place, key, f'refers to stage "{anchor.stage}", whose dates cannot be worked out')
            table[key] = INVALID
        stage_dates = {  # a stage whose end cannot be worked out has no dates to build on
            sid: (known[(sid, "start")], known[(sid, "end")])
            for sid, k in known
            if k == "start" and (sid, "end") in known
        }
        moments = ("at", "expires", "deliver_by")
        for n, table in tables.get("reminder", []):
            keys = (*moments, "repeat_until")
            self._anchored_dates(table, place_of("reminder", n, table), keys, moments, stage_ids, stage_dates)
        if isinstance(doc.get("facts"), dict):  # a dated fact's from/until ("penetapan-dpt:H+1")
            doc["facts"] = {k: dict(v) if isinstance(v, dict) else v for k, v in doc["facts"].items()}
            for name, table in doc["facts"].items():
                if isinstance(table, dict):
                    place = f'facts: field "{name}"'
                    self._anchored_dates(table, place, ("from", "until"), (), stage_ids, stage_dates)
        return doc

    def _anchored_dates(
        self,
        table: dict,
        place: str,
        keys: tuple[str, ...],
        moments: tuple[str, ...],
        stage_ids: set[str],
        stage_dates: dict,
    ) -> None:
        """Replace each of ``keys`` written relative to a stage by its date (a date-time for ``moments``)."""
        for key in keys:
            value = table.get(key)
            if not self._relative(value, stage_ids):
                continue
            if key not in moments:
                anchor, moment = self._anchor(table, key, place, value, render.parse_anchor, DATE_HELP), None
            else:
                parsed = self._anchor(table, key, place, value, render.parse_moment, MOMENT_HELP)
                anchor, moment = parsed if parsed is not None else (None, None)
            if anchor is None:
                continue
            if anchor.stage not in stage_dates:
                self.add(place, key, f'refers to stage "{anchor.stage}", whose dates cannot be worked out')
                table[key] = INVALID
                continue
            day = anchor.date(stage_dates)
            table[key] = day if moment is None else dt.datetime.combine(day, moment)

    @staticmethod
    def _relative(value: Any, stage_ids: set[str]) -> TypeGuard[str]:
        """A string meant as a stage-relative date: it starts with a stage id or uses "id:..."."""
        m = RELATIVE_RE.match(value) if isinstance(value, str) else None
        return m is not None and (m[1] in stage_ids or ":" in value.split()[0])

    def _anchor(
        self, table: dict, key: str, place: str, value: str, parse: Callable[[str], Any], help_text: str
    ) -> Any:
        try:
            result = parse(value)
        except ValueError:
            self.add(place, key, f"expected {help_text}, got {show_value(value)}")
            table[key] = INVALID
            return None
        return result

    # -- [facts]

    def facts(self, table: Any) -> dict[str, render.Fact]:
        """Named values texts refer to: text (a template), a number, a time, or {text, text_en, from, until, date}."""
        place = "facts"
        if not isinstance(table, dict):
            self.add(place, None, f"expected a [facts] table, got {show_value(table)}")
            return {}
        facts: dict[str, render.Fact] = {}
        english: dict[str, Any] = {}
        for key, value in table.items():
            if not FACT_NAME_RE.fullmatch(key):
                self.add(place, key, "invalid name (use a-z, 0-9 and _, starting with a letter)")
            elif key in BUILTIN_FACTS:
                self.add(place, key, f"reserved name: {{{key}}} comes from [election]")
            elif key.endswith("_en") and key[:-3] in table:
                if isinstance(value, dict) or isinstance(table[key[:-3]], dict):
                    self.add(place, key, f'write the English text as text_en inside the table "{key[:-3]}"')
                elif (fact := self.fact_value(value, key, place)) is not None:
                    english[key[:-3]] = fact.value
            elif (fact := self.fact_value(value, key, place)) is not None:
                facts[key] = fact
        for name, value in english.items():
            if name in facts:
                facts[name] = dataclasses.replace(facts[name], value_en=value)
        return facts

    def fact_value(self, value: Any, key: str, place: str) -> render.Fact | None:
        if isinstance(value, str) and value.strip():
            return render.Fact(value.strip())
        if isinstance(value, int | dt.time) and not isinstance(value, bool):
            return render.Fact(value)
        if isinstance(value, dict):
            for k in value:
                if k not in FACT_TABLE_KEYS:
                    self.add(place, key, f'unknown key "{k}" (allowed: {", ".join(FACT_TABLE_KEYS)})')
                    return None
            v = self.read(value, FACT_TABLE_FIELDS, f'{place}: field "{key}"')
            if not v.ok:
                return None
            since, until = v["from"], v["until"]
            if since is not None and until is not None and until <= since:
                self.add(place, key, f"until {until.isoformat()} is not after from {since.isoformat()}: never shown")
                return None
            return render.Fact(v["text"], v["text_en"], since, until=until, day=v["date"])
        shown = show_value(value)
        self.add(
            place, key, f"expected text, a number, a time like 12:00:00 or a table {{text, from, until}}, got {shown}"
        )
        return None

    # -- templates

    def render_texts(
        self, election: Election, stages: list[Stage], facts: dict, pages: dict, reminders: list
    ) -> tuple[Any, ...]:
        """Every text rendered: (reminders, pages, page versions, facts), problems reported by entry and field."""
        stage_dates = {s.id: (s.start, s.end) for s in stages}
        for name in facts:
            if name in stage_dates:
                self.add("facts", name, f"same name as a stage: {{{name}}} would be ambiguous")
        renderer = renderer_for(election, stages, facts)
        fact_texts = {}
        for name in facts:
            cycle = renderer.fact_cycle(name)
            if cycle:
                self.add("facts", name, "refers to itself: " + " → ".join(cycle))
                continue
            for lang in formats.LANGS:
                problems: list[str] = []
                shown_on = facts[name].since or (dt.date.min if facts[name].until else dt.date.max)
                renderer.fact_text(name, lang, shown_on, problems, always=True)
                for problem in dict.fromkeys(problems):
                    self.add_once("facts", name, problem)
                fact_texts[name if lang == "id" else f"{name}_en"] = renderer.fact_text(name, lang, dt.date.min)
        out_pages: dict[str, str] = {}
        versions: dict[str, list[tuple[dt.date, str]]] = {}
        for key, text in pages.items():
            lang = "en" if key.endswith("_en") else "id"
            out_pages[key] = previous = self.rendered(renderer, text, lang, dt.date.min, "pages", key)
            for since in sorted(renderer.since_dates(text)):
                version = self.rendered(renderer, text, lang, since, "pages", key)
                if version != previous:
                    versions.setdefault(key, []).append((since, version))
                    previous = version
        out = []
        for r in reminders:
            place, on = f'reminder "{r.series or r.id}"', r.at.date()
            text = self.rendered(renderer, r.text, "id", on, place, "text")
            text_en = self.rendered(renderer, r.text_en, "en", on, place, "text_en") if r.text_en else None
            out.append(dataclasses.replace(r, text=text, text_en=text_en))
        return out, out_pages, {k: tuple(v) for k, v in versions.items()}, fact_texts

    def faq_entries(self, value: Any, election: Election, stages: list[Stage], facts: dict) -> list[FaqEntry]:
        """Validate and render the [[faq]] entries (each answer in every dated version)."""
        renderer = renderer_for(election, stages, facts)
        entries: list[FaqEntry] = []
        seen: dict[str, int] = {}
        for n, table in self._array(value, "faq"):
            place = place_of("faq", n, table)
            for key in table:
                if key not in FAQ_KEYS:
                    self.add(place, key, f"unknown field (allowed: {', '.join(FAQ_KEYS)})")
            v = self.read(table, FAQ_FIELDS, place)
            fid, answer, answer_en = v["id"], v["answer"], v["answer_en"]
            if fid is not None and len(fid) > MAX_FAQ_ID:
                self.add(place, "id", f"{len(fid)} characters; at most {MAX_FAQ_ID} fit in a Telegram button")
                continue
            if fid is not None and fid in seen:
                self.add(place, "id", f"duplicate id (also faq #{seen[fid]})")
                continue
            if fid is not None:
                seen[fid] = n
            if not v.ok:
                continue
            versions = [self.answer_versions(renderer, answer, "id", place, "answer")]
            if answer_en is not None:
                versions.append(self.answer_versions(renderer, answer_en, "en", place, "answer_en"))
            if any(v is None for v in versions):
                continue
            answers, answers_en = versions[0] or (), (versions[1] or ()) if len(versions) > 1 else ()
            entries.append(FaqEntry(fid, v["questions"], v["questions_en"], tuple(answers), tuple(answers_en)))
        return entries

    def answer_versions(
        self, renderer: render.Renderer, text: str, lang: str, place: str, key: str
    ) -> list[tuple[dt.date, str]] | None:
        """[(from, rendered)] for an answer template, or None after recording a problem."""
        before = len(self.problems)
        text = self.html(text, key, place)
        if len(self.problems) > before:
            return None
        versions = [(dt.date.min, self.rendered(renderer, text, lang, dt.date.min, place, key))]
        for since in sorted(renderer.since_dates(text)):
            version = self.rendered(renderer, text, lang, since, place, key)
            if version != versions[-1][1]:
                versions.append((since, version))
        return None if len(self.problems) > before else versions

    def rendered(self, renderer: render.Renderer, text: str, lang: str, on: dt.date, place: str, key: str) -> str:
        problems: list[str] = []
        result = renderer.render(text, lang, on, problems)
        for problem in dict.fromkeys(problems):
            self.add_once(place, key, problem)
        if MY_TPS in result and not place.startswith("reminder"):
            self.add_once(place, key, f"{MY_TPS} names the reader's own TPS: only a [[reminder]]'s text can use it")
        # {my_tps} grows into a line about the reader's TPS: the text must fit with the longest one.
        checked = result.replace(MY_TPS, "x" * MY_TPS_ROOM)
        if not problems and checked != text and (refused := telegram_html.check(checked)):
            self.add_once(place, key, html_message(refused, " once rendered"))
        return result.strip()

    def date_warnings(self, stages: list[Stage], texts: list[tuple[str, str, str]]) -> None:
        """A warning for each text that writes out a stage's date instead of naming the stage."""
        dates: dict[dt.date, str] = {}
        for s in stages:
            dates.setdefault(s.start, f"{{{s.id}}}")
            dates.setdefault(s.end, f"{{{s.id}:end}}")
        for place, key, text in texts:
            for written, day, month, year in render.written_dates(text):
                for d, placeholder in dates.items():
                    if (d.day, d.month) == (day, month) and year in (None, d.year):
                        self.warnings.append(
                            f'{place}: field "{key}": writes out "{written}", a stage date; '
                            f"write {placeholder} so the text follows the schedule"
                        )
                        break


def templates_of(facts: dict, pages: dict, reminders: list, faq: Any) -> list[tuple[str, str, str]]:
    """(place, field, template) of every text a reader gets, as written in the file: pages, facts,
    each reminder once (not each occurrence) and the FAQ's answers."""
    texts = [("pages", key, text) for key, text in pages.items()]
    for name, fact in facts.items():
        texts += [("facts", name, v) for v in (fact.value, fact.value_en) if isinstance(v, str)]
    seen = set()
    for r in reminders:
        place = f'reminder "{r.series or r.id}"'
        if place not in seen:
            seen.add(place)
            texts += [(place, key, t) for key, t in (("text", r.text), ("text_en", r.text_en)) if t]
    for n, entry in enumerate(faq if isinstance(faq, list) else [], 1):
        if isinstance(entry, dict):
            place = place_of("faq", n, entry)
            texts += [(place, key, entry[key]) for key in ("answer", "answer_en") if isinstance(entry.get(key), str)]
    return texts


def builtin_facts(election: Election) -> dict[str, render.Fact]:
    """{election}, {region}, {zone}, {tps_open} and {tps_close}, from [election]; {stored} and the other
    privacy statements of bot/content/privacy.py, so that an FAQ answer says what /privasi says."""
    from html import escape

    facts = {
        "election": render.Fact(escape(election.name), literal=True),
        "region": render.Fact(escape(election.region), literal=True),
        "zone": render.Fact(escape(formats.zone_abbreviation(election.timezone)), literal=True),
    }
    for key in ("tps_open", "tps_close"):
        if getattr(election, key) is not None:
            facts[key] = render.Fact(getattr(election, key))
    facts["my_tps"] = render.Fact(MY_TPS, literal=True)  # filled in per recipient (bot/delivery/personal.py)
    for name, texts in privacy.FACTS.items():
        facts[name] = render.Fact(texts["id"], texts["en"], literal=True)
    return facts


def renderer_for(election: Election, stages: list[Stage], facts: dict[str, render.Fact]) -> render.Renderer:
    stage_dates = {s.id: (s.start, s.end) for s in stages}
    return render.Renderer(stage_dates, {**facts, **builtin_facts(election)}, voting_day_of(election, stages))


def resolve_stage_anchors(pending: list, known: dict[tuple[str, str], dt.date]) -> list:
    """Work out stage dates relative to other stages, in as many rounds as needed; what is left
    refers to a stage whose dates cannot be worked out."""
    while pending:
        resolved = []
        for item in pending:
            _, table, sid, key, anchor = item
            base = known.get((anchor.stage, "end" if anchor.end else "start"))
            if base is not None:
                table[key] = day = base + dt.timedelta(days=anchor.days)
                if isinstance(sid, str):  # a stage without an id is reported elsewhere
                    known[(sid, key)] = day
                    if key == "start" and "end" not in table:
                        known[(sid, "end")] = day
                resolved.append(item)
        if not resolved:
            break
        pending = [item for item in pending if item not in resolved]
    return pending
