"""Everything the bot says to people, rendered from plain data (Telegram HTML).

Indonesian first; every subscriber-facing text also exists in English (``lang="en"``), chosen
from the person's Telegram language or /bahasa. No Telegram objects here: functions take the
schedule, dates and roles and return strings, so they are tested without a network. Election
facts live in the schedule file, not here.
"""

from __future__ import annotations

import re
from datetime import date
from html import escape

from bot import store as st
from bot.content import pages, privacy
from bot.content.formats import (
    date_range,
    decimal,
    duration,
    long_date,
    num,
    percent,
    stamp,
    stamp_at,
    time_of_day,
)
from bot.schedule import areas as area_refs
from bot.schedule import problems as schedule_problems
from bot.schedule.model import Schedule, Stage

# What the bot keeps about people: one set of texts (bot/content/privacy.py), said the same way by the
# welcome, /privasi, the printed posters (bot/ops/poster.py) and the FAQ answer on personal data.
STORED = privacy.STORED
UNANSWERED_KEPT = privacy.UNANSWERED_KEPT
FORGOTTEN = privacy.FORGOTTEN
NOT_STORED = privacy.NOT_STORED
DELETING = privacy.DELETING

ROLE_NAMES = {
    "id": {"asn": "ASN (Aparatur Sipil Negara)", "kades": "Kepala Desa & Perangkat Desa", "pemilih": "Pemilih"},
    "en": {"asn": "State employee (ASN: PNS or PPPK)", "kades": "Village head & village staff", "pemilih": "Voter"},
}
# In English "civil servant" means a PNS only; the ASN role covers PPPK (contract employees) too.
ROLE_BUTTONS = {
    "id": {"asn": "ASN", "kades": "Kepala Desa & Perangkat Desa", "pemilih": "Pemilih"},
    "en": {"asn": "State employee (ASN)", "kades": "Village head & village staff", "pemilih": "Voter"},
}

DONE, CURRENT, UPCOMING = "done", "current", "upcoming"
MARKS = {DONE: "✅", CURRENT: "▶️", UPCOMING: "🗓"}

STRINGS = {
    "id": {
        "state_done": "selesai",
        "state_current": "sedang berlangsung",
        "state_upcoming": "akan datang",
        "legend": "✅ selesai · ▶️ berlangsung · 🗓 akan datang",
        "schedule_title": "Jadwal {election}",
        "today": "hari ini",
        "all_over": "Semua tahapan telah selesai. Terima kasih atas partisipasi Anda.",
        "none_new": "Tidak ada tahapan baru yang akan dimulai.",
        "next_stage": "Tahapan berikutnya",
        "welcome": (
            "Selamat datang di layanan pengingat <b>{name}</b> {region}.\n\n"
            "Bot ini mengirim jadwal tahapan, aturan netralitas, dan pengingat hari pemungutan suara. "
            "Bot hanya menyimpan {stored}. {unanswered} Rincian: /privasi.\n\n"
            "Silakan pilih peran Anda:"
        ),
        "already": "Anda sudah berlangganan sebagai <b>{role}</b>.\nIngin mengganti peran? Pilih di bawah ini.",
        "choose_role": "Pilih peran Anda:",
        "subscribed": (
            "Terima kasih. Anda terdaftar sebagai <b>{role}</b>.\n"
            "Anda akan menerima pengingat sesuai peran Anda.\n\n{next}\n\n"
            "Ketik /jadwal untuk semua tahapan, /bantuan untuk daftar perintah."
        ),
        "subscribed_over": (
            "Terima kasih. Anda terdaftar sebagai <b>{role}</b>.\n"
            "Semua pengingat pemilihan ini sudah dikirim. Bot akan memberi tahu Anda saat jadwal pemilihan "
            "berikutnya dimuat.\n\n{next}\n\n"
            "Ketik /jadwal untuk semua tahapan, /bantuan untuk daftar perintah."
        ),
        "page_missing": "Informasi ini belum tersedia. Ketik /jadwal untuk jadwal tahapan.",
        "not_subscribed_hint": "\n\n<i>Anda belum berlangganan. Ketik /start untuk memilih peran.</i>",
        "stopped": (
            "Anda berhenti berlangganan. Bot tidak akan mengirim pesan lagi.\n"
            "Ketik /start kapan saja untuk berlangganan kembali, atau /hapus untuk menghapus data Anda."
        ),
        "not_a_subscriber": "Anda belum berlangganan. Ketik /start untuk memilih peran.",
        "deleted": ("Semua data Anda ({forgotten}) telah dihapus.\nKetik /start jika ingin berlangganan lagi."),
        "delete_confirm": ("Hapus <b>semua</b> data Anda ({forgotten})? Anda tidak akan menerima pengingat lagi."),
        "delete_yes": "Ya, hapus",
        "delete_no": "Batal",
        "delete_kept": "Tidak jadi. Data Anda tidak dihapus.",
        "unknown_command": "Perintah tidak dikenal. Ketik /bantuan untuk daftar perintah.",
        "free_text": "Maaf, bot ini hanya membaca tulisan. Ketik pertanyaan Anda, atau /bantuan untuk daftar perintah.",
        "stale_button": "Tombol ini sudah tidak berlaku. Ketik /start untuk memulai lagi.",
        "group_admins_only": "Maaf, di grup hanya admin grup yang dapat mengubah langganan grup ini.",
        "error": "Maaf, terjadi kesalahan. Silakan coba lagi sebentar lagi.",
        "help_title": "Daftar perintah",
        "help_aliases": "/stop sama dengan /berhenti, /help sama dengan /bantuan.",
        "help_operator_title": "Perintah operator",
        "language_prompt": "Pilih bahasa / Choose a language:",
        "language_set": "Bahasa diubah ke Bahasa Indonesia.",
        "calendar_button": "📅 Tambah ke kalender",
        "calendar_caption": "Jadwal tahapan untuk kalender ponsel Anda. Buka berkasnya untuk menambahkan.",
        "privacy": (
            "<b>Privasi</b>\n"
            "Bot ini hanya menyimpan: {stored}. {not_stored}\n"
            "Data dipakai hanya untuk mengirim informasi pemilihan, sesuai semangat UU 27/2022 tentang "
            "Pelindungan Data Pribadi.\n"
            "{unanswered}\n"
            "{deleting}"
        ),
        # areas: the subscriber's kecamatan/desa step
        "area_prompt": (
            "<b>Kecamatan Anda?</b> (opsional)\n"
            "Dengan kecamatan, Anda juga menerima pengumuman khusus wilayah Anda. Pilih di bawah, atau tekan Lewati."
        ),
        "desa_prompt": "<b>Desa/kelurahan Anda di {area}?</b> (opsional)\nPilih di bawah, atau tekan Lewati.",
        "area_saved": "Wilayah disimpan: <b>{area}</b>. Ubah kapan saja dengan /wilayah.",
        "area_known": "Wilayah Anda: <b>{area}</b>. Ubah kapan saja dengan /wilayah.",
        "area_change_prompt": "<b>Kecamatan Anda?</b> Pilih di bawah, atau tekan Batal untuk tidak mengubah.",
        "area_skipped": (
            "Tanpa wilayah: Anda tetap menerima semua pengingat untuk peran Anda. Atur kapan saja dengan /wilayah."
        ),
        "area_kept": "Wilayah tidak diubah.",
        "area_removed": "Wilayah dihapus. Anda tetap menerima semua pengingat untuk peran Anda.",
        "area_current": "Wilayah Anda sekarang: <b>{area}</b>.",
        "area_unset": "Anda belum memilih wilayah.",
        "area_none": "Layanan ini tidak membagi pengingat per wilayah.",
        "area_skip": "Lewati",
        "area_cancel": "Batal",
        "area_remove": "Hapus wilayah",
        # pledges
        "pledge_will_vote": "✅ Saya akan memilih",
        "pledge_voted": "✅ Saya sudah memilih",
        "pledge_thanks_will_vote": "Terima kasih! Tercatat: Anda akan memilih. Ajak juga keluarga Anda.",
        "pledge_thanks_voted": "Terima kasih! Tercatat: Anda sudah memilih.",
        # the FAQ
        "faq_not_found": "Maaf, jawaban untuk pertanyaan itu belum ada. Ketik /bantuan untuk daftar perintah.",
        "faq_contact": "Hubungi: {contact}",
        "faq_phone": "Telepon/WhatsApp: {phone}",
        "faq_maybe": "Mungkin maksud Anda:",
    },
    "en": {
        "state_done": "done",
        "state_current": "under way",
        "state_upcoming": "upcoming",
        "legend": "✅ done · ▶️ under way · 🗓 upcoming",
        "schedule_title": "{election} schedule",
        "today": "today",
        "all_over": "All stages are over. Thank you for taking part.",
        "none_new": "No further stage is about to start.",
        "next_stage": "Next stage",
        "welcome": (
            "Welcome to the <b>{name}</b> reminder service of {region}.\n\n"
            "This bot sends the stage dates, neutrality rules and voting-day reminders. "
            "It stores only {stored}. {unanswered} Details: /privacy.\n\n"
            "Please choose your role:"
        ),
        "already": "You are subscribed as <b>{role}</b>.\nWant to change your role? Choose below.",
        "choose_role": "Choose your role:",
        "subscribed": (
            "Thank you. You are registered as <b>{role}</b>.\n"
            "You will receive the reminders for your role.\n\n{next}\n\n"
            "Type /jadwal for all stages, /help for the commands."
        ),
        "subscribed_over": (
            "Thank you. You are registered as <b>{role}</b>.\n"
            "All reminders of this election have been sent. The bot will tell you when the next election's "
            "schedule is loaded.\n\n{next}\n\n"
            "Type /jadwal for all stages, /help for the commands."
        ),
        "page_missing": "This information is not available yet. Type /jadwal for the stage dates.",
        "not_subscribed_hint": "\n\n<i>You are not subscribed. Type /start to choose a role.</i>",
        "stopped": (
            "You have unsubscribed. The bot will not send you messages any more.\n"
            "Type /start any time to subscribe again, or /hapus to delete your data."
        ),
        "not_a_subscriber": "You are not subscribed. Type /start to choose a role.",
        "deleted": ("All your data ({forgotten}) has been deleted.\nType /start if you want to subscribe again."),
        "delete_confirm": ("Delete <b>all</b> your data ({forgotten})? You will not receive reminders any more."),
        "delete_yes": "Yes, delete",
        "delete_no": "Cancel",
        "delete_kept": "Nothing was deleted. Your data is kept.",
        "unknown_command": "Unknown command. Type /help for the list of commands.",
        "free_text": "Sorry, this bot only reads text. Type your question, or /help for the list of commands.",
        "stale_button": "This button is no longer valid. Type /start to begin again.",
        "group_admins_only": "Sorry, in a group only the group's admins can change its subscription.",
        "error": "Sorry, something went wrong. Please try again in a moment.",
        "help_title": "Commands",
        "help_aliases": "/stop is the same as /berhenti, /help the same as /bantuan.",
        "help_operator_title": "Operator commands",
        "language_prompt": "Pilih bahasa / Choose a language:",
        "language_set": "Language changed to English.",
        "calendar_button": "📅 Add to calendar",
        "calendar_caption": "The stage dates for your phone's calendar. Open the file to add them.",
        "privacy": (
            "<b>Privacy</b>\n"
            "This bot stores only: {stored}. {not_stored}\n"
            "The data is used only to send election information, in the spirit of Indonesia's personal data "
            "protection law (UU 27/2022).\n"
            "{unanswered}\n"
            "{deleting}"
        ),
        # areas: the subscriber's kecamatan/desa step
        "area_prompt": (
            "<b>Your kecamatan?</b> (optional)\n"
            "With a kecamatan you also get the notices for your area. Choose below, or press Skip."
        ),
        "desa_prompt": "<b>Your desa/kelurahan in {area}?</b> (optional)\nChoose below, or press Skip.",
        "area_saved": "Area saved: <b>{area}</b>. Change it any time with /wilayah.",
        "area_known": "Your area: <b>{area}</b>. Change it any time with /wilayah.",
        "area_change_prompt": "<b>Your kecamatan?</b> Choose below, or press Cancel to keep it as it is.",
        "area_skipped": "No area: you still get every reminder for your role. Set one any time with /wilayah.",
        "area_kept": "Area not changed.",
        "area_removed": "Area removed. You still get every reminder for your role.",
        "area_current": "Your area now: <b>{area}</b>.",
        "area_unset": "You have not chosen an area.",
        "area_none": "This service does not divide reminders by area.",
        "area_skip": "Skip",
        "area_cancel": "Cancel",
        "area_remove": "Remove area",
        # pledges
        "pledge_will_vote": "✅ I will vote",
        "pledge_voted": "✅ I have voted",
        "pledge_thanks_will_vote": "Thank you! Noted: you will vote. Bring your family along too.",
        "pledge_thanks_voted": "Thank you! Noted: you have voted.",
        # the FAQ
        "faq_not_found": "Sorry, there is no answer to that question yet. Type /help for the list of commands.",
        "faq_contact": "Contact: {contact}",
        "faq_phone": "Phone/WhatsApp: {phone}",
        "faq_maybe": "Did you mean:",
    },
}

