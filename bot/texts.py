"""Everything the bot says to people, rendered from plain data (Telegram HTML).

Indonesian first; every subscriber-facing text also exists in English (``lang="en"``), chosen
from the person's Telegram language or /bahasa. No Telegram objects here: functions take the
schedule, dates and roles and return strings, so they are tested without a network. Election
facts live in the schedule file, not here.
"""

from __future__ import annotations

from datetime import date
from html import escape

from bot.schedule import Schedule, Stage

LANGS = ("id", "en")
DAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS = {
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni",
           "Juli", "Agustus", "September", "Oktober", "November", "Desember"),
    "en": ("January", "February", "March", "April", "May", "June",
           "July", "August", "September", "October", "November", "December"),
}  # fmt: skip

ROLE_NAMES = {
    "id": {"asn": "ASN (Aparatur Sipil Negara)", "kades": "Kepala Desa & Perangkat Desa", "pemilih": "Pemilih"},
    "en": {"asn": "Civil servant (ASN)", "kades": "Village head & village staff", "pemilih": "Voter"},
}
ROLE_BUTTONS = {
    "id": {"asn": "ASN", "kades": "Kepala Desa & Perangkat Desa", "pemilih": "Pemilih"},
    "en": {"asn": "Civil servant (ASN)", "kades": "Village head & staff", "pemilih": "Voter"},
}

DONE, CURRENT, UPCOMING = "done", "current", "upcoming"
MARKS = {DONE: "✅", CURRENT: "▶️", UPCOMING: "🗓"}

