"""One way to look up what the bot says: :func:`say`, over one catalogue per audience (pure).

The catalogues are data: bot/content/subscriber_strings.py (subscribers), tps_strings.py (their TPS),
operator_strings.py (the commission's operators) and channel_strings.py (the channel's copy). A key belongs to exactly
one of them. The one fallback rule: a language a catalogue lacks is read in Indonesian; an unknown
key is a bug (KeyError).
"""

from __future__ import annotations

from typing import Any

from bot.content import privacy
from bot.content.channel_strings import CHANNEL
from bot.content.operator_strings import OPERATOR
from bot.content.subscriber_strings import SUBSCRIBER
from bot.content.tps_strings import TPS

CATALOGUES: tuple[dict[str, dict[str, Any]], ...] = (SUBSCRIBER, TPS, OPERATOR, CHANNEL)

# Texts that say what the bot keeps take it from bot/content/privacy.py, so it is said the same way everywhere.
_PRIVACY_VALUES = {
    "welcome": {
        "stored": privacy.STORED,
        "not_stored": privacy.NOT_STORED,
        "unanswered": privacy.UNANSWERED_KEPT,
        "deleting": privacy.DELETING,
    },
    "privacy": {
        "stored": privacy.STORED,
        "not_stored": privacy.NOT_STORED,
        "unanswered": privacy.UNANSWERED_KEPT,
        "deleting": privacy.DELETING,
    },
    "deleted": {"forgotten": privacy.FORGOTTEN},
    "delete_confirm": {"forgotten": privacy.FORGOTTEN},
}


def entry(lang: str, key: str) -> Any:
    """The catalogue's entry for `key` in `lang`, as written: a string, or a table of words."""
    for catalogue in CATALOGUES:
        if key in catalogue["id"]:
            return catalogue.get(lang, catalogue["id"])[key]
    raise KeyError(key)


def say(lang: str, key: str, **values: Any) -> str:
    """The text of `key` in `lang`, its {placeholders} filled from `values`."""
    text: str = entry(lang, key)
    shared = _PRIVACY_VALUES.get(key)
    if shared:
        language = lang if lang in shared[next(iter(shared))] else "id"
        values = {name: texts[language] for name, texts in shared.items()} | values
    return text.format(**values) if values else text