COMMANDS = {
    "id": (
        ("start", "Mulai dan pilih peran"),
        ("jadwal", "Jadwal tahapan pemilihan"),
        ("tps", "Panduan hari pemungutan suara"),
        ("netralitas", "Aturan netralitas sesuai peran"),
        ("peran", "Ganti peran"),
        ("wilayah", "Atur kecamatan/desa Anda"),
        ("bahasa", "Ganti bahasa / language"),
        ("privasi", "Data apa yang disimpan"),
        ("berhenti", "Berhenti menerima pesan"),
        ("hapus", "Hapus semua data Anda"),
        ("bantuan", "Daftar perintah"),
    ),
    "en": (
        ("start", "Start and choose a role"),
        ("jadwal", "Election stage dates"),
        ("tps", "Voting-day guidance"),
        ("netralitas", "Neutrality rules for your role"),
        ("peran", "Change role"),
        ("wilayah", "Set your kecamatan/desa"),
        ("bahasa", "Change language / bahasa"),
        ("privasi", "What data is stored"),
        ("berhenti", "Stop receiving messages"),
        ("hapus", "Delete all your data"),
        ("bantuan", "List of commands"),
    ),
}


# The calendar file's wording (bot/content/ics.py). What to bring on voting day is an election fact: the
# TPS event's description is the schedule file's `calendar_tps` fact.
CALENDAR = {
    "id": {
        "stage": "Tahapan {election}, {region}.",
        "source": "Sumber: {source}.",
        "tps": "Pemungutan suara: TPS buka {open}–{close} {zone}",
        "time_format": "%H.%M",
    },
    "en": {
        "stage": "Stage of {election}, {region}.",
        "source": "Source: {source}.",
        "tps": "Voting: polling stations open {open}–{close} {zone}",
        "time_format": "%H:%M",
    },
}


def lang_of(code: str | None) -> str:
    """'en' for English Telegram clients, else Indonesian (the default)."""
    return "en" if (code or "").lower().startswith("en") else "id"


def say(lang: str, key: str, **values) -> str:
    lang = lang if lang in STRINGS else "id"
    text = STRINGS[lang][key]
    if key in ("welcome", "privacy"):
        values = {
            "stored": STORED[lang], "not_stored": NOT_STORED[lang], "unanswered": UNANSWERED_KEPT[lang],
            "deleting": DELETING[lang], **values,
        }  # fmt: skip
    elif key in ("deleted", "delete_confirm"):
        values = {"forgotten": FORGOTTEN[lang], **values}
    return text.format(**values) if values else text


def stage_name(stage: Stage, lang: str = "id") -> str:
    return stage.extra.get("name_en", stage.name) if lang == "en" else stage.name


def stage_state(stage: Stage, today: date) -> str:
    if today > stage.end:
        return DONE
    if today >= stage.start:
        return CURRENT
    return UPCOMING


def next_stage(schedule: Schedule, today: date) -> Stage | None:
    """The first stage that starts after today."""
    upcoming = [s for s in schedule.stages if s.start > today]
    return min(upcoming, key=lambda s: s.start) if upcoming else None


def countdown(stage: Stage, today: date) -> str:
    """'H-5' for a stage five days away, as Indonesian officials count."""
    return f"H-{(stage.start - today).days}"


def next_stage_line(schedule: Schedule, today: date, lang: str = "id") -> str:
    stage = next_stage(schedule, today)
    if stage is None:
        if all(stage_state(s, today) == DONE for s in schedule.stages):
            return say(lang, "all_over")
        return say(lang, "none_new")
    return (
        f"{say(lang, 'next_stage')}: <b>{escape(stage_name(stage, lang))}</b>, {long_date(stage.start, lang)} "
        f"({countdown(stage, today)})."
    )


def _schedule_parts(schedule: Schedule, today: date, lang: str) -> tuple[str, list[str], str]:
    """/jadwal as head, one item per stage, and foot."""
    e = schedule.election
    head = (
        f"<b>{say(lang, 'schedule_title', election=escape(e.name))}</b>\n{escape(e.region)} · {say(lang, 'today')} "
        + (f"{long_date(today, lang)}\n")
    )
    items = []
    following = next_stage(schedule, today)
    for stage in sorted(schedule.stages, key=lambda s: (s.start, s.end)):
        state = stage_state(stage, today)
        note = say(lang, f"state_{state}")
        if following is not None and stage.id == following.id:
            note += f", {countdown(stage, today)}"
        items.append(
            f"{MARKS[state]} <b>{escape(stage_name(stage, lang))}</b>\n"
            f"    {date_range(stage.start, stage.end, lang)} ({note})"
        )
    foot = f"\n{next_stage_line(schedule, today, lang)}\n{say(lang, 'legend')}"
    return head, items, foot


def schedule_text(schedule: Schedule, today: date, lang: str = "id") -> str:
    """The /jadwal answer: every stage, its dates and state, and a countdown to the next."""
    head, items, foot = _schedule_parts(schedule, today, lang)
    return "\n".join([head, *items, foot])


def schedule_pages(schedule: Schedule, today: date, lang: str = "id") -> list[str]:
    """:func:`schedule_text` as pages that fit in a message, each with the title and the legend."""
    head, items, foot = _schedule_parts(schedule, today, lang)
    return pages.paginate(items, head, foot)


def welcome_text(schedule: Schedule, lang: str = "id") -> str:
    e = schedule.election
    return say(lang, "welcome", name=escape(e.name), region=escape(e.region))


def already_subscribed_text(role: str, lang: str = "id") -> str:
    return say(lang, "already", role=escape(ROLE_NAMES[lang][role]))


def subscribed_text(role: str, schedule: Schedule, today: date, lang: str = "id") -> str:
    """The /start confirmation: reminders are promised only while some for the role are still to come."""
    ahead = any(role in r.roles and r.expires.date() >= today for r in schedule.reminders)
    return say(
        lang, "subscribed" if ahead else "subscribed_over", role=escape(ROLE_NAMES[lang][role]),
        next=next_stage_line(schedule, today, lang),
    )  # fmt: skip


def page_text(schedule: Schedule, key: str, lang: str = "id", today: date | None = None) -> str:
    """A page as shown on ``today``: parts dated later in the schedule file are left out."""
    text = (schedule.page(f"{key}_en", today) if lang == "en" else None) or schedule.page(key, today)
    return text if text else say(lang, "page_missing")


def netralitas_key(role: str | None) -> str:
    return f"netralitas_{role or 'pemilih'}"


def help_text(lang: str = "id", operator: bool = False) -> str:
    """/bantuan; an operator also gets the operator commands (no one else learns they exist)."""
    lines = [f"<b>{say(lang, 'help_title')}</b>"]
    lines += [f"/{name} – {description}" for name, description in COMMANDS[lang]]
    lines.append(say(lang, "help_aliases"))
    if operator:
        lines += ["", f"<b>{say(lang, 'help_operator_title')}</b>"]
        lines += [f"/{name} – {description}" for name, description in OPERATOR_COMMANDS[lang]]
    return "\n".join(lines)


