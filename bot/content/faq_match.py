"""Matching a free-text question to the FAQ (pure: no Telegram, no database).

People type "kapan coblosan?", "dmn tps sy", "kades boleh kampanye gk" or "when is voting day",
with typos, regional words and no punctuation. A question and every example phrasing of every
entry (both languages) go through the same :func:`normalise`: lowercase, accents and emoji and
punctuation dropped, repeated letters squeezed ("haloooo"), then each word looked up in `WORDS`,
which folds abbreviations, informal, Javanese and English words onto one canonical word, so that
"nyoblos", "coblosan" and "pemungutan" all read "coblos" on both sides.

Scoring an entry combines three signals (weights below, tuned on bench/faq_dev.toml only):
- words shared with the closest phrasing, weighted by rarity across entries (idf), as an F-score
  that leans toward the question's words being covered;
- the share of the question's (weighted) words found anywhere in the entry's phrasings;
- rapidfuzz's token_sort_ratio against the closest phrasing (character-level, for what the word
  weights miss).
Words of the FAQ that share a stem once Indonesian affixes are off ("dilarang", "larangan") count as
one. A question word the FAQ does not know is taken as the FAQ word it inflects, else as the closest
FAQ word starting with the same letter (rapidfuzz ratio ≥ `TYPO_CUTOFF`, closer for short words);
one that stays unknown weighs as much as the rarest word, so off-topic messages ("jual pulsa murah")
score low. A match is confident when its score reaches `THRESHOLD`, raised by `UNKNOWN_PENALTY` times
the share of the question in unknown words, and beats the runner-up entry by `MARGIN`. Everything
that depends only on the FAQ is computed once, when the matcher is built (:func:`matcher_for` keeps
one per schedule's FAQ).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.schedule.faq import FaqEntry

# Word (after lowercasing) -> canonical word(s). Both questions and phrasings are folded, so a word
# only has to be listed once whichever side uses it. Keep it small and boring: one line per idea.
_GROUPS: dict[str, tuple[str, ...]] = {
    # voting / the ballot box
    "coblos": (
        "nyoblos",
        "nyoblosnya",
        "coblosan",
        "mencoblos",
        "pencoblosan",
        "dicoblos",
        "coblosnya",
        "pemungutan",
        "nyoblose",
        "vote",
        "voting",
        "votes",
        "voted",
        "coblos2an",
    ),
    "memilih": ("milih", "pilih", "dipilih", "memilihnya"),
    "tps": ("tempat", "polling", "station", "stations"),
    "bilik": ("booth", "booths", "biliknya", "bilike"),
    "suratsuara": ("ballot", "ballots"),
    "hp": (
        "hape",
        "handphone",
        "ponsel",
        "phone",
        "phones",
        "mobile",
        "smartphone",
        "gawai",
        "hpnya",
        "hpne",
        "hapene",
    ),
    "foto": (
        "photo",
        "photos",
        "photograph",
        "picture",
        "pictures",
        "selfie",
        "swafoto",
        "difoto",
        "memfoto",
        "moto",
        "motret",
        "memotret",
        "dipotret",
        "kamera",
        "camera",
        "cameras",
        "video",
        "merekam",
        "rekam",
        "record",
        "dokumentasi",
        "didokumentasikan",
    ),
    "titip": ("dititipkan", "titipkan", "nitip", "ditaruh", "taruh", "naruh", "leave"),
    "ktp": ("ktpel", "ektp", "e-ktp", "ktp-el"),
    "kades": ("kepdes", "lurah", "kepala", "kadesnya"),
    "perangkat": (
        "prades",
        "perades",
        "sekdes",
        "kasun",
        "kamituwo",
        "kamituwa",
        "carik",
        "modin",
        "kasi",
        "kaur",
        "kadus",
    ),
    "asn": ("pns", "civil", "servant", "servants"),
    "pppk": ("p3k",),
    "paslon": ("calon", "cabup", "cawabup", "cagub", "cawagub", "kandidat", "candidate", "candidates"),
    "pilkada": ("pemilu", "pemilihan", "pilbup", "pilgub", "election", "elections"),
    "undangan": ("c6", "invitation", "undanganya", "undangannya", "pemberitahuan"),
    "dpt": ("daftar",),
    "kampanye": ("campaign", "campaigning", "kampanyenya"),
    "uang": ("duit", "amplop", "money", "cash", "wuwur", "sangu"),
    "lapor": ("melapor", "laporan", "laporkan", "melaporkan", "ngelapor", "report", "reporting", "aduan", "ngadu"),
    "sanksi": (
        "hukuman",
        "dihukum",
        "hukumannya",
        "sanksinya",
        "penalty",
        "penalties",
        "punishment",
        "punished",
        "pidana",
        "sanction",
        "sanctions",
        "sanctioned",
    ),
    "pelanggaran": ("curang", "kecurangan", "melanggar", "pelanggar", "violation", "violations", "fraud", "cheating"),
    "masatenang": ("tenang", "silent", "quiet"),
    "menang": ("pemenang", "menangnya", "terpilih", "winner", "winners", "elected"),
    # question words
    "kapan": (
        "kpn",
        "kapn",
        "kpan",
        "when",
        "tanggal",
        "tgl",
        "date",
        "oktober",
        "november",
        "desember",
        "october",
        "december",
    ),
    "mana": ("dmn", "dimana", "endi", "ngendi", "pundi", "where"),
    "bagaimana": ("gmn", "gmna", "bgmn", "gimana", "piye", "pripun", "kepriye", "caranya", "how"),
    "berapa": ("brp", "brapa", "pinten", "piro", "many", "much"),
    "apa": ("ap", "opo", "nopo", "napa", "what"),
    "siapa": ("sapa", "sopo", "sinten", "who"),
    "kenapa": ("knp", "ngapa", "mengapa", "why"),
    # "boleh" (allowed) and "bisa" (can) are asked interchangeably
    "boleh": (
        "blh",
        "oleh",
        "angsal",
        "allowed",
        "may",
        "can",
        "could",
        "bisa",
        "bs",
        "isa",
        "iso",
        "saged",
        "dapat",
        "diperbolehkan",
        "dibolehkan",
    ),
    # everyday words
    "tidak": (
        "gk",
        "ga",
        "gak",
        "nggak",
        "ngga",
        "enggak",
        "engga",
        "tdk",
        "tak",
        "mboten",
        "ora",
        "ndak",
        "nda",
        "no",
        "not",
        "dont",
        "without",
        "tanpa",
        "belum",
        "blm",
        "durung",
        "dereng",
    ),
    "yang": ("yg",),
    "saya": ("sy", "aku", "aq", "gue", "gw", "kulo", "kula", "i", "me", "my"),
    "sudah": ("udh", "sdh", "udah", "wis", "sampun", "already"),
    "kalau": ("kalo", "klo", "kl", "nek", "menawi", "if"),
    "untuk": ("utk", "buat", "bwt", "for"),
    "dengan": ("dg", "dgn", "with"),
    "bawa": ("dibawa", "membawa", "nggawa", "gowo", "nggowo", "bring"),
    "hari": ("hr", "dino", "day"),
    "jam": ("jm", "pukul", "hours", "hour", "time", "open", "buka"),
    "pindah": ("move", "moving", "moved", "pindahan", "mutasi", "dptb", "relocate", "relocated"),
    "domisili": ("alamat", "address", "domicile", "manggon", "live", "living"),
    "telat": ("terlambat", "late", "kasep", "lewat"),
    "kerja": ("bekerja", "kerjo", "nyambut", "work", "working", "works", "job"),
    "kota": ("town", "city"),
    "lain": ("other", "another", "liyo", "liya", "elsewhere"),
    "hilang": ("ilang", "lost", "kelangan", "ical"),
    "siang": ("afternoon", "dhuhur", "duhur", "zuhur", "noon", "sore", "evening"),
    "luar": ("out", "outside", "away", "njaba", "njobo"),
    "masih": ("isih", "still", "tetap", "tetep"),
    "perlu": ("need", "needed", "require", "required", "butuh"),
    "surat": ("letter", "letters"),
    "terima": ("dapet", "received", "receive", "nerima", "menerima"),
    "di": ("nang", "neng"),
    "hasil": ("result", "results"),
    "datang": ("dtg", "teko", "tekan", "arrive", "arrived", "come", "came", "nyampe", "nyampai"),
    "pakai": ("pake", "nganggo", "use"),
    "hitung": ("penghitungan", "perhitungan", "dihitung", "counting", "count", "counted"),
    "libur": ("holiday", "liburan", "prei"),
}
WORDS: dict[str, str] = {word: canon for canon, words in _GROUPS.items() for word in words}
# Words that carry no question (greetings, forms of address, particles): dropped on both sides, so
# that "pak, mau tanya dong, kapan nyoblos ya?" reads like "kapan nyoblos".
FILLERS = frozenset(
    "pak bu bapak ibu mas mbak mbok dik kak min admin gan lur sam cak ning bos bro sis "
    "ya yah yaa dong donk sih nih deh kok lho loh toh kah lah pun tolong mohon minta info informasi "
    "tanya nanya bertanya mau ingin pengen pingin please pls plz hi hello hey dear thanks thank "
    "makasih trims tks nggih njih ndherek mawon aja saja juga terus trus lagi nih ini itu "
    "the a an of to in on at into is are am do does did be will would there here".split()
)
# Indonesian affixes tried on a word the FAQ does not know ("dilaporkan" -> "lapor", "pindahnya").
PREFIXES = ("meng", "meny", "mem", "men", "me", "di", "ber", "ter", "peng", "pem", "pen", "pe", "per", "ke", "se")
SUFFIXES = ("nya", "kan", "an", "i", "lah", "kah", "ku", "mu")
# Phrases folded before the words (several words meaning one thing).
PHRASES: tuple[tuple[str, str], ...] = (
    ("kepala desa", "kades"),
    ("tempat pemungutan suara", "tps"),
    ("kartu tanda penduduk", "ktp"),
    ("ktp el", "ktp"),
    ("ktp digital", "ikd"),
    ("digital id", "ikd"),
    ("id card", "ktp"),
    ("identity card", "ktp"),
    ("kertas suara", "suratsuara"),
    ("ballot paper", "suratsuara"),
    ("bilik suara", "bilik"),
    ("voting booth", "bilik"),
    ("polling booth", "bilik"),
    ("pindah rumah", "pindah domisili"),
    ("pindah omah", "pindah domisili"),
    ("moved house", "pindah domisili"),
    ("new address", "pindah domisili"),
    ("rumah sakit", "rumahsakit"),
    ("new city", "pindah kota"),
    ("new town", "pindah kota"),
    ("tempat kerja", "kerja"),
    ("luar negeri", "luarnegeri"),
    ("abroad", "luarnegeri"),
    ("overseas", "luarnegeri"),
    ("how late", "sampai jam berapa"),
    ("politik uang", "politikuang"),
    ("money politics", "politikuang"),
    ("money politic", "politikuang"),
    ("vote buying", "politikuang"),
    ("serangan fajar", "politikuang"),
    ("surat suara", "suratsuara"),
    ("masa tenang", "masatenang"),
    ("quiet period", "masatenang"),
    ("di mana", "mana"),
    ("village head", "kades"),
    ("village chief", "kades"),
    ("village officials", "perangkat"),
    ("village official", "perangkat"),
    ("village staff", "perangkat"),
    ("cekdptonline", "cek dpt online"),
    ("pegawai negeri", "asn"),
    ("media sosial", "medsos"),
    ("social media", "medsos"),
)

TYPO_CUTOFF = 80  # rapidfuzz ratio for "this unknown word (6+ letters) is a typo of that known one"
SHORT_TYPO_CUTOFF = 85  # words of 3-5 letters need a closer match ("wen" -> "when"); shorter ones are left alone
THRESHOLD = 0.55
MARGIN = 0.06
UNKNOWN_PENALTY = 0.2  # added to THRESHOLD per share of the question in words the FAQ does not know
RELATED_MIN = 0.25  # a related entry must score at least this
MAX_RELATED = 3
W_PHRASE, W_ENTRY, W_CHARS = 0.45, 0.30, 0.25

_STRIP = re.compile(r"[^a-z0-9]+")
_REPEATS = re.compile(r"([a-z])\1{2,}")


def normalise(text: str) -> list[str]:
    """The canonical words of ``text`` (see the module docstring)."""
    folded = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    folded = folded.replace("-", "")  # ktp-el, e-ktp, dpt-b: one word
    plain = _REPEATS.sub(r"\1", _STRIP.sub(" ", folded)).strip()
    plain = f" {plain} "
    for phrase, canon in PHRASES:
        plain = plain.replace(f" {phrase} ", f" {canon} ")
    words = [WORDS.get(word, word) for word in plain.split()]
    return [w for w in words if w not in FILLERS]


def _cores(word: str) -> list[str]:
    """``word``, then what is left of it without Indonesian affixes, longest first (at least 4 letters)."""
    cores = {word}
    for prefix in ("", *PREFIXES):
        if not word.startswith(prefix):
            continue
        rest = word[len(prefix) :]
        for suffix in ("", *SUFFIXES):
            core = rest[: len(rest) - len(suffix)] if suffix else rest
            if rest.endswith(suffix) and len(core) >= 4:
                cores.add(core)
    return [word, *sorted(cores - {word}, key=lambda c: (-len(c), c))]


MIN_CORE = 5  # shorter stems join no families ("nang" is not "menang")


def _families(words: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Words that share a stem of MIN_CORE+ letters, as one family named by its shortest word.

    Returns (word -> family, stem -> family). "dilarang" and "larangan" (stem "larang") are one word
    for matching, whichever of the two an example question or a question uses.
    """
    parent = {w: w for w in words}

    def root(w: str) -> str:
        while parent[w] != w:
            w = parent[w]
        return w

    owner: dict[str, str] = {}
    for word in sorted(words, key=lambda w: (len(w), w)):
        for core in _cores(word):
            if len(core) < MIN_CORE and core != word:
                continue
            if core in owner:
                a, b = root(owner[core]), root(word)
                if a != b:
                    parent[max(a, b, key=lambda w: (len(w), w))] = min(a, b, key=lambda w: (len(w), w))
            else:
                owner[core] = word
    family = {w: root(w) for w in words}
    return family, {core: family[w] for core, w in owner.items() if len(core) >= MIN_CORE}


