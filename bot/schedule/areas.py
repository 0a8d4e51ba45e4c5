"""Areas: the kecamatan (and optionally desa) a subscriber may give, and how reminders target them (pure).

A schedule file lists its kecamatan as ``[[area]]`` entries. A *reference* names either a whole
kecamatan ("kedungwaru") or one desa in it ("kedungwaru/bangoan", the desa's name as a slug). A
subscriber stores at most one kecamatan and one desa; a broadcast stores the references it targets
(none: everybody, including people who gave no area).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.schedule.problems import did_you_mean

ID_RE = re.compile(r"[a-z0-9-]+")
# Ids travel in buttons (64 bytes: "area:w:q:<id>:<page>", "area:w:d:<id>/<desa>") and in /start links
# (64: "pemilih-<id>-<desa>"); bot/content/button_data.py packs them, a test checks these bounds against it.
MAX_AREA_ID = 50
MAX_AREA_DESA_ID = 54  # kecamatan id and desa id together
AREA_KEYS = ("id", "name", "voters", "desa")


@dataclass(frozen=True)
class Desa:
    id: str  # slug of the name: "Bangoan" -> "bangoan"
    name: str


@dataclass(frozen=True)
class Area:
    """One kecamatan: its id, name, DPT (None when unknown) and desa (possibly none listed)."""

    id: str
    name: str
    voters: int | None = None
    desa: tuple[Desa, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def find_desa(self, desa_id: str) -> Desa | None:
        return next((d for d in self.desa if d.id == desa_id), None)


def slug(name: str) -> str:
    """'Kauman Timur' -> 'kauman-timur', 'Sobontoro (Boyolangu)' -> 'sobontoro-boyolangu'."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def split_ref(ref: str) -> tuple[str, str | None]:
    """'kedungwaru/bangoan' -> ('kedungwaru', 'bangoan'); 'kedungwaru' -> ('kedungwaru', None)."""
    area, sep, desa = ref.partition("/")
    return area, (desa if sep else None)


def join_ref(area: str | None, desa: str | None = None) -> str | None:
    """The reference a subscriber's (kecamatan, desa) make, or None without a kecamatan."""
    if not area:
        return None
    return f"{area}/{desa}" if desa else area


def find(areas: Iterable[Area], area_id: str | None) -> Area | None:
    return next((a for a in areas if a.id == area_id), None) if area_id else None


def ref_problem(areas: Iterable[Area], ref: Any) -> str | None:
    """Why ``ref`` names no kecamatan or desa of ``areas`` (None if it does)."""
    areas = list(areas)
    if not isinstance(ref, str) or not ref:
        return f'expected an area id like "kedungwaru" or "kedungwaru/bangoan", got {ref!r}'
    area_id, desa_id = split_ref(ref)
    area = find(areas, area_id)
    if area is None:
        if not areas:
            return f'unknown area "{area_id}" (the file defines no [[area]])'
        suggestion = did_you_mean(area_id, [a.id for a in areas])
        known = ", ".join(a.id for a in areas[:6]) + (", ..." if len(areas) > 6 else "")
        return f'unknown area "{area_id}"' + (suggestion or f" (known: {known})")
    if desa_id is not None and area.find_desa(desa_id) is None:
        if not area.desa:
            return f'unknown desa "{desa_id}": area "{area.id}" lists no desa'
        return f'unknown desa "{desa_id}" in area "{area.id}"' + did_you_mean(desa_id, [d.id for d in area.desa])
    return None


def ref_name(areas: Iterable[Area], ref: str) -> str:
    """'Kedungwaru' or 'Bangoan, Kedungwaru' for people; the reference itself if unknown."""
    area_id, desa_id = split_ref(ref)
    area = find(areas, area_id)
    if area is None:
        return ref
    if desa_id is None:
        return area.name
    desa = area.find_desa(desa_id)
    return f"{desa.name if desa else desa_id}, {area.name}"


def matches(refs: Iterable[str], area: str | None, desa: str | None) -> bool:
    """Whether a subscriber in (area, desa) is reached by a broadcast targeting ``refs``.

    No refs reach everybody; otherwise only people whose kecamatan, or kecamatan and desa, is named.
    The store's SQL (``audience_sql``) says the same; this is its reference for tests and plans.
    """
    refs = list(refs)
    if not refs:
        return True
    if not area:
        return False
    return area in refs or (desa is not None and f"{area}/{desa}" in refs)