def correction_text(stage: Stage, old_start: date, old_end: date, lang: str = "id") -> str:
    """'Ralat': a stage's dates changed after people were told the old ones."""
    old = date_range(old_start, old_end, lang)
    new = date_range(stage.start, stage.end, lang)
    name = escape(stage_name(stage, lang))
    if lang == "en":
        return (
            f"<b>Correction</b>: the dates of <b>{name}</b> have changed.\n"
            f"Previously: <s>{old}</s>\nNow: <b>{new}</b>\nType /jadwal for the full schedule."
        )
    return (
        f"<b>Ralat</b>: jadwal <b>{name}</b> berubah.\n"
        f"Sebelumnya: <s>{old}</s>\nMenjadi: <b>{new}</b>\nKetik /jadwal untuk jadwal lengkap."
    )


def new_election_text(schedule: Schedule, lang: str = "id") -> str:
    """Told once to every subscriber when the bot switches to the next election (`new-election`)."""
    e = schedule.election
    name, region = escape(e.name), escape(e.region)
    day = schedule.voting_day()
    if lang == "en":
        when = f"\nVoting day: <b>{long_date(day, 'en')}</b>." if day else ""
        return (
            f"🗳️ <b>{name}</b>\nThis KPU {region} reminder bot now follows <b>{name}</b>.{when}\n"
            "Your role, language and area stay as they were. Type /jadwal for the stages."
        )
    when = f"\nHari pemungutan suara: <b>{long_date(day, 'id')}</b>." if day else ""
    return (
        f"🗳️ <b>{name}</b>\nBot pengingat KPU {region} kini mengikuti <b>{name}</b>.{when}\n"
        "Peran, bahasa, dan wilayah Anda tetap. Ketik /jadwal untuk melihat tahapannya."
    )


# -- Operators (commission staff; only the ids in BOT_ADMIN_IDS see these) ---------------------
# Both languages, like the subscriber texts: the operator's /bahasa choice, else their Telegram app's.
# Audit trail actions ("siaran: mulai" ...) are records, not replies: they stay Indonesian.

ROLE_SHORT = {
    "id": {"asn": "ASN", "kades": "Kepala Desa", "pemilih": "Pemilih"},
    "en": {"asn": "ASN", "kades": "Village head / official", "pemilih": "Voter"},
}
OPERATOR_COMMANDS = {
    "id": (
        ("statistik", "Statistik pelanggan dan grafik"),
        ("siaran", "Kirim siaran mendadak"),
        ("batal", "Batalkan draf, siaran terjadwal atau siaran yang berjalan"),
        ("rencana", "Pengingat dan siaran terjadwal berikutnya"),
        ("laporan", "Laporan pengiriman"),
        ("audit", "Jejak tindakan operator"),
        ("pertanyaan", "Pertanyaan yang belum terjawab"),
    ),
    "en": (
        ("statistik", "Subscriber statistics and chart"),
        ("siaran", "Send an urgent broadcast"),
        ("batal", "Cancel a draft or a scheduled broadcast, or stop the running one"),
        ("rencana", "Upcoming scheduled reminders and broadcasts"),
        ("laporan", "Delivery reports"),
        ("audit", "Operator action trail"),
        ("pertanyaan", "Questions the bot could not answer"),
    ),
}

OP_STRINGS = {
    "id": {
        "not_author": "Hanya pembuat siaran ini yang dapat menekan tombol ini.",
        "not_operator": "Hanya operator yang dapat melakukan ini.",
        "self_approval": "Anda tidak dapat menyetujui siaran Anda sendiri. Minta operator lain.",
        "pick_role": "Pilih minimal satu peran.",
        "draft_choosing": "Siaran ini masih memilih peran.",
        "draft_writing": "Siaran ini masih menunggu teks.",
        "draft_preview": "Siaran ini belum dikirim.",
        "draft_awaiting_approval": "Siaran ini sedang menunggu persetujuan.",
        "draft_sent": "Siaran ini sudah dikirim; tidak dikirim dua kali.",
        "draft_cancelled": "Siaran ini sudah dibatalkan.",
        "cancelled": "Siaran dibatalkan. Tidak ada yang dikirim.",
        "nothing_to_cancel": "Tidak ada siaran mendadak yang sedang berjalan.",
        "awaiting": "Menunggu persetujuan operator lain. Mereka sudah diberi tahu.",
        "no_such_report": "Tidak ada siaran dengan ID itu. Ketik /laporan untuk daftar.",
        "sent_answer": "Dikirim.",
        "sent_status": "Siaran dikirim. Kemajuan di pesan berikut.",
        "launch_failed": "Siaran belum dapat dimulai; tidak ada yang dikirim. Tekan tombol itu lagi sebentar lagi.",
        "launch_interrupted": (
            "{broadcast} tercatat, tetapi antreannya terhenti. Antrean dilanjutkan saat bot dimulai ulang."
        ),
        "approved": "Disetujui dan dikirim.",
        "rejected": "Ditolak. Tidak ada yang dikirim.",
        "rejected_notice": "Siaran draf-{draft} ditolak oleh operator {who}.",
        "stats_caption": "Pelanggan per peran dan hasil siaran terakhir",
        "button_next": "Lanjut ▶",
        "button_cancel": "Batal",
        "button_send": "Kirim",
        "button_submit": "Ajukan untuk disetujui",
        "button_approve": "Setujui",
        "button_reject": "Tolak",
        "drafts_cancelled": "Draf siaran Anda dibatalkan. Tidak ada yang dikirim.",
        "still_running": "{name} masih berjalan; ketik /batal lagi untuk menghentikannya.",
        "no_recipients_alert": "Tidak ada penerima untuk peran ini; tidak ada yang dikirim.",
        "ampersand_escaped": "Catatan: tanda &amp; ditulis sebagai &amp;amp; agar diterima Telegram.",
        # areas: the /siaran area step
        "draft_choosing_areas": "Siaran ini masih memilih wilayah.",
        "button_all_areas": "Semua wilayah",
        "button_desa": "Desa ›",
        "button_back": "‹ Kembali",
        "all_areas": "semua wilayah",
        "more_areas": "+{n} lainnya",
        # the FAQ
        "questions_title": "<b>Pertanyaan tanpa jawaban</b> (30 hari terakhir, terbanyak dulu)",
        "questions_none": "Tidak ada pertanyaan tanpa jawaban dalam 30 hari terakhir.",
        # broadcasts sent later ("Kirim nanti")
        "button_later": "Kirim nanti",
        "button_schedule": "Jadwalkan",
        "button_night": "🌙 Ya, kirim malam hari",
        "button_retime": "Ubah waktu",
        "button_unschedule": "Batalkan jadwal",
        "draft_timing": "Siaran ini menunggu waktu kirim; ketik tanggal dan jamnya.",
        "draft_timed": "Siaran ini menunggu konfirmasi waktu kirim.",
        "draft_scheduled": "Siaran ini sudah dijadwalkan; tidak dijadwalkan dua kali.",
        "scheduled_answer": "Dijadwalkan.",
        "approved_scheduled": "Disetujui dan dijadwalkan.",
        "scheduled_hint": "Siaran terjadwal ada di /rencana; batalkan dengan /batal ID.",
        "no_recipients_later": "Kirim nanti tetap bisa: penerima dihitung saat waktunya tiba.",
    },
    "en": {
        "not_author": "Only the author of this broadcast can press this button.",
        "not_operator": "Only operators can do this.",
        "self_approval": "You cannot approve your own broadcast. Ask another operator.",
        "pick_role": "Choose at least one role.",
        "draft_choosing": "This broadcast is still choosing its roles.",
        "draft_writing": "This broadcast is still waiting for its text.",
        "draft_preview": "This broadcast has not been sent yet.",
        "draft_awaiting_approval": "This broadcast is waiting for approval.",
        "draft_sent": "This broadcast has already been sent; it is never sent twice.",
        "draft_cancelled": "This broadcast has already been cancelled.",
        "cancelled": "Broadcast cancelled. Nothing was sent.",
        "nothing_to_cancel": "No urgent broadcast is running.",
        "awaiting": "Waiting for another operator's approval. They have been notified.",
        "no_such_report": "No broadcast with that ID. Type /laporan for the list.",
        "sent_answer": "Sent.",
        "sent_status": "Broadcast sent. Progress in the next message.",
        "launch_failed": "The broadcast could not be started; nothing was sent. Press the button again in a moment.",
        "launch_interrupted": (
            "{broadcast} is recorded, but queuing it stopped. Queuing resumes when the bot restarts."
        ),
        "approved": "Approved and sent.",
        "rejected": "Rejected. Nothing was sent.",
        "rejected_notice": "Broadcast draf-{draft} was rejected by operator {who}. Nothing was sent.",
        "stats_caption": "Subscribers per role and results of the latest broadcasts",
        "button_next": "Next ▶",
        "button_cancel": "Cancel",
        "button_send": "Send",
        "button_submit": "Submit for approval",
        "button_approve": "Approve",
        "button_reject": "Reject",
        "drafts_cancelled": "Your broadcast draft was cancelled. Nothing was sent.",
        "still_running": "{name} is still running; type /batal again to stop it.",
        "no_recipients_alert": "No recipients for these roles; nothing was sent.",
        "ampersand_escaped": "Note: &amp; was written as &amp;amp; so that Telegram accepts it.",
        # areas: the /siaran area step
        "draft_choosing_areas": "This broadcast is still choosing its areas.",
        "button_all_areas": "All areas",
        "button_desa": "Villages ›",
        "button_back": "‹ Back",
        "all_areas": "all areas",
        "more_areas": "+{n} more",
        # the FAQ
        "questions_title": "<b>Unanswered questions</b> (last 30 days, most asked first)",
        "questions_none": "No unanswered questions in the last 30 days.",
        # broadcasts sent later ("Kirim nanti")
        "button_later": "Send later",
        "button_schedule": "Schedule",
        "button_night": "🌙 Yes, send at night",
        "button_retime": "Change time",
        "button_unschedule": "Cancel schedule",
        "draft_timing": "This broadcast is waiting for its send time; type the date and time.",
        "draft_timed": "This broadcast is waiting for its send time to be confirmed.",
        "draft_scheduled": "This broadcast is already scheduled; it is never scheduled twice.",
        "scheduled_answer": "Scheduled.",
        "approved_scheduled": "Approved and scheduled.",
        "scheduled_hint": "Scheduled broadcasts are in /rencana; cancel one with /batal ID.",
        "no_recipients_later": "Send later is still possible: recipients are counted when the time comes.",
    },
}