STRINGS = {
    "id": {
        "state_done": "selesai",
        "state_current": "sedang berlangsung",
        "state_upcoming": "akan datang",
        "legend": "✅ selesai · ▶️ berlangsung · 🗓 akan datang",
        "schedule_title": "Jadwal",
        "today": "hari ini",
        "all_over": "Semua tahapan telah selesai. Terima kasih atas partisipasi Anda.",
        "none_new": "Tidak ada tahapan baru yang akan dimulai.",
        "next_stage": "Tahapan berikutnya",
        "welcome": (
            "Selamat datang di layanan pengingat <b>{name}</b> {region}.\n\n"
            "Bot ini mengirim jadwal tahapan, aturan netralitas, dan pengingat hari pemungutan suara. "
            "Kami hanya menyimpan ID chat, peran, bahasa, dan tanggal berlangganan Anda (/privasi).\n\n"
            "Silakan pilih peran Anda:"
        ),
        "already": "Anda sudah berlangganan sebagai <b>{role}</b>.\nIngin mengganti peran? Pilih di bawah ini.",
        "choose_role": "Pilih peran Anda:",
        "subscribed": (
            "Terima kasih. Anda terdaftar sebagai <b>{role}</b>.\n"
            "Anda akan menerima pengingat sesuai peran Anda.\n\n{next}\n\n"
            "Ketik /jadwal untuk semua tahapan, /bantuan untuk daftar perintah."
        ),
        "page_missing": "Informasi ini belum tersedia. Ketik /jadwal untuk jadwal tahapan.",
        "not_subscribed_hint": "\n\n<i>Anda belum berlangganan. Ketik /start untuk memilih peran.</i>",
        "stopped": (
            "Anda berhenti berlangganan. Bot tidak akan mengirim pesan lagi.\n"
            "Ketik /start kapan saja untuk berlangganan kembali, atau /hapus untuk menghapus data Anda."
        ),
        "not_a_subscriber": "Anda belum berlangganan. Ketik /start untuk memilih peran.",
        "deleted": (
            "Semua data Anda (ID chat, peran, bahasa, dan catatan pengiriman) telah dihapus.\n"
            "Ketik /start jika ingin berlangganan lagi."
        ),
        "unknown_command": "Perintah tidak dikenal. Ketik /bantuan untuk daftar perintah.",
        "free_text": "Maaf, bot ini tidak membaca pesan bebas. Ketik /bantuan untuk daftar perintah.",
        "stale_button": "Tombol ini sudah tidak berlaku. Ketik /start untuk memulai lagi.",
        "error": "Maaf, terjadi kesalahan. Silakan coba lagi sebentar lagi.",
        "help_title": "Daftar perintah",
        "help_aliases": "/stop sama dengan /berhenti, /help sama dengan /bantuan.",
        "language_prompt": "Pilih bahasa / Choose a language:",
        "language_set": "Bahasa diubah ke Bahasa Indonesia.",
        "calendar_button": "📅 Tambah ke kalender",
        "calendar_caption": "Jadwal tahapan untuk kalender ponsel Anda. Buka berkasnya untuk menambahkan.",
        "privacy": (
            "<b>Privasi</b>\n"
            "Bot ini hanya menyimpan: ID chat Telegram, peran yang Anda pilih, bahasa, tanggal berlangganan, "
            "dan catatan pesan yang dikirim kepada Anda. Kami <b>tidak</b> menyimpan NIK, nomor telepon, "
            "alamat, atau nama.\n"
            "Data dipakai hanya untuk mengirim informasi pemilihan, sesuai semangat UU 27/2022 tentang "
            "Pelindungan Data Pribadi.\n"
            "/berhenti menghentikan pesan; /hapus menghapus semua data Anda seketika."
        ),
    },
    "en": {
        "state_done": "done",
        "state_current": "under way",
        "state_upcoming": "upcoming",
        "legend": "✅ done · ▶️ under way · 🗓 upcoming",
        "schedule_title": "Schedule",
        "today": "today",
        "all_over": "All stages are over. Thank you for taking part.",
        "none_new": "No further stage is about to start.",
        "next_stage": "Next stage",
        "welcome": (
            "Welcome to the <b>{name}</b> reminder service of {region}.\n\n"
            "This bot sends the stage dates, neutrality rules and voting-day reminders. "
            "We store only your chat id, role, language and subscription date (/privasi).\n\n"
            "Please choose your role:"
        ),
        "already": "You are subscribed as <b>{role}</b>.\nWant to change your role? Choose below.",
        "choose_role": "Choose your role:",
        "subscribed": (
            "Thank you. You are registered as <b>{role}</b>.\n"
            "You will receive the reminders for your role.\n\n{next}\n\n"
            "Type /jadwal for all stages, /help for the commands."
        ),
        "page_missing": "This information is not available yet. Type /jadwal for the stage dates.",
        "not_subscribed_hint": "\n\n<i>You are not subscribed. Type /start to choose a role.</i>",
        "stopped": (
            "You have unsubscribed. The bot will not send you messages any more.\n"
            "Type /start any time to subscribe again, or /hapus to delete your data."
        ),
        "not_a_subscriber": "You are not subscribed. Type /start to choose a role.",
        "deleted": (
            "All your data (chat id, role, language and delivery records) has been deleted.\n"
            "Type /start if you want to subscribe again."
        ),
        "unknown_command": "Unknown command. Type /help for the list of commands.",
        "free_text": "Sorry, this bot does not read free text. Type /help for the list of commands.",
        "stale_button": "This button is no longer valid. Type /start to begin again.",
        "error": "Sorry, something went wrong. Please try again in a moment.",
        "help_title": "Commands",
        "help_aliases": "/stop is the same as /berhenti, /help the same as /bantuan.",
        "language_prompt": "Pilih bahasa / Choose a language:",
        "language_set": "Language changed to English.",
        "calendar_button": "📅 Add to calendar",
        "calendar_caption": "The stage dates for your phone's calendar. Open the file to add them.",
        "privacy": (
            "<b>Privacy</b>\n"
            "This bot stores only: your Telegram chat id, the role you chose, your language, the date you "
            "subscribed and a record of the messages sent to you. We do <b>not</b> store national id numbers "
            "(NIK), phone numbers, addresses or names.\n"
            "The data is used only to send election information, in the spirit of Indonesia's personal data "
            "protection law (UU 27/2022).\n"
            "/berhenti stops the messages; /hapus deletes all your data at once."
        ),
    },
}