def audience_sql(roles: Iterable[str], refs: Iterable[str], status: str) -> tuple[str, list]:
    """A WHERE clause (without "WHERE") and its parameters for the active audience of roles × areas."""
    roles = list(roles)
    clause = f"status = ? AND role IN ({','.join('?' * len(roles))})"
    params: list = [status, *roles]
    refs = list(refs)
    if refs:
        whole = [r for r in refs if "/" not in r]
        parts = [split_ref(r) for r in refs if "/" in r]
        kecamatan = sorted({*whole, *(a for a, _ in parts)})
        # The first test lets the area index narrow the rows; the second picks desa within them.
        clause += f" AND area IN ({','.join('?' * len(kecamatan))})"
        params += kecamatan
        tests = []
        if whole:
            tests.append(f"area IN ({','.join('?' * len(whole))})")
            params += whole
        for area, desa in parts:
            tests.append("(area = ? AND desa = ?)")
            params += [area, desa]
        clause += f" AND ({' OR '.join(tests)})"
    return clause, params


def parse_areas(entries: list[tuple[int, dict]], add: Callable[[str, str | None, str], None]) -> list[Area]:
    """Validate the ``[[area]]`` tables (already known to be tables, numbered from 1).

    ``add(place, key, message)`` records a problem; entries with problems are left out.
    """
    areas: list[Area] = []
    seen: dict[str, int] = {}
    for n, table in entries:
        place = f'area "{table["id"]}"' if isinstance(table.get("id"), str) and table["id"].strip() else f"area #{n}"
        ok = True
        area_id, name = table.get("id"), table.get("name")
        if not isinstance(area_id, str) or not ID_RE.fullmatch(area_id):
            add(place, "id", "missing" if area_id is None else f"invalid id {area_id!r} (use only a-z, 0-9 and -)")
            ok = False
        elif len(area_id) > MAX_AREA_ID:
            add(place, "id", f"{len(area_id)} characters; at most {MAX_AREA_ID} fit in Telegram's buttons and links")
            ok = False
        elif area_id in seen:
            add(place, "id", f"duplicate id (also area #{seen[area_id]})")
            ok = False
        else:
            seen[area_id] = n
        if not isinstance(name, str) or not name.strip():
            add(place, "name", "missing" if name is None else f"expected a non-empty string, got {name!r}")
            ok = False
        voters = table.get("voters")
        if voters is not None and (isinstance(voters, bool) or not isinstance(voters, int) or voters < 0):
            add(place, "voters", f"expected a whole number >= 0 (omit it when unknown), got {voters!r}")
            ok = False
        desa = _desa(table.get("desa", []), place, add, str(area_id) if ok else "")
        ok &= desa is not None
        if ok and desa is not None:
            extra = {k: v for k, v in table.items() if k not in AREA_KEYS}
            areas.append(Area(str(area_id), str(name).strip(), voters or None, desa, extra))
    return areas


def _desa(value: Any, place: str, add: Callable[[str, str | None, str], None], area_id: str) -> tuple[Desa, ...] | None:
    if not isinstance(value, list) or not all(isinstance(d, str) and d.strip() for d in value):
        add(place, "desa", f'expected a list of names like ["Bangoan", "Ketanon"], got {value!r}')
        return None
    found: dict[str, str] = {}
    for name in value:
        key = slug(name)
        if not key:
            add(place, "desa", f"{name!r} has no letters or digits to make an id from")
            return None
        if key in found:
            add(place, "desa", f'"{name}" and "{found[key]}" give the same id "{key}"')
            return None
        if len(area_id) + len(key) > MAX_AREA_DESA_ID:
            add(
                place,
                "desa",
                f'"{name}" (id "{key}") with the kecamatan id is {len(area_id) + len(key)} characters; '
                f"at most {MAX_AREA_DESA_ID} fit in Telegram's buttons and links: shorten the kecamatan id",
            )
            return None
        found[key] = name.strip()
    return tuple(Desa(key, name) for key, name in found.items())
