"""The commission's FAQ: ``[[faq]]`` entries of the schedule file (pure data; matching lives elsewhere).

Each entry has an id, a few example phrasings per language and an answer per language. Answers are
templates like reminder texts ("{pemungutan-suara}", "{id_advice}"), rendered when the schedule is
loaded; an answer that uses a fact shown only from a date (``[facts.x] from = ...``) has one version
per such date, and :meth:`FaqEntry.answer` picks the one for the day asked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

FAQ_KEYS = ("id", "questions", "answer", "questions_en", "answer_en")
MAX_FAQ_ID = 60  # "faq:<id>" must fit a button's 64 bytes of callback data (bot/content/button_data.py)


@dataclass(frozen=True)
class FaqEntry:
    id: str
    questions: tuple[str, ...]
    questions_en: tuple[str, ...]
    # (from, rendered answer) in date order; the first version has from = date.min
    answers: tuple[tuple[dt.date, str], ...]
    answers_en: tuple[tuple[dt.date, str], ...]

    def answer(self, lang: str = "id", today: dt.date | None = None) -> str:
        """The answer in ``lang`` (Indonesian when the entry has no English) as shown on ``today``."""
        versions = self.answers_en if lang == "en" and self.answers_en else self.answers
        today = dt.date.max if today is None else today
        text = versions[0][1]
        for since, version in versions:
            if since <= today:
                text = version
        return text

    def phrasings(self, lang: str = "id") -> tuple[str, ...]:
        """Example questions in ``lang``, falling back to the other language's."""
        return (self.questions_en or self.questions) if lang == "en" else (self.questions or self.questions_en)
