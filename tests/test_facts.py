"""The corrected facts of the default schedule, read from `bot.py preview` in both languages.

Each test reads the texts as recipients see them (tags removed) and asserts the corrected fact, not
only that some text exists. Source: /work/shared/reference/pilkada2024-facts.md.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from bot.content import catalogue, formats, subscriber_strings, texts
from bot.schedule import loading
from bot.schedule import model as sched
from tests.test_cli import bot

RULE = re.compile(r"\n={72}\n")


def blocks(output: str) -> dict[str, str]:
    """Preview output as {header: text}; headers are "<id> · <time> · <roles>" or "Page <command>[ · ...]"."""
    pieces = RULE.split(output)
    return {pieces[i]: pieces[i + 1].strip() for i in range(1, len(pieces) - 1, 2)}


@pytest.fixture(scope="module")
def preview() -> dict[str, dict[str, str]]:
    out = {}
    for lang in ("id", "en"):
        result = bot("preview", "config/pilkada2024.toml", "--lang", lang)
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""  # no warnings: no stage date written out by hand
        out[lang] = blocks(result.stdout)
    return out


def reminder(p: dict[str, str], rid: str) -> str:
    [text] = [t for h, t in p.items() if h.split(" · ")[0] == rid]
    return text


def reminders_sent(p: dict[str, str]) -> list[tuple[dt.date, str, str]]:
    """(local date sent, id, text) of every reminder occurrence."""
    schedule = loading.load("config/pilkada2024.toml")
    sent = {r.id: r.at.date() for r in schedule.reminders}
    return [
        (sent[h.split(" · ")[0]], h.split(" · ")[0], t) for h, t in p.items() if not h.startswith(("Page ", "FAQ "))
    ]


def page(p: dict[str, str], command: str, since: str | None = None) -> str:
    """A page: its first version, or the one shown from ``since`` (a date as the preview writes it)."""
    [text] = [
        t
        for h, t in p.items()
        if h.startswith(f"Page {command}") and (f"from {since}" in h if since else "from" not in h)
    ]
    return text


def everything(p: dict[str, str]) -> str:
    return "\n\n".join(p.values())


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.;:])\s+|\n", text) if s.strip()]


@pytest.mark.parametrize(
    ("lang", "deadline", "h7", "outside"),
    [
        ("id", "Senin, 28 Oktober 2024", "Rabu, 20 November 2024", "luar Jawa Timur: tidak"),
        ("en", "Monday, 28 October 2024", "Wednesday, 20 November 2024", "outside East Java: no ballot"),
    ],
)
def test_moving_to_vote_general_deadline_h30_and_the_four_h7_cases(preview, lang, deadline, h7, outside):
    p = preview[lang]
    [(sent, _, text)] = [x for x in reminders_sent(p) if x[1] == "pindah-memilih-h30"]
    assert sent == dt.date(2024, 10, 21)  # a week before 28 Oct
    assert deadline in text.splitlines()[0]
    assert "H-30" in text
    assert outside in text.replace("Outside", "outside") or outside in text
    tps = page(p, "/tps")
    assert deadline in tps
    assert h7 in tps
    assert outside.split(":")[0] in tps.replace("Outside", "outside")
    late = reminder(p, "batas-pindah-memilih")
    title = late.splitlines()[0]
    assert ("Empat Keadaan" if lang == "id" else "Four Situations") in title
    assert h7 in title
    assert deadline in late  # says the general deadline has passed
    four = ["bertugas pada hari pemungutan suara", "rawat inap", "penahanan", "bencana alam"]
    if lang == "en":
        four = ["on duty on voting day", "in-patient care", "detained", "natural disaster"]
    assert all(case in late for case in four)
    for text in (late, tps, reminder(p, "pindah-memilih-h30")):
        assert not re.search(r"\bsakit\b|\bill\b", text)  # in-patient care, not "sick"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_id_on_voting_day(preview, lang):
    p = preview[lang]
    for sentence in sentences(everything(p)):  # the suket is named only to say it is no longer issued
        if re.search(r"surat keterangan|suket|Dukcapil|certificate", sentence, re.IGNORECASE):
            assert re.search(r"tidak lagi diterbitkan|no longer issued", sentence), sentence
    without = "tanpa undangan, cukup dengan KTP-el" if lang == "id" else "without the invitation, with the KTP-el alone"
    for text in (page(p, "/tps"), reminder(p, "tps-hari-h"), reminder(p, "malam-sebelum-pencoblosan")):
        assert "Model C.Pemberitahuan-KWK" in text
        assert without in text
        assert "Biodata Penduduk" in text
        assert "IKD" in text
    assert "Model C Pemberitahuan" not in everything(p)
    schedule = loading.load("config/pilkada2024.toml")
    assert schedule.fact("invitation_form") == "Model C.Pemberitahuan-KWK"  # the name is in the file


@pytest.mark.parametrize(
    ("lang", "after"),
    [
        ("id", "hanya pemilih yang sudah tercatat dalam daftar hadir atau sedang mengantre untuk dicatat"),
        ("en", "only voters already recorded in the attendance list (daftar hadir), or queuing to be recorded"),
    ],
)
def test_after_closing_only_those_recorded_in_the_attendance_list(preview, lang, after):
    p = preview[lang]
    assert after in page(p, "/tps")
    assert after in reminder(p, "tps-hari-h")
    assert not re.search(r"hadir dan terdaftar|present and registered", everything(p))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_perangkat_desa_village_law_not_prison(preview, lang):
    p = preview[lang]
    kades = [page(p, "/netralitas (kades)"), reminder(p, "netralitas-kades-kampanye")]
    kades += [t for _, rid, t in reminders_sent(p) if rid.startswith("netralitas-kades-mingguan")]
    article52 = "Pasal 52" if lang == "id" else "Article 52"
    article51 = "Pasal 51 huruf g dan j" if lang == "id" else "Article 51 letters g and j"
    for text in kades:
        assert article52 in text
        assert article51 in text
        for sentence in sentences(text):  # a prison term is never attached to village officials
            if re.search(r"penjara|imprisonment", sentence):
                assert not re.search(r"perangkat desa|village officials?", sentence, re.IGNORECASE), sentence
    assert not re.search(r"\bdiminta\b|are asked", everything(p))
    if lang == "id":
        assert "dilarang" in reminder(p, "netralitas-kades-mingguan@2024-10-03")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_asn_neutrality_is_an_obligation_that_does_not_end(preview, lang):
    p = preview[lang]
    article = "Pasal 24 ayat (1) huruf d" if lang == "id" else "Article 24(1) letter d"
    asn = page(p, "/netralitas (asn)")
    quiet = reminder(p, "netralitas-masa-tenang")
    assert article in asn
    assert article in quiet
    assert article in reminder(p, "netralitas-asn-kampanye")
    assert "Sampai Hari Pemungutan Suara" not in quiet
    assert "Until Voting Day" not in quiet
    assert ("Tidak Berakhir" if lang == "id" else "Does Not End") in quiet.splitlines()[0]
    official = "pejabat ASN" if lang == "id" else "ASN officials"
    for text in (asn, quiet, reminder(p, "netralitas-asn-kampanye")):
        assert official in text.replace("Pejabat ASN", "pejabat ASN")
    like = "menyukai" if lang == "id" else "lik"
    asn_texts = [asn, reminder(p, "netralitas-asn-kampanye"), reminder(p, "netralitas-asn-mingguan@2024-10-03")]
    for text in asn_texts:
        assert ("kode etik" if lang == "id" else "code of ethics") in text
        for sentence in sentences(text):  # a like is an ethics breach, not moderate-to-severe discipline
            if like in sentence.lower():
                assert not re.search(r"sedang hingga berat|moderate to severe", sentence), sentence
    assert not re.search(r"ASN kontrak|contract civil servants", everything(p))
    assert "PPPK" in asn


@pytest.mark.parametrize(
    ("lang", "receiving"),
    [
        ("id", "pemilih yang dengan sengaja menerimanya diancam pidana yang sama"),
        ("en", "a voter who knowingly accepts it faces the same penalty"),
    ],
)
def test_receiving_vote_buying_money_is_a_crime(preview, lang, receiving):
    p = preview[lang]
    for text in (page(p, "/netralitas (pemilih)"), reminder(p, "jelang-masa-tenang")):
        assert receiving in text
        assert "187A" in text
        assert ("36–72 bulan" if lang == "id" else "36–72 months") in text
        assert ("Rp200 juta–Rp1 miliar" if lang == "id" else "Rp200 million–Rp1 billion") in text


@pytest.mark.parametrize(("lang", "month"), [("id", "Desember 2024"), ("en", "December 2024")])
def test_local_cases_only_after_december_2024_and_say_when(preview, lang, month):
    p = preview[lang]
    example = "Contoh dari Tulungagung" if lang == "id" else "example from Tulungagung"
    for _, _, text in reminders_sent(p):  # all sent before December 2024: no case shown as past
        assert example not in text
        assert "PPPK yang berfoto" not in text
        assert "photographed with a candidate while" not in text
    later = "Rabu, 1 Januari 2025" if lang == "id" else "Wednesday, 1 January 2025"
    for command in ("/netralitas (asn)", "/netralitas (kades)"):
        assert example not in page(p, command)
        assert month not in page(p, command)
        assert example in page(p, command, later)
        assert month in page(p, command, later)
    assert ("dua PPPK" if lang == "id" else "two PPPK") in page(p, "/netralitas (asn)", later)


@pytest.mark.parametrize(("lang", "holiday"), [("id", "libur"), ("en", "holiday")])
def test_holiday_only_in_texts_from_21_november(preview, lang, holiday):
    p = preview[lang]
    said = {rid for sent, rid, text in reminders_sent(p) if holiday in text}
    assert said == {"belum-terima-undangan", "malam-sebelum-pencoblosan"}
    for sent, rid, text in reminders_sent(p):
        assert holiday not in text or sent >= dt.date(2024, 11, 21), rid
    assert holiday not in page(p, "/tps")
    from_21 = "Kamis, 21 November 2024" if lang == "id" else "Thursday, 21 November 2024"
    assert "Keppres 33/2024" in page(p, "/tps", from_21)


def test_winners_declaration_stage_and_its_source():
    stage = loading.load("config/pilkada2024.toml").stage("penetapan-paslon-terpilih")
    assert stage.start == dt.date(2025, 2, 6)
    assert stage.extra["source"].startswith("PKPU 18/2024 Pasal 57")
    assert "tidak dapat diterima" in stage.extra["note"]
    assert "ditolak" not in stage.extra["note"]
    voting = loading.load("config/pilkada2024.toml").stage("pemungutan-suara")
    assert "Keppres" not in voting.extra["source"]  # shown in the calendar file before 21 Nov too


def test_welcome_privacy_and_poster_state_the_same_list():
    from bot.ops import poster

    schedule = loading.load("config/pilkada2024.toml")
    for lang in formats.LANGS:
        stored = texts.STORED[lang]
        assert stored in texts.welcome_text(schedule, lang)
        assert stored in catalogue.say(lang, "privacy")
        assert sched.html_problem(catalogue.say(lang, "privacy")) is None
    assert texts.STORED["id"] in poster.FOOTER
    assert "catatan pesan" in texts.STORED["id"]
    assert "bahasa" in texts.STORED["id"]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_style_formal_and_official_names(preview, lang):
    p = preview[lang]
    bodies = everything(p)
    assert "Bapak/Ibu" not in bodies
    assert "Panwascam" not in bodies
    assert not re.search(r"\bpaslon\b", bodies, re.IGNORECASE)
    assert "Panwaslu Kecamatan" in page(p, "/netralitas (pemilih)")
    if lang == "id":
        assert "Anda" in bodies


def test_demo_banner_says_connected_to():
    from datetime import datetime

    from bot.ops.demo import banner

    schedule = loading.load("config/pilkada2024.toml")
    text = banner(schedule, schedule, 20, datetime(2024, 8, 26, 9, tzinfo=schedule.election.tz))
    assert "melawan" not in text
    assert "terhubung ke server Telegram tiruan" in text


# --------------------------------------------------------------------------- the audit's corrections


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_like_brings_a_moral_sanction_up_to_discipline_not_only_a_moral_one(preview, lang):
    p = preview[lang]
    assert not re.search(r"hanya sanksi moral|only a moral|with a moral sanction\b", everything(p))
    up_to = "sanksi moral hingga hukuman disiplin" if lang == "id" else "moral sanction up to disciplinary"
    campaign, public = ("pemenangan", "ke publik") if lang == "id" else ("campaign accounts", "publicly post")
    for text in (
        page(p, "/netralitas (asn)"),
        reminder(p, "netralitas-asn-kampanye"),
        reminder(p, "netralitas-asn-mingguan@2024-10-03"),
    ):
        assert up_to in text
        assert campaign in text
        assert public in text


@pytest.mark.parametrize(
    ("lang", "family"), [("id", "keluarga yang mendampingi"), ("en", "family member accompanying")]
)
def test_the_h7_case_keeps_the_family_accompanying_a_patient(preview, lang, family):
    p = preview[lang]
    for text in (reminder(p, "batas-pindah-memilih"), reminder(p, "pindah-memilih-h30"), page(p, "/tps")):
        assert family in text


def dpk_part(text: str) -> str:
    [part] = [para for para in text.split("\n\n") if "DPK" in para]
    return part


@pytest.mark.parametrize("lang", ["id", "en"])
def test_dpk_voters_learn_the_substitutes_for_a_ktp_el_and_to_ask_the_kpps(preview, lang):
    p = preview[lang]
    for text in (reminder(p, "belum-terima-undangan"), reminder(p, "tps-hari-h"), page(p, "/tps")):
        part = dpk_part(text)
        assert "Biodata Penduduk" in part, part
        assert "IKD" in part, part
        assert "KPPS" in part, part


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_after_voting_message_never_points_groups_to_a_button(preview, lang):
    text = reminder(preview[lang], "sudah-memilih")  # groups get it without the button (bot/content/pledges.py)
    body = text.split("\n[")[0]
    assert not re.search(r"tombol|di bawah|button|below", body, re.IGNORECASE), body


@pytest.mark.parametrize(("lang", "bring"), [("id", "Yang dibawa"), ("en", "What to bring")])
def test_the_tps_page_lists_form_a_for_dptb_voters_among_what_to_bring(preview, lang, bring):
    section = page(preview[lang], "/tps").split(bring, 1)[1].split("\n\n")[0]
    assert "DPTb" in section
    assert "formulir A" in section or "Form A" in section


@pytest.mark.parametrize(
    ("lang", "delivery"),
    [
        ("id", "beberapa hari sebelum hari pemungutan suara; bila belum datang, tanyakan ke KPPS"),
        ("en", "a few days before voting day; if it has not come, ask your local KPPS"),
    ],
)
def test_the_invitation_comes_a_few_days_before_without_an_unconfirmed_deadline(preview, lang, delivery):
    p = preview[lang]
    texts_ = [page(p, "/tps"), reminder(p, "undangan-c-pemberitahuan"), reminder(p, "cek-dpt-h7")]
    h3 = "Minggu, 24 November 2024" if lang == "id" else "Sunday, 24 November 2024"
    for text in texts_:
        assert delivery in text
        assert h3 not in text
    assert not re.search(r"paling lambat H-3|by H-3", everything(p))


def test_english_keeps_asn_pns_and_pppk_apart(preview):
    for header, text in preview["en"].items():
        for sentence in sentences(text):
            if re.search(r"civil servants?\b", sentence):  # "civil servant" means a PNS, never every ASN
                assert "PNS" in sentence, (header, sentence)
                assert "ASN (civil servants)" not in sentence, (header, sentence)
    assert subscriber_strings.ROLE_NAMES["en"]["asn"] == "State employee (ASN: PNS or PPPK)"


def test_no_text_types_out_what_the_facts_name():
    """The election's name, its counts and the penalties are written once, in [election] and [facts]."""
    import tomllib

    doc = tomllib.loads(Path("config/pilkada2024.toml").read_text(encoding="utf-8"))
    written = [(f"page {k}", v) for k, v in doc["pages"].items()]
    written += [(f"reminder {r['id']}", r[k]) for r in doc["reminder"] for k in ("text", "text_en") if k in r]
    written += [(f"faq {e['id']}", e[k]) for e in doc["faq"] for k in ("answer", "answer_en") if k in e]
    by_hand = (
        "Pilkada Serentak 2024",
        "Pilkada 2024",
        "mpat pasangan",
        "our candidate pairs",
        "1.630",
        "1,630",
        "866.030",
        "866,030",
        "Rp600.000",
        "Rp600,000",
        "Rp200 juta",
        "Rp200 million",
        "Keppres",
        "PKPU 2/2024",
        "Desember 2024",
        "December 2024",
    )
    for where, text in written:
        for word in by_hand:
            assert word not in text, (where, word)
    keppres = [name for name, value in doc["facts"].items() if "Keppres" in str(value)]
    assert keppres == ["hari_libur"]
    assert doc["facts"]["hari_libur"]["date"] == dt.date(2024, 11, 27)


def test_the_schedule_file_cites_its_sources_inside_the_repository():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    header = (root / "config" / "pilkada2024.toml").read_text(encoding="utf-8").split("[election]")[0]
    assert "/work/" not in header
    assert "../" not in header
    assert "docs/sources.md" in header
    sources = (root / "docs" / "sources.md").read_text(encoding="utf-8")
    for needed in ("PKPU 2/2024", "Keppres 33/2024", "UU 1/2015", "SKB", "detik", "Antara Jatim", "**H**", "**M**"):
        assert needed in sources


@pytest.mark.parametrize("lang", ["id", "en"])
def test_welcome_names_the_kept_questions_and_privacy_the_backups(lang):
    schedule = loading.load("config/pilkada2024.toml")
    welcome = texts.welcome_text(schedule, lang)
    assert texts.UNANSWERED_KEPT[lang] in welcome
    assert texts.STORED[lang] in welcome
    privacy = catalogue.say(lang, "privacy")
    assert ("Salinan cadangan" if lang == "id" else "backup copies") in privacy
    assert ("terhapus bergiliran" if lang == "id" else "rotated out") in privacy
    assert sched.html_problem(welcome) is None
    assert sched.html_problem(privacy) is None