def op_say(lang: str, key: str, **values) -> str:
    """An operator reply by key, like :func:`say`."""
    text = OP_STRINGS.get(lang, OP_STRINGS["id"])[key]
    return text.format(**values) if values else text


def _en(lang: str) -> bool:
    return lang == "en"


BROADCAST_WORDS = {"siaran": ("Siaran", "Broadcast"), "ralat": ("Ralat", "Correction")}


def broadcast_name(broadcast_id: str, lang: str = "id") -> str:
    """'Siaran 3' for 'siaran:3', 'Ralat <code>x</code>' for 'ralat:x', 'Pengingat <code>id</code>' else.

    The kind is said once: an ad-hoc id already starts with the word "siaran".
    """
    prefix, sep, rest = broadcast_id.partition(":")
    if not sep:
        prefix, sep, rest = broadcast_id.partition("-")  # ad-hoc ids of old databases: 'siaran-3'
    words = BROADCAST_WORDS.get(prefix) if sep and rest else None
    if words is None:
        word = "Reminder" if _en(lang) else "Pengingat"
        return f"{word} <code>{escape(broadcast_id)}</code>"
    word = words[1] if _en(lang) else words[0]
    return f"{word} {escape(rest)}" if rest.isdigit() else f"{word} <code>{escape(rest)}</code>"


def roles_text(roles, lang: str = "id") -> str:
    short = ROLE_SHORT.get(lang, ROLE_SHORT["id"])
    return ", ".join(short.get(r, r) for r in roles) or ("none yet" if _en(lang) else "belum dipilih")