COMMANDS = {
    "id": (
        ("start", "Mulai dan pilih peran"),
        ("jadwal", "Jadwal tahapan pemilihan"),
        ("tps", "Panduan hari pemungutan suara"),
        ("netralitas", "Aturan netralitas sesuai peran"),
        ("peran", "Ganti peran"),
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
        ("bahasa", "Change language / bahasa"),
        ("privasi", "What data is stored"),
        ("berhenti", "Stop receiving messages"),
        ("hapus", "Delete all your data"),
        ("bantuan", "List of commands"),
    ),
}


def lang_of(code: str | None) -> str:
    """'en' for English Telegram clients, else Indonesian (the default)."""
    return "en" if (code or "").lower().startswith("en") else "id"


def say(lang: str, key: str, **values) -> str:
    text = STRINGS.get(lang, STRINGS["id"])[key]
    return text.format(**values) if values else text


def long_date(d: date, lang: str = "id") -> str:
    """'Rabu, 27 November 2024' / 'Wednesday, 27 November 2024'."""
    return f"{DAYS[lang][d.weekday()]}, {d.day} {MONTHS[lang][d.month - 1]} {d.year}"


def date_range(start: date, end: date, lang: str = "id") -> str:
    """One day in long form, or 'Rabu, 25 September – Sabtu, 23 November 2024'."""
    if start == end:
        return long_date(start, lang)
    if start.year == end.year:
        return f"{DAYS[lang][start.weekday()]}, {start.day} {MONTHS[lang][start.month - 1]} – {long_date(end, lang)}"
    return f"{long_date(start, lang)} – {long_date(end, lang)}"


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


def schedule_text(schedule: Schedule, today: date, lang: str = "id") -> str:
    """The /jadwal answer: every stage, its dates and state, and a countdown to the next."""
    e = schedule.election
    lines = [
        f"<b>{say(lang, 'schedule_title')} {escape(e.name)}</b>",
        f"{escape(e.region)} · {say(lang, 'today')} {long_date(today, lang)}",
        "",
    ]
    following = next_stage(schedule, today)
    for stage in sorted(schedule.stages, key=lambda s: (s.start, s.end)):
        state = stage_state(stage, today)
        note = say(lang, f"state_{state}")
        if following is not None and stage.id == following.id:
            note += f", {countdown(stage, today)}"
        lines.append(f"{MARKS[state]} <b>{escape(stage_name(stage, lang))}</b>")
        lines.append(f"    {date_range(stage.start, stage.end, lang)} ({note})")
    lines += ["", next_stage_line(schedule, today, lang), say(lang, "legend")]
    return "\n".join(lines)


def welcome_text(schedule: Schedule, lang: str = "id") -> str:
    e = schedule.election
    return say(lang, "welcome", name=escape(e.name), region=escape(e.region))


def already_subscribed_text(role: str, lang: str = "id") -> str:
    return say(lang, "already", role=escape(ROLE_NAMES[lang][role]))


def subscribed_text(role: str, schedule: Schedule, today: date, lang: str = "id") -> str:
    return say(lang, "subscribed", role=escape(ROLE_NAMES[lang][role]), next=next_stage_line(schedule, today, lang))


def page_text(schedule: Schedule, key: str, lang: str = "id") -> str:
    text = (schedule.pages.get(f"{key}_en") if lang == "en" else None) or schedule.pages.get(key)
    return text if text else say(lang, "page_missing")


def netralitas_key(role: str | None) -> str:
    return f"netralitas_{role or 'pemilih'}"


def help_text(lang: str = "id") -> str:
    lines = [f"<b>{say(lang, 'help_title')}</b>"]
    lines += [f"/{name} – {description}" for name, description in COMMANDS[lang]]
    lines.append(say(lang, "help_aliases"))
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


# -- Operators (commission staff; only the ids in BOT_ADMIN_IDS see these) ---------------------