@dataclass(frozen=True)
class Match:
    entry: FaqEntry | None  # the best entry (None when the FAQ is empty or nothing matched at all)
    score: float  # 0..1
    confident: bool  # answer with it; otherwise say "not found"
    related: tuple[FaqEntry, ...]  # up to 3 next best entries, best first
    runner_up: float = 0.0


class Matcher:
    """The FAQ, precomputed for matching; :meth:`match` answers one question."""

    def __init__(self, faq: Sequence[FaqEntry], threshold: float = THRESHOLD, margin: float = MARGIN) -> None:
        self.faq = tuple(faq)
        self.threshold, self.margin = threshold, margin
        self.owner: list[int] = []  # phrasing index -> entry index
        raw: list[list[str]] = []
        for i, entry in enumerate(self.faq):
            for question in (*entry.questions, *entry.questions_en):
                words = normalise(question)
                if words:
                    self.owner.append(i)
                    raw.append(words)
        self.family, self.cores = _families({w for words in raw for w in words})
        phrase_lists = [[self.family[w] for w in words] for words in raw]
        self.phrasings = [" ".join(words) for words in phrase_lists]
        self.phrase_words = [frozenset(words) for words in phrase_lists]
        bags: list[set[str]] = [set() for _ in self.faq]
        for index, phrase in enumerate(self.phrase_words):
            bags[self.owner[index]].update(phrase)
        self.bags = [frozenset(b) for b in bags]
        n = max(len(self.faq), 1)
        df: dict[str, int] = {}
        for bag in self.bags:
            for word in bag:
                df[word] = df.get(word, 0) + 1
        self.idf = {word: math.log(1 + n / count) for word, count in df.items()}
        self.unknown_weight = math.log(1 + n)  # as rare as a word of one entry
        # What typos are corrected against: the FAQ's words and every table word that folds onto one.
        self.surface = dict(self.family)
        self.surface.update({w: self.family[c] for w, c in WORDS.items() if c in self.family and w not in FILLERS})
        self.by_letter: dict[str, list[str]] = {}
        for word in sorted(self.surface):
            self.by_letter.setdefault(word[0], []).append(word)
        self.phrase_weight = [sum(self.idf[w] for w in words) for words in self.phrase_words]
        self._typos: dict[str, str | None] = {}

    def correct(self, word: str) -> str:
        """A word of the FAQ as its family; an unknown one as the FAQ word it inflects or misspells, if any."""
        if word in self.family:
            return self.family[word]
        if len(word) < 3 or word.isdigit():
            return word
        if word not in self._typos:
            if len(self._typos) > 10_000:  # bounded: anyone can send any word
                self._typos.clear()
            self._typos[word] = self._stem(word) or self._typo(word)
        return self._typos[word] or word

    def _typo(self, word: str) -> str | None:
        """The known word closest to ``word``, starting with the same letter (typos rarely hit the first)."""
        cutoff = TYPO_CUTOFF if len(word) >= 6 else SHORT_TYPO_CUTOFF
        candidates = self.by_letter.get(word[0], [])
        found = process.extractOne(word, candidates, scorer=fuzz.ratio, score_cutoff=cutoff)
        return self.surface[found[0]] if found else None

    def _stem(self, word: str) -> str | None:
        """The FAQ word sharing a stem with ``word`` once Indonesian affixes are off ("dilarang", "larangan")."""
        for core in _cores(word):
            canon = WORDS.get(core, core)
            if canon in self.family:
                return self.family[canon]
            if core in self.cores:
                return self.cores[core]
        return None

    def weight(self, word: str) -> float:
        return self.idf.get(word, self.unknown_weight)

    def scores(self, text: str) -> list[float]:
        """Each entry's score for ``text`` (0..1), in FAQ order."""
        return self._scores(text)[0]

    def _scores(self, text: str) -> tuple[list[float], float]:
        """Each entry's score, and the share of the question's weight in words the FAQ does not know."""
        words = [self.correct(w) for w in normalise(text)]
        result = [0.0] * len(self.faq)
        if not words or not self.phrasings:
            return result, 1.0
        query = set(words)
        q_weight = sum(self.weight(w) for w in query)
        unknown = sum(self.unknown_weight for w in query if w not in self.idf and not w.isdigit()) / q_weight
        chars = process.extract(
            " ".join(sorted(query)), self.phrasings, scorer=fuzz.token_sort_ratio, limit=None
        )  # (phrasing, score, index)
        best_chars = [0.0] * len(self.faq)
        for _, score, index in chars:
            i = self.owner[index]
            best_chars[i] = max(best_chars[i], score / 100)
        best_phrase = [0.0] * len(self.faq)
        for index, phrase in enumerate(self.phrase_words):
            shared = sum(self.idf[w] for w in query & phrase)
            if not shared:
                continue
            recall, precision = shared / q_weight, shared / self.phrase_weight[index]
            f = 2.5 * recall * precision / (1.5 * precision + recall)  # F(beta^2 = 1.5): coverage of the question first
            i = self.owner[index]
            best_phrase[i] = max(best_phrase[i], f)
        for i, bag in enumerate(self.bags):
            covered = sum(self.idf[w] for w in query & bag) / q_weight
            result[i] = W_PHRASE * best_phrase[i] + W_ENTRY * covered + W_CHARS * best_chars[i]
        return result, unknown

    def match(self, text: str) -> Match:
        scores, unknown = self._scores(text)
        ranked = sorted(range(len(scores)), key=lambda i: -scores[i])
        if not ranked or scores[ranked[0]] <= 0:
            return Match(None, 0.0, False, ())
        best = ranked[0]
        runner_up = scores[ranked[1]] if len(ranked) > 1 else 0.0
        # Words the FAQ has never seen ("pacar", "sekarang") make an answer less sure: a question about
        # something else often shares a word or two with some entry ("jam berapa sekarang").
        needed = self.threshold + UNKNOWN_PENALTY * unknown
        confident = scores[best] >= needed and scores[best] - runner_up >= self.margin
        related = tuple(self.faq[i] for i in ranked[1 : 1 + MAX_RELATED] if scores[i] >= RELATED_MIN)
        return Match(self.faq[best], scores[best], confident, related, runner_up)


_cache: tuple[tuple[FaqEntry, ...], Matcher] | None = None


def matcher_for(faq: tuple[FaqEntry, ...]) -> Matcher:
    """The matcher of a schedule's FAQ, built once per FAQ (a reloaded schedule gets a new one)."""
    global _cache
    if _cache is None or _cache[0] is not faq:
        _cache = (faq, Matcher(faq))
    return _cache[1]


def match(faq: tuple[FaqEntry, ...], text: str) -> Match:
    """The best entry of ``faq`` for ``text`` (see :class:`Match`)."""
    return matcher_for(faq).match(text)


def related_entries(faq: tuple[FaqEntry, ...], entry: FaqEntry, limit: int = MAX_RELATED) -> tuple[FaqEntry, ...]:
    """Entries close to ``entry``: shown as buttons under an answer reached from a button."""
    m = matcher_for(faq)
    scores = m.scores(entry.phrasings()[0])
    ranked = sorted((i for i in range(len(scores)) if m.faq[i].id != entry.id), key=lambda i: -scores[i])
    return tuple(m.faq[i] for i in ranked[:limit] if scores[i] >= RELATED_MIN)