OP_TEMPLATES = {
    "id": {
        "stats_title": "<b>Statistik pelanggan</b> · {region}",
        "stats_totals": (
            "Total aktif: <b>{total}</b>\nBerhenti: {stopped} · Memblokir/hilang: {blocked}\n"
            "Baru hari ini: {today} · 14 hari terakhir: {days}"
        ),
        "roles_prompt": "<b>Siaran baru</b>\nPilih peran penerima (minimal satu), lalu tekan Lanjut.\nDipilih: {roles}",
        "text_prompt": (
            "<b>Siaran baru</b> untuk: {roles}\n"
            "Sekarang kirim teks pesannya. Format HTML Telegram boleh: &lt;b&gt;, &lt;i&gt;, &lt;a href&gt;."
        ),
        "refused": "Teks ditolak: {reason}\nKirim teks yang sudah diperbaiki, atau /siaran untuk mulai lagi.",
        "preview": (
            "<b>Pratinjau</b>: pesan di atas persis seperti yang akan diterima.\n"
            "Penerima: <b>{recipients}</b> ({roles})\nPerkiraan durasi: {duration} pada {rate} pesan/detik."
        ),
        "preview_approval": "Perlu persetujuan satu operator lain sebelum dikirim.",
        "no_recipients": (
            "<b>Tidak ada penerima</b>: belum ada pelanggan aktif dengan peran {roles}, jadi siaran ini "
            "tidak dapat dikirim. Tekan Batal, atau /siaran untuk memilih peran lain."
        ),
        "progress": (
            "<b>{name}</b> · {state}\nTerkirim {sent} dari {total} ({percent:.0f}%)\n"
            "Memblokir {blocked} · gagal {failed} · kedaluwarsa {expired} · dibatalkan {cancelled}"
        ),
        "progress_running": "Laju {rate} pesan/detik · perkiraan selesai {eta}",
        "progress_network": "Menunggu jaringan: {waiting} (belum terkirim, dicoba lagi sampai kedaluwarsa)",
        "progress_done": "Selesai {finished}",
        "states": {
            st.DONE: "selesai",
            st.RUNNING: "sedang dikirim",
            st.ENQUEUING: "menyiapkan",
            st.SCHEDULED: "dijadwalkan",
            st.CANCELLED: "dibatalkan sebelum mulai",
            st.EXPIRED: "kedaluwarsa, tidak dikirim",
        },
        "progress_scheduled": "Dijadwalkan {at}",
        "reports_none": "Belum ada siaran.",
        "reports_title": "<b>Siaran terakhir</b>",
        "reports_line": "<code>{id}</code> · {created} · {sent}/{total} terkirim",
        "reports_line_unsent": "<code>{id}</code> · {at} · {state}",
        "reports_hint": "Rincian: /laporan ID",
        "audit_none": "Belum ada tindakan operator.",
        "audit_title": "<b>Tindakan operator terakhir</b>",
        "plan_none": "Tidak ada pengingat terjadwal yang akan datang.",
        "plan_title": "<b>Pengingat terjadwal</b> · {rate} pesan/detik",
        "plan_line": "{head}\n  {at} · {roles} · {recipients} · {duration} · {finish}",
        "plan_finish": "selesai {at}",
        "plan_adhoc": "🕒 <b>{name}</b> · siaran terjadwal",
        "plan_adhoc_cancel": "  Batalkan sebelum mulai: <code>/batal {id}</code>",
        "plan_not_all": "selesai tidak semua",
        "plan_late": "  ⚠️ hanya {reached} dari {total} ({share}) sebelum batas {deadline}",
        "approval": (
            "<b>Persetujuan diperlukan</b>\nOperator {author} ingin mengirim siaran di atas ke {recipients} ({roles})."
        ),
        "stopped": ("{name} dihentikan: {dropped} salinan yang belum terkirim dibatalkan; {sent} sudah terkirim."),
        "outage_down": (
            "⚠️ <b>Gangguan</b>: {part} gagal ({error}). Bot mencoba lagi otomatis; pesan yang tertunda "
            "menunggu. Jika berlanjut, periksa basis data dan jaringan server."
        ),
        "outage_up": "✅ {part} berjalan lagi setelah {seconds} detik.",
        "alert_flood_wait": (
            "⚠️ <b>Telegram meminta jeda {seconds} detik</b> (batas kiriman terlampaui). Pengiriman siaran "
            "dilanjutkan otomatis pukul {until}; tidak ada pesan yang hilang. Jika sering terjadi, turunkan "
            "BOT_RATE_LIMIT."
        ),
        "alert_conflict": (
            "⚠️ <b>Bot lain memakai token yang sama</b>: Telegram memutus permintaan pesan bot ini karena ada "
            "bot lain dengan token ini. Dua bot dengan satu token mengirim setiap pengingat dua kali. Hentikan "
            "salah satunya (cek server lain atau <code>systemctl status pilkada-bot</code>)."
        ),
        "outage_parts": {"delivery engine": "Pengiriman pesan", "scheduler": "Penjadwal pengingat"},
        "reload_refused": (
            "⚠️ <b>Jadwal tidak dimuat ulang</b>: berkas <code>{file}</code> punya {n} masalah; jadwal yang "
            "berjalan tetap dipakai.\n{lines}\nPerbaiki berkasnya, periksa dengan <code>python bot.py check</code>, "
            "lalu muat ulang lagi."
        ),
        "reload_new_election": (
            "⚠️ <b>Jadwal tidak dimuat ulang</b>: berkas <code>{file}</code> adalah pemilihan baru, <b>{new}</b> "
            "(pemungutan suara {day}); bot ini mengikuti <b>{old}</b>. Tidak ada yang dikirim; jadwal yang berjalan "
            "tetap dipakai.\nUntuk beralih: hentikan bot, jalankan <code>python bot.py new-election {file}</code>, "
            "ubah BOT_SCHEDULE, lalu jalankan bot lagi (README: Next election)."
        ),
        "handler_error": (
            "⚠️ <b>Kesalahan</b> di <code>{where}</code>: {error}. Pengguna menerima permintaan maaf. "
            "Rincian ada di log bot; kesalahan yang sama tidak dilaporkan lagi selama 10 menit."
        ),
        # areas: the /siaran area step
        "areas_prompt": (
            "<b>Siaran baru</b> untuk: {roles}\nPilih wilayah penerima: Semua wilayah, atau kecamatan tertentu "
            "(Desa › untuk memilih desa). Lalu tekan Lanjut.\nDipilih: {areas}"
        ),
        "desa_prompt": "<b>{area}</b>: seluruh kecamatan, atau desa tertentu. Lalu tekan Kembali.\nDipilih: {areas}",
        "whole_area": "Seluruh {area}",
        "areas_line": "Wilayah: {areas}",
        "report_author": "oleh {author}",
        "no_recipients_areas": (
            "<b>Tidak ada penerima</b>: belum ada pelanggan aktif dengan peran {roles} di {areas}, jadi siaran "
            "ini tidak dapat dikirim. Tekan Batal, atau /siaran untuk memilih lagi."
        ),
        # areas: figures per kecamatan
        "stats_areas": "<b>Per kecamatan</b>: aktif ({roles})",
        "stats_areas_coverage": "<b>Per kecamatan</b>: aktif ({roles}), cakupan DPT",
        "stats_no_area": "Tanpa wilayah",
        # pledges
        "stats_pledges": "<b>Tombol memilih</b>: yang menekan / penerima pengingat",
        "stats_pledge_will_vote": "Akan memilih",
        "stats_pledge_voted": "Sudah memilih",
        # broadcasts sent later ("Kirim nanti")
        "when": "{day} pukul {time} {zone}",
        "time_prompt": (
            "<b>Kirim nanti</b>\nKetik tanggal dan jam kirim ({zone}), misalnya <code>{example}</code>. "
            "Penerima dihitung saat waktunya tiba."
        ),
        "time_confirm": (
            "<b>Kirim nanti</b>: {when}\nPenerima saat ini: <b>{recipients}</b> ({roles}); dihitung lagi saat "
            "waktunya tiba, jadi yang berlangganan sebelum itu ikut menerima."
        ),
        "time_night_note": "🌙 Jam itu termasuk jam tenang ({start}–{end}), saat pengingat tidak dikirim.",
        "night_question": (
            "🌙 <b>Kirim pada malam hari?</b>\n{when} termasuk jam tenang ({start}–{end}): pesan ini bisa "
            "membangunkan penerima. Tekan «Ya, kirim malam hari» hanya jika memang perlu, atau Ubah waktu."
        ),
        "scheduled": (
            "🕒 <b>{name}</b> dijadwalkan: {when}.\nLihat /rencana. Batalkan sebelum mulai dengan tombol di bawah "
            "atau <code>/batal {id}</code>."
        ),
        "scheduled_notice": (
            "🕒 <b>{name}</b> disetujui oleh operator {who} dan dijadwalkan: {when}. Batalkan sebelum mulai "
            "dengan <code>/batal {id}</code>."
        ),
        "approval_when": "Dijadwalkan: {when}",
        "unscheduled": "{name} dibatalkan sebelum mulai; tidak ada yang dikirim (dijadwalkan {when}).",
        "already_started": "{name} sudah mulai dikirim; tidak dibatalkan. Untuk menghentikannya: /batal {id}",
        "not_scheduled": "{name} tidak sedang dijadwalkan ({state}); tidak ada yang diubah.",
        "time_format": "Waktu tidak dikenali. Ketik tanggal dan jam, misalnya <code>{example}</code>.",
        "time_no_such_time": "Tanggal atau jam itu tidak ada: {text}. Ketik lagi, misalnya <code>{example}</code>.",
        "time_zone": "Ketik waktu {zone} (zona waktu pemilihan ini), tanpa zona lain.",
        "time_past": "Waktu itu sudah lewat (sekarang {now}). Ketik waktu yang akan datang.",
        "time_too_far": "Terlalu jauh ke depan: paling lambat {limit}.",
    },
    "en": {
        "stats_title": "<b>Subscriber statistics</b> · {region}",
        "stats_totals": (
            "Active subscribers: <b>{total}</b>\nStopped: {stopped} · Blocked/gone: {blocked}\n"
            "New today: {today} · last 14 days: {days}"
        ),
        "roles_prompt": "<b>New broadcast</b>\nChoose the roles (at least one), then press Next.\nSelected: {roles}",
        "text_prompt": (
            "<b>New broadcast</b> to: {roles}\n"
            "Now send the text of the message. Telegram HTML is allowed: &lt;b&gt;, &lt;i&gt;, &lt;a href&gt;."
        ),
        "refused": "Text refused: {reason}\nSend the corrected text, or /siaran to start again.",
        "preview": (
            "<b>Preview</b>: the message above is exactly what recipients will see.\n"
            "Recipients: <b>{recipients}</b> ({roles})\nEstimated duration: {duration} at {rate} messages/second."
        ),
        "preview_approval": "Another operator must approve it before it is sent.",
        "no_recipients": (
            "<b>No recipients</b>: there are no active subscribers with the roles {roles} yet, so this "
            "broadcast cannot be sent. Press Cancel, or /siaran to choose other roles."
        ),
        "progress": (
            "<b>{name}</b> · {state}\nSent {sent} of {total} ({percent:.0f}%)\n"
            "Blocked {blocked} · failed {failed} · expired {expired} · cancelled {cancelled}"
        ),
        "progress_running": "Rate {rate} messages/second · estimated finish {eta}",
        "progress_network": "Waiting for the network: {waiting} (not sent yet, retried until they expire)",
        "progress_done": "Finished {finished}",
        "states": {
            st.DONE: "done",
            st.RUNNING: "sending",
            st.ENQUEUING: "preparing",
            st.SCHEDULED: "scheduled",
            st.CANCELLED: "cancelled before it started",
            st.EXPIRED: "expired, not sent",
        },
        "progress_scheduled": "Scheduled for {at}",
        "reports_none": "No broadcasts yet.",
        "reports_title": "<b>Latest broadcasts</b>",
        "reports_line": "<code>{id}</code> · {created} · {sent}/{total} sent",
        "reports_line_unsent": "<code>{id}</code> · {at} · {state}",
        "reports_hint": "Details: /laporan ID",
        "audit_none": "No operator actions yet.",
        "audit_title": "<b>Latest operator actions</b>",
        "plan_none": "No upcoming scheduled reminders.",
        "plan_title": "<b>Scheduled reminders</b> · {rate} messages/second",
        "plan_line": "{head}\n  {at} · {roles} · {recipients} · {duration} · {finish}",
        "plan_finish": "done by {at}",
        "plan_adhoc": "🕒 <b>{name}</b> · scheduled broadcast",
        "plan_adhoc_cancel": "  Cancel before it starts: <code>/batal {id}</code>",
        "plan_not_all": "not everyone before it expires",
        "plan_late": "  ⚠️ only {reached} of {total} ({share}) before the {deadline} deadline",
        "approval": (
            "<b>Approval needed</b>\nOperator {author} wants to send the broadcast above to {recipients} ({roles})."
        ),
        "stopped": ("{name} stopped: {dropped} not yet sent (cancelled), {sent} already sent."),
        "outage_down": (
            "⚠️ <b>Trouble</b>: {part} is failing ({error}). The bot keeps retrying; pending messages wait. "
            "If it goes on, check the server's database and network."
        ),
        "outage_up": "✅ {part} is running again after {seconds} s.",
        "alert_flood_wait": (
            "⚠️ <b>Telegram asked for a pause of {seconds} s</b> (sending limit exceeded). Broadcasts resume "
            "by themselves at {until}; no message is lost. If this happens often, lower BOT_RATE_LIMIT."
        ),
        "alert_conflict": (
            "⚠️ <b>Another bot uses the same token</b>: Telegram cut this bot's update requests because another "
            "bot runs with this token. Two bots with one token send every reminder twice. Stop one of them "
            "(check other servers, or <code>systemctl status pilkada-bot</code>)."
        ),
        "outage_parts": {"delivery engine": "Message delivery", "scheduler": "The reminder scheduler"},
        "reload_refused": (
            "⚠️ <b>Schedule not reloaded</b>: the file <code>{file}</code> has {n} problem(s); the running "
            "schedule stays.\n{lines}\nFix the file, check it with <code>python bot.py check</code>, then reload again."
        ),
        "reload_new_election": (
            "⚠️ <b>Schedule not reloaded</b>: the file <code>{file}</code> is a new election, <b>{new}</b> "
            "(voting day {day}); this bot follows <b>{old}</b>. Nothing was sent; the running schedule stays.\n"
            "To switch: stop the bot, run <code>python bot.py new-election {file}</code>, change BOT_SCHEDULE, "
            "then start the bot again (README: Next election)."
        ),
        "handler_error": (
            "⚠️ <b>Error</b> in <code>{where}</code>: {error}. The user got an apology. "
            "Details are in the bot's log; the same error is not reported again for 10 minutes."
        ),
        # areas: the /siaran area step
        "areas_prompt": (
            "<b>New broadcast</b> to: {roles}\nChoose the areas: All areas, or some kecamatan "
            "(Villages › to choose villages). Then press Next.\nSelected: {areas}"
        ),
        "desa_prompt": "<b>{area}</b>: the whole kecamatan, or some villages. Then press Back.\nSelected: {areas}",
        "whole_area": "All of {area}",
        "areas_line": "Areas: {areas}",
        "report_author": "by {author}",
        "no_recipients_areas": (
            "<b>No recipients</b>: there are no active subscribers with the roles {roles} in {areas} yet, so "
            "this broadcast cannot be sent. Press Cancel, or /siaran to choose again."
        ),
        # areas: figures per kecamatan
        "stats_areas": "<b>Per kecamatan</b>: active ({roles})",
        "stats_areas_coverage": "<b>Per kecamatan</b>: active ({roles}), coverage of DPT",
        "stats_no_area": "No area",
        # pledges
        "stats_pledges": "<b>Voting buttons</b>: pressed / received the reminder",
        "stats_pledge_will_vote": "Will vote",
        "stats_pledge_voted": "Have voted",
        # broadcasts sent later ("Kirim nanti")
        "when": "{day} at {time} {zone}",
        "time_prompt": (
            "<b>Send later</b>\nType the date and time to send it ({zone}), for example <code>{example}</code>. "
            "Recipients are counted when the time comes."
        ),
        "time_confirm": (
            "<b>Send later</b>: {when}\nRecipients now: <b>{recipients}</b> ({roles}); counted again when the "
            "time comes, so people who subscribe before then get it too."
        ),
        "time_night_note": "🌙 That time is in the quiet hours ({start}–{end}), when reminders are not sent.",
        "night_question": (
            "🌙 <b>Send at night?</b>\n{when} is in the quiet hours ({start}–{end}): this message may wake "
            "recipients. Press «Yes, send at night» only if it must, or Change time."
        ),
        "scheduled": (
            "🕒 <b>{name}</b> scheduled: {when}.\nSee /rencana. Cancel it before it starts with the button below "
            "or <code>/batal {id}</code>."
        ),
        "scheduled_notice": (
            "🕒 <b>{name}</b> was approved by operator {who} and scheduled: {when}. Cancel it before it starts "
            "with <code>/batal {id}</code>."
        ),
        "approval_when": "Scheduled for: {when}",
        "unscheduled": "{name} cancelled before it started; nothing was sent (it was scheduled for {when}).",
        "already_started": "{name} has already started; it is not cancelled. To stop it: /batal {id}",
        "not_scheduled": "{name} is not scheduled ({state}); nothing was changed.",
        "time_format": "Time not recognised. Type a date and time, for example <code>{example}</code>.",
        "time_no_such_time": (
            "There is no such date or time: {text}. Type it again, for example <code>{example}</code>."
        ),
        "time_zone": "Type the time in {zone} (this election's time zone), without another zone.",
        "time_past": "That time has already passed (it is now {now}). Type a time to come.",
        "time_too_far": "Too far ahead: {limit} at the latest.",
    },
}


