"""Everything the bot says to people, rendered from plain data (Telegram HTML, Indonesian).

No Telegram objects here: functions take the schedule, dates and roles and return strings, so
they are tested without a network. Election facts live in the schedule file, not here.
"""

from __future__ import annotations

from datetime import date
from html import escape

from bot.schedule import Schedule, Stage

DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip

ROLE_NAMES = {
    "asn": "ASN (Aparatur Sipil Negara)",
    "kades": "Kepala Desa & Perangkat Desa",
    "pemilih": "Pemilih",
}
ROLE_BUTTONS = {"asn": "ASN", "kades": "Kepala Desa & Perangkat Desa", "pemilih": "Pemilih"}

DONE, CURRENT, UPCOMING = "done", "current", "upcoming"
MARKS = {DONE: "✅", CURRENT: "▶️", UPCOMING: "🗓"}


def long_date(d: date) -> str:
    """'Rabu, 27 November 2024'."""
    return f"{DAYS[d.weekday()]}, {d.day} {MONTHS[d.month - 1]} {d.year}"


def date_range(start: date, end: date) -> str:
    """One day in long form, or 'Rabu, 25 September – Sabtu, 23 November 2024'."""
    if start == end:
        return long_date(start)
    if start.year == end.year:
        return f"{DAYS[start.weekday()]}, {start.day} {MONTHS[start.month - 1]} – {long_date(end)}"
    return f"{long_date(start)} – {long_date(end)}"


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
    """'H-5' for a stage five days away, 'besok' style counting as Indonesian officials do."""
    return f"H-{(stage.start - today).days}"


def next_stage_line(schedule: Schedule, today: date) -> str:
    stage = next_stage(schedule, today)
    if stage is None:
        if all(stage_state(s, today) == DONE for s in schedule.stages):
            return "Semua tahapan telah selesai. Terima kasih atas partisipasi Anda."
        return "Tidak ada tahapan baru yang akan dimulai."
    return (
        f"Tahapan berikutnya: <b>{escape(stage.name)}</b>, {long_date(stage.start)} "
        f"({countdown(stage, today)})."
    )


def schedule_text(schedule: Schedule, today: date) -> str:
    """The /jadwal answer: every stage, its dates and state, and a countdown to the next."""
    e = schedule.election
    lines = [f"<b>Jadwal {escape(e.name)}</b>", f"{escape(e.region)} · hari ini {long_date(today)}", ""]
    following = next_stage(schedule, today)
    for stage in sorted(schedule.stages, key=lambda s: (s.start, s.end)):
        state = stage_state(stage, today)
        note = {DONE: "selesai", CURRENT: "sedang berlangsung", UPCOMING: "akan datang"}[state]
        if following is not None and stage.id == following.id:
            note += f", {countdown(stage, today)}"
        lines.append(f"{MARKS[state]} <b>{escape(stage.name)}</b>")
        lines.append(f"    {date_range(stage.start, stage.end)} ({note})")
    lines += ["", next_stage_line(schedule, today), "✅ selesai · ▶️ berlangsung · 🗓 akan datang"]
    return "\n".join(lines)


def welcome_text(schedule: Schedule) -> str:
    e = schedule.election
    return (
        f"Selamat datang di layanan pengingat <b>{escape(e.name)}</b> {escape(e.region)}.\n\n"
        "Bot ini mengirim jadwal tahapan, aturan netralitas, dan pengingat hari pemungutan suara. "
        "Kami hanya menyimpan ID chat, peran, dan tanggal berlangganan Anda.\n\n"
        "Silakan pilih peran Anda:"
    )


def already_subscribed_text(role: str) -> str:
    return (
        f"Anda sudah berlangganan sebagai <b>{escape(ROLE_NAMES[role])}</b>.\n"
        "Ingin mengganti peran? Pilih di bawah ini."
    )


def choose_role_text() -> str:
    return "Pilih peran Anda:"


def subscribed_text(role: str, schedule: Schedule, today: date) -> str:
    return (
        f"Terima kasih. Anda terdaftar sebagai <b>{escape(ROLE_NAMES[role])}</b>.\n"
        "Anda akan menerima pengingat sesuai peran Anda.\n\n"
        f"{next_stage_line(schedule, today)}\n\n"
        "Ketik /jadwal untuk semua tahapan, /bantuan untuk daftar perintah."
    )


def page_text(schedule: Schedule, key: str) -> str:
    text = schedule.pages.get(key)
    return text if text else "Informasi ini belum tersedia. Ketik /jadwal untuk jadwal tahapan."


def netralitas_key(role: str | None) -> str:
    return f"netralitas_{role or 'pemilih'}"


NOT_SUBSCRIBED_HINT = "\n\n<i>Anda belum berlangganan. Ketik /start untuk memilih peran.</i>"

STOPPED = (
    "Anda berhenti berlangganan. Bot tidak akan mengirim pesan lagi.\n"
    "Ketik /start kapan saja untuk berlangganan kembali, atau /hapus untuk menghapus data Anda."
)
NOT_A_SUBSCRIBER = "Anda belum berlangganan. Ketik /start untuk memilih peran."
DELETED = (
    "Semua data Anda (ID chat, peran, dan catatan pengiriman) telah dihapus.\n"
    "Ketik /start jika ingin berlangganan lagi."
)
UNKNOWN_COMMAND = "Perintah tidak dikenal. Ketik /bantuan untuk daftar perintah."
FREE_TEXT = "Maaf, bot ini tidak membaca pesan bebas. Ketik /bantuan untuk daftar perintah."
STALE_BUTTON = "Tombol ini sudah tidak berlaku. Ketik /start untuk memulai lagi."
ERROR = "Maaf, terjadi kesalahan. Silakan coba lagi sebentar lagi."

COMMANDS = (
    ("start", "Mulai dan pilih peran"),
    ("jadwal", "Jadwal tahapan pemilihan"),
    ("tps", "Panduan hari pemungutan suara"),
    ("netralitas", "Aturan netralitas sesuai peran"),
    ("peran", "Ganti peran"),
    ("berhenti", "Berhenti menerima pesan"),
    ("hapus", "Hapus semua data Anda"),
    ("bantuan", "Daftar perintah"),
)


def help_text() -> str:
    lines = ["<b>Daftar perintah</b>"]
    lines += [f"/{name} – {description}" for name, description in COMMANDS]
    lines.append("/stop sama dengan /berhenti, /help sama dengan /bantuan.")
    return "\n".join(lines)
