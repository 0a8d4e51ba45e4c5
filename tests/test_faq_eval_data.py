"""The FAQ evaluation data (bench/faq_heldout.toml, bench/faq_dev.toml): well formed, labelled with real
ids, big enough for the top-1 target, and the two sets kept apart."""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path

import pytest

from bot.schedule import loading

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = ROOT / "bench" / "faq_heldout.toml"
DEV = ROOT / "bench" / "faq_dev.toml"

# The default FAQ's ids, in order: the contract shared by the FAQ, the matcher and these data sets.
FAQ_IDS = (
    "kapan-pemungutan",
    "jam-tps",
    "setelah-jam-tutup",
    "bawa-apa",
    "hp-bilik-suara",
    "tanpa-ktp",
    "tanpa-undangan",
    "undangan",
    "cek-dpt",
    "dpk",
    "pindah-memilih",
    "pindah-memilih-khusus",
    "pindah-luar-daerah",
    "dua-surat-suara",
    "paslon",
    "hari-libur",
    "kampanye",
    "masa-tenang",
    "penghitungan",
    "hasil-resmi",
    "asn-larangan",
    "asn-medsos",
    "asn-sanksi",
    "asn-setelah-pemilihan",
    "pppk",
    "kades-larangan",
    "perangkat-desa",
    "kades-sanksi",
    "lapor-pelanggaran",
    "batas-lapor",
    "politik-uang",
    "terima-uang",
    "jumlah-pemilih",
    "tentang-bot",
    "data-pribadi",
    "berhenti",
)


def _load(path: Path) -> list[dict]:
    with path.open("rb") as f:
        data = tomllib.load(f)
    assert set(data) == {"q"}, f"{path.name}: only [[q]] tables expected"
    return data["q"]


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


@pytest.fixture(scope="module")
def heldout() -> list[dict]:
    return _load(HELDOUT)


@pytest.fixture(scope="module")
def dev() -> list[dict]:
    return _load(DEV)


def test_id_list_is_the_contract():
    assert len(FAQ_IDS) == 36
    assert len(set(FAQ_IDS)) == 36


@pytest.mark.parametrize("path", [HELDOUT, DEV], ids=lambda p: p.name)
def test_entries_well_formed(path: Path):
    entries = _load(path)
    for n, q in enumerate(entries, 1):
        where = f"{path.name} [[q]] #{n}"
        assert set(q) == {"text", "expect", "lang"}, where
        assert isinstance(q["text"], str), where
        assert q["text"].strip(), where
        assert q["expect"] == "" or q["expect"] in FAQ_IDS, f"{where}: unknown id {q['expect']!r}"
        assert q["lang"] in ("id", "en"), where
    dupes = [t for t, c in Counter(_norm(q["text"]) for q in entries).items() if c > 1]
    assert not dupes, f"{path.name}: repeated texts {dupes}"


def test_heldout_size_and_coverage(heldout):
    labelled = [q for q in heldout if q["expect"]]
    assert len(labelled) >= 90
    assert sum(q["lang"] == "en" for q in labelled) >= 25
    assert sum(not q["expect"] for q in heldout) >= 25
    per_id = Counter(q["expect"] for q in labelled)
    assert {i: per_id[i] for i in FAQ_IDS if per_id[i] < 2} == {}


def test_dev_size(dev):
    labelled = [q for q in dev if q["expect"]]
    assert len(labelled) >= 35
    assert sum(not q["expect"] for q in dev) >= 10


def test_no_text_in_both_sets(heldout, dev):
    shared = {_norm(q["text"]) for q in heldout} & {_norm(q["text"]) for q in dev}
    assert shared == set()


def test_default_faq_has_these_ids():
    """Once the shipped schedule carries its FAQ, its ids are exactly the contract's, in order."""
    faq = loading.load(ROOT / "config" / "pilkada2024.toml").faq
    if not faq:
        pytest.skip("the default schedule has no [[faq]] entries yet")
    assert tuple(entry.id for entry in faq) == FAQ_IDS