def _tpl(lang: str, key: str):
    return OP_TEMPLATES.get(lang, OP_TEMPLATES["id"])[key]


def outage_text(part: str, event: str, detail: str, lang: str = "id") -> str:
    """To operators: a part of the bot started failing ('down', detail = the error) or recovered
    ('up', detail = seconds it lasted)."""
    name = _tpl(lang, "outage_parts").get(part, part)
    if event == "down":
        return _tpl(lang, "outage_down").format(part=name, error=escape(detail[:200]))
    return _tpl(lang, "outage_up").format(part=name, seconds=detail)


def alert_text(kind: str, values: dict, lang: str = "id") -> str:
    """To operators: a condition to act on though the bot runs (see bot.delivery.health.Alerts)."""
    return _tpl(lang, f"alert_{kind}").format(**{k: escape(str(v)) for k, v in values.items()})


def reload_refused_text(file: str, problems: list[str], lang: str = "id", shown: int = 3) -> str:
    """To operators: a reload found the schedule file invalid; the first `shown` problems (the log has all)."""
    lines = [f"• {escape(schedule_problems.in_language(line, lang)[:300])}" for line in problems[:shown]]
    if len(problems) > shown:
        lines.append("…")
    return _tpl(lang, "reload_refused").format(file=escape(file), n=len(problems), lines="\n".join(lines))


def new_election_refused_text(file: str, old: str, new: str, voting_day: date | None, lang: str = "id") -> str:
    """To operators: a reload was given the next election's file, which only `new-election` loads."""
    day = long_date(voting_day, lang) if voting_day else "?"
    return _tpl(lang, "reload_new_election").format(file=escape(file), old=escape(old), new=escape(new), day=day)


def handler_error_text(where: str, error: str, lang: str = "id") -> str:
    """To operators: a handler or job failed with an exception of type `error` in function `where`."""
    return _tpl(lang, "handler_error").format(where=escape(where), error=escape(error))


def recipients_text(n: int, lang: str = "id") -> str:
    """'1 recipient', '2,000 recipients', '2.000 penerima'."""
    if _en(lang):
        return f"{num(n, lang)} recipient{'' if n == 1 else 's'}"
    return f"{num(n)} penerima"


def stats_text(
    s: dict, region: str, lang: str = "id", areas: list[dict] | None = None, pledges: list[dict] | None = None
) -> str:
    """/statistik: totals per role, then (given ``reports.area_figures``) the lines per kecamatan, then
    (given ``reports.pledge_figures``) the pledges."""
    short = ROLE_SHORT.get(lang, ROLE_SHORT["id"])
    lines = [_tpl(lang, "stats_title").format(region=escape(region)), ""]
    lines += [f"{short.get(role, role)}: <b>{num(n, lang)}</b>" for role, n in s["active"].items()]
    lines.append(
        _tpl(lang, "stats_totals").format(
            total=num(s["total_active"], lang),
            stopped=num(s["stopped"], lang),
            blocked=num(s["blocked"], lang),
            today=num(s["new_today"], lang),
            days=num(s["new_days"], lang),
        )  # fmt: skip
    )
    if areas and (len(areas) > 1 or areas[0]["id"] is not None):  # not only "no area": the file has areas
        lines += ["", *area_stats_lines(areas, list(s["active"]), lang)]
    if pledges:
        lines += ["", *pledge_stats_lines(pledges, lang)]
    return "\n".join(lines)


# areas: figures per kecamatan
def area_stats_lines(areas: list[dict], roles: list[str], lang: str = "id") -> list[str]:
    """One line per kecamatan: active subscribers, the count per role, and coverage where the DPT is known.

    ``areas`` as ``reports.area_figures`` gives them; the one with id None is people without an area.
    """
    short = ROLE_SHORT.get(lang, ROLE_SHORT["id"])
    names = " · ".join(escape(str(short.get(r, r))) for r in roles)
    any_voters = any(a["coverage"] is not None for a in areas)
    lines = [_tpl(lang, "stats_areas_coverage" if any_voters else "stats_areas").format(roles=names)]
    for a in areas:
        name = escape(a["name"]) if a["id"] is not None else f"<i>{_tpl(lang, 'stats_no_area')}</i>"
        per_role = " · ".join(num(a["roles"].get(r, 0), lang) for r in roles)
        line = f"{name}: <b>{num(a['count'], lang)}</b> ({per_role})"
        if a["coverage"] is not None:
            line += f", {percent(a['coverage'], lang)}"
        lines.append(line)
    return lines


CHART_WORDS = {
    "id": {
        "title": "Statistik {region}\nper {stamp}",
        "growth": "{role}: {count} pelanggan aktif",
        "growth_empty": "Pelanggan aktif per peran",
        "bars": "Hasil siaran terakhir",
        "empty": "Belum ada data",
        "date": "Tanggal",
        "messages": "Jumlah pesan",
        # The words of /laporan's progress lines, so the legend and the text agree.
        "outcomes": {
            "sent": "Terkirim", "blocked": "Memblokir", "failed": "Gagal", "expired": "Kedaluwarsa",
            "cancelled": "Dibatalkan", "pending": "Belum terkirim",
        },
        # areas: figures per kecamatan
        "areas_coverage": "Cakupan per kecamatan (aktif / DPT)",
        "areas_count": "Pelanggan aktif per kecamatan",
        "coverage_axis": "Cakupan (% DPT)",
        "subscribers_axis": "Pelanggan aktif",
        "no_area": "tanpa wilayah: {count}",
    },
    "en": {
        "title": "{region} statistics\nas of {stamp}",
        "growth": "{role}: {count} active subscribers",
        "growth_empty": "Active subscribers per role",
        "bars": "Latest broadcast results",
        "empty": "No data yet",
        "date": "Date",
        "messages": "Messages",
        "outcomes": {
            "sent": "Sent", "blocked": "Blocked", "failed": "Failed", "expired": "Expired",
            "cancelled": "Cancelled", "pending": "Not yet sent",
        },
        # areas: figures per kecamatan
        "areas_coverage": "Coverage per kecamatan (active / DPT)",
        "areas_count": "Active subscribers per kecamatan",
        "coverage_axis": "Coverage (% of DPT)",
        "subscribers_axis": "Active subscribers",
        "no_area": "no area: {count}",
    },
}  # fmt: skip


def chart_words(lang: str = "id") -> dict:
    """Every word the /statistik chart draws, in ``lang``: titles, axes, roles, months, outcomes."""
    words = dict(CHART_WORDS["en" if _en(lang) else "id"])
    words["roles"] = ROLE_SHORT["en" if _en(lang) else "id"]
    words["lang"] = "en" if _en(lang) else "id"
    return words


def chart_title(region: str, moment, lang: str = "id") -> str:
    """'Statistik Tulungagung / per 28-11-2026 14.05': the chart says when its figures were taken."""
    return chart_words(lang)["title"].format(region=region, stamp=stamp(moment, lang))


def headline(text: str) -> str:
    """The first visible line of a Telegram HTML text, without tags and leading emoji: a title."""
    from bot.content import telegram_html

    first = text.lstrip()
    cut = first.find("\n")
    if cut > 0:  # most texts' first line parses alone: much less work than the whole text (/laporan lists 500)
        try:
            line = _title_line(telegram_html.parse(first[:cut], strict=False).text)
        except telegram_html.HtmlError:  # e.g. a tag closed on a later line
            line = ""
        if line:
            return line
    try:
        visible = telegram_html.parse(text, strict=False).text
    except telegram_html.HtmlError:
        visible = text
    return _title_line(visible)


def _title_line(visible: str) -> str:
    line = next((ln.strip() for ln in visible.splitlines() if ln.strip()), "")
    line = "".join(c for c in line if ord(c) <= 0xFFFF and not 0x2600 <= ord(c) <= 0x27BF and c != "\ufe0f")
    return line.strip(" -·:")


TITLE_CHARS = 48  # a broadcast's title in /laporan and /rencana: one line on a phone