ROLE_SHORT = {"asn": "ASN", "kades": "Kepala Desa", "pemilih": "Pemilih"}
OPERATOR_COMMANDS = (
    ("statistik", "Statistik pelanggan dan grafik"),
    ("siaran", "Kirim siaran mendadak"),
    ("batal", "Batalkan siaran yang sedang berjalan"),
    ("rencana", "Pengingat terjadwal berikutnya"),
    ("laporan", "Laporan pengiriman"),
    ("audit", "Jejak tindakan operator"),
)


def num(n: int) -> str:
    """1.234.567, as Indonesians write thousands."""
    return f"{n:,}".replace(",", ".")


def roles_text(roles) -> str:
    return ", ".join(ROLE_SHORT.get(r, r) for r in roles) or "belum dipilih"


def clock(ts: float | None, tz) -> str:
    if not ts:
        return "-"
    from datetime import datetime

    return datetime.fromtimestamp(ts, tz).strftime("%d-%m-%Y %H.%M")


def stats_text(s: dict, region: str) -> str:
    lines = [f"<b>Statistik pelanggan</b> · {escape(region)}", ""]
    for role, n in s["active"].items():
        lines.append(f"{ROLE_SHORT.get(role, role)}: <b>{num(n)}</b>")
    lines += [
        f"Total aktif: <b>{num(s['total_active'])}</b>",
        f"Berhenti: {num(s['stopped'])} · Memblokir/hilang: {num(s['blocked'])}",
        f"Baru hari ini: {num(s['new_today'])} · 14 hari terakhir: {num(s['new_days'])}",
    ]
    return "\n".join(lines)


def draft_roles_prompt(roles) -> str:
    return f"<b>Siaran baru</b>\nPilih peran penerima (minimal satu), lalu tekan Lanjut.\nDipilih: {roles_text(roles)}"


def draft_text_prompt(roles) -> str:
    return (
        f"<b>Siaran baru</b> untuk: {roles_text(roles)}\n"
        "Sekarang kirim teks pesannya. Format HTML Telegram boleh: &lt;b&gt;, &lt;i&gt;, &lt;a href&gt;."
    )


def draft_refused(reason: str) -> str:
    return f"Teks ditolak: {escape(reason)}\nKirim teks yang sudah diperbaiki, atau /siaran untuk mulai lagi."


def durasi(seconds: float) -> str:
    """'8 jam 1 menit', '14 menit', '40 detik', 'kurang dari 1 detik'."""
    seconds = round(seconds)
    if seconds < 1:
        return "kurang dari 1 detik"
    if seconds < 60:
        return f"{seconds} detik"
    hours, minutes = divmod(round(seconds / 60), 60)
    return f"{hours} jam {minutes} menit" if hours else f"{minutes} menit"


def preview_summary(roles, recipients: int, seconds: float, rate: float, approvals: int) -> str:
    lines = [
        "<b>Pratinjau</b>: pesan di atas persis seperti yang akan diterima.",
        f"Penerima: <b>{num(recipients)}</b> ({roles_text(roles)})",
        f"Perkiraan durasi: {durasi(seconds)} pada {rate:g} pesan/detik.",
    ]
    if approvals > 1:
        lines.append("Perlu persetujuan satu operator lain sebelum dikirim.")
    return "\n".join(lines)


def progress_text(f: dict, tz) -> str:
    state = {"done": "selesai", "sending": "sedang dikirim", "enqueuing": "menyiapkan"}.get(f["status"], f["status"])
    lines = [
        f"<b>Siaran {escape(f['id'])}</b> · {state}",
        f"Terkirim {num(f['sent'])} dari {num(f['total'])} ({f['percent']:.0f}%)",
        f"Memblokir {num(f['blocked'])} · gagal {num(f['failed'])} · kedaluwarsa {num(f['expired'])} · "
        f"dibatalkan {num(f['cancelled'])}",
    ]
    if f["status"] != "done":
        lines.append(f"Laju {f['rate']:.1f} pesan/detik · perkiraan selesai {clock(f['eta'], tz)}")
    else:
        lines.append(f"Selesai {clock(f['finished_at'], tz)}")
    return "\n".join(lines)


