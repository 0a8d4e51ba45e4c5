"""The problem lines of `check`: one cause instead of its follow-ons, and each line in Indonesian (pure).

The validator (bot/schedule/model.py) writes one line per problem, ``<entry>: field "<field>": <problem>``.
A stage that cannot be read, or a stage id typed differently in one place, makes every reminder,
date and text that refers to it fail too: `condensed` keeps the cause and folds the rest into a
count. `in_language` gives operators in Telegram the same line in their language: the common
problems word for word, any other as a short Indonesian line that points to `check` for the detail.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

__all__ = ["condensed", "did_you_mean", "in_language"]

# Problems that name a stage "X" (group 1) the file lacks or cannot date ...
_STAGE_REFS = (
    re.compile(r'refers to stage "([^"]+)", whose dates cannot be worked out$'),
    re.compile(r'unknown stage "([^"]+)"'),
)
# ... and those that follow from it once it is known to be a stage: a text naming its dates, and a
# time written relative to it (which reads as a bad date-time when the stage is not there at all).
_OWNER = re.compile(r'stage "([^"]+)": ')
_PLACEHOLDER = re.compile(r'unknown placeholder \{[^}]*\}: no stage or fact "([^"]+)"$')
_LINE = re.compile(r'^(?P<place>.+?)(?:: field "(?P<field>[^"]+)")?: (?P<problem>.*)$', re.S)


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """' (did you mean "x"?)' for the closest of `choices`, or ''."""
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


def condensed(problems: list[str], stage_ids: Iterable[str]) -> list[str]:
    """`problems` with the follow-ons of each broken or missing stage folded into one line.

    A stage of the file with a problem of its own keeps that line, which gains a count of the
    fields not checked because of it, those of stages dated from it included; a stage the file does
    not define (a typo, a renamed id) becomes one line naming the first reference and the closest
    stage id. Stages that can only be dated from each other (a circle) keep their lines.
    """
    stage_ids = list(stage_ids)
    owner = [m[1] if (m := _OWNER.match(line)) else None for line in problems]
    refers = [next((m[1] for p in _STAGE_REFS if (m := p.search(line))), None) for line in problems]
    # A stage whose only problem is that it is dated from a broken stage is broken by that one.
    pairs = {o: r for o, r in zip(owner, refers, strict=True) if o is not None and r is not None}
    derived = {stage: to for stage, to in pairs.items() if _root(stage, pairs) is not None}
    groups: dict[str, list[int]] = {}
    for i, stage in enumerate(refers):
        if stage is not None and (owner[i] is None or owner[i] in derived):
            root = _root(stage, derived)
            if root is not None:
                groups.setdefault(root, []).append(i)
    for i, line in enumerate(problems):
        m = _PLACEHOLDER.search(line)
        root = _root(m[1], derived) if m is not None else None
        if root is not None and root in groups:
            groups[root].append(i)
        for stage in groups:
            if stage not in stage_ids and (f'got "{stage} ' in line or f'got "{stage}:' in line):
                groups[stage].append(i)
    result: list[str | None] = list(problems)
    for stage, found in groups.items():
        lines = sorted(set(found))
        own = [i for i, line in enumerate(problems) if owner[i] == stage and i not in lines]
        if own and stage in stage_ids:
            for i in lines:
                result[i] = None
            result[own[0]] = f"{problems[own[0]]} ({_count(len(lines))} that depend on it not checked)"
        elif stage not in stage_ids and len(lines) > 1:
            first = _LINE.match(problems[lines[0]])
            where = f'{first["place"]}, field "{first["field"]}"' if first and first["field"] else problems[lines[0]]
            for i in lines:
                result[i] = None
            result[lines[0]] = (
                f'stage "{stage}": no such stage, but {_count(len(lines))} refer to it (the first: {where})'
                + did_you_mean(stage, stage_ids)
            )
    return [line for line in result if line is not None]


def _root(stage: str, derived: dict[str, str]) -> str | None:
    """The stage whose own problem breaks `stage`; None in a circle of stages dated from each other."""
    seen = set()
    while stage in derived:
        if stage in seen:
            return None
        seen.add(stage)
        stage = derived[stage]
    return stage


def _count(n: int) -> str:
    return f"{n} field{'' if n == 1 else 's'}"


# --------------------------------------------------------------------------- Indonesian

_PLACES = {
    "reminder": "pengingat",
    "stage": "tahapan",
    "faq": "FAQ",
    "area": "wilayah",
    "facts": "fakta",
    "pages": "halaman",
    "election": "pemilihan",
}
_PROBLEMS = (
    (r'unknown role "([^"]*)".*', 'peran "{0}" tidak dikenal'),
    (r'unknown area "([^"]*)".*', 'wilayah "{0}" tidak dikenal'),
    (r'unknown desa "([^"]*)" in area "([^"]*)"', 'desa "{0}" tidak ada di wilayah "{1}"'),
    (r'unknown stage "([^"]*)"', 'tahapan "{0}" tidak dikenal'),
    (r"expected a date like 2024-11-27, got (.*)", "harus tanggal seperti 2024-11-27, tertulis {0}"),
    (r"expected a date-time like (\S+), got (.*)", "harus tanggal dan jam seperti {0}, tertulis {1}"),
    (r'expected a time like "07:00", got (.*)', 'harus jam seperti "07:00", tertulis {0}'),
    (r"expected true or false, got (.*)", "harus true atau false, tertulis {0}"),
    (r"missing", "wajib diisi"),
    (r"missing section \[(\w+)\]", "bagian [{0}] tidak ada"),
    (r"empty", "kosong"),
    (r"unknown field \(allowed: (.*)\)", "kolom tidak dikenal (yang boleh: {0})"),
    (
        r'unknown placeholder (\{[^}]*\}): no stage or fact "([^"]*)"',
        'isian {0} tidak dikenal: tidak ada tahapan atau fakta "{1}"',
    ),
    (
        r'refers to stage "([^"]*)", whose dates cannot be worked out',
        'merujuk tahapan "{0}", yang tanggalnya tidak dapat ditentukan',
    ),
    (r"duplicate id \(also (\w+) #(\d+)\)", "id ganda (juga dipakai {0} #{1})"),
    (
        r"no such stage, but (\d+) fields? refer to it \(the first: (.*)\)",
        "tahapan ini tidak ada, padahal {0} kolom merujuknya (yang pertama: {1})",
    ),
)
_SUGGESTION = re.compile(r' \(did you mean "([^"]+)"\?\)')
_NOT_CHECKED = re.compile(r" \((\d+) fields? that depend on it not checked\)$")
_SYNTAX = re.compile(r"^(?P<source>.*): TOML syntax error at line (?P<line>\d+)(?:, column \d+)?: (?P<what>.*)$")


def in_language(line: str, lang: str = "id") -> str:
    """One problem line of `check`, for an operator reading `lang` ('en': the line as it is)."""
    if lang == "en":
        return line
    if (m := _SYNTAX.match(line)) is not None:
        what = "tanda kutip tidak ditutup" if m["what"].startswith("unclosed quote") else "penulisan TOML salah"
        return f"{m['source']}: {what} di baris {m['line']}"
    m = _LINE.match(line)
    if m is None:
        return "masalah pada berkas jadwal; rinciannya: python bot.py check"
    words = m["place"].split(" ", 1)
    place = " ".join([_PLACES.get(words[0], words[0]), *words[1:]])
    where = f'{place}: kolom "{m["field"]}"' if m["field"] else place
    suggestion, skipped = _SUGGESTION.search(m["problem"]), _NOT_CHECKED.search(m["problem"])
    problem = _NOT_CHECKED.sub("", _SUGGESTION.sub("", m["problem"]))
    hint = f'; maksud Anda "{suggestion[1]}"?' if suggestion else ""
    hint += f" ({skipped[1]} kolom yang bergantung padanya tidak diperiksa)" if skipped else ""
    for pattern, wording in _PROBLEMS:
        if (found := re.fullmatch(pattern, problem, re.S)) is not None:
            values = [_in_indonesian_place(v or "") for v in found.groups()]
            return f"{where}: {wording.format(*values)}{hint}"
    return f"{where}: isinya tidak sah; rinciannya: python bot.py check"


def _in_indonesian_place(value: str) -> str:
    """'reminder "x", field "at"' inside a problem, as the Indonesian line names places."""
    for english, indonesian in (*_PLACES.items(), ("field", "kolom")):
        value = re.sub(rf'(^|, ){english} (?=["#])', rf"\g<1>{indonesian} ", value)
    return value