def short_title(title: str, limit: int = TITLE_CHARS) -> str:
    """``title`` cut at a word boundary to at most ``limit`` characters, ending in '…' when cut."""
    if len(title) <= limit:
        return title
    head = title[: limit - 1]
    cut = head.rsplit(" ", 1)[0] if " " in head[limit // 2 :] else head
    return cut.rstrip(" ,.;:-·") + "…"


def broadcast_title(broadcast_id: str, text: str, text_en: str | None, schedule: Schedule, lang: str = "id") -> str:
    """What a broadcast is about, in plain text: the first line of the text it sent (HTML stripped),
    'Ralat: <stage name>' for a correction; a reminder whose text has no words goes by its title
    in the schedule, else its id."""
    if broadcast_id.startswith("ralat:"):
        return broadcast_label(broadcast_id, schedule, lang)
    sent = text_en if _en(lang) and text_en else text
    return headline(sent) or broadcast_label(broadcast_id, schedule, lang)


KIND_WORDS = {
    st.REMINDER: ("Pengingat", "Reminder"),
    st.ADHOC: ("Siaran", "Broadcast"),
    st.CORRECTION: ("Ralat", "Correction"),
}


def kind_word(kind: str, lang: str = "id") -> str:
    """A broadcast's kind in words: 'Pengingat', 'Siaran', 'Ralat'."""
    words = KIND_WORDS.get(kind)
    return (words[1] if _en(lang) else words[0]) if words else kind


def state_word(status: str, lang: str = "id") -> str:
    """A broadcast's status as /laporan says it: 'selesai', 'sedang dikirim'."""
    return _tpl(lang, "states").get(status, status)


def ask_word(ask: str, lang: str = "id") -> str:
    """A pledge button as /statistik names it: 'Akan memilih', 'Sudah memilih'."""
    return _tpl(lang, f"stats_pledge_{ask}")


def operator_label(actor: str, names: dict[str, str]) -> str:
    """An operator as /audit and /laporan show them, in plain text: 'Siti (123456)' when the bot
    knows the name of user id ``actor``, else ``actor`` as recorded (an id, or 'cli:<user>')."""
    name = names.get(actor)
    return f"{name} ({actor})" if name else actor


def broadcast_label(broadcast_id: str, schedule: Schedule, lang: str = "id") -> str:
    """A broadcast as a person names it, in plain text: the reminder's title, 'Siaran 3',
    'Ralat: <stage name>'. An id the schedule no longer has is shown whole, never cut."""
    prefix, sep, rest = broadcast_id.partition(":")
    words = BROADCAST_WORDS.get(prefix) if sep and rest else None
    if words is not None:
        word = words[1] if _en(lang) else words[0]
        if prefix == "ralat":
            stage = next((s for s in schedule.stages if s.id == rest.split(":")[0]), None)
            return f"{word}: {stage_name(stage, lang)}" if stage else f"{word}: {rest}"
        return f"{word} {rest}"
    series = broadcast_id.partition("@")[0]
    reminder = next((r for r in schedule.reminders if r.id == broadcast_id), None) or next(
        (r for r in schedule.reminders if r.series and r.series == series), None
    )  # a past occurrence of a repeating reminder keeps its series' title
    if reminder is None:
        return broadcast_id
    return headline(reminder.text_en if _en(lang) and reminder.text_en else reminder.text) or broadcast_id


def draft_roles_prompt(roles, lang: str = "id") -> str:
    return _tpl(lang, "roles_prompt").format(roles=roles_text(roles, lang))


def draft_text_prompt(roles, lang: str = "id", area_names: list[str] | None = None) -> str:
    return _with_areas(_tpl(lang, "text_prompt").format(roles=roles_text(roles, lang)), area_names, lang)


def draft_refused(reason: str, lang: str = "id") -> str:
    return _tpl(lang, "refused").format(reason=escape(reason))


def preview_summary(
    roles, recipients: int, seconds: float, rate: float, approvals: int, lang: str = "id",
    area_names: list[str] | None = None,
) -> str:  # fmt: skip
    """``area_names`` None: the schedule lists no areas, so the preview does not mention them."""
    text = _tpl(lang, "preview").format(
        recipients=num(recipients, lang),
        roles=roles_text(roles, lang),
        duration=duration(seconds, lang),
        rate=decimal(rate, lang),
    )
    text = _with_areas(text, area_names, lang)
    return text + "\n" + _tpl(lang, "preview_approval") if approvals > 1 else text


def no_recipients_text(roles, lang: str = "id", area_names: list[str] | None = None) -> str:
    """The preview's summary when the chosen roles (in the chosen areas) have no active subscriber."""
    if area_names:
        return _tpl(lang, "no_recipients_areas").format(
            roles=roles_text(roles, lang), areas=areas_text(area_names, lang)
        )
    return _tpl(lang, "no_recipients").format(roles=roles_text(roles, lang))


def progress_text(f: dict, tz, lang: str = "id") -> str:
    counts = {k: num(f[k], lang) for k in ("sent", "total", "blocked", "failed", "expired", "cancelled")}
    state = _tpl(lang, "states").get(f["status"], f["status"])
    name = broadcast_name(f["id"], lang)
    if f["status"] in st.NEVER_STARTED:  # sent later: no counts yet (or ever), only its time
        scheduled = _tpl(lang, "progress_scheduled").format(at=stamp_at(f["at"], tz, lang))
        return f"<b>{name}</b> · {state}\n{scheduled}"
    lines = [_tpl(lang, "progress").format(name=name, state=state, percent=f["percent"], **counts)]
    if f.get("waiting_network"):
        lines.append(_tpl(lang, "progress_network").format(waiting=num(f["waiting_network"], lang)))
    if f["status"] != st.DONE:
        rate = decimal(f["rate"], lang, places=1)
        lines.append(_tpl(lang, "progress_running").format(rate=rate, eta=stamp_at(f["eta"], tz, lang)))
    else:
        lines.append(_tpl(lang, "progress_done").format(finished=stamp_at(f["finished_at"], tz, lang)))
    return "\n".join(lines)


def report_about(f: dict, lang: str = "id") -> list[str]:
    """The lines that say what a broadcast was: its title (shortened for a phone), then its areas
    (``area_names``: None when the schedule has no areas) and its author, when known."""
    lines = [escape(short_title(f["title"]))] if f.get("title") else []
    about = [areas_line(f["area_names"], lang)] if f.get("area_names") is not None else []
    about += [_tpl(lang, "report_author").format(author=escape(f["author"]))] if f.get("author") else []
    return lines + ([" · ".join(about)] if about else [])


def report_list_pages(items: list[dict], tz, lang: str = "id") -> list[str]:
    """/laporan: the latest broadcasts, newest first, as pages; each with what :func:`report_about` says."""
    if not items:
        return [_tpl(lang, "reports_none")]
    return pages.paginate([report_item(f, tz, lang) for f in items], _tpl(lang, "reports_title"),
                          _tpl(lang, "reports_hint"))  # fmt: skip


def report_item(f: dict, tz, lang: str = "id") -> str:
    """One broadcast of /laporan: id, day, copies sent; then its title, areas and author, indented."""
    if f["status"] in st.NEVER_STARTED:  # scheduled, or cancelled or expired before it started
        state = _tpl(lang, "states")[f["status"]]
        line = _tpl(lang, "reports_line_unsent").format(id=escape(f["id"]), at=stamp_at(f["at"], tz, lang), state=state)
    else:
        line = _tpl(lang, "reports_line").format(
            id=escape(f["id"]), created=stamp_at(f["created_at"], tz, lang), sent=num(f["sent"], lang),
            total=num(f["total"], lang),
        )  # fmt: skip
    return "\n  ".join([line, *report_about(f, lang)])


def report_detail(f: dict, tz, lang: str = "id") -> str:
    """/laporan ID: the progress of one broadcast, then what it was about."""
    return "\n".join([progress_text(f, tz, lang), *report_about(f, lang)])


def audit_lines(rows: list[dict], tz, lang: str = "id", names: dict[str, str] | None = None) -> list[str]:
    """One line per audit trail entry; an operator whose name the bot knows is 'Siti (123456)'."""
    lines = []
    for r in rows:
        subject = f" {escape(r['subject'])}" if r["subject"] else ""
        detail = f" ({escape(r['detail'])})" if r["detail"] else ""
        actor = escape(operator_label(r["actor"], names or {}))
        lines.append(f"{stamp_at(r['at'], tz, lang)} · {actor} · {escape(r['action'])}{subject}{detail}")
    return lines


def audit_pages(rows: list[dict], tz, lang: str = "id", names: dict[str, str] | None = None) -> list[str]:
    """/audit: the audit trail, newest first, as pages."""
    if not rows:
        return [_tpl(lang, "audit_none")]
    return pages.paginate(audit_lines(rows, tz, lang, names), _tpl(lang, "audit_title"))


def plan_items(rows, tz, lang: str = "id", areas: tuple = ()) -> list[str]:
    """One item per reminder of /rencana: its title (the first line of its text) and line, its areas
    if it has some (``areas``: the schedule's, to name them), and a warning line when it is late."""
    items = []
    for row in rows:
        r = row.reminder
        if row.finish:
            finish = _tpl(lang, "plan_finish").format(at=stamp(row.finish.astimezone(tz), lang, year=False))
        else:
            finish = _tpl(lang, "plan_not_all")
        title = escape(short_title(headline(r.text_en if _en(lang) and r.text_en else r.text) or r.id))
        head = f"<b>{title}</b>"
        if row.adhoc:
            head = _tpl(lang, "plan_adhoc").format(name=broadcast_name(r.id, lang))
        item = _tpl(lang, "plan_line").format(
            head=head,
            at=stamp(r.at, lang),
            roles=roles_text(r.roles, lang),
            recipients=recipients_text(row.recipients, lang),
            duration=duration(row.duration, lang),
            finish=finish,
        )  # fmt: skip
        if r.areas:
            item += "\n  " + areas_line([area_refs.ref_name(areas, ref) for ref in r.areas], lang)
        if row.adhoc:
            item += f"\n  «{escape(first_line(r.text))}»\n" + _tpl(lang, "plan_adhoc_cancel").format(id=escape(r.id))
        if row.late:
            item += "\n" + _tpl(lang, "plan_late").format(
                reached=num(row.by_deadline, lang),
                total=num(row.recipients, lang),
                share=decimal(100 * row.by_deadline / row.recipients, lang, places=1) + "%",
                deadline=time_of_day(r.deliver_by, lang),
            )  # fmt: skip
        items.append(item)
    return items


def plan_pages(rows, rate: float, tz, lang: str = "id", areas: tuple = ()) -> list[str]:
    """/rencana as pages: the same numbers as `python bot.py plan`; a reminder is never cut in two."""
    if not rows:
        return [_tpl(lang, "plan_none")]
    return pages.paginate(
        plan_items(rows, tz, lang, areas), _tpl(lang, "plan_title").format(rate=decimal(rate, lang)) + "\n"
    )


def plan_text(rows, rate: float, tz, lang: str = "id", areas: tuple = ()) -> str:
    """/rencana in one piece, which may be longer than a message: the bot sends :func:`plan_pages`."""
    if not rows:
        return _tpl(lang, "plan_none")
    return "\n".join(
        [_tpl(lang, "plan_title").format(rate=decimal(rate, lang)), "", *plan_items(rows, tz, lang, areas)]
    )


def approval_request(
    author: str, roles, recipients: int, lang: str = "id", area_names: list[str] | None = None, at=None
) -> str:
    """The request to approve a broadcast, ``author`` as `operator_label` names them ('Siti (123456)');
    ``at`` (an aware datetime): it is to be sent then, not at once."""
    text = _tpl(lang, "approval").format(
        author=escape(author), recipients=recipients_text(recipients, lang), roles=roles_text(roles, lang)
    )
    text = _with_areas(text, area_names, lang)
    return text if at is None else text + "\n" + _tpl(lang, "approval_when").format(when=send_when(at, lang))


def cancelled_broadcast(broadcast_id: str, dropped: int, sent: int, lang: str = "id") -> str:
    return _tpl(lang, "stopped").format(
        name=broadcast_name(broadcast_id, lang), dropped=num(dropped, lang), sent=num(sent, lang)
    )


# -- broadcasts sent later ("Kirim nanti")


def first_line(text: str, limit: int = 60) -> str:
    """The first visible line of a broadcast's text, cut to `limit` characters: what names it in a plan."""
    return short_title(headline(text), limit)


def zone_of(timezone: str) -> str:
    """WIB, WITA, WIT (else the zone's name): how the time zone of the election is written."""
    from bot.content.formats import zone_abbreviation

    return zone_abbreviation(timezone)


def send_when(at, lang: str = "id") -> str:
    """'Jumat, 26 November 2027 pukul 19.00 WIB' / 'Friday, 26 November 2027 at 19:00 WIB'."""

    zone = zone_of(getattr(at.tzinfo, "key", str(at.tzinfo)))
    return _tpl(lang, "when").format(
        day=long_date(at.date(), lang), time=time_of_day(at.time(), lang), zone=escape(zone)
    )


def _quiet_hours(lang: str) -> dict:
    from bot.schedule.model import QUIET_END, QUIET_START

    return {"start": time_of_day(QUIET_START, lang), "end": time_of_day(QUIET_END, lang)}


def time_prompt(zone: str, example: str, lang: str = "id") -> str:
    """Asks for the send time after "Kirim nanti"."""
    return _tpl(lang, "time_prompt").format(zone=escape(zone), example=escape(example))


def time_confirm(
    at, roles, recipients: int, night: bool, lang: str = "id", area_names: list[str] | None = None
) -> str:  # fmt: skip
    """The typed time as the bot understood it, before the operator confirms it."""
    text = _tpl(lang, "time_confirm").format(
        when=send_when(at, lang), recipients=num(recipients, lang), roles=roles_text(roles, lang)
    )
    text = _with_areas(text, area_names, lang)
    return text + "\n" + _tpl(lang, "time_night_note").format(**_quiet_hours(lang)) if night else text


def night_question(at, lang: str = "id") -> str:
    """The second confirmation a time in the quiet hours needs."""
    return _tpl(lang, "night_question").format(when=send_when(at, lang), **_quiet_hours(lang))


def scheduled_text(broadcast_id: str, at, lang: str = "id", approved_by: int | None = None) -> str:
    """To the author: the broadcast is scheduled (``approved_by``: after that operator's approval)."""
    values = {"name": broadcast_name(broadcast_id, lang), "when": send_when(at, lang), "id": escape(broadcast_id)}
    if approved_by is not None:
        return _tpl(lang, "scheduled_notice").format(who=approved_by, **values)
    return _tpl(lang, "scheduled").format(**values)


def unscheduled_text(broadcast_id: str, at, lang: str = "id") -> str:
    return _tpl(lang, "unscheduled").format(name=broadcast_name(broadcast_id, lang), when=send_when(at, lang))


def not_unscheduled_text(broadcast_id: str, status: str, lang: str = "id") -> str:
    """Why a scheduled broadcast was not cancelled: it started, or it ended unsent before (plain text)."""
    name = broadcast_name(broadcast_id, lang)
    if status in st.UNFINISHED or status == st.DONE:
        return _tpl(lang, "already_started").format(name=name, id=broadcast_id)
    return _tpl(lang, "not_scheduled").format(name=name, state=_tpl(lang, "states").get(status, status))


def bad_send_time(reason: str, values: dict, example: str, lang: str = "id") -> str:
    """Why a typed send time is refused (``reason`` and ``values`` of a ``send_time.BadTime``)."""
    shown = {k: stamp(v, lang) if hasattr(v, "tzinfo") else escape(str(v)) for k, v in values.items()}
    return _tpl(lang, f"time_{reason}").format(example=escape(example), **shown)


# -- areas: the subscriber's kecamatan/desa step


def area_label(schedule: Schedule, area: str | None, desa: str | None = None) -> str | None:
    """'Kedungwaru' or 'Bangoan, Kedungwaru' (escaped), or None without a kecamatan."""
    from bot.schedule.areas import join_ref, ref_name

    ref = join_ref(area, desa)
    return escape(ref_name(schedule.areas, ref)) if ref else None


def area_saved_text(schedule: Schedule, area: str, desa: str | None, lang: str = "id") -> str:
    return say(lang, "area_saved", area=area_label(schedule, area, desa))


def desa_prompt_text(schedule: Schedule, area: str, lang: str = "id") -> str:
    return say(lang, "desa_prompt", area=area_label(schedule, area))


def area_command_text(schedule: Schedule, area: str | None, desa: str | None, lang: str = "id") -> str:
    """/wilayah: the area stored now, then the question."""
    label = area_label(schedule, area, desa)
    now = say(lang, "area_current", area=label) if label else say(lang, "area_unset")
    return f"{now}\n\n{say(lang, 'area_change_prompt')}"


# -- areas: the /siaran area step -------------------------------------------------------------------------

AREAS_SHOWN = 10  # names listed before "+N more": a regency-wide choice still fits a phone screen


def areas_text(names: list[str], lang: str = "id", shown: int = AREAS_SHOWN) -> str:
    """'Kedungwaru, Bangoan (Ngunut)'; 'semua wilayah' for none; long lists end in '+N lainnya'."""
    if not names:
        return op_say(lang, "all_areas")
    text = ", ".join(escape(n) for n in names[:shown])
    return text + (" " + op_say(lang, "more_areas", n=len(names) - shown) if len(names) > shown else "")


def areas_line(names: list[str], lang: str = "id") -> str:
    return _tpl(lang, "areas_line").format(areas=areas_text(names, lang))


def _with_areas(text: str, area_names: list[str] | None, lang: str) -> str:
    return text if area_names is None else text + "\n" + areas_line(area_names, lang)


def draft_areas_prompt(roles, area_names: list[str], lang: str = "id") -> str:
    return _tpl(lang, "areas_prompt").format(roles=roles_text(roles, lang), areas=areas_text(area_names, lang))


def draft_desa_prompt(area_name: str, area_names: list[str], lang: str = "id") -> str:
    return _tpl(lang, "desa_prompt").format(area=escape(area_name), areas=areas_text(area_names, lang))


def whole_area_label(area_name: str, lang: str = "id") -> str:
    return _tpl(lang, "whole_area").format(area=area_name)


# -- pledges -------------------------------------------------------------------------------


def _part(part: dict, lang: str) -> str:
    """'5/40 (12,5%)': pledges, recipients and the share (no share when nobody received it)."""
    text = f"{num(part['pledged'], lang)}/{num(part['received'], lang)}"
    return text if part["share"] is None else f"{text} ({percent(part['share'], lang)})"


def pledge_stats_lines(pledges: list[dict], lang: str = "id") -> list[str]:
    """The /statistik lines of ``reports.pledge_figures``: per ask the total, one line per role and
    one for the kecamatan (only those with a recipient or a pledge), kept short for a phone."""
    short = ROLE_SHORT.get(lang, ROLE_SHORT["id"])
    lines = [_tpl(lang, "stats_pledges")]
    for f in pledges:
        lines.append(f"✅ {_tpl(lang, 'stats_pledge_' + f['ask'])}: <b>{_part(f, lang)}</b>")
        lines.append(" · ".join(f"{escape(short.get(r['role'], r['role']))} {_part(r, lang)}" for r in f["roles"]))
        if f["areas"]:
            no_area = _tpl(lang, "stats_no_area")
            lines.append(
                " · ".join(f"{escape(a['name']) if a['id'] else no_area} {_part(a, lang)}" for a in f["areas"])
            )
    return lines


# -- FAQ answers ---------------------------------------------------------------


def faq_not_found_text(
    lang: str = "id", contact: str | None = None, suggestions: bool = False, phone: str | None = None
) -> str:
    """The reply to a question the FAQ cannot answer: /bantuan, the commission's contact and phone
    number ([election] phone, when the schedule gives one), maybe buttons."""
    lines = [say(lang, "faq_not_found")]
    if contact:
        lines.append(say(lang, "faq_contact", contact=contact))
    if phone:
        lines.append(say(lang, "faq_phone", phone=escape(phone)))
    if suggestions:
        lines.append(say(lang, "faq_maybe"))
    return "\n".join(lines)


def faq_button_label(question: str, limit: int = 60) -> str:
    """An example question as a button label: plain text, at most ``limit`` characters."""
    question = " ".join(question.split())
    return question if len(question) <= limit else question[: limit - 1].rstrip() + "…"


def unanswered_lines(rows: list[tuple[str, int, float]], lang: str = "id") -> list[str]:
    """/pertanyaan: one line per stored question, "12× kapan coblosan"."""
    return [f"{num(count, lang)}× {escape(text)}" for text, count, _ in rows]


def unanswered_pages(rows: list[tuple[str, int, float]], lang: str = "id") -> list[str]:
    """/pertanyaan as pages of one message each."""
    if not rows:
        return [op_say(lang, "questions_none")]
    return pages.paginate(unanswered_lines(rows, lang), op_say(lang, "questions_title"))


# -- the commission's channel -----------------------------------------------------------------------

# A subscriber command as a word of its own: not part of a link (t.me/x), a path or a /cmd@bot.
_COMMAND = re.compile(r"(?<![\w/.:@\"'=])/(" + "|".join(name for name, _ in COMMANDS["id"]) + r")(?![\w@])")
LONGEST_USERNAME = "x" * 32  # Telegram bot usernames have at most 32 characters: `check` measures with it


def channel_text(text: str, username: str | None) -> str:
    """The channel's copy of a reminder text: "/tps" becomes "/tps di @bot", since channel readers
    cannot send commands there. Telegram links the @name, so one tap opens the bot; without a
    username the text is unchanged."""
    if not username:
        return text
    return _COMMAND.sub(lambda m: f"{m.group(0)} di @{username}", text)