def report_list_text(items: list[dict], tz) -> str:
    if not items:
        return "Belum ada siaran."
    lines = ["<b>10 siaran terakhir</b>"]
    for f in items:
        lines.append(
            f"<code>{escape(f['id'])}</code> · {clock(f['created_at'], tz)} · "
            f"{num(f['sent'])}/{num(f['total'])} terkirim"
        )
    lines.append("Rincian: /laporan ID")
    return "\n".join(lines)


def audit_text(rows: list[dict], tz) -> str:
    if not rows:
        return "Belum ada tindakan operator."
    lines = ["<b>Tindakan operator terakhir</b>"]
    for r in rows:
        subject = f" {escape(r['subject'])}" if r["subject"] else ""
        detail = f" ({escape(r['detail'])})" if r["detail"] else ""
        lines.append(f"{clock(r['at'], tz)} · {escape(r['actor'])} · {escape(r['action'])}{subject}{detail}")
    return "\n".join(lines)


def plan_text(rows, rate: float, tz) -> str:
    """/rencana: the same numbers as `python bot.py plan`, in Indonesian."""
    if not rows:
        return "Tidak ada pengingat terjadwal yang akan datang."
    lines = [f"<b>Pengingat terjadwal</b> · {rate:g} pesan/detik", ""]
    for row in rows:
        r = row.reminder
        finish = row.finish.astimezone(tz).strftime("%d-%m %H.%M") if row.finish else "tidak semua"
        lines.append(
            f"<code>{escape(r.id)}</code>\n  {r.at:%d-%m-%Y %H.%M} · {roles_text(r.roles)} · "
            f"{num(row.recipients)} penerima · {durasi(row.duration)} · selesai {finish}"
        )
        if row.late:
            lines.append(
                f"  ⚠️ hanya {num(row.by_deadline)} dari {num(row.recipients)} "
                f"({100 * row.by_deadline / row.recipients:.1f}%) sebelum batas {r.deliver_by:%H.%M}"
            )
    return "\n".join(lines)


OP_NOT_AUTHOR = "Hanya pembuat siaran ini yang dapat menekan tombol ini."
OP_NOT_OPERATOR = "Hanya operator yang dapat melakukan ini."
OP_SELF_APPROVAL = "Anda tidak dapat menyetujui siaran Anda sendiri. Minta operator lain."
OP_PICK_ROLE = "Pilih minimal satu peran."
OP_DRAFT_STATE = {
    "choosing": "Siaran ini masih memilih peran.",
    "writing": "Siaran ini masih menunggu teks.",
    "preview": "Siaran ini belum dikirim.",
    "awaiting_approval": "Siaran ini sedang menunggu persetujuan.",
    "sent": "Siaran ini sudah dikirim; tidak dikirim dua kali.",
    "cancelled": "Siaran ini sudah dibatalkan.",
}
OP_CANCELLED = "Siaran dibatalkan. Tidak ada yang dikirim."
OP_NOTHING_TO_CANCEL = "Tidak ada siaran mendadak yang sedang berjalan."
OP_AWAITING = "Menunggu persetujuan operator lain. Mereka sudah diberi tahu."
OP_NO_SUCH_REPORT = "Tidak ada siaran dengan ID itu. Ketik /laporan untuk daftar."


def approval_request(author: int, roles, recipients: int) -> str:
    return (
        f"<b>Persetujuan diperlukan</b>\nOperator {author} ingin mengirim siaran di atas ke "
        f"{num(recipients)} penerima ({roles_text(roles)})."
    )


def cancelled_broadcast(broadcast_id: str, dropped: int, sent: int) -> str:
    return (
        f"Siaran <code>{escape(broadcast_id)}</code> dihentikan: {num(dropped)} salinan yang belum terkirim "
        f"dibatalkan; {num(sent)} sudah terkirim."
    )
